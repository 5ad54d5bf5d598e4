// Namesystem: safe mode, decommissioning, pipeline recovery and lease recovery.
#include <cmath>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "namenode/namesystem.h"

namespace hayloft {

// ---------------------------------------------------------------------------
// Safe mode

absl::Status Namesystem::CheckNotInSafeModeLocked(const std::string& what) {
  if (safe_mode_ == SafeModeState::kOff) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(what, ". Name node is in safe mode.\n", SafeModeStatusLocked()));
}

std::string Namesystem::SafeModeStatusLocked() {
  if (safe_mode_ == SafeModeState::kManual) {
    return "It was turned on manually. Use \"hayloft dfsadmin -safemode leave\" to turn "
           "safe mode off.";
  }
  int64_t total = 0, safe = 0;
  blocks_.ForEach([&](uint64_t, BlockRecord& r) {
    if (!r.complete) return;
    ++total;
    if (r.replicas.size() >= options_.min_replication) ++safe;
  });
  int64_t threshold =
      static_cast<int64_t>(std::ceil(static_cast<double>(total) * options_.safemode_threshold));
  std::string pct = absl::StrFormat("%.4f", options_.safemode_threshold);
  std::string s;
  if (safe < threshold) {
    s = absl::StrCat("The reported blocks ", safe, " needs additional ", threshold - safe,
                     " blocks to reach the threshold ", pct, " of total blocks ", total, ".\n");
  } else {
    s = absl::StrCat("The reported blocks ", safe, " has reached the threshold ", pct,
                     " of total blocks ", total, ". ");
  }
  int live = datanodes_.num_live();
  if (options_.safemode_min_datanodes == 0) {
    absl::StrAppend(&s, "The minimum number of live datanodes is not required. ");
  } else if (live < options_.safemode_min_datanodes) {
    absl::StrAppend(&s, "The number of live datanodes ", live, " needs an additional ",
                    options_.safemode_min_datanodes - live, " live datanodes to reach the "
                    "minimum number ", options_.safemode_min_datanodes, ".\n");
  } else {
    absl::StrAppend(&s, "The number of live datanodes ", live,
                    " has reached the minimum number ", options_.safemode_min_datanodes, ". ");
  }
  if (safe_threshold_met_at_ != absl::InfiniteFuture()) {
    absl::Duration left = safe_threshold_met_at_ + options_.safemode_extension - absl::Now();
    absl::StrAppend(&s, "In safe mode extension. Safe mode will be turned off automatically in ",
                    std::max<int64_t>(0, absl::ToInt64Seconds(left)), " seconds.");
  } else {
    absl::StrAppend(&s, "Safe mode will be turned off automatically once the thresholds have "
                        "been reached.");
  }
  return s;
}

void Namesystem::MaybeLeaveSafeModeLocked(absl::Time now) {
  if (safe_mode_ != SafeModeState::kStartup) return;
  int64_t total = 0, safe = 0;
  blocks_.ForEach([&](uint64_t, BlockRecord& r) {
    if (!r.complete) return;
    ++total;
    if (r.replicas.size() >= options_.min_replication) ++safe;
  });
  bool met = static_cast<double>(safe) >=
                 std::ceil(static_cast<double>(total) * options_.safemode_threshold) &&
             datanodes_.num_live() >= options_.safemode_min_datanodes;
  if (!met) {
    safe_threshold_met_at_ = absl::InfiniteFuture();
    return;
  }
  if (safe_threshold_met_at_ == absl::InfiniteFuture()) safe_threshold_met_at_ = now;
  if (total > 0 && now - safe_threshold_met_at_ < options_.safemode_extension) return;
  safe_mode_ = SafeModeState::kOff;
  safe_threshold_met_at_ = absl::InfiniteFuture();
  LOG(INFO) << "leaving safe mode after " << absl::FormatDuration(now - started_at_) << ": "
            << safe << " of " << total << " blocks reported on " << datanodes_.num_live()
            << " datanodes";
}

