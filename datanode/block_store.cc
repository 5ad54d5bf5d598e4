#include "datanode/block_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/crc32c.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/server/daemon_util.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {
namespace {

constexpr char kVersionFile[] = "VERSION";
constexpr char kLockFile[] = "in_use.lock";
constexpr char kUuidKey[] = "datanodeUuid";

uint64_t NumChunks(uint64_t num_bytes, uint32_t bpc) { return (num_bytes + bpc - 1) / bpc; }

int64_t MetaFileBytes(uint64_t num_bytes, uint32_t bpc) {
  return static_cast<int64_t>(kMetaHeaderBytes + 4 * NumChunks(num_bytes, bpc));
}

void PutBigEndian32(uint32_t v, char* out) {
  out[0] = static_cast<char>(v >> 24);
  out[1] = static_cast<char>(v >> 16);
  out[2] = static_cast<char>(v >> 8);
  out[3] = static_cast<char>(v);
}

uint32_t GetBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

std::string MetaHeader(uint32_t bpc) {
  std::string h(kMetaHeaderBytes, '\0');
  h[0] = static_cast<char>(kMetaVersion >> 8);
  h[1] = static_cast<char>(kMetaVersion & 0xff);
  h[2] = static_cast<char>(kChecksumTypeCrc32c);
  PutBigEndian32(bpc, &h[3]);
  return h;
}

std::string EncodeSums(absl::Span<const uint32_t> sums) {
  std::string out(4 * sums.size(), '\0');
  for (size_t i = 0; i < sums.size(); ++i) PutBigEndian32(sums[i], &out[4 * i]);
  return out;
}

absl::Status UnusableDir(const std::string& dir, int err, absl::string_view op,
                         const std::string& path) {
  std::string detail =
      err == ENOTDIR ? absl::StrCat(path, " is not a directory") : absl::StrCat(op, " ", path);
  return absl::FailedPreconditionError(
      absl::StrCat("cannot use data dir ", dir, ": ", std::strerror(err), " (", detail, ")"));
}

std::string NewUuid() {
  absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen);
  uint64_t lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & ~uint64_t{0xf000}) | 0x4000;                      // version 4
  lo = (lo & ~(uint64_t{0xc} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff,
                         lo >> 48, lo & 0xffffffffffffULL);
}

// Returns the uuid kept in <dir>/VERSION, creating the file on first start.
absl::StatusOr<std::string> LoadOrCreateUuid(const std::string& dir) {
  std::string path = absl::StrCat(dir, "/", kVersionFile);
  absl::StatusOr<std::string> text = posix::ReadSmallFile(path);
  if (absl::IsNotFound(text.status())) {
    std::string uuid = NewUuid();
    absl::Status s = daemon::WriteFileDurably(path, absl::StrCat(kUuidKey, "=", uuid, "\n"));
    if (!s.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot use data dir ", dir, ": ", s.message()));
    }
    LOG(INFO) << "New data dir " << dir << ": generated datanode uuid " << uuid;
    return uuid;
  }
  if (!text.ok()) return text.status();
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, '=');
    if (absl::StripAsciiWhitespace(kv.first) == kUuidKey) {
      absl::string_view uuid = absl::StripAsciiWhitespace(kv.second);
      if (!uuid.empty()) return std::string(uuid);
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("cannot use data dir ", dir, ": ", path, " has no ", kUuidKey,
                   "= line; restore it, or delete it to register as a new datanode"));
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
      return absl::FailedPreconditionError(absl::StrCat("cannot use data dir ", dir,
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

// Returns bytesPerChecksum from a meta file's header.
absl::StatusOr<uint32_t> ReadMetaHeader(uint64_t block_id, int fd, const std::string& path) {
  char h[kMetaHeaderBytes];
  HL_ASSIGN_OR_RETURN(size_t got, posix::PreadAll(fd, h, sizeof(h), 0, path));
  const auto* u = reinterpret_cast<const unsigned char*>(h);
  uint32_t bpc = got == sizeof(h) ? GetBigEndian32(&h[3]) : 0;
  if (got != sizeof(h) || ((u[0] << 8) | u[1]) != kMetaVersion || u[2] != kChecksumTypeCrc32c ||
      bpc == 0) {
    return absl::DataLossError(
        absl::StrCat("checksum error in blk_", block_id, " at offset 0: bad header in ", path));
  }
  return bpc;
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
                   << it->second << " and " << *p->meta_gs << " in " << dir
                   << "; using the newer";
      it->second = std::max(it->second, *p->meta_gs);
    }
  }
  return meta_gs;
}

}  // namespace

