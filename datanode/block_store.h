// BlockStore: the replicas one datanode keeps on its local disk, with their
// checksums, and the in-memory replica map built from them.
//
// On-disk layout of a data dir (dfs.datanode.data.dir):
//
//   <data_dir>/VERSION            "datanodeUuid=<uuid>\n": generated once (random
//                                 128-bit, UUID text form), written durably, reused
//                                 on every restart so the namenode recognises the node.
//   <data_dir>/in_use.lock        flock()ed while a datanode uses the dir; holds its pid.
//   <data_dir>/current/blk_<id>            finalized replica: the block's bytes.
//   <data_dir>/current/blk_<id>_<gs>.meta  its checksums (format below).
//   <data_dir>/rbw/blk_<id>                replica being written, same names.
//   <data_dir>/rbw/blk_<id>_<gs>.meta
//
// <id> and <gs> are unsigned decimal. The .meta file is HDFS's: a 7-byte header,
// 2-byte big-endian version (1), 1-byte checksum type (2 = CRC32C), 4-byte
// big-endian bytesPerChecksum (512), then one 4-byte big-endian CRC32C per
// bytesPerChecksum chunk of the block (the last chunk may be shorter).
//
// Finalizing fsyncs both rbw files, renames the meta file and then the block file
// into current/ and fsyncs both directories, so after a crash current/ holds either
// the whole replica or no block file (a lone .meta is ignored). On open, current/ is
// scanned to rebuild the replica map; replicas left in rbw/ are logged and ignored.
#ifndef HAYLOFT_DATANODE_BLOCK_STORE_H_
#define HAYLOFT_DATANODE_BLOCK_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace hayloft::datanode {

inline constexpr uint32_t kDefaultBytesPerChecksum = 512;
inline constexpr size_t kMetaHeaderBytes = 7;
inline constexpr uint16_t kMetaVersion = 1;
inline constexpr uint8_t kChecksumTypeCrc32c = 2;

struct BlockStoreOptions {
  std::string data_dir;  // created if missing
};

// A replica as the map knows it.
struct ReplicaInfo {
  uint64_t block_id = 0;
  uint64_t generation_stamp = 0;
  uint64_t num_bytes = 0;
  bool finalized = false;
};

// Capacity of the file system holding the data dir, and our share of it.
struct StorageStats {
  int64_t capacity_bytes = 0;
  int64_t dfs_used_bytes = 0;      // replica + meta files, finalized and rbw
  int64_t remaining_bytes = 0;     // available to us
  int64_t non_dfs_used_bytes = 0;  // everything else on that file system
};

// A chunk-aligned run of a replica's bytes with one CRC32C per chunk.
struct ChunkedData {
  uint64_t offset = 0;  // a multiple of bytes_per_checksum
  std::string data;
  std::vector<uint32_t> checksums;
};

// DataLoss "checksum error in blk_<id> at offset N" for the first chunk of `data`
// (which starts at block offset `offset`) whose CRC32C differs from `checksums`.
absl::Status VerifyChunks(uint64_t block_id, uint64_t offset, absl::string_view data,
                          absl::Span<const uint32_t> checksums, uint32_t bytes_per_checksum);

// Path names inside a data dir, e.g. "blk_42" and "blk_42_1001.meta".
std::string BlockFileName(uint64_t block_id);
std::string MetaFileName(uint64_t block_id, uint64_t generation_stamp);

class BlockStore;

// Writes one rbw replica. Destroying it before Finalize() deletes the rbw files.
// Not thread-safe; used by one BlockReceiver (or a test).
class ReplicaWriter {
 public:
  ReplicaWriter(const ReplicaWriter&) = delete;
  ReplicaWriter& operator=(const ReplicaWriter&) = delete;
  ~ReplicaWriter();

  uint64_t block_id() const { return block_id_; }
  uint64_t generation_stamp() const { return gs_; }
  uint32_t bytes_per_checksum() const { return bpc_; }
  uint64_t num_bytes() const { return num_bytes_; }
  bool finalized() const { return finalized_; }

  // Appends `data` at num_bytes(). `checksums` are the caller-verified CRC32Cs of
  // each bytes_per_checksum chunk of `data`. Errors: ResourceExhausted (disk full),
  // Internal (other I/O), both naming the path.
  absl::Status Append(absl::string_view data, absl::Span<const uint32_t> checksums);
  // fsyncs block and meta file (hflush/hsync).
  absl::Status Sync();
  // fsyncs, moves the replica to current/, publishes it in the replica map.
  absl::StatusOr<ReplicaInfo> Finalize();
  // Deletes the rbw files; the writer is then unusable. Idempotent.
  void Abort();

 private:
  friend class BlockStore;
  ReplicaWriter(BlockStore* store, uint64_t block_id, uint64_t gs, uint32_t bpc,
                std::string block_path, std::string meta_path, int block_fd, int meta_fd);
  absl::Status AppendChecksums(absl::string_view data, absl::Span<const uint32_t> checksums);
  void CloseFiles();

