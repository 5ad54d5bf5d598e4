#include "datanode/block_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/crc32c.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"
#include "common/server/daemon_util.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {
namespace {

// VerifyChunks checks every chunk received, read, copied or scanned.
metrics::Counter* const kChecksumFailures = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_checksum_failures_total",
    "Chunks whose CRC32C did not match, in writes received, reads, copies and scans.");
metrics::Counter* const kVolumeFailures = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_volume_failures_total", "Data dirs that failed and were taken out of use.");

std::string NewUuid() {
  absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen);
  uint64_t lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & ~uint64_t{0xf000}) | 0x4000;                      // version 4
  lo = (lo & ~(uint64_t{0xc} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff,
                         lo >> 48, lo & 0xffffffffffffULL);
}

std::string ReplicaName(uint64_t block_id, uint64_t gs) {
  return absl::StrCat("blk_", block_id, "_", gs);
}

void UnlinkQuietly(const std::string& path) { ::unlink(path.c_str()); }

}  // namespace

absl::Status VerifyChunks(uint64_t block_id, uint64_t offset, absl::string_view data,
                          absl::Span<const uint32_t> checksums, uint32_t bytes_per_checksum) {
  size_t n = NumChunks(data.size(), bytes_per_checksum);
  if (checksums.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("blk_", block_id, " at offset ", offset, ": ", data.size(), " bytes need ", n,
                     " checksums of ", bytes_per_checksum, " bytes, got ", checksums.size()));
  }
  size_t bad = crc32c::FirstMismatch(data, bytes_per_checksum, checksums);
  if (bad == n) return absl::OkStatus();
  kChecksumFailures->Increment();
  return absl::DataLossError(absl::StrCat("checksum error in blk_", block_id, " at offset ",
                                          offset + bad * bytes_per_checksum));
}

// ---------------------------------------------------------------------------
// Opening

BlockStore::BlockStore(BlockStoreOptions options, VolumeFailureCallback on_volume_failure)
    : options_(std::move(options)), on_volume_failure_(std::move(on_volume_failure)) {}

BlockStore::~BlockStore() = default;

absl::StatusOr<std::unique_ptr<BlockStore>> BlockStore::Open(
    const BlockStoreOptions& options, VolumeFailureCallback on_volume_failure) {
  if (options.data_dirs.empty()) return absl::InvalidArgumentError("no data dir configured");
  std::unique_ptr<BlockStore> store(new BlockStore(options, std::move(on_volume_failure)));
  HL_RETURN_IF_ERROR(store->OpenVolumes());
  HL_RETURN_IF_ERROR(store->LoadUuid());
  return store;
}

