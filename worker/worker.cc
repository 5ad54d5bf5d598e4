#include "worker/worker.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/job_conf.h"
#include "common/base/crc32c.h"
#include "common/base/grpc_status.h"
#include "common/base/host_port.h"
#include "common/base/logging.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"
#include "common/rpc/rpc_util.h"
#include "common/server/daemon_util.h"
#include "worker/ifile.h"
#include "worker/task_counters.h"
#include "worker/task_runner.h"
#include "worker/worker_service.h"
#include "worker/worker_web.h"

namespace hayloft::worker {
namespace {

// The user who submitted the job (the jobtracker sets it); empty if unknown.
std::string JobUser(const TaskSpec& spec) {
  auto it = spec.conf().find(std::string(jobconf::kUser));
  return it == spec.conf().end() ? "" : it->second;
}

constexpr absl::Duration kPollInterval = absl::Milliseconds(100);
constexpr size_t kChunkBytes = 1 << 20;
constexpr size_t kRecentAttempts = 50;          // kept for the status page
constexpr absl::Duration kLogPurgeInterval = absl::Minutes(1);
constexpr uint64_t kDefaultLogTailBytes = 64 << 10;
constexpr uint64_t kMaxLogTailBytes = 4 << 20;

metrics::Counter* const kShuffleBytesServed = metrics::DefaultRegistry().GetCounter(
    "mapreduce_worker_shuffle_bytes_served_total", "Map output bytes sent to reducers.");
metrics::Counter* const kShuffleBytesFetched = metrics::DefaultRegistry().GetCounter(
    "mapreduce_worker_shuffle_bytes_fetched_total",
    "Map output bytes fetched by the reduce attempts this worker ran.");

const char* TypeLabel(TaskType t) { return t == MAP ? "map" : "reduce"; }

metrics::Gauge* Slots(TaskType t) {
  return metrics::DefaultRegistry().GetGauge("mapreduce_worker_slots",
                                             "Task slots of this worker, by task type.",
                                             {{"type", TypeLabel(t)}});
}

metrics::Gauge* SlotsOccupied(TaskType t) {
  return metrics::DefaultRegistry().GetGauge(
      "mapreduce_worker_slots_occupied", "Task slots running an attempt, by task type.",
      {{"type", TypeLabel(t)}});
}

metrics::Counter* AttemptsCompleted(TaskType t, AttemptState s) {
  const char* state = s == ATTEMPT_SUCCEEDED ? "succeeded" : s == ATTEMPT_KILLED ? "killed"
                                                                                 : "failed";
  return metrics::DefaultRegistry().GetCounter(
      "mapreduce_worker_task_attempts_completed_total",
      "Task attempts that ended on this worker, by task type and final state.",
      {{"type", TypeLabel(t)}, {"state", state}});
}

// Every labelled series exists (at 0) from start-up.
[[maybe_unused]] const bool kMetricsRegistered = [] {
  for (TaskType t : {MAP, REDUCE}) {
    Slots(t);
    SlotsOccupied(t);
    for (AttemptState s : {ATTEMPT_SUCCEEDED, ATTEMPT_FAILED, ATTEMPT_KILLED}) {
      AttemptsCompleted(t, s);
    }
  }
  return true;
}();

// The last `max_bytes` of a file, from the start of a line when one starts in
// that range; and the file's size. NotFound if it does not exist.
absl::StatusOr<std::pair<std::string, uint64_t>> TailBytes(const std::string& path,
                                                           uint64_t max_bytes) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return absl::NotFoundError(absl::StrCat("no ", path));
  const uint64_t size = static_cast<uint64_t>(f.tellg());
  const uint64_t from = size > max_bytes ? size - max_bytes : 0;
  std::string data(size - from, '\0');
  f.seekg(static_cast<std::streamoff>(from));
  f.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(f.gcount()));
  if (from > 0) {
    size_t nl = data.find('\n');
    if (nl != std::string::npos && nl + 1 < data.size()) data.erase(0, nl + 1);
  }
  return std::make_pair(std::move(data), size);
}

