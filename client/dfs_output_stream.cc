#include "client/dfs_output_stream.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/crc32c.h"
#include "common/base/grpc_status.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"

namespace hayloft {
namespace {

constexpr uint32_t kBytesPerChecksum = 512;
constexpr int kMaxUnackedPackets = 8;
constexpr int kBlockAllocationAttempts = 4;
constexpr absl::Duration kCompleteTimeout = absl::Seconds(60);
// RecoverPipeline's failed node when nothing failed (append reopening a block).
constexpr char kNoFailedNode[] = "-";

}  // namespace

std::string AddressOf(const DatanodeId& id) { return absl::StrCat(id.host(), ":", id.rpc_port()); }

std::unique_ptr<DatanodeService::Stub> DatanodeChannels::StubFor(const DatanodeId& id) {
  std::string address = AddressOf(id);
  absl::MutexLock lock(&mu_);
  std::shared_ptr<grpc::Channel>& ch = channels_[address];
  if (ch == nullptr) ch = rpc::MakeChannel(address);
  return DatanodeService::NewStub(ch);
}

DfsOutputStreamImpl::DfsOutputStreamImpl(OutputStreamContext ctx) : ctx_(std::move(ctx)) {}

DfsOutputStreamImpl::~DfsOutputStreamImpl() {
  if (!closed_) {
    absl::Status s = Close();
    if (!s.ok()) LOG(WARNING) << "closing " << ctx_.path << " failed: " << s.message();
  }
}

void DfsOutputStreamImpl::CloseStream() {
  if (pipeline_ == nullptr || pipeline_->stream == nullptr) return;
  pipeline_->ctx->TryCancel();
  pipeline_->stream->Finish();
  pipeline_->stream.reset();
}

absl::Status DfsOutputStreamImpl::Fail(absl::Status s) {
  if (failure_.ok()) failure_ = s;
  CloseStream();
  pipeline_.reset();
  return s;
}

absl::Status DfsOutputStreamImpl::Write(absl::string_view data) {
  if (closed_) return absl::FailedPreconditionError(absl::StrCat(ctx_.path, " is closed"));
  HL_RETURN_IF_ERROR(failure_);
  while (!data.empty()) {
    uint64_t in_block = pipeline_ == nullptr ? 0 : pipeline_->bytes_sent;
    uint64_t block_room = ctx_.block_size - in_block - buffer_.size();
    uint64_t packet_room = ctx_.options->packet_bytes - buffer_.size();
    size_t n = static_cast<size_t>(std::min<uint64_t>({data.size(), block_room, packet_room}));
    buffer_.append(data.data(), n);
    data.remove_prefix(n);
    bytes_written_ += n;
    if (buffer_.size() == ctx_.options->packet_bytes || n == block_room) {
      HL_RETURN_IF_ERROR(SendPacket(n == block_room));
    }
  }
  return absl::OkStatus();
}

absl::Status DfsOutputStreamImpl::SendPacket(bool last_in_block) {
  if (pipeline_ == nullptr) {
    if (absl::Status s = OpenBlock(); !s.ok()) return Fail(s);
  }
  WritePacket pkt;
  pkt.set_offset_in_block(pipeline_->bytes_sent);
  std::vector<uint32_t> sums;
  crc32c::ChunkSums(buffer_, kBytesPerChecksum, &sums);
  pkt.mutable_checksums()->Add(sums.begin(), sums.end());
  pkt.set_data(std::move(buffer_));
  // Fill the buffer of an acknowledged packet next: a fresh 1 MiB string per
  // packet costs page faults and zeroed pages.
  buffer_ = std::move(spare_buffer_);
  buffer_.clear();
  pipeline_->bytes_sent += pkt.data().size();
  if (absl::Status s = SendOnPipeline(std::move(pkt)); !s.ok()) return Fail(s);
  while (pipeline_->unacked.size() > kMaxUnackedPackets) {
    if (absl::Status s = ReceiveAck(); !s.ok()) return Fail(s);
  }
  if (last_in_block) return FinishBlock();
  return absl::OkStatus();
}

absl::Status DfsOutputStreamImpl::SendOnPipeline(WritePacket pkt) {
  Pipeline& p = *pipeline_;
  pkt.set_seqno(p.next_seqno++);
  p.unacked.push_back(std::move(pkt));
  if (p.stream->Write(p.unacked.back())) return absl::OkStatus();
  // The stream broke: the ack stream says which node failed, if it can.
  std::string failed;
  absl::Status s = ReadAck(&failed);
  return RecoverPipeline(failed, s.ok() ? absl::UnavailableError("the pipeline closed") : s);
}

absl::Status DfsOutputStreamImpl::ReceiveAck() {
  std::string failed;
  absl::Status s = ReadAck(&failed);
  if (s.ok() || absl::IsInternal(s)) return s;
  return RecoverPipeline(failed, s);
}

absl::Status DfsOutputStreamImpl::OpenBlock() {
  std::vector<std::string> excluded;
  absl::Status last_error;
  for (int attempt = 0; attempt < kBlockAllocationAttempts; ++attempt) {
    AddBlockRequest req;
    req.mutable_header()->set_user(ctx_.options->user);
    req.set_path(ctx_.path);
    req.set_client_name(ctx_.client_name);
    req.set_client_host(ctx_.options->client_host);
    if (has_previous_) *req.mutable_previous() = previous_;
    for (const std::string& uuid : excluded) req.add_excluded_datanodes(uuid);
    HL_ASSIGN_OR_RETURN(AddBlockResponse resp,
                        ctx_.namenode->Call(&NamenodeService::Stub::AddBlock, req, false));
    const LocatedBlock& lb = resp.block();
    std::vector<DatanodeInfo> nodes(lb.locations().begin(), lb.locations().end());
    std::string failed_uuid;
    last_error = Connect(lb.block(), nodes, false, 0, &failed_uuid);
    if (last_error.ok()) return absl::OkStatus();
    LOG(WARNING) << "could not set up the pipeline for blk_" << lb.block().block_id() << " of "
                 << ctx_.path << ": " << last_error.message()
                 << "; abandoning the block and excluding " << failed_uuid;
    AbandonBlockRequest abandon;
    abandon.mutable_header()->set_user(ctx_.options->user);
    abandon.set_path(ctx_.path);
    abandon.set_client_name(ctx_.client_name);
    *abandon.mutable_block() = lb.block();
    HL_RETURN_IF_ERROR(
        ctx_.namenode->Call(&NamenodeService::Stub::AbandonBlock, abandon, true).status());
    if (!failed_uuid.empty()) excluded.push_back(failed_uuid);
  }
  return Annotate(last_error, absl::StrCat("Unable to create a write pipeline for ", ctx_.path));
}

absl::Status DfsOutputStreamImpl::Connect(const Block& block,
                                          const std::vector<DatanodeInfo>& nodes, bool recovery,
                                          uint64_t recovery_offset, std::string* failed_uuid) {
  if (nodes.empty()) return absl::UnavailableError("no datanodes for the block");
  auto p = std::make_unique<Pipeline>();
  if (pipeline_ != nullptr) {
    // Recovery keeps the block's queue and position.
    p->next_seqno = pipeline_->next_seqno;
    p->bytes_sent = pipeline_->bytes_sent;
    p->unacked = std::move(pipeline_->unacked);
  }
  p->block = block;
  p->nodes = nodes;
  p->stub = ctx_.channels->StubFor(nodes[0].id());
  p->ctx = std::make_unique<grpc::ClientContext>();
  p->stream = p->stub->WriteBlock(p->ctx.get());
  // The first packet carries the header and no data; its ack proves the whole
  // pipeline is connected before any data is committed to it.
  WritePacket first;
  WriteBlockHeader* h = first.mutable_header();
  *h->mutable_block() = block;
  for (size_t i = 1; i < nodes.size(); ++i) *h->add_downstream() = nodes[i].id();
  h->set_client_name(ctx_.client_name);
  h->set_bytes_per_checksum(kBytesPerChecksum);
  h->set_recovery(recovery);
  h->set_recovery_offset(recovery_offset);
  first.set_seqno(p->next_seqno++);
  first.set_offset_in_block(recovery_offset);
  std::deque<WritePacket> queued = std::move(p->unacked);
  p->unacked.clear();
  pipeline_ = std::move(p);
  if (!pipeline_->stream->Write(first)) *failed_uuid = nodes[0].id().uuid();
  pipeline_->unacked.push_back(first);
  absl::Status s = ReadAck(failed_uuid);
  pipeline_->unacked = std::move(queued);
  if (!s.ok() && pipeline_->stream != nullptr) {
    pipeline_->ctx->TryCancel();
    pipeline_->stream->Finish();
    pipeline_->stream.reset();
  }
  return s;
}

absl::Status DfsOutputStreamImpl::ReadAck(std::string* failed_uuid) {
  Pipeline& p = *pipeline_;
  const std::vector<DatanodeInfo>& nodes = p.nodes;
  WriteAck ack;
  if (!p.stream->Read(&ack)) {
    grpc::Status gs = p.stream->Finish();
    p.stream.reset();
    if (failed_uuid->empty() && !nodes.empty()) *failed_uuid = nodes[0].id().uuid();
    return Annotate(FromGrpcStatus(gs.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                                          "stream ended early")
                                           : gs),
                    absl::StrCat("writing blk_", p.block.block_id(), " to datanode ",
                                 AddressOf(nodes[0].id())));
  }
  for (int i = 0; i < ack.node_status_size(); ++i) {
    if (ack.node_status(i) != 0) {
      if (static_cast<size_t>(i) < nodes.size()) *failed_uuid = nodes[i].id().uuid();
      return absl::UnavailableError(absl::StrCat(
          "datanode ", static_cast<size_t>(i) < nodes.size() ? AddressOf(nodes[i].id()) : "?",
          " failed while writing blk_", p.block.block_id(), ": ", ack.error()));
    }
  }
  if (p.unacked.empty() || ack.seqno() != p.unacked.front().seqno()) {
    return absl::InternalError(absl::StrCat("out-of-order ack ", ack.seqno(), " for blk_",
                                            p.block.block_id()));
  }
  spare_buffer_ = std::move(*p.unacked.front().mutable_data());
  p.unacked.pop_front();
  return absl::OkStatus();
}

