// teravalidate: checks that TeraSort output is globally sorted and reports how
// many records it holds and their checksum (order-independent, see
// terarecord.h), so it can be compared with the same report on teragen's output.
//   hayloft jar teravalidate.so IN OUT
// Output (one reduce): "records<TAB>N", "checksum<TAB>HEX" and, for every
// problem, "error<TAB>what". Sorted input has no error line.
#include <cstdio>
#include <string>

#include "terarecord.h"
#include "hayloft/mapreduce.h"

namespace {

// Per split: key = "<file>:<offset of first record, 20 digits>", value =
// "first key hex,last key hex,records,checksum hex,misorders".
class ValidateMapper final : public hayloft::mr::Mapper {
 public:
  void Map(std::string_view key, std::string_view value, hayloft::mr::MapContext&) override {
    std::string k(key);
    if (count_ == 0) first_ = k;
    if (count_ > 0 && k < last_) ++misorders_;
    last_ = k;
    ++count_;
    sum_ += terasort::RecordHash(key, value);
  }
  void Cleanup(hayloft::mr::MapContext& ctx) override {
    if (count_ == 0) return;
    char split[64];
    std::snprintf(split, sizeof(split), ":%020d", ctx.task_index());
    char sum[17];
    std::snprintf(sum, sizeof(sum), "%016llx", static_cast<unsigned long long>(sum_));
    ctx.Emit(ctx.input_file() + split, terasort::Hex(first_) + "," + terasort::Hex(last_) + "," +
                                           std::to_string(count_) + "," + sum + "," +
                                           std::to_string(misorders_));
  }

 private:
  std::string first_, last_;
  uint64_t count_ = 0, sum_ = 0, misorders_ = 0;
};

class ValidateReducer final : public hayloft::mr::Reducer {
 public:
  void Reduce(std::string_view split, hayloft::mr::ValueIterator& values,
              hayloft::mr::ReduceContext& ctx) override {
    std::string_view v;
    while (values.Next(v)) {
      std::string s(v);
      size_t a = s.find(','), b = s.find(',', a + 1), c = s.find(',', b + 1),
             d = s.find(',', c + 1);
      std::string first = s.substr(0, a), last = s.substr(a + 1, b - a - 1);
      records_ += std::stoull(s.substr(b + 1, c - b - 1));
      sum_ += std::stoull(s.substr(c + 1, d - c - 1), nullptr, 16);
      if (std::stoull(s.substr(d + 1)) > 0) {
        ctx.Emit("error", "misordered records in " + std::string(split));
      }
      if (!prev_last_.empty() && first < prev_last_) {
        ctx.Emit("error", "split " + std::string(split) + " starts before the previous one ends");
      }
      prev_last_ = last;
    }
  }
  void Cleanup(hayloft::mr::ReduceContext& ctx) override {
    char sum[17];
    std::snprintf(sum, sizeof(sum), "%016llx", static_cast<unsigned long long>(sum_));
    ctx.Emit("records", std::to_string(records_));
    ctx.Emit("checksum", sum);
  }

 private:
  std::string prev_last_;
  uint64_t records_ = 0, sum_ = 0;
};

class TeraValidate final : public hayloft::mr::Job {
 public:
  std::string Configure(const std::vector<std::string>& args,
                        hayloft::mr::JobSpec& spec) override {
    if (args.size() != 2) return "Usage: teravalidate <in> <out>";
    spec.name = "TeraValidate";
    spec.input_paths = {args[0]};
    spec.output_path = args[1];
    spec.input_format = hayloft::mr::InputFormat::kFixedLengthRecords;
    spec.record_length = terasort::kRecordBytes;
    spec.key_length = terasort::kKeyBytes;
    spec.num_reduces = 1;
    // Splits sort by file name then offset: part-r-00000:..., part-r-00001:...
    return "";
  }
  std::unique_ptr<hayloft::mr::Mapper> NewMapper() override {
    return std::make_unique<ValidateMapper>();
  }
  std::unique_ptr<hayloft::mr::Reducer> NewReducer() override {
    return std::make_unique<ValidateReducer>();
  }
};

}  // namespace

HAYLOFT_JOB_LIBRARY(TeraValidate)
