// MapOutputCollector: the map side of the shuffle. Records go into an in-memory
// buffer; when it fills (mapreduce.task.io.sort.mb x spill percent) they are
// spilled to a local file sorted by (partition, key). Without a combiner the buffer
// holds every record and is sorted at the spill; with one it is a CombiningBuffer
// that groups records by key as they come and combines them. Finish() merges the
// spills into one file.out + file.out.index (worker/ifile.h), applying the
// combiner again.
#ifndef HAYLOFT_WORKER_MAP_OUTPUT_COLLECTOR_H_
#define HAYLOFT_WORKER_MAP_OUTPUT_COLLECTOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hayloft/mapreduce.h"
#include "worker/combining_buffer.h"
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
  // With a combiner: how many values a key gathers before it is combined
  // (CombiningBufferOptions::combine_threshold).
  uint32_t combine_threshold = 32;
  CombinerFactory combiner;  // empty: the job has no combiner
};

// Not thread-safe; used only by the map task runner.
class MapOutputCollector {
 public:
  MapOutputCollector(MapOutputCollectorOptions options, TaskCounters* counters);

  absl::Status Collect(int partition, std::string_view key, std::string_view value);
  // Spills what is left and merges every spill into file.out / file.out.index.
  absl::Status Finish();

  // Bytes the buffer holds now, as compared with buffer_bytes x spill_percent.
  int64_t buffered_bytes() const;

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
  absl::Status SpillBuffer();
  absl::Status SortAndSpill(SegmentFileWriter& out);
  // Writes one partition's sorted records, through the combiner if `combine`.
  // Returns false if the combiner emitted a key below one already written (then
  // the segment is out of order and must be discarded).
  absl::StatusOr<bool> WritePartition(RecordStream& sorted, SegmentFileWriter& out, bool combine);
  absl::Status MergeSpills();
  absl::StatusOr<bool> MergePartition(int partition, SegmentFileWriter& out, bool combine);

  const MapOutputCollectorOptions options_;
  TaskCounters* const counters_;
  int64_t* const map_output_records_;
  int64_t* const map_output_bytes_;
  int64_t* const spilled_records_;
  // Set when the job has a combiner; data_ and meta_ are then unused.
  std::unique_ptr<CombiningBuffer> combining_;
  std::string data_;
  std::vector<Meta> meta_;
  std::vector<Spill> spills_;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_MAP_OUTPUT_COLLECTOR_H_
