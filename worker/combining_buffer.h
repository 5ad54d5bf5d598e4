// CombiningBuffer: the map-side buffer of a job with a combiner. Records are
// grouped by (partition, key) in hash tables as they arrive; a key that gathers
// combine_threshold values has the combiner run over them at once, keeping only
// its output. A spill runs the combiner over each key's remaining values, sorts
// only the distinct keys, and writes one sorted segment per partition.
//
// Why: WordCount's maps emit ~24 records per distinct key. Sorting every record
// and then combining the sorted run cost most of a map task's CPU in random reads
// (bench/README.md, "WordCount: the map-side sort"); here each record costs one
// hash lookup and an append, and only the distinct keys are sorted.
//
// The combiner contract holds: it runs 0..n times over any subset of a key's
// values; a record it emits under another key is put back into the table of the
// same partition, so it is still written in key order.
#ifndef HAYLOFT_WORKER_COMBINING_BUFFER_H_
#define HAYLOFT_WORKER_COMBINING_BUFFER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hayloft/mapreduce.h"
#include "worker/byte_arena.h"
#include "worker/ifile.h"
#include "worker/task_counters.h"

namespace hayloft::worker {

struct CombiningBufferOptions {
  int num_partitions = 1;
  // A key's values are combined once it holds this many (and again at every spill).
  // 32 measured best on WordCount: smaller runs the combiner more often for the
  // same reduction, larger holds more bytes per frequent key.
  uint32_t combine_threshold = 32;
  // Arena block size; the collector lowers it for small buffers so that memory
  // accounting stays meaningful.
  size_t arena_block_bytes = 1 << 20;
  std::function<std::unique_ptr<mr::Reducer>()> new_combiner;
  std::function<std::unique_ptr<mr::ReduceContext>(
      std::function<void(std::string_view, std::string_view)>)> new_combine_context;
};

// Not thread-safe; used only by MapOutputCollector.
class CombiningBuffer {
 public:
  CombiningBuffer(CombiningBufferOptions options, TaskCounters* counters);
  ~CombiningBuffer();

  // Adds a record; `partition` must be in range. May run the combiner.
  void Add(int partition, std::string_view key, std::string_view value);
  // Combines what is held and writes one segment per partition (keys in memcmp
  // order) to `out`, then empties the buffer.
  absl::Status Spill(SegmentFileWriter& out);

  // What the spill threshold is compared with: arena blocks plus hash tables.
  int64_t bytes_used() const { return arena_.bytes_reserved() + table_bytes_; }
  bool empty() const { return keys_ == 0; }

 private:
  // A key's values: varint32 length + bytes each, back to back, in the arena.
  struct Values {
    char* data = nullptr;
    uint32_t size = 0;
    uint32_t capacity = 0;
    uint32_t count = 0;
    uint32_t combine_at = 0;  // count at which Add runs the combiner
  };
  using Table = absl::flat_hash_map<absl::string_view, Values>;
  struct Partition {
    Table table;
    // Created at the first combine after a spill, cleaned up at the next spill,
    // like the combiner per partition and spill of the sort path.
    std::unique_ptr<mr::Reducer> combiner;
    std::unique_ptr<mr::ReduceContext> context;
  };

  // The stored key (in the arena) and its values.
  std::pair<std::string_view, Values*> FindOrInsert(Partition& part, std::string_view key);
  void Append(Values& values, std::string_view value);
  // Runs the partition's combiner over `values` of `key`; what it emits goes to
  // emitted_.
  void RunCombiner(Partition& part, std::string_view key, const Values& values);
  // Empties emitted_: records under `key` replace `values` (when not null), the
  // others are appended to `misfits` for AddRecords.
  void TakeEmitted(std::string_view key, Values* values, std::string* misfits);
  // Adds ifile-format records to the partition without combining them.
  void AddRecords(Partition& part, const std::string& records);
  void CombinePartition(Partition& part);
  void WritePartition(const Partition& part, SegmentFileWriter& out);

  const CombiningBufferOptions options_;
  std::vector<Partition> partitions_;
  ByteArena arena_;
  int64_t table_bytes_ = 0;
  int64_t keys_ = 0;
  // What the combiner emitted during the current call, as ifile records.
  std::string emitted_;
  std::string misfits_;  // records emitted under another key than the input's
  int64_t* const combine_input_records_;
  int64_t* const combine_output_records_;
  int64_t* const spilled_records_;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_COMBINING_BUFFER_H_