// Ids name directories: letters, digits and '_' only.
bool IsSafeId(const std::string& id) {
  if (id.empty() || id.size() > 200) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

absl::Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("mkdir ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

std::string TailOf(const std::string& path, int max_lines) {
  std::ifstream f(path);
  std::stringstream text;
  text << f.rdbuf();
  std::vector<std::string> lines = absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
  size_t from = lines.size() > static_cast<size_t>(max_lines) ? lines.size() - max_lines : 0;
  std::string out;
  for (size_t i = from; i < lines.size(); ++i) absl::StrAppend(&out, lines[i], "\n");
  return out;
}

std::string DescribeExit(int status) {
  if (status > 128) {
    int sig = status - 128;
    const char* name = sigabbrev_np(sig);
    return absl::StrCat("task process was killed by signal ", sig,
                        name != nullptr ? absl::StrCat(" (SIG", name, ")") : "");
  }
  return absl::StrCat("task process exited with status ", status);
}

}  // namespace

Worker::Worker(WorkerOptions options) : options_(std::move(options)) {}

Worker::~Worker() { Shutdown(); }

std::string Worker::JobDir(const std::string& job_id) const {
  return absl::StrCat(options_.local_dir, "/jobs/", job_id);
}

std::string Worker::LogDir(const std::string& job_id, const std::string& attempt_id) const {
  return absl::StrCat(options_.local_dir, "/logs/", job_id, "/", attempt_id);
}

absl::Status Worker::Init() {
  HL_RETURN_IF_ERROR(MakeDirs(options_.local_dir + "/jobs"));
  HL_RETURN_IF_ERROR(MakeDirs(options_.local_dir + "/logs"));
  if (::access(options_.task_binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task runner ", options_.task_binary,
        " is missing (build hayloft-task, or set hayloft.worker.task.binary)"));
  }
  HL_ASSIGN_OR_RETURN(DfsClientOptions dfs_options, DfsClientOptions::FromConfig(options_.dfs_conf));
  dfs_clients_ = std::make_unique<DfsClientCache>(std::move(dfs_options));
  jobtracker_ = WorkerProtocolService::NewStub(rpc::MakeChannel(options_.jobtracker_address));
  service_ = std::make_unique<ShuffleServiceImpl>(this);
  worker_service_ = std::make_unique<WorkerServiceImpl>(this);
  HL_ASSIGN_OR_RETURN(rpc::StartedServer started,
                      rpc::StartServer(options_.listen_address,
                                       {service_.get(), worker_service_.get()}));
  server_ = std::move(started.server);
  address_ = absl::StrCat(options_.host, ":", started.port);
  LOG(INFO) << "worker " << address_ << " serving map outputs; local dir " << options_.local_dir
            << "; jobtracker " << options_.jobtracker_address << "; slots "
            << options_.map_slots << " map, " << options_.reduce_slots << " reduce";
  return absl::OkStatus();
}

absl::Status Worker::Start() {
  Slots(MAP)->Set(options_.map_slots);
  Slots(REDUCE)->Set(options_.reduce_slots);
  web_ = std::make_unique<web::WebServer>(web::WebServerOptions{
      .address = options_.http_address, .port_file = options_.http_port_file});
  pages_ = std::make_unique<WorkerWeb>(this);
  pages_->Register(web_->server());
  HL_RETURN_IF_ERROR(Annotate(web_->Start(), "check mapreduce.tasktracker.http.address"));
  thread_ = std::thread([this] { Loop(); });
  if (!options_.port_file.empty()) {
    HL_RETURN_IF_ERROR(daemon::WriteFileDurably(options_.port_file, address_ + "\n"));
  }
  return absl::OkStatus();
}

void Worker::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  for (auto& [id, a] : attempts_) {
    if (a.process.has_value() && a.process->IsRunning()) {
      a.process->Signal(SIGKILL).IgnoreError();
      a.process->Wait(absl::Seconds(5)).IgnoreError();
    }
  }
  if (web_ != nullptr) web_->Shutdown();
  if (server_ != nullptr) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
}