std::string BlockFileName(uint64_t block_id) { return absl::StrCat("blk_", block_id); }

std::string MetaFileName(uint64_t block_id, uint64_t generation_stamp) {
  return absl::StrCat("blk_", block_id, "_", generation_stamp, ".meta");
}

absl::Status VerifyChunks(uint64_t block_id, uint64_t offset, absl::string_view data,
                          absl::Span<const uint32_t> checksums, uint32_t bytes_per_checksum) {
  size_t n = NumChunks(data.size(), bytes_per_checksum);
  if (checksums.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("blk_", block_id, " at offset ", offset, ": ", data.size(), " bytes need ", n,
                     " checksums of ", bytes_per_checksum, " bytes, got ", checksums.size()));
  }
  for (size_t i = 0; i < n; ++i) {
    size_t start = i * bytes_per_checksum;
    size_t len = std::min<size_t>(bytes_per_checksum, data.size() - start);
    if (crc32c::Value(data.data() + start, len) != checksums[i]) {
      return absl::DataLossError(
          absl::StrCat("checksum error in blk_", block_id, " at offset ", offset + start));
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// ReplicaWriter

ReplicaWriter::ReplicaWriter(BlockStore* store, uint64_t block_id, uint64_t gs, uint32_t bpc,
                             std::string block_path, std::string meta_path, int block_fd,
                             int meta_fd)
    : store_(store),
      block_id_(block_id),
      gs_(gs),
      bpc_(bpc),
      block_path_(std::move(block_path)),
      meta_path_(std::move(meta_path)),
      block_fd_(block_fd),
      meta_fd_(meta_fd) {}

ReplicaWriter::~ReplicaWriter() { Abort(); }

absl::Status ReplicaWriter::Append(absl::string_view data, absl::Span<const uint32_t> checksums) {
  if (done_) return absl::FailedPreconditionError("replica writer already closed");
  if (data.empty()) return absl::OkStatus();
  HL_RETURN_IF_ERROR(posix::PwriteAll(block_fd_, data, num_bytes_, block_path_));
  int64_t meta_before = MetaFileBytes(num_bytes_, bpc_);
  HL_RETURN_IF_ERROR(AppendChecksums(data, checksums));
  num_bytes_ += data.size();
  int64_t added = static_cast<int64_t>(data.size()) + MetaFileBytes(num_bytes_, bpc_) - meta_before;
  store_->AddWrittenBytes(block_id_, num_bytes_, added);
  return absl::OkStatus();
}

absl::Status ReplicaWriter::AppendChecksums(absl::string_view data,
                                            absl::Span<const uint32_t> checksums) {
  uint64_t partial = num_bytes_ % bpc_;
  uint64_t first_chunk = num_bytes_ / bpc_;
  std::vector<uint32_t> sums;
  if (partial == 0) {
    sums.assign(checksums.begin(), checksums.end());
  } else {
    // The replica ends inside a chunk (an earlier packet was hflushed mid-chunk):
    // the packet's chunks are not aligned with the block's, so extend the partial
    // chunk's CRC and recompute the rest.
    size_t fill = std::min<size_t>(bpc_ - partial, data.size());
    sums.push_back(crc32c::Extend(last_chunk_crc_, data.data(), fill));
    crc32c::ChunkSums(data.substr(fill), bpc_, &sums);
  }
  if (sums.empty()) return absl::OkStatus();
  last_chunk_crc_ = sums.back();
  return posix::PwriteAll(meta_fd_, EncodeSums(sums), kMetaHeaderBytes + 4 * first_chunk,
                          meta_path_);
}

absl::Status ReplicaWriter::Sync() {
  if (done_) return absl::FailedPreconditionError("replica writer already closed");
  HL_RETURN_IF_ERROR(posix::Fsync(block_fd_, block_path_));
  return posix::Fsync(meta_fd_, meta_path_);
}

absl::StatusOr<ReplicaInfo> ReplicaWriter::Finalize() {
  HL_RETURN_IF_ERROR(Sync());
  CloseFiles();
  absl::Status s = store_->PublishFinalized(block_id_, gs_, num_bytes_, block_path_, meta_path_);
  if (!s.ok()) {
    Abort();
    return s;
  }
  done_ = true;
  finalized_ = true;
  return ReplicaInfo{block_id_, gs_, num_bytes_, /*finalized=*/true};
}

void ReplicaWriter::CloseFiles() {
  posix::Close(block_fd_);
  posix::Close(meta_fd_);
  block_fd_ = meta_fd_ = -1;
}

void ReplicaWriter::Abort() {
  if (done_) return;
  done_ = true;
  CloseFiles();
  ::unlink(block_path_.c_str());
  ::unlink(meta_path_.c_str());
  store_->ForgetWrite(block_id_);
}

// ---------------------------------------------------------------------------
// ReplicaReader

ReplicaReader::ReplicaReader(uint64_t block_id, uint64_t gs, uint64_t num_bytes, uint32_t bpc,
                             std::string block_path, int block_fd, int meta_fd)
    : block_id_(block_id),
      gs_(gs),
      num_bytes_(num_bytes),
      bpc_(bpc),
      block_path_(std::move(block_path)),
      block_fd_(block_fd),
      meta_fd_(meta_fd) {}

ReplicaReader::~ReplicaReader() {
  posix::Close(block_fd_);
  posix::Close(meta_fd_);
}

absl::StatusOr<ChunkedData> ReplicaReader::Read(uint64_t offset, size_t max_bytes) {
  if (offset % bpc_ != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("read of blk_", block_id_, " at offset ", offset, " is not chunk-aligned"));
  }
  ChunkedData out;
  out.offset = offset;
  if (offset >= num_bytes_) return out;
  uint64_t want = std::max<uint64_t>(NumChunks(max_bytes, bpc_), 1) * bpc_;
  size_t n = static_cast<size_t>(std::min<uint64_t>(want, num_bytes_ - offset));
  out.data.resize(n);
  HL_ASSIGN_OR_RETURN(size_t got,
                      posix::PreadAll(block_fd_, out.data.data(), n, offset, block_path_));
  if (got != n) {
    return absl::DataLossError(
        absl::StrCat("checksum error in blk_", block_id_, " at offset ", offset + got, ": ",
                     block_path_, " is shorter than the replica's ", num_bytes_, " bytes"));
  }
  size_t chunks = NumChunks(n, bpc_);
  std::string raw(4 * chunks, '\0');
  uint64_t meta_off = kMetaHeaderBytes + 4 * (offset / bpc_);
  HL_ASSIGN_OR_RETURN(
      got, posix::PreadAll(meta_fd_, raw.data(), raw.size(), meta_off, block_path_ + " meta"));
  if (got != raw.size()) {
    return absl::DataLossError(absl::StrCat("checksum error in blk_", block_id_, " at offset ",
                                            offset, ": its meta file is truncated"));
  }
  out.checksums.resize(chunks);
  for (size_t i = 0; i < chunks; ++i) out.checksums[i] = GetBigEndian32(&raw[4 * i]);
  HL_RETURN_IF_ERROR(VerifyChunks(block_id_, offset, out.data, out.checksums, bpc_));
  return out;
}

// ---------------------------------------------------------------------------
// BlockStore

BlockStore::BlockStore(BlockStoreOptions options, std::string uuid, int lock_fd)
    : options_(std::move(options)), uuid_(std::move(uuid)), lock_fd_(lock_fd) {}

BlockStore::~BlockStore() { posix::Close(lock_fd_); }

std::string BlockStore::CurrentDir() const { return options_.data_dir + "/current"; }
std::string BlockStore::RbwDir() const { return options_.data_dir + "/rbw"; }

absl::StatusOr<std::unique_ptr<BlockStore>> BlockStore::Open(const BlockStoreOptions& options) {
  const std::string& dir = options.data_dir;
  if (dir.empty()) return absl::InvalidArgumentError("no data dir configured");
  for (const std::string& d : {dir, dir + "/current", dir + "/rbw"}) {
    posix::MkdirError e = posix::MakeDirs(d);
    if (e.err != 0) return UnusableDir(dir, e.err, "mkdir", e.path);
  }
  HL_ASSIGN_OR_RETURN(int lock_fd, LockDataDir(dir));
  absl::StatusOr<std::string> uuid = LoadOrCreateUuid(dir);
  if (!uuid.ok()) {
    posix::Close(lock_fd);
    return uuid.status();
  }
  std::unique_ptr<BlockStore> store(new BlockStore(options, *uuid, lock_fd));
  HL_RETURN_IF_ERROR(store->ScanFinalized());
  return store;
}

absl::Status BlockStore::ScanFinalized() {
  absl::StatusOr<std::vector<std::string>> names = posix::ListDir(CurrentDir());
  if (!names.ok()) return Annotate(names.status(), "scanning finalized replicas");
  absl::flat_hash_map<uint64_t, uint64_t> meta_gs = MetaGenerations(*names, CurrentDir());
  absl::flat_hash_map<uint64_t, Replica> found;
  int64_t used = 0;
  for (const std::string& name : *names) {
    std::optional<ParsedName> p = ParseReplicaFileName(name);
    if (!p || p->meta_gs) continue;
    std::string block_path = absl::StrCat(CurrentDir(), "/", name);
    auto gs = meta_gs.find(p->block_id);
    if (gs == meta_gs.end()) {
      LOG(WARNING) << "Ignoring " << block_path << ": it has no blk_" << p->block_id
                   << "_<gs>.meta file beside it";
      continue;
    }
    int64_t size = posix::FileSize(block_path);
    int64_t meta_size =
        posix::FileSize(absl::StrCat(CurrentDir(), "/", MetaFileName(p->block_id, gs->second)));
    if (size < 0 || meta_size < 0) continue;
    found[p->block_id] = Replica{gs->second, static_cast<uint64_t>(size), size + meta_size};
    used += size + meta_size;
  }
  absl::StatusOr<std::vector<std::string>> rbw = posix::ListDir(RbwDir());
  if (rbw.ok() && !rbw->empty()) {
    LOG(WARNING) << rbw->size() << " file(s) in " << RbwDir()
                 << " are left from writes interrupted by a crash or kill; they are "
                    "ignored and not reported";
  }
  LOG(INFO) << "Data dir " << options_.data_dir << ": " << found.size()
            << " finalized replicas, " << used << " bytes";
  absl::MutexLock lock(&mu_);
  finalized_ = std::move(found);
  dfs_used_bytes_ = used;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ReplicaWriter>> BlockStore::CreateReplica(
    uint64_t block_id, uint64_t generation_stamp, uint32_t bytes_per_checksum) {
  if (bytes_per_checksum == 0) {
    return absl::InvalidArgumentError("bytes_per_checksum must be positive");
  }
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
          "replica blk_", block_id, "_", it->second.gs,
          " already exists (finalized); cannot write generation stamp ", generation_stamp));
    }
    if (being_written_.contains(block_id)) {
      return absl::AlreadyExistsError(
          absl::StrCat("blk_", block_id, " is already being written on this datanode"));
    }
    being_written_[block_id] = Replica{generation_stamp, 0, 0};
  }
  std::string block_path = absl::StrCat(RbwDir(), "/", BlockFileName(block_id));
  std::string meta_path = absl::StrCat(RbwDir(), "/", MetaFileName(block_id, generation_stamp));
  const int flags = O_WRONLY | O_CREAT | O_TRUNC;
  absl::StatusOr<int> block_fd = posix::Open(block_path, flags);
  absl::StatusOr<int> meta_fd =
      block_fd.ok() ? posix::Open(meta_path, flags) : absl::StatusOr<int>(block_fd.status());
  absl::Status s = meta_fd.ok()
                       ? posix::PwriteAll(*meta_fd, MetaHeader(bytes_per_checksum), 0, meta_path)
                       : meta_fd.status();
  // From here the writer owns the files; destroying it on error cleans them up.
  std::unique_ptr<ReplicaWriter> writer(new ReplicaWriter(
      this, block_id, generation_stamp, bytes_per_checksum, std::move(block_path),
      std::move(meta_path), block_fd.ok() ? *block_fd : -1, meta_fd.ok() ? *meta_fd : -1));
  if (!s.ok()) return s;
  AddWrittenBytes(block_id, 0, kMetaHeaderBytes);
  return writer;
}

