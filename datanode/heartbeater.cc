#include "datanode/heartbeater.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"
#include "datanode/datanode_client.h"

namespace hayloft::datanode {
namespace {

metrics::Counter* const kHeartbeats = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_heartbeats_total", "Heartbeats the namenode answered.");
metrics::Counter* const kHeartbeatFailures = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_heartbeat_failures_total", "Heartbeats that failed (namenode unreachable...).");
metrics::Counter* const kBlockReports = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_block_reports_total", "Full block reports the namenode accepted.");

ReplicaReport ToReport(const ReplicaInfo& r) {
  ReplicaReport out;
  out.set_block_id(r.block_id);
  out.set_generation_stamp(r.generation_stamp);
  out.set_num_bytes(r.num_bytes);
  return out;
}

// Puts `failed` back in front of what was queued meanwhile, keeping the order.
template <typename T, typename Repeated>
void Requeue(Repeated* failed, std::vector<T>* queue) {
  queue->insert(queue->begin(), std::make_move_iterator(failed->begin()),
                std::make_move_iterator(failed->end()));
}

}  // namespace

Heartbeater::Heartbeater(HeartbeaterOptions options, BlockStore* store, NamenodeClient* namenode,
                         HeartbeaterHooks hooks)
    : options_(std::move(options)), store_(store), namenode_(namenode), hooks_(std::move(hooks)) {}

Heartbeater::~Heartbeater() { Shutdown(); }

void Heartbeater::Start(const DatanodeId& id) {
  id_ = id;
  heartbeat_thread_ = std::thread(&Heartbeater::HeartbeatLoop, this);
  report_thread_ = std::thread(&Heartbeater::ReportLoop, this);
}

void Heartbeater::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  // The report thread makes its last try first; then cut off whatever the heartbeat
  // thread still waits for.
  if (report_thread_.joinable()) report_thread_.join();
  namenode_->CancelAll();
  if (heartbeat_thread_.joinable()) heartbeat_thread_.join();
}

bool Heartbeater::registered() const {
  absl::MutexLock lock(&mu_);
  return registered_;
}

absl::Time Heartbeater::last_heartbeat() const {
  absl::MutexLock lock(&mu_);
  return last_heartbeat_;
}

void Heartbeater::NotifyBlockReceived(const ReplicaInfo& replica) {
  absl::MutexLock lock(&mu_);
  received_.push_back(ToReport(replica));
}

void Heartbeater::NotifyBlocksDeleted(const std::vector<ReplicaInfo>& replicas) {
  absl::MutexLock lock(&mu_);
  for (const ReplicaInfo& r : replicas) deleted_.push_back(ToReport(r));
}

void Heartbeater::ReportBadBlock(const Block& block) {
  absl::MutexLock lock(&mu_);
  bad_blocks_.push_back(block);
}

// ---------------------------------------------------------------------------
// Heartbeat thread

void Heartbeater::HeartbeatLoop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    bool again = HeartbeatRound();
    absl::MutexLock lock(&mu_);
    if (!again) {
      mu_.AwaitWithTimeout(absl::Condition(this, &Heartbeater::HeartbeatWakeLocked),
                           options_.heartbeat_interval);
    }
    wake_heartbeat_ = false;
  }
}

bool Heartbeater::HeartbeatRound() {
  // Disks fail whether or not the namenode is reachable.
  if (hooks_.check_volumes) hooks_.check_volumes();
  bool registered, report_due;
  {
    absl::MutexLock lock(&mu_);
    registered = registered_;
    report_due =
        block_report_due_ || absl::Now() - last_block_report_ >= options_.block_report_interval;
  }
  if (!registered) {
    if (absl::Status s = Register(); !s.ok()) {
      NoteFailure("register with", s);
      return false;
    }
    report_due = true;
  }
  // Go again at once after losing the registration, unless we only just registered:
  // a namenode that keeps forgetting us must not be hammered.
  const bool retry_at_once = registered;
  if (report_due) {
    absl::Status s = SendBlockReport();
    if (absl::IsNotFound(s)) {
      ForgetRegistration("it answered the block report with NOT_FOUND");
      return retry_at_once;
    }
    if (!s.ok()) {
      NoteFailure("send a block report to", s);
      return false;
    }
  }
  absl::Status s = SendHeartbeat();
  if (absl::IsNotFound(s)) {
    ForgetRegistration("it answered a heartbeat with NOT_FOUND");
    return retry_at_once;
  }
  if (!s.ok()) {
    NoteFailure("send a heartbeat to", s);
    return false;
  }
  NoteSuccess();
  absl::MutexLock lock(&mu_);
  return wake_heartbeat_;  // a command asked for a re-registration or a report
}