absl::Status BlockStore::OpenVolumes() {
  const int n = static_cast<int>(options_.data_dirs.size());
  volumes_.resize(n);
  std::vector<absl::Status> errors(n);
  int failed = 0;
  absl::Status first_error;
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<std::unique_ptr<Volume>> v = Volume::Open(options_.data_dirs[i]);
    if (absl::IsAlreadyExists(v.status())) {
      // Two datanodes on one dir would destroy each other's replicas: never go on.
      return absl::FailedPreconditionError(v.status().message());
    }
    if (v.ok()) volumes_[i] = std::move(*v);
    if (v.ok()) continue;
    errors[i] = v.status();
    if (first_error.ok()) first_error = v.status();
    ++failed;
    LOG(ERROR) << "Volume " << options_.data_dirs[i] << " is unusable: " << v.status().message();
  }
  const int tolerated =
      options_.failed_volumes_tolerated < 0 ? n - 1 : options_.failed_volumes_tolerated;
  if (failed > tolerated || failed == n) {
    if (n == 1) return first_error;
    return absl::Status(first_error.code(),
                        absl::StrCat(first_error.message(), " (", failed, " of ", n,
                                     " data dirs are unusable; dfs.datanode.failed.volumes."
                                     "tolerated is ",
                                     options_.failed_volumes_tolerated, ")"));
  }
  {
    absl::MutexLock lock(&mu_);
    volume_states_.resize(n);
    for (int i = 0; i < n; ++i) {
      if (volumes_[i] != nullptr) continue;
      volume_states_[i].failed = true;
      volume_states_[i].failure = std::string(errors[i].message());
    }
  }
  for (int i = 0; i < n; ++i) {
    if (volumes_[i] != nullptr) LoadReplicas(i);
  }
  DropStaleRbw();
  // A volume whose replicas cannot even be listed has failed too.
  if (const int now_failed = num_failed_volumes(); now_failed > failed) {
    if (now_failed > tolerated || now_failed == n) {
      absl::MutexLock lock(&mu_);
      for (int i = 0; i < n; ++i) {
        if (volumes_[i] != nullptr && volume_states_[i].failed) {
          return absl::FailedPreconditionError(absl::StrCat(
              "cannot use data dir ", options_.data_dirs[i], ": ", volume_states_[i].failure));
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::Status BlockStore::LoadUuid() {
  std::optional<std::string> uuid;
  std::string uuid_dir;
  std::vector<const Volume*> without;
  for (const std::unique_ptr<Volume>& v : volumes_) {
    if (v == nullptr) continue;
    HL_ASSIGN_OR_RETURN(std::optional<std::string> u, v->ReadUuid());
    if (!u) {
      without.push_back(v.get());
    } else if (!uuid) {
      uuid = u;
      uuid_dir = v->dir();
    } else if (*u != *uuid) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot use data dir ", v->dir(), ": it belongs to datanode ", *u, ", but ", uuid_dir,
          " belongs to datanode ", *uuid, "; a datanode's data dirs must all be its own"));
    }
  }
  if (!uuid) {
    uuid = NewUuid();
    LOG(INFO) << "New data dir " << without.front()->dir() << ": generated datanode uuid " << *uuid;
  }
  for (const Volume* v : without) HL_RETURN_IF_ERROR(v->WriteUuid(*uuid));
  uuid_ = *uuid;
  return absl::OkStatus();
}

void BlockStore::LoadReplicas(int volume) {
  const Volume& vol = *volumes_[volume];
  absl::StatusOr<std::vector<ScannedReplica>> finalized = vol.ScanFinalized();
  if (!finalized.ok()) {
    FailVolume(volume, finalized.status());
    return;
  }
  std::vector<ScannedReplica> rbw = vol.ScanRbw();
  int64_t used = 0;
  absl::MutexLock lock(&mu_);
  for (const ScannedReplica& s : *finalized) {
    if (auto it = finalized_.find(s.block_id);
        it != finalized_.end() && it->second.gs >= s.generation_stamp) {
      LOG(WARNING) << "Ignoring " << ReplicaName(s.block_id, s.generation_stamp) << " in "
                   << vol.dir() << ": another volume holds generation stamp " << it->second.gs;
      continue;
    }
    finalized_[s.block_id] = Replica{s.generation_stamp, s.num_bytes, s.disk_bytes, volume};
    used += s.disk_bytes;
  }
  for (const ScannedReplica& s : rbw) {
    if (rbw_.contains(s.block_id)) continue;
    rbw_[s.block_id] = RbwReplica{Replica{s.generation_stamp, s.num_bytes, s.disk_bytes, volume},
                                  s.num_bytes, s.last_chunk_crc, nullptr};
    used += s.disk_bytes;
  }
  AddDiskBytesLocked(volume, used);
  LOG(INFO) << "Data dir " << vol.dir() << ": " << finalized->size() << " finalized replicas, "
            << used << " bytes";
  if (!rbw.empty()) {
    LOG(WARNING) << rbw.size() << " replica(s) in " << vol.RbwDir()
                 << " are left from writes cut short by a crash or kill; they are kept for "
                    "pipeline or lease recovery";
  }
}

void BlockStore::DropStaleRbw() {
  std::vector<std::pair<uint64_t, Replica>> stale;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = rbw_.begin(); it != rbw_.end();) {
      auto cur = it++;
      auto f = finalized_.find(cur->first);
      if (f == finalized_.end() || f->second.gs < cur->second.r.gs) continue;
      stale.emplace_back(cur->first, cur->second.r);
      AddDiskBytesLocked(cur->second.r.volume, -cur->second.r.disk_bytes);
      rbw_.erase(cur);
    }
  }
  // A finalized replica as new or newer makes them useless to any recovery.
  for (const auto& [id, r] : stale) {
    LOG(INFO) << "Removing " << ReplicaName(id, r.gs) << " from " << volumes_[r.volume]->RbwDir()
              << ": a finalized replica of the block is as new";
    UnlinkQuietly(volumes_[r.volume]->BlockPath(false, id));
    UnlinkQuietly(volumes_[r.volume]->MetaPath(false, id, r.gs));
  }
}

