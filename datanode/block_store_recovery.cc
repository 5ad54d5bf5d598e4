// BlockStore: pipeline recovery and lease recovery of replicas.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/server/daemon_util.h"
#include "datanode/block_store.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {
namespace {

std::string ReplicaName(uint64_t block_id, uint64_t gs) {
  return absl::StrCat("blk_", block_id, "_", gs);
}

}  // namespace

absl::Status BlockStore::StopWriter(uint64_t block_id, uint64_t max_generation_stamp) {
  std::shared_ptr<WriterStopSignal> writer;
  uint64_t gs;
  {
    absl::MutexLock lock(&mu_);
    auto it = rbw_.find(block_id);
    if (it == rbw_.end() || it->second.writer == nullptr) return absl::OkStatus();
    gs = it->second.r.gs;
    if (gs > max_generation_stamp) {
      return absl::FailedPreconditionError(absl::StrCat(ReplicaName(block_id, gs),
                                                        " is being written with a generation stamp "
                                                        "newer than ",
                                                        max_generation_stamp));
    }
    writer = it->second.writer;
  }
  LOG(INFO) << "Stopping the stream writing " << ReplicaName(block_id, gs) << " for a recovery";
  writer->Stop();
  absl::MutexLock lock(&mu_);
  auto stopped = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = rbw_.find(block_id);
    return it == rbw_.end() || it->second.writer != writer;
  };
  if (!mu_.AwaitWithTimeout(absl::Condition(&stopped), options_.writer_stop_timeout)) {
    return absl::UnavailableError(
        absl::StrCat("the stream writing ", ReplicaName(block_id, gs), " did not stop within ",
                     absl::FormatDuration(options_.writer_stop_timeout), "; retry the recovery"));
  }
  return absl::OkStatus();
}

absl::StatusOr<BlockStore::RecoverySource> BlockStore::ClaimForRecoveryLocked(
    uint64_t block_id, uint64_t gs, uint64_t length, std::shared_ptr<WriterStopSignal> writer) {
  auto not_deleting = [this, block_id]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !deleting_.contains(block_id);
  };
  mu_.Await(absl::Condition(&not_deleting));
  if (auto rid = recovery_ids_.find(block_id); rid != recovery_ids_.end() && gs < rid->second) {
    return absl::FailedPreconditionError(
        absl::StrCat("a lease recovery of blk_", block_id, " with the newer id ", rid->second,
                     " is under way; generation stamp ", gs, " is stale"));
  }
  auto too_short = [&](const Replica& r) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot recover ", ReplicaName(block_id, r.gs), " to ", length,
                     " bytes: this datanode has only ", r.num_bytes));
  };
  if (auto it = rbw_.find(block_id); it != rbw_.end()) {
    RbwReplica& e = it->second;
    if (e.writer != nullptr) {
      return absl::UnavailableError(absl::StrCat(ReplicaName(block_id, e.r.gs),
                                                 " is being written by another stream; retry"));
    }
    if (e.r.gs > gs) {
      return absl::FailedPreconditionError(absl::StrCat("replica ", ReplicaName(block_id, e.r.gs),
                                                        " is newer than generation stamp ", gs));
    }
    if (length > e.r.num_bytes) return too_short(e.r);
    e.writer = std::move(writer);
    return RecoverySource{e.r, false};
  }
  auto f = finalized_.find(block_id);
  if (f == finalized_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no replica of blk_", block_id, " on this datanode to recover"));
  }
  if (f->second.gs >= gs) {
    return absl::AlreadyExistsError(absl::StrCat("replica ", ReplicaName(block_id, f->second.gs),
                                                 " is already finalized; cannot recover it as "
                                                 "generation stamp ",
                                                 gs));
  }
  if (length > f->second.num_bytes) return too_short(f->second);
  // From here on readers of the old stamp find nothing; the files move to rbw/.
  RecoverySource src{f->second, true};
  ++replace_epoch_;
  finalized_.erase(f);
  rbw_[block_id] = RbwReplica{src.r, 0, 0, std::move(writer)};
  return src;
}

