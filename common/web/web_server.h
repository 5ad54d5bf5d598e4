// The HTTP server every daemon runs beside its gRPC server (cpp-httplib underneath):
// status pages at /, JSON at /api/..., and, added by Start(), /metrics (Prometheus
// text from metrics::DefaultRegistry()) and /healthz.
//
//   WebServer web({.address = "127.0.1.1:9864", .port_file = options.http_port_file});
//   web.server().Get("/api/status", [this](const httplib::Request&, httplib::Response& res) {
//     web::SendJson(res, StatusJson());
//   });
//   HL_RETURN_IF_ERROR(web.Start());
//
// Thread-safe after Start(); handlers run on the server's thread pool.
#ifndef HAYLOFT_COMMON_WEB_WEB_SERVER_H_
#define HAYLOFT_COMMON_WEB_WEB_SERVER_H_

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace hayloft::web {

struct WebServerOptions {
  std::string address = "0.0.0.0:0";  // "host:port"; port 0 picks a free one
  int threads = 8;                     // handler threads
  // If set, "host:port" actually bound is written here (durably) once serving, for
  // tests and the local cluster, which start daemons on port 0.
  std::string port_file;
};

class WebServer {
 public:
  explicit WebServer(WebServerOptions options);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Register handlers here before Start().
  httplib::Server& server() { return *server_; }

  // Binds (without SO_REUSEPORT, so a taken port is an error naming the address) and
  // starts serving on a thread of its own.
  absl::Status Start();
  // Stops accepting and waits for the serving thread. Idempotent.
  void Shutdown();

  int port() const { return port_; }
  // The bound "host:port".
  std::string address() const;

 private:
  const WebServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::string host_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace hayloft::web

#endif  // HAYLOFT_COMMON_WEB_WEB_SERVER_H_