void Worker::Loop() {
  absl::Time next_heartbeat = absl::Now();
  while (true) {
    bool finished = PollAttempts();
    if (finished || absl::Now() >= next_heartbeat) {
      absl::Status s = HeartbeatOnce();
      if (!s.ok()) LOG(WARNING) << "heartbeat to " << options_.jobtracker_address << ": " << s;
      next_heartbeat = absl::Now() + options_.heartbeat_interval;
      absl::MutexLock lock(&mu_);
      heartbeat_error_ = s.ok() ? "" : s.ToString();
      if (s.ok()) last_heartbeat_ = absl::Now();
    }
    if (absl::Now() >= next_log_purge_) {
      PurgeOldLogs();
      next_log_purge_ = absl::Now() + kLogPurgeInterval;
    }
    PublishStatus();
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), kPollInterval)) return;
  }
}

void Worker::ReadReport(Attempt& a, TaskReport* report) const {
  std::ifstream f(a.dir + "/status", std::ios::binary);
  if (!f) return;
  std::stringstream data;
  data << f.rdbuf();
  if (!report->ParseFromString(data.str())) return;
  a.status.set_progress(report->progress());
  *a.status.mutable_counters() = report->counters();
}

bool Worker::PollAttempts() {
  bool any = false;
  for (auto& [id, a] : attempts_) {
    if (a.status.state() != ATTEMPT_RUNNING || !a.process.has_value()) continue;
    if (a.process->IsRunning()) {
      TaskReport report;
      ReadReport(a, &report);
      continue;
    }
    FinishAttempt(a, a.process->Wait().value_or(-1));
    any = true;
  }
  return any;
}

void Worker::FinishAttempt(Attempt& a, int exit_status) {
  TaskReport report;
  ReadReport(a, &report);
  a.process.reset();
  if (a.kill_requested) {
    a.status.set_state(ATTEMPT_KILLED);
    a.status.set_diagnostics("killed by the jobtracker");
  } else if (exit_status == kTaskExitOk && report.done() && report.error().empty()) {
    a.status.set_state(ATTEMPT_SUCCEEDED);
    a.status.set_progress(1.0f);
  } else {
    a.status.set_state(ATTEMPT_FAILED);
    std::string why = !report.error().empty() ? report.error() : DescribeExit(exit_status);
    std::string tail = TailOf(LogDir(a.spec.job_id(), a.spec.attempt_id()) + "/stderr", 10);
    a.status.set_diagnostics(absl::StrCat(
        why, " on worker ", address_, tail.empty() ? "" : "\nlast lines of its stderr:\n", tail));
    for (int m : report.failed_fetch_maps()) a.status.add_failed_fetch_maps(m);
  }
  AttemptsCompleted(a.spec.type(), a.status.state())->Increment();
  if (a.spec.type() == REDUCE) {
    for (const Counter& c : a.status.counters()) {
      if (c.group() == kTaskGroup && c.name() == "Reduce shuffle bytes") {
        kShuffleBytesFetched->Increment(static_cast<double>(c.value()));
      }
    }
  }
  {
    AttemptView view = ViewOf(a);
    view.finish_time = absl::Now();
    absl::MutexLock lock(&mu_);
    recent_.push_front(std::move(view));
    if (recent_.size() > kRecentAttempts) recent_.pop_back();
  }
  LOG(INFO) << a.spec.attempt_id() << " finished: "
            << (a.status.state() == ATTEMPT_SUCCEEDED ? "SUCCEEDED"
                : a.status.state() == ATTEMPT_KILLED  ? "KILLED"
                                                      : "FAILED")
            << (a.status.diagnostics().empty() ? "" : ": ") << a.status.diagnostics();
}

int Worker::RunningCount(TaskType type) const {
  int n = 0;
  for (const auto& [id, a] : attempts_) {
    if (a.status.state() == ATTEMPT_RUNNING && a.spec.type() == type) ++n;
  }
  return n;
}

