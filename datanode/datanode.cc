#include "datanode/datanode.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/md5.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"
#include "common/server/daemon_util.h"
#include "datanode/block_replicator.h"
#include "datanode/block_scanner.h"
#include "datanode/block_store.h"
#include "datanode/datanode_client.h"
#include "datanode/datanode_service.h"
#include "datanode/datanode_web.h"
#include "datanode/heartbeater.h"
#include "datanode/namenode_client.h"

namespace hayloft::datanode {
namespace {

// Data per ReadBlockResponse: large messages move faster on gRPC (see DESIGN.md).
constexpr size_t kReadPacketBytes = 1 << 20;

metrics::Counter* const kBytesRead = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_bytes_read_total", "Block bytes sent to readers (clients and datanodes).");
metrics::Counter* const kBlocksRead = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_blocks_read_total", "ReadBlock calls served to the end of their range.");

// Counts a transfer for the heartbeat while it is in scope.
class ActiveTransfer {
 public:
  explicit ActiveTransfer(std::atomic<int32_t>* count) : count_(count) { ++*count_; }
  ~ActiveTransfer() { --*count_; }
  ActiveTransfer(const ActiveTransfer&) = delete;
  ActiveTransfer& operator=(const ActiveTransfer&) = delete;

 private:
  std::atomic<int32_t>* count_;
};

absl::Status NotReady() {
  return absl::UnavailableError("the datanode is still starting up; retry");
}

}  // namespace

Datanode::Datanode(DatanodeOptions options) : options_(std::move(options)) {}

Datanode::~Datanode() { Shutdown(); }

absl::Status Datanode::Init() {
  BlockStoreOptions store_options;
  store_options.data_dirs = options_.data_dirs;
  store_options.failed_volumes_tolerated = options_.failed_volumes_tolerated;
  store_options.block_size_bytes = options_.block_size_bytes;
  absl::StatusOr<std::unique_ptr<BlockStore>> store =
      BlockStore::Open(store_options, [this](const VolumeFailure& f) { OnVolumeFailure(f); });
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        absl::StrCat(store.status().message(), " — fix ", kDataDirKey));
  }
  store_ = std::move(*store);
  CreateComponents();
  HL_RETURN_IF_ERROR(StartServer());
  LOG(INFO) << "Datanode " << id_.uuid() << " serving on " << address_ << " (listening on "
            << options_.listen_address << "), data dir(s) "
            << absl::StrJoin(options_.data_dirs, ",") << " (" << store_->num_failed_volumes()
            << " failed), namenode " << options_.namenode_address;
  return absl::OkStatus();
}

void Datanode::CreateComponents() {
  namenode_ = NewGrpcNamenodeClient(options_.namenode_address, options_.namenode_rpc_timeout);
  datanodes_ = NewGrpcDatanodeClient();
  HeartbeaterOptions heartbeat_options;
  heartbeat_options.heartbeat_interval = options_.heartbeat_interval;
  heartbeat_options.block_report_interval = options_.block_report_interval;
  HeartbeaterHooks hooks;
  hooks.active_transfers = [this] { return active_transfers(); };
  hooks.replicate = [this](const Block& b, std::vector<DatanodeId> targets) {
    replicator_->Enqueue(b, std::move(targets));
  };
  hooks.check_volumes = [this] { store_->CheckVolumes(); };
  heartbeater_ = std::make_unique<Heartbeater>(heartbeat_options, store_.get(), namenode_.get(),
                                               std::move(hooks));
  replicator_ = std::make_unique<BlockReplicator>(
      BlockReplicatorOptions{}, store_.get(), datanodes_.get(),
      [this](const Block& b) {
        // Not if the replica was recovered (cut, renamed) while being copied.
        std::optional<ReplicaInfo> now = store_->GetReplica(b.block_id());
        if (now && now->generation_stamp == b.generation_stamp()) heartbeater_->ReportBadBlock(b);
      });
  BlockScannerOptions scanner_options;
  scanner_options.bytes_per_second = options_.scanner_bytes_per_second;
  scanner_options.scan_period = options_.scan_period;
  scanner_ =
      std::make_unique<BlockScanner>(scanner_options, store_.get(), [this](const ReplicaInfo& r) {
        ReportBadReplica(r.block_id, r.generation_stamp, r.num_bytes);
      });
  service_ = std::make_unique<DatanodeServiceImpl>(this);
  RegisterMetrics();
}

