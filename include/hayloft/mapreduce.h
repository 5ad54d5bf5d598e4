// The Hayloft MapReduce API: the only header a job library needs.
//
// A job library is a shared object (.so) built against this header alone. It
// defines a Job: how to configure itself from its command-line arguments, a
// Mapper, optionally a Reducer, a combiner and a Partitioner. Users run it with
//   hayloft jar LIB.so [-D key=value ...] ARGS...
// `hayloft jar` loads the library in the client to call Job::Configure; every task
// attempt loads it again in its own child process on a worker, so a crash in user
// code fails only that attempt.
//
// A minimal library:
//   #include "hayloft/mapreduce.h"
//   class WordCountMapper : public hayloft::mr::Mapper {
//    public:
//     void Map(std::string_view, std::string_view line, hayloft::mr::MapContext& ctx) override {
//       ... ctx.Emit(word, "1"); ...
//     }
//   };
//   class SumReducer : public hayloft::mr::Reducer { ... ctx.Emit(key, total); };
//   class WordCount : public hayloft::mr::Job {
//    public:
//     std::string Configure(const std::vector<std::string>& args, hayloft::mr::JobSpec& spec) override {
//       if (args.size() != 2) return "usage: wordcount <in> <out>";
//       spec.input_paths = {args[0]};
//       spec.output_path = args[1];
//       spec.use_combiner = true;
//       return "";
//     }
//     std::unique_ptr<hayloft::mr::Mapper> NewMapper() override { ... }
//     std::unique_ptr<hayloft::mr::Reducer> NewReducer() override { ... }
//   };
//   HAYLOFT_JOB_LIBRARY(WordCount)
//
// Data model: keys and values are byte strings. Map output is partitioned (by
// default on a hash of the key), sorted by key bytes (unsigned lexicographic, like
// memcmp), and each reduce call sees one key with all its values. Values of a key
// reach the reducer in no particular order.
//
// Threading: a task attempt calls its Mapper or Reducer from one thread only.
// Objects from a library are created and destroyed by the task runner.
//
// Compatibility: kApiVersion changes whenever anything in this header changes in a
// way that breaks binary compatibility. The runner refuses a library built against
// another version with a message naming both versions.
#ifndef HAYLOFT_INCLUDE_HAYLOFT_MAPREDUCE_H_
#define HAYLOFT_INCLUDE_HAYLOFT_MAPREDUCE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hayloft::mr {

// The API version this header describes. Carried by HAYLOFT_JOB_LIBRARY's entry
// point and checked by every loader before anything else in the library is used.
inline constexpr int kApiVersion = 1;

// How a map task reads its split.
enum class InputFormat {
  // One record per line (like Hadoop's TextInputFormat): key = the line's byte
  // offset in the file as decimal text, value = the line without its '\n'.
  kTextLines = 0,
  // One record per line, split at the first TAB (Hadoop's KeyValueTextInputFormat):
  // key = text before the TAB, value = text after it (empty if there is no TAB).
  kKeyValueText = 1,
  // Fixed-length binary records of JobSpec::record_length bytes (TeraSort's
  // 100-byte records): key = the first key_length bytes, value = the rest.
  kFixedLengthRecords = 2,
  // No input files: JobSpec::num_generated_splits map tasks each get one record
  // whose key is the split index and whose value is num_generated_splits, both as
  // decimal text (for generators such as teragen).
  kGenerated = 3,
};

// How reduce output (or map output of a map-only job) is written.
enum class OutputFormat {
  // "key<TAB>value\n" per record; "key\n" when the value is empty (Hadoop's
  // TextOutputFormat).
  kText = 0,
  // key bytes then value bytes, nothing between or after (fixed-length records).
  kRaw = 1,
};

// What Job::Configure fills in. Settings given with -D on the command line are in
// `conf` before Configure runs; Configure may read and add to them. Every task
// sees the final `conf` through TaskContext::GetConf.
struct JobSpec {
  std::string name;                      // shown by `hayloft job -list`; default: library name
  std::vector<std::string> input_paths;  // files or directories (their files, not recursive)
  std::string output_path;               // must not exist yet
  InputFormat input_format = InputFormat::kTextLines;
  OutputFormat output_format = OutputFormat::kText;
  int record_length = 100;               // kFixedLengthRecords only
  int key_length = 10;                   // kFixedLengthRecords only
  int num_generated_splits = 1;          // kGenerated only
  // Number of reduce tasks; 0 makes a map-only job (map output goes straight to
  // part-m-NNNNN files). -1: mapreduce.job.reduces from the configuration (default 1).
  int num_reduces = -1;
  // Run the Job's combiner (NewCombiner) on map output at each spill and merge.
  bool use_combiner = false;
  // Total order: the client samples keys of the input and splits the key space
  // into num_reduces ranges of about equal size, so part-r-00000 < part-r-00001
  // < ... (TeraSort's sampled partitioner). Needs kFixedLengthRecords input and
  // is used only when the Job makes no Partitioner.
  bool total_order_partition = false;
  std::map<std::string, std::string> conf;
};