absl::StatusOr<SetSafeModeResponse> Namesystem::SetSafeMode(const SetSafeModeRequest& req) {
  if (req.action() != SetSafeModeRequest::GET) {
    HL_RETURN_IF_ERROR(CheckerFor(req.header()).CheckSuperuser());
  }
  absl::MutexLock lock(&mu_);
  if (req.action() == SetSafeModeRequest::ENTER && safe_mode_ != SafeModeState::kManual) {
    safe_mode_ = SafeModeState::kManual;
    LOG(INFO) << "safe mode turned ON by " << req.header().user();
  } else if (req.action() == SetSafeModeRequest::LEAVE && safe_mode_ != SafeModeState::kOff) {
    safe_mode_ = SafeModeState::kOff;
    safe_threshold_met_at_ = absl::InfiniteFuture();
    LOG(INFO) << "safe mode turned OFF by " << req.header().user();
  }
  SetSafeModeResponse resp;
  resp.set_safe_mode(safe_mode_ != SafeModeState::kOff);
  if (resp.safe_mode()) resp.set_status(SafeModeStatusLocked());
  return resp;
}

bool Namesystem::in_safe_mode() {
  absl::ReaderMutexLock lock(&mu_);
  return safe_mode_ != SafeModeState::kOff;
}

// ---------------------------------------------------------------------------
// Decommissioning

bool Namesystem::IsExcludedLocked(const DatanodeInfo& info) const {
  return excluded_hosts_.contains(info.id().host()) ||
         excluded_hosts_.contains(absl::StrCat(info.id().host(), ":", info.id().rpc_port()));
}

int Namesystem::LiveReplicasLocked(const BlockRecord& r) {
  int n = 0;
  for (const std::string& uuid : r.replicas) {
    DatanodeDescriptor* d = datanodes_.Find(uuid);
    if (d != nullptr && !d->dead() && d->info.admin_state() == DatanodeInfo::NORMAL) ++n;
  }
  return n;
}

absl::Status Namesystem::RefreshNodes(const RefreshNodesRequest& req) {
  HL_RETURN_IF_ERROR(CheckerFor(req.header()).CheckSuperuser());
  return ReloadExcludedHosts();
}

absl::Status Namesystem::ReloadExcludedHosts() {
  absl::flat_hash_set<std::string> hosts;
  if (!options_.hosts_exclude_file.empty()) {
    std::ifstream in(options_.hosts_exclude_file);
    if (!in) {
      return absl::NotFoundError(absl::StrCat("cannot read dfs.hosts.exclude file ",
                                              options_.hosts_exclude_file));
    }
    for (std::string line; std::getline(in, line);) {
      if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      std::string host(absl::StripAsciiWhitespace(line));
      if (!host.empty()) hosts.insert(host);
    }
  }
  absl::MutexLock lock(&mu_);
  excluded_hosts_ = std::move(hosts);
  for (DatanodeDescriptor* d : datanodes_.All()) {
    bool excluded = IsExcludedLocked(d->info);
    if (excluded && d->info.admin_state() == DatanodeInfo::NORMAL) {
      d->info.set_admin_state(DatanodeInfo::DECOMMISSION_IN_PROGRESS);
      LOG(INFO) << "decommissioning " << d->info.id().host() << ":" << d->info.id().rpc_port()
                << ": copying its " << d->blocks.size() << " blocks elsewhere";
    } else if (!excluded && d->info.admin_state() != DatanodeInfo::NORMAL) {
      d->info.set_admin_state(DatanodeInfo::NORMAL);
      LOG(INFO) << "recommissioned " << d->info.id().host() << ":" << d->info.id().rpc_port();
    }
  }
  CheckDecommissionLocked();
  return absl::OkStatus();
}

