#include "datanode/block_receiver.h"

#include <algorithm>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/types/span.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"

namespace hayloft::datanode {
namespace {

metrics::Counter* const kBytesWritten = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_bytes_written_total",
    "Block bytes written to this datanode's replicas (client writes and copies).");
metrics::Counter* const kBlocksWritten = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_blocks_written_total", "Replicas written and finalized on this datanode.");
metrics::Counter* const kPipelineErrors = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_pipeline_errors_total",
    "WriteBlock streams that failed here or downstream (refused, broken or cancelled).");

// Larger chunks make no sense for CRC32C and would let a peer make us allocate
// huge checksum buffers.
constexpr uint32_t kMaxBytesPerChecksum = 1 << 20;

absl::Span<const uint32_t> Checksums(const WritePacket& p) {
  return absl::MakeConstSpan(p.checksums().data(), static_cast<size_t>(p.checksums_size()));
}

}  // namespace

BlockReceiver::BlockReceiver(BlockReceiverOptions options, BlockStore* store,
                             DatanodeClient* datanodes, FinalizedCallback on_finalized)
    : options_(std::move(options)),
      store_(store),
      datanodes_(datanodes),
      on_finalized_(std::move(on_finalized)) {}

BlockReceiver::~BlockReceiver() {
  // Run() always joins; this only guards against misuse.
  if (responder_.joinable()) {
    {
      absl::MutexLock lock(&mu_);
      no_more_acks_ = true;
    }
    if (downstream_) downstream_->Cancel();
    responder_.join();
  }
}

std::string BlockReceiver::BlockName() const {
  return absl::StrCat("blk_", header_.block().block_id(), "_", header_.block().generation_stamp());
}

absl::Status BlockReceiver::Run(PacketStream* upstream) {
  upstream_ = upstream;
  std::optional<WritePacket> first = upstream->Read();
  if (!first) {
    return absl::CancelledError("the upstream closed the WriteBlock stream before its header");
  }
  absl::Status s = Start(*first);
  if (!s.ok()) {
    s = absl::Status(s.code(), absl::StrCat(s.message(), " on ", options_.self_address));
    // No responder yet, so this thread may write the error ack.
    upstream->Write(LocalErrorAck(first->seqno(), s));
    kPipelineErrors->Increment();
    LOG(WARNING) << "Refused WriteBlock: " << s;
    return s;
  }
  // The hook may cancel upstream_, which is valid only until Run() returns.
  absl::Cleanup clear_hook = [this] { writer_->stop_signal().ClearHook(); };
  absl::Status status = Finish(ReceivePackets(std::move(*first)));
  // Joins the read-ahead thread: after a last packet it has stopped; after an error
  // it returns once the upstream, told by the error ack, closes the stream.
  prefetcher_.reset();
  return status;
}

absl::Status BlockReceiver::Start(const WritePacket& first) {
  if (!first.has_header()) {
    return absl::InvalidArgumentError("the first WriteBlock packet carries no header");
  }
  header_ = first.header();
  if (header_.bytes_per_checksum() == 0) header_.set_bytes_per_checksum(kDefaultBytesPerChecksum);
  if (header_.bytes_per_checksum() > kMaxBytesPerChecksum) {
    return absl::InvalidArgumentError(
        absl::StrCat("bytes_per_checksum ", header_.bytes_per_checksum(), " is too large"));
  }
  HL_RETURN_IF_ERROR(OpenReplica());
  if (header_.downstream_size() > 0) {
    downstream_address_ = DatanodeAddress(header_.downstream(0));
    WriteBlockStreamOptions stream_options;
    stream_options.parent = upstream_->parent_call();
    downstream_ = datanodes_->OpenWriteBlock(header_.downstream(0), stream_options);
  }
  // A recovery of this replica (a new pipeline, or the namenode's lease recovery)
  // stops this write by cancelling both of its streams.
  writer_->stop_signal().SetHook([this] {
    upstream_->Cancel();
    if (downstream_ != nullptr) downstream_->Cancel();
  });
  VLOG(1) << "Receiving " << BlockName() << " from "
          << (header_.client_name().empty() ? "a datanode" : header_.client_name())
          << (header_.recovery()
                  ? absl::StrCat(" (recovery from offset ", header_.recovery_offset(), ")")
                  : "")
          << (downstream_ ? absl::StrCat(", forwarding to ", downstream_address_) : "");
  responder_ = std::thread(&BlockReceiver::RespondLoop, this);
  return absl::OkStatus();
}

absl::Status BlockReceiver::OpenReplica() {
  const Block& b = header_.block();
  if (!header_.recovery()) {
    HL_ASSIGN_OR_RETURN(writer_, store_->CreateReplica(b.block_id(), b.generation_stamp(),
                                                       header_.bytes_per_checksum()));
    return absl::OkStatus();
  }
  HL_ASSIGN_OR_RETURN(writer_, store_->RecoverReplica(b.block_id(), b.generation_stamp(),
                                                      header_.recovery_offset()));
  if (writer_->bytes_per_checksum() != header_.bytes_per_checksum()) {
    absl::Status s = absl::InvalidArgumentError(absl::StrCat(
        "the replica of blk_", b.block_id(), " has ", writer_->bytes_per_checksum(),
        " bytes per checksum, the recovery header says ", header_.bytes_per_checksum()));
    writer_->Detach();
    writer_.reset();
    return s;
  }
  return absl::OkStatus();
}

