// invertedindex: for every word of the input text files, the files it occurs in.
//   hayloft jar invertedindex.so IN... OUT
// Output lines: "word<TAB>file1,file2,..." (file base names, sorted, each once).
#include <set>
#include <string>

#include "hayloft/mapreduce.h"

namespace {

using hayloft::mr::MapContext;
using hayloft::mr::ReduceContext;
using hayloft::mr::ValueIterator;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class WordFileMapper final : public hayloft::mr::Mapper {
 public:
  void Setup(MapContext& ctx) override {
    const std::string& file = ctx.input_file();
    size_t slash = file.rfind('/');
    file_ = slash == std::string::npos ? file : file.substr(slash + 1);
  }
  void Map(std::string_view, std::string_view line, MapContext& ctx) override {
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && IsSpace(line[i])) ++i;
      size_t start = i;
      while (i < line.size() && !IsSpace(line[i])) ++i;
      if (i > start) ctx.Emit(line.substr(start, i - start), file_);
    }
  }

 private:
  std::string file_;
};

// Also the combiner: its output ("a,b") is a valid input value.
class FileListReducer final : public hayloft::mr::Reducer {
 public:
  void Reduce(std::string_view key, ValueIterator& values, ReduceContext& ctx) override {
    std::set<std::string, std::less<>> files;
    std::string_view v;
    while (values.Next(v)) {
      size_t start = 0;
      while (start <= v.size()) {
        size_t comma = v.find(',', start);
        if (comma == std::string_view::npos) comma = v.size();
        if (comma > start) files.emplace(v.substr(start, comma - start));
        start = comma + 1;
      }
    }
    std::string out;
    for (const std::string& f : files) {
      if (!out.empty()) out += ',';
      out += f;
    }
    ctx.Emit(key, out);
  }
};

class InvertedIndex final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() < 2) return "Usage: invertedindex <in> [<in>...] <out>";
    spec.name = "inverted index";
    spec.input_paths.assign(args.begin(), args.end() - 1);
    spec.output_path = args.back();
    spec.use_combiner = true;
    return "";
  }
  std::unique_ptr<hayloft::mr::Mapper> NewMapper() override {
    return std::make_unique<WordFileMapper>();
  }
  std::unique_ptr<hayloft::mr::Reducer> NewReducer() override {
    return std::make_unique<FileListReducer>();
  }
};

}  // namespace

HAYLOFT_JOB_LIBRARY(InvertedIndex)