absl::Status Heartbeater::Register() {
  HL_ASSIGN_OR_RETURN(StorageStats stats, store_->GetStorageStats());
  RegisterDatanodeRequest request;
  *request.mutable_id() = id_;
  request.set_capacity_bytes(stats.capacity_bytes);
  request.set_dfs_used_bytes(stats.dfs_used_bytes);
  request.set_remaining_bytes(stats.remaining_bytes);
  HL_ASSIGN_OR_RETURN(RegisterDatanodeResponse response, namenode_->RegisterDatanode(request));
  LOG(INFO) << "Registered with namenode " << namenode_->address() << " as " << id_.uuid() << " ("
            << DatanodeAddress(id_) << ", rack " << response.rack() << ")";
  absl::MutexLock lock(&mu_);
  registered_ = true;
  block_report_due_ = true;
  return absl::OkStatus();
}

absl::Status Heartbeater::SendBlockReport() {
  BlockReportRequest request;
  request.set_uuid(id_.uuid());
  for (const ReplicaInfo& r : store_->GetFinalizedReplicas()) {
    *request.add_replicas() = ToReport(r);
  }
  for (const ReplicaInfo& r : store_->GetIdleRbwReplicas()) {
    *request.add_idle_rbw() = ToReport(r);
  }
  absl::Time start = absl::Now();
  HL_ASSIGN_OR_RETURN(BlockReportResponse response, namenode_->BlockReport(request));
  kBlockReports->Increment();
  LOG(INFO) << "Sent a block report of " << request.replicas_size() << " replicas to "
            << namenode_->address() << " in " << absl::Now() - start;
  {
    absl::MutexLock lock(&mu_);
    block_report_due_ = false;
    last_block_report_ = absl::Now();
  }
  for (const DatanodeCommand& c : response.commands()) HandleCommand(c);
  return absl::OkStatus();
}

absl::Status Heartbeater::SendHeartbeat() {
  HL_ASSIGN_OR_RETURN(StorageStats stats, store_->GetStorageStats());
  HeartbeatRequest request;
  request.set_uuid(id_.uuid());
  request.set_capacity_bytes(stats.capacity_bytes);
  request.set_dfs_used_bytes(stats.dfs_used_bytes);
  request.set_remaining_bytes(stats.remaining_bytes);
  request.set_non_dfs_used_bytes(stats.non_dfs_used_bytes);
  request.set_active_transfers(hooks_.active_transfers ? hooks_.active_transfers() : 0);
  request.set_failed_volumes(stats.failed_volumes);
  absl::StatusOr<HeartbeatResponse> response = namenode_->Heartbeat(request);
  if (!response.ok()) {
    kHeartbeatFailures->Increment();
    return response.status();
  }
  kHeartbeats->Increment();
  {
    absl::MutexLock lock(&mu_);
    last_heartbeat_ = absl::Now();
  }
  for (const DatanodeCommand& c : response->commands()) HandleCommand(c);
  return absl::OkStatus();
}

void Heartbeater::HandleCommand(const DatanodeCommand& command) {
  switch (command.type()) {
    case DatanodeCommand::DELETE_BLOCKS:
      DeleteBlocks(command);
      return;
    case DatanodeCommand::REPLICATE_BLOCKS: {
      if (command.blocks_size() == 0 || command.targets_size() == 0) {
        LOG(WARNING) << "Ignoring a REPLICATE_BLOCKS command from " << namenode_->address()
                     << " without a block or targets";
        return;
      }
      std::vector<DatanodeId> targets;
      for (const DatanodeInfo& t : command.targets()) targets.push_back(t.id());
      if (hooks_.replicate) hooks_.replicate(command.blocks(0), std::move(targets));
      return;
    }
    case DatanodeCommand::REREGISTER:
      ForgetRegistration("it sent a REREGISTER command");
      return;
    case DatanodeCommand::SEND_BLOCK_REPORT: {
      absl::MutexLock lock(&mu_);
      block_report_due_ = true;
      wake_heartbeat_ = true;
      return;
    }
    default:
      LOG(WARNING) << "Ignoring unknown command type " << command.type() << " from "
                   << namenode_->address();
  }
}

void Heartbeater::DeleteBlocks(const DatanodeCommand& command) {
  std::vector<ReplicaInfo> deleted;
  std::vector<std::string> names;
  for (const Block& b : command.blocks()) {
    absl::Status s = store_->DeleteReplica(b.block_id(), b.generation_stamp());
    // A replica that is already gone is reported too, so the namenode forgets it.
    if (s.ok() || absl::IsNotFound(s)) {
      deleted.push_back({b.block_id(), b.generation_stamp(), b.num_bytes(), true});
      names.push_back(absl::StrCat("blk_", b.block_id(), "_", b.generation_stamp()));
    } else {
      LOG(WARNING) << "Not deleting blk_" << b.block_id() << "_" << b.generation_stamp()
                   << " as the namenode asked: " << s;
    }
  }
  if (deleted.empty()) return;
  LOG(INFO) << "Deleted " << deleted.size() << " replica(s) as the namenode asked: "
            << absl::StrJoin(names.begin(), names.begin() + std::min<size_t>(names.size(), 10),
                             ", ")
            << (names.size() > 10 ? ", ..." : "");
  NotifyBlocksDeleted(deleted);
}

