#include "jobtracker/jobtracker.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/job_client.h"
#include "client/job_conf.h"
#include "common/base/host_port.h"
#include "common/base/logging.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"
#include "common/server/daemon_util.h"
#include "jobtracker/input_splitter.h"
#include "jobtracker/jobtracker_service.h"
#include "jobtracker/jobtracker_web.h"

namespace hayloft::jobtracker {
namespace {

constexpr absl::Duration kMonitorInterval = absl::Milliseconds(500);
// Workers are told to purge a finished job's local data for this long.
constexpr absl::Duration kPurgeNoticeTime = absl::Minutes(10);
// Jobs kept in memory after they end (older ones are answered from history).
constexpr size_t kMaxRetainedJobs = 200;

metrics::Counter* const kJobsSubmitted = metrics::DefaultRegistry().GetCounter(
    "mapreduce_jobtracker_jobs_submitted_total", "Jobs accepted for running.");

absl::StatusOr<int> ConfInt(const std::map<std::string, std::string>& conf,
                            absl::string_view key, int def, int min, int max) {
  auto it = conf.find(std::string(key));
  if (it == conf.end() || it->second.empty()) return def;
  int v;
  if (!absl::SimpleAtoi(it->second, &v) || v < min || v > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid value for ", key, ": '", it->second, "'"));
  }
  return v;
}

}  // namespace

Jobtracker::Jobtracker(JobtrackerOptions options) : options_(std::move(options)) {}

Jobtracker::~Jobtracker() { Shutdown(); }

absl::Status Jobtracker::Init() {
  start_stamp_ = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  if (!options_.topology_file.empty()) {
    HL_ASSIGN_OR_RETURN(topology_, Topology::LoadFile(options_.topology_file));
  }
  scheduler_ = std::make_unique<TaskScheduler>(&topology_, options_.locality_delay,
                                               options_.speculative_lag);
  HL_ASSIGN_OR_RETURN(DfsClientOptions dfs_options, DfsClientOptions::FromConfig(options_.dfs_conf));
  dfs_clients_ = std::make_unique<DfsClientCache>(std::move(dfs_options));
  HL_ASSIGN_OR_RETURN(dfs_, dfs_clients_->For(""));
  client_service_ = std::make_unique<JobtrackerServiceImpl>(this);
  worker_service_ = std::make_unique<WorkerProtocolServiceImpl>(this);
  HL_ASSIGN_OR_RETURN(rpc::StartedServer started,
                      rpc::StartServer(options_.listen_address,
                                       {client_service_.get(), worker_service_.get()}));
  server_ = std::move(started.server);
  absl::StatusOr<HostPort> hp = HostPort::Parse(options_.listen_address, 8021);
  address_ = absl::StrCat(hp.ok() ? hp->host : "127.0.0.1", ":", started.port);
  LOG(INFO) << "jobtracker serving on " << address_ << "; DFS " << options_.default_fs;
  return absl::OkStatus();
}

absl::Status Jobtracker::Start() {
  web_ = std::make_unique<web::WebServer>(web::WebServerOptions{
      .address = options_.http_address, .port_file = options_.http_port_file});
  pages_ = std::make_unique<JobtrackerWeb>(this);
  pages_->Register(web_->server());
  HL_RETURN_IF_ERROR(Annotate(web_->Start(), "check mapreduce.jobtracker.http.address"));
  http_port_ = web_->port();
  AddMetricCallbacks();
  committer_ = std::thread([this] { CommitterLoop(); });
  monitor_ = std::thread([this] { MonitorLoop(); });
  if (!options_.port_file.empty()) {
    HL_RETURN_IF_ERROR(daemon::WriteFileDurably(options_.port_file, address_ + "\n"));
  }
  return absl::OkStatus();
}

void Jobtracker::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (web_ != nullptr) web_->Shutdown();
  if (server_ != nullptr) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  if (committer_.joinable()) committer_.join();
  if (monitor_.joinable()) monitor_.join();
}

std::string Jobtracker::GetNewJobId() {
  // Clients stage the job right after this call.
  EnsureStagingRoot();
  absl::MutexLock lock(&mu_);
  return absl::StrFormat("job_%s_%04d", start_stamp_, next_job_seq_++);
}

