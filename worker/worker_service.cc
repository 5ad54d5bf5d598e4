#include "worker/worker_service.h"

#include "common/base/grpc_status.h"
#include "worker/worker.h"

namespace hayloft::worker {

grpc::Status ShuffleServiceImpl::GetMapOutput(grpc::ServerContext* ctx,
                                              const GetMapOutputRequest* req,
                                              grpc::ServerWriter<MapOutputChunk>* writer) {
  return ToGrpcStatus(worker_->ServeMapOutput(*req, [&](const MapOutputChunk& chunk) {
    return !ctx->IsCancelled() && writer->Write(chunk);
  }));
}

grpc::Status WorkerServiceImpl::GetAttemptLog(grpc::ServerContext*,
                                              const GetAttemptLogRequest* req,
                                              GetAttemptLogResponse* resp) {
  absl::StatusOr<GetAttemptLogResponse> log = worker_->GetAttemptLog(*req);
  if (!log.ok()) return ToGrpcStatus(log.status());
  *resp = *std::move(log);
  return grpc::Status::OK;
}

}  // namespace hayloft::worker