void Datanode::RegisterMetrics() {
  using Sample = metrics::CallbackSample;
  auto gauge = [this](const std::string& name, const std::string& help,
                      std::function<double()> fn) {
    metric_callbacks_.push_back(metrics::DefaultRegistry().AddCallback(
        name, help, metrics::MetricType::kGauge,
        [fn] { return std::vector<Sample>{{{}, fn()}}; }));
  };
  // Sums over the healthy volumes.
  auto volumes = [this](int64_t VolumeReport::*field) {
    double sum = 0;
    for (const VolumeReport& v : store_->GetVolumeReports()) {
      if (!v.failed) sum += static_cast<double>(v.*field);
    }
    return sum;
  };
  gauge("dfs_datanode_replicas", "Finalized replicas stored on this datanode.",
        [this] { return static_cast<double>(store_->num_finalized()); });
  gauge("dfs_datanode_volumes", "Data dirs configured (dfs.datanode.data.dir).",
        [this] { return static_cast<double>(store_->num_volumes()); });
  gauge("dfs_datanode_failed_volumes", "Data dirs that have failed.",
        [this] { return static_cast<double>(store_->num_failed_volumes()); });
  gauge("dfs_datanode_capacity_bytes", "Capacity of the healthy data dirs' file systems.",
        [volumes] { return volumes(&VolumeReport::capacity_bytes); });
  gauge("dfs_datanode_available_bytes", "Free space on the healthy data dirs' file systems.",
        [volumes] { return volumes(&VolumeReport::available_bytes); });
  gauge("dfs_datanode_dfs_used_bytes", "Bytes of replica and checksum files.",
        [volumes] { return volumes(&VolumeReport::dfs_used_bytes); });
  gauge("dfs_datanode_active_transfers", "Block reads, writes and copies in progress.",
        [this] { return static_cast<double>(active_transfers()); });
  gauge("dfs_datanode_registered", "1 while registered with the namenode, else 0.",
        [this] { return heartbeater_->registered() ? 1.0 : 0.0; });
}

absl::StatusOr<DatanodeStatus> Datanode::GetStatus() const {
  if (!ready_.load()) return NotReady();
  DatanodeStatus s;
  s.id = id_;
  s.namenode_address = options_.namenode_address;
  s.registered = heartbeater_->registered();
  s.started_at = started_at_;
  s.last_heartbeat = heartbeater_->last_heartbeat();
  s.volumes = store_->GetVolumeReports();
  s.num_replicas = store_->num_finalized();
  s.active_transfers = active_transfers();
  s.scanner_enabled = scanner_->enabled();
  s.scanner = scanner_->GetProgress();
  s.fatal_error = fatal_error();
  return s;
}

absl::Status Datanode::StartServer() {
  absl::StatusOr<rpc::StartedServer> started =
      rpc::StartServer(options_.listen_address, {service_.get()});
  if (!started.ok()) {
    return absl::Status(started.status().code(),
                        absl::StrCat(started.status().message(), " — check ", kDatanodeAddressKey));
  }
  server_ = std::move(started->server);
  // Calls may arrive from here on; they are refused until ready_ is set below.
  address_ = absl::StrCat(options_.advertised_host, ":", started->port);
  id_.set_uuid(store_->datanode_uuid());
  id_.set_host(options_.advertised_host);
  id_.set_rpc_port(started->port);
  web_ = std::make_unique<web::WebServer>(
      web::WebServerOptions{.address = options_.http_address,
                            .port_file = options_.http_port_file});
  pages_ = std::make_unique<DatanodeWeb>(DatanodeWebOptions{.version = HAYLOFT_VERSION}, this);
  pages_->Register(web_->server());
  webhdfs_ = std::make_unique<DatanodeWebHdfs>(
      DatanodeWebHdfsOptions{.host = options_.advertised_host,
                             .rpc_timeout = options_.namenode_rpc_timeout});
  webhdfs_->Register(web_->server());
  HL_RETURN_IF_ERROR(Annotate(web_->Start(), "check dfs.datanode.http.address"));
  id_.set_http_port(web_->port());
  ready_.store(true);
  return absl::OkStatus();
}

absl::Status Datanode::Start() {
  heartbeater_->Start(id_);
  replicator_->Start();
  scanner_->Start();
  if (!options_.port_file.empty()) {
    HL_RETURN_IF_ERROR(Annotate(daemon::WriteFileDurably(options_.port_file, address_),
                                "writing hayloft.port.file"));
  }
  return absl::OkStatus();
}