void Jobtracker::EnsureStagingRoot() {
  {
    absl::MutexLock lock(&mu_);
    if (staging_root_ready_) return;
  }
  std::string dir = "/";
  absl::Status s;
  for (const std::string& name : path::Components(options_.staging_root)) {
    dir = path::Join(dir, name);
    absl::StatusOr<FileStatus> st = dfs_->GetFileInfo(dir);
    if (st.ok()) continue;
    s = st.status();
    if (!absl::IsNotFound(s)) break;
    // Shared scratch space, as /tmp is on HDFS: anyone may add, only owners remove.
    s = dfs_->Mkdirs(dir, /*create_parent=*/false);
    if (s.ok() || absl::IsAlreadyExists(s)) s = dfs_->SetPermission(dir, 01777);
    if (!s.ok()) break;
  }
  if (!s.ok()) {
    LOG(WARNING) << "cannot make the staging root " << options_.staging_root
                 << " (users may not be able to submit jobs): " << s.message();
    return;
  }
  absl::MutexLock lock(&mu_);
  staging_root_ready_ = true;
}

absl::StatusOr<JobStatus> Jobtracker::SubmitJob(const SubmitJobRequest& req) {
  std::map<std::string, std::string> conf(req.conf().begin(), req.conf().end());
  JobOptions jo;
  jo.id = req.job_id();
  jo.user = req.user();
  // The tasks act as this user toward the DFS.
  conf[std::string(jobconf::kUser)] = req.user();
  HL_ASSIGN_OR_RETURN(DfsClient * dfs, dfs_clients_->For(req.user()));
  HL_ASSIGN_OR_RETURN(jo.num_reduces, ConfInt(conf, jobconf::kNumReduces, 1, 0, 100000));
  HL_ASSIGN_OR_RETURN(jo.max_map_attempts, ConfInt(conf, jobconf::kMapMaxAttempts, 4, 1, 100));
  HL_ASSIGN_OR_RETURN(jo.max_reduce_attempts,
                      ConfInt(conf, jobconf::kReduceMaxAttempts, 4, 1, 100));
  HL_RETURN_IF_ERROR(jobconf::ParseOutputFormat(conf[std::string(jobconf::kOutputFormat)]).status());
  {
    absl::MutexLock lock(&mu_);
    if (jobs_.count(jo.id) > 0) {
      return absl::AlreadyExistsError(absl::StrCat("job ", jo.id, " was already submitted"));
    }
  }
  HL_ASSIGN_OR_RETURN(jo.splits, ComputeSplits(dfs, conf, options_.default_fs));
  const std::string out = conf[std::string(jobconf::kOutputDir)];
  HL_RETURN_IF_ERROR(Annotate(dfs->Mkdirs(path::Join(out, "_temporary"), true),
                              absl::StrCat("creating ", options_.default_fs, out)));
  jo.conf = std::move(conf);
  kJobsSubmitted->Increment();
  absl::MutexLock lock(&mu_);
  auto job = std::make_unique<Job>(std::move(jo), absl::Now());
  Job* j = job.get();
  jobs_[j->id()] = std::move(job);
  LOG(INFO) << "job " << j->id() << " submitted by " << req.user() << ": " << j->maps().size()
            << " maps, " << j->reduces().size() << " reduces, output " << j->output_dir();
  CheckJobsLocked();
  return j->Snapshot();
}

absl::StatusOr<JobStatus> Jobtracker::GetJobStatus(const std::string& job_id) const {
  {
    absl::MutexLock lock(&mu_);
    auto it = jobs_.find(job_id);
    if (it != jobs_.end()) return it->second->Snapshot();
  }
  return ReadHistory(job_id);
}

std::vector<JobStatus> Jobtracker::ListJobs(bool all) const {
  std::map<std::string, JobStatus> out;  // by id: oldest first
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, job] : jobs_) {
      if (all || !job->finished()) out[id] = job->Snapshot();
    }
  }
  if (all) {
    // Jobs that ended before this jobtracker started (or were forgotten).
    absl::StatusOr<std::vector<FileStatus>> history = dfs_->ListStatus(options_.history_dir);
    if (history.ok()) {
      for (const FileStatus& f : *history) {
        if (out.count(f.path()) > 0) continue;
        {
          absl::MutexLock lock(&mu_);
          auto cached = history_cache_.find(f.path());
          if (cached != history_cache_.end()) {
            out[f.path()] = cached->second;
            continue;
          }
        }
        absl::StatusOr<JobStatus> s = ReadHistory(f.path());
        if (!s.ok()) continue;
        out[f.path()] = *s;
        absl::MutexLock lock(&mu_);
        history_cache_[f.path()] = std::move(*s);
      }
    }
  }
  std::vector<JobStatus> list;
  for (auto& [id, s] : out) list.push_back(std::move(s));
  return list;
}

