// gRPC adapters for the jobtracker: check the request, call one Jobtracker
// method, convert the status.
#ifndef HAYLOFT_JOBTRACKER_JOBTRACKER_SERVICE_H_
#define HAYLOFT_JOBTRACKER_JOBTRACKER_SERVICE_H_

#include "proto/jobtracker.grpc.pb.h"

namespace hayloft::jobtracker {

class Jobtracker;

// Thread-safe (stateless).
class JobtrackerServiceImpl final : public JobtrackerService::Service {
 public:
  explicit JobtrackerServiceImpl(Jobtracker* jt) : jt_(jt) {}
  grpc::Status GetNewJobId(grpc::ServerContext*, const GetNewJobIdRequest* req,
                           GetNewJobIdResponse* resp) override;
  grpc::Status SubmitJob(grpc::ServerContext*, const SubmitJobRequest* req,
                         SubmitJobResponse* resp) override;
  grpc::Status GetJobStatus(grpc::ServerContext*, const GetJobStatusRequest* req,
                            GetJobStatusResponse* resp) override;
  grpc::Status ListJobs(grpc::ServerContext*, const ListJobsRequest* req,
                        ListJobsResponse* resp) override;
  grpc::Status KillJob(grpc::ServerContext*, const KillJobRequest* req,
                       KillJobResponse* resp) override;

 private:
  Jobtracker* jt_;
};

// Thread-safe (stateless).
class WorkerProtocolServiceImpl final : public WorkerProtocolService::Service {
 public:
  explicit WorkerProtocolServiceImpl(Jobtracker* jt) : jt_(jt) {}
  grpc::Status Heartbeat(grpc::ServerContext*, const WorkerHeartbeatRequest* req,
                         WorkerHeartbeatResponse* resp) override;

 private:
  Jobtracker* jt_;
};

}  // namespace hayloft::jobtracker

#endif  // HAYLOFT_JOBTRACKER_JOBTRACKER_SERVICE_H_
