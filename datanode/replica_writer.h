// ReplicaWriter: appends to one replica being written (rbw) and finalizes it, and
// WriterStopSignal, through which a recovery stops the stream that writes it.
#ifndef HAYLOFT_DATANODE_REPLICA_WRITER_H_
#define HAYLOFT_DATANODE_REPLICA_WRITER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace hayloft::datanode {

class BlockStore;

// A replica as the map knows it.
struct ReplicaInfo {
  uint64_t block_id = 0;
  uint64_t generation_stamp = 0;
  // Finalized: the length. Being written: the bytes whose checksums are on disk.
  uint64_t num_bytes = 0;
  bool finalized = false;
  // Being written: the bytes the whole pipeline has acknowledged, which readers may
  // see. Finalized: num_bytes.
  uint64_t visible_bytes = 0;
  int volume = 0;  // index in dfs.datanode.data.dir
};

// How a recovery stops the stream that is writing a replica: the stream's owner
// sets a hook that cancels it; Stop() runs it. Thread-safe.
class WriterStopSignal {
 public:
  // `hook` must not block (it cancels calls). Runs at once if Stop() came first.
  void SetHook(std::function<void()> hook);
  // Once this returns the hook is not running and never runs again.
  void ClearHook();
  void Stop();
  bool stopped() const;

 private:
  // Held while the hook runs, so ClearHook() cannot return while it does.
  mutable absl::Mutex mu_;
  std::function<void()> hook_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

// Writes one rbw replica. Destroying it before Finalize() or Detach() deletes the
// rbw files. Not thread-safe (used by one BlockReceiver or a test), except for
// PublishAcked() and stop_signal().
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
  // CRC32C of the chunk holding byte num_bytes() - 1 (0 when empty).
  uint32_t last_chunk_crc() const { return last_chunk_crc_; }
  int volume() const { return volume_; }

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
  // Closes the files but keeps the rbw replica, on disk and in the map, for a later
  // pipeline or lease recovery; the writer is then unusable. Idempotent.
  void Detach();

  // The whole pipeline has acknowledged the first `bytes` bytes: readers may now see
  // them. `last_chunk_crc` is the CRC of the chunk holding byte bytes - 1 as of then.
  // Thread-safe; a no-op once the replica is finalized or recovered by someone else.
  void PublishAcked(uint64_t bytes, uint32_t last_chunk_crc);
  // Thread-safe.
  WriterStopSignal& stop_signal() const { return *stop_; }

 private:
  friend class BlockStore;
  struct Files {
    std::string block_path;
    std::string meta_path;
    int block_fd = -1;
    int meta_fd = -1;
  };
  ReplicaWriter(BlockStore* store, int volume, uint64_t block_id, uint64_t gs, uint32_t bpc,
                Files files, uint64_t num_bytes, uint32_t last_chunk_crc,
                std::shared_ptr<WriterStopSignal> stop);
  absl::Status AppendChecksums(absl::string_view data, absl::Span<const uint32_t> checksums);
  void CloseFiles();
  // Hands I/O errors to the store, which checks the volume.
  absl::Status CheckIo(absl::Status s);

  BlockStore* const store_;
  const int volume_;
  const uint64_t block_id_;
  const uint64_t gs_;
  const uint32_t bpc_;
  Files files_;
  const std::shared_ptr<WriterStopSignal> stop_;  // also in the store's replica map
  uint64_t num_bytes_ = 0;
  uint32_t last_chunk_crc_ = 0;
  bool done_ = false;  // finalized, aborted or detached
  bool finalized_ = false;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_REPLICA_WRITER_H_