// ---------------------------------------------------------------------------
// Volumes

int BlockStore::num_failed_volumes() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(std::count_if(volume_states_.begin(), volume_states_.end(),
                                        [](const VolumeState& v) { return v.failed; }));
}

bool BlockStore::volume_failed(int volume) const {
  absl::MutexLock lock(&mu_);
  return volume < 0 || volume >= static_cast<int>(volume_states_.size()) ||
         volume_states_[volume].failed;
}

std::vector<VolumeReport> BlockStore::VolumeReportsWithoutSpace() const {
  absl::MutexLock lock(&mu_);
  std::vector<VolumeReport> out(volume_states_.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].dir = options_.data_dirs[i];
    out[i].failed = volume_states_[i].failed;
    out[i].failure = volume_states_[i].failure;
    out[i].dfs_used_bytes = volume_states_[i].dfs_used_bytes;
  }
  for (const auto& [id, r] : finalized_) ++out[r.volume].num_replicas;
  return out;
}

std::vector<VolumeReport> BlockStore::GetVolumeReports() const {
  std::vector<VolumeReport> out = VolumeReportsWithoutSpace();
  // statvfs outside the lock; a failing one is noticed by the next heartbeat.
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].failed || volumes_[i] == nullptr) continue;
    absl::StatusOr<VolumeSpace> space = volumes_[i]->GetSpace();
    if (!space.ok()) continue;
    out[i].capacity_bytes = space->capacity_bytes;
    out[i].available_bytes = space->available_bytes;
  }
  return out;
}

void BlockStore::AddDiskBytesLocked(int volume, int64_t bytes) {
  volume_states_[volume].dfs_used_bytes += bytes;
}

absl::StatusOr<int> BlockStore::ChooseVolume() {
  const int n = num_volumes();
  std::vector<int64_t> reserved(n, -1);  // -1: failed
  size_t start;
  {
    absl::MutexLock lock(&mu_);
    start = next_volume_;
    for (int v = 0; v < n; ++v) {
      if (!volume_states_[v].failed) reserved[v] = 0;
    }
    // A replica being written may still grow to a whole block.
    for (const auto& [id, e] : rbw_) {
      if (e.writer == nullptr || reserved[e.r.volume] < 0) continue;
      reserved[e.r.volume] +=
          std::max<int64_t>(0, options_.block_size_bytes - static_cast<int64_t>(e.r.num_bytes));
    }
  }
  int64_t most = -1;
  for (int i = 0; i < n; ++i) {
    const int v = static_cast<int>((start + i) % n);
    if (reserved[v] < 0) continue;
    absl::StatusOr<VolumeSpace> space = volumes_[v]->GetSpace();
    if (!space.ok()) {
      HandleIoError(v, space.status());
      continue;
    }
    const int64_t room = space->available_bytes - reserved[v];
    most = std::max(most, room);
    if (room < options_.block_size_bytes) continue;
    absl::MutexLock lock(&mu_);
    next_volume_ = v + 1;
    return v;
  }
  if (most < 0) {
    return absl::FailedPreconditionError("every volume of this datanode has failed");
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      "no volume has room for another block: the most space left is ", most,
      " bytes (after what the replicas being written may need), less than the block size of ",
      options_.block_size_bytes, " bytes (dfs.blocksize)"));
}

