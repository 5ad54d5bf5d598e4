#include "tests/testing/mini_cluster.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "client/cluster_command.h"
#include "common/base/grpc_status.h"
#include "common/base/host_port.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"
#include "common/server/daemon_util.h"
#include "tests/testing/command.h"

namespace hayloft::testing {
namespace {

constexpr char kNamenodeHost[] = "127.0.0.1";

absl::Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("mkdir ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

// Hadoop reads a bare dfs.heartbeat.interval as seconds; use that when we can.
std::string HeartbeatSetting(absl::Duration d) {
  int64_t ms = absl::ToInt64Milliseconds(d);
  if (ms % 1000 == 0) return absl::StrCat(ms / 1000);
  return absl::StrCat(ms, "ms");
}

std::string OsUser() {
  struct passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : absl::StrCat(::geteuid());
}

// The port in a port file ("host:port"), or nullopt if it is not there yet.
std::optional<int> ReadPortFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  std::stringstream text;
  text << f.rdbuf();
  absl::StatusOr<HostPort> hp = HostPort::Parse(absl::StripAsciiWhitespace(text.str()), 0);
  if (!hp.ok() || hp->port <= 0) return std::nullopt;
  return hp->port;
}

void AppendLine(const std::string& path, absl::string_view line) {
  std::ofstream f(path, std::ios::app);
  f << line << "\n";
}

void AddSettings(std::vector<std::string>& argv,
                 const std::vector<std::pair<std::string, std::string>>& settings,
                 const std::map<std::string, std::string>& extra) {
  for (const auto& [k, v] : settings) {
    argv.push_back("-D");
    argv.push_back(absl::StrCat(k, "=", v));
  }
  for (const auto& [k, v] : extra) {
    argv.push_back("-D");
    argv.push_back(absl::StrCat(k, "=", v));
  }
}

}  // namespace

std::string MiniCluster::Daemon::name() const { return absl::StrCat(role, " ", index); }

std::string MiniCluster::Daemon::address() const { return absl::StrCat(host, ":", port); }

std::string MiniCluster::Daemon::http_address() const {
  return absl::StrCat(host, ":", http_port);
}

MiniCluster::MiniCluster(MiniClusterOptions options) : options_(std::move(options)) {
  namenode_.role = "namenode";
  namenode_.index = 0;
  namenode_.host = kNamenodeHost;
  for (int i = 1; i <= options_.num_datanodes; ++i) {
    Daemon d;
    d.role = "datanode";
    d.index = i;
    d.host = LocalClusterHost(i);
    datanodes_.push_back(std::move(d));
  }
  jobtracker_.role = "jobtracker";
  jobtracker_.index = 0;
  jobtracker_.host = kNamenodeHost;
  for (int i = 1; i <= options_.num_workers; ++i) {
    Daemon d;
    d.role = "worker";
    d.index = i;
    d.host = LocalClusterHost(i);
    workers_.push_back(std::move(d));
  }
}

MiniCluster::~MiniCluster() {
  absl::Status s = Shutdown();
  if (!s.ok()) LOG(WARNING) << "MiniCluster shutdown: " << s;
  if (temp_dir_.has_value() && ::testing::Test::HasFailure()) {
    std::string kept = temp_dir_->Release();
    LOG(INFO) << "test failed: keeping the MiniCluster dir " << kept << " (logs in "
              << kept << "/logs)";
  }
}

absl::Status MiniCluster::PrepareDir() {
  if (options_.num_datanodes < 0 || options_.num_datanodes > 254) {
    return absl::InvalidArgumentError("num_datanodes must be in [0, 254]");
  }
  if (!options_.racks.empty() &&
      options_.racks.size() != static_cast<size_t>(options_.num_datanodes)) {
    return absl::InvalidArgumentError("racks must have one entry per datanode");
  }
  if (options_.dir.empty()) {
    HL_ASSIGN_OR_RETURN(TempDir tmp, TempDir::Create("hayloft-minicluster"));
    temp_dir_.emplace(std::move(tmp));
    dir_ = temp_dir_->path();
  } else {
    dir_ = options_.dir;
  }
  for (const char* sub : {"conf", "logs", "pids"}) {
    HL_RETURN_IF_ERROR(MakeDirs(absl::StrCat(dir_, "/", sub)));
  }
  namenode_.log_path = absl::StrCat(dir_, "/logs/namenode-0.log");
  namenode_.port_file = absl::StrCat(dir_, "/pids/namenode-0.port");
  namenode_.http_port_file = absl::StrCat(dir_, "/pids/namenode-0.http");
  for (Daemon& d : datanodes_) {
    d.log_path = absl::StrCat(dir_, "/logs/datanode-", d.index, ".log");
    d.port_file = absl::StrCat(dir_, "/pids/datanode-", d.index, ".port");
    d.http_port_file = absl::StrCat(dir_, "/pids/datanode-", d.index, ".http");
    HL_RETURN_IF_ERROR(MakeDirs(datanode_data_dir(d.index)));
  }
  jobtracker_.log_path = absl::StrCat(dir_, "/logs/jobtracker-0.log");
  jobtracker_.port_file = absl::StrCat(dir_, "/pids/jobtracker-0.port");
  jobtracker_.http_port_file = absl::StrCat(dir_, "/pids/jobtracker-0.http");
  for (Daemon& d : workers_) {
    d.log_path = absl::StrCat(dir_, "/logs/worker-", d.index, ".log");
    d.port_file = absl::StrCat(dir_, "/pids/worker-", d.index, ".port");
    d.http_port_file = absl::StrCat(dir_, "/pids/worker-", d.index, ".http");
    HL_RETURN_IF_ERROR(MakeDirs(worker_local_dir(d.index)));
  }
  return WriteRackMap();
}

absl::Status MiniCluster::WriteRackMap() {
  std::string text = "# host rack (written by MiniCluster)\n";
  for (int i = 1; i <= num_datanodes(); ++i) {
    absl::StrAppend(&text, datanode_host(i), " ", datanode_rack(i), "\n");
  }
  return daemon::WriteFileDurably(rack_map_path(), text);
}

absl::Status MiniCluster::Start() {
  if (!dir_.empty()) return absl::FailedPreconditionError("MiniCluster already started");
  HL_RETURN_IF_ERROR(PrepareDir());
  absl::Status s = StartDaemon(namenode_, NamenodeArgv());
  for (Daemon& d : datanodes_) {
    if (s.ok()) s = StartDaemon(d, DatanodeArgv(d));
  }
  if (s.ok()) s = WaitForLiveDatanodes(num_datanodes(), options_.start_timeout);
  if (s.ok()) s = WaitForSafeModeOff(options_.start_timeout);
  if (s.ok()) s = StartMapReduce();
  if (!s.ok()) {
    Shutdown().IgnoreError();
    return Annotate(s, absl::StrCat("starting the MiniCluster in ", dir_));
  }
  return absl::OkStatus();
}

std::vector<std::string> MiniCluster::NamenodeArgv() const {
  std::vector<std::string> argv = {HayloftBinary("hayloft-namenode")};
  AddSettings(argv,
              {{"dfs.namenode.rpc-address", namenode_.address()},
               {"dfs.namenode.name.dir", namenode_name_dir()},
               {"net.topology.table.file.name", rack_map_path()},
               {"dfs.replication", absl::StrCat(options_.replication)},
               {"dfs.blocksize", absl::StrCat(options_.block_size)},
               {"dfs.heartbeat.interval", HeartbeatSetting(options_.heartbeat_interval)},
               {"dfs.namenode.heartbeat.recheck-interval",
                absl::StrCat(absl::ToInt64Milliseconds(options_.heartbeat_recheck_interval))},
               {"dfs.namenode.safemode.extension", "0"},
               {"dfs.namenode.reconstruction.pending.timeout-sec", "10"},
               {"dfs.namenode.http-address", namenode_.http_address()},
               {"hayloft.http.port.file", namenode_.http_port_file},
               {"hayloft.port.file", namenode_.port_file}},
              options_.namenode_conf);
  return argv;
}

std::vector<std::string> MiniCluster::DatanodeArgv(const Daemon& d) const {
  std::vector<std::string> argv = {HayloftBinary("hayloft-datanode")};
  AddSettings(argv,
              {{"dfs.datanode.address", d.address()},
               {"dfs.datanode.data.dir", datanode_data_dir(d.index)},
               {"fs.defaultFS", absl::StrCat("hdfs://", namenode_address())},
               {"dfs.blocksize", absl::StrCat(options_.block_size)},
               {"dfs.heartbeat.interval", HeartbeatSetting(options_.heartbeat_interval)},
               {"dfs.datanode.http.address", d.http_address()},
               {"hayloft.http.port.file", d.http_port_file},
               {"hayloft.port.file", d.port_file}},
              options_.datanode_conf);
  return argv;
}

absl::Status MiniCluster::StartMapReduce() {
  if (options_.num_workers <= 0) return absl::OkStatus();
  if (options_.num_workers > 254) return absl::InvalidArgumentError("num_workers must be <= 254");
  HL_RETURN_IF_ERROR(StartDaemon(jobtracker_, JobtrackerArgv()));
  for (Daemon& d : workers_) HL_RETURN_IF_ERROR(StartDaemon(d, WorkerArgv(d)));
  return absl::OkStatus();
}

std::vector<std::string> MiniCluster::JobtrackerArgv() const {
  std::vector<std::string> argv = {HayloftBinary("hayloft-jobtracker")};
  AddSettings(argv,
              {{"mapreduce.jobtracker.address", jobtracker_.address()},
               {"fs.defaultFS", absl::StrCat("hdfs://", namenode_address())},
               {"net.topology.table.file.name", rack_map_path()},
               {"mapred.tasktracker.expiry.interval",
                absl::StrCat(absl::ToInt64Milliseconds(options_.worker_expiry), "ms")},
               {"mapreduce.jobtracker.http.address", jobtracker_.http_address()},
               {"hayloft.http.port.file", jobtracker_.http_port_file},
               {"hayloft.port.file", jobtracker_.port_file}},
              options_.jobtracker_conf);
  return argv;
}

std::vector<std::string> MiniCluster::WorkerArgv(const Daemon& d) const {
  std::vector<std::string> argv = {HayloftBinary("hayloft-worker")};
  AddSettings(argv,
              {{"hayloft.worker.address", d.address()},
               {"hayloft.worker.local.dir", worker_local_dir(d.index)},
               {"mapreduce.jobtracker.address", jobtracker_address()},
               {"fs.defaultFS", absl::StrCat("hdfs://", namenode_address())},
               {"mapreduce.tasktracker.map.tasks.maximum", absl::StrCat(options_.worker_map_slots)},
               {"mapreduce.tasktracker.reduce.tasks.maximum",
                absl::StrCat(options_.worker_reduce_slots)},
               {"hayloft.worker.heartbeat.interval",
                absl::StrCat(absl::ToInt64Milliseconds(options_.worker_heartbeat_interval), "ms")},
               {"mapreduce.tasktracker.http.address", d.http_address()},
               {"hayloft.http.port.file", d.http_port_file},
               {"hayloft.port.file", d.port_file}},
              options_.worker_conf);
  return argv;
}

absl::Status MiniCluster::StartDaemon(Daemon& d, std::vector<std::string> argv) {
  if (::access(argv[0].c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(
        argv[0], " is missing: build it first (ninja -C <build dir>), or point "
                 "HAYLOFT_BIN_DIR at the directory that holds it"));
  }
  std::error_code ec;
  std::filesystem::remove(d.port_file, ec);
  std::filesystem::remove(d.http_port_file, ec);
  AppendLine(d.log_path, absl::StrCat("=== MiniCluster starting ", d.name(), " at ",
                                      absl::FormatTime(absl::Now()), ": ",
                                      absl::StrJoin(argv, " ")));
  SubprocessOptions sp;
  sp.stdout_path = d.log_path;
  sp.stderr_path = d.log_path;
  sp.kill_when_parent_exits = true;
  sp.unset_env = {"HAYLOFT_CONF"};
  sp.env["HAYLOFT_USER"] = user();
  HL_ASSIGN_OR_RETURN(Subprocess process, Subprocess::Start(argv, sp));
  d.process.emplace(std::move(process));
  return WaitForPortFile(d);
}

absl::Status MiniCluster::WaitForPortFile(Daemon& d) {
  const absl::Time deadline = absl::Now() + options_.start_timeout;
  while (true) {
    // Every daemon starts HTTP before it writes its RPC port file.
    if (std::optional<int> port = ReadPortFile(d.port_file); port.has_value()) {
      std::optional<int> http_port = ReadPortFile(d.http_port_file);
      if (!http_port.has_value()) {
        return absl::InternalError(absl::StrCat(d.name(), " wrote ", d.port_file, " but not ",
                                                d.http_port_file));
      }
      d.port = *port;
      d.http_port = *http_port;
      return absl::OkStatus();
    }
    if (!d.process->IsRunning()) {
      int status = d.process->Wait().value_or(-1);
      d.process.reset();
      return absl::UnavailableError(
          absl::StrCat(d.name(), " exited with status ", status, " while starting; ",
                       d.log_path, " ends with:\n", TailOfFile(d.log_path)));
    }
    if (absl::Now() >= deadline) {
      KillDaemon(d).IgnoreError();
      return absl::DeadlineExceededError(
          absl::StrCat(d.name(), " did not write its port file ", d.port_file, " within ",
                       absl::FormatDuration(options_.start_timeout), "; ", d.log_path,
                       " ends with:\n", TailOfFile(d.log_path)));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

absl::Status MiniCluster::KillDaemon(Daemon& d) {
  if (!d.process.has_value() || !d.process->IsRunning()) {
    return absl::FailedPreconditionError(absl::StrCat(d.name(), " is not running"));
  }
  HL_RETURN_IF_ERROR(d.process->Signal(SIGKILL));
  HL_RETURN_IF_ERROR(d.process->Wait(absl::Seconds(30)).status());
  d.process.reset();
  return absl::OkStatus();
}

absl::Status MiniCluster::StopDaemon(Daemon& d) {
  if (!d.process.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(d.name(), " is not running"));
  }
  const bool was_running = d.process->IsRunning();
  HL_ASSIGN_OR_RETURN(int status, d.process->Stop(options_.shutdown_grace));
  d.process.reset();
  if (!was_running) {
    return absl::FailedPreconditionError(absl::StrCat(
        d.name(), " had already exited with status ", status, "; see ", d.log_path));
  }
  if (status != 0) {
    return absl::InternalError(absl::StrCat(d.name(), " exited with status ", status,
                                            " on SIGTERM; see ", d.log_path));
  }
  return absl::OkStatus();
}

absl::Status MiniCluster::Shutdown() {
  std::vector<Daemon*> all;
  for (Daemon& d : workers_) all.push_back(&d);
  all.push_back(&jobtracker_);
  for (Daemon& d : datanodes_) all.push_back(&d);
  all.push_back(&namenode_);
  std::vector<std::string> problems;
  // Signal everyone first so they stop in parallel.
  for (Daemon* d : all) {
    if (!d->process.has_value()) continue;
    if (!d->process->IsRunning()) {
      problems.push_back(absl::StrCat(d->name(), " had died with status ",
                                      d->process->Wait().value_or(-1), " (see ",
                                      d->log_path, ")"));
      d->process.reset();
      continue;
    }
    d->process->Signal(SIGTERM).IgnoreError();
  }
  const absl::Time deadline = absl::Now() + options_.shutdown_grace;
  for (Daemon* d : all) {
    if (!d->process.has_value()) continue;
    absl::StatusOr<int> status = d->process->Wait(
        std::max(deadline - absl::Now(), absl::ZeroDuration()));
    if (!status.ok()) {
      problems.push_back(absl::StrCat(d->name(), " ignored SIGTERM for ",
                                      absl::FormatDuration(options_.shutdown_grace),
                                      "; killed it (see ", d->log_path, ")"));
      d->process->Signal(SIGKILL).IgnoreError();
      d->process->Wait().IgnoreError();
      d->process.reset();
      continue;
    }
    if (!status.ok() || *status != 0) {
      problems.push_back(absl::StrCat(d->name(), " exited with status ",
                                      status.value_or(-1), " on SIGTERM (see ",
                                      d->log_path, ")"));
    }
    d->process.reset();
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrJoin(problems, "; "));
}

absl::Status MiniCluster::KillNamenode() { return KillDaemon(namenode_); }

absl::Status MiniCluster::StopNamenode() { return StopDaemon(namenode_); }

absl::Status MiniCluster::RestartNamenode() {
  if (namenode_.process.has_value()) StopDaemon(namenode_).IgnoreError();
  return StartDaemon(namenode_, NamenodeArgv());
}

absl::Status MiniCluster::KillDatanode(int i) { return KillDaemon(datanode(i)); }

absl::Status MiniCluster::KillWorker(int i) { return KillDaemon(worker(i)); }

absl::Status MiniCluster::RestartWorker(int i) {
  Daemon& d = worker(i);
  if (d.process.has_value()) StopDaemon(d).IgnoreError();
  return StartDaemon(d, WorkerArgv(d));
}

absl::Status MiniCluster::KillJobtracker() { return KillDaemon(jobtracker_); }

MiniCluster::Daemon& MiniCluster::worker(int i) {
  CHECK(i >= 1 && i <= options_.num_workers)
      << "worker index " << i << " out of range: indices are 1-based, 1.."
      << options_.num_workers;
  return workers_[static_cast<size_t>(i - 1)];
}

const MiniCluster::Daemon& MiniCluster::worker(int i) const {
  return const_cast<MiniCluster*>(this)->worker(i);
}

std::string MiniCluster::jobtracker_address() const { return jobtracker_.address(); }
std::string MiniCluster::jobtracker_log_path() const { return jobtracker_.log_path; }
pid_t MiniCluster::jobtracker_pid() { return DaemonPid(jobtracker_); }
std::string MiniCluster::worker_address(int i) const { return worker(i).address(); }
std::string MiniCluster::worker_log_path(int i) const { return worker(i).log_path; }
pid_t MiniCluster::worker_pid(int i) { return DaemonPid(worker(i)); }
std::string MiniCluster::worker_local_dir(int i) const {
  return absl::StrCat(dir_, "/worker-", i, "/local");
}

absl::StatusOr<std::unique_ptr<JobClient>> MiniCluster::NewJobClient() const {
  if (options_.num_workers <= 0) {
    return absl::FailedPreconditionError("this MiniCluster runs no jobtracker (num_workers = 0)");
  }
  JobClientOptions opts;
  opts.jobtracker_address = jobtracker_address();
  return std::make_unique<JobClient>(std::move(opts));
}

absl::Status MiniCluster::StopDatanode(int i) { return StopDaemon(datanode(i)); }

absl::Status MiniCluster::RestartDatanode(int i) {
  Daemon& d = datanode(i);
  if (d.process.has_value()) StopDaemon(d).IgnoreError();
  return StartDaemon(d, DatanodeArgv(d));
}

NamenodeService::Stub* MiniCluster::namenode_stub() {
  if (stub_ == nullptr) {
    channel_ = rpc::MakeChannel(namenode_address());
    stub_ = NamenodeService::NewStub(channel_);
  }
  return stub_.get();
}

absl::StatusOr<std::vector<DatanodeInfo>> MiniCluster::GetDatanodeReport() {
  if (namenode_.port == 0) return absl::FailedPreconditionError("namenode never started");
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, absl::Seconds(5));
  GetDatanodeReportRequest req;
  req.mutable_header()->set_user(user());
  GetDatanodeReportResponse resp;
  HL_RETURN_IF_ERROR(FromGrpcStatus(namenode_stub()->GetDatanodeReport(&ctx, req, &resp)));
  return std::vector<DatanodeInfo>(resp.datanodes().begin(), resp.datanodes().end());
}

absl::StatusOr<int> MiniCluster::NumLiveDatanodes() {
  HL_ASSIGN_OR_RETURN(std::vector<DatanodeInfo> report, GetDatanodeReport());
  int live = 0;
  for (const DatanodeInfo& dn : report) live += dn.dead() ? 0 : 1;
  return live;
}

absl::Status MiniCluster::WaitForSafeModeOff(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  std::string last = "no answer";
  while (absl::Now() < deadline) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    SetSafeModeRequest req;
    req.mutable_header()->set_user(user());
    SetSafeModeResponse resp;
    grpc::Status s = namenode_stub()->SetSafeMode(&ctx, req, &resp);
    if (s.ok() && !resp.safe_mode()) return absl::OkStatus();
    last = s.ok() ? resp.status() : s.error_message();
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("the namenode is still in safe mode after ", absl::FormatDuration(timeout),
                   ": ", last));
}

absl::Status MiniCluster::WaitForLiveDatanodes(int n, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<int> live = absl::UnknownError("not asked yet");
  while (absl::Now() < deadline) {
    live = NumLiveDatanodes();
    if (live.ok() && *live == n) return absl::OkStatus();
    if (!namenode_.process.has_value() || !namenode_.process->IsRunning()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "waited ", absl::FormatDuration(timeout), " for ", n, " live datanodes; last report: ",
      live.ok() ? absl::StrCat(*live, " live") : live.status().ToString(),
      DescribeStoppedDaemons()));
}

std::string MiniCluster::DescribeStoppedDaemons() {
  std::string out;
  std::vector<Daemon*> all = {&namenode_};
  for (Daemon& d : datanodes_) all.push_back(&d);
  for (Daemon* d : all) {
    if (d->process.has_value() && d->process->IsRunning()) continue;
    absl::StrAppend(&out, "\n", d->name(), " is not running; ", d->log_path,
                    " ends with:\n", TailOfFile(d->log_path, 15));
  }
  return out;
}

pid_t MiniCluster::DaemonPid(Daemon& d) {
  if (!d.process.has_value() || !d.process->IsRunning()) return -1;
  return d.process->pid();
}

MiniCluster::Daemon& MiniCluster::datanode(int i) {
  CHECK(i >= 1 && i <= num_datanodes())
      << "datanode index " << i << " out of range: indices are 1-based, 1.."
      << num_datanodes();
  return datanodes_[static_cast<size_t>(i - 1)];
}

const MiniCluster::Daemon& MiniCluster::datanode(int i) const {
  return const_cast<MiniCluster*>(this)->datanode(i);
}

std::string MiniCluster::rack_map_path() const { return absl::StrCat(dir_, "/conf/racks"); }
std::string MiniCluster::namenode_address() const { return namenode_.address(); }
std::string MiniCluster::namenode_http_address() const { return namenode_.http_address(); }
std::string MiniCluster::datanode_http_address(int i) const {
  return datanode(i).http_address();
}
std::string MiniCluster::jobtracker_http_address() const { return jobtracker_.http_address(); }
std::string MiniCluster::worker_http_address(int i) const { return worker(i).http_address(); }
std::string MiniCluster::namenode_name_dir() const { return absl::StrCat(dir_, "/namenode"); }
std::string MiniCluster::namenode_log_path() const { return namenode_.log_path; }
pid_t MiniCluster::namenode_pid() { return DaemonPid(namenode_); }

std::string MiniCluster::datanode_host(int i) const { return datanode(i).host; }
std::string MiniCluster::datanode_address(int i) const { return datanode(i).address(); }
std::string MiniCluster::datanode_log_path(int i) const { return datanode(i).log_path; }
pid_t MiniCluster::datanode_pid(int i) { return DaemonPid(datanode(i)); }

std::string MiniCluster::datanode_rack(int i) const {
  datanode(i);  // range check
  if (!options_.racks.empty()) return options_.racks[static_cast<size_t>(i - 1)];
  return LocalClusterRack(i, num_datanodes(), options_.num_racks);
}

std::string MiniCluster::datanode_data_dir(int i) const {
  datanode(i);  // range check
  return absl::StrCat(dir_, "/datanode-", i, "/data");
}

Configuration MiniCluster::ClientConfiguration() const {
  Configuration conf;
  conf.Set("fs.defaultFS", absl::StrCat("hdfs://", namenode_address()));
  conf.Set("dfs.blocksize", absl::StrCat(options_.block_size));
  conf.Set("dfs.replication", absl::StrCat(options_.replication));
  if (options_.num_workers > 0) conf.Set("mapreduce.jobtracker.address", jobtracker_address());
  return conf;
}

absl::StatusOr<std::string> MiniCluster::WriteClientConfFile(const std::string& path) {
  std::string target = path.empty() ? absl::StrCat(dir_, "/conf/client.conf") : path;
  std::string text = "# client settings for this MiniCluster\n";
  const Configuration conf = ClientConfiguration();
  for (const auto& [k, v] : conf.values()) {
    absl::StrAppend(&text, k, "=", v, "\n");
  }
  HL_RETURN_IF_ERROR(daemon::WriteFileDurably(target, text));
  return target;
}

std::string MiniCluster::user() const {
  if (!options_.user.empty()) return options_.user;
  const char* env = std::getenv("HAYLOFT_USER");
  return env != nullptr && *env != '\0' ? env : OsUser();
}

absl::StatusOr<std::unique_ptr<DfsClient>> MiniCluster::NewDfsClient() const {
  HL_ASSIGN_OR_RETURN(DfsClientOptions opts, DfsClientOptions::FromConfig(ClientConfiguration()));
  opts.user = user();
  return DfsClient::Create(std::move(opts));
}

}  // namespace hayloft::testing
