#include "datanode/volume.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/server/daemon_util.h"
#include "datanode/meta_file.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {
namespace {

constexpr char kVersionFile[] = "VERSION";
constexpr char kLockFile[] = "in_use.lock";
constexpr char kUuidKey[] = "datanodeUuid";
constexpr char kCheckFile[] = ".volume_check";

absl::Status UnusableDir(const std::string& dir, int err, absl::string_view op,
                         const std::string& path) {
  std::string detail =
      err == ENOTDIR ? absl::StrCat(path, " is not a directory") : absl::StrCat(op, " ", path);
  return absl::FailedPreconditionError(
      absl::StrCat("cannot use data dir ", dir, ": ", std::strerror(err), " (", detail, ")"));
}

// Locks <dir>/in_use.lock so two datanodes never share a data dir. Writing our pid
// into it also proves the dir is writable (a read-only mount fails here).
absl::StatusOr<int> LockDataDir(const std::string& dir) {
  std::string path = absl::StrCat(dir, "/", kLockFile);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return UnusableDir(dir, errno, "open", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return absl::AlreadyExistsError(absl::StrCat("cannot use data dir ", dir,
                                                   ": another datanode is using it (", path,
                                                   " is locked; its pid is in that file)"));
    }
    return UnusableDir(dir, err, "flock", path);
  }
  std::string pid = absl::StrCat(::getpid(), "\n");
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    int err = errno;
    ::close(fd);
    return UnusableDir(dir, err, "write", path);
  }
  return fd;
}

// Parses "blk_<id>" (block file) or "blk_<id>_<gs>.meta".
struct ParsedName {
  uint64_t block_id = 0;
  std::optional<uint64_t> meta_gs;
};
std::optional<ParsedName> ParseReplicaFileName(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "blk_")) return std::nullopt;
  ParsedName out;
  if (absl::ConsumeSuffix(&name, ".meta")) {
    size_t us = name.find('_');
    uint64_t gs;
    if (us == absl::string_view::npos || !absl::SimpleAtoi(name.substr(us + 1), &gs)) {
      return std::nullopt;
    }
    out.meta_gs = gs;
    name = name.substr(0, us);
  }
  if (name.empty() || !std::all_of(name.begin(), name.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(name, &out.block_id)) {
    return std::nullopt;
  }
  return out;
}

// The generation stamp of each block's meta file among `names` (the entries of
// `dir`); the newest if there are several.
absl::flat_hash_map<uint64_t, uint64_t> MetaGenerations(const std::vector<std::string>& names,
                                                        const std::string& dir) {
  absl::flat_hash_map<uint64_t, uint64_t> meta_gs;
  for (const std::string& name : names) {
    std::optional<ParsedName> p = ParseReplicaFileName(name);
    if (!p || !p->meta_gs) continue;
    auto [it, inserted] = meta_gs.emplace(p->block_id, *p->meta_gs);
    if (!inserted) {
      // A crash while a newer generation replaced an older one. The newer wins; if
      // that pairs it with the old block file, reads fail with DataLoss and the
      // replica is reported as corrupt.
      LOG(WARNING) << "blk_" << p->block_id << " has meta files for generation stamps "
                   << it->second << " and " << *p->meta_gs << " in " << dir << "; using the newer";
      it->second = std::max(it->second, *p->meta_gs);
    }
  }
  return meta_gs;
}

// Creates, writes and removes a small file in `dir`.
absl::Status ProbeDir(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return posix::ErrnoError(errno, "stat", dir);
  if (!S_ISDIR(st.st_mode)) return posix::ErrnoError(ENOTDIR, "stat", dir);
  std::string path = absl::StrCat(dir, "/", kCheckFile);
  absl::StatusOr<int> fd = posix::Open(path, O_WRONLY | O_CREAT | O_TRUNC);
  if (!fd.ok()) return absl::IsResourceExhausted(fd.status()) ? absl::OkStatus() : fd.status();
  absl::Status s = posix::PwriteAll(*fd, "hayloft volume check\n", 0, path);
  posix::Close(*fd);
  if (::unlink(path.c_str()) != 0 && s.ok()) s = posix::ErrnoError(errno, "unlink", path);
  // A full disk is not a broken one.
  return absl::IsResourceExhausted(s) ? absl::OkStatus() : s;
}

}  // namespace

std::string BlockFileName(uint64_t block_id) { return absl::StrCat("blk_", block_id); }

std::string MetaFileName(uint64_t block_id, uint64_t generation_stamp) {
  return absl::StrCat("blk_", block_id, "_", generation_stamp, ".meta");
}

absl::StatusOr<std::unique_ptr<Volume>> Volume::Open(const std::string& dir) {
  if (dir.empty()) return absl::InvalidArgumentError("empty data dir name");
  for (const std::string& d : {dir, dir + "/current", dir + "/rbw"}) {
    posix::MkdirError e = posix::MakeDirs(d);
    if (e.err != 0) return UnusableDir(dir, e.err, "mkdir", e.path);
  }
  HL_ASSIGN_OR_RETURN(int lock_fd, LockDataDir(dir));
  return std::unique_ptr<Volume>(new Volume(dir, lock_fd));
}