void Heartbeater::ForgetRegistration(absl::string_view why) {
  LOG(WARNING) << "Namenode " << namenode_->address() << " does not know this datanode (" << why
               << "); registering again with a full block report";
  absl::MutexLock lock(&mu_);
  registered_ = false;
  block_report_due_ = true;
  wake_heartbeat_ = true;
}

void Heartbeater::NoteFailure(absl::string_view what, const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return;
  ++failures_;
  absl::Time now = absl::Now();
  if (now - last_warning_ < options_.warning_interval) return;
  last_warning_ = now;
  LOG(WARNING) << "Cannot " << what << " the namenode at " << namenode_->address() << ": " << status
               << " (" << failures_ << " failed attempt(s) in a row). Check that "
               << "hayloft-namenode is running there and that fs.defaultFS / "
               << "dfs.namenode.rpc-address name it; retrying every " << options_.heartbeat_interval
               << ", this warning repeats every " << options_.warning_interval;
}

void Heartbeater::NoteSuccess() {
  absl::MutexLock lock(&mu_);
  if (failures_ > 0 && last_warning_ != absl::InfinitePast()) {
    LOG(INFO) << "Namenode " << namenode_->address() << " is reachable again after " << failures_
              << " failed attempt(s)";
  }
  failures_ = 0;
  last_warning_ = absl::InfinitePast();
}

// ---------------------------------------------------------------------------
// Report thread

bool Heartbeater::HasReportWorkLocked() const {
  return stopping_ ||
         (registered_ && (!received_.empty() || !deleted_.empty() || !bad_blocks_.empty()));
}

void Heartbeater::ReportLoop() {
  // After a failure, wait a little (at most one heartbeat interval) before retrying.
  const absl::Duration retry = std::min(absl::Seconds(1), options_.heartbeat_interval);
  while (true) {
    IncrementalBlockReportRequest ibr;
    ReportBadBlocksRequest bad;
    bool stopping;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &Heartbeater::HasReportWorkLocked));
      stopping = stopping_;
      if (stopping &&
          !(registered_ && (!received_.empty() || !deleted_.empty() || !bad_blocks_.empty()))) {
        return;
      }
      ibr.set_uuid(id_.uuid());
      ibr.mutable_received()->Add(received_.begin(), received_.end());
      ibr.mutable_deleted()->Add(deleted_.begin(), deleted_.end());
      bad.set_uuid(id_.uuid());
      bad.mutable_blocks()->Add(bad_blocks_.begin(), bad_blocks_.end());
      received_.clear();
      deleted_.clear();
      bad_blocks_.clear();
    }
    absl::Status s = SendQueuedReports(std::move(ibr), std::move(bad));
    if (stopping) return;
    if (!s.ok()) {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(this, &Heartbeater::StoppingLocked), retry);
    }
  }
}

absl::Status Heartbeater::SendQueuedReports(IncrementalBlockReportRequest ibr,
                                            ReportBadBlocksRequest bad) {
  absl::Status ibr_status, bad_status;
  if (ibr.received_size() > 0 || ibr.deleted_size() > 0) {
    ibr_status = namenode_->IncrementalBlockReport(ibr);
    if (ibr_status.ok()) {
      VLOG(1) << "Reported " << ibr.received_size() << " received and " << ibr.deleted_size()
              << " deleted replica(s) to " << namenode_->address();
    }
  }
  if (bad.blocks_size() > 0) {
    bad_status = namenode_->ReportBadBlocks(bad);
    if (bad_status.ok()) {
      LOG(INFO) << "Reported " << bad.blocks_size() << " corrupt replica(s) to "
                << namenode_->address();
    }
  }
  absl::Status s = !ibr_status.ok() ? ibr_status : bad_status;
  if (s.ok()) return s;
  if (absl::IsNotFound(s)) {
    ForgetRegistration("it answered a report with NOT_FOUND");
  } else {
    NoteFailure("send incremental reports to", s);
  }
  // Both reports are idempotent, so whatever failed is simply sent again later.
  absl::MutexLock lock(&mu_);
  if (!ibr_status.ok()) {
    Requeue(ibr.mutable_received(), &received_);
    Requeue(ibr.mutable_deleted(), &deleted_);
  }
  if (!bad_status.ok()) Requeue(bad.mutable_blocks(), &bad_blocks_);
  return s;
}

}  // namespace hayloft::datanode