absl::StatusOr<std::unique_ptr<ReplicaWriter>> BlockStore::ReopenForAppend(
    uint64_t block_id, uint64_t gs, uint64_t length, const RecoverySource& src,
    std::shared_ptr<WriterStopSignal> writer) {
  const Volume& vol = *volumes_[src.r.volume];
  const std::string old_block = vol.BlockPath(src.finalized, block_id);
  const std::string old_meta = vol.MetaPath(src.finalized, block_id, src.r.gs);
  ReplicaWriter::Files files{vol.BlockPath(false, block_id), vol.MetaPath(false, block_id, gs)};
  uint32_t bpc;
  {
    HL_ASSIGN_OR_RETURN(int meta_fd, posix::Open(old_meta, O_RDONLY));
    absl::Cleanup close_meta = [meta_fd] { posix::Close(meta_fd); };
    HL_ASSIGN_OR_RETURN(bpc, ReadMetaHeader(block_id, meta_fd, old_meta));
  }
  // Cut first, rename after: a crash in between leaves the old stamp, shorter, which
  // a retried recovery handles; never a new stamp with bytes nobody agreed on.
  HL_ASSIGN_OR_RETURN(uint32_t crc, TruncateReplicaFiles(block_id, old_block, old_meta, bpc,
                                                         src.r.num_bytes, length));
  if (old_meta != files.meta_path) HL_RETURN_IF_ERROR(posix::Rename(old_meta, files.meta_path));
  if (old_block != files.block_path) {
    HL_RETURN_IF_ERROR(posix::Rename(old_block, files.block_path));
    HL_RETURN_IF_ERROR(daemon::SyncDir(vol.CurrentDir()));
  }
  HL_RETURN_IF_ERROR(daemon::SyncDir(vol.RbwDir()));
  HL_ASSIGN_OR_RETURN(files.block_fd, posix::Open(files.block_path, O_WRONLY));
  absl::StatusOr<int> meta_fd = posix::Open(files.meta_path, O_WRONLY);
  if (!meta_fd.ok()) {
    posix::Close(files.block_fd);
    return meta_fd.status();
  }
  files.meta_fd = *meta_fd;
  WriterStopSignal* const id = writer.get();
  std::unique_ptr<ReplicaWriter> w(new ReplicaWriter(this, src.r.volume, block_id, gs, bpc,
                                                     std::move(files), length, crc, writer));
  absl::MutexLock lock(&mu_);
  auto it = rbw_.find(block_id);
  if (it == rbw_.end() || it->second.writer.get() != id) {
    return absl::AbortedError(
        absl::StrCat(ReplicaName(block_id, gs), " was dropped: its volume failed"));
  }
  const int64_t disk = static_cast<int64_t>(length) + MetaFileBytes(length, bpc);
  AddDiskBytesLocked(src.r.volume, disk - it->second.r.disk_bytes);
  it->second.r = Replica{gs, length, disk, src.r.volume};
  it->second.visible_bytes = length;
  it->second.visible_crc = crc;
  return w;
}

void BlockStore::DropFailedRecovery(uint64_t block_id, const RecoverySource& src, uint64_t gs,
                                    const WriterStopSignal* writer, const absl::Status& why) {
  {
    absl::MutexLock lock(&mu_);
    auto it = rbw_.find(block_id);
    if (it != rbw_.end() && it->second.writer.get() == writer) {
      AddDiskBytesLocked(it->second.r.volume, -it->second.r.disk_bytes);
      rbw_.erase(it);
    }
  }
  LOG(WARNING) << "Recovery of " << ReplicaName(block_id, src.r.gs) << " as generation stamp " << gs
               << " failed: " << why << "; dropping the replica";
  const Volume& vol = *volumes_[src.r.volume];
  for (const std::string& p :
       {vol.BlockPath(src.finalized, block_id), vol.MetaPath(src.finalized, block_id, src.r.gs),
        vol.BlockPath(false, block_id), vol.MetaPath(false, block_id, gs)}) {
    ::unlink(p.c_str());
  }
  HandleIoError(src.r.volume, why);
}

