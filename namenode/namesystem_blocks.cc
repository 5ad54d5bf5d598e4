// Namesystem: block locations, the datanode protocol, and the periodic monitor
// (dead datanodes, re-replication, excess replicas).
#include <algorithm>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"
#include "namenode/namesystem.h"

namespace hayloft {
namespace {

// Replication commands per datanode per monitor round, as HDFS's
// dfs.namenode.replication.max-streams.
constexpr int kMaxReplicationStreams = 2;

metrics::Counter* const kHeartbeats = metrics::DefaultRegistry().GetCounter(
    "dfs_namenode_heartbeats_received_total", "Datanode heartbeats received.");
metrics::Counter* const kBlockReports = metrics::DefaultRegistry().GetCounter(
    "dfs_namenode_block_reports_total", "Full block reports received from datanodes.");
metrics::Counter* const kIncrementalReports = metrics::DefaultRegistry().GetCounter(
    "dfs_namenode_incremental_block_reports_total",
    "Incremental block reports (replicas received or deleted) from datanodes.");
metrics::Counter* const kBadReplicas = metrics::DefaultRegistry().GetCounter(
    "dfs_namenode_corrupt_replicas_reported_total",
    "Replicas datanodes or clients reported as failing their checksums.");
metrics::Counter* const kReplicationsScheduled = metrics::DefaultRegistry().GetCounter(
    "dfs_namenode_replications_scheduled_total",
    "Block copies the namenode asked a datanode to make (re-replication).");
metrics::Counter* const kDeadDatanodes = metrics::DefaultRegistry().GetCounter(
    "dfs_namenode_datanodes_declared_dead_total",
    "Times a datanode was declared dead for not heartbeating.");

}  // namespace

LocatedBlock Namesystem::LocateLocked(const Block& block, uint64_t offset,
                                      const std::string& client_host) {
  LocatedBlock lb;
  *lb.mutable_block() = block;
  lb.set_offset(offset);
  BlockRecord* r = blocks_.Find(block.block_id());
  if (r == nullptr) return lb;
  std::vector<DatanodeDescriptor*> holders;
  for (const std::string& uuid : r->replicas) {
    DatanodeDescriptor* d = datanodes_.Find(uuid);
    if (d != nullptr && !d->dead()) holders.push_back(d);
  }
  if (holders.empty() && !r->complete) {
    // Being written: readers of hflushed data go to the pipeline's datanodes.
    for (const std::string& uuid : r->expected) {
      DatanodeDescriptor* d = datanodes_.Find(uuid);
      if (d != nullptr && !d->dead()) holders.push_back(d);
    }
  }
  if (holders.empty() && !r->corrupt.empty()) {
    // Every replica is corrupt: say so, and let readers try them anyway.
    lb.set_corrupt(true);
    for (const std::string& uuid : r->corrupt) {
      DatanodeDescriptor* d = datanodes_.Find(uuid);
      if (d != nullptr && !d->dead()) holders.push_back(d);
    }
  }
  // Nearest first: the client's own host, then its rack, then the rest in random
  // order so readers spread over the replicas.
  std::string client_rack = client_host.empty() ? "" : topology_.RackOf(client_host);
  absl::BitGen rng;
  std::shuffle(holders.begin(), holders.end(), rng);
  // Decommissioning nodes come last, as HDFS sorts them.
  auto distance = [&](const DatanodeDescriptor* d) {
    int admin = d->info.admin_state() == DatanodeInfo::NORMAL ? 0 : 10;
    if (!client_host.empty() && d->info.id().host() == client_host) return admin;
    if (!client_rack.empty() && d->info.rack() == client_rack) return admin + 1;
    return admin + 2;
  };
  std::stable_sort(holders.begin(), holders.end(),
                   [&](auto* a, auto* b) { return distance(a) < distance(b); });
  for (DatanodeDescriptor* d : holders) *lb.add_locations() = d->info;
  return lb;
}

std::vector<PlacementCandidate> Namesystem::CandidatesLocked(
    const absl::flat_hash_set<std::string>& excluded, uint64_t min_free) {
  std::vector<PlacementCandidate> out;
  for (DatanodeDescriptor* d : datanodes_.Live()) {
    if (excluded.contains(d->uuid())) continue;
    if (d->info.admin_state() != DatanodeInfo::NORMAL) continue;
    if (d->info.capacity_bytes() > 0 &&
        static_cast<uint64_t>(std::max<int64_t>(d->info.remaining_bytes(), 0)) < min_free) {
      continue;  // too full for another block
    }
    out.push_back({d->uuid(), d->info.id().host(), d->info.rack()});
  }
  return out;
}

void Namesystem::InvalidateBlocksLocked(const std::vector<Block>& blocks) {
  for (const Block& b : blocks) {
    pending_replications_.erase(b.block_id());
    for (const std::string& uuid : blocks_.Remove(b.block_id())) {
      DatanodeDescriptor* d = datanodes_.Find(uuid);
      if (d == nullptr) continue;
      d->blocks.erase(b.block_id());
      d->pending_deletes.push_back(b);
    }
  }
}

void Namesystem::RemoveDatanodeBlocksLocked(DatanodeDescriptor* d) {
  for (uint64_t id : d->blocks) blocks_.RemoveReplica(id, d->uuid());
  d->blocks.clear();
}

void Namesystem::ProcessReportedReplicaLocked(DatanodeDescriptor* d, const ReplicaReport& r) {
  Block b;
  b.set_block_id(r.block_id());
  b.set_generation_stamp(r.generation_stamp());
  b.set_num_bytes(r.num_bytes());
  BlockRecord* rec = blocks_.Find(r.block_id());
  if (rec == nullptr) {
    // A replica of a deleted file (deleted while this node was away).
    d->pending_deletes.push_back(b);
    return;
  }
  if (r.generation_stamp() < rec->generation_stamp ||
      (rec->complete && r.num_bytes() != rec->num_bytes)) {
    LOG(WARNING) << "datanode " << d->info.id().host() << ":" << d->info.id().rpc_port()
                 << " reported a stale or wrong-length replica of blk_" << r.block_id()
                 << " (gs " << r.generation_stamp() << ", " << r.num_bytes()
                 << " bytes; expected gs " << rec->generation_stamp << ", "
                 << rec->num_bytes << " bytes); deleting it";
    d->pending_deletes.push_back(b);
    return;
  }
  if (std::find(rec->corrupt.begin(), rec->corrupt.end(), d->uuid()) != rec->corrupt.end()) {
    return;  // known corrupt: deleted once enough good replicas exist
  }
  if (r.generation_stamp() > rec->generation_stamp && rec->complete) {
    d->pending_deletes.push_back(b);  // a stamp from the future: not ours
    return;
  }
  if (blocks_.AddReplica(rec, d->uuid())) d->blocks.insert(r.block_id());
  if (rec->replicas.size() >= rec->replication) pending_replications_.erase(r.block_id());
}

RegisterDatanodeResponse Namesystem::RegisterDatanode(const RegisterDatanodeRequest& req) {
  absl::MutexLock lock(&mu_);
  std::string rack = topology_.RackOf(req.id().host());
  std::vector<uint64_t> dropped;
  DatanodeDescriptor* d = datanodes_.Register(req.id(), rack, absl::Now(), &dropped);
  for (uint64_t id : dropped) blocks_.RemoveReplica(id, d->uuid());
  d->info.set_capacity_bytes(req.capacity_bytes());
  d->info.set_dfs_used_bytes(req.dfs_used_bytes());
  d->info.set_remaining_bytes(req.remaining_bytes());
  if (IsExcludedLocked(d->info) && d->info.admin_state() == DatanodeInfo::NORMAL) {
    d->info.set_admin_state(DatanodeInfo::DECOMMISSION_IN_PROGRESS);
  }
  LOG(INFO) << "registered datanode " << req.id().host() << ":" << req.id().rpc_port()
            << " (" << req.id().uuid() << ") on rack " << rack;
  RegisterDatanodeResponse resp;
  resp.set_rack(rack);
  return resp;
}

absl::StatusOr<HeartbeatResponse> Namesystem::Heartbeat(const HeartbeatRequest& req) {
  absl::MutexLock lock(&mu_);
  DatanodeDescriptor* d = datanodes_.Find(req.uuid());
  if (d == nullptr || d->dead()) {
    // Unknown (namenode restarted) or declared dead: it must register again and
    // send a full block report.
    return absl::NotFoundError(absl::StrCat("datanode ", req.uuid(), " is not registered"));
  }
  kHeartbeats->Increment();
  absl::Time now = absl::Now();
  d->last_contact = now;
  DatanodeInfo& info = d->info;
  info.set_last_contact_unix_ms(absl::ToUnixMillis(now));
  info.set_capacity_bytes(req.capacity_bytes());
  info.set_dfs_used_bytes(req.dfs_used_bytes());
  info.set_remaining_bytes(req.remaining_bytes());
  info.set_non_dfs_used_bytes(req.non_dfs_used_bytes());
  info.set_active_transfers(req.active_transfers());
  info.set_failed_volumes(req.failed_volumes());
  info.set_num_blocks(static_cast<int64_t>(d->blocks.size()));
  HeartbeatResponse resp;
  if (!d->pending_deletes.empty()) {
    DatanodeCommand* cmd = resp.add_commands();
    cmd->set_type(DatanodeCommand::DELETE_BLOCKS);
    for (Block& b : d->pending_deletes) *cmd->add_blocks() = std::move(b);
    d->pending_deletes.clear();
  }
  for (DatanodeCommand& c : d->pending_commands) *resp.add_commands() = std::move(c);
  d->pending_commands.clear();
  return resp;
}

absl::StatusOr<BlockReportResponse> Namesystem::BlockReport(const BlockReportRequest& req) {
  absl::MutexLock lock(&mu_);
  DatanodeDescriptor* d = datanodes_.Find(req.uuid());
  if (d == nullptr || d->dead()) {
    return absl::NotFoundError(absl::StrCat("datanode ", req.uuid(), " is not registered"));
  }
  kBlockReports->Increment();
  RemoveDatanodeBlocksLocked(d);
  for (const ReplicaReport& r : req.replicas()) ProcessReportedReplicaLocked(d, r);
  for (const ReplicaReport& r : req.idle_rbw()) {
    // A leftover of a failed pipeline: useless once its file is closed or gone.
    // (Never when this node also holds the finalized replica: the delete command
    // names the block, not which copy.)
    BlockRecord* rec = blocks_.Find(r.block_id());
    if ((rec == nullptr || rec->complete) && !d->blocks.contains(r.block_id())) {
      Block b;
      b.set_block_id(r.block_id());
      b.set_generation_stamp(r.generation_stamp());
      b.set_num_bytes(r.num_bytes());
      d->pending_deletes.push_back(b);
    }
  }
  d->info.set_num_blocks(static_cast<int64_t>(d->blocks.size()));
  d->info.set_last_block_report_unix_ms(absl::ToUnixMillis(absl::Now()));
  MaybeLeaveSafeModeLocked(absl::Now());
  VLOG(1) << "block report from " << d->info.id().host() << ": " << req.replicas_size()
          << " replicas";
  return BlockReportResponse();
}

absl::Status Namesystem::IncrementalBlockReport(const IncrementalBlockReportRequest& req) {
  absl::MutexLock lock(&mu_);
  DatanodeDescriptor* d = datanodes_.Find(req.uuid());
  if (d == nullptr || d->dead()) {
    return absl::NotFoundError(absl::StrCat("datanode ", req.uuid(), " is not registered"));
  }
  kIncrementalReports->Increment();
  for (const ReplicaReport& r : req.received()) ProcessReportedReplicaLocked(d, r);
  for (const ReplicaReport& r : req.deleted()) {
    blocks_.RemoveReplica(r.block_id(), d->uuid());
    d->blocks.erase(r.block_id());
  }
  if (safe_mode_ == SafeModeState::kStartup) MaybeLeaveSafeModeLocked(absl::Now());
  return absl::OkStatus();
}

absl::Status Namesystem::ReportBadBlocks(const ReportBadBlocksRequest& req) {
  absl::MutexLock lock(&mu_);
  DatanodeDescriptor* d = datanodes_.Find(req.uuid());
  if (d == nullptr) return absl::NotFoundError(absl::StrCat("unknown datanode ", req.uuid()));
  for (const Block& b : req.blocks()) {
    BlockRecord* rec = blocks_.Find(b.block_id());
    if (rec == nullptr) continue;
    kBadReplicas->Increment();
    LOG(WARNING) << "corrupt replica of blk_" << b.block_id() << " on "
                 << d->info.id().host() << ":" << d->info.id().rpc_port()
                 << "; re-replicating from a good replica, then deleting it";
    blocks_.RemoveReplica(b.block_id(), d->uuid());
    d->blocks.erase(b.block_id());
    if (std::find(rec->corrupt.begin(), rec->corrupt.end(), d->uuid()) == rec->corrupt.end()) {
      rec->corrupt.push_back(d->uuid());
    }
  }
  return absl::OkStatus();
}

void Namesystem::ScheduleReplicationLocked(uint64_t block_id, BlockRecord* r, absl::Time now) {
  std::vector<PlacementCandidate> holders;
  absl::flat_hash_set<std::string> excluded(r->corrupt.begin(), r->corrupt.end());
  DatanodeDescriptor* source = nullptr;
  for (const std::string& uuid : r->replicas) {
    DatanodeDescriptor* d = datanodes_.Find(uuid);
    if (d == nullptr || d->dead()) continue;
    holders.push_back({uuid, d->info.id().host(), d->info.rack()});
    excluded.insert(uuid);
    if (source == nullptr || d->pending_commands.size() < source->pending_commands.size()) {
      source = d;
    }
  }
  if (source == nullptr || source->pending_commands.size() >= kMaxReplicationStreams) return;
  int needed = static_cast<int>(r->replication) - LiveReplicasLocked(*r);
  std::vector<PlacementCandidate> targets = placement_.ChooseTargets(
      needed, "", CandidatesLocked(excluded, r->num_bytes), holders);
  if (targets.empty()) {
    // The only nodes left to copy to hold a corrupt replica: delete those first,
    // so the next round can copy a good replica onto them.
    if (!r->corrupt.empty()) DeleteCorruptReplicasLocked(block_id, r);
    return;
  }
  DatanodeCommand cmd;
  cmd.set_type(DatanodeCommand::REPLICATE_BLOCKS);
  Block* b = cmd.add_blocks();
  b->set_block_id(block_id);
  b->set_generation_stamp(r->generation_stamp);
  b->set_num_bytes(r->num_bytes);
  for (const PlacementCandidate& t : targets) *cmd.add_targets() = datanodes_.Find(t.uuid)->info;
  source->pending_commands.push_back(std::move(cmd));
  kReplicationsScheduled->Increment();
  pending_replications_[block_id] = now + options_.pending_replication_timeout;
}

void Namesystem::RunMonitorOnce() {
  absl::MutexLock lock(&mu_);
  absl::Time now = absl::Now();
  for (DatanodeDescriptor* d : datanodes_.MarkDeadSince(now, options_.dead_node_timeout())) {
    LOG(WARNING) << "datanode " << d->info.id().host() << ":" << d->info.id().rpc_port()
                 << " is dead (no heartbeat for " << (now - d->last_contact)
                 << "); re-replicating its " << d->blocks.size() << " blocks";
    kDeadDatanodes->Increment();
    RemoveDatanodeBlocksLocked(d);
  }
  MaybeLeaveSafeModeLocked(now);
  if (safe_mode_ != SafeModeState::kOff) return;  // no replication work in safe mode
  // Most endangered first: blocks with one live replica before those with two.
  std::vector<std::pair<int, uint64_t>> under;
  blocks_.ForEach([&](uint64_t id, BlockRecord& r) {
    if (!r.complete) return;
    int live = LiveReplicasLocked(r);
    if (!r.corrupt.empty() && live >= static_cast<int>(r.replication)) {
      DeleteCorruptReplicasLocked(id, &r);
    }
    if (r.replicas.empty()) return;  // missing: nothing to copy from
    if (live < static_cast<int>(r.replication)) {
      auto pending = pending_replications_.find(id);
      if (pending == pending_replications_.end() || pending->second <= now) {
        under.emplace_back(live, id);
      }
    }
    if (live > static_cast<int>(r.replication) &&
        static_cast<int>(r.replicas.size()) == live) {
      DeleteExcessReplicaLocked(id, &r);
    }
  });
  std::sort(under.begin(), under.end());
  for (const auto& [live, id] : under) ScheduleReplicationLocked(id, blocks_.Find(id), now);
  CheckDecommissionLocked();
}

void Namesystem::DeleteCorruptReplicasLocked(uint64_t block_id, BlockRecord* r) {
  for (const std::string& uuid : r->corrupt) {
    DatanodeDescriptor* d = datanodes_.Find(uuid);
    if (d == nullptr) continue;
    Block b;
    b.set_block_id(block_id);
    b.set_generation_stamp(r->generation_stamp);
    b.set_num_bytes(r->num_bytes);
    d->pending_deletes.push_back(b);
  }
  r->corrupt.clear();
}

void Namesystem::DeleteExcessReplicaLocked(uint64_t block_id, BlockRecord* r) {
  // Keep the racks spread: take the victim from a rack holding more than one
  // replica if there is one, and there from the node with the least space.
  absl::flat_hash_map<std::string, int> per_rack;
  for (const std::string& uuid : r->replicas) {
    if (DatanodeDescriptor* d = datanodes_.Find(uuid); d != nullptr) ++per_rack[d->info.rack()];
  }
  bool crowded_rack = false;
  for (const auto& [rack, n] : per_rack) crowded_rack |= n > 1;
  DatanodeDescriptor* victim = nullptr;
  for (const std::string& uuid : r->replicas) {
    DatanodeDescriptor* d = datanodes_.Find(uuid);
    if (d == nullptr || (crowded_rack && per_rack[d->info.rack()] < 2)) continue;
    if (victim == nullptr || d->info.remaining_bytes() < victim->info.remaining_bytes()) {
      victim = d;
    }
  }
  if (victim == nullptr) return;
  Block b;
  b.set_block_id(block_id);
  b.set_generation_stamp(r->generation_stamp);
  b.set_num_bytes(r->num_bytes);
  blocks_.RemoveReplica(block_id, victim->uuid());
  victim->blocks.erase(block_id);
  victim->pending_deletes.push_back(b);
}

absl::StatusOr<GetDatanodeReportResponse> Namesystem::GetDatanodeReport(
    const GetDatanodeReportRequest& req) {
  HL_RETURN_IF_ERROR(CheckerFor(req.header()).CheckSuperuser());
  absl::ReaderMutexLock lock(&mu_);
  GetDatanodeReportResponse resp;
  for (DatanodeDescriptor* d : datanodes_.All()) {
    DatanodeInfo* info = resp.add_datanodes();
    *info = d->info;
    info->set_num_blocks(static_cast<int64_t>(d->blocks.size()));
  }
  return resp;
}

GetFsStatsResponse Namesystem::GetFsStats() {
  absl::ReaderMutexLock lock(&mu_);
  return FsStatsLocked();
}

GetFsStatsResponse Namesystem::FsStatsLocked() {
  GetFsStatsResponse resp;
  for (DatanodeDescriptor* d : datanodes_.Live()) {
    resp.set_capacity_bytes(resp.capacity_bytes() + d->info.capacity_bytes());
    resp.set_dfs_used_bytes(resp.dfs_used_bytes() + d->info.dfs_used_bytes());
    resp.set_remaining_bytes(resp.remaining_bytes() + d->info.remaining_bytes());
    resp.set_non_dfs_used_bytes(resp.non_dfs_used_bytes() + d->info.non_dfs_used_bytes());
  }
  int64_t under = 0, missing = 0, corrupt = 0;
  blocks_.ForEach([&](uint64_t, BlockRecord& r) {
    if (!r.complete) return;
    if (!r.corrupt.empty()) ++corrupt;
    if (r.replicas.empty()) {
      ++missing;
    } else if (LiveReplicasLocked(r) < static_cast<int>(r.replication)) {
      ++under;
    }
  });
  resp.set_corrupt_blocks(corrupt);
  resp.set_safe_mode(safe_mode_ != SafeModeState::kOff);
  resp.set_under_replicated_blocks(under);
  resp.set_missing_blocks(missing);
  resp.set_total_blocks(static_cast<int64_t>(blocks_.size()));
  resp.set_total_files(tree_.num_files());
  resp.set_total_dirs(tree_.num_dirs());
  return resp;
}

NamesystemSummary Namesystem::GetSummary() {
  absl::ReaderMutexLock lock(&mu_);
  NamesystemSummary s;
  s.stats = FsStatsLocked();
  for (DatanodeDescriptor* d : datanodes_.All()) {
    if (d->dead()) {
      ++s.dead_datanodes;
      continue;
    }
    ++s.live_datanodes;
    if (d->info.admin_state() == DatanodeInfo::DECOMMISSION_IN_PROGRESS) {
      ++s.decommissioning_datanodes;
    } else if (d->info.admin_state() == DatanodeInfo::DECOMMISSIONED) {
      ++s.decommissioned_datanodes;
    }
  }
  s.num_racks = datanodes_.num_racks();
  s.pending_replications = static_cast<int64_t>(pending_replications_.size());
  if (safe_mode_ != SafeModeState::kOff) s.safe_mode_status = SafeModeStatusLocked();
  s.started_at = started_at_;
  return s;
}

int Namesystem::num_live_datanodes() {
  absl::ReaderMutexLock lock(&mu_);
  return datanodes_.num_live();
}

}  // namespace hayloft
