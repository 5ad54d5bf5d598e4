#include "worker/task_runner.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "client/job_conf.h"
#include "client/job_library.h"
#include "client/job_sampler.h"
#include "common/base/config.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "worker/map_output_collector.h"
#include "worker/record_io.h"
#include "worker/shuffle_fetcher.h"
#include "worker/streaming_job.h"

namespace hayloft::worker {
namespace {

constexpr absl::Duration kReportInterval = absl::Milliseconds(500);

// TaskContext for maps, reduces and combiners: Emit goes to a function.
template <typename Base>
class ContextImpl final : public Base {
 public:
  using EmitFn = std::function<void(std::string_view, std::string_view)>;
  ContextImpl(const TaskSpec* spec, TaskCounters* counters, EmitFn emit)
      : spec_(spec), counters_(counters), emit_(std::move(emit)) {}

  std::string GetConf(std::string_view key, std::string_view default_value) const override {
    auto it = spec_->conf().find(std::string(key));
    return it == spec_->conf().end() ? std::string(default_value) : it->second;
  }
  void IncrementCounter(std::string_view group, std::string_view name, int64_t amount) override {
    counters_->Increment(group, name, amount);
  }
  int task_index() const override { return spec_->task_index(); }
  int num_reduces() const override { return spec_->num_reduces(); }
  const std::string& input_file() const override { return spec_->split().path(); }
  void Emit(std::string_view key, std::string_view value) override { emit_(key, value); }