absl::StatusOr<std::unique_ptr<ReplicaWriter>> BlockStore::RecoverReplica(uint64_t block_id,
                                                                          uint64_t generation_stamp,
                                                                          uint64_t length) {
  HL_RETURN_IF_ERROR(StopWriter(block_id, generation_stamp));
  auto writer = std::make_shared<WriterStopSignal>();
  RecoverySource src;
  {
    absl::MutexLock lock(&mu_);
    HL_ASSIGN_OR_RETURN(src, ClaimForRecoveryLocked(block_id, generation_stamp, length, writer));
  }
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> w =
      ReopenForAppend(block_id, generation_stamp, length, src, writer);
  if (!w.ok()) {
    DropFailedRecovery(block_id, src, generation_stamp, writer.get(), w.status());
    return Annotate(w.status(), absl::StrCat("recovering blk_", block_id));
  }
  LOG(INFO) << "Recovering " << ReplicaName(block_id, src.r.gs) << " ("
            << (src.finalized ? "finalized" : "being written") << ", " << src.r.num_bytes
            << " bytes) as " << ReplicaName(block_id, generation_stamp) << " at " << length
            << " bytes";
  return w;
}

absl::StatusOr<ReplicaInfo> BlockStore::InitReplicaRecovery(uint64_t block_id,
                                                            uint64_t recovery_id) {
  auto stale = [&](absl::string_view what, uint64_t newer) {
    return absl::FailedPreconditionError(absl::StrCat(
        "recovery id ", recovery_id, " of blk_", block_id, " is older than ", what, " ", newer));
  };
  {
    absl::MutexLock lock(&mu_);
    if (auto it = recovery_ids_.find(block_id);
        it != recovery_ids_.end() && recovery_id < it->second) {
      return stale("the recovery id seen before,", it->second);
    }
  }
  HL_RETURN_IF_ERROR(StopWriter(block_id, recovery_id));
  absl::MutexLock lock(&mu_);
  std::optional<ReplicaInfo> info;
  if (auto f = finalized_.find(block_id); f != finalized_.end()) {
    info = FinalizedInfoLocked(block_id, f->second);
  }
  // A replica being written with a newer stamp than the finalized one is the one
  // the writer was working on.
  if (auto r = rbw_.find(block_id);
      r != rbw_.end() && (!info || r->second.r.gs > info->generation_stamp)) {
    const Replica& x = r->second.r;
    info = ReplicaInfo{block_id, x.gs, x.num_bytes, false, r->second.visible_bytes, x.volume};
  }
  if (!info) return absl::NotFoundError(absl::StrCat("no replica of blk_", block_id));
  if (info->generation_stamp > recovery_id) {
    return stale("the replica's generation stamp", info->generation_stamp);
  }
  uint64_t& seen = recovery_ids_[block_id];
  seen = std::max(seen, recovery_id);
  LOG(INFO) << "Lease recovery " << recovery_id << " of "
            << ReplicaName(block_id, info->generation_stamp) << ": " << info->num_bytes
            << " bytes, " << (info->finalized ? "finalized" : "rbw");
  return *info;
}

absl::StatusOr<ReplicaInfo> BlockStore::UpdateReplica(uint64_t block_id,
                                                      uint64_t new_generation_stamp,
                                                      uint64_t new_length) {
  {
    absl::MutexLock lock(&mu_);
    if (auto f = finalized_.find(block_id);
        f != finalized_.end() && f->second.gs == new_generation_stamp) {
      if (f->second.num_bytes == new_length) return FinalizedInfoLocked(block_id, f->second);
      return absl::FailedPreconditionError(
          absl::StrCat(ReplicaName(block_id, new_generation_stamp), " is already finalized with ",
                       f->second.num_bytes, " bytes, not ", new_length));
    }
  }
  HL_ASSIGN_OR_RETURN(std::unique_ptr<ReplicaWriter> writer,
                      RecoverReplica(block_id, new_generation_stamp, new_length));
  HL_ASSIGN_OR_RETURN(ReplicaInfo info, writer->Finalize());
  {
    absl::MutexLock lock(&mu_);
    if (auto it = recovery_ids_.find(block_id);
        it != recovery_ids_.end() && it->second <= new_generation_stamp) {
      recovery_ids_.erase(it);
    }
  }
  LOG(INFO) << "Lease recovery finalized " << ReplicaName(block_id, new_generation_stamp) << " ("
            << new_length << " bytes)";
  return info;
}

}  // namespace hayloft::datanode
