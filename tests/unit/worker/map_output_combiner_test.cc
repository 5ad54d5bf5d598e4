// The collector with a combiner (CombiningBuffer): same results as the sort path,
// key-changing combiners, the memory bound, and the counters.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/worker/collector_test_util.h"
#include "worker/map_output_collector.h"

namespace hayloft::worker {
namespace {

using testing_util::ReadPartition;
using testing_util::Records;
using testing_util::SumReducer;
using testing_util::UseCombiner;

constexpr int kPartitions = 3;

// Zipf-like keys (a few frequent, many rare), partitioned by their length.
struct Emitted {
  std::string key;
  int partition;
};
std::vector<Emitted> MakeRecords(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Emitted> out;
  for (int i = 0; i < n; ++i) {
    const uint32_t r = rng() % 1000;
    std::string key = r < 500 ? absl::StrCat("w", r % 7) : absl::StrCat("word", rng() % 2000);
    if (r % 50 == 0) key += std::string("\0\xff", 2);  // bytes beyond ASCII order
    const int p = static_cast<int>(key.size() % kPartitions);
    out.push_back({std::move(key), p});
  }
  return out;
}

int64_t CounterOf(const TaskCounters& counters, const std::string& name) {
  google::protobuf::RepeatedPtrField<hayloft::Counter> all;
  counters.AddTo(&all);
  for (const hayloft::Counter& c : all) {
    if (c.group() == kTaskGroup && c.name() == name) return c.value();
  }
  return 0;
}

// Applies the summing reducer to sorted records: one record per key.
Records SumRuns(const Records& sorted) {
  Records out;
  for (const auto& [k, v] : sorted) {
    if (out.empty() || out.back().first != k) {
      out.emplace_back(k, "0");
    }
    out.back().second = std::to_string(std::stoll(out.back().second) + std::stoll(v));
  }
  return out;
}

struct Outcome {
  Records partitions[kPartitions];
  TaskCounters counters;
};

// Collects `records` (value "1" each) and reads every partition of file.out back.
void Collect(const std::vector<Emitted>& records, MapOutputCollectorOptions o, Outcome& run) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("combiner"));
  o.dir = dir.path();
  o.num_partitions = kPartitions;
  MapOutputCollector collector(o, &run.counters);
  for (const Emitted& e : records) ASSERT_OK(collector.Collect(e.partition, e.key, "1"));
  ASSERT_OK(collector.Finish());
  for (int p = 0; p < kPartitions; ++p) run.partitions[p] = ReadPartition(dir.path(), p);
}

class CombinerThresholdTest : public ::testing::TestWithParam<uint32_t> {};

