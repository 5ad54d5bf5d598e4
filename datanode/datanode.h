// Datanode: the hayloft-datanode daemon. Owns the block store, the gRPC server
// with the DatanodeService, the heartbeater (namenode conversation), the block
// replicator and the block scanner. Lifecycle: Init() (open the data dirs, listen),
// Start() (threads, port file), Shutdown() (stop serving, join every thread).
//
// A volume that fails is dropped (its replicas are reported deleted); once more
// volumes have failed than dfs.datanode.failed.volumes.tolerated allows, the
// datanode records a fatal error and calls the fatal error handler, whose job is to
// get Shutdown() called (hayloft-datanode raises SIGTERM at itself).
#ifndef HAYLOFT_DATANODE_DATANODE_H_
#define HAYLOFT_DATANODE_DATANODE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"
#include "common/web/web_server.h"
#include "datanode/block_receiver.h"
#include "datanode/block_scanner.h"
#include "datanode/block_store.h"
#include "datanode/datanode_webhdfs.h"
#include "datanode/datanode_options.h"
#include "proto/datanode.pb.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace hayloft::datanode {

class BlockReplicator;
class DatanodeClient;
class DatanodeWeb;
class DatanodeServiceImpl;
class Heartbeater;
class NamenodeClient;

// What the datanode is doing, for its status page (datanode_web.h).
struct DatanodeStatus {
  DatanodeId id;
  std::string namenode_address;
  bool registered = false;  // with the namenode, now
  absl::Time started_at;
  absl::Time last_heartbeat = absl::InfinitePast();  // last one the namenode answered
  std::vector<VolumeReport> volumes;                 // one per data dir
  int64_t num_replicas = 0;                          // finalized
  int32_t active_transfers = 0;
  bool scanner_enabled = false;
  std::vector<ScanProgress> scanner;  // per volume
  absl::Status fatal_error;
};

// Thread-safe after Init(): the service calls WriteBlock/ReadBlock/GetReplicaInfo
// from many RPC threads. Init, Start and Shutdown are called once each, in order,
// from one thread.
class Datanode {
 public:
  explicit Datanode(DatanodeOptions options);
  ~Datanode();  // calls Shutdown()
  Datanode(const Datanode&) = delete;
  Datanode& operator=(const Datanode&) = delete;

  // Opens the data dirs and starts listening. FailedPrecondition naming a data dir
  // (and the key to fix) if too many are unusable; Unavailable if the port is taken.
  absl::Status Init();
  // Starts talking to the namenode and writes the port file.
  absl::Status Start();
  // Stops the server (in-flight transfers get options.shutdown_grace) and joins
  // every thread. Idempotent.
  void Shutdown();

  // "host:port" this datanode is reached at (advertised host, bound port).
  const std::string& address() const { return address_; }
  const DatanodeId& id() const { return id_; }

  // Called once, from any thread, when the datanode can no longer run; must not
  // block. Set before Init().
  void SetFatalErrorHandler(std::function<void()> handler) { on_fatal_ = std::move(handler); }
  // OK unless the datanode hit a fatal error (too many failed volumes).
  absl::Status fatal_error() const;

  // The DatanodeService calls, minus gRPC. See proto/datanode.proto.
  absl::Status WriteBlock(PacketStream* upstream);
  // `send` returns false when the reader has gone away.
  absl::Status ReadBlock(const ReadBlockRequest& request,
                         const std::function<bool(const ReadBlockResponse&)>& send);
  // For a replica being written, num_bytes is its visible (acknowledged) length.
  absl::StatusOr<GetReplicaInfoResponse> GetReplicaInfo(const GetReplicaInfoRequest& request) const;
  absl::StatusOr<GetBlockChecksumResponse> GetBlockChecksum(
      const GetBlockChecksumRequest& request);
  absl::StatusOr<InitReplicaRecoveryResponse> InitReplicaRecovery(
      const InitReplicaRecoveryRequest& request);
  // Queues an incremental block report (received) for the new stamp.
  absl::Status UpdateReplica(const UpdateReplicaRequest& request);

  // Unavailable until Init() has finished.
  absl::StatusOr<DatanodeStatus> GetStatus() const;

 private:
  void CreateComponents();
  // Gauges read from the components at scrape time (replicas, capacity...).
  void RegisterMetrics();
  absl::Status StartServer();
  int32_t active_transfers() const;
  absl::Status ReadVerifiedChunks(const ReadBlockRequest& request,
                                  const std::function<bool(const ReadBlockResponse&)>& send);
  absl::Status WithAddress(const absl::Status& s) const;
  void OnVolumeFailure(const VolumeFailure& failure);
  void ReportBadReplica(uint64_t block_id, uint64_t generation_stamp, uint64_t num_bytes);

  const DatanodeOptions options_;
  const absl::Time started_at_ = absl::Now();
  std::string address_;
  DatanodeId id_;

  std::unique_ptr<BlockStore> store_;
  std::unique_ptr<NamenodeClient> namenode_;
  std::unique_ptr<DatanodeClient> datanodes_;
  std::unique_ptr<Heartbeater> heartbeater_;
  std::unique_ptr<BlockReplicator> replicator_;
  std::unique_ptr<BlockScanner> scanner_;
  std::unique_ptr<DatanodeServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<DatanodeWeb> pages_;
  std::unique_ptr<DatanodeWebHdfs> webhdfs_;  // outlives web_, which calls it
  std::unique_ptr<web::WebServer> web_;  // status page, /metrics

  // Set once Init() has filled in address_ and id_; calls arriving before are refused.
  std::atomic<bool> ready_{false};
  std::atomic<int32_t> active_streams_{0};  // WriteBlock + ReadBlock calls in progress
  bool shut_down_ = false;
  std::function<void()> on_fatal_;

  mutable absl::Mutex fatal_mu_;
  absl::Status fatal_error_ ABSL_GUARDED_BY(fatal_mu_);

  // Read the components above, so destroyed before them.
  std::vector<metrics::Registry::CallbackHandle> metric_callbacks_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_DATANODE_H_
