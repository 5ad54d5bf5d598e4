// Namesystem: the namenode's logic. Owns the namespace (NamespaceTree over the
// EditLog), the block map, the datanode registry, leases and placement, behind one
// lock. Mutations are applied in memory and appended to the EditLog under the
// lock, then made durable (group commit) after it is released, before the call
// returns: nothing acknowledged is lost by a crash.
#ifndef HAYLOFT_NAMENODE_NAMESYSTEM_H_
#define HAYLOFT_NAMENODE_NAMESYSTEM_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/base/topology.h"
#include "namenode/block_map.h"
#include "namenode/block_placement.h"
#include "namenode/datanode_registry.h"
#include "namenode/edit_log.h"
#include "namenode/group_mapping.h"
#include "namenode/namenode_options.h"
#include "namenode/namespace_tree.h"
#include "namenode/permission_checker.h"
#include "namenode/replica_recoverer.h"
#include "proto/namenode.pb.h"

namespace hayloft {

// A consistent picture of the namesystem, for the status pages and /metrics.
struct NamesystemSummary {
  GetFsStatsResponse stats;  // capacity of the live datanodes, block and file counts
  // Datanodes by state; live ones include those being (or done being) decommissioned.
  int live_datanodes = 0;
  int dead_datanodes = 0;
  int decommissioning_datanodes = 0;
  int decommissioned_datanodes = 0;
  int num_racks = 0;                 // among live datanodes
  int64_t pending_replications = 0;  // copies scheduled, not yet reported
  std::string safe_mode_status;      // why the namenode is in safe mode; "" when off
  absl::Time started_at;
};

// Thread-safe.
// While a CommitDeferral is alive on a thread, Namesystem mutations called on that
// thread return as soon as their edit is queued, not once it is durable, and the
// deferral keeps the edit's sequence number. Whoever opens one must not report
// success before Namesystem::WhenDurable(seq()) says so. The RPC handlers do this,
// so no handler thread sits blocked in an fsync for each client.
class CommitDeferral {
 public:
  CommitDeferral();
  ~CommitDeferral();
  CommitDeferral(const CommitDeferral&) = delete;
  CommitDeferral& operator=(const CommitDeferral&) = delete;

  // The highest sequence number deferred; 0 if nothing was changed.
  uint64_t seq() const { return seq_; }

 private:
  friend class Namesystem;
  static CommitDeferral*& Current();

  uint64_t seq_ = 0;
  CommitDeferral* const outer_;
};

class Namesystem {
 public:
  // Opens (or creates) the namespace store in options.name_dir.
  static absl::StatusOr<std::unique_ptr<Namesystem>> Open(const NamenodeOptions& options,
                                                          Topology topology);

  // ClientProtocol. Errors as documented in proto/namenode.proto. Each checks the
  // caller's permissions as HDFS does (PermissionDenied).
  absl::StatusOr<GetFileInfoResponse> GetFileInfo(const GetFileInfoRequest& req);
  absl::StatusOr<ListStatusResponse> ListStatus(const ListStatusRequest& req);
  absl::Status Mkdirs(const MkdirsRequest& req);
  absl::StatusOr<CreateResponse> Create(const CreateRequest& req);
  absl::StatusOr<AppendResponse> Append(const AppendRequest& req);
  absl::StatusOr<AddBlockResponse> AddBlock(const AddBlockRequest& req);
  absl::Status AbandonBlock(const AbandonBlockRequest& req);
  absl::StatusOr<CompleteResponse> Complete(const CompleteRequest& req);
  absl::Status RenewLease(const RenewLeaseRequest& req);
  absl::StatusOr<GetBlockLocationsResponse> GetBlockLocations(
      const GetBlockLocationsRequest& req);
  absl::Status Rename(const RenameRequest& req);
  absl::StatusOr<DeleteResponse> Delete(const DeleteRequest& req);
  absl::Status SetReplication(const SetReplicationRequest& req);
  absl::StatusOr<GetContentSummaryResponse> GetContentSummary(
      const GetContentSummaryRequest& req);
  absl::StatusOr<GetDatanodeReportResponse> GetDatanodeReport(
      const GetDatanodeReportRequest& req);  // superuser only
  GetFsStatsResponse GetFsStats();
  absl::StatusOr<FsckResponse> Fsck(const FsckRequest& req);
  // chmod: the owner or the superuser (namesystem_permissions.cc).
  absl::Status SetPermission(const SetPermissionRequest& req);
  // chown/chgrp: the superuser; an owner may only change the group to their own.
  absl::Status SetOwner(const SetOwnerRequest& req);

