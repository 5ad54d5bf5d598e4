// teragen: writes NUM_ROWS 100-byte TeraSort records (see terarecord.h) with a
// map-only job of mapreduce.job.maps maps (default 2).
//   hayloft jar teragen.so [-D mapreduce.job.maps=N] NUM_ROWS OUT
#include <string>

#include "terarecord.h"
#include "hayloft/mapreduce.h"

namespace {

class GenMapper final : public hayloft::mr::Mapper {
 public:
  // key: this map's index; value: the number of maps.
  void Map(std::string_view key, std::string_view value, hayloft::mr::MapContext& ctx) override {
    uint64_t rows = std::stoull(ctx.GetConf("teragen.num-rows", "0"));
    uint64_t maps = std::stoull(std::string(value));
    uint64_t index = std::stoull(std::string(key));
    uint64_t begin = rows * index / maps, end = rows * (index + 1) / maps;
    for (uint64_t row = begin; row < end; ++row) {
      std::string r = terasort::MakeRecord(row);
      ctx.Emit(std::string_view(r).substr(0, terasort::kKeyBytes),
               std::string_view(r).substr(terasort::kKeyBytes));
    }
    ctx.IncrementCounter("TeraGen", "Rows", static_cast<int64_t>(end - begin));
  }
};

class TeraGen final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() != 2 || args[0].empty() ||
        args[0].find_first_not_of("0123456789") != std::string::npos) {
      return "Usage: teragen <num rows> <out>";
    }
    spec.name = "TeraGen";
    spec.output_path = args[1];
    spec.input_format = hayloft::mr::InputFormat::kGenerated;
    spec.output_format = hayloft::mr::OutputFormat::kRaw;
    auto maps = spec.conf.find("mapreduce.job.maps");
    spec.num_generated_splits = maps == spec.conf.end() ? 2 : std::stoi(maps->second);
    if (spec.num_generated_splits < 1) return "teragen: mapreduce.job.maps must be >= 1";
    spec.num_reduces = 0;
    spec.conf["teragen.num-rows"] = args[0];
    return "";
  }
  std::unique_ptr<hayloft::mr::Mapper> NewMapper() override {
    return std::make_unique<GenMapper>();
  }
};

}  // namespace

HAYLOFT_JOB_LIBRARY(TeraGen)
