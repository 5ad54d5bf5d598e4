#include "jobtracker/jobtracker_service.h"

#include "common/base/grpc_status.h"
#include "jobtracker/jobtracker.h"

namespace hayloft::jobtracker {

grpc::Status JobtrackerServiceImpl::GetNewJobId(grpc::ServerContext*, const GetNewJobIdRequest*,
                                                GetNewJobIdResponse* resp) {
  resp->set_job_id(jt_->GetNewJobId());
  return grpc::Status::OK;
}

grpc::Status JobtrackerServiceImpl::SubmitJob(grpc::ServerContext*, const SubmitJobRequest* req,
                                              SubmitJobResponse* resp) {
  if (req->job_id().empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("no job id: call GetNewJobId first"));
  }
  absl::StatusOr<JobStatus> s = jt_->SubmitJob(*req);
  if (!s.ok()) return ToGrpcStatus(s.status());
  *resp->mutable_status() = *s;
  return grpc::Status::OK;
}

grpc::Status JobtrackerServiceImpl::GetJobStatus(grpc::ServerContext*,
                                                 const GetJobStatusRequest* req,
                                                 GetJobStatusResponse* resp) {
  absl::StatusOr<JobStatus> s = jt_->GetJobStatus(req->job_id());
  if (!s.ok()) return ToGrpcStatus(s.status());
  *resp->mutable_status() = *s;
  return grpc::Status::OK;
}

grpc::Status JobtrackerServiceImpl::ListJobs(grpc::ServerContext*, const ListJobsRequest* req,
                                             ListJobsResponse* resp) {
  for (JobStatus& s : jt_->ListJobs(req->all())) *resp->add_jobs() = std::move(s);
  return grpc::Status::OK;
}

grpc::Status JobtrackerServiceImpl::KillJob(grpc::ServerContext*, const KillJobRequest* req,
                                            KillJobResponse* resp) {
  absl::StatusOr<JobStatus> s = jt_->KillJob(req->job_id());
  if (!s.ok()) return ToGrpcStatus(s.status());
  *resp->mutable_status() = *s;
  return grpc::Status::OK;
}

grpc::Status WorkerProtocolServiceImpl::Heartbeat(grpc::ServerContext*,
                                                  const WorkerHeartbeatRequest* req,
                                                  WorkerHeartbeatResponse* resp) {
  if (req->worker_id().empty() || req->host().empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("heartbeat without worker id or host"));
  }
  *resp = jt_->Heartbeat(*req);
  return grpc::Status::OK;
}

}  // namespace hayloft::jobtracker