  // DatanodeProtocol.
  RegisterDatanodeResponse RegisterDatanode(const RegisterDatanodeRequest& req);
  absl::StatusOr<HeartbeatResponse> Heartbeat(const HeartbeatRequest& req);
  absl::StatusOr<BlockReportResponse> BlockReport(const BlockReportRequest& req);
  absl::Status IncrementalBlockReport(const IncrementalBlockReportRequest& req);
  absl::Status ReportBadBlocks(const ReportBadBlocksRequest& req);

  // Administration and pipeline recovery. Entering or leaving safe mode and
  // refreshing nodes need the superuser.
  absl::StatusOr<SetSafeModeResponse> SetSafeMode(const SetSafeModeRequest& req);
  absl::Status RefreshNodes(const RefreshNodesRequest& req);
  absl::StatusOr<UpdateBlockForPipelineResponse> UpdateBlockForPipeline(
      const UpdateBlockForPipelineRequest& req);
  absl::Status UpdatePipeline(const UpdatePipelineRequest& req);
  absl::StatusOr<GetAdditionalDatanodeResponse> GetAdditionalDatanode(
      const GetAdditionalDatanodeRequest& req);
  GetServerDefaultsResponse GetServerDefaults() const;

  // Lease recovery, called by the monitor thread: files whose writer has not
  // renewed its lease for the hard limit are closed at the length their
  // surviving replicas agree on. Calls datanodes without holding the lock.
  void RecoverExpiredLeases(ReplicaRecoverer* recoverer);

  // Periodic work, called by the Namenode's monitor thread: marks silent
  // datanodes dead, schedules re-replication of under-replicated blocks and the
  // removal of excess replicas.
  void RunMonitorOnce();

  int num_live_datanodes();
  bool in_safe_mode();
  absl::Time started_at() const { return started_at_; }

  // Snapshots for the status pages (namenode_web.cc) and /metrics; each takes the
  // lock once. GetSummary walks every block.
  NamesystemSummary GetSummary();
  // Calls `done` once the edits up to `seq` are durable (see CommitDeferral).
  void WhenDurable(uint64_t seq, EditLog::DoneCallback done) {
    log_->WhenDurable(seq, std::move(done));
  }

  // A file with its blocks and their live replicas (as fsck sees them). NotFound,
  // InvalidArgument (bad path), FailedPrecondition if it is a directory.
  absl::StatusOr<FsckFile> GetFileBlocks(const std::string& path);

 private:
  Namesystem(const NamenodeOptions& options, Topology topology, std::unique_ptr<EditLog> log)
      : options_(options),
        topology_(std::move(topology)),
        log_(std::move(log)),
        groups_(options.groups_cache_ttl, options.group_resolver_for_testing) {}

  // The caller of a request, for permission checks. Call without mu_: resolving
  // groups may be slow. An empty user is the namenode itself (the superuser).
  PermissionChecker CheckerFor(const RequestHeader& header);
  // Re-reads dfs.hosts.exclude (at start-up and for RefreshNodes).
  absl::Status ReloadExcludedHosts();

  // Appends `batch` to the log under mu_ and waits for it outside. Call with mu_
  // released: returns once the batch is durable, or at once inside a
  // CommitDeferral, which then holds `seq`.
  absl::Status Commit(uint64_t seq);
  uint64_t AppendLocked(leveldb::WriteBatch batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return log_->Append(std::move(batch));
  }

