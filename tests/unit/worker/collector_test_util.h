// Helpers for the map output collector's tests: a summing combiner, a combine
// context, and reading a partition back from file.out.
#ifndef HAYLOFT_TESTS_UNIT_WORKER_COLLECTOR_TEST_UTIL_H_
#define HAYLOFT_TESTS_UNIT_WORKER_COLLECTOR_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hayloft/mapreduce.h"
#include "tests/testing/status_matchers.h"
#include "worker/ifile.h"
#include "worker/map_output_collector.h"

namespace hayloft::worker::testing_util {

using Records = std::vector<std::pair<std::string, std::string>>;

class SumReducer final : public mr::Reducer {
 public:
  void Reduce(std::string_view key, mr::ValueIterator& values, mr::ReduceContext& ctx) override {
    int64_t sum = 0;
    std::string_view v;
    while (values.Next(v)) sum += std::stoll(std::string(v));
    ctx.Emit(key, std::to_string(sum));
  }
};

class FakeReduceContext final : public mr::ReduceContext {
 public:
  explicit FakeReduceContext(std::function<void(std::string_view, std::string_view)> emit)
      : emit_(std::move(emit)) {}
  std::string GetConf(std::string_view, std::string_view d) const override { return std::string(d); }
  void IncrementCounter(std::string_view, std::string_view, int64_t) override {}
  int task_index() const override { return 0; }
  int num_reduces() const override { return 1; }
  const std::string& input_file() const override { return empty_; }
  void Emit(std::string_view k, std::string_view v) override { emit_(k, v); }

 private:
  std::function<void(std::string_view, std::string_view)> emit_;
  std::string empty_;
};

// Sets `o`'s combiner to new instances of R.
template <typename R>
void UseCombiner(MapOutputCollectorOptions& o) {
  o.combiner.new_combiner = [] { return std::make_unique<R>(); };
  o.combiner.new_combine_context = [](std::function<void(std::string_view, std::string_view)> fn) {
    return std::unique_ptr<mr::ReduceContext>(new FakeReduceContext(std::move(fn)));
  };
}

inline Records ReadPartition(const std::string& dir, int p) {
  auto index = ReadIndexFile(dir + "/file.out.index");
  EXPECT_OK(index);
  if (!index.ok()) return {};
  const SegmentIndexEntry& e = (*index)[static_cast<size_t>(p)];
  auto stream = NewFileSegmentStream(dir + "/file.out", e.offset, e.length);
  EXPECT_OK(stream);
  Records out;
  while (stream.ok()) {
    auto more = (*stream)->Next();
    EXPECT_OK(more);
    if (!more.ok() || !*more) break;
    out.emplace_back((*stream)->key(), (*stream)->value());
  }
  return out;
}

}  // namespace hayloft::worker::testing_util

#endif  // HAYLOFT_TESTS_UNIT_WORKER_COLLECTOR_TEST_UTIL_H_