int BlockStore::CheckVolumes() {
  for (int v = 0; v < num_volumes(); ++v) {
    if (volume_failed(v)) continue;
    absl::Status s = volumes_[v]->Check();
    if (!s.ok()) FailVolume(v, s);
  }
  return num_failed_volumes();
}

void BlockStore::HandleIoError(int volume, const absl::Status& error) {
  switch (error.code()) {
    case absl::StatusCode::kOk:
    case absl::StatusCode::kResourceExhausted:  // a full disk is not a broken one
    case absl::StatusCode::kDataLoss:           // a bad replica, reported as such
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kAborted:
      return;
    default:
      break;
  }
  if (volume_failed(volume)) return;
  absl::Status check = volumes_[volume]->Check();
  if (check.ok()) {
    LOG(WARNING) << "I/O error on volume " << volumes_[volume]->dir() << ": " << error
                 << "; the volume passed its check and stays in use";
    return;
  }
  FailVolume(volume, absl::Status(check.code(), absl::StrCat(check.message(),
                                                             " (after: ", error.message(), ")")));
}

void BlockStore::FailVolume(int volume, const absl::Status& reason) {
  VolumeFailure f;
  std::vector<std::shared_ptr<WriterStopSignal>> writers;
  size_t rbw_dropped = 0;
  {
    absl::MutexLock lock(&mu_);
    VolumeState& state = volume_states_[volume];
    if (state.failed) return;
    kVolumeFailures->Increment();
    state.failed = true;
    state.failure = std::string(reason.message());
    state.dfs_used_bytes = 0;
    ++replace_epoch_;
    for (auto it = finalized_.begin(); it != finalized_.end();) {
      auto cur = it++;
      if (cur->second.volume != volume) continue;
      f.lost.push_back(FinalizedInfoLocked(cur->first, cur->second));
      finalized_.erase(cur);
    }
    for (auto it = rbw_.begin(); it != rbw_.end();) {
      auto cur = it++;
      if (cur->second.r.volume != volume) continue;
      if (cur->second.writer != nullptr) writers.push_back(cur->second.writer);
      ++rbw_dropped;
      rbw_.erase(cur);
    }
    f.num_volumes = static_cast<int>(volume_states_.size());
    f.num_failed_volumes =
        static_cast<int>(std::count_if(volume_states_.begin(), volume_states_.end(),
                                       [](const VolumeState& v) { return v.failed; }));
  }
  f.dir = options_.data_dirs[volume];
  f.reason = reason;
  LOG(ERROR) << "Volume " << f.dir << " has failed: " << reason.message() << ". Dropped its "
             << f.lost.size() << " finalized replica(s) and " << rbw_dropped << " being written; "
             << f.num_failed_volumes << " of " << f.num_volumes << " volume(s) have failed";
  // Their pipelines cannot finish here; let the clients recover without us.
  for (const std::shared_ptr<WriterStopSignal>& w : writers) w->Stop();
  if (on_volume_failure_) on_volume_failure_(f);
}

// ---------------------------------------------------------------------------
// Writing