absl::Status BlockReceiver::ReceivePackets(WritePacket packet) {
  int64_t expected_seqno = packet.seqno();
  if (!packet.last()) prefetcher_ = std::make_unique<PacketPrefetcher>(upstream_, kReadAhead);
  while (true) {
    HL_RETURN_IF_ERROR(pipeline_error());
    const int64_t seqno = packet.seqno();
    const bool last = packet.last();
    absl::Status s = HandlePacket(packet, expected_seqno);
    if (!s.ok()) {
      s = absl::Status(s.code(), absl::StrCat(s.message(), " on ", options_.self_address));
      local_failure_ = true;
    }
    Enqueue({seqno, s, last, writer_->num_bytes(), writer_->last_chunk_crc()});
    if (!s.ok() || last) return s;
    ++expected_seqno;
    std::optional<WritePacket> next = prefetcher_->Next();
    if (!next) {
      std::string what = absl::StrCat(" the stream of ", BlockName(), " after ",
                                      writer_->num_bytes(), " bytes without a last packet");
      if (writer_->stop_signal().stopped()) {
        return absl::CancelledError(absl::StrCat("a recovery stopped", what));
      }
      if (upstream_->cancelled())
        return absl::CancelledError(absl::StrCat("the upstream cancelled", what));
      return absl::AbortedError(absl::StrCat("the upstream closed", what));
    }
    packet = std::move(*next);
  }
}

absl::Status BlockReceiver::HandlePacket(WritePacket& packet, int64_t expected_seqno) {
  if (packet.seqno() != expected_seqno) {
    return absl::InvalidArgumentError(absl::StrCat("packet seqno ", packet.seqno(), " of ",
                                                   BlockName(), ", expected ", expected_seqno));
  }
  if (packet.offset_in_block() != writer_->num_bytes()) {
    return absl::InvalidArgumentError(absl::StrCat("packet ", packet.seqno(), " of ", BlockName(),
                                                   " starts at offset ", packet.offset_in_block(),
                                                   ", expected ", writer_->num_bytes()));
  }
  // Verify before forwarding, so a corrupt packet never reaches another node.
  HL_RETURN_IF_ERROR(VerifyChunks(header_.block().block_id(), packet.offset_in_block(),
                                  packet.data(), Checksums(packet), header_.bytes_per_checksum()));
  if (downstream_ != nullptr && !downstream_write_failed_) Forward(packet);
  HL_RETURN_IF_ERROR(writer_->Append(packet.data(), Checksums(packet)));
  kBytesWritten->Increment(static_cast<double>(packet.data().size()));
  if (packet.last()) {
    HL_ASSIGN_OR_RETURN(ReplicaInfo info, writer_->Finalize());
    kBlocksWritten->Increment();
    on_finalized_(info);
  } else if (packet.sync()) {
    HL_RETURN_IF_ERROR(writer_->Sync());
  }
  return absl::OkStatus();
}

void BlockReceiver::Forward(WritePacket& packet) {
  if (!header_forwarded_) {
    // The next node gets the pipeline minus itself.
    *packet.mutable_header() = header_;
    packet.mutable_header()->mutable_downstream()->DeleteSubrange(0, 1);
    header_forwarded_ = true;
  } else {
    packet.clear_header();
  }
  if (!downstream_->Write(packet)) {
    // The responder sees the broken stream on its next Read and reports it upstream.
    downstream_write_failed_ = true;
    VLOG(1) << "Forwarding packet " << packet.seqno() << " of " << BlockName() << " to "
            << downstream_address_ << " failed";
  }
}

