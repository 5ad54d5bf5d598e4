// wordcount whose maps and reduces first sleep test.task.sleep.ms: slow enough
// for tests to kill a worker while a job runs.
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <string>
#include <thread>

#include "hayloft/mapreduce.h"

namespace {

void SleepFromConf(const hayloft::mr::TaskContext& ctx) {
  std::this_thread::sleep_for(
      std::chrono::milliseconds(std::stoi(ctx.GetConf("test.task.sleep.ms", "0"))));
}

// With test.straggler.marker=FILE, the first attempt of map 0 to get here creates
// FILE and hangs for a minute: a straggler. Every later attempt runs normally.
void MaybeStraggle(const hayloft::mr::MapContext& ctx) {
  std::string marker = ctx.GetConf("test.straggler.marker", "");
  if (marker.empty() || ctx.task_index() != 0) return;
  if (std::FILE* f = std::fopen(marker.c_str(), "wx")) {
    std::fclose(f);
    std::this_thread::sleep_for(std::chrono::seconds(60));
  }
}

class Mapper final : public hayloft::mr::Mapper {
 public:
  void Setup(hayloft::mr::MapContext& ctx) override {
    SleepFromConf(ctx);
    MaybeStraggle(ctx);
  }
  void Map(std::string_view, std::string_view line, hayloft::mr::MapContext& ctx) override {
    size_t i = 0;
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; };
    while (i < line.size()) {
      while (i < line.size() && space(line[i])) ++i;
      size_t start = i;
      while (i < line.size() && !space(line[i])) ++i;
      if (i > start) ctx.Emit(line.substr(start, i - start), "1");
    }
  }
};

class Reducer final : public hayloft::mr::Reducer {
 public:
  void Setup(hayloft::mr::ReduceContext& ctx) override { SleepFromConf(ctx); }
  void Reduce(std::string_view key, hayloft::mr::ValueIterator& values,
              hayloft::mr::ReduceContext& ctx) override {
    int64_t sum = 0;
    std::string_view v;
    while (values.Next(v)) sum += std::stoll(std::string(v));
    ctx.Emit(key, std::to_string(sum));
  }
};

class SlowWordCount final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() != 2) return "Usage: slow_wordcount <in> <out>";
    spec.input_paths = {args[0]};
    spec.output_path = args[1];
    return "";
  }
  std::unique_ptr<hayloft::mr::Mapper> NewMapper() override { return std::make_unique<Mapper>(); }
  std::unique_ptr<hayloft::mr::Reducer> NewReducer() override {
    return std::make_unique<Reducer>();
  }
};

}  // namespace

HAYLOFT_JOB_LIBRARY(SlowWordCount)
