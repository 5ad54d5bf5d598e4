// Namenode: the daemon. Owns the Namesystem, the gRPC server and the monitor
// thread. Init() opens the namespace; Start() serves; Shutdown() stops and joins.
#ifndef HAYLOFT_NAMENODE_NAMENODE_H_
#define HAYLOFT_NAMENODE_NAMENODE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "common/metrics/metrics.h"
#include "common/web/web_server.h"
#include "namenode/datanode_rpc.h"
#include "namenode/namenode_options.h"
#include "namenode/namenode_service.h"
#include "namenode/namenode_web.h"
#include "namenode/namenode_webhdfs.h"
#include "namenode/namesystem.h"
#include "namenode/trash_emptier.h"

namespace hayloft {

// Thread-safe after Start(); Init/Start/Shutdown are called by main only.
class Namenode {
 public:
  explicit Namenode(NamenodeOptions options) : options_(std::move(options)) {}
  ~Namenode();

  absl::Status Init();
  absl::Status Start();
  void Shutdown();

  int rpc_port() const { return port_; }
  int http_port() const { return web_ != nullptr ? web_->port() : 0; }
  Namesystem* namesystem() { return namesystem_.get(); }

 private:
  void MonitorLoop();
  // Gauges of the namesystem's state (files, blocks, datanodes, capacity...), read
  // from one summary per scrape.
  void RegisterMetrics();

  const NamenodeOptions options_;
  std::unique_ptr<Namesystem> namesystem_;
  std::unique_ptr<NamenodeServiceImpl> client_service_;
  std::unique_ptr<DatanodeProtocolServiceImpl> datanode_service_;
  DatanodeRpc datanode_rpc_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<NamenodeWeb> pages_;
  std::unique_ptr<NamenodeWebHdfs> webhdfs_;  // outlives web_, which calls it
  std::unique_ptr<web::WebServer> web_;  // status pages, /metrics
  // Read namesystem_, so destroyed before it.
  std::vector<metrics::Registry::CallbackHandle> metric_callbacks_;
  int port_ = 0;
  absl::Notification stop_;
  std::thread monitor_;
  std::unique_ptr<TrashEmptier> trash_emptier_;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_NAMENODE_H_