absl::Status DfsOutputStreamImpl::ContinueBlock(const LocatedBlock& last) {
  pipeline_ = std::make_unique<Pipeline>();
  pipeline_->block = last.block();
  pipeline_->nodes.assign(last.locations().begin(), last.locations().end());
  pipeline_->bytes_sent = last.block().num_bytes();
  if (pipeline_->nodes.empty()) {
    return Fail(absl::UnavailableError(absl::StrCat(
        "Cannot append to ", ctx_.path, ": no live replica of its last block blk_",
        last.block().block_id())));
  }
  // The same steps as recovering a failed pipeline, with nobody failed yet.
  absl::Status s = RecoverPipeline(kNoFailedNode, absl::UnavailableError("append"));
  return s.ok() ? s : Fail(s);
}

absl::Status DfsOutputStreamImpl::RecoverPipeline(std::string failed_uuid,
                                                  const absl::Status& cause) {
  absl::Status last = cause;
  for (int attempt = 0; attempt < kBlockAllocationAttempts; ++attempt) {
    Pipeline& p = *pipeline_;
    if (p.stream != nullptr) {
      p.ctx->TryCancel();
      p.stream->Finish();
      p.stream.reset();
    }
    std::vector<DatanodeInfo> survivors;
    for (const DatanodeInfo& d : p.nodes) {
      if (d.id().uuid() != failed_uuid) survivors.push_back(d);
    }
    // A broken stream without an ack to say who failed: blame the first node.
    if (failed_uuid.empty() && !survivors.empty()) survivors.erase(survivors.begin());
    if (survivors.empty()) {
      return Annotate(last, absl::StrCat("All datanodes of blk_", p.block.block_id(), " of ",
                                         ctx_.path, " are bad. Aborting"));
    }
    uint64_t acked = p.unacked.empty() ? p.bytes_sent : p.unacked.front().offset_in_block();
    if (failed_uuid != kNoFailedNode) {
      LOG(WARNING) << "pipeline of blk_" << p.block.block_id() << " of " << ctx_.path
                   << " failed (" << last.message() << "); continuing on " << survivors.size()
                   << " datanodes from byte " << acked;
    }
    UpdateBlockForPipelineRequest ureq;
    ureq.mutable_header()->set_user(ctx_.options->user);
    ureq.set_client_name(ctx_.client_name);
    *ureq.mutable_block() = p.block;
    HL_ASSIGN_OR_RETURN(
        UpdateBlockForPipelineResponse uresp,
        ctx_.namenode->Call(&NamenodeService::Stub::UpdateBlockForPipeline, ureq, false));
    Block old_block = p.block;
    Block new_block = uresp.block().block();
    failed_uuid.clear();
    last = Connect(new_block, survivors, true, acked, &failed_uuid);
    if (!last.ok()) continue;
    UpdatePipelineRequest preq;
    preq.mutable_header()->set_user(ctx_.options->user);
    preq.set_client_name(ctx_.client_name);
    *preq.mutable_old_block() = old_block;
    *preq.mutable_new_block() = new_block;
    for (const DatanodeInfo& d : survivors) preq.add_new_nodes(d.id().uuid());
    HL_RETURN_IF_ERROR(
        ctx_.namenode->Call(&NamenodeService::Stub::UpdatePipeline, preq, false).status());
    // Send again everything the old pipeline did not acknowledge.
    std::deque<WritePacket> resend = std::move(pipeline_->unacked);
    pipeline_->unacked.clear();
    bool sent = true;
    for (WritePacket& pkt : resend) {
      pkt.set_seqno(pipeline_->next_seqno++);
      pipeline_->unacked.push_back(std::move(pkt));
      if (!pipeline_->stream->Write(pipeline_->unacked.back())) {
        sent = false;
        break;
      }
    }
    if (sent) return absl::OkStatus();
    last = ReadAck(&failed_uuid);
    if (last.ok()) last = absl::UnavailableError("the recovered pipeline closed");
  }
  return last;
}

