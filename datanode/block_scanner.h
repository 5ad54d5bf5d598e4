// BlockScanner: verifies the checksums of every finalized replica in the background,
// so a replica that rots on disk is found before a reader needs it. One thread per
// volume reads at most bytes_per_second (HDFS's
// dfs.block.scanner.volume.bytes.per.second) and starts a full pass over its volume
// every scan_period (dfs.datanode.scan.period.hours). A corrupt replica is logged and
// reported through the callback (the datanode's ReportBadBlocks path), once per
// replica; every pass ends with an INFO line saying what it verified and found.
#ifndef HAYLOFT_DATANODE_BLOCK_SCANNER_H_
#define HAYLOFT_DATANODE_BLOCK_SCANNER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "datanode/block_store.h"

namespace hayloft::datanode {

struct BlockScannerOptions {
  int64_t bytes_per_second = 1 << 20;  // per volume; <= 0 disables the scanner
  absl::Duration scan_period = absl::Hours(504);
  size_t read_bytes = 64 << 10;  // per read
};

// What one pass over a volume did.
struct ScanPassResult {
  int64_t replicas_verified = 0;
  int64_t bytes_verified = 0;
  std::vector<ReplicaInfo> corrupt;  // found in this pass (reported or not)
};

// Where the scan of one volume stands, for the status page.
struct ScanProgress {
  int64_t passes_completed = 0;
  bool scanning = false;            // a pass is under way (else waiting for the next)
  int64_t pass_replicas = 0;        // replicas the current or last pass covers
  int64_t pass_replicas_done = 0;   // of those, done so far
  int64_t pass_bytes_verified = 0;
  absl::Time pass_started = absl::InfinitePast();
  absl::Time last_pass_finished = absl::InfinitePast();
  int64_t corrupt_found = 0;        // in all passes
};

// Thread-safe. Owns one thread per volume, started by Start() and joined by
// Shutdown().
class BlockScanner {
 public:
  // Called for a replica found corrupt; must not block.
  using BadReplicaCallback = std::function<void(const ReplicaInfo&)>;

  // `store` must outlive the scanner.
  BlockScanner(BlockScannerOptions options, BlockStore* store, BadReplicaCallback report);
  ~BlockScanner();
  BlockScanner(const BlockScanner&) = delete;
  BlockScanner& operator=(const BlockScanner&) = delete;

  // Does nothing if the scanner is disabled.
  void Start();
  void Shutdown();

  // One throttled pass over the finalized replicas of `volume`, on the calling
  // thread; it ends early on Shutdown().
  ScanPassResult ScanVolume(int volume);
  // Passes completed by the threads, over all volumes.
  int64_t passes_completed() const;
  bool enabled() const { return options_.bytes_per_second > 0; }
  // One entry per volume.
  std::vector<ScanProgress> GetProgress() const;

 private:
  void Run(int volume);
  // Waits until the bytes read so far may have been read at the configured rate.
  // False: shutting down.
  bool Throttle(absl::Time start, int64_t bytes);
  absl::Status VerifyReplica(const ReplicaInfo& replica, absl::Time pass_start,
                             int64_t* pass_bytes);
  // Progress bookkeeping for GetProgress().
  void BeginPass(int volume, int64_t replicas, absl::Time start);
  void NoteReplicaDone(int volume, int64_t pass_bytes);
  void EndPass(int volume);
  bool StoppingLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; }
  bool stopping() const;

  const BlockScannerOptions options_;
  BlockStore* const store_;
  const BadReplicaCallback report_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t passes_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<ScanProgress> progress_ ABSL_GUARDED_BY(mu_);  // per volume
  // (block id, generation stamp) of replicas already reported as corrupt.
  absl::flat_hash_set<std::pair<uint64_t, uint64_t>> reported_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_BLOCK_SCANNER_H_