void Datanode::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    LOG(INFO) << "Datanode " << address_ << " shutting down";
    // In-flight transfers get a grace period, then their calls are cancelled and
    // the receivers clean up their rbw files.
    server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.shutdown_grace));
  }
  if (web_ != nullptr) web_->Shutdown();
  if (scanner_ != nullptr) scanner_->Shutdown();
  if (replicator_ != nullptr) replicator_->Shutdown();
  if (heartbeater_ != nullptr) heartbeater_->Shutdown();
}

absl::Status Datanode::fatal_error() const {
  absl::MutexLock lock(&fatal_mu_);
  return fatal_error_;
}

void Datanode::OnVolumeFailure(const VolumeFailure& f) {
  // Runs on whichever thread hit the failure; heartbeater_ exists once the server
  // runs, and failures while opening the store need no report.
  if (heartbeater_ != nullptr && !f.lost.empty()) heartbeater_->NotifyBlocksDeleted(f.lost);
  const int tolerated =
      options_.failed_volumes_tolerated < 0 ? f.num_volumes - 1 : options_.failed_volumes_tolerated;
  if (f.num_failed_volumes <= tolerated) {
    LOG(WARNING) << "Volume " << f.dir << " failed; " << f.lost.size()
                 << " replica(s) on it reported lost to the namenode; still serving "
                 << f.num_volumes - f.num_failed_volumes << " volume(s) (" << f.num_failed_volumes
                 << " failed, " << kFailedVolumesToleratedKey << " = "
                 << options_.failed_volumes_tolerated << ")";
    return;
  }
  absl::Status fatal = absl::FailedPreconditionError(absl::StrCat(
      f.num_failed_volumes, " of ", f.num_volumes, " volume(s) have failed (the last: ", f.dir,
      ": ", f.reason.message(), "), more than ", kFailedVolumesToleratedKey, " = ",
      options_.failed_volumes_tolerated, " allows"));
  {
    absl::MutexLock lock(&fatal_mu_);
    if (!fatal_error_.ok()) return;
    fatal_error_ = fatal;
  }
  LOG(ERROR) << "Datanode " << address_ << " is shutting down: " << fatal.message()
             << ". Replace the failed disk(s) or fix " << kDataDirKey << ", then restart it";
  if (on_fatal_) on_fatal_();
}

void Datanode::ReportBadReplica(uint64_t block_id, uint64_t generation_stamp, uint64_t num_bytes) {
  Block b;
  b.set_block_id(block_id);
  b.set_generation_stamp(generation_stamp);
  b.set_num_bytes(num_bytes);
  heartbeater_->ReportBadBlock(b);
}

int32_t Datanode::active_transfers() const {
  return active_streams_.load() + (replicator_ ? replicator_->num_active() : 0);
}

absl::Status Datanode::WithAddress(const absl::Status& s) const {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(s.message(), " on ", address_));
}

absl::Status Datanode::WriteBlock(PacketStream* upstream) {
  if (!ready_.load()) return NotReady();
  ActiveTransfer transfer(&active_streams_);
  BlockReceiver receiver({address_}, store_.get(), datanodes_.get(),
                         [this](const ReplicaInfo& r) { heartbeater_->NotifyBlockReceived(r); });
  return receiver.Run(upstream);
}

absl::Status Datanode::ReadBlock(const ReadBlockRequest& request,
                                 const std::function<bool(const ReadBlockResponse&)>& send) {
  if (!ready_.load()) return NotReady();
  ActiveTransfer transfer(&active_streams_);
  absl::Status s = WithAddress(ReadVerifiedChunks(request, send));
  if (s.ok()) kBlocksRead->Increment();
  if (absl::IsDataLoss(s)) {
    const Block& b = request.block();
    std::optional<ReplicaInfo> now = store_->GetReplica(b.block_id());
    if (!now || now->generation_stamp != b.generation_stamp()) {
      // Recovered or replaced while we read it: stale, not corrupt.
      return absl::NotFoundError(absl::StrCat("replica blk_", b.block_id(), "_",
                                              b.generation_stamp(), " changed while being read",
                                              " on ", address_));
    }
    LOG(ERROR) << "Corrupt replica: " << s.message() << " (data dir "
               << store_->data_dirs()[now->volume]
               << "); reporting it to the namenode, which will re-replicate the block";
    heartbeater_->ReportBadBlock(b);
  } else if (!s.ok() && !absl::IsCancelled(s)) {
    VLOG(1) << "ReadBlock failed: " << s;
  }
  return s;
}