absl::StatusOr<JobStatus> Jobtracker::KillJob(const std::string& job_id) {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return absl::NotFoundError(absl::StrCat("no job ", job_id));
  if (it->second->finished()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "job ", job_id, " has already finished: ", JobStateName(it->second->state())));
  }
  it->second->Kill(absl::Now());
  LOG(INFO) << "job " << job_id << " killed by request";
  CheckJobsLocked();
  return it->second->Snapshot();
}

Job* Jobtracker::FindJobOfAttemptLocked(const std::string& attempt_id) const {
  // attempt_<start>_<seq>_... belongs to job_<start>_<seq>.
  std::vector<std::string> parts = absl::StrSplit(attempt_id, '_');
  if (parts.size() != 6) return nullptr;
  auto it = jobs_.find(absl::StrCat("job_", parts[1], "_", parts[2]));
  return it == jobs_.end() ? nullptr : it->second.get();
}

int Jobtracker::NumLiveWorkersLocked() const {
  int n = 0;
  for (const auto& [id, w] : workers_) n += w.lost ? 0 : 1;
  return n;
}

WorkerHeartbeatResponse Jobtracker::Heartbeat(const WorkerHeartbeatRequest& req) {
  WorkerHeartbeatResponse resp;
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  WorkerInfo& w = workers_[req.worker_id()];
  if (w.last_seen == absl::Time() || w.lost) {
    LOG(INFO) << "worker " << req.worker_id() << " (host " << req.host() << ", rack "
              << topology_.RackOf(req.host()) << ") is " << (w.lost ? "back" : "new");
  }
  w.host = req.host();
  w.last_seen = now;
  w.lost = false;
  w.http_port = req.http_port();
  w.map_slots = req.map_slots();
  w.reduce_slots = req.reduce_slots();
  w.free_map_slots = req.free_map_slots();
  w.free_reduce_slots = req.free_reduce_slots();
  resp.set_http_port(http_port_.load());
  // The worker heartbeats one call at a time, so every attempt assigned to it by
  // an earlier answer is in this report, unless the worker lost it.
  std::set<std::string> reported;
  for (const TaskAttemptStatus& st : req.attempts()) reported.insert(st.attempt_id());
  for (auto& [id, job] : jobs_) {
    if (!job->finished()) job->ReconcileWorker(req.worker_id(), reported);
  }
  std::vector<CommitRequest> commits;
  for (const TaskAttemptStatus& st : req.attempts()) {
    Job* job = FindJobOfAttemptLocked(st.attempt_id());
    bool known = job != nullptr && job->UpdateAttempt(st, req.worker_id(), &commits);
    if (st.state() == ATTEMPT_RUNNING && (!known || job->ShouldKill(st.attempt_id()))) {
      resp.add_kill_attempts(st.attempt_id());
    }
    if (known && st.state() == ATTEMPT_FAILED) {
      LOG(WARNING) << st.attempt_id() << " failed on " << req.worker_id() << ": "
                   << st.diagnostics();
    }
  }
  for (CommitRequest& c : commits) work_.push_back({Work::kCommitTask, std::move(c)});
  CheckJobsLocked();
  std::vector<Job*> running;
  for (auto& [id, job] : jobs_) {
    if (!job->finished()) running.push_back(job.get());
  }
  WorkerOffer offer{req.worker_id(), req.host(), req.free_map_slots(), req.free_reduce_slots(),
                    NumLiveWorkersLocked()};
  for (TaskSpec& spec : scheduler_->Assign(running, offer, now)) {
    LOG(INFO) << "assigned " << spec.attempt_id() << " to " << req.worker_id();
    *resp.add_launch() = std::move(spec);
  }
  for (const auto& [id, at] : finished_at_) {
    if (now - at < kPurgeNoticeTime) resp.add_finished_jobs(id);
  }
  return resp;
}

void Jobtracker::CheckJobsLocked() {
  for (auto& [id, job] : jobs_) {
    if (job->TakeJobCommit()) {
      work_.push_back({Work::kCommitJob, {id, REDUCE, 0, ""}});
    } else if (job->finished() && job->state() != JOB_SUCCEEDED && !finalized_[id]) {
      finalized_[id] = true;
      work_.push_back({Work::kAbortJob, {id, REDUCE, 0, ""}});
    }
  }
}