  BlockStore* const store_;
  const uint64_t block_id_;
  const uint64_t gs_;
  const uint32_t bpc_;
  const std::string block_path_;
  const std::string meta_path_;
  int block_fd_;
  int meta_fd_;
  uint64_t num_bytes_ = 0;
  uint32_t last_chunk_crc_ = 0;  // CRC of the partial last chunk, if any
  bool done_ = false;            // finalized or aborted
  bool finalized_ = false;
};

// Reads one finalized replica, verifying every chunk against its meta file.
// Not thread-safe; one per read.
class ReplicaReader {
 public:
  ReplicaReader(const ReplicaReader&) = delete;
  ReplicaReader& operator=(const ReplicaReader&) = delete;
  ~ReplicaReader();

  uint64_t block_id() const { return block_id_; }
  uint64_t generation_stamp() const { return gs_; }
  uint64_t num_bytes() const { return num_bytes_; }
  uint32_t bytes_per_checksum() const { return bpc_; }

  // Reads whole chunks starting at `offset` (a multiple of bytes_per_checksum()),
  // about `max_bytes` (rounded up to a chunk) but not past num_bytes(). Every chunk
  // is verified; DataLoss names the block and offset of a bad one.
  absl::StatusOr<ChunkedData> Read(uint64_t offset, size_t max_bytes);

 private:
  friend class BlockStore;
  ReplicaReader(uint64_t block_id, uint64_t gs, uint64_t num_bytes, uint32_t bpc,
                std::string block_path, int block_fd, int meta_fd);

  const uint64_t block_id_;
  const uint64_t gs_;
  const uint64_t num_bytes_;
  const uint32_t bpc_;
  const std::string block_path_;
  int block_fd_;
  int meta_fd_;
};

// The replicas of one data dir. Thread-safe. Owned by the Datanode; must outlive
// every ReplicaWriter it hands out.
class BlockStore {
 public:
  // Creates the dirs, locks the data dir, loads or creates the uuid and scans
  // current/. FailedPrecondition "cannot use data dir X: <why>" if it is unusable.
  static absl::StatusOr<std::unique_ptr<BlockStore>> Open(const BlockStoreOptions& options);
  ~BlockStore();
  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;

  const std::string& datanode_uuid() const { return uuid_; }
  const std::string& data_dir() const { return options_.data_dir; }

  // Starts an rbw replica. AlreadyExists if a finalized replica with this or a newer
  // generation stamp exists, or the block is already being written here. An older
  // finalized replica stays readable until the new one is finalized and replaces it.
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> CreateReplica(uint64_t block_id,
                                                               uint64_t generation_stamp,
                                                               uint32_t bytes_per_checksum);
  // NotFound unless a finalized replica with exactly this generation stamp exists.
  // DataLoss if its meta file is unreadable.
  absl::StatusOr<std::unique_ptr<ReplicaReader>> OpenReplica(uint64_t block_id,
                                                             uint64_t generation_stamp);
  // Deletes a finalized replica whose generation stamp is <= `generation_stamp`.
  // NotFound if there is none; FailedPrecondition if the replica is newer.
  absl::Status DeleteReplica(uint64_t block_id, uint64_t generation_stamp);

  // The finalized replica, else the one being written, else nullopt.
  std::optional<ReplicaInfo> GetReplica(uint64_t block_id) const;
  std::vector<ReplicaInfo> GetFinalizedReplicas() const;
  int64_t num_finalized() const;
  // statvfs of the data dir plus our accounting of replica file sizes.
  absl::StatusOr<StorageStats> GetStorageStats() const;

 private:
  friend class ReplicaWriter;
  struct Replica {
    uint64_t gs = 0;
    uint64_t num_bytes = 0;
    int64_t disk_bytes = 0;  // block file + meta file
  };

  BlockStore(BlockStoreOptions options, std::string uuid, int lock_fd);
  absl::Status ScanFinalized();
  std::string CurrentDir() const;
  std::string RbwDir() const;

  // Called by ReplicaWriter.
  void AddWrittenBytes(uint64_t block_id, uint64_t num_bytes, int64_t added_disk_bytes);
  absl::Status PublishFinalized(uint64_t block_id, uint64_t gs, uint64_t num_bytes,
                                const std::string& rbw_block_path,
                                const std::string& rbw_meta_path);
  void ForgetWrite(uint64_t block_id);
  absl::Status MoveToCurrent(uint64_t block_id, uint64_t gs, const std::string& rbw_block_path,
                             const std::string& rbw_meta_path);

  const BlockStoreOptions options_;
  const std::string uuid_;
  const int lock_fd_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<uint64_t, Replica> finalized_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, Replica> being_written_ ABSL_GUARDED_BY(mu_);
  // Blocks whose files DeleteReplica is unlinking; CreateReplica waits for them.
  absl::flat_hash_set<uint64_t> deleting_ ABSL_GUARDED_BY(mu_);
  // Bumped before a finalize replaces an older replica's files, so OpenReplica can
  // tell that the files it opened may not match the generation it looked up.
  uint64_t replace_epoch_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t dfs_used_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_BLOCK_STORE_H_