// The combining buffer's output, after the merge's combine, is exactly what the
// sort path's output gives once summed per key: one record per key with its
// total, in memcmp order; over many spills and at every combine threshold.
TEST_P(CombinerThresholdTest, SameResultAsTheSortPath) {
  const std::vector<Emitted> records = MakeRecords(20000, 5);
  for (int64_t buffer : {int64_t{8} << 10, int64_t{64} << 20}) {
    Outcome sorted, combined;
    Collect(records, {.buffer_bytes = buffer}, sorted);
    MapOutputCollectorOptions o{.buffer_bytes = buffer, .combine_threshold = GetParam()};
    UseCombiner<SumReducer>(o);
    Collect(records, o, combined);
    for (int p = 0; p < kPartitions; ++p) {
      ASSERT_GT(sorted.partitions[p].size(), 0u);
      EXPECT_EQ(combined.partitions[p], SumRuns(sorted.partitions[p]))
          << "partition " << p << ", buffer " << buffer;
    }
    EXPECT_EQ(CounterOf(combined.counters, "Map output records"), 20000);
    EXPECT_EQ(CounterOf(combined.counters, "Map output bytes"),
              CounterOf(sorted.counters, "Map output bytes"));
    const int64_t in = CounterOf(combined.counters, "Combine input records");
    const int64_t out = CounterOf(combined.counters, "Combine output records");
    EXPECT_GT(in, out);
    if (buffer > (1 << 20)) {
      // One spill, no merge: each record is spilled once, and every combine call
      // turned its inputs into one record.
      int64_t written = 0;
      for (const Records& r : combined.partitions) written += static_cast<int64_t>(r.size());
      EXPECT_EQ(CounterOf(combined.counters, "Spilled Records"), written);
      EXPECT_EQ(in - out, 20000 - written);
    } else {
      // Several spills, then the merge wrote each key once more.
      int64_t keys = 0;
      for (const Records& r : combined.partitions) keys += static_cast<int64_t>(r.size());
      EXPECT_GT(CounterOf(combined.counters, "Spilled Records"), 2 * keys);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Thresholds, CombinerThresholdTest, ::testing::Values(1u, 2u, 32u, 1000000u));

// Sums like SumReducer but files keys starting with 'x' under 'a' + the rest: an
// earlier key, so records it emits must be put back in order, not appended.
class RenamingSumReducer final : public mr::Reducer {
 public:
  void Reduce(std::string_view key, mr::ValueIterator& values, mr::ReduceContext& ctx) override {
    int64_t sum = 0;
    std::string_view v;
    while (values.Next(v)) sum += std::stoll(std::string(v));
    std::string out(key);
    if (!out.empty() && out[0] == 'x') out[0] = 'a';
    ctx.Emit(out, std::to_string(sum));
  }
};

// With a key-changing combiner, every partition is still sorted and the totals
// per renamed key are kept, in one spill and across many (where the merge has to
// give up combining the partition and write it again).
TEST(MapOutputCombiner, CombinerEmittingAnotherKeyStaysSorted) {
  std::vector<Emitted> records;
  std::map<std::string, int64_t> want;
  std::mt19937 rng(9);
  for (int i = 0; i < 20000; ++i) {
    const uint32_t r = rng() % 300;
    std::string key = absl::StrCat(r % 2 == 0 ? "x" : "m", r);
    records.push_back({key, 0});
    if (key[0] == 'x') key[0] = 'a';
    ++want[key];
  }
  for (int64_t buffer : {int64_t{4} << 10, int64_t{64} << 20}) {
    MapOutputCollectorOptions o{.buffer_bytes = buffer};
    UseCombiner<RenamingSumReducer>(o);
    Outcome run;
    Collect(records, o, run);
    const Records& got = run.partitions[0];
    std::map<std::string, int64_t> sums;
    for (size_t i = 0; i < got.size(); ++i) {
      if (i > 0) {
        EXPECT_LE(got[i - 1].first, got[i].first) << "record " << i << ", buffer " << buffer;
      }
      std::string key = got[i].first;
      if (key[0] == 'x') key[0] = 'a';
      sums[key] += std::stoll(got[i].second);
    }
    EXPECT_EQ(sums, want) << "buffer " << buffer;
  }
}

// Re-emits every value unchanged: the buffer must neither loop nor lose values.
class IdentityReducer final : public mr::Reducer {
 public:
  void Reduce(std::string_view key, mr::ValueIterator& values, mr::ReduceContext& ctx) override {
    std::string_view v;
    while (values.Next(v)) ctx.Emit(key, v);
  }
};

TEST(MapOutputCombiner, IdentityCombinerKeepsEveryRecord) {
  const std::vector<Emitted> records = MakeRecords(5000, 3);
  Outcome sorted, combined;
  Collect(records, {}, sorted);
  MapOutputCollectorOptions o{.combine_threshold = 2};
  UseCombiner<IdentityReducer>(o);
  Collect(records, o, combined);
  for (int p = 0; p < kPartitions; ++p) {
    EXPECT_EQ(combined.partitions[p], sorted.partitions[p]) << "partition " << p;
  }
  // Combines happen at 2, 4, 8, ... values of a key: O(n) work, not O(n^2).
  EXPECT_LT(CounterOf(combined.counters, "Combine input records"), 4 * 5000);
}

// The buffer never holds more than buffer_bytes x spill_percent after a Collect,
// even when nothing combines (all keys distinct), so it spills several times.
TEST(MapOutputCombiner, SpillsWhenTheBufferIsFull) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("combiner"));
  TaskCounters counters;
  MapOutputCollectorOptions o{.dir = dir.path(), .num_partitions = 2, .buffer_bytes = 64 << 10,
                              .spill_percent = 0.5};
  UseCombiner<SumReducer>(o);
  MapOutputCollector collector(o, &counters);
  const int64_t limit = (64 << 10) / 2;
  int64_t peak = 0;
  for (int i = 0; i < 20000; ++i) {
    ASSERT_OK(collector.Collect(i % 2, absl::StrCat("distinct-key-", i), "1"));
    ASSERT_LT(collector.buffered_bytes(), limit) << "after record " << i;
    peak = std::max(peak, collector.buffered_bytes());
  }
  EXPECT_GT(peak, limit / 2);  // the accounting sees the records at all
  ASSERT_OK(collector.Finish());
  // 20000 distinct records of ~20 bytes cannot fit in 32 KiB: each was spilled and
  // then merged, so each counts twice.
  EXPECT_EQ(CounterOf(counters, "Spilled Records"), 2 * 20000);
  EXPECT_EQ(ReadPartition(dir.path(), 0).size() + ReadPartition(dir.path(), 1).size(), 20000u);
}

// A key emitted in every spill comes out of the merge as one combined record.
TEST(MapOutputCombiner, EqualKeysAcrossSpillsAreMerged) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("combiner"));
  TaskCounters counters;
  MapOutputCollectorOptions o{.dir = dir.path(), .num_partitions = 1, .buffer_bytes = 16 << 10};
  UseCombiner<SumReducer>(o);
  MapOutputCollector collector(o, &counters);
  for (int i = 0; i < 10000; ++i) {
    ASSERT_OK(collector.Collect(0, "same", "1"));
    ASSERT_OK(collector.Collect(0, absl::StrCat("filler", i), "2"));
  }
  ASSERT_OK(collector.Finish());
  Records got = ReadPartition(dir.path(), 0);
  ASSERT_EQ(got.size(), 10001u);
  EXPECT_EQ(got.back(), (std::pair<std::string, std::string>("same", "10000")));
  // Several spills happened: "same" was spilled once per spill, fillers once each,
  // and the merge wrote all 10001 keys again.
  EXPECT_GT(CounterOf(counters, "Spilled Records"), 10000 + 2 + 10001);
}

}  // namespace
}  // namespace hayloft::worker