  absl::StatusOr<Inode*> ResolveLocked(const std::string& path)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Inode*> CheckLeaseLocked(const std::string& path,
                                          const std::string& client_name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CheckReplicationLocked(uint32_t replication, const std::string& path) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Commits the length of the file's last block if it is `block`.
  absl::Status CommitBlockLocked(Inode* file, const Block& block)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Forgets the blocks and queues the deletion of their replicas.
  void InvalidateBlocksLocked(const std::vector<Block>& blocks)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveDatanodeBlocksLocked(DatanodeDescriptor* d) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Adds a reported replica to the map, or queues its deletion if it is unknown
  // or stale.
  void ProcessReportedReplicaLocked(DatanodeDescriptor* d, const ReplicaReport& r)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  LocatedBlock LocateLocked(const Block& block, uint64_t offset,
                            const std::string& client_host)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::vector<PlacementCandidate> CandidatesLocked(
      const absl::flat_hash_set<std::string>& excluded, uint64_t min_free)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void ScheduleReplicationLocked(uint64_t block_id, BlockRecord* r, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DeleteCorruptReplicasLocked(uint64_t block_id, BlockRecord* r)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DeleteExcessReplicaLocked(uint64_t block_id, BlockRecord* r)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  GetFsStatsResponse FsStatsLocked() ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void AddSummaryLocked(Inode* inode, GetContentSummaryResponse* out)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status FsckWalkLocked(const PermissionChecker& pc, Inode* inode,
                              const std::string& path, FsckResponse* out)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // `permission` 0 means the default; both get the umask unless `exact_permission`.
  InodeRecord NewRecordLocked(bool is_dir, const std::string& user, uint32_t permission,
                              bool exact_permission = false)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // Safe mode (namesystem_admin.cc).
  enum class SafeModeState { kOff, kStartup, kManual };
  // FailedPrecondition "<what>. Name node is in safe mode." with the reason.
  absl::Status CheckNotInSafeModeLocked(const std::string& what)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::string SafeModeStatusLocked() ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Leaves start-up safe mode once enough blocks are reported (and the
  // extension has passed).
  void MaybeLeaveSafeModeLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Replicas that count towards a block's redundancy: on live datanodes that are
  // not being decommissioned.
  int LiveReplicasLocked(const BlockRecord& r) ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool IsExcludedLocked(const DatanodeInfo& info) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void CheckDecommissionLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Finds the file owning block_id and checks the lease.
  absl::StatusOr<Inode*> FileOfBlockLocked(uint64_t block_id, const std::string& client_name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Lease recovery of one file, outside the lock (namesystem_admin.cc).
  struct RecoveryTask {
    uint64_t inode_id = 0;
    std::string path;
    std::string client_name;
    bool has_last = false;
    Block last;                         // the file's last block as committed
    uint64_t recovery_id = 0;           // its new generation stamp
    std::vector<DatanodeId> holders;    // where replicas may be
  };
  void RecoverFile(const RecoveryTask& task, ReplicaRecoverer* recoverer);

  const NamenodeOptions options_;
  const Topology topology_;
  const std::unique_ptr<EditLog> log_;
  GroupMapping groups_;  // thread-safe, its own lock; never called under mu_

  // One lock for the whole namesystem (STYLE: one mutex per component). Lock
  // order: mu_ before the EditLog's own lock.
  absl::Mutex mu_;
  NamespaceTree tree_ ABSL_GUARDED_BY(mu_);
  BlockMap blocks_ ABSL_GUARDED_BY(mu_);
  DatanodeRegistry datanodes_ ABSL_GUARDED_BY(mu_);
  BlockPlacement placement_ ABSL_GUARDED_BY(mu_);
  // Leases: client name -> last renewal. Files carry their holder in InodeRecord.
  absl::flat_hash_map<std::string, absl::Time> leases_ ABSL_GUARDED_BY(mu_);
  // Replications in flight: block id -> when to give up waiting and retry.
  absl::flat_hash_map<uint64_t, absl::Time> pending_replications_ ABSL_GUARDED_BY(mu_);
  SafeModeState safe_mode_ ABSL_GUARDED_BY(mu_) = SafeModeState::kStartup;
  absl::Time safe_threshold_met_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  const absl::Time started_at_ = absl::Now();
  // dfs.hosts.exclude as last read: hosts ("h") and addresses ("h:port").
  absl::flat_hash_set<std::string> excluded_hosts_ ABSL_GUARDED_BY(mu_);
  // Files whose lease recovery is running (by inode id), so it runs once.
  absl::flat_hash_set<uint64_t> recovering_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_NAMESYSTEM_H_
