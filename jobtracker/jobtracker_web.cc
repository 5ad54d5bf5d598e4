#include "jobtracker/jobtracker_web.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/web/page.h"
#include "jobtracker/jobtracker.h"
#include "jobtracker/jobtracker_web_scripts.h"

namespace hayloft::jobtracker {
namespace {

using nlohmann::json;

const std::vector<std::pair<std::string, std::string>> kNav = {
    {"/", "Jobs"}, {"/workers", "Workers"}, {"/metrics", "Metrics"}};

// Milliseconds since the epoch; 0 for "not yet".
int64_t Ms(absl::Time t) {
  return t == absl::InfinitePast() || t == absl::Time() ? 0 : absl::ToUnixMillis(t);
}

const char* JobStateLabel(JobState s) {
  switch (s) {
    case JOB_PREP: return "PREP";
    case JOB_RUNNING: return "RUNNING";
    case JOB_SUCCEEDED: return "SUCCEEDED";
    case JOB_FAILED: return "FAILED";
    case JOB_KILLED: return "KILLED";
    default: return "UNKNOWN";
  }
}

int64_t CounterValue(const JobStatus& s, const std::string& group, const std::string& name) {
  for (const Counter& c : s.counters()) {
    if (c.group() == group && c.name() == name) return c.value();
  }
  return 0;
}

json JobSummaryToJson(const JobStatus& s) {
  return {{"id", s.job_id()},
          {"name", s.name()},
          {"user", s.user()},
          {"state", JobStateLabel(s.state())},
          {"submit_ms", s.start_time_ms()},
          {"finish_ms", s.finish_time_ms()},
          {"map_progress", s.map_progress()},
          {"reduce_progress", s.reduce_progress()},
          {"num_maps", s.num_maps()},
          {"num_reduces", s.num_reduces()},
          {"completed_maps", s.completed_maps()},
          {"completed_reduces", s.completed_reduces()},
          {"from_history", s.from_history()}};
}

json JobToJson(const JobStatus& s) {
  json j = JobSummaryToJson(s);
  j["diagnostics"] = s.diagnostics();
  j["output_path"] = s.output_path();
  j["input_paths"] = json::array();
  for (const std::string& p : s.input_paths()) j["input_paths"].push_back(p);
  j["counters"] = json::array();
  for (const Counter& c : s.counters()) {
    j["counters"].push_back({{"group", c.group()}, {"name", c.name()}, {"value", c.value()}});
  }
  // The scheduler's own count of where maps ran (Job Counters; absent means 0).
  j["locality"] = {{"data_local", CounterValue(s, "Job Counters", "Data-local map tasks")},
                   {"rack_local", CounterValue(s, "Job Counters", "Rack-local map tasks")},
                   {"off_rack", CounterValue(s, "Job Counters", "Other local map tasks")}};
  return j;
}

json AttemptToJson(const AttemptInfo& a, const std::string& worker_http) {
  json j = {{"id", a.id},
            {"type", a.type == MAP ? "MAP" : "REDUCE"},
            {"task", a.task_index},
            {"worker", a.worker_id},
            {"worker_http", worker_http},
            {"state", AttemptStateName(a.state)},
            {"progress", a.progress},
            {"start_ms", Ms(a.start_time)},
            {"finish_ms", Ms(a.finish_time)},
            {"speculative", a.speculative},
            {"diagnostics", a.diagnostics},
            {"counters", json::array()}};
  if (a.type == MAP) j["locality"] = LocalityName(a.locality);
  for (const Counter& c : a.counters) {
    j["counters"].push_back({{"group", c.group()}, {"name", c.name()}, {"value", c.value()}});
  }
  return j;
}

json WorkerToJson(const WorkerSnapshot& w) {
  return {{"id", w.id},
          {"host", w.host},
          {"rack", w.rack},
          {"http_address", w.http_address},
          {"map_slots", w.map_slots},
          {"reduce_slots", w.reduce_slots},
          {"free_map_slots", w.free_map_slots},
          {"free_reduce_slots", w.free_reduce_slots},
          {"running_attempts", w.running_attempts},
          {"last_heartbeat_ms", Ms(w.last_heartbeat)},
          {"lost", w.lost}};
}

void SendError(httplib::Response& res, const absl::Status& s) {
  int code = s.code() == absl::StatusCode::kNotFound          ? 404
             : s.code() == absl::StatusCode::kInvalidArgument ? 400
                                                              : 500;
  web::SendJson(res, {{"error", std::string(s.message())}}, code);
}

}  // namespace

std::string JobtrackerWeb::DaemonLabel() const {
  return absl::StrCat("Jobtracker ", jt_->address());
}

void JobtrackerWeb::Register(httplib::Server& server) const {
  using Req = httplib::Request;
  using Res = httplib::Response;
  server.Get("/", [this](const Req&, Res& res) { JobsPage(res); });
  server.Get("/job", [this](const Req&, Res& res) { JobPage(res); });
  server.Get("/attempt", [this](const Req&, Res& res) { AttemptPage(res); });
  server.Get("/workers", [this](const Req&, Res& res) { WorkersPage(res); });
  server.Get("/api/jobs", [this](const Req&, Res& res) { JobsJson(res); });
  server.Get("/api/job", [this](const Req& req, Res& res) {
    JobJson(req.get_param_value("id"), res);
  });
  server.Get("/api/attempt", [this](const Req& req, Res& res) {
    AttemptJson(req.get_param_value("id"), res);
  });
  server.Get("/api/workers", [this](const Req&, Res& res) { WorkersJson(res); });
}

void JobtrackerWeb::JobsPage(httplib::Response& res) const {
  web::SendPage(res, {"Jobs", DaemonLabel(), kNav, absl::StrCat(kStyle, kJobsBody),
                      absl::StrCat(kCommonScript, kJobsScript)});
}

void JobtrackerWeb::JobPage(httplib::Response& res) const {
  web::SendPage(res, {"Job", DaemonLabel(), kNav, absl::StrCat(kStyle, kJobBody),
                      absl::StrCat(kCommonScript, kTimelineScript, kJobScript)});
}

void JobtrackerWeb::AttemptPage(httplib::Response& res) const {
  web::SendPage(res, {"Task attempt", DaemonLabel(), kNav, absl::StrCat(kStyle, kAttemptBody),
                      absl::StrCat(kCommonScript, kAttemptScript)});
}

void JobtrackerWeb::WorkersPage(httplib::Response& res) const {
  web::SendPage(res, {"Workers", DaemonLabel(), kNav, absl::StrCat(kStyle, kWorkersBody),
                      absl::StrCat(kCommonScript, kWorkersScript)});
}

void JobtrackerWeb::JobsJson(httplib::Response& res) const {
  json out = {{"now_ms", Ms(absl::Now())}, {"jobs", json::array()}, {"workers", json::array()}};
  for (const JobStatus& s : jt_->ListJobs(/*all=*/true)) out["jobs"].push_back(JobSummaryToJson(s));
  for (const WorkerSnapshot& w : jt_->ListWorkers()) out["workers"].push_back(WorkerToJson(w));
  web::SendJson(res, out);
}

void JobtrackerWeb::JobJson(const std::string& id, httplib::Response& res) const {
  absl::StatusOr<JobDetail> d = jt_->GetJobDetail(id);
  if (!d.ok()) return SendError(res, d.status());
  json out = {{"now_ms", Ms(absl::Now())}, {"job", JobToJson(d->status)},
              {"attempts", json::array()}};
  for (const AttemptInfo& a : d->attempts) {
    out["attempts"].push_back(AttemptToJson(a, d->worker_http_addresses[a.worker_id]));
  }
  web::SendJson(res, out);
}

void JobtrackerWeb::AttemptJson(const std::string& id, httplib::Response& res) const {
  absl::StatusOr<AttemptDetail> d = jt_->GetAttemptDetail(id);
  if (!d.ok()) return SendError(res, d.status());
  json out = {{"now_ms", Ms(absl::Now())},
              {"job_id", d->job_id},
              {"job_name", d->job_name},
              {"attempt", AttemptToJson(d->attempt, d->worker_http_address)},
              {"log_error", d->log_error},
              {"log",
               {{"stderr", d->log.stderr_tail()},
                {"stderr_size", d->log.stderr_size()},
                {"stdout", d->log.stdout_tail()},
                {"stdout_size", d->log.stdout_size()}}}};
  web::SendJson(res, out);
}

void JobtrackerWeb::WorkersJson(httplib::Response& res) const {
  json out = {{"now_ms", Ms(absl::Now())}, {"workers", json::array()}};
  for (const WorkerSnapshot& w : jt_->ListWorkers()) out["workers"].push_back(WorkerToJson(w));
  web::SendJson(res, out);
}

}  // namespace hayloft::jobtracker
