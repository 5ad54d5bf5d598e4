// ShuffleServiceImpl: the gRPC adapter for the worker's ShuffleService.
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

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_WORKER_SERVICE_H_