Volume::~Volume() { posix::Close(lock_fd_); }

std::string Volume::BlockPath(bool finalized, uint64_t block_id) const {
  return absl::StrCat(finalized ? CurrentDir() : RbwDir(), "/", BlockFileName(block_id));
}

std::string Volume::MetaPath(bool finalized, uint64_t block_id, uint64_t gs) const {
  return absl::StrCat(finalized ? CurrentDir() : RbwDir(), "/", MetaFileName(block_id, gs));
}

absl::StatusOr<std::optional<std::string>> Volume::ReadUuid() const {
  std::string path = absl::StrCat(dir_, "/", kVersionFile);
  absl::StatusOr<std::string> text = posix::ReadSmallFile(path);
  if (absl::IsNotFound(text.status())) return std::optional<std::string>();
  if (!text.ok()) return text.status();
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, '=');
    if (absl::StripAsciiWhitespace(kv.first) == kUuidKey) {
      absl::string_view uuid = absl::StripAsciiWhitespace(kv.second);
      if (!uuid.empty()) return std::optional<std::string>(std::string(uuid));
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("cannot use data dir ", dir_, ": ", path, " has no ", kUuidKey,
                   "= line; restore it, or delete it to register as a new datanode"));
}

absl::Status Volume::WriteUuid(const std::string& uuid) const {
  absl::Status s = daemon::WriteFileDurably(absl::StrCat(dir_, "/", kVersionFile),
                                            absl::StrCat(kUuidKey, "=", uuid, "\n"));
  if (!s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot use data dir ", dir_, ": ", s.message()));
  }
  return s;
}

absl::Status Volume::Check() const {
  HL_RETURN_IF_ERROR(ProbeDir(CurrentDir()));
  return ProbeDir(RbwDir());
}

absl::StatusOr<VolumeSpace> Volume::GetSpace() const {
  struct statvfs vfs;
  if (::statvfs(dir_.c_str(), &vfs) != 0) return posix::ErrnoError(errno, "statvfs", dir_);
  VolumeSpace s;
  s.capacity_bytes = static_cast<int64_t>(vfs.f_blocks) * static_cast<int64_t>(vfs.f_frsize);
  s.available_bytes = static_cast<int64_t>(vfs.f_bavail) * static_cast<int64_t>(vfs.f_frsize);
  return s;
}

absl::StatusOr<std::vector<ScannedReplica>> Volume::ScanFinalized() const {
  const std::string dir = CurrentDir();
  absl::StatusOr<std::vector<std::string>> names = posix::ListDir(dir);
  if (!names.ok()) return Annotate(names.status(), "scanning finalized replicas");
  absl::flat_hash_map<uint64_t, uint64_t> meta_gs = MetaGenerations(*names, dir);
  std::vector<ScannedReplica> found;
  for (const std::string& name : *names) {
    std::optional<ParsedName> p = ParseReplicaFileName(name);
    if (!p || p->meta_gs) continue;
    std::string block_path = absl::StrCat(dir, "/", name);
    auto gs = meta_gs.find(p->block_id);
    if (gs == meta_gs.end()) {
      LOG(WARNING) << "Ignoring " << block_path << ": it has no blk_" << p->block_id
                   << "_<gs>.meta file beside it";
      continue;
    }
    int64_t size = posix::FileSize(block_path);
    int64_t meta_size = posix::FileSize(MetaPath(true, p->block_id, gs->second));
    if (size < 0 || meta_size < 0) continue;
    found.push_back({p->block_id, gs->second, static_cast<uint64_t>(size), size + meta_size, 0});
  }
  return found;
}

std::vector<ScannedReplica> Volume::ScanRbw() const {
  const std::string dir = RbwDir();
  absl::StatusOr<std::vector<std::string>> names = posix::ListDir(dir);
  if (!names.ok()) {
    LOG(WARNING) << "Cannot list " << dir << ": " << names.status();
    return {};
  }
  absl::flat_hash_map<uint64_t, uint64_t> meta_gs = MetaGenerations(*names, dir);
  std::vector<ScannedReplica> found;
  for (const std::string& name : *names) {
    std::optional<ParsedName> p = ParseReplicaFileName(name);
    if (!p || p->meta_gs) continue;
    auto gs = meta_gs.find(p->block_id);
    if (gs == meta_gs.end()) {
      LOG(WARNING) << "Ignoring " << dir << "/" << name << ": it has no meta file beside it";
      continue;
    }
    std::string block_path = BlockPath(false, p->block_id);
    std::string meta_path = MetaPath(false, p->block_id, gs->second);
    absl::StatusOr<ValidReplicaLength> valid = FindValidLength(p->block_id, block_path, meta_path);
    if (!valid.ok()) {
      LOG(WARNING) << "Ignoring " << block_path << ": " << valid.status();
      continue;
    }
    int64_t disk = std::max<int64_t>(0, posix::FileSize(block_path)) +
                   std::max<int64_t>(0, posix::FileSize(meta_path));
    found.push_back({p->block_id, gs->second, valid->num_bytes, disk, valid->last_chunk_crc});
  }
  return found;
}

}  // namespace hayloft::datanode