void Namesystem::CheckDecommissionLocked() {
  int normal_live = 0;
  for (DatanodeDescriptor* d : datanodes_.Live()) {
    if (d->info.admin_state() == DatanodeInfo::NORMAL) ++normal_live;
  }
  for (DatanodeDescriptor* d : datanodes_.All()) {
    if (d->info.admin_state() != DatanodeInfo::DECOMMISSION_IN_PROGRESS) continue;
    bool done = true;
    for (uint64_t id : d->blocks) {
      BlockRecord* r = blocks_.Find(id);
      if (r == nullptr) continue;
      int want = std::min<int>(static_cast<int>(r->replication), normal_live);
      if (LiveReplicasLocked(*r) < std::max(want, 1)) {
        done = false;
        break;
      }
    }
    if (done) {
      d->info.set_admin_state(DatanodeInfo::DECOMMISSIONED);
      LOG(INFO) << "decommissioned " << d->info.id().host() << ":" << d->info.id().rpc_port()
                << ": every block it holds has enough replicas elsewhere; it can be stopped";
    }
  }
}

// ---------------------------------------------------------------------------
// Pipeline recovery

absl::StatusOr<Inode*> Namesystem::FileOfBlockLocked(uint64_t block_id,
                                                     const std::string& client_name) {
  BlockRecord* r = blocks_.Find(block_id);
  Inode* file = r == nullptr ? nullptr : tree_.Get(r->inode_id);
  if (file == nullptr) return absl::NotFoundError(absl::StrCat("blk_", block_id, " does not exist"));
  HL_ASSIGN_OR_RETURN(file, CheckLeaseLocked(tree_.PathOf(file), client_name));
  const auto& blocks = file->record.blocks();
  if (blocks.empty() || blocks.rbegin()->block_id() != block_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("blk_", block_id, " is not the last block of ", tree_.PathOf(file)));
  }
  return file;
}

absl::StatusOr<UpdateBlockForPipelineResponse> Namesystem::UpdateBlockForPipeline(
    const UpdateBlockForPipelineRequest& req) {
  UpdateBlockForPipelineResponse resp;
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked("Cannot get a new generation stamp"));
    HL_ASSIGN_OR_RETURN(Inode * file, FileOfBlockLocked(req.block().block_id(), req.client_name()));
    (void)file;
    Block* b = resp.mutable_block()->mutable_block();
    *b = req.block();
    b->set_generation_stamp(tree_.AllocateGenerationStamp());
    leveldb::WriteBatch batch;
    tree_.PersistCounters(&batch);
    seq = AppendLocked(std::move(batch));
    leases_[req.client_name()] = absl::Now();
  }
  HL_RETURN_IF_ERROR(Commit(seq));
  return resp;
}

absl::Status Namesystem::UpdatePipeline(const UpdatePipelineRequest& req) {
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked("Cannot update a pipeline"));
    if (req.old_block().block_id() != req.new_block().block_id() ||
        req.new_block().generation_stamp() <= req.old_block().generation_stamp()) {
      return absl::InvalidArgumentError("UpdatePipeline needs the same block with a newer stamp");
    }
    HL_ASSIGN_OR_RETURN(Inode * file,
                        FileOfBlockLocked(req.old_block().block_id(), req.client_name()));
    Block& last = *file->record.mutable_blocks()->rbegin();
    last.set_generation_stamp(req.new_block().generation_stamp());
    BlockRecord* r = blocks_.Find(last.block_id());
    r->generation_stamp = last.generation_stamp();
    r->expected.assign(req.new_nodes().begin(), req.new_nodes().end());
    // Replicas finalized under the old stamp are stale now.
    for (const std::string& uuid : r->replicas) {
      if (DatanodeDescriptor* d = datanodes_.Find(uuid); d != nullptr) d->blocks.erase(last.block_id());
    }
    r->replicas.clear();
    leveldb::WriteBatch batch;
    tree_.Persist(file, &batch);
    seq = AppendLocked(std::move(batch));
    LOG(INFO) << "pipeline of blk_" << last.block_id() << " (" << tree_.PathOf(file)
              << ") recovered on " << req.new_nodes_size() << " datanodes, generation stamp "
              << req.old_block().generation_stamp() << " -> " << last.generation_stamp();
  }
  return Commit(seq);
}