absl::Status Worker::HeartbeatOnce() {
  WorkerHeartbeatRequest req;
  req.set_worker_id(address_);
  req.set_host(options_.host);
  req.set_free_map_slots(std::max(0, options_.map_slots - RunningCount(MAP)));
  req.set_free_reduce_slots(std::max(0, options_.reduce_slots - RunningCount(REDUCE)));
  req.set_map_slots(options_.map_slots);
  req.set_reduce_slots(options_.reduce_slots);
  req.set_http_port(web_ != nullptr ? web_->port() : 0);
  std::vector<std::string> reported_final;
  for (const auto& [id, a] : attempts_) {
    *req.add_attempts() = a.status;
    if (a.status.state() != ATTEMPT_RUNNING) reported_final.push_back(id);
  }
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, absl::Seconds(10));
  WorkerHeartbeatResponse resp;
  HL_RETURN_IF_ERROR(FromGrpcStatus(jobtracker_->Heartbeat(&ctx, req, &resp)));
  {
    absl::MutexLock lock(&mu_);
    jobtracker_http_port_ = resp.http_port();
  }
  // The jobtracker has seen these final states; forget them (their map output
  // stays on disk until the job is purged).
  for (const std::string& id : reported_final) attempts_.erase(id);
  for (const std::string& id : resp.kill_attempts()) {
    auto it = attempts_.find(id);
    if (it == attempts_.end() || it->second.status.state() != ATTEMPT_RUNNING) continue;
    it->second.kill_requested = true;
    if (it->second.process.has_value()) it->second.process->Signal(SIGKILL).IgnoreError();
  }
  for (const std::string& job : resp.finished_jobs()) PurgeJob(job);
  for (const TaskSpec& spec : resp.launch()) Launch(spec);
  return absl::OkStatus();
}

void Worker::PurgeJob(const std::string& job_id) {
  if (!IsSafeId(job_id)) return;
  for (const auto& [id, a] : attempts_) {
    if (a.spec.job_id() == job_id && a.status.state() == ATTEMPT_RUNNING) return;
  }
  std::error_code ec;
  if (std::filesystem::exists(JobDir(job_id), ec)) {
    std::filesystem::remove_all(JobDir(job_id), ec);
    LOG(INFO) << "purged local data of " << job_id;
  }
}

absl::Status Worker::LocalizeJob(const TaskSpec& spec, const std::string& job_dir) {
  HL_RETURN_IF_ERROR(MakeDirs(job_dir));
  HL_ASSIGN_OR_RETURN(DfsClient * dfs, dfs_clients_->For(JobUser(spec)));
  auto fetch = [&](const std::string& from, const std::string& to) -> absl::Status {
    if (::access(to.c_str(), R_OK) == 0) return absl::OkStatus();
    HL_ASSIGN_OR_RETURN(std::string data, dfs->ReadFile(from));
    std::string tmp = absl::StrCat(to, ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary);
      out << data;
      if (!out) return absl::InternalError(absl::StrCat("write ", tmp));
    }
    ::chmod(tmp.c_str(), 0755);
    if (std::rename(tmp.c_str(), to.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("rename ", tmp));
    }
    return absl::OkStatus();
  };
  if (!spec.library_path().empty()) {
    HL_RETURN_IF_ERROR(Annotate(fetch(spec.library_path(), job_dir + "/job.so"),
                                "localizing the job library"));
  }
  auto files = spec.conf().find(std::string(jobconf::kStreamFiles));
  if (files != spec.conf().end() && !files->second.empty()) {
    HL_RETURN_IF_ERROR(MakeDirs(job_dir + "/files"));
    for (absl::string_view f : absl::StrSplit(files->second, ',', absl::SkipEmpty())) {
      std::string from(f);
      HL_RETURN_IF_ERROR(Annotate(fetch(from, job_dir + "/files/" + path::Basename(from)),
                                  absl::StrCat("localizing ", from)));
    }
  }
  return absl::OkStatus();
}

absl::Status Worker::PrepareAttempt(const TaskSpec& spec, const std::string& dir) {
  if (!IsSafeId(spec.job_id()) || !IsSafeId(spec.attempt_id())) {
    return absl::InvalidArgumentError("bad job or attempt id");
  }
  const std::string job_dir = JobDir(spec.job_id());
  HL_RETURN_IF_ERROR(LocalizeJob(spec, job_dir));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  HL_RETURN_IF_ERROR(MakeDirs(dir + "/output"));
  HL_RETURN_IF_ERROR(MakeDirs(dir + "/shuffle"));
  HL_RETURN_IF_ERROR(MakeDirs(LogDir(spec.job_id(), spec.attempt_id())));
  // Streaming commands run in the attempt dir and find -file files there.
  if (std::filesystem::exists(job_dir + "/files", ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(job_dir + "/files", ec)) {
      std::string target = dir + "/" + entry.path().filename().string();
      std::filesystem::copy_file(entry.path(), target, ec);
      ::chmod(target.c_str(), 0755);
    }
  }
  TaskSpec local = spec;
  for (const auto& [k, v] : options_.task_conf) (*local.mutable_conf())[k] = v;
  std::ofstream out(dir + "/task.pb", std::ios::binary);
  out << local.SerializeAsString();
  if (!out) return absl::InternalError(absl::StrCat("write ", dir, "/task.pb"));
  return absl::OkStatus();
}

