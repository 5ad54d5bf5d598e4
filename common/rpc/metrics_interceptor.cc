#include "common/rpc/metrics_interceptor.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/metrics/metrics.h"

namespace hayloft::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

// gRPC's canonical code names, as Prometheus exporters spell them.
const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {
      "OK",        "CANCELLED",         "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",  "ALREADY_EXISTS",   "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

// The metrics of one method, looked up once per method rather than per call.
struct MethodMetrics {
  metrics::Labels labels;
  metrics::Histogram* latency = nullptr;
  absl::Mutex mu;
  absl::flat_hash_map<int, metrics::Counter*> handled ABSL_GUARDED_BY(mu);

  metrics::Counter* Handled(grpc::StatusCode code) {
    absl::MutexLock lock(&mu);
    metrics::Counter*& c = handled[static_cast<int>(code)];
    if (c == nullptr) {
      metrics::Labels l = labels;
      l.emplace_back("code", CodeName(code));
      c = metrics::DefaultRegistry().GetCounter(
          "rpc_server_handled_total", "RPCs completed by the server, by method and code.", l);
    }
    return c;
  }
};

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(MethodMetrics* m) : metrics_(m), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_->latency->Observe(absl::ToDoubleSeconds(absl::Now() - start_));
      metrics_->Handled(methods->GetSendStatus().error_code())->Increment();
    }
    methods->Proceed();
  }

 private:
  MethodMetrics* const metrics_;
  const absl::Time start_;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(ForMethod(info->method()));
  }

 private:
  MethodMetrics* ForMethod(const char* full_name) {
    absl::MutexLock lock(&mu_);
    // Looked up by view first: building a std::string key was a malloc per call.
    auto it = methods_.find(absl::string_view(full_name));
    if (it != methods_.end()) return it->second.get();
    std::unique_ptr<MethodMetrics>& m = methods_[full_name];
    if (m == nullptr) {
      // "/hayloft.NamenodeService/GetFileInfo" -> service NamenodeService, method GetFileInfo.
      absl::string_view name(full_name);
      size_t slash = name.rfind('/');
      absl::string_view service = name.substr(0, slash);
      service = service.substr(service.rfind('.') == absl::string_view::npos
                                   ? (service.empty() ? 0 : 1)
                                   : service.rfind('.') + 1);
      m = std::make_unique<MethodMetrics>();
      m->labels = {{"service", std::string(service)},
                   {"method", std::string(name.substr(slash + 1))}};
      m->latency = metrics::DefaultRegistry().GetHistogram(
          "rpc_server_handling_seconds", "Time from the call's start to its status, by method.",
          metrics::LatencyBuckets(), m->labels);
    }
    return m.get();
  }

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewMetricsInterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>();
}

}  // namespace hayloft::rpc