absl::StatusOr<GetAdditionalDatanodeResponse> Namesystem::GetAdditionalDatanode(
    const GetAdditionalDatanodeRequest& req) {
  absl::MutexLock lock(&mu_);
  HL_ASSIGN_OR_RETURN(Inode * file, FileOfBlockLocked(req.block().block_id(), req.client_name()));
  absl::flat_hash_set<std::string> excluded(req.excluded().begin(), req.excluded().end());
  std::vector<PlacementCandidate> existing;
  for (const std::string& uuid : req.existing()) {
    excluded.insert(uuid);
    if (DatanodeDescriptor* d = datanodes_.Find(uuid); d != nullptr) {
      existing.push_back({uuid, d->info.id().host(), d->info.rack()});
    }
  }
  GetAdditionalDatanodeResponse resp;
  *resp.mutable_block()->mutable_block() = req.block();
  for (const PlacementCandidate& t :
       placement_.ChooseTargets(req.num_additional(), req.client_host(),
                                CandidatesLocked(excluded, file->record.block_size()), existing)) {
    *resp.mutable_block()->add_locations() = datanodes_.Find(t.uuid)->info;
  }
  return resp;
}

// ---------------------------------------------------------------------------
// Lease recovery

void Namesystem::RecoverExpiredLeases(ReplicaRecoverer* recoverer) {
  std::vector<RecoveryTask> tasks;
  uint64_t seq = 0;
  {
    absl::MutexLock lock(&mu_);
    if (safe_mode_ != SafeModeState::kOff) return;
    absl::Time now = absl::Now();
    absl::flat_hash_set<std::string> expired;
    for (const auto& [client, renewed] : leases_) {
      if (now - renewed > options_.lease_hard_limit) expired.insert(client);
    }
    if (expired.empty()) return;
    std::vector<uint64_t> files;
    tree_.ForEachFile([&](const Inode& f) {
      if (f.record.under_construction() && expired.contains(f.record.client_name()) &&
          !recovering_.contains(f.id)) {
        files.push_back(f.id);
      }
    });
    for (const std::string& c : expired) leases_.erase(c);
    leveldb::WriteBatch batch;
    for (uint64_t id : files) {
      Inode* f = tree_.Get(id);
      RecoveryTask t;
      t.inode_id = id;
      t.path = tree_.PathOf(f);
      t.client_name = f->record.client_name();
      t.recovery_id = tree_.AllocateGenerationStamp();
      if (!f->record.blocks().empty()) {
        t.has_last = true;
        t.last = *f->record.blocks().rbegin();
        BlockRecord* r = blocks_.Find(t.last.block_id());
        std::vector<DatanodeDescriptor*> nodes;
        if (r != nullptr && !r->expected.empty()) {
          for (const std::string& uuid : r->expected) {
            if (DatanodeDescriptor* d = datanodes_.Find(uuid); d != nullptr) nodes.push_back(d);
          }
        } else {
          nodes = datanodes_.Live();  // pipeline unknown (namenode restarted): ask all
        }
        for (DatanodeDescriptor* d : nodes) {
          if (!d->dead()) t.holders.push_back(d->info.id());
        }
      }
      recovering_.insert(id);
      LOG(INFO) << "lease of " << t.client_name << " expired (hard limit "
                << options_.lease_hard_limit << "): recovering " << t.path;
      tasks.push_back(std::move(t));
    }
    tree_.PersistCounters(&batch);
    seq = AppendLocked(std::move(batch));
  }
  if (!Commit(seq).ok()) return;
  for (const RecoveryTask& t : tasks) RecoverFile(t, recoverer);
}

