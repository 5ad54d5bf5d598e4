// Heartbeater: the datanode's conversation with the namenode. It registers, sends a
// full block report after each registration and every block_report_interval (or on
// request), heartbeats every heartbeat_interval with the storage numbers, and
// carries out the commands that come back. Newly finalized and deleted replicas and
// bad blocks go out as soon as they are queued, on a second thread, so a write's
// last ack never waits for the namenode.
//
// While the namenode is unreachable everything is retried every interval and a
// WARNING is logged at most once per warning_interval. A NOT_FOUND answer or a
// REREGISTER command means the namenode forgot us: register and report again.
#ifndef HAYLOFT_DATANODE_HEARTBEATER_H_
#define HAYLOFT_DATANODE_HEARTBEATER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "datanode/block_store.h"
#include "datanode/namenode_client.h"
#include "proto/namenode.pb.h"

namespace hayloft::datanode {

struct HeartbeaterOptions {
  absl::Duration heartbeat_interval = absl::Seconds(3);
  absl::Duration block_report_interval = absl::Hours(6);
  // How often "cannot reach the namenode" is repeated while it stays unreachable.
  absl::Duration warning_interval = absl::Minutes(1);
};

// What the heartbeater needs from the rest of the datanode.
struct HeartbeaterHooks {
  std::function<int32_t()> active_transfers;
  // REPLICATE_BLOCKS: copy `block` to `targets`, in this order. Must not block.
  std::function<void(const Block& block, std::vector<DatanodeId> targets)> replicate;
  // Runs every heartbeat interval (before the heartbeat, which reports how many
  // volumes have failed), even while the namenode is unreachable.
  std::function<void()> check_volumes;
};

// Thread-safe. Owns two threads, started by Start() and joined by Shutdown().
class Heartbeater {
 public:
  // `store` and `namenode` must outlive the heartbeater.
  Heartbeater(HeartbeaterOptions options, BlockStore* store, NamenodeClient* namenode,
              HeartbeaterHooks hooks);
  ~Heartbeater();
  Heartbeater(const Heartbeater&) = delete;
  Heartbeater& operator=(const Heartbeater&) = delete;

  // `id` is registered as is: uuid, advertised host, bound port.
  void Start(const DatanodeId& id);
  // Stops both threads; queued reports get one last try if the namenode knows us.
  void Shutdown();

  // Queue an incremental block report entry / a bad replica report; never block.
  void NotifyBlockReceived(const ReplicaInfo& replica);
  void NotifyBlocksDeleted(const std::vector<ReplicaInfo>& replicas);
  void ReportBadBlock(const Block& block);

  bool registered() const;
  // When the namenode last answered a heartbeat; InfinitePast() if never.
  absl::Time last_heartbeat() const;

 private:
  void HeartbeatLoop();
  // One round: register and report if needed, then heartbeat. True: go again at once.
  bool HeartbeatRound();
  absl::Status Register();
  absl::Status SendBlockReport();
  absl::Status SendHeartbeat();
  void HandleCommand(const DatanodeCommand& command);
  void DeleteBlocks(const DatanodeCommand& command);
  // Registration is lost: NOT_FOUND answer or REREGISTER command.
  void ForgetRegistration(absl::string_view why);
  void NoteFailure(absl::string_view what, const absl::Status& status);
  void NoteSuccess();

  void ReportLoop();
  bool HasReportWorkLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool StoppingLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; }
  bool HeartbeatWakeLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || wake_heartbeat_;
  }
  // Sends what is queued; on failure puts it back. Called without mu_.
  absl::Status SendQueuedReports(IncrementalBlockReportRequest ibr, ReportBadBlocksRequest bad);

  const HeartbeaterOptions options_;
  DatanodeId id_;  // set by Start() before the threads exist, then read-only
  BlockStore* const store_;
  NamenodeClient* const namenode_;
  const HeartbeaterHooks hooks_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool registered_ ABSL_GUARDED_BY(mu_) = false;
  bool block_report_due_ ABSL_GUARDED_BY(mu_) = true;
  absl::Time last_block_report_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_heartbeat_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool wake_heartbeat_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<ReplicaReport> received_ ABSL_GUARDED_BY(mu_);
  std::vector<ReplicaReport> deleted_ ABSL_GUARDED_BY(mu_);
  std::vector<Block> bad_blocks_ ABSL_GUARDED_BY(mu_);
  int64_t failures_ ABSL_GUARDED_BY(mu_) = 0;  // in a row
  absl::Time last_warning_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();

  std::thread heartbeat_thread_;
  std::thread report_thread_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_HEARTBEATER_H_