 private:
  const TaskSpec* spec_;
  TaskCounters* counters_;
  EmitFn emit_;
};
using MapContextImpl = ContextImpl<mr::MapContext>;
using ReduceContextImpl = ContextImpl<mr::ReduceContext>;

// FNV-1a: stable across processes and builds, unlike std::hash.
int HashPartition(std::string_view key, int n) {
  uint32_t h = 2166136261u;
  for (unsigned char c : key) h = (h ^ c) * 16777619u;
  return static_cast<int>(h % static_cast<uint32_t>(n));
}

std::string ConfValue(const TaskSpec& spec, absl::string_view key, absl::string_view def = "") {
  auto it = spec.conf().find(std::string(key));
  return it == spec.conf().end() ? std::string(def) : it->second;
}

absl::StatusOr<int64_t> ConfInt(const TaskSpec& spec, absl::string_view key, int64_t def) {
  std::string v = ConfValue(spec, key);
  if (v.empty()) return def;
  return ParseSize(v, key);
}

// Writes `data` to `path` via a temp file and rename (no fsync: the worker reads
// it while we run; a crash makes the attempt fail anyway).
void WriteFileAtomically(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return;
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

TaskRunner::TaskRunner(TaskSpec spec, std::string attempt_dir)
    : spec_(std::move(spec)), dir_(std::move(attempt_dir)) {}

TaskRunner::~TaskRunner() = default;

void TaskRunner::Report(float progress, bool done, const std::string& error) {
  TaskReport report;
  report.set_progress(progress);
  report.set_done(done);
  report.set_error(error);
  counters_.AddTo(report.mutable_counters());
  for (int m : failed_fetch_maps_) report.add_failed_fetch_maps(m);
  WriteFileAtomically(dir_ + "/status", report.SerializeAsString());
  last_report_ = absl::Now();
}

void TaskRunner::MaybeReport(float progress) {
  if (absl::Now() - last_report_ >= kReportInterval) Report(progress, false, "");
}

absl::Status TaskRunner::Init() {
  Configuration conf;
  for (const auto& [k, v] : spec_.conf()) conf.Set(k, v);
  HL_ASSIGN_OR_RETURN(DfsClientOptions dfs_options, DfsClientOptions::FromConfig(conf));
  // Input and output are the submitting user's: read and write them as that user.
  if (std::string user = ConfValue(spec_, jobconf::kUser); !user.empty()) dfs_options.user = user;
  HL_ASSIGN_OR_RETURN(dfs_, DfsClient::Create(std::move(dfs_options)));
  if (ConfValue(spec_, jobconf::kStreaming) == "true") {
    job_ = NewStreamingJob(dir_);
    return absl::OkStatus();
  }
  HL_ASSIGN_OR_RETURN(std::unique_ptr<JobLibrary> library,
                      JobLibrary::Load(absl::StrCat(dir_, "/../job.so")));
  job_ = library->NewJob();
  library.release();  // stays loaded for the life of the process
  return absl::OkStatus();
}

std::string TaskRunner::TempOutputPath() const {
  bool map_only = spec_.num_reduces() == 0;
  return absl::StrCat(ConfValue(spec_, jobconf::kOutputDir), "/_temporary/", spec_.attempt_id(),
                      "/", jobconf::PartFileName(map_only, spec_.task_index()));
}

absl::Status TaskRunner::RunMap() {
  InputFormatOptions format;
  HL_ASSIGN_OR_RETURN(format.format, jobconf::ParseInputFormat(
                                         ConfValue(spec_, jobconf::kInputFormat)));
  HL_ASSIGN_OR_RETURN(int64_t reclen, ConfInt(spec_, jobconf::kRecordLength, 100));
  HL_ASSIGN_OR_RETURN(int64_t keylen, ConfInt(spec_, jobconf::kKeyLength, 10));
  HL_ASSIGN_OR_RETURN(int64_t generated, ConfInt(spec_, jobconf::kGeneratedSplits, 1));
  format.record_length = static_cast<int>(reclen);
  format.key_length = static_cast<int>(keylen);
  format.num_generated_splits = static_cast<int>(generated);
  HL_ASSIGN_OR_RETURN(std::unique_ptr<RecordReader> reader,
                      NewRecordReader(dfs_.get(), spec_.split(), format));
  LOG(INFO) << "map input: " << spec_.split().path() << " bytes " << spec_.split().offset()
            << "+" << spec_.split().length() << ", " << spec_.num_reduces() << " partition(s)";

  const int reduces = spec_.num_reduces();
  std::unique_ptr<RecordWriter> writer;
  std::unique_ptr<MapOutputCollector> collector;
  std::unique_ptr<mr::Partitioner> partitioner;
  absl::Status emit_error;
  MapContextImpl::EmitFn emit;
  if (reduces == 0) {
    HL_ASSIGN_OR_RETURN(mr::OutputFormat out_format, jobconf::ParseOutputFormat(
                                                         ConfValue(spec_, jobconf::kOutputFormat)));
    HL_ASSIGN_OR_RETURN(writer, NewRecordWriter(dfs_.get(), TempOutputPath(), out_format));
    emit = [&](std::string_view k, std::string_view v) {
      counters_.Increment(kTaskGroup, "Map output records");
      absl::Status s = writer->Write(k, v);
      if (!s.ok() && emit_error.ok()) emit_error = s;
    };
  } else {
    HL_ASSIGN_OR_RETURN(int64_t sort_mb, ConfInt(spec_, jobconf::kSortMb, jobconf::kDefaultSortMb));
    MapOutputCollectorOptions opts;
    opts.dir = dir_ + "/output";
    opts.num_partitions = reduces;
    opts.buffer_bytes = sort_mb << 20;
    double spill = 0.8;
    if (absl::SimpleAtod(ConfValue(spec_, jobconf::kSpillPercent, "0.8"), &spill) && spill > 0 &&
        spill <= 1) {
      opts.spill_percent = spill;
    }
    if (ConfValue(spec_, jobconf::kUseCombiner) == "true") {
      mr::Job* job = job_.get();
      opts.combiner.new_combiner = [job] { return job->NewCombiner(); };
      opts.combiner.new_combine_context = [this](MapContextImpl::EmitFn fn) {
        return std::unique_ptr<mr::ReduceContext>(
            new ReduceContextImpl(&spec_, &counters_, std::move(fn)));
      };
    }
    collector = std::make_unique<MapOutputCollector>(std::move(opts), &counters_);
    partitioner = job_->NewPartitioner();
    // Total order: the client's sampled split points; keys equal to a split point
    // go to its right.
    std::vector<std::string> cuts =
        DecodeSplitPoints(ConfValue(spec_, jobconf::kPartitionCuts));
    emit = [&, cuts = std::move(cuts)](std::string_view k, std::string_view v) {
      int p = partitioner ? partitioner->Partition(k, v, reduces)
              : !cuts.empty()
                  ? static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), k,
                                                      [](std::string_view a, const std::string& b) {
                                                        return a < b;
                                                      }) -
                                     cuts.begin())
                  : HashPartition(k, reduces);
      absl::Status s = collector->Collect(p, k, v);
      if (!s.ok() && emit_error.ok()) emit_error = s;
    };
  }
  MapContextImpl ctx(&spec_, &counters_, emit);
  if (partitioner) partitioner->Setup(ctx);
  std::unique_ptr<mr::Mapper> mapper = job_->NewMapper();
  if (mapper == nullptr) return absl::InvalidArgumentError("the job library made no mapper");
  mapper->Setup(ctx);
  int64_t records = 0;
  while (emit_error.ok()) {
    HL_ASSIGN_OR_RETURN(bool more, reader->Next());
    if (!more) break;
    counters_.Increment(kTaskGroup, "Map input records");
    mapper->Map(reader->key(), reader->value(), ctx);
    if ((++records & 1023) == 0) MaybeReport(reader->progress() * 0.9f);
  }
  mapper->Cleanup(ctx);
  HL_RETURN_IF_ERROR(emit_error);
  LOG(INFO) << "map read " << records << " record(s), " << reader->bytes_read() << " bytes";
  counters_.Increment(kFsGroup, "HDFS: Number of bytes read",
                      static_cast<int64_t>(reader->bytes_read()));
  if (writer != nullptr) {
    HL_RETURN_IF_ERROR(writer->Close());
    counters_.Increment(kFsGroup, "HDFS: Number of bytes written",
                        static_cast<int64_t>(writer->bytes_written()));
    return absl::OkStatus();
  }
  Report(0.9f, false, "");
  return collector->Finish();
}

