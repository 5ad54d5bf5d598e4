#include "common/metrics/metrics.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/logging.h"

namespace hayloft::metrics {
namespace {

bool IsValidName(const std::string& name, bool label) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (!label && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return !(label && name.rfind("__", 0) == 0);
}

std::string RenderLabels(const Labels& labels, const std::string& extra_name = "",
                         const std::string& extra_value = "") {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    absl::StrAppend(&out, first ? "" : ",", k, "=\"", EscapeLabelValue(v), "\"");
    first = false;
  }
  if (!extra_name.empty()) {
    absl::StrAppend(&out, first ? "" : ",", extra_name, "=\"", extra_value, "\"");
  }
  out += "}";
  return out;
}

const char* TypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

void AtomicAdd(std::atomic<double>* a, double v) {
  double old = a->load(std::memory_order_relaxed);
  while (!a->compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

void RenderHistogram(const std::string& name, const Labels& labels, const Histogram& h,
                     std::string* out) {
  Histogram::Snapshot s = h.TakeSnapshot();
  for (size_t i = 0; i <= s.bounds.size(); ++i) {
    std::string le = i < s.bounds.size() ? FormatValue(s.bounds[i]) : "+Inf";
    absl::StrAppend(out, name, "_bucket", RenderLabels(labels, "le", le), " ",
                    s.cumulative[i], "\n");
  }
  absl::StrAppend(out, name, "_sum", RenderLabels(labels), " ", FormatValue(s.sum), "\n");
  absl::StrAppend(out, name, "_count", RenderLabels(labels), " ", s.count, "\n");
}

}  // namespace

void Counter::Increment(double v) {
  if (v > 0) AtomicAdd(&value_, v);
}

void Gauge::Add(double v) { AtomicAdd(&value_, v); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  absl::MutexLock lock(&mu_);
  ++counts_[i];
  sum_ += v;
  ++count_;
}

Histogram::Snapshot Histogram::TakeSnapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  absl::MutexLock lock(&mu_);
  uint64_t running = 0;
  for (uint64_t c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

const std::vector<double>& LatencyBuckets() {
  static const auto* const kBuckets = new std::vector<double>{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30,    60};
  return *kBuckets;
}

const std::vector<double>& SizeBuckets() {
  static const auto* const kBuckets = [] {
    auto* b = new std::vector<double>;
    for (double v = 1024; v <= 1024.0 * 1024 * 1024; v *= 4) b->push_back(v);
    return b;
  }();
  return *kBuckets;
}

Registry::Series* Registry::GetSeries(const std::string& name, const std::string& help,
                                      MetricType type, const Labels& labels) {
  CHECK(IsValidName(name, false)) << "bad metric name " << name;
  for (const auto& [k, v] : labels) CHECK(IsValidName(k, true)) << "bad label " << k;
  Family& family = families_[name];
  if (family.series.empty()) {
    family.help = help;
    family.type = type;
  }
  CHECK(family.type == type) << "metric " << name << " registered with two types";
  std::unique_ptr<Series>& series = family.series[RenderLabels(labels)];
  if (series == nullptr) {
    series = std::make_unique<Series>();
    series->labels = labels;
  }
  return series.get();
}

Counter* Registry::GetCounter(const std::string& name, const std::string& help,
                              const Labels& labels) {
  absl::MutexLock lock(&mu_);
  Series* s = GetSeries(name, help, MetricType::kCounter, labels);
  if (s->counter == nullptr) s->counter = std::make_unique<Counter>();
  return s->counter.get();
}

Gauge* Registry::GetGauge(const std::string& name, const std::string& help,
                          const Labels& labels) {
  absl::MutexLock lock(&mu_);
  Series* s = GetSeries(name, help, MetricType::kGauge, labels);
  if (s->gauge == nullptr) s->gauge = std::make_unique<Gauge>();
  return s->gauge.get();
}

Histogram* Registry::GetHistogram(const std::string& name, const std::string& help,
                                  const std::vector<double>& bounds, const Labels& labels) {
  absl::MutexLock lock(&mu_);
  Series* s = GetSeries(name, help, MetricType::kHistogram, labels);
  if (s->histogram == nullptr) s->histogram = std::make_unique<Histogram>(bounds);
  return s->histogram.get();
}

Registry::CallbackHandle& Registry::CallbackHandle::operator=(CallbackHandle&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void Registry::CallbackHandle::Reset() {
  if (registry_ != nullptr) registry_->RemoveCallback(id_);
  registry_ = nullptr;
}

Registry::CallbackHandle Registry::AddCallback(
    const std::string& name, const std::string& help, MetricType type,
    std::function<std::vector<CallbackSample>()> fn) {
  CHECK(IsValidName(name, false)) << "bad metric name " << name;
  CHECK(type != MetricType::kHistogram) << "callbacks report counters or gauges";
  absl::MutexLock lock(&mu_);
  uint64_t id = next_callback_id_++;
  callbacks_[id] = std::make_shared<Callback>(Callback{name, help, type, std::move(fn)});
  return CallbackHandle(this, id);
}

void Registry::RemoveCallback(uint64_t id) {
  absl::MutexLock lock(&mu_);
  callbacks_.erase(id);
}

std::string Registry::RenderPrometheusText() const {
  // Callbacks run without the lock: they take their component's own locks.
  std::vector<std::shared_ptr<Callback>> callbacks;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, cb] : callbacks_) callbacks.push_back(cb);
  }
  struct Rendered {
    std::string help;
    MetricType type;
    std::string samples;
  };
  std::map<std::string, Rendered> out;
  for (const auto& cb : callbacks) {
    Rendered& r = out.try_emplace(cb->name, Rendered{cb->help, cb->type, ""}).first->second;
    for (const CallbackSample& s : cb->fn()) {
      absl::StrAppend(&r.samples, cb->name, RenderLabels(s.labels), " ", FormatValue(s.value),
                      "\n");
    }
  }
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, family] : families_) {
      if (out.count(name) > 0) {
        LOG(ERROR) << "metric " << name << " is both registered and a callback; skipping";
        continue;
      }
      Rendered& r = out.try_emplace(name, Rendered{family.help, family.type, ""}).first->second;
      for (const auto& [key, s] : family.series) {
        if (s->counter != nullptr) {
          absl::StrAppend(&r.samples, name, key, " ", FormatValue(s->counter->value()), "\n");
        } else if (s->gauge != nullptr) {
          absl::StrAppend(&r.samples, name, key, " ", FormatValue(s->gauge->value()), "\n");
        } else {
          RenderHistogram(name, s->labels, *s->histogram, &r.samples);
        }
      }
    }
  }
  std::string text;
  for (const auto& [name, r] : out) {
    absl::StrAppend(&text, "# HELP ", name, " ", EscapeHelp(r.help), "\n", "# TYPE ", name, " ",
                    TypeName(r.type), "\n", r.samples);
  }
  return text;
}

double Registry::Value(const std::string& name, const Labels& labels) const {
  absl::MutexLock lock(&mu_);
  auto family = families_.find(name);
  if (family == families_.end()) return 0;
  auto series = family->second.series.find(RenderLabels(labels));
  if (series == family->second.series.end()) return 0;
  const Series& s = *series->second;
  if (s.counter != nullptr) return s.counter->value();
  if (s.gauge != nullptr) return s.gauge->value();
  return 0;
}

Registry& DefaultRegistry() {
  static Registry* const kRegistry = new Registry();
  return *kRegistry;
}

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapeHelp(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return absl::StrFormat("%.0f", v);
  // The shortest text that reads back as the same double: 0.1, not 0.10000000000000001.
  char buf[64];
  std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

}  // namespace hayloft::metrics