absl::Status DfsOutputStreamImpl::FinishBlock() {
  WritePacket last;
  last.set_offset_in_block(pipeline_->bytes_sent);
  last.set_last(true);
  if (absl::Status s = SendOnPipeline(std::move(last)); !s.ok()) return Fail(s);
  while (!pipeline_->unacked.empty()) {
    if (absl::Status s = ReceiveAck(); !s.ok()) return Fail(s);
  }
  Pipeline& p = *pipeline_;
  p.stream->WritesDone();
  grpc::Status gs = p.stream->Finish();
  p.stream.reset();
  if (!gs.ok()) return Fail(FromGrpcStatus(gs));
  previous_ = p.block;
  previous_.set_num_bytes(p.bytes_sent);
  has_previous_ = true;
  pipeline_.reset();
  return absl::OkStatus();
}

absl::Status DfsOutputStreamImpl::Hflush() {
  if (closed_) return absl::FailedPreconditionError(absl::StrCat(ctx_.path, " is closed"));
  HL_RETURN_IF_ERROR(failure_);
  // The packet may end inside a chunk; the datanodes extend that chunk's CRC when
  // the next packet arrives.
  if (!buffer_.empty()) HL_RETURN_IF_ERROR(SendPacket(false));
  // The datanodes publish the acknowledged length to readers before they ack.
  while (pipeline_ != nullptr && !pipeline_->unacked.empty()) {
    if (absl::Status s = ReceiveAck(); !s.ok()) return Fail(s);
  }
  return absl::OkStatus();
}

absl::Status DfsOutputStreamImpl::Close() {
  if (closed_) return failure_;
  closed_ = true;
  HL_RETURN_IF_ERROR(failure_);
  if (!buffer_.empty()) HL_RETURN_IF_ERROR(SendPacket(false));
  if (pipeline_ != nullptr) HL_RETURN_IF_ERROR(FinishBlock());
  CompleteRequest req;
  req.mutable_header()->set_user(ctx_.options->user);
  req.set_path(ctx_.path);
  req.set_client_name(ctx_.client_name);
  if (has_previous_) *req.mutable_last() = previous_;
  absl::Time give_up = absl::Now() + kCompleteTimeout;
  absl::Duration backoff = absl::Milliseconds(5);
  while (true) {
    HL_ASSIGN_OR_RETURN(CompleteResponse resp,
                        ctx_.namenode->Call(&NamenodeService::Stub::Complete, req, true));
    if (resp.complete()) return absl::OkStatus();
    if (absl::Now() > give_up) {
      return failure_ = absl::UnavailableError(absl::StrCat(
                 "Unable to close file ", ctx_.path,
                 " because the last block does not have enough number of replicas"));
    }
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Milliseconds(400));
  }
}

}  // namespace hayloft