void Worker::Launch(const TaskSpec& spec) {
  Attempt a;
  a.spec = spec;
  a.dir = absl::StrCat(JobDir(spec.job_id()), "/", spec.attempt_id());
  a.status.set_attempt_id(spec.attempt_id());
  a.status.set_state(ATTEMPT_RUNNING);
  a.start_time = absl::Now();
  absl::Status s = PrepareAttempt(spec, a.dir);
  if (s.ok()) {
    SubprocessOptions sp;
    const std::string log_dir = LogDir(spec.job_id(), spec.attempt_id());
    sp.stdout_path = log_dir + "/stdout";
    sp.stderr_path = log_dir + "/stderr";
    // An attempt dies with its worker (this loop thread lives as long as the
    // worker): a killed worker leaves no orphan attempts behind.
    sp.kill_when_parent_exits = true;
    // The attempt (and any command it runs) uses the DFS as the job's user.
    if (std::string user = JobUser(spec); !user.empty()) sp.env["HAYLOFT_USER"] = user;
    absl::StatusOr<Subprocess> child = Subprocess::Start({options_.task_binary, a.dir}, sp);
    if (child.ok()) {
      a.process.emplace(std::move(*child));
    } else {
      s = child.status();
    }
  }
  if (!s.ok()) {
    a.status.set_state(ATTEMPT_FAILED);
    a.status.set_diagnostics(absl::StrCat("could not start the attempt on worker ", address_,
                                          ": ", s.message()));
    LOG(WARNING) << spec.attempt_id() << ": " << a.status.diagnostics();
  } else {
    LOG(INFO) << "launched " << spec.attempt_id() << " (pid " << a.process->pid() << ")";
  }
  attempts_[spec.attempt_id()] = std::move(a);
}

absl::Status Worker::ServeMapOutput(const GetMapOutputRequest& req,
                                    const std::function<bool(const MapOutputChunk&)>& send) const {
  if (!IsSafeId(req.job_id()) || !IsSafeId(req.map_attempt_id())) {
    return absl::InvalidArgumentError("bad job or attempt id");
  }
  const std::string dir =
      absl::StrCat(JobDir(req.job_id()), "/", req.map_attempt_id(), "/output");
  absl::StatusOr<std::vector<SegmentIndexEntry>> index = ReadIndexFile(dir + "/file.out.index");
  if (!index.ok()) {
    return absl::NotFoundError(absl::StrCat("no output of ", req.map_attempt_id(), " on ",
                                            address_, ": ", index.status().message()));
  }
  if (req.partition() < 0 || static_cast<size_t>(req.partition()) >= index->size()) {
    return absl::InvalidArgumentError(absl::StrCat("no partition ", req.partition()));
  }
  const SegmentIndexEntry& e = (*index)[static_cast<size_t>(req.partition())];
  FILE* f = std::fopen((dir + "/file.out").c_str(), "rb");
  if (f == nullptr) return absl::NotFoundError(absl::StrCat("no file.out in ", dir));
  std::fseek(f, static_cast<long>(e.offset), SEEK_SET);
  uint64_t left = e.length;
  bool first = true;
  MapOutputChunk chunk;
  std::string buf;
  absl::Status result;
  while (first || left > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, kChunkBytes));
    buf.resize(n);
    if (n > 0 && std::fread(buf.data(), 1, n, f) != n) {
      result = absl::DataLossError(absl::StrCat("short read of ", dir, "/file.out"));
      break;
    }
    chunk.Clear();
    if (first) {
      chunk.set_total_bytes(e.length);
      chunk.set_crc32c(e.crc);
      first = false;
    }
    chunk.set_data(buf);
    left -= n;
    kShuffleBytesServed->Increment(static_cast<double>(n));
    if (!send(chunk)) {
      result = absl::CancelledError("reducer went away");
      break;
    }
  }
  std::fclose(f);
  return result;
}

