// terasort: sorts 100-byte TeraSort records by their 10-byte key into a total
// order: part-r-00000 < part-r-00001 < ... Each reduce gets a key range; the
// client samples the input's keys to place the range boundaries
// (JobSpec::total_order_partition), so ranges hold about as many records each.
//   hayloft jar terasort.so [-D mapreduce.job.reduces=N] IN OUT
#include <string>

#include "terarecord.h"
#include "hayloft/mapreduce.h"

namespace {

class IdentityMapper final : public hayloft::mr::Mapper {
 public:
  void Map(std::string_view key, std::string_view value, hayloft::mr::MapContext& ctx) override {
    ctx.Emit(key, value);
  }
};

class IdentityReducer final : public hayloft::mr::Reducer {
 public:
  void Reduce(std::string_view key, hayloft::mr::ValueIterator& values,
              hayloft::mr::ReduceContext& ctx) override {
    std::string_view v;
    while (values.Next(v)) ctx.Emit(key, v);
  }
};

class TeraSort final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() != 2) return "Usage: terasort <in> <out>";
    spec.name = "TeraSort";
    spec.input_paths = {args[0]};
    spec.output_path = args[1];
    spec.input_format = hayloft::mr::InputFormat::kFixedLengthRecords;
    spec.record_length = terasort::kRecordBytes;
    spec.key_length = terasort::kKeyBytes;
    spec.output_format = hayloft::mr::OutputFormat::kRaw;
    spec.total_order_partition = true;
    return "";
  }
  std::unique_ptr<hayloft::mr::Mapper> NewMapper() override {
    return std::make_unique<IdentityMapper>();
  }
  std::unique_ptr<hayloft::mr::Reducer> NewReducer() override {
    return std::make_unique<IdentityReducer>();
  }
  std::unique_ptr<hayloft::mr::Reducer> NewCombiner() override { return nullptr; }
};

}  // namespace

HAYLOFT_JOB_LIBRARY(TeraSort)
