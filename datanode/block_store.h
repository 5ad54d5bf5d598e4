// BlockStore: the replicas one datanode keeps on its volumes (the dirs of
// dfs.datanode.data.dir, layout in datanode/volume.h), with their checksums
// (datanode/meta_file.h), and the in-memory replica map built from them.
//
// A replica is finalized (current/) or being written (rbw/). An rbw replica either
// has a writer attached (a BlockReceiver streaming into it) or waits for a recovery:
// its stream broke, or a crash or kill left it behind. Pipeline recovery
// (RecoverReplica) and lease recovery (InitReplicaRecovery, UpdateReplica) stop the
// writer, cut the replica to an agreed length and give it a new generation stamp.
//
// Finalizing fsyncs both rbw files, renames the meta file and then the block file
// into current/ and fsyncs both directories, so after a crash current/ holds either
// the whole replica or no block file (a lone .meta is ignored). On open, current/ and
// rbw/ of every volume are scanned to rebuild the replica map.
//
// Volumes: new replicas go round-robin to the volumes with room for a block. An I/O
// error other than a full disk makes the store check that volume; a volume that
// fails the check is marked failed, its replicas leave the map and the failure
// callback says which were lost.
#ifndef HAYLOFT_DATANODE_BLOCK_STORE_H_
#define HAYLOFT_DATANODE_BLOCK_STORE_H_

#include <cstdint>
#include <functional>
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
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "datanode/meta_file.h"
#include "datanode/replica_reader.h"
#include "datanode/replica_writer.h"
#include "datanode/volume.h"

namespace hayloft::datanode {

struct BlockStoreOptions {
  std::vector<std::string> data_dirs;  // one volume each; created if missing
  // Open fails if more dirs than this are unusable (-1: all but one may be).
  int failed_volumes_tolerated = 0;
  // A new replica goes only to a volume with this much free space, after what the
  // replicas being written there may still need (dfs.blocksize).
  int64_t block_size_bytes = int64_t{128} << 20;
  // How long a recovery waits for the stream writing a replica to stop.
  absl::Duration writer_stop_timeout = absl::Seconds(30);
};

// Capacity of the healthy volumes, and our share of it.
struct StorageStats {
  int64_t capacity_bytes = 0;
  int64_t dfs_used_bytes = 0;      // replica + meta files, finalized and rbw
  int64_t remaining_bytes = 0;     // available to us
  int64_t non_dfs_used_bytes = 0;  // everything else on those file systems
  int32_t failed_volumes = 0;
};

// A volume that has just failed.
struct VolumeFailure {
  std::string dir;
  absl::Status reason;
  std::vector<ReplicaInfo> lost;  // finalized replicas that were on it
  int num_failed_volumes = 0;     // now, this one included
  int num_volumes = 0;
};
using VolumeFailureCallback = std::function<void(const VolumeFailure&)>;

struct VolumeReport {
  std::string dir;
  bool failed = false;
  std::string failure;  // why, if failed
  int64_t dfs_used_bytes = 0;
  int64_t num_replicas = 0;  // finalized
  // Of the file system holding the dir (statvfs); 0 if failed or unreadable.
  int64_t capacity_bytes = 0;
  int64_t available_bytes = 0;
};

// DataLoss "checksum error in blk_<id> at offset N" for the first chunk of `data`
// (which starts at block offset `offset`) whose CRC32C differs from `checksums`.
absl::Status VerifyChunks(uint64_t block_id, uint64_t offset, absl::string_view data,
                          absl::Span<const uint32_t> checksums, uint32_t bytes_per_checksum);

// Thread-safe. Owned by the Datanode; must outlive every ReplicaWriter and
// ReplicaReader it hands out.
class BlockStore {
 public:
  // Opens every volume (creating dirs, locking them, scanning their replicas) and
  // loads or creates the datanode uuid. A dir that cannot be used counts as a
  // failed volume; FailedPrecondition "cannot use data dir X: <why>" if there are
  // more of them than tolerated, or if another datanode holds a dir.
  // `on_volume_failure` (may be null) runs on whichever thread noticed a volume
  // failing later on; it must not block.
  static absl::StatusOr<std::unique_ptr<BlockStore>> Open(
      const BlockStoreOptions& options, VolumeFailureCallback on_volume_failure = nullptr);
  ~BlockStore();
  BlockStore(const BlockStore&) = delete;
  BlockStore& operator=(const BlockStore&) = delete;

