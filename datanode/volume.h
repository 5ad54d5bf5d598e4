// Volume: one data dir of a datanode (dfs.datanode.data.dir lists one or more, each
// usually on its own disk) and the replica files in it.
//
// On-disk layout of a data dir:
//
//   <dir>/VERSION            "datanodeUuid=<uuid>\n": generated once (random 128-bit,
//                            UUID text form), written durably, the same in every
//                            data dir of a datanode, reused on every restart so the
//                            namenode recognises the node.
//   <dir>/in_use.lock        flock()ed while a datanode uses the dir; holds its pid.
//   <dir>/current/blk_<id>            finalized replica: the block's bytes.
//   <dir>/current/blk_<id>_<gs>.meta  its checksums (format: datanode/meta_file.h).
//   <dir>/rbw/blk_<id>                replica being written (or waiting for a
//   <dir>/rbw/blk_<id>_<gs>.meta      recovery), same names.
//   <dir>/current/.volume_check       briefly, while the dir is being checked.
//
// <id> and <gs> are unsigned decimal.
#ifndef HAYLOFT_DATANODE_VOLUME_H_
#define HAYLOFT_DATANODE_VOLUME_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hayloft::datanode {

// Path names inside a data dir, e.g. "blk_42" and "blk_42_1001.meta".
std::string BlockFileName(uint64_t block_id);
std::string MetaFileName(uint64_t block_id, uint64_t generation_stamp);

// Capacity of the file system holding a volume.
struct VolumeSpace {
  int64_t capacity_bytes = 0;
  int64_t available_bytes = 0;  // to us (statvfs f_bavail)
};

// A replica found on disk when the volume is opened.
struct ScannedReplica {
  uint64_t block_id = 0;
  uint64_t generation_stamp = 0;
  uint64_t num_bytes = 0;       // rbw: the bytes with verified checksums
  int64_t disk_bytes = 0;       // block file + meta file
  uint32_t last_chunk_crc = 0;  // rbw: CRC of the chunk holding byte num_bytes - 1
};

// Immutable after Open(); thread-safe. Owned by the BlockStore.
class Volume {
 public:
  // Creates the dirs and locks the data dir. FailedPrecondition "cannot use data dir
  // <dir>: <why>" if it is unusable; AlreadyExists if another datanode holds its lock.
  static absl::StatusOr<std::unique_ptr<Volume>> Open(const std::string& dir);
  ~Volume();  // releases the lock
  Volume(const Volume&) = delete;
  Volume& operator=(const Volume&) = delete;

  const std::string& dir() const { return dir_; }
  std::string CurrentDir() const { return dir_ + "/current"; }
  std::string RbwDir() const { return dir_ + "/rbw"; }
  std::string BlockPath(bool finalized, uint64_t block_id) const;
  std::string MetaPath(bool finalized, uint64_t block_id, uint64_t generation_stamp) const;

  // The uuid in VERSION; nullopt if there is no VERSION file yet.
  absl::StatusOr<std::optional<std::string>> ReadUuid() const;
  absl::Status WriteUuid(const std::string& uuid) const;

  // Probes that the volume still works: current/ and rbw/ are directories in which a
  // file can be created, written and removed. A full disk passes. Internal/NotFound
  // naming the path and the error otherwise.
  absl::Status Check() const;
  absl::StatusOr<VolumeSpace> GetSpace() const;

  // Finalized replicas in current/ (a block file without a meta file is skipped).
  absl::StatusOr<std::vector<ScannedReplica>> ScanFinalized() const;
  // Replicas left in rbw/ by writes that a crash or kill cut short, each with the
  // length its checksums vouch for.
  std::vector<ScannedReplica> ScanRbw() const;

 private:
  Volume(std::string dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}

  const std::string dir_;
  const int lock_fd_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_VOLUME_H_