absl::StatusOr<GetAttemptLogResponse> Worker::GetAttemptLog(
    const GetAttemptLogRequest& req) const {
  if (!IsSafeId(req.job_id()) || !IsSafeId(req.attempt_id())) {
    return absl::InvalidArgumentError("bad job or attempt id");
  }
  const std::string dir = LogDir(req.job_id(), req.attempt_id());
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat("worker ", address_, " keeps no log of ",
                                            req.attempt_id(), " (never ran here, or older than ",
                                            absl::FormatDuration(options_.log_retention), ")"));
  }
  const uint64_t max = req.max_bytes() == 0 ? kDefaultLogTailBytes
                                            : std::min<uint64_t>(req.max_bytes(), kMaxLogTailBytes);
  GetAttemptLogResponse resp;
  if (auto err = TailBytes(dir + "/stderr", max); err.ok()) {
    resp.set_stderr_tail(std::move(err->first));
    resp.set_stderr_size(err->second);
  }
  if (auto out = TailBytes(dir + "/stdout", max); out.ok()) {
    resp.set_stdout_tail(std::move(out->first));
    resp.set_stdout_size(out->second);
  }
  return resp;
}

AttemptView Worker::ViewOf(const Attempt& a) {
  AttemptView v;
  v.attempt_id = a.spec.attempt_id();
  v.job_id = a.spec.job_id();
  v.type = a.spec.type();
  v.task_index = a.spec.task_index();
  v.state = a.status.state();
  v.progress = a.status.progress();
  v.start_time = a.start_time;
  v.diagnostics = a.status.diagnostics();
  return v;
}

void Worker::PublishStatus() {
  std::vector<AttemptView> running;
  for (const auto& [id, a] : attempts_) {
    if (a.status.state() == ATTEMPT_RUNNING) running.push_back(ViewOf(a));
  }
  SlotsOccupied(MAP)->Set(RunningCount(MAP));
  SlotsOccupied(REDUCE)->Set(RunningCount(REDUCE));
  absl::MutexLock lock(&mu_);
  running_view_ = std::move(running);
}

WorkerStatus Worker::Status() const {
  WorkerStatus s;
  s.id = address_;
  s.host = options_.host;
  s.jobtracker_address = options_.jobtracker_address;
  s.map_slots = options_.map_slots;
  s.reduce_slots = options_.reduce_slots;
  s.start_time = start_time_;
  s.shuffle_bytes_served = kShuffleBytesServed->value();
  s.shuffle_bytes_fetched = kShuffleBytesFetched->value();
  absl::MutexLock lock(&mu_);
  if (jobtracker_http_port_ > 0) {
    absl::StatusOr<HostPort> jt = HostPort::Parse(options_.jobtracker_address, 8021);
    if (jt.ok()) s.jobtracker_http_address = absl::StrCat(jt->host, ":", jobtracker_http_port_);
  }
  s.running = running_view_;
  s.recent.assign(recent_.begin(), recent_.end());
  s.last_heartbeat = last_heartbeat_;
  s.heartbeat_error = heartbeat_error_;
  return s;
}

void Worker::PurgeOldLogs() {
  std::set<std::string> running_jobs;
  for (const auto& [id, a] : attempts_) {
    if (a.status.state() == ATTEMPT_RUNNING) running_jobs.insert(a.spec.job_id());
  }
  const auto cutoff = std::filesystem::file_time_type::clock::now() -
                      std::chrono::duration_cast<std::filesystem::file_time_type::duration>(
                          absl::ToChronoSeconds(options_.log_retention));
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(options_.local_dir + "/logs", ec)) {
    const std::string job = entry.path().filename().string();
    if (running_jobs.count(job) > 0) continue;
    auto written = std::filesystem::last_write_time(entry.path(), ec);
    if (ec || written >= cutoff) continue;
    std::filesystem::remove_all(entry.path(), ec);
    LOG(INFO) << "deleted the attempt logs of " << job << " (older than "
              << absl::FormatDuration(options_.log_retention) << ")";
  }
}

}  // namespace hayloft::worker