void Jobtracker::MonitorLoop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), kMonitorInterval)) return;
      const absl::Time now = absl::Now();
      for (auto& [id, w] : workers_) {
        if (w.lost || now - w.last_seen < options_.worker_expiry) continue;
        w.lost = true;
        LOG(WARNING) << "worker " << id << " lost: no heartbeat for "
                     << absl::FormatDuration(now - w.last_seen) << "; re-running its tasks";
        for (auto& [job_id, job] : jobs_) {
          if (!job->finished()) job->LoseWorker(id);
        }
      }
      CheckJobsLocked();
      // Forget the oldest finished jobs; history still answers for them.
      while (jobs_.size() > kMaxRetainedJobs) {
        auto oldest = std::find_if(jobs_.begin(), jobs_.end(), [&](const auto& kv) {
          return kv.second->finished() && finalized_[kv.first];
        });
        if (oldest == jobs_.end()) break;
        jobs_.erase(oldest);
      }
    }
  }
}

void Jobtracker::CommitterLoop() {
  while (true) {
    Work work;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !work_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      work = std::move(work_.front());
      work_.pop_front();
    }
    DoWork(work);
  }
}

std::string Jobtracker::StagingDir(const std::string& job_id) {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return "";
  auto dir = it->second->conf().find("hayloft.job.staging.dir");
  return dir == it->second->conf().end() ? "" : dir->second;
}

void Jobtracker::DoWork(const Work& work) {
  std::string out, user;
  {
    absl::MutexLock lock(&mu_);
    auto it = jobs_.find(work.commit.job_id);
    if (it == jobs_.end()) return;
    out = it->second->output_dir();
    user = it->second->user();
  }
  // Commits are the job's user's doing: the output is theirs.
  absl::StatusOr<DfsClient*> client = dfs_clients_->For(user);
  DfsClient* dfs = client.ok() ? *client : dfs_;
  const std::string temp = path::Join(out, "_temporary");
  if (work.kind == Work::kCommitTask) {
    const CommitRequest& c = work.commit;
    bool map_only = c.type == MAP;
    std::string part = jobconf::PartFileName(map_only, c.index);
    absl::Status s = dfs->Rename(path::Join(path::Join(temp, c.attempt_id), part),
                                 path::Join(out, part));
    absl::MutexLock lock(&mu_);
    auto it = jobs_.find(c.job_id);
    if (it == jobs_.end()) return;
    it->second->CommitDone(c, s.ok() ? "" : std::string(s.message()));
    CheckJobsLocked();
    return;
  }
  absl::Status s;
  if (work.kind == Work::kCommitJob) {
    s = dfs->WriteFile(path::Join(out, "_SUCCESS"), "");
  }
  dfs->Delete(temp, /*recursive=*/true).IgnoreError();
  std::string staging = StagingDir(work.commit.job_id);
  if (!staging.empty()) dfs->Delete(staging, true).IgnoreError();
  JobStatus final_status;
  {
    absl::MutexLock lock(&mu_);
    auto it = jobs_.find(work.commit.job_id);
    if (it == jobs_.end()) return;
    Job& job = *it->second;
    if (work.kind == Work::kCommitJob) {
      if (s.ok()) {
        job.MarkSucceeded(absl::Now());
      } else {
        job.Fail(absl::StrCat("committing the job output failed: ", s.message()), absl::Now());
      }
    }
    finalized_[job.id()] = true;
    finished_at_[job.id()] = absl::Now();
    final_status = job.Snapshot();
  }
  LOG(INFO) << "job " << final_status.job_id() << " " << JobStateName(final_status.state())
            << (final_status.diagnostics().empty() ? "" : ": ") << final_status.diagnostics();
  WriteHistory(final_status);
}

void Jobtracker::WriteHistory(const JobStatus& status) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(status, &text);
  absl::Status s = dfs_->Mkdirs(options_.history_dir, true);
  if (s.ok()) {
    CreateOptions o;
    o.overwrite = true;
    s = dfs_->WriteFile(path::Join(options_.history_dir, status.job_id()), text, o);
  }
  if (!s.ok()) LOG(WARNING) << "writing history of " << status.job_id() << ": " << s;
}

absl::StatusOr<JobStatus> Jobtracker::ReadHistory(const std::string& job_id) const {
  if (job_id.empty() || job_id.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("bad job id '", job_id, "'"));
  }
  absl::StatusOr<std::string> text = dfs_->ReadFile(path::Join(options_.history_dir, job_id));
  if (!text.ok()) {
    if (text.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat("Could not find job ", job_id));
    }
    return text.status();
  }
  JobStatus status;
  if (!google::protobuf::TextFormat::ParseFromString(*text, &status)) {
    return absl::DataLossError(absl::StrCat("history of ", job_id, " is unreadable"));
  }
  status.set_from_history(true);
  return status;
}

}  // namespace hayloft::jobtracker
