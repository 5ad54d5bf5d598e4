// LatencyHistogram: counts of operation latencies in log-linear buckets (32 per
// power of two, so a reported percentile is within about 3% of the true value),
// cheap enough to record every operation of a load generator.
//
// Not thread-safe; give each thread its own and Merge() them at the end.
#ifndef HAYLOFT_BENCH_LATENCY_HISTOGRAM_H_
#define HAYLOFT_BENCH_LATENCY_HISTOGRAM_H_

#include <algorithm>
#include <array>
#include <cstdint>

#include "absl/time/time.h"

namespace hayloft::bench {

class LatencyHistogram {
 public:
  void Record(absl::Duration latency) {
    const int64_t ns = std::max<int64_t>(0, absl::ToInt64Nanoseconds(latency));
    ++buckets_[BucketOf(static_cast<uint64_t>(ns))];
    ++count_;
    sum_ns_ += ns;
    max_ns_ = std::max(max_ns_, ns);
  }

  void Merge(const LatencyHistogram& other) {
    for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    sum_ns_ += other.sum_ns_;
    max_ns_ = std::max(max_ns_, other.max_ns_);
  }

  int64_t count() const { return count_; }
  absl::Duration max() const { return absl::Nanoseconds(max_ns_); }
  absl::Duration mean() const {
    return count_ == 0 ? absl::ZeroDuration() : absl::Nanoseconds(sum_ns_ / count_);
  }

  // The latency below which a fraction `q` (0..1) of the operations fell: the
  // middle of the bucket holding that rank.
  absl::Duration Percentile(double q) const {
    if (count_ == 0) return absl::ZeroDuration();
    const int64_t rank = std::max<int64_t>(1, static_cast<int64_t>(q * count_ + 0.5));
    int64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += buckets_[i];
      if (seen >= rank) {
        const uint64_t mid = (LowerBound(i) + LowerBound(i + 1)) / 2;
        return absl::Nanoseconds(std::min<int64_t>(static_cast<int64_t>(mid), max_ns_));
      }
    }
    return max();
  }

 private:
  static constexpr int kSubBits = 5;  // 32 buckets per power of two
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kBuckets = (64 - kSubBits + 1) * kSub;

  static int BucketOf(uint64_t ns) {
    if (ns < kSub) return static_cast<int>(ns);
    const int msb = 63 - __builtin_clzll(ns);
    const int sub = static_cast<int>((ns >> (msb - kSubBits)) & (kSub - 1));
    return (msb - kSubBits + 1) * kSub + sub;
  }

  static uint64_t LowerBound(int bucket) {
    if (bucket < kSub) return static_cast<uint64_t>(bucket);
    const int msb = bucket / kSub + kSubBits - 1;
    const uint64_t sub = static_cast<uint64_t>(bucket % kSub);
    return (kSub + sub) << (msb - kSubBits);
  }

  std::array<int64_t, kBuckets + 1> buckets_{};
  int64_t count_ = 0;
  int64_t sum_ns_ = 0;
  int64_t max_ns_ = 0;
};

}  // namespace hayloft::bench

#endif  // HAYLOFT_BENCH_LATENCY_HISTOGRAM_H_
