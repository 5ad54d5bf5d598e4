#include "namenode/namenode.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/base/host_port.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"
#include "common/server/daemon_util.h"

namespace hayloft {
namespace {

// Each gauge family is its own callback and a summary walks every block, so one
// scrape shares one summary.
class CachedSummary {
 public:
  explicit CachedSummary(Namesystem* ns) : ns_(ns) {}
  NamesystemSummary Get() {
    absl::MutexLock lock(&mu_);
    if (absl::Now() - taken_ > absl::Milliseconds(500)) {
      summary_ = ns_->GetSummary();
      taken_ = absl::Now();
    }
    return summary_;
  }

 private:
  Namesystem* const ns_;
  absl::Mutex mu_;
  absl::Time taken_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  NamesystemSummary summary_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

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
  pages_ = std::make_unique<NamenodeWeb>(
      NamenodeWebOptions{.rpc_address = hp.ToString(), .version = HAYLOFT_VERSION},
      namesystem_.get());
  pages_->Register(web_->server());
  RegisterMetrics();
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

void Namenode::RegisterMetrics() {
  auto cache = std::make_shared<CachedSummary>(namesystem_.get());
  using Sample = metrics::CallbackSample;
  auto gauge = [&](const std::string& name, const std::string& help,
                   std::function<std::vector<Sample>(const NamesystemSummary&)> fn) {
    metric_callbacks_.push_back(metrics::DefaultRegistry().AddCallback(
        name, help, metrics::MetricType::kGauge, [cache, fn] { return fn(cache->Get()); }));
  };
  auto one = [&](const std::string& name, const std::string& help,
                 std::function<double(const NamesystemSummary&)> fn) {
    gauge(name, help, [fn](const NamesystemSummary& s) { return std::vector<Sample>{{{}, fn(s)}}; });
  };
  using S = const NamesystemSummary&;
  one("dfs_namenode_files", "Files in the namespace.",
      [](S s) { return s.stats.total_files(); });
  one("dfs_namenode_directories", "Directories in the namespace.",
      [](S s) { return s.stats.total_dirs(); });
  one("dfs_namenode_blocks", "Blocks of all files.", [](S s) { return s.stats.total_blocks(); });
  one("dfs_namenode_under_replicated_blocks",
      "Complete blocks with fewer live replicas than their replication factor (the "
      "re-replication queue).",
      [](S s) { return s.stats.under_replicated_blocks(); });
  one("dfs_namenode_corrupt_blocks", "Blocks with at least one corrupt replica.",
      [](S s) { return s.stats.corrupt_blocks(); });
  one("dfs_namenode_missing_blocks", "Blocks with no live replica.",
      [](S s) { return s.stats.missing_blocks(); });
  one("dfs_namenode_pending_replication_blocks",
      "Block copies scheduled on datanodes and not yet reported done.",
      [](S s) { return s.pending_replications; });
  one("dfs_namenode_safe_mode", "1 while the namenode is in safe mode (read-only), else 0.",
      [](S s) { return s.stats.safe_mode() ? 1 : 0; });
  one("dfs_namenode_racks", "Racks with a live datanode.", [](S s) { return s.num_racks; });
  gauge("dfs_namenode_datanodes",
        "Datanodes by state: live (including decommissioning and decommissioned), dead, "
        "decommissioning, decommissioned.",
        [](S s) {
          return std::vector<Sample>{{{{"state", "live"}}, 1.0 * s.live_datanodes},
                                     {{{"state", "dead"}}, 1.0 * s.dead_datanodes},
                                     {{{"state", "decommissioning"}},
                                      1.0 * s.decommissioning_datanodes},
                                     {{{"state", "decommissioned"}},
                                      1.0 * s.decommissioned_datanodes}};
        });
  one("dfs_namenode_capacity_bytes", "Configured capacity of the live datanodes.",
      [](S s) { return s.stats.capacity_bytes(); });
  one("dfs_namenode_capacity_used_bytes", "Bytes of replicas on the live datanodes.",
      [](S s) { return s.stats.dfs_used_bytes(); });
  one("dfs_namenode_capacity_non_dfs_used_bytes",
      "Bytes used by other files on the live datanodes' disks.",
      [](S s) { return s.stats.non_dfs_used_bytes(); });
  one("dfs_namenode_capacity_remaining_bytes", "Free bytes on the live datanodes.",
      [](S s) { return s.stats.remaining_bytes(); });
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