void BlockStore::AddWrittenBytes(uint64_t block_id, uint64_t num_bytes, int64_t added_disk_bytes) {
  absl::MutexLock lock(&mu_);
  auto it = being_written_.find(block_id);
  if (it == being_written_.end()) return;
  it->second.num_bytes = num_bytes;
  it->second.disk_bytes += added_disk_bytes;
  dfs_used_bytes_ += added_disk_bytes;
}

void BlockStore::ForgetWrite(uint64_t block_id) {
  absl::MutexLock lock(&mu_);
  auto it = being_written_.find(block_id);
  if (it == being_written_.end()) return;
  dfs_used_bytes_ -= it->second.disk_bytes;
  being_written_.erase(it);
}

absl::Status BlockStore::PublishFinalized(uint64_t block_id, uint64_t gs, uint64_t num_bytes,
                                          const std::string& rbw_block_path,
                                          const std::string& rbw_meta_path) {
  std::optional<Replica> old;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = finalized_.find(block_id); it != finalized_.end()) {
      // Readers opening the old replica from now on must not pair its meta file
      // with our block file; see OpenReplica.
      old = it->second;
      ++replace_epoch_;
      dfs_used_bytes_ -= it->second.disk_bytes;
      finalized_.erase(it);
    }
  }
  absl::Status moved = MoveToCurrent(block_id, gs, rbw_block_path, rbw_meta_path);
  absl::Status synced = moved.ok() ? daemon::SyncDir(CurrentDir()) : absl::OkStatus();
  if (synced.ok() && moved.ok()) synced = daemon::SyncDir(RbwDir());
  {
    absl::MutexLock lock(&mu_);
    if (!moved.ok()) {
      // The old replica's files are untouched: keep serving it.
      if (old) {
        finalized_[block_id] = *old;
        dfs_used_bytes_ += old->disk_bytes;
      }
      return moved;
    }
    auto it = being_written_.find(block_id);
    int64_t disk = it != being_written_.end() ? it->second.disk_bytes : 0;
    if (it != being_written_.end()) being_written_.erase(it);
    finalized_[block_id] = Replica{gs, num_bytes, disk};
  }
  if (old && old->gs != gs) {
    ::unlink(absl::StrCat(CurrentDir(), "/", MetaFileName(block_id, old->gs)).c_str());
    LOG(INFO) << "blk_" << block_id << "_" << gs << " replaced the older replica with "
              << "generation stamp " << old->gs;
  }
  // The files are in place even if a directory fsync failed; report the error so the
  // writer does not claim durability.
  return Annotate(synced, absl::StrCat("finalizing blk_", block_id));
}