absl::StatusOr<std::unique_ptr<ReplicaWriter>> BlockStore::CreateReplica(
    uint64_t block_id, uint64_t generation_stamp, uint32_t bytes_per_checksum) {
  if (bytes_per_checksum == 0) {
    return absl::InvalidArgumentError("bytes_per_checksum must be positive");
  }
  HL_ASSIGN_OR_RETURN(int v, ChooseVolume());
  auto stop = std::make_shared<WriterStopSignal>();
  std::optional<Replica> stale;
  {
    absl::MutexLock lock(&mu_);
    // A delete of this block is a couple of unlinks: wait for it rather than fail a
    // write (typically a re-replication racing the deletion of a corrupt replica).
    auto not_deleting = [this, block_id]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !deleting_.contains(block_id);
    };
    mu_.Await(absl::Condition(&not_deleting));
    if (auto it = finalized_.find(block_id);
        it != finalized_.end() && it->second.gs >= generation_stamp) {
      return absl::AlreadyExistsError(absl::StrCat(
          "replica ", ReplicaName(block_id, it->second.gs),
          " already exists (finalized); cannot write generation stamp ", generation_stamp));
    }
    if (auto it = rbw_.find(block_id); it != rbw_.end()) {
      if (it->second.writer != nullptr) {
        return absl::AlreadyExistsError(
            absl::StrCat("blk_", block_id, " is already being written on this datanode"));
      }
      if (it->second.r.gs >= generation_stamp) {
        return absl::AlreadyExistsError(
            absl::StrCat("replica ", ReplicaName(block_id, it->second.r.gs),
                         " exists here, waiting for recovery; cannot write generation stamp ",
                         generation_stamp));
      }
      stale = it->second.r;
      AddDiskBytesLocked(stale->volume, -stale->disk_bytes);
      rbw_.erase(it);
    }
    if (volume_states_[v].failed) {
      return absl::UnavailableError(absl::StrCat("volume ", volumes_[v]->dir(), " just failed"));
    }
    rbw_[block_id] = RbwReplica{Replica{generation_stamp, 0, 0, v}, 0, 0, stop};
  }
  if (stale) {
    LOG(INFO) << "Replacing " << ReplicaName(block_id, stale->gs)
              << " (left for a recovery that never came) with a new write of generation stamp "
              << generation_stamp;
    UnlinkQuietly(volumes_[stale->volume]->BlockPath(false, block_id));
    UnlinkQuietly(volumes_[stale->volume]->MetaPath(false, block_id, stale->gs));
  }
  ReplicaWriter::Files files{volumes_[v]->BlockPath(false, block_id),
                             volumes_[v]->MetaPath(false, block_id, generation_stamp)};
  const int flags = O_WRONLY | O_CREAT | O_TRUNC;
  absl::StatusOr<int> block_fd = posix::Open(files.block_path, flags);
  absl::StatusOr<int> meta_fd =
      block_fd.ok() ? posix::Open(files.meta_path, flags) : absl::StatusOr<int>(block_fd.status());
  absl::Status s =
      meta_fd.ok() ? posix::PwriteAll(*meta_fd, MetaHeader(bytes_per_checksum), 0, files.meta_path)
                   : meta_fd.status();
  files.block_fd = block_fd.ok() ? *block_fd : -1;
  files.meta_fd = meta_fd.ok() ? *meta_fd : -1;
  // From here the writer owns the files; destroying it on error cleans them up.
  std::unique_ptr<ReplicaWriter> writer(new ReplicaWriter(
      this, v, block_id, generation_stamp, bytes_per_checksum, std::move(files), 0, 0, stop));
  if (!s.ok()) {
    HandleIoError(v, s);
    return s;
  }
  AddWrittenBytes(block_id, stop.get(), 0, kMetaHeaderBytes);
  return writer;
}

void BlockStore::AddWrittenBytes(uint64_t block_id, const WriterStopSignal* writer,
                                 uint64_t num_bytes, int64_t added_disk_bytes) {
  absl::MutexLock lock(&mu_);
  auto it = rbw_.find(block_id);
  if (it == rbw_.end() || it->second.writer.get() != writer) return;
  it->second.r.num_bytes = num_bytes;
  it->second.r.disk_bytes += added_disk_bytes;
  AddDiskBytesLocked(it->second.r.volume, added_disk_bytes);
}

void BlockStore::ForgetWrite(uint64_t block_id, const WriterStopSignal* writer) {
  absl::MutexLock lock(&mu_);
  auto it = rbw_.find(block_id);
  if (it == rbw_.end() || it->second.writer.get() != writer) return;
  AddDiskBytesLocked(it->second.r.volume, -it->second.r.disk_bytes);
  rbw_.erase(it);
}

void BlockStore::DetachWriter(uint64_t block_id, const WriterStopSignal* writer) {
  absl::MutexLock lock(&mu_);
  auto it = rbw_.find(block_id);
  if (it == rbw_.end() || it->second.writer.get() != writer) return;
  it->second.writer = nullptr;
}

