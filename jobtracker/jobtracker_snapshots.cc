// The Jobtracker's read-only views for its status pages and /metrics: copies taken
// under mu_, plus the one RPC the attempt page needs (the log tail, from the worker).
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/grpc_status.h"
#include "common/base/host_port.h"
#include "common/rpc/rpc_util.h"
#include "jobtracker/jobtracker.h"
#include "proto/worker.grpc.pb.h"

namespace hayloft::jobtracker {
namespace {

constexpr uint64_t kLogTailBytes = 64 << 10;
constexpr absl::Duration kLogTimeout = absl::Seconds(5);

absl::StatusOr<GetAttemptLogResponse> FetchAttemptLog(const std::string& worker_id,
                                                      const std::string& job_id,
                                                      const std::string& attempt_id) {
  std::unique_ptr<WorkerService::Stub> stub = WorkerService::NewStub(rpc::MakeChannel(worker_id));
  GetAttemptLogRequest req;
  req.set_job_id(job_id);
  req.set_attempt_id(attempt_id);
  req.set_max_bytes(kLogTailBytes);
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, kLogTimeout);
  GetAttemptLogResponse resp;
  absl::Status s = FromGrpcStatus(stub->GetAttemptLog(&ctx, req, &resp));
  if (!s.ok()) return s;
  return resp;
}

// job_<start>_<seq> of attempt_<start>_<seq>_<m|r>_<index>_<n>.
std::string JobIdOf(const std::string& attempt_id) {
  std::vector<std::string> parts = absl::StrSplit(attempt_id, '_');
  if (parts.size() != 6 || parts[0] != "attempt") return "";
  return absl::StrCat("job_", parts[1], "_", parts[2]);
}

}  // namespace

std::string Jobtracker::http_address() const {
  return web_ == nullptr ? "" : web_->address();
}

std::string Jobtracker::WorkerHttpAddressLocked(const std::string& worker_id) const {
  auto it = workers_.find(worker_id);
  if (it == workers_.end() || it->second.http_port <= 0) return "";
  return absl::StrCat(it->second.host, ":", it->second.http_port);
}

std::vector<WorkerSnapshot> Jobtracker::ListWorkers() const {
  absl::MutexLock lock(&mu_);
  std::map<std::string, int> running;
  for (const auto& [id, job] : jobs_) {
    if (job->finished()) continue;
    for (const auto& [worker, n] : job->RunningAttemptsPerWorker()) running[worker] += n;
  }
  std::vector<WorkerSnapshot> out;
  for (const auto& [id, w] : workers_) {
    WorkerSnapshot s;
    s.id = id;
    s.host = w.host;
    s.rack = topology_.RackOf(w.host);
    s.http_address = WorkerHttpAddressLocked(id);
    s.map_slots = w.map_slots;
    s.reduce_slots = w.reduce_slots;
    s.free_map_slots = w.free_map_slots;
    s.free_reduce_slots = w.free_reduce_slots;
    s.running_attempts = running[id];
    s.last_heartbeat = w.last_seen;
    s.lost = w.lost;
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<JobDetail> Jobtracker::GetJobDetail(const std::string& job_id) const {
  {
    absl::MutexLock lock(&mu_);
    auto it = jobs_.find(job_id);
    if (it != jobs_.end()) {
      JobDetail d{it->second->Snapshot(), it->second->Attempts(), {}};
      for (const AttemptInfo& a : d.attempts) {
        d.worker_http_addresses.emplace(a.worker_id, WorkerHttpAddressLocked(a.worker_id));
      }
      return d;
    }
  }
  absl::StatusOr<JobStatus> status = ReadHistory(job_id);
  if (!status.ok()) return status.status();
  return JobDetail{*std::move(status), {}, {}};
}

absl::StatusOr<AttemptDetail> Jobtracker::GetAttemptDetail(const std::string& attempt_id) const {
  AttemptDetail d;
  d.job_id = JobIdOf(attempt_id);
  {
    absl::MutexLock lock(&mu_);
    auto job = jobs_.find(d.job_id);
    const AttemptInfo* a = job == jobs_.end() ? nullptr : job->second->FindAttempt(attempt_id);
    if (a == nullptr) {
      return absl::NotFoundError(absl::StrCat(
          "unknown attempt ", attempt_id, ": the jobtracker knows the attempts of the jobs ",
          "it ran since it started (their history keeps no attempts)"));
    }
    d.attempt = *a;
    d.job_name = job->second->name();
    d.worker_http_address = WorkerHttpAddressLocked(a->worker_id);
    auto w = workers_.find(a->worker_id);
    if (w != workers_.end() && w->second.lost) {
      // Do not make every refresh of the page wait for an RPC timeout.
      d.log_error = absl::StrCat("worker ", a->worker_id, " is lost: its log cannot be read");
      return d;
    }
  }
  absl::StatusOr<GetAttemptLogResponse> log =
      FetchAttemptLog(d.attempt.worker_id, d.job_id, attempt_id);
  if (log.ok()) {
    d.log = *std::move(log);
  } else {
    d.log_error = absl::StrCat("could not read the log from worker ", d.attempt.worker_id, ": ",
                               log.status().message());
  }
  return d;
}

void Jobtracker::AddMetricCallbacks() {
  metrics::Registry& r = metrics::DefaultRegistry();
  metric_callbacks_.push_back(r.AddCallback(
      "mapreduce_jobtracker_jobs_running", "Jobs submitted and not yet ended.",
      metrics::MetricType::kGauge, [this] {
        absl::MutexLock lock(&mu_);
        double n = 0;
        for (const auto& [id, job] : jobs_) n += job->finished() ? 0 : 1;
        return std::vector<metrics::CallbackSample>{{{}, n}};
      }));
  metric_callbacks_.push_back(r.AddCallback(
      "mapreduce_jobtracker_workers", "Workers known to the jobtracker, live or lost.",
      metrics::MetricType::kGauge, [this] {
        absl::MutexLock lock(&mu_);
        double live = NumLiveWorkersLocked();
        double lost = static_cast<double>(workers_.size()) - live;
        return std::vector<metrics::CallbackSample>{{{{"state", "live"}}, live},
                                                    {{{"state", "lost"}}, lost}};
      }));
  auto slots = [this](bool occupied) {
    absl::MutexLock lock(&mu_);
    double map = 0, reduce = 0;
    for (const auto& [id, w] : workers_) {
      if (w.lost) continue;
      map += occupied ? w.map_slots - w.free_map_slots : w.map_slots;
      reduce += occupied ? w.reduce_slots - w.free_reduce_slots : w.reduce_slots;
    }
    return std::vector<metrics::CallbackSample>{{{{"type", "map"}}, map},
                                                {{{"type", "reduce"}}, reduce}};
  };
  metric_callbacks_.push_back(r.AddCallback("mapreduce_jobtracker_slots",
                                            "Task slots of the live workers, by task type.",
                                            metrics::MetricType::kGauge,
                                            [slots] { return slots(false); }));
  metric_callbacks_.push_back(r.AddCallback(
      "mapreduce_jobtracker_slots_occupied",
      "Task slots of the live workers running an attempt, by task type.",
      metrics::MetricType::kGauge, [slots] { return slots(true); }));
}

}  // namespace hayloft::jobtracker