absl::Status BlockStore::MoveToCurrent(uint64_t block_id, uint64_t gs,
                                       const std::string& rbw_block_path,
                                       const std::string& rbw_meta_path) {
  const std::string cur_block = absl::StrCat(CurrentDir(), "/", BlockFileName(block_id));
  const std::string cur_meta = absl::StrCat(CurrentDir(), "/", MetaFileName(block_id, gs));
  // Meta first: a crash between the renames leaves a lone .meta, which the scan
  // ignores, never a block file without checksums.
  if (::rename(rbw_meta_path.c_str(), cur_meta.c_str()) != 0) {
    return posix::ErrnoError(errno, "rename " + rbw_meta_path + " to", cur_meta);
  }
  if (::rename(rbw_block_path.c_str(), cur_block.c_str()) != 0) {
    absl::Status s = posix::ErrnoError(errno, "rename " + rbw_block_path + " to", cur_block);
    ::unlink(cur_meta.c_str());
    return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ReplicaReader>> BlockStore::OpenReplica(uint64_t block_id,
                                                                       uint64_t generation_stamp) {
  absl::Status not_found = absl::NotFoundError(
      absl::StrCat("replica blk_", block_id, "_", generation_stamp, " not found"));
  Replica r;
  uint64_t epoch;
  {
    absl::MutexLock lock(&mu_);
    auto it = finalized_.find(block_id);
    if (it == finalized_.end() || it->second.gs != generation_stamp) return not_found;
    r = it->second;
    epoch = replace_epoch_;
  }
  std::string block_path = absl::StrCat(CurrentDir(), "/", BlockFileName(block_id));
  std::string meta_path = absl::StrCat(CurrentDir(), "/", MetaFileName(block_id, r.gs));
  absl::StatusOr<int> block_fd = posix::Open(block_path, O_RDONLY);
  if (!block_fd.ok()) return absl::IsNotFound(block_fd.status()) ? not_found : block_fd.status();
  absl::StatusOr<int> meta_fd = posix::Open(meta_path, O_RDONLY);
  if (!meta_fd.ok()) {
    posix::Close(*block_fd);
    return absl::IsNotFound(meta_fd.status()) ? not_found : meta_fd.status();
  }
  absl::Cleanup close_files = [&] {
    posix::Close(*block_fd);
    posix::Close(*meta_fd);
  };
  {
    absl::MutexLock lock(&mu_);
    // A finalize replacing this block may have swapped the block file under us.
    if (replace_epoch_ != epoch) {
      auto it = finalized_.find(block_id);
      if (it == finalized_.end() || it->second.gs != generation_stamp) return not_found;
    }
  }
  HL_ASSIGN_OR_RETURN(uint32_t bpc, ReadMetaHeader(block_id, *meta_fd, meta_path));
  std::move(close_files).Cancel();
  std::unique_ptr<ReplicaReader> reader(
      new ReplicaReader(block_id, r.gs, r.num_bytes, bpc, block_path, *block_fd, *meta_fd));
  return reader;
}

absl::Status BlockStore::DeleteReplica(uint64_t block_id, uint64_t generation_stamp) {
  Replica r;
  {
    absl::MutexLock lock(&mu_);
    auto it = finalized_.find(block_id);
    if (it == finalized_.end()) {
      return absl::NotFoundError(absl::StrCat("no finalized replica of blk_", block_id));
    }
    if (it->second.gs > generation_stamp) {
      return absl::FailedPreconditionError(
          absl::StrCat("replica blk_", block_id, "_", it->second.gs,
                       " is newer than the generation stamp to delete (", generation_stamp, ")"));
    }
    if (being_written_.contains(block_id)) {
      return absl::FailedPreconditionError(
          absl::StrCat("blk_", block_id, " is being rewritten on this datanode"));
    }
    r = it->second;
    finalized_.erase(it);
    dfs_used_bytes_ -= r.disk_bytes;
    deleting_.insert(block_id);
  }
  std::string block_path = absl::StrCat(CurrentDir(), "/", BlockFileName(block_id));
  std::string meta_path = absl::StrCat(CurrentDir(), "/", MetaFileName(block_id, r.gs));
  absl::Status s;
  for (const std::string& p : {block_path, meta_path}) {
    if (::unlink(p.c_str()) != 0 && errno != ENOENT && s.ok()) {
      s = posix::ErrnoError(errno, "unlink", p);
    }
  }
  absl::MutexLock lock(&mu_);
  deleting_.erase(block_id);
  return s;
}

std::optional<ReplicaInfo> BlockStore::GetReplica(uint64_t block_id) const {
  absl::MutexLock lock(&mu_);
  if (auto it = finalized_.find(block_id); it != finalized_.end()) {
    return ReplicaInfo{block_id, it->second.gs, it->second.num_bytes, true};
  }
  if (auto it = being_written_.find(block_id); it != being_written_.end()) {
    return ReplicaInfo{block_id, it->second.gs, it->second.num_bytes, false};
  }
  return std::nullopt;
}

std::vector<ReplicaInfo> BlockStore::GetFinalizedReplicas() const {
  absl::MutexLock lock(&mu_);
  std::vector<ReplicaInfo> out;
  out.reserve(finalized_.size());
  for (const auto& [id, r] : finalized_) out.push_back({id, r.gs, r.num_bytes, true});
  return out;
}

int64_t BlockStore::num_finalized() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(finalized_.size());
}

absl::StatusOr<StorageStats> BlockStore::GetStorageStats() const {
  struct statvfs vfs;
  if (::statvfs(options_.data_dir.c_str(), &vfs) != 0) {
    return posix::ErrnoError(errno, "statvfs", options_.data_dir);
  }
  StorageStats s;
  s.capacity_bytes = static_cast<int64_t>(vfs.f_blocks) * static_cast<int64_t>(vfs.f_frsize);
  s.remaining_bytes = static_cast<int64_t>(vfs.f_bavail) * static_cast<int64_t>(vfs.f_frsize);
  {
    absl::MutexLock lock(&mu_);
    s.dfs_used_bytes = dfs_used_bytes_;
  }
  s.non_dfs_used_bytes =
      std::max<int64_t>(0, s.capacity_bytes - s.remaining_bytes - s.dfs_used_bytes);
  return s;
}

}  // namespace hayloft::datanode
