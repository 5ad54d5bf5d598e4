// The worker's gRPC adapters: ShuffleService (reducers fetch map output) and
// WorkerService (the jobtracker reads attempt logs).
#ifndef HAYLOFT_WORKER_WORKER_SERVICE_H_
#define HAYLOFT_WORKER_WORKER_SERVICE_H_

#include "proto/worker.grpc.pb.h"

namespace hayloft::worker {

class Worker;

// Thread-safe (stateless).
class ShuffleServiceImpl final : public ShuffleService::Service {
 public:
  explicit ShuffleServiceImpl(const Worker* worker) : worker_(worker) {}
  grpc::Status GetMapOutput(grpc::ServerContext* ctx, const GetMapOutputRequest* req,
                            grpc::ServerWriter<MapOutputChunk>* writer) override;

 private:
  const Worker* worker_;
};

// Thread-safe (stateless).
class WorkerServiceImpl final : public WorkerService::Service {
 public:
  explicit WorkerServiceImpl(const Worker* worker) : worker_(worker) {}
  grpc::Status GetAttemptLog(grpc::ServerContext*, const GetAttemptLogRequest* req,
                             GetAttemptLogResponse* resp) override;

 private:
  const Worker* worker_;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_WORKER_SERVICE_H_
