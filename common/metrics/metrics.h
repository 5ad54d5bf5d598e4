// Process-wide metrics in the Prometheus data model: counters, gauges and histograms,
// each a family (one name, one help text, one type) of series told apart by labels.
// Define a metric next to the code that updates it:
//
//   static metrics::Counter* const kBytesWritten = metrics::DefaultRegistry().GetCounter(
//       "dfs_datanode_bytes_written_total", "Bytes written to replicas.");
//   kBytesWritten->Increment(n);
//
// Values that already live in a component (queue lengths, block counts) are exported
// with a callback that reads a snapshot when /metrics is scraped; keep the returned
// handle alive as long as the component lives.
//
// RenderPrometheusText() writes text exposition format 0.0.4.
#ifndef HAYLOFT_COMMON_METRICS_METRICS_H_
#define HAYLOFT_COMMON_METRICS_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace hayloft::metrics {

// Label names and values, in the order given at registration.
using Labels = std::vector<std::pair<std::string, std::string>>;

// Thread-safe. Monotonic; Increment with a negative value is ignored.
class Counter {
 public:
  void Increment(double v = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Thread-safe.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Thread-safe. Cumulative buckets with the given upper bounds (ascending; +Inf is
// implicit).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot TakeSnapshot() const;

 private:
  const std::vector<double> bounds_;
  mutable absl::Mutex mu_;
  std::vector<uint64_t> counts_ ABSL_GUARDED_BY(mu_);  // per bucket, not cumulative
  double sum_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t count_ ABSL_GUARDED_BY(mu_) = 0;
};

// Latency buckets in seconds, 100 us to 60 s.
const std::vector<double>& LatencyBuckets();
// Size buckets in bytes, 1 KiB to 1 GiB.
const std::vector<double>& SizeBuckets();

enum class MetricType { kCounter, kGauge, kHistogram };

// One sample a callback reports.
struct CallbackSample {
  Labels labels;
  double value = 0;
};

// Thread-safe. Metrics are never removed (callbacks are, through their handle);
// the pointers returned stay valid for the registry's life.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The same name and labels return the same object. A name registered with another
  // type, or a malformed name or label, is a programming error (CHECK).
  Counter* GetCounter(const std::string& name, const std::string& help,
                      const Labels& labels = {});
  Gauge* GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram* GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& bounds, const Labels& labels = {});

  // Calls `fn` at every scrape; its samples are a counter or gauge family `name`.
  // Unregisters when the handle is destroyed.
  class CallbackHandle {
   public:
    CallbackHandle() = default;
    CallbackHandle(Registry* registry, uint64_t id) : registry_(registry), id_(id) {}
    CallbackHandle(CallbackHandle&& other) noexcept { *this = std::move(other); }
    CallbackHandle& operator=(CallbackHandle&& other) noexcept;
    ~CallbackHandle() { Reset(); }
    void Reset();

   private:
    Registry* registry_ = nullptr;
    uint64_t id_ = 0;
  };
  [[nodiscard]] CallbackHandle AddCallback(const std::string& name, const std::string& help,
                                           MetricType type,
                                           std::function<std::vector<CallbackSample>()> fn);

  std::string RenderPrometheusText() const;

  // The current value of a registered counter or gauge series (not a callback's),
  // or 0 if there is none yet: for status pages that show a total /metrics exports.
  double Value(const std::string& name, const Labels& labels = {}) const;

 private:
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string help;
    MetricType type = MetricType::kCounter;
    std::map<std::string, std::unique_ptr<Series>> series;  // by rendered labels
  };
  struct Callback {
    std::string name;
    std::string help;
    MetricType type;
    std::function<std::vector<CallbackSample>()> fn;
  };

  Series* GetSeries(const std::string& name, const std::string& help, MetricType type,
                    const Labels& labels) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveCallback(uint64_t id);

  mutable absl::Mutex mu_;
  std::map<std::string, Family> families_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, std::shared_ptr<Callback>> callbacks_ ABSL_GUARDED_BY(mu_);
  uint64_t next_callback_id_ ABSL_GUARDED_BY(mu_) = 1;
};

// The process's registry: what /metrics serves.
Registry& DefaultRegistry();

// Prometheus text escaping: label values escape \, " and newline; help text \ and
// newline.
std::string EscapeLabelValue(const std::string& v);
std::string EscapeHelp(const std::string& v);
// A sample value as Prometheus writes it: integers without exponent, +Inf, -Inf, NaN.
std::string FormatValue(double v);

}  // namespace hayloft::metrics

#endif  // HAYLOFT_COMMON_METRICS_METRICS_H_