void BlockStore::PublishAcked(uint64_t block_id, const WriterStopSignal* writer, uint64_t bytes,
                              uint32_t crc) {
  absl::MutexLock lock(&mu_);
  auto it = rbw_.find(block_id);
  if (it == rbw_.end() || it->second.writer.get() != writer) return;
  if (bytes < it->second.visible_bytes || bytes > it->second.r.num_bytes) return;
  it->second.visible_bytes = bytes;
  it->second.visible_crc = crc;
}

absl::Status BlockStore::PublishFinalized(uint64_t block_id, const WriterStopSignal* writer,
                                          uint64_t gs, uint64_t num_bytes, int volume,
                                          const std::string& rbw_block_path,
                                          const std::string& rbw_meta_path) {
  const absl::Status dropped = absl::AbortedError(
      absl::StrCat(ReplicaName(block_id, gs), " was dropped: its volume failed"));
  std::optional<Replica> old;
  {
    absl::MutexLock lock(&mu_);
    auto it = rbw_.find(block_id);
    if (it == rbw_.end() || it->second.writer.get() != writer) return dropped;
    if (auto f = finalized_.find(block_id); f != finalized_.end()) {
      // Readers opening the old replica from now on must not pair its meta file
      // with our block file; see OpenReader.
      old = f->second;
      ++replace_epoch_;
      AddDiskBytesLocked(old->volume, -old->disk_bytes);
      finalized_.erase(f);
    }
  }
  const Volume& vol = *volumes_[volume];
  absl::Status moved = MoveToCurrent(vol, block_id, gs, rbw_block_path, rbw_meta_path);
  absl::Status synced = moved.ok() ? daemon::SyncDir(vol.CurrentDir()) : absl::OkStatus();
  if (synced.ok() && moved.ok()) synced = daemon::SyncDir(vol.RbwDir());
  {
    absl::MutexLock lock(&mu_);
    auto it = rbw_.find(block_id);
    const bool ours = it != rbw_.end() && it->second.writer.get() == writer;
    if (!moved.ok() || !ours) {
      // The old replica's files are untouched: keep serving it.
      if (old && !volume_states_[old->volume].failed) {
        finalized_[block_id] = *old;
        AddDiskBytesLocked(old->volume, old->disk_bytes);
      }
      if (moved.ok()) return dropped;
    } else {
      finalized_[block_id] = Replica{gs, num_bytes, it->second.r.disk_bytes, volume};
      rbw_.erase(it);
    }
  }
  if (!moved.ok()) {
    HandleIoError(volume, moved);
    return moved;
  }
  if (old && (old->gs != gs || old->volume != volume)) {
    const Volume* old_vol = volumes_[old->volume].get();
    UnlinkQuietly(old_vol->MetaPath(true, block_id, old->gs));
    if (old->volume != volume) UnlinkQuietly(old_vol->BlockPath(true, block_id));
    LOG(INFO) << ReplicaName(block_id, gs) << " replaced the older replica with "
              << "generation stamp " << old->gs;
  }
  // The files are in place even if a directory fsync failed; report the error so the
  // writer does not claim durability.
  return Annotate(synced, absl::StrCat("finalizing blk_", block_id));
}

absl::Status BlockStore::MoveToCurrent(const Volume& volume, uint64_t block_id, uint64_t gs,
                                       const std::string& rbw_block_path,
                                       const std::string& rbw_meta_path) {
  const std::string cur_block = volume.BlockPath(true, block_id);
  const std::string cur_meta = volume.MetaPath(true, block_id, gs);
  // Meta first: a crash between the renames leaves a lone .meta, which the scan
  // ignores, never a block file without checksums.
  HL_RETURN_IF_ERROR(posix::Rename(rbw_meta_path, cur_meta));
  absl::Status s = posix::Rename(rbw_block_path, cur_block);
  if (!s.ok()) UnlinkQuietly(cur_meta);
  return s;
}

// ---------------------------------------------------------------------------
// Reading

absl::StatusOr<std::unique_ptr<ReplicaReader>> BlockStore::OpenReplica(uint64_t block_id,
                                                                       uint64_t generation_stamp) {
  return OpenReader(block_id, generation_stamp, /*allow_rbw=*/false);
}

