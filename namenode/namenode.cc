#include "namenode/namenode.h"

#include "absl/strings/str_cat.h"
#include "common/base/host_port.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"
#include "common/server/daemon_util.h"

namespace hayloft {

Namenode::~Namenode() { Shutdown(); }

absl::Status Namenode::Init() {
  Topology topology;
  if (!options_.topology_file.empty()) {
    HL_ASSIGN_OR_RETURN(topology, Topology::LoadFile(options_.topology_file));
  }
  HL_ASSIGN_OR_RETURN(namesystem_, Namesystem::Open(options_, std::move(topology)));
  client_service_ = std::make_unique<NamenodeServiceImpl>(namesystem_.get());
  datanode_service_ = std::make_unique<DatanodeProtocolServiceImpl>(namesystem_.get());
  return absl::OkStatus();
}

absl::Status Namenode::Start() {
  HL_ASSIGN_OR_RETURN(rpc::StartedServer started,
                      rpc::StartServer(options_.rpc_address,
                                       {client_service_.get(), datanode_service_.get()}));
  server_ = std::move(started.server);
  port_ = started.port;
  HL_ASSIGN_OR_RETURN(HostPort hp, HostPort::Parse(options_.rpc_address, 8020));
  hp.port = port_;
  web_ = std::make_unique<web::WebServer>(
      web::WebServerOptions{.address = options_.http_address,
                            .port_file = options_.http_port_file});
  webhdfs_ = std::make_unique<NamenodeWebHdfs>(
      namesystem_.get(), NamenodeWebHdfsOptions{.rpc_address = hp.ToString(),
                                                .default_replication = options_.default_replication});
  webhdfs_->Register(web_->server());
  HL_RETURN_IF_ERROR(Annotate(web_->Start(), "check dfs.namenode.http-address"));
  monitor_ = std::thread([this] { MonitorLoop(); });
  trash_emptier_ = std::make_unique<TrashEmptier>(namesystem_.get(), options_);
  trash_emptier_->Start();
  if (!options_.port_file.empty()) {
    HL_RETURN_IF_ERROR(daemon::WriteFileDurably(options_.port_file, hp.ToString()));
  }
  LOG(INFO) << "namenode serving on " << hp.ToString() << ", namespace in "
            << options_.name_dir << ", dead-node timeout " << options_.dead_node_timeout();
  return absl::OkStatus();
}

void Namenode::MonitorLoop() {
  absl::Duration period = std::min(options_.heartbeat_recheck, options_.replication_interval);
  while (!stop_.WaitForNotificationWithTimeout(period)) {
    namesystem_->RunMonitorOnce();
    namesystem_->RecoverExpiredLeases(&datanode_rpc_);
  }
}

void Namenode::Shutdown() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (web_ != nullptr) web_->Shutdown();
  if (server_ != nullptr) {
    server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
    server_.reset();
  }
  if (monitor_.joinable()) monitor_.join();
  if (trash_emptier_ != nullptr) trash_emptier_->Stop();
}

}  // namespace hayloft
