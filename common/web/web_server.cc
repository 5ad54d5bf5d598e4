#include "common/web/web_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/base/host_port.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"
#include "common/server/daemon_util.h"

namespace hayloft::web {
namespace {

// httplib's default sets SO_REUSEPORT, which would let two daemons share a port.
void SetSocketOptions(socket_t sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

// The standard process_* metrics every Prometheus client library exports, read from
// /proc at scrape time.
std::vector<metrics::CallbackSample> ProcessStat(int field) {
  std::ifstream f("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold spaces.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::vector<std::string> fields = absl::StrSplit(stat.substr(close + 2), ' ');
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  auto num = [&](int stat_field) {  // stat(5) numbering: field 3 is fields[0]
    double v = 0;
    size_t i = static_cast<size_t>(stat_field - 3);
    return i < fields.size() && absl::SimpleAtod(fields[i], &v) ? v : 0.0;
  };
  if (field == 0) return {{{}, (num(14) + num(15)) / ticks}};  // utime + stime
  return {{{}, num(24) * page}};                              // rss pages
}

void AddProcessMetrics() {
  static const absl::Time kStart = absl::Now();
  static auto* const kHandles = new std::vector<metrics::Registry::CallbackHandle>;
  if (!kHandles->empty()) return;
  metrics::Registry& r = metrics::DefaultRegistry();
  kHandles->push_back(r.AddCallback(
      "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
      metrics::MetricType::kGauge,
      [] { return std::vector<metrics::CallbackSample>{{{}, absl::ToUnixSeconds(kStart) * 1.0}}; }));
  kHandles->push_back(r.AddCallback("process_cpu_seconds_total",
                                    "Total user and system CPU time spent in seconds.",
                                    metrics::MetricType::kCounter, [] { return ProcessStat(0); }));
  kHandles->push_back(r.AddCallback("process_resident_memory_bytes",
                                    "Resident memory size in bytes.", metrics::MetricType::kGauge,
                                    [] { return ProcessStat(1); }));
}

metrics::Counter* RequestCounter(int status) {
  return metrics::DefaultRegistry().GetCounter("http_requests_total",
                                               "HTTP requests served, by status code.",
                                               {{"code", absl::StrCat(status)}});
}

}  // namespace

WebServer::WebServer(WebServerOptions options)
    : options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  server_->set_socket_options(SetSocketOptions);
  int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    RequestCounter(res.status)->Increment();
    VLOG(1) << "http " << req.method << " " << req.path << " -> " << res.status;
  });
}

WebServer::~WebServer() { Shutdown(); }

absl::Status WebServer::Start() {
  AddProcessMetrics();
  HL_ASSIGN_OR_RETURN(HostPort hp, HostPort::Parse(options_.address, 0));
  server_->Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics::DefaultRegistry().RenderPrometheusText(),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  if (hp.port == 0) {
    port_ = server_->bind_to_any_port(hp.host);
  } else {
    port_ = server_->bind_to_port(hp.host, hp.port) ? hp.port : -1;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve HTTP on ", options_.address,
        ": the address is in use or not local; stop whatever holds it or pick another port"));
  }
  host_ = hp.host;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib has no ready signal, and stop() before the loop runs would be lost.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) absl::SleepFor(absl::Milliseconds(1));
  if (!options_.port_file.empty()) {
    HL_RETURN_IF_ERROR(daemon::WriteFileDurably(options_.port_file, address() + "\n"));
  }
  LOG(INFO) << "HTTP serving on " << address();
  return absl::OkStatus();
}

void WebServer::Shutdown() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

std::string WebServer::address() const {
  HostPort hp{host_, port_};
  return hp.ToString();
}

}  // namespace hayloft::web