absl::StatusOr<std::unique_ptr<ReplicaReader>> BlockStore::OpenVisibleReplica(
    uint64_t block_id, uint64_t generation_stamp) {
  return OpenReader(block_id, generation_stamp, /*allow_rbw=*/true);
}

absl::StatusOr<std::unique_ptr<ReplicaReader>> BlockStore::OpenReader(uint64_t block_id,
                                                                      uint64_t gs, bool allow_rbw) {
  absl::Status not_found =
      absl::NotFoundError(absl::StrCat("replica ", ReplicaName(block_id, gs), " not found"));
  // A replica being written may be finalized (renamed) between lookup and open:
  // then look again.
  for (int attempt = 0; attempt < 2; ++attempt) {
    ReplicaReader::Params p;
    p.store = this;
    p.block_id = block_id;
    p.gs = gs;
    uint32_t visible_crc = 0;
    uint64_t epoch;
    {
      absl::MutexLock lock(&mu_);
      if (auto f = finalized_.find(block_id); f != finalized_.end() && f->second.gs == gs) {
        p.volume = f->second.volume;
        p.num_bytes = f->second.num_bytes;
      } else if (auto r = rbw_.find(block_id);
                 allow_rbw && r != rbw_.end() && r->second.r.gs == gs) {
        p.volume = r->second.r.volume;
        p.num_bytes = r->second.visible_bytes;
        p.finalized = false;
        visible_crc = r->second.visible_crc;
      } else {
        return not_found;
      }
      epoch = replace_epoch_;
    }
    const Volume& vol = *volumes_[p.volume];
    p.block_path = vol.BlockPath(p.finalized, block_id);
    const std::string meta_path = vol.MetaPath(p.finalized, block_id, gs);
    absl::StatusOr<int> block_fd = posix::Open(p.block_path, O_RDONLY);
    absl::StatusOr<int> meta_fd =
        block_fd.ok() ? posix::Open(meta_path, O_RDONLY) : absl::StatusOr<int>(block_fd.status());
    absl::Cleanup close_files = [&] {
      if (block_fd.ok()) posix::Close(*block_fd);
      if (meta_fd.ok()) posix::Close(*meta_fd);
    };
    if (absl::IsNotFound(meta_fd.status())) continue;
    if (!meta_fd.ok()) {
      HandleIoError(p.volume, meta_fd.status());
      return meta_fd.status();
    }
    {
      absl::MutexLock lock(&mu_);
      // A finalize or recovery may have swapped the files under us.
      if (replace_epoch_ != epoch || !p.finalized) {
        auto f = finalized_.find(block_id);
        auto r = rbw_.find(block_id);
        bool same = p.finalized ? f != finalized_.end() && f->second.gs == gs
                                : r != rbw_.end() && r->second.r.gs == gs;
        if (!same) return not_found;
      }
    }
    HL_ASSIGN_OR_RETURN(p.bpc, ReadMetaHeader(block_id, *meta_fd, meta_path));
    if (!p.finalized && p.num_bytes % p.bpc != 0) p.tail_crc = visible_crc;
    std::move(close_files).Cancel();
    p.block_fd = *block_fd;
    p.meta_fd = *meta_fd;
    return std::unique_ptr<ReplicaReader>(new ReplicaReader(std::move(p)));
  }
  return not_found;
}

// ---------------------------------------------------------------------------
// Deleting and listing

