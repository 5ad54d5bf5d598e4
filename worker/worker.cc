#include "worker/worker.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/job_conf.h"
#include "common/base/crc32c.h"
#include "common/base/grpc_status.h"
#include "common/base/logging.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"
#include "common/server/daemon_util.h"
#include "worker/ifile.h"
#include "worker/task_runner.h"
#include "worker/worker_service.h"

namespace hayloft::worker {
namespace {

// The user who submitted the job (the jobtracker sets it); empty if unknown.
std::string JobUser(const TaskSpec& spec) {
  auto it = spec.conf().find(std::string(jobconf::kUser));
  return it == spec.conf().end() ? "" : it->second;
}

constexpr absl::Duration kPollInterval = absl::Milliseconds(100);
constexpr size_t kChunkBytes = 1 << 20;

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

absl::Status Worker::Init() {
  HL_RETURN_IF_ERROR(MakeDirs(options_.local_dir + "/jobs"));
  if (::access(options_.task_binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "task runner ", options_.task_binary,
        " is missing (build hayloft-task, or set hayloft.worker.task.binary)"));
  }
  HL_ASSIGN_OR_RETURN(DfsClientOptions dfs_options, DfsClientOptions::FromConfig(options_.dfs_conf));
  dfs_clients_ = std::make_unique<DfsClientCache>(std::move(dfs_options));
  jobtracker_ = WorkerProtocolService::NewStub(rpc::MakeChannel(options_.jobtracker_address));
  service_ = std::make_unique<ShuffleServiceImpl>(this);
  HL_ASSIGN_OR_RETURN(rpc::StartedServer started,
                      rpc::StartServer(options_.listen_address, {service_.get()}));
  server_ = std::move(started.server);
  address_ = absl::StrCat(options_.host, ":", started.port);
  LOG(INFO) << "worker " << address_ << " serving map outputs; local dir " << options_.local_dir
            << "; jobtracker " << options_.jobtracker_address << "; slots "
            << options_.map_slots << " map, " << options_.reduce_slots << " reduce";
  return absl::OkStatus();
}

absl::Status Worker::Start() {
  web_ = std::make_unique<web::WebServer>(web::WebServerOptions{
      .address = options_.http_address, .port_file = options_.http_port_file});
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
    }
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
    std::string tail = TailOf(a.dir + "/stderr", 10);
    a.status.set_diagnostics(absl::StrCat(
        why, " on worker ", address_, tail.empty() ? "" : "\nlast lines of its stderr:\n", tail));
    for (int m : report.failed_fetch_maps()) a.status.add_failed_fetch_maps(m);
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
  std::vector<std::string> reported_final;
  for (const auto& [id, a] : attempts_) {
    *req.add_attempts() = a.status;
    if (a.status.state() != ATTEMPT_RUNNING) reported_final.push_back(id);
  }
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, absl::Seconds(10));
  WorkerHeartbeatResponse resp;
  HL_RETURN_IF_ERROR(FromGrpcStatus(jobtracker_->Heartbeat(&ctx, req, &resp)));
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
  absl::Status s = PrepareAttempt(spec, a.dir);
  if (s.ok()) {
    SubprocessOptions sp;
    sp.stdout_path = a.dir + "/stdout";
    sp.stderr_path = a.dir + "/stderr";
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
    if (!send(chunk)) {
      result = absl::CancelledError("reducer went away");
      break;
    }
  }
  std::fclose(f);
  return result;
}

}  // namespace hayloft::worker
