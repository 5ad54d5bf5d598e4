// MapOutputCollector: the map side of the shuffle. Records go into an in-memory
// buffer; when it fills (mapreduce.task.io.sort.mb x spill percent) they are
// sorted by (partition, key) and spilled to a local file, the combiner applied per
// key. Finish() merges the spills into one file.out + file.out.index (worker/ifile.h),
// applying the combiner again.
#ifndef HAYLOFT_WORKER_MAP_OUTPUT_COLLECTOR_H_
#define HAYLOFT_WORKER_MAP_OUTPUT_COLLECTOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "hayloft/mapreduce.h"
#include "worker/ifile.h"
#include "worker/task_counters.h"

namespace hayloft::worker {

// Runs a reducer (or combiner) over a sorted stream, one call per key, emitting
// through `emit`. Counts input groups and records in the given counter names when
// they are not empty.
struct GroupCounters {
  std::string groups, input_records, output_records;
};
absl::Status ReduceStream(RecordStream& input, mr::Reducer& reducer, mr::ReduceContext& ctx,
                          TaskCounters& counters, const GroupCounters& names);

struct MapOutputCollectorOptions {
  std::string dir;              // where spills and file.out go
  int num_partitions = 1;
  int64_t buffer_bytes = 100 << 20;
  double spill_percent = 0.8;
  // Creates the combiner context that emits into `emit`; null: no combiner.
  std::function<std::unique_ptr<mr::Reducer>()> new_combiner;
  // The combiner's context: Emit must call the given function.
  std::function<std::unique_ptr<mr::ReduceContext>(
      std::function<void(std::string_view, std::string_view)>)> new_combine_context;
};

// Not thread-safe; used only by the map task runner.
class MapOutputCollector {
 public:
  MapOutputCollector(MapOutputCollectorOptions options, TaskCounters* counters);

  absl::Status Collect(int partition, std::string_view key, std::string_view value);
  // Spills what is left and merges every spill into file.out / file.out.index.
  absl::Status Finish();

  std::string output_path() const { return options_.dir + "/file.out"; }
  std::string index_path() const { return options_.dir + "/file.out.index"; }

 private:
  struct Meta {
    uint32_t partition;
    uint32_t key_len;
    uint32_t value_len;
    uint64_t offset;  // of the key in data_; the value follows it
  };
  struct Spill {
    std::string path;
    std::vector<SegmentIndexEntry> index;
  };

  std::vector<uint32_t> SortedOrder(const char* base) const;
  absl::Status SortAndSpill();
  // Writes one partition's sorted records (combined if there is a combiner).
  absl::Status WritePartition(RecordStream& sorted, SegmentFileWriter& out);
  absl::Status MergeSpills();

  const MapOutputCollectorOptions options_;
  TaskCounters* const counters_;
  std::string data_;
  std::vector<Meta> meta_;
  std::vector<Spill> spills_;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_MAP_OUTPUT_COLLECTOR_H_