absl::Status BlockReceiver::Finish(absl::Status status) {
  bool abandon = absl::IsCancelled(status);
  {
    absl::MutexLock lock(&mu_);
    no_more_acks_ = true;
    if (!pipeline_error_.ok()) abandon = true;
  }
  if (downstream_ != nullptr) {
    // On a local error the downstream is half-closed rather than cancelled, so it
    // still acks what it has and the responder can ack upstream in order.
    if (abandon) {
      downstream_->Cancel();
    } else if (!downstream_write_failed_) {
      downstream_->WritesDone();
    }
  }
  responder_.join();
  if (downstream_ != nullptr) {
    // Acks the responder never read would keep Finish() waiting.
    if (!status.ok() || !pipeline_error().ok()) downstream_->Cancel();
    absl::Status ds = downstream_->Finish();
    if (!ds.ok())
      VLOG(1) << "Downstream " << downstream_address_ << " of " << BlockName() << " ended with "
              << ds;
  }
  if (absl::Status pe = pipeline_error(); status.ok() && !pe.ok()) status = pe;
  if (status.ok()) {
    LOG(INFO) << "Received " << BlockName() << " (" << writer_->num_bytes() << " bytes)"
              << (downstream_ ? absl::StrCat(", mirrored to ", downstream_address_) : "");
    return status;
  }
  kPipelineErrors->Increment();
  if (writer_->finalized()) {
    // The replica is complete and checksummed here; the namenode decides about it.
    LOG(WARNING) << "Pipeline of " << BlockName() << " failed after the local replica ("
                 << writer_->num_bytes() << " bytes) was finalized and reported: " << status
                 << "; keeping the replica";
    return status;
  }
  // A client's pipeline that broke (here or elsewhere) may be recovered with the
  // bytes this node has; a replica this node failed on, or of a pipeline that never
  // came up (the client abandons that block), is of no use to anyone.
  bool established;
  {
    absl::MutexLock lock(&mu_);
    established = pipeline_established_;
  }
  const bool keep = header_.recovery() || writer_->stop_signal().stopped() ||
                    (!header_.client_name().empty() && !local_failure_ && established);
  if (keep) {
    LOG(WARNING) << "Write of " << BlockName() << " failed after " << writer_->num_bytes()
                 << " bytes: " << status << "; keeping its rbw replica for a recovery";
    writer_->Detach();
    return status;
  }
  LOG(WARNING) << "Write of " << BlockName() << " failed after " << writer_->num_bytes()
               << " bytes: " << status << "; removing its rbw files";
  writer_->Abort();
  return status;
}

// ---------------------------------------------------------------------------
// Responder

void BlockReceiver::Enqueue(PendingAck ack) {
  absl::MutexLock lock(&mu_);
  pending_.push_back(std::move(ack));
}

bool BlockReceiver::HasAckWorkLocked() const { return !pending_.empty() || no_more_acks_; }

absl::Status BlockReceiver::pipeline_error() const {
  absl::MutexLock lock(&mu_);
  return pipeline_error_;
}

void BlockReceiver::StopResponding(absl::Status why) {
  absl::MutexLock lock(&mu_);
  if (pipeline_error_.ok()) pipeline_error_ = std::move(why);
}

void BlockReceiver::RespondLoop() {
  while (true) {
    PendingAck p;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &BlockReceiver::HasAckWorkLocked));
      if (pending_.empty()) return;
      p = std::move(pending_.front());
      pending_.pop_front();
    }
    WriteAck ack = BuildAck(p);
    bool all_ok = std::all_of(ack.node_status().begin(), ack.node_status().end(),
                              [](int32_t s) { return s == 0; });
    // Before the ack goes upstream: once the client has it, readers must see the data
    // on every node of the pipeline.
    if (all_ok && !p.last) writer_->PublishAcked(p.end_offset, p.end_crc);
    if (!upstream_->Write(ack)) {
      StopResponding(absl::CancelledError(absl::StrCat(
          "the upstream of ", BlockName(), " went away before packet ", p.seqno, " was acked")));
      return;
    }
    if (!all_ok) {
      StopResponding(p.status.ok() ? absl::UnavailableError(ack.error()) : p.status);
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      pipeline_established_ = true;
    }
    if (p.last) return;
  }
}

WriteAck BlockReceiver::BuildAck(const PendingAck& p) {
  if (!p.status.ok()) return LocalErrorAck(p.seqno, p.status);
  WriteAck ack;
  ack.set_seqno(p.seqno);
  ack.add_node_status(0);
  if (header_.downstream_size() == 0) return ack;
  std::optional<WriteAck> down = downstream_->Read();
  if (!down) {
    DownstreamFailed(&ack, absl::StrCat("the stream broke before it acked packet ", p.seqno,
                                        " (datanode down or unreachable?)"));
  } else if (down->seqno() != p.seqno) {
    DownstreamFailed(&ack, absl::StrCat("it acked seqno ", down->seqno(), ", expected ", p.seqno));
  } else {
    ack.mutable_node_status()->Add(down->node_status().begin(), down->node_status().end());
    if (!down->error().empty()) ack.set_error(down->error());
  }
  return ack;
}

WriteAck BlockReceiver::LocalErrorAck(int64_t seqno, const absl::Status& status) const {
  WriteAck ack;
  ack.set_seqno(seqno);
  ack.add_node_status(static_cast<int32_t>(status.code()));
  for (int i = 0; i < header_.downstream_size(); ++i) ack.add_node_status(0);
  ack.set_error(status.ToString());  // the message names this datanode
  return ack;
}

void BlockReceiver::DownstreamFailed(WriteAck* ack, absl::string_view why) const {
  // We cannot vouch for any node past the one we lost.
  for (int i = 0; i < header_.downstream_size(); ++i) {
    ack->add_node_status(static_cast<int32_t>(absl::StatusCode::kUnavailable));
  }
  ack->set_error(absl::StrCat("datanode ", downstream_address_, " failed in the pipeline of ",
                              BlockName(), " (downstream of ", options_.self_address, "): ", why));
  LOG(WARNING) << ack->error();
}

}  // namespace hayloft::datanode
