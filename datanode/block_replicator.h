// BlockReplicator: copies finalized replicas to other datanodes when the namenode
// asks (REPLICATE_BLOCKS), acting as the client of a WriteBlock pipeline through
// the targets. Transfers run one at a time on the replicator's own thread, so a
// slow copy never holds up heartbeats.
#ifndef HAYLOFT_DATANODE_BLOCK_REPLICATOR_H_
#define HAYLOFT_DATANODE_BLOCK_REPLICATOR_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "datanode/block_store.h"
#include "datanode/datanode_client.h"
#include "proto/common.pb.h"

namespace hayloft::datanode {

struct BlockReplicatorOptions {
  size_t packet_bytes = 1 << 20;  // data per WritePacket
  size_t max_queued = 10000;      // further commands are dropped (the namenode retries)
  // A transfer is cancelled if it takes longer than min_timeout plus one second
  // per min_rate_bytes_per_sec of the block: a hung target must not stall us.
  absl::Duration min_timeout = absl::Minutes(1);
  int64_t min_rate_bytes_per_sec = 1 << 20;
};

// Thread-safe. Owns one thread, started by Start() and joined by Shutdown().
class BlockReplicator {
 public:
  using BadBlockCallback = std::function<void(const Block&)>;

  // `store` and `datanodes` must outlive the replicator. `report_bad_block` is
  // called (and must not block) when the local replica turns out to be corrupt.
  BlockReplicator(BlockReplicatorOptions options, BlockStore* store, DatanodeClient* datanodes,
                  BadBlockCallback report_bad_block);
  ~BlockReplicator();
  BlockReplicator(const BlockReplicator&) = delete;
  BlockReplicator& operator=(const BlockReplicator&) = delete;

  void Start();
  // Cancels the transfer in progress and drops queued ones.
  void Shutdown();

  void Enqueue(const Block& block, std::vector<DatanodeId> targets);
  // Copies `block` through the pipeline `targets` now, on the calling thread. OK once
  // every target has acked every packet. NotFound if we hold no such replica,
  // DataLoss if ours is corrupt, else what the pipeline reported.
  absl::Status Transfer(const Block& block, const std::vector<DatanodeId>& targets);

  int32_t num_active() const;

 private:
  struct Task {
    Block block;
    std::vector<DatanodeId> targets;
  };
  void Run();
  bool HasWorkLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty();
  }
  // Returns how many packets went out; a broken stream stops early without error
  // (the acks and Finish() tell why). Errors are local: the replica is unreadable.
  absl::StatusOr<int64_t> SendPackets(ReplicaReader& reader, const std::vector<DatanodeId>& targets,
                                      WriteBlockStream& stream);
  absl::Status AwaitAcks(WriteBlockStream& stream, int64_t packets_sent);

  const BlockReplicatorOptions options_;
  BlockStore* const store_;
  DatanodeClient* const datanodes_;
  const BadBlockCallback report_bad_block_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  WriteBlockStream* current_ ABSL_GUARDED_BY(mu_) = nullptr;  // for Shutdown to cancel
  int32_t active_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_BLOCK_REPLICATOR_H_