  const std::string& datanode_uuid() const { return uuid_; }
  const std::vector<std::string>& data_dirs() const { return options_.data_dirs; }
  int num_volumes() const { return static_cast<int>(volumes_.size()); }
  int num_failed_volumes() const;
  bool volume_failed(int volume) const;
  std::vector<VolumeReport> GetVolumeReports() const;

  // Starts an rbw replica on the next volume with room. AlreadyExists if a finalized
  // replica with this or a newer generation stamp exists, or the block is being
  // written here (an rbw replica of an older stamp that no writer holds is replaced).
  // ResourceExhausted if no volume has room for a block. An older finalized replica
  // stays readable until the new one is finalized and replaces it.
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> CreateReplica(uint64_t block_id,
                                                               uint64_t generation_stamp,
                                                               uint32_t bytes_per_checksum);
  // Pipeline recovery: takes the rbw replica of `block_id` with a generation stamp
  // <= `generation_stamp` (or else a finalized one with an older stamp), stops its
  // writer, cuts it to `length` bytes, renames it to `generation_stamp` and returns a
  // writer that appends from there. NotFound without such a replica;
  // FailedPrecondition if it has fewer than `length` bytes or a newer recovery is
  // under way; AlreadyExists if it is finalized with this stamp or a newer one.
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> RecoverReplica(uint64_t block_id,
                                                                uint64_t generation_stamp,
                                                                uint64_t length);
  // Lease recovery, step 1: stops any writer and describes the replica (num_bytes:
  // the bytes whose checksums are on disk). NotFound without a replica;
  // FailedPrecondition if `recovery_id` is lower than one seen before for this block
  // or than the replica's generation stamp.
  absl::StatusOr<ReplicaInfo> InitReplicaRecovery(uint64_t block_id, uint64_t recovery_id);
  // Lease recovery, step 2: cuts the replica to `new_length`, renames it to
  // `new_generation_stamp` and finalizes it. Idempotent for the same stamp and length.
  // Errors as RecoverReplica.
  absl::StatusOr<ReplicaInfo> UpdateReplica(uint64_t block_id, uint64_t new_generation_stamp,
                                            uint64_t new_length);

  // NotFound unless a finalized replica with exactly this generation stamp exists.
  // DataLoss if its meta file is unreadable.
  absl::StatusOr<std::unique_ptr<ReplicaReader>> OpenReplica(uint64_t block_id,
                                                             uint64_t generation_stamp);
  // As OpenReplica, but a replica being written with this stamp also qualifies; the
  // reader then serves its visible (acknowledged) bytes.
  absl::StatusOr<std::unique_ptr<ReplicaReader>> OpenVisibleReplica(uint64_t block_id,
                                                                    uint64_t generation_stamp);
  // Deletes a finalized replica whose generation stamp is <= `generation_stamp`, or
  // else an rbw replica no writer holds. NotFound if there is none;
  // FailedPrecondition if the replica is newer or being written.
  absl::Status DeleteReplica(uint64_t block_id, uint64_t generation_stamp);

  // The finalized replica, else the one being written, else nullopt.
  std::optional<ReplicaInfo> GetReplica(uint64_t block_id) const;
  std::vector<ReplicaInfo> GetFinalizedReplicas() const;
  // Replicas being written that no writer holds, for the block report.
  std::vector<ReplicaInfo> GetIdleRbwReplicas() const;
  std::vector<ReplicaInfo> GetFinalizedReplicasOnVolume(int volume) const;
  int64_t num_finalized() const;
  // statvfs of each healthy volume plus our accounting of replica file sizes. A
  // volume whose statvfs fails is checked (and may fail) and left out.
  // FailedPrecondition once every volume has failed.
  absl::StatusOr<StorageStats> GetStorageStats();

  // Checks every healthy volume (see Volume::Check) and fails the broken ones.
  // Returns how many volumes have failed in all.
  int CheckVolumes();
  // An I/O operation on `volume` failed with `error`: unless that is a full disk or
  // a checksum error, check the volume and fail it if it is broken.
  void HandleIoError(int volume, const absl::Status& error);

