#include "datanode/block_replicator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"

namespace hayloft::datanode {
namespace {

metrics::Counter* const kReplicated = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_blocks_replicated_total",
    "Replicas this datanode copied to others at the namenode's request.");
metrics::Counter* const kReplicationFailures = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_block_replication_failures_total",
    "Copies to other datanodes that failed (the namenode schedules them again).");

std::string Targets(const std::vector<DatanodeId>& targets) {
  return absl::StrJoin(targets, ", ", [](std::string* out, const DatanodeId& id) {
    out->append(DatanodeAddress(id));
  });
}

}  // namespace

BlockReplicator::BlockReplicator(BlockReplicatorOptions options, BlockStore* store,
                                 DatanodeClient* datanodes, BadBlockCallback report_bad_block)
    : options_(std::move(options)),
      store_(store),
      datanodes_(datanodes),
      report_bad_block_(std::move(report_bad_block)) {}

BlockReplicator::~BlockReplicator() { Shutdown(); }

void BlockReplicator::Start() { thread_ = std::thread(&BlockReplicator::Run, this); }

void BlockReplicator::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    queue_.clear();
    if (current_ != nullptr) current_->Cancel();
  }
  if (thread_.joinable()) thread_.join();
}

void BlockReplicator::Enqueue(const Block& block, std::vector<DatanodeId> targets) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return;
  if (queue_.size() >= options_.max_queued) {
    LOG(WARNING) << "Dropping the request to replicate blk_" << block.block_id() << ": "
                 << queue_.size() << " transfers are already queued";
    return;
  }
  queue_.push_back({block, std::move(targets)});
}

int32_t BlockReplicator::num_active() const {
  absl::MutexLock lock(&mu_);
  return active_;
}

void BlockReplicator::Run() {
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &BlockReplicator::HasWorkLocked));
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    absl::Time start = absl::Now();
    absl::Status s = Transfer(task.block, task.targets);
    std::string name =
        absl::StrCat("blk_", task.block.block_id(), "_", task.block.generation_stamp());
    (s.ok() ? kReplicated : kReplicationFailures)->Increment();
    if (s.ok()) {
      LOG(INFO) << "Replicated " << name << " to " << Targets(task.targets) << " in "
                << absl::Now() - start;
    } else {
      LOG(WARNING) << "Could not replicate " << name << " to " << Targets(task.targets)
                   << " as the namenode asked: " << s << " (the namenode will schedule it again)";
    }
  }
}

absl::Status BlockReplicator::Transfer(const Block& block, const std::vector<DatanodeId>& targets) {
  if (targets.empty()) return absl::InvalidArgumentError("no replication targets");
  HL_ASSIGN_OR_RETURN(std::unique_ptr<ReplicaReader> reader,
                      store_->OpenReplica(block.block_id(), block.generation_stamp()));
  WriteBlockStreamOptions stream_options;
  stream_options.timeout =
      options_.min_timeout +
      absl::Seconds(static_cast<double>(reader->num_bytes()) /
                    static_cast<double>(std::max<int64_t>(1, options_.min_rate_bytes_per_sec)));
  std::unique_ptr<WriteBlockStream> stream = datanodes_->OpenWriteBlock(targets[0], stream_options);
  {
    absl::MutexLock lock(&mu_);
    current_ = stream.get();
    ++active_;
    if (stopping_) stream->Cancel();
  }
  absl::StatusOr<int64_t> sent = SendPackets(*reader, targets, *stream);
  absl::Status s;
  if (sent.ok()) {
    stream->WritesDone();
    s = AwaitAcks(*stream, *sent);
  } else {
    stream->Cancel();
    stream->Finish().IgnoreError();
    s = sent.status();
    if (absl::IsDataLoss(s)) report_bad_block_(block);
  }
  absl::MutexLock lock(&mu_);
  current_ = nullptr;
  --active_;
  return s;
}

absl::StatusOr<int64_t> BlockReplicator::SendPackets(ReplicaReader& reader,
                                                     const std::vector<DatanodeId>& targets,
                                                     WriteBlockStream& stream) {
  WritePacket packet;
  WriteBlockHeader* header = packet.mutable_header();
  header->mutable_block()->set_block_id(reader.block_id());
  header->mutable_block()->set_generation_stamp(reader.generation_stamp());
  header->mutable_block()->set_num_bytes(reader.num_bytes());
  for (size_t i = 1; i < targets.size(); ++i) *header->add_downstream() = targets[i];
  header->set_bytes_per_checksum(reader.bytes_per_checksum());
  int64_t seqno = 0;
  uint64_t pos = 0;
  ChunkedData chunk;
  while (true) {
    // The packet buffer goes into the message and back, so every packet reuses it.
    HL_ASSIGN_OR_RETURN(chunk, reader.Read(pos, options_.packet_bytes, std::move(chunk)));
    pos += chunk.data.size();
    packet.set_seqno(seqno);
    packet.set_offset_in_block(chunk.offset);
    packet.mutable_data()->swap(chunk.data);
    packet.mutable_checksums()->Assign(chunk.checksums.begin(), chunk.checksums.end());
    packet.set_last(pos >= reader.num_bytes());
    bool written = stream.Write(packet);
    packet.mutable_data()->swap(chunk.data);
    if (!written) return seqno;
    ++seqno;
    if (packet.last()) return seqno;
    packet.clear_header();
  }
}

absl::Status BlockReplicator::AwaitAcks(WriteBlockStream& stream, int64_t packets_sent) {
  int64_t acked = 0;
  std::string error;
  while (std::optional<WriteAck> ack = stream.Read()) {
    bool ok = std::all_of(ack->node_status().begin(), ack->node_status().end(),
                          [](int32_t s) { return s == 0; });
    if (!ok && error.empty()) error = ack->error().empty() ? "a target failed" : ack->error();
    if (ok) ++acked;
  }
  absl::Status finished = stream.Finish();
  if (!error.empty()) return absl::UnavailableError(error);
  if (!finished.ok()) return finished;
  if (acked != packets_sent) {
    return absl::UnavailableError(
        absl::StrCat("the pipeline acked ", acked, " of ", packets_sent, " packets"));
  }
  return absl::OkStatus();
}

}  // namespace hayloft::datanode
