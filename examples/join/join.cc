// join: a reduce-side inner join of two tab-separated data sets on their first
// field.
//   hayloft jar join.so LEFT RIGHT OUT
// LEFT and RIGHT are files or directories of "key<TAB>value" lines. Output lines:
// "key<TAB>left value<TAB>right value", one per matching pair, sorted by key.
#include <string>
#include <vector>

#include "hayloft/mapreduce.h"

namespace {

using hayloft::mr::MapContext;
using hayloft::mr::ReduceContext;
using hayloft::mr::ValueIterator;

// Tags each value with its side: "L" + value or "R" + value.
class TaggingMapper final : public hayloft::mr::Mapper {
 public:
  void Setup(MapContext& ctx) override {
    // The first input path, as the client normalized it (absolute).
    std::string left = ctx.GetConf("mapreduce.input.fileinputformat.inputdir");
    left = left.substr(0, left.find(','));
    const std::string& file = ctx.input_file();
    tag_ = (file == left || file.rfind(left + "/", 0) == 0) ? "L" : "R";
  }
  void Map(std::string_view key, std::string_view value, MapContext& ctx) override {
    ctx.Emit(key, tag_ + std::string(value));
  }

 private:
  std::string tag_;
};

class JoinReducer final : public hayloft::mr::Reducer {
 public:
  void Reduce(std::string_view key, ValueIterator& values, ReduceContext& ctx) override {
    std::vector<std::string> left, right;
    std::string_view v;
    while (values.Next(v)) {
      if (v.empty()) continue;
      (v[0] == 'L' ? left : right).emplace_back(v.substr(1));
    }
    for (const std::string& l : left) {
      for (const std::string& r : right) ctx.Emit(key, l + "\t" + r);
    }
  }
};

class Join final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() != 3) return "Usage: join <left> <right> <out>";
    spec.name = "join";
    spec.input_paths = {args[0], args[1]};
    spec.output_path = args[2];
    spec.input_format = hayloft::mr::InputFormat::kKeyValueText;
    return "";
  }
  std::unique_ptr<hayloft::mr::Mapper> NewMapper() override {
    return std::make_unique<TaggingMapper>();
  }
  std::unique_ptr<hayloft::mr::Reducer> NewReducer() override {
    return std::make_unique<JoinReducer>();
  }
};

}  // namespace

HAYLOFT_JOB_LIBRARY(Join)
