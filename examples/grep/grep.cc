// grep: counts the matches of a regular expression (ECMAScript syntax) in text
// files, like Hadoop's Grep example.
//   hayloft jar grep.so IN... OUT REGEX [GROUP]
// Output lines: "match<TAB>count", sorted by match; GROUP picks a capture group.
#include <cstdint>
#include <regex>
#include <string>

#include "hayloft/mapreduce.h"

namespace {

using hayloft::mr::MapContext;
using hayloft::mr::ReduceContext;
using hayloft::mr::ValueIterator;

class RegexMapper final : public hayloft::mr::Mapper {
 public:
  void Setup(MapContext& ctx) override {
    regex_ = std::regex(ctx.GetConf("mapreduce.mapper.regex"));
    group_ = std::stoi(ctx.GetConf("mapreduce.mapper.regexmapper..group", "0"));
  }
  void Map(std::string_view, std::string_view line, MapContext& ctx) override {
    for (auto it = std::cregex_iterator(line.data(), line.data() + line.size(), regex_);
         it != std::cregex_iterator(); ++it) {
      const auto& m = (*it)[group_];
      if (m.matched) ctx.Emit(std::string_view(m.first, m.second - m.first), "1");
    }
  }

 private:
  std::regex regex_;
  int group_ = 0;
};

class LongSumReducer final : public hayloft::mr::Reducer {
 public:
  void Reduce(std::string_view key, ValueIterator& values, ReduceContext& ctx) override {
    int64_t sum = 0;
    std::string_view v;
    while (values.Next(v)) sum += std::stoll(std::string(v));
    ctx.Emit(key, std::to_string(sum));
  }
};

class Grep final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() < 3) return "Usage: grep <in> [<in>...] <out> <regex> [<group>]";
    size_t n = args.size();
    bool has_group = n >= 4 && !args[n - 1].empty() &&
                     args[n - 1].find_first_not_of("0123456789") == std::string::npos;
    size_t regex_at = has_group ? n - 2 : n - 1;
    if (regex_at < 2) return "Usage: grep <in> [<in>...] <out> <regex> [<group>]";
    try {
      std::regex check(args[regex_at]);
    } catch (const std::regex_error& e) {
      return "grep: invalid regular expression '" + args[regex_at] + "': " + e.what();
    }
    spec.name = "grep-search";
    spec.input_paths.assign(args.begin(), args.begin() + static_cast<long>(regex_at) - 1);
    spec.output_path = args[regex_at - 1];
    spec.conf["mapreduce.mapper.regex"] = args[regex_at];
    if (has_group) spec.conf["mapreduce.mapper.regexmapper..group"] = args[n - 1];
    spec.use_combiner = true;
    return "";
  }
  std::unique_ptr<hayloft::mr::Mapper> NewMapper() override {
    return std::make_unique<RegexMapper>();
  }
  std::unique_ptr<hayloft::mr::Reducer> NewReducer() override {
    return std::make_unique<LongSumReducer>();
  }
};

}  // namespace

HAYLOFT_JOB_LIBRARY(Grep)
