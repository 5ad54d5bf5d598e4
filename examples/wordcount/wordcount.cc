// wordcount: counts the words (runs of non-whitespace) of text files.
//   hayloft jar wordcount.so [-D mapreduce.job.reduces=N] [-D wordcount.combiner=false] IN... OUT
// Output lines: "word<TAB>count", sorted by word within each part file.
#include <charconv>
#include <cstdint>
#include <string>

#include "hayloft/mapreduce.h"

namespace {

using hayloft::mr::MapContext;
using hayloft::mr::ReduceContext;
using hayloft::mr::ValueIterator;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class TokenizerMapper final : public hayloft::mr::Mapper {
 public:
  void Map(std::string_view, std::string_view line, MapContext& ctx) override {
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && IsSpace(line[i])) ++i;
      size_t start = i;
      while (i < line.size() && !IsSpace(line[i])) ++i;
      if (i > start) ctx.Emit(line.substr(start, i - start), "1");
    }
  }
};

class IntSumReducer final : public hayloft::mr::Reducer {
 public:
  void Reduce(std::string_view key, ValueIterator& values, ReduceContext& ctx) override {
    int64_t sum = 0;
    std::string_view v;
    while (values.Next(v)) {
      // from_chars: no string copy or locale per value, which std::stoll costs.
      int64_t n = 0;
      std::from_chars(v.data(), v.data() + v.size(), n);
      sum += n;
    }
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, sum).ptr;
    ctx.Emit(key, std::string_view(buf, static_cast<size_t>(end - buf)));
  }
};

class WordCount final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() < 2) return "Usage: wordcount <in> [<in>...] <out>";
    spec.name = "word count";
    spec.input_paths.assign(args.begin(), args.end() - 1);
    spec.output_path = args.back();
    auto it = spec.conf.find("wordcount.combiner");
    spec.use_combiner = it == spec.conf.end() || it->second != "false";
    return "";
  }
  std::unique_ptr<hayloft::mr::Mapper> NewMapper() override {
    return std::make_unique<TokenizerMapper>();
  }
  std::unique_ptr<hayloft::mr::Reducer> NewReducer() override {
    return std::make_unique<IntSumReducer>();
  }
};

}  // namespace

HAYLOFT_JOB_LIBRARY(WordCount)