// What every task can ask of the framework.
class TaskContext {
 public:
  virtual ~TaskContext() = default;
  // A job setting, or `default_value` if it is not set.
  virtual std::string GetConf(std::string_view key, std::string_view default_value = "") const = 0;
  // Adds `amount` to a user counter; counters are summed over successful attempts
  // and shown with the job's counters.
  virtual void IncrementCounter(std::string_view group, std::string_view name,
                                int64_t amount = 1) = 0;
  // Index of this task among the job's maps (or reduces).
  virtual int task_index() const = 0;
  // Number of reduce tasks of the job (0 for a map-only job).
  virtual int num_reduces() const = 0;
  // The file this map task reads ("" for reduces and generated input).
  virtual const std::string& input_file() const = 0;
};

class MapContext : public TaskContext {
 public:
  // Emits one intermediate record (or, in a map-only job, one output record).
  virtual void Emit(std::string_view key, std::string_view value) = 0;
};

class ReduceContext : public TaskContext {
 public:
  // Emits one output record.
  virtual void Emit(std::string_view key, std::string_view value) = 0;
};

// The values of one key. A view returned by Next stays valid until the next call.
class ValueIterator {
 public:
  virtual ~ValueIterator() = default;
  // Moves to the next value; false when there are no more.
  virtual bool Next(std::string_view& value) = 0;
};

class Mapper {
 public:
  virtual ~Mapper() = default;
  virtual void Setup(MapContext& /*ctx*/) {}
  virtual void Map(std::string_view key, std::string_view value, MapContext& ctx) = 0;
  // Called after the last record; may still Emit.
  virtual void Cleanup(MapContext& /*ctx*/) {}
};

// Also the combiner's interface: a combiner must emit records of the same kind it
// reads, and the job's result must not depend on how often it runs (0..n times).
class Reducer {
 public:
  virtual ~Reducer() = default;
  virtual void Setup(ReduceContext& /*ctx*/) {}
  virtual void Reduce(std::string_view key, ValueIterator& values, ReduceContext& ctx) = 0;
  virtual void Cleanup(ReduceContext& /*ctx*/) {}
};

class Partitioner {
 public:
  virtual ~Partitioner() = default;
  // Called once per task before Partition, with the job's settings.
  virtual void Setup(const TaskContext& /*ctx*/) {}
  // Returns a partition in [0, num_partitions).
  virtual int Partition(std::string_view key, std::string_view value, int num_partitions) = 0;
};

// One job kind. The library's entry point creates one per use.
class Job {
 public:
  virtual ~Job() = default;
  // Called in the submitting client with the arguments after LIB.so (generic
  // options removed). Fills `spec`; returns "" on success or a message (usage or
  // what is wrong) that the client prints before exiting with status 2.
  virtual std::string Configure(const std::vector<std::string>& args, JobSpec& spec) = 0;
  virtual std::unique_ptr<Mapper> NewMapper() = 0;
  // Required unless the job is map-only.
  virtual std::unique_ptr<Reducer> NewReducer() { return nullptr; }
  // Used when JobSpec::use_combiner is set.
  virtual std::unique_ptr<Reducer> NewCombiner() { return NewReducer(); }
  // nullptr: partition by a hash of the key.
  virtual std::unique_ptr<Partitioner> NewPartitioner() { return nullptr; }
};

}  // namespace hayloft::mr

// The C entry point a loader looks up with dlsym. Its first member is the API
// version, so a loader can check it before touching anything else.
extern "C" {
struct HayloftJobLibraryEntry {
  int api_version;            // kApiVersion of the header the library was built with
  const char* name;           // the job's name, e.g. "wordcount"
  hayloft::mr::Job* (*create_job)();  // a new Job, owned by the caller
};
}

// Name of the entry point symbol, as a string for dlsym.
#define HAYLOFT_JOB_ENTRY_SYMBOL "hayloft_job_library_entry"

// Defines the entry point for `JobClass` (default-constructible, derived from
// hayloft::mr::Job). Use once per library, at namespace scope.
#define HAYLOFT_JOB_LIBRARY(JobClass)                                                \
  extern "C" __attribute__((visibility("default"))) const HayloftJobLibraryEntry*  \
  hayloft_job_library_entry() {                                                     \
    static const HayloftJobLibraryEntry entry = {                                  \
        ::hayloft::mr::kApiVersion, #JobClass,                                      \
        []() -> ::hayloft::mr::Job* { return new JobClass(); }};                   \
    return &entry;                                                                  \
  }

#endif  // HAYLOFT_INCLUDE_HAYLOFT_MAPREDUCE_H_