void Namesystem::RecoverFile(const RecoveryTask& t, ReplicaRecoverer* recoverer) {
  // Ask every possible holder what it has; the agreed length is the shortest
  // replica that carries the current (or a newer) generation stamp.
  std::vector<DatanodeId> agreeing;
  uint64_t length = UINT64_MAX;
  if (t.has_last) {
    for (const DatanodeId& dn : t.holders) {
      absl::StatusOr<InitReplicaRecoveryResponse> r =
          recoverer->InitReplicaRecovery(dn, t.last.block_id(), t.recovery_id);
      if (!r.ok() || !r->exists() || r->generation_stamp() < t.last.generation_stamp()) continue;
      agreeing.push_back(dn);
      length = std::min(length, r->num_bytes());
    }
    std::vector<DatanodeId> updated;
    for (const DatanodeId& dn : agreeing) {
      UpdateReplicaRequest u;
      u.set_block_id(t.last.block_id());
      u.set_new_generation_stamp(t.recovery_id);
      u.set_new_length(length);
      absl::Status s = recoverer->UpdateReplica(dn, u);
      if (s.ok()) {
        updated.push_back(dn);
      } else {
        LOG(WARNING) << "lease recovery of " << t.path << ": updating blk_" << t.last.block_id()
                     << " on " << dn.host() << ":" << dn.rpc_port() << " failed: " << s.message();
      }
    }
    agreeing = std::move(updated);
  }
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    recovering_.erase(t.inode_id);
    Inode* f = tree_.Get(t.inode_id);
    if (f == nullptr || !f->record.under_construction() ||
        f->record.client_name() != t.client_name) {
      return;  // deleted, or closed by its writer meanwhile
    }
    auto* blocks = f->record.mutable_blocks();
    if (t.has_last && !blocks->empty() && blocks->rbegin()->block_id() == t.last.block_id()) {
      if (agreeing.empty()) {
        // No replica of the last block survives: nothing of it was durable anywhere.
        LOG(WARNING) << "lease recovery of " << t.path << ": no replica of its last block blk_"
                     << t.last.block_id() << " survives; the file ends before it";
        InvalidateBlocksLocked({*blocks->rbegin()});
        blocks->RemoveLast();
      } else {
        Block& last = *blocks->rbegin();
        last.set_generation_stamp(t.recovery_id);
        last.set_num_bytes(length);
        if (BlockRecord* r = blocks_.Find(last.block_id()); r != nullptr) {
          r->generation_stamp = t.recovery_id;
          r->num_bytes = length;
          r->expected.clear();
        }
      }
    }
    f->record.set_under_construction(false);
    f->record.clear_client_name();
    f->record.set_mtime_ms(absl::ToUnixMillis(absl::Now()));
    for (const Block& b : f->record.blocks()) {
      if (BlockRecord* r = blocks_.Find(b.block_id()); r != nullptr) r->complete = true;
    }
    leveldb::WriteBatch batch;
    tree_.Persist(f, &batch);
    seq = AppendLocked(std::move(batch));
    LOG(INFO) << "recovered and closed " << t.path << " at " << f->length() << " bytes ("
              << agreeing.size() << " replicas of its last block agreed)";
  }
  absl::Status s = Commit(seq);
  if (!s.ok()) LOG(ERROR) << "lease recovery of " << t.path << " not persisted: " << s.message();
}

}  // namespace hayloft

namespace hayloft {

GetServerDefaultsResponse Namesystem::GetServerDefaults() const {
  GetServerDefaultsResponse r;
  r.set_block_size(options_.default_block_size);
  r.set_bytes_per_checksum(512);
  r.set_replication(options_.default_replication);
  // Whole minutes, as FsServerDefaults carries them; a fraction of a minute still
  // says trash is on.
  int64_t minutes = absl::ToInt64Minutes(options_.trash_interval);
  if (minutes == 0 && options_.trash_interval > absl::ZeroDuration()) minutes = 1;
  r.set_trash_interval_minutes(static_cast<uint64_t>(minutes));
  return r;
}

}  // namespace hayloft