absl::Status BlockStore::DeleteReplica(uint64_t block_id, uint64_t generation_stamp) {
  Replica r;
  bool finalized = true;
  {
    absl::MutexLock lock(&mu_);
    auto f = finalized_.find(block_id);
    auto w = rbw_.find(block_id);
    if (f == finalized_.end() && w == rbw_.end()) {
      return absl::NotFoundError(absl::StrCat("no replica of blk_", block_id));
    }
    const uint64_t gs = f != finalized_.end() ? f->second.gs : w->second.r.gs;
    if (gs > generation_stamp) {
      return absl::FailedPreconditionError(
          absl::StrCat("replica ", ReplicaName(block_id, gs),
                       " is newer than the generation stamp to delete (", generation_stamp, ")"));
    }
    if (w != rbw_.end() && w->second.writer != nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("blk_", block_id, " is being written on this datanode"));
    }
    if (f != finalized_.end()) {
      r = f->second;
      finalized_.erase(f);
    } else {
      r = w->second.r;
      finalized = false;
      rbw_.erase(w);
    }
    AddDiskBytesLocked(r.volume, -r.disk_bytes);
    recovery_ids_.erase(block_id);
    deleting_.insert(block_id);
  }
  const Volume& vol = *volumes_[r.volume];
  absl::Status s;
  for (const std::string& p :
       {vol.BlockPath(finalized, block_id), vol.MetaPath(finalized, block_id, r.gs)}) {
    if (::unlink(p.c_str()) != 0 && errno != ENOENT && s.ok()) {
      s = posix::ErrnoError(errno, "unlink", p);
    }
  }
  {
    absl::MutexLock lock(&mu_);
    deleting_.erase(block_id);
  }
  HandleIoError(r.volume, s);
  return s;
}

ReplicaInfo BlockStore::FinalizedInfoLocked(uint64_t block_id, const Replica& r) const {
  return ReplicaInfo{block_id, r.gs, r.num_bytes, true, r.num_bytes, r.volume};
}

std::optional<ReplicaInfo> BlockStore::GetReplica(uint64_t block_id) const {
  absl::MutexLock lock(&mu_);
  if (auto it = finalized_.find(block_id); it != finalized_.end()) {
    return FinalizedInfoLocked(block_id, it->second);
  }
  if (auto it = rbw_.find(block_id); it != rbw_.end()) {
    const Replica& r = it->second.r;
    return ReplicaInfo{block_id, r.gs, r.num_bytes, false, it->second.visible_bytes, r.volume};
  }
  return std::nullopt;
}

std::vector<ReplicaInfo> BlockStore::GetFinalizedReplicas() const {
  absl::MutexLock lock(&mu_);
  std::vector<ReplicaInfo> out;
  out.reserve(finalized_.size());
  for (const auto& [id, r] : finalized_) out.push_back(FinalizedInfoLocked(id, r));
  return out;
}

std::vector<ReplicaInfo> BlockStore::GetIdleRbwReplicas() const {
  absl::MutexLock lock(&mu_);
  std::vector<ReplicaInfo> out;
  for (const auto& [id, rbw] : rbw_) {
    if (rbw.writer != nullptr) continue;
    out.push_back(ReplicaInfo{id, rbw.r.gs, rbw.r.num_bytes, false, rbw.visible_bytes,
                              rbw.r.volume});
  }
  return out;
}

std::vector<ReplicaInfo> BlockStore::GetFinalizedReplicasOnVolume(int volume) const {
  absl::MutexLock lock(&mu_);
  std::vector<ReplicaInfo> out;
  for (const auto& [id, r] : finalized_) {
    if (r.volume == volume) out.push_back(FinalizedInfoLocked(id, r));
  }
  return out;
}

int64_t BlockStore::num_finalized() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(finalized_.size());
}

absl::StatusOr<StorageStats> BlockStore::GetStorageStats() {
  StorageStats s;
  bool any = false;
  for (int v = 0; v < num_volumes(); ++v) {
    if (volume_failed(v)) continue;
    absl::StatusOr<VolumeSpace> space = volumes_[v]->GetSpace();
    if (!space.ok()) {
      HandleIoError(v, space.status());
      continue;
    }
    absl::MutexLock lock(&mu_);
    if (volume_states_[v].failed) continue;
    any = true;
    s.capacity_bytes += space->capacity_bytes;
    s.remaining_bytes += space->available_bytes;
    s.dfs_used_bytes += volume_states_[v].dfs_used_bytes;
  }
  s.failed_volumes = num_failed_volumes();
  if (!any) return absl::FailedPreconditionError("every volume of this datanode has failed");
  s.non_dfs_used_bytes =
      std::max<int64_t>(0, s.capacity_bytes - s.remaining_bytes - s.dfs_used_bytes);
  return s;
}

}  // namespace hayloft::datanode