absl::Status Datanode::ReadVerifiedChunks(
    const ReadBlockRequest& request, const std::function<bool(const ReadBlockResponse&)>& send) {
  const Block& b = request.block();
  HL_ASSIGN_OR_RETURN(std::unique_ptr<ReplicaReader> reader,
                      store_->OpenVisibleReplica(b.block_id(), b.generation_stamp()));
  const uint64_t length = reader->num_bytes();
  if (request.offset() > length) {
    return absl::OutOfRangeError(absl::StrCat("offset ", request.offset(),
                                              " is beyond the end of blk_", b.block_id(), "_",
                                              b.generation_stamp(), " (", length, " bytes)"));
  }
  const uint64_t end = request.length() == 0 || request.length() > length - request.offset()
                           ? length
                           : request.offset() + request.length();
  const uint32_t bpc = reader->bytes_per_checksum();
  const size_t packet = std::max<size_t>(bpc, kReadPacketBytes / bpc * bpc);
  uint64_t pos = request.offset() - request.offset() % bpc;
  ReadBlockResponse response;
  response.set_bytes_per_checksum(bpc);
  ChunkedData chunk;
  while (pos < end) {
    // The packet buffer goes into the response and back, so every packet reuses it.
    HL_ASSIGN_OR_RETURN(chunk, reader->Read(pos, static_cast<size_t>(std::min<uint64_t>(
                                                     packet, end - pos)),
                                            std::move(chunk)));
    if (chunk.data.empty()) break;
    pos += chunk.data.size();
    const double sent = static_cast<double>(chunk.data.size());
    response.set_offset(chunk.offset);
    response.mutable_data()->swap(chunk.data);
    response.mutable_checksums()->Assign(chunk.checksums.begin(), chunk.checksums.end());
    bool sent_ok = send(response);
    response.mutable_data()->swap(chunk.data);
    if (!sent_ok) return absl::CancelledError("the reader went away");
    kBytesRead->Increment(sent);
  }
  return absl::OkStatus();
}

absl::StatusOr<GetReplicaInfoResponse> Datanode::GetReplicaInfo(
    const GetReplicaInfoRequest& request) const {
  if (!ready_.load()) return NotReady();
  GetReplicaInfoResponse response;
  std::optional<ReplicaInfo> r = store_->GetReplica(request.block_id());
  if (!r) return response;
  response.set_exists(true);
  response.set_generation_stamp(r->generation_stamp);
  response.set_num_bytes(r->visible_bytes);
  response.set_finalized(r->finalized);
  return response;
}

absl::StatusOr<GetBlockChecksumResponse> Datanode::GetBlockChecksum(
    const GetBlockChecksumRequest& request) {
  if (!ready_.load()) return NotReady();
  const Block& b = request.block();
  HL_ASSIGN_OR_RETURN(std::unique_ptr<ReplicaReader> reader,
                      store_->OpenVisibleReplica(b.block_id(), b.generation_stamp()));
  HL_ASSIGN_OR_RETURN(std::vector<uint32_t> sums, reader->AllChecksums());
  GetBlockChecksumResponse response;
  response.set_bytes_per_crc(reader->bytes_per_checksum());
  response.set_crc_per_block(sums.size());
  response.set_md5(Md5::Bytes(Md5::Of(EncodeChecksums(sums))));
  response.set_crc_type("CRC32C");
  return response;
}

absl::StatusOr<InitReplicaRecoveryResponse> Datanode::InitReplicaRecovery(
    const InitReplicaRecoveryRequest& request) {
  if (!ready_.load()) return NotReady();
  absl::StatusOr<ReplicaInfo> r =
      store_->InitReplicaRecovery(request.block_id(), request.recovery_id());
  if (!r.ok()) return WithAddress(r.status());
  InitReplicaRecoveryResponse response;
  response.set_exists(true);
  response.set_generation_stamp(r->generation_stamp);
  response.set_num_bytes(r->num_bytes);
  response.set_finalized(r->finalized);
  return response;
}

absl::Status Datanode::UpdateReplica(const UpdateReplicaRequest& request) {
  if (!ready_.load()) return NotReady();
  absl::StatusOr<ReplicaInfo> r = store_->UpdateReplica(
      request.block_id(), request.new_generation_stamp(), request.new_length());
  if (!r.ok()) return WithAddress(r.status());
  heartbeater_->NotifyBlockReceived(*r);
  return absl::OkStatus();
}

}  // namespace hayloft::datanode
