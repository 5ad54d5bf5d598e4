#include "worker/map_output_collector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/worker/collector_test_util.h"
#include "worker/ifile.h"

namespace hayloft::worker {
namespace {

using testing_util::FakeReduceContext;
using testing_util::ReadPartition;
using testing_util::Records;
using testing_util::SumReducer;

class MapOutputCollectorTest : public ::testing::TestWithParam<bool> {};

// Many spills (tiny buffer), with and without a combiner: each partition comes
// out sorted and complete.
TEST_P(MapOutputCollectorTest, SpillsAndMergesIntoSortedPartitions) {
  const bool combine = GetParam();
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("collector"));
  TaskCounters counters;
  MapOutputCollectorOptions o;
  o.dir = dir.path();
  o.num_partitions = 3;
  o.buffer_bytes = 4096;  // spills every ~150 records
  if (combine) {
    o.combiner.new_combiner = [] { return std::make_unique<SumReducer>(); };
    o.combiner.new_combine_context = [](std::function<void(std::string_view, std::string_view)> fn) {
      return std::unique_ptr<mr::ReduceContext>(new FakeReduceContext(std::move(fn)));
    };
  }
  MapOutputCollector collector(o, &counters);
  std::map<std::string, int64_t> expected[3];
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::string key = absl::StrCat("k", rng() % 300);
    int p = static_cast<int>(key.size() % 3);
    ASSERT_OK(collector.Collect(p, key, "1"));
    ++expected[p][key];
  }
  ASSERT_OK(collector.Finish());
  for (int p = 0; p < 3; ++p) {
    Records got = ReadPartition(dir.path(), p);
    std::map<std::string, int64_t> sums;
    for (size_t i = 0; i < got.size(); ++i) {
      if (i > 0) {
        EXPECT_LE(got[i - 1].first, got[i].first);
      }
      sums[got[i].first] += std::stoll(got[i].second);
    }
    EXPECT_EQ(sums, expected[p]) << "partition " << p;
    if (combine) {
      EXPECT_EQ(got.size(), expected[p].size());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutCombiner, MapOutputCollectorTest, ::testing::Bool());

// Keys that differ only past their 8th byte, keys that are prefixes of others,
// NUL and 0xff bytes: the spill comes out in memcmp order, and records with equal
// keys keep the order they were emitted in, in one spill and across many.
TEST(MapOutputCollector, SortsBytewiseAndKeepsEmitOrderOfEqualKeys) {
  const std::vector<std::string> keys = {
      "", std::string("\0", 1), std::string("a\0", 2), "a", "ab", "abcdefgh", "abcdefghi",
      "abcdefgh\xff", std::string("abcdefgh\0", 9), "abcdefghij", "abcdefgz", "\xff",
      "\xff\xff\xff\xff\xff\xff\xff\xff\xff", "b", "zzzzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzzzy"};
  for (int64_t buffer : {int64_t{1} << 20, int64_t{512}}) {
    ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("collector"));
    TaskCounters counters;
    MapOutputCollector collector({.dir = dir.path(), .num_partitions = 1, .buffer_bytes = buffer},
                                 &counters);
    Records emitted;
    std::mt19937 rng(11);
    for (int i = 0; i < 2000; ++i) {
      emitted.emplace_back(keys[rng() % keys.size()], absl::StrCat(i));
      ASSERT_OK(collector.Collect(0, emitted.back().first, emitted.back().second));
    }
    ASSERT_OK(collector.Finish());
    Records want = emitted;
    std::stable_sort(want.begin(), want.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    EXPECT_EQ(ReadPartition(dir.path(), 0), want) << "buffer " << buffer;
  }
}

TEST(MapOutputCollector, RejectsIllegalPartition) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("collector"));
  TaskCounters counters;
  MapOutputCollector collector({.dir = dir.path(), .num_partitions = 2}, &counters);
  EXPECT_THAT(collector.Collect(2, "k", "v"),
              testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MergingStream, MergesSortedSegmentsStably) {
  std::string a, b;
  AppendRecord(a, "a", "1");
  AppendRecord(a, "c", "1");
  AppendRecord(b, "a", "2");
  AppendRecord(b, "b", "2");
  std::vector<std::unique_ptr<RecordStream>> in;
  in.push_back(NewMemorySegmentStream(a));
  in.push_back(NewMemorySegmentStream(b));
  auto merged = NewMergingStream(std::move(in));
  Records got;
  while (*merged->Next()) got.emplace_back(merged->key(), merged->value());
  EXPECT_EQ(got, (Records{{"a", "1"}, {"a", "2"}, {"b", "2"}, {"c", "1"}}));
}

TEST(Ifile, TruncatedSegmentIsDataLoss) {
  std::string seg;
  AppendRecord(seg, "key", "value");
  seg.pop_back();
  auto s = NewMemorySegmentStream(seg);
  EXPECT_THAT(s->Next(), testing::StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace hayloft::worker
