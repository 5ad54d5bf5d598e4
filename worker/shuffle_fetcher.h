// ShuffleFetcher: the reduce side of the shuffle, run inside a reduce attempt.
// Fetches this reducer's partition of every map output from the workers'
// ShuffleService, several maps at once; small segments stay in memory, large
// ones (or once the memory budget is used up) go to local files. The caller merges
// them all.
#ifndef HAYLOFT_WORKER_SHUFFLE_FETCHER_H_
#define HAYLOFT_WORKER_SHUFFLE_FETCHER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "proto/jobtracker.pb.h"
#include "worker/ifile.h"

namespace hayloft::worker {

struct ShuffleFetcherOptions {
  std::string job_id;
  int partition = 0;
  std::string dir;                    // for segments that go to disk
  int64_t memory_bytes = 128 << 20;   // total for in-memory segments
  int parallel_copies = 5;            // mapreduce.reduce.shuffle.parallelcopies
  int attempts_per_map = 3;           // tries per map output before reporting it
  absl::Duration rpc_timeout = absl::Seconds(60);
};

struct FetchedSegment {
  int map_index = 0;
  std::string data;       // in memory, or
  std::string path;       // on disk: the whole file is the segment
  uint64_t length = 0;
};

struct ShuffleResult {
  std::vector<FetchedSegment> segments;  // in map order
  std::vector<int> failed_maps;          // could not be fetched
  int64_t bytes = 0;
};

// Thread-safe: FetchAll runs its own threads; fetched() may be read meanwhile.
class ShuffleFetcher {
 public:
  explicit ShuffleFetcher(ShuffleFetcherOptions options) : options_(std::move(options)) {}

  ShuffleResult FetchAll(const std::vector<MapOutputLocation>& maps);
  int fetched() const { return fetched_.load(); }

  // Opens sorted streams over fetched segments.
  static absl::StatusOr<std::vector<std::unique_ptr<RecordStream>>> OpenStreams(
      const std::vector<FetchedSegment>& segments);

 private:
  absl::StatusOr<FetchedSegment> FetchOne(const MapOutputLocation& map);
  absl::StatusOr<FetchedSegment> TryFetch(const MapOutputLocation& map);
  bool ReserveMemory(uint64_t bytes);

  const ShuffleFetcherOptions options_;
  std::atomic<int> fetched_{0};
  absl::Mutex mu_;
  int64_t memory_used_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_SHUFFLE_FETCHER_H_