absl::Status TaskRunner::RunReduce() {
  ShuffleFetcherOptions fopts;
  fopts.job_id = spec_.job_id();
  fopts.partition = spec_.task_index();
  fopts.dir = dir_ + "/shuffle";
  HL_ASSIGN_OR_RETURN(int64_t copies, ConfInt(spec_, jobconf::kParallelCopies, 5));
  HL_ASSIGN_OR_RETURN(int64_t mem_mb, ConfInt(spec_, "hayloft.reduce.shuffle.buffer.mb", 128));
  fopts.parallel_copies = static_cast<int>(std::max<int64_t>(1, copies));
  fopts.memory_bytes = mem_mb << 20;
  ShuffleFetcher fetcher(fopts);
  std::vector<MapOutputLocation> maps(spec_.map_outputs().begin(), spec_.map_outputs().end());
  // The reporter waits on `fetched` rather than sleeping: a sleep made every reduce
  // wait up to kReportInterval after its shuffle, a third of a tiny job's time.
  absl::Notification fetched;
  std::thread reporter([&] {
    do {
      float copied = maps.empty() ? 1.0f : static_cast<float>(fetcher.fetched()) / maps.size();
      Report(copied / 3, false, "");
    } while (!fetched.WaitForNotificationWithTimeout(kReportInterval));
  });
  ShuffleResult shuffled = fetcher.FetchAll(maps);
  fetched.Notify();
  reporter.join();
  if (!shuffled.failed_maps.empty()) {
    failed_fetch_maps_ = shuffled.failed_maps;
    return absl::UnavailableError(absl::StrCat("could not fetch the output of map(s) ",
                                               absl::StrJoin(shuffled.failed_maps, ", ")));
  }
  counters_.Increment(kTaskGroup, "Reduce shuffle bytes", shuffled.bytes);
  LOG(INFO) << "shuffle fetched partition " << spec_.task_index() << " of " << maps.size()
            << " map output(s): " << shuffled.bytes << " bytes";
  Report(2.0f / 3, false, "");
  HL_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<RecordStream>> streams,
                      ShuffleFetcher::OpenStreams(shuffled.segments));
  std::unique_ptr<RecordStream> merged = NewMergingStream(std::move(streams));
  HL_ASSIGN_OR_RETURN(mr::OutputFormat out_format, jobconf::ParseOutputFormat(
                                                       ConfValue(spec_, jobconf::kOutputFormat)));
  HL_ASSIGN_OR_RETURN(std::unique_ptr<RecordWriter> writer,
                      NewRecordWriter(dfs_.get(), TempOutputPath(), out_format));
  absl::Status write_error;
  ReduceContextImpl ctx(&spec_, &counters_, [&](std::string_view k, std::string_view v) {
    counters_.Increment(kTaskGroup, "Reduce output records");
    absl::Status s = writer->Write(k, v);
    if (!s.ok() && write_error.ok()) write_error = s;
  });
  std::unique_ptr<mr::Reducer> reducer = job_->NewReducer();
  if (reducer == nullptr) return absl::InvalidArgumentError("the job library made no reducer");
  reducer->Setup(ctx);
  HL_RETURN_IF_ERROR(ReduceStream(*merged, *reducer, ctx, counters_,
                                  {"Reduce input groups", "Reduce input records", ""}));
  reducer->Cleanup(ctx);
  HL_RETURN_IF_ERROR(write_error);
  HL_RETURN_IF_ERROR(writer->Close());
  counters_.Increment(kFsGroup, "HDFS: Number of bytes written",
                      static_cast<int64_t>(writer->bytes_written()));
  for (const FetchedSegment& s : shuffled.segments) {
    if (!s.path.empty()) std::remove(s.path.c_str());
  }
  return absl::OkStatus();
}

int TaskRunner::Run() {
  Report(0, false, "");
  absl::Status s = Init();
  if (s.ok()) s = spec_.type() == MAP ? RunMap() : RunReduce();
  if (!s.ok()) {
    LOG(ERROR) << "task " << spec_.attempt_id() << " failed: " << s;
    Report(0, true, std::string(s.message()));
    return failed_fetch_maps_.empty() ? kTaskExitFailed : kTaskExitFetchFailed;
  }
  Report(1.0f, true, "");
  LOG(INFO) << "task " << spec_.attempt_id() << " succeeded";
  return kTaskExitOk;
}

}  // namespace hayloft::worker
