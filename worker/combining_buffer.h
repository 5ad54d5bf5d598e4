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
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hayloft/mapreduce.h"
#include "worker/byte_arena.h"
#include "worker/ifile.h"
#include "worker/task_counters.h"

namespace hayloft::worker {

// How a map task makes its combiner; an empty new_combiner means the job has none.
struct CombinerFactory {
  std::function<std::unique_ptr<mr::Reducer>()> new_combiner;
  // The combiner's context: its Emit must call the given function.
  std::function<std::unique_ptr<mr::ReduceContext>(
      std::function<void(std::string_view, std::string_view)>)> new_combine_context;
};

struct CombiningBufferOptions {
  int num_partitions = 1;
  // A key's values are combined once it holds this many (and again at every spill).
  // 32 measured best on WordCount: smaller runs the combiner more often for the
  // same reduction, larger holds more bytes per frequent key.
  uint32_t combine_threshold = 32;
  // Arena block size; the collector lowers it for small buffers so that memory
  // accounting stays meaningful.
  size_t arena_block_bytes = 1 << 20;
  CombinerFactory combiner;
};

// Not thread-safe; used only by MapOutputCollector.
class CombiningBuffer {
 public:
  CombiningBuffer(CombiningBufferOptions options, TaskCounters* counters);
  ~CombiningBuffer();

  // Adds a record; `partition` must be in range. May run the combiner. Records
  // are staged in two batches: the table slot of each is prefetched when it is
  // staged, and a batch is added to the table when the next one is full, so that
  // every record's cache misses (most of a WordCount map's CPU) overlap with the
  // work on the 16 to 31 records before it.
  void Add(int partition, std::string_view key, std::string_view value);
  // Combines what is held and writes one segment per partition (keys in memcmp
  // order) to `out`, then empties the buffer.
  absl::Status Spill(SegmentFileWriter& out);

  // What the spill threshold is compared with: arena blocks, hash tables and the
  // staged batch.
  int64_t bytes_used() const {
    return arena_.bytes_reserved() + table_bytes_ +
           static_cast<int64_t>(batches_[0].bytes.size() + batches_[1].bytes.size());
  }
  bool empty() const { return keys_ == 0 && batches_[0].count == 0 && batches_[1].count == 0; }

 private:
  // A key's values: varint32 length + bytes each, back to back, in the arena.
  struct Values {
    char* data = nullptr;
    uint32_t size = 0;
    uint32_t capacity = 0;
    uint32_t count = 0;
    uint32_t combine_at = 0;  // count at which Add runs the combiner
  };
  // A key as the table holds it: up to 16 bytes inline, so that comparing a short
  // key reads the slot the probe already loaded rather than a random arena line
  // (that miss was a quarter of a WordCount map's CPU); longer keys in the arena.
  // Views of an inline key move with the slot: none is kept across an insert.
  class StoredKey {
   public:
    StoredKey(std::string_view key, ByteArena& arena);
    operator absl::string_view() const {  // NOLINT: the table's lookups convert
      return absl::string_view(size_ <= sizeof(bytes_) ? bytes_ : data_, size_);
    }

   private:
    union {
      char bytes_[16];
      const char* data_;
    };
    uint32_t size_;
  };
  // Transparent: lookups by a string_view build no StoredKey.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(absl::string_view k) const { return absl::Hash<absl::string_view>()(k); }
  };
  struct KeyEq {
    using is_transparent = void;
    bool operator()(absl::string_view a, absl::string_view b) const { return a == b; }
  };
  using Table = absl::flat_hash_map<StoredKey, Values, KeyHash, KeyEq>;
  struct Partition {
    Table table;
    // Created at the first combine after a spill, cleaned up at the next spill,
    // like the combiner per partition and spill of the sort path.
    std::unique_ptr<mr::Reducer> combiner;
    std::unique_ptr<mr::ReduceContext> context;
  };

  struct Staged {
    int partition;
    uint32_t key_size;
    uint32_t value_size;
  };
  struct Batch {
    Staged records[16];
    int count = 0;
    std::string bytes;  // key and value bytes back to back
  };
  void AddBatch(Batch& batch);
  void AddNow(int partition, std::string_view key, std::string_view value);
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
  Batch batches_[2];
  int filling_ = 0;  // the batch Add stages into; the other one is older
  // What the combiner emitted during the current call, as ifile records.
  std::string emitted_;
  std::string misfits_;  // records emitted under another key than the input's
  int64_t* const combine_input_records_;
  int64_t* const combine_output_records_;
  int64_t* const spilled_records_;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_COMBINING_BUFFER_H_
