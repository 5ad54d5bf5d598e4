// wordcount whose first attempt of map 0 crashes: with test.flaky.marker=FILE, the
// first attempt to get there creates FILE, says so on stderr and aborts; every later
// attempt runs normally. A job that succeeds with one failed, retried attempt.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hayloft/mapreduce.h"

namespace {

class Mapper final : public hayloft::mr::Mapper {
 public:
  void Setup(hayloft::mr::MapContext& ctx) override {
    std::string marker = ctx.GetConf("test.flaky.marker", "");
    if (marker.empty() || ctx.task_index() != 0) return;
    if (std::FILE* f = std::fopen(marker.c_str(), "wx")) {
      std::fclose(f);
      std::fprintf(stderr, "flaky_wordcount: first attempt of map 0, aborting on purpose\n");
      std::fflush(stderr);
      std::abort();
    }
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
  void Reduce(std::string_view key, hayloft::mr::ValueIterator& values,
              hayloft::mr::ReduceContext& ctx) override {
    int64_t sum = 0;
    std::string_view v;
    while (values.Next(v)) sum += std::stoll(std::string(v));
    ctx.Emit(key, std::to_string(sum));
  }
};

class FlakyWordCount final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() != 2) return "Usage: flaky_wordcount <in> <out>";
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

HAYLOFT_JOB_LIBRARY(FlakyWordCount)