 private:
  friend class ReplicaWriter;
  struct Replica {
    uint64_t gs = 0;
    uint64_t num_bytes = 0;
    int64_t disk_bytes = 0;  // block file + meta file
    int volume = 0;
  };
  struct RbwReplica {
    Replica r;
    uint64_t visible_bytes = 0;
    uint32_t visible_crc = 0;                  // CRC of the chunk holding byte visible_bytes - 1
    std::shared_ptr<WriterStopSignal> writer;  // null: no writer attached
  };
  struct VolumeState {
    bool failed = false;
    std::string failure;
    int64_t dfs_used_bytes = 0;
  };
  // What RecoverReplica starts from.
  struct RecoverySource {
    Replica r;
    bool finalized = false;
  };

  BlockStore(BlockStoreOptions options, VolumeFailureCallback on_volume_failure);
  absl::Status OpenVolumes();
  // GetVolumeReports() before the statvfs calls.
  std::vector<VolumeReport> VolumeReportsWithoutSpace() const;
  absl::Status LoadUuid();
  void LoadReplicas(int volume);
  // Removes rbw replicas left beside a finalized replica of the same or a newer stamp.
  void DropStaleRbw();
  absl::StatusOr<int> ChooseVolume();
  absl::Status StopWriter(uint64_t block_id, uint64_t max_generation_stamp);
  absl::StatusOr<RecoverySource> ClaimForRecoveryLocked(uint64_t block_id, uint64_t gs,
                                                        uint64_t length,
                                                        std::shared_ptr<WriterStopSignal> writer)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Forgets a replica whose recovery failed half-way, and removes its files.
  void DropFailedRecovery(uint64_t block_id, const RecoverySource& src, uint64_t gs,
                          const WriterStopSignal* writer, const absl::Status& why);
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> ReopenForAppend(
      uint64_t block_id, uint64_t gs, uint64_t length, const RecoverySource& src,
      std::shared_ptr<WriterStopSignal> writer);
  absl::StatusOr<std::unique_ptr<ReplicaReader>> OpenReader(uint64_t block_id, uint64_t gs,
                                                            bool allow_rbw);
  void FailVolume(int volume, const absl::Status& reason);
  void AddDiskBytesLocked(int volume, int64_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  ReplicaInfo FinalizedInfoLocked(uint64_t block_id, const Replica& r) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Called by ReplicaWriter.
  void AddWrittenBytes(uint64_t block_id, const WriterStopSignal* writer, uint64_t num_bytes,
                       int64_t added_disk_bytes);
  absl::Status PublishFinalized(uint64_t block_id, const WriterStopSignal* writer, uint64_t gs,
                                uint64_t num_bytes, int volume, const std::string& rbw_block_path,
                                const std::string& rbw_meta_path);
  void ForgetWrite(uint64_t block_id, const WriterStopSignal* writer);
  void DetachWriter(uint64_t block_id, const WriterStopSignal* writer);
  void PublishAcked(uint64_t block_id, const WriterStopSignal* writer, uint64_t bytes,
                    uint32_t crc);
  absl::Status MoveToCurrent(const Volume& volume, uint64_t block_id, uint64_t gs,
                             const std::string& rbw_block_path, const std::string& rbw_meta_path);

  const BlockStoreOptions options_;
  const VolumeFailureCallback on_volume_failure_;
  std::string uuid_;  // set by Open, then read-only
  // One per data dir, fixed by Open; null where the dir could not be opened.
  std::vector<std::unique_ptr<Volume>> volumes_;

  mutable absl::Mutex mu_;
  std::vector<VolumeState> volume_states_ ABSL_GUARDED_BY(mu_);  // parallel to volumes_
  size_t next_volume_ ABSL_GUARDED_BY(mu_) = 0;                  // round-robin cursor
  absl::flat_hash_map<uint64_t, Replica> finalized_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, RbwReplica> rbw_ ABSL_GUARDED_BY(mu_);
  // Blocks whose files DeleteReplica is unlinking; CreateReplica waits for them.
  absl::flat_hash_set<uint64_t> deleting_ ABSL_GUARDED_BY(mu_);
  // The highest lease recovery id seen per block, until the recovery completes.
  absl::flat_hash_map<uint64_t, uint64_t> recovery_ids_ ABSL_GUARDED_BY(mu_);
  // Bumped before a finalize or recovery replaces a finalized replica's files, so
  // OpenReplica can tell that the files it opened may not match the generation it
  // looked up.
  uint64_t replace_epoch_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_BLOCK_STORE_H_
