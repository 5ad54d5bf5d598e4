#include "client/job_client.h"

#include "absl/strings/str_cat.h"
#include "common/base/host_port.h"
#include "common/base/status_macros.h"
#include "common/rpc/retry_policy.h"
#include "common/rpc/rpc_util.h"

namespace hayloft {

absl::StatusOr<JobClientOptions> JobClientOptions::FromConfig(const Configuration& conf) {
  JobClientOptions o;
  absl::StatusOr<HostPort> hp = HostPort::Parse(
      conf.GetString("mapreduce.jobtracker.address", "127.0.0.1:8021"), kDefaultJobtrackerPort);
  if (!hp.ok()) return Annotate(hp.status(), "bad mapreduce.jobtracker.address");
  o.jobtracker_address = hp->ToString();
  return o;
}

JobClient::JobClient(JobClientOptions options)
    : options_(std::move(options)),
      stub_(JobtrackerService::NewStub(rpc::MakeChannel(options_.jobtracker_address))) {}

absl::Status JobClient::Invoke(const std::function<grpc::Status(grpc::ClientContext*)>& call,
                               bool idempotent) {
  return rpc::CallWithRetry({options_.rpc_timeout, options_.connect_timeout, "jobtracker",
                             options_.jobtracker_address, "mapreduce.jobtracker.address"},
                            call, idempotent);
}

absl::StatusOr<std::string> JobClient::GetNewJobId(const std::string& user) {
  GetNewJobIdRequest req;
  req.set_user(user);
  GetNewJobIdResponse resp;
  HL_RETURN_IF_ERROR(Invoke(
      [&](grpc::ClientContext* ctx) { return stub_->GetNewJobId(ctx, req, &resp); }, false));
  return resp.job_id();
}

absl::StatusOr<JobStatus> JobClient::SubmitJob(const std::string& job_id, const std::string& user,
                                               const std::map<std::string, std::string>& conf) {
  SubmitJobRequest req;
  req.set_job_id(job_id);
  req.set_user(user);
  for (const auto& [k, v] : conf) (*req.mutable_conf())[k] = v;
  SubmitJobResponse resp;
  HL_RETURN_IF_ERROR(Invoke(
      [&](grpc::ClientContext* ctx) { return stub_->SubmitJob(ctx, req, &resp); }, false));
  return resp.status();
}

absl::StatusOr<JobStatus> JobClient::GetJobStatus(const std::string& job_id) {
  GetJobStatusRequest req;
  req.set_job_id(job_id);
  GetJobStatusResponse resp;
  HL_RETURN_IF_ERROR(Invoke(
      [&](grpc::ClientContext* ctx) { return stub_->GetJobStatus(ctx, req, &resp); }, true));
  return resp.status();
}

absl::StatusOr<std::vector<JobStatus>> JobClient::ListJobs(bool all) {
  ListJobsRequest req;
  req.set_all(all);
  ListJobsResponse resp;
  HL_RETURN_IF_ERROR(Invoke(
      [&](grpc::ClientContext* ctx) { return stub_->ListJobs(ctx, req, &resp); }, true));
  return std::vector<JobStatus>(resp.jobs().begin(), resp.jobs().end());
}

absl::StatusOr<JobStatus> JobClient::KillJob(const std::string& job_id) {
  KillJobRequest req;
  req.set_job_id(job_id);
  KillJobResponse resp;
  HL_RETURN_IF_ERROR(Invoke(
      [&](grpc::ClientContext* ctx) { return stub_->KillJob(ctx, req, &resp); }, true));
  return resp.status();
}

std::string JobStateName(JobState state) {
  switch (state) {
    case JOB_PREP: return "PREP";
    case JOB_RUNNING: return "RUNNING";
    case JOB_SUCCEEDED: return "SUCCEEDED";
    case JOB_FAILED: return "FAILED";
    case JOB_KILLED: return "KILLED";
    default: return "UNKNOWN";
  }
}

bool IsFinished(JobState state) {
  return state == JOB_SUCCEEDED || state == JOB_FAILED || state == JOB_KILLED;
}

}  // namespace hayloft
