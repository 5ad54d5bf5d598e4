#include "worker/worker_options.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/base/host_port.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft::worker {
namespace {

bool IsWildcard(absl::string_view host) {
  return host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]" || host == "*";
}

std::string SelfDir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return ".";
  return path::Parent(std::string(buf, static_cast<size_t>(n)));
}

absl::StatusOr<int> Slots(const Configuration& conf, absl::string_view key, int def) {
  HL_ASSIGN_OR_RETURN(int64_t v, conf.GetInt64(key, def));
  if (v < 0 || v > 256) return absl::InvalidArgumentError(absl::StrCat(key, " must be in [0, 256]"));
  return static_cast<int>(v);
}

}  // namespace

absl::StatusOr<WorkerOptions> WorkerOptions::FromConfig(const Configuration& conf) {
  WorkerOptions o;
  std::string address = conf.GetString(
      "hayloft.worker.address", conf.GetString("mapreduce.worker.address", "0.0.0.0:13562"));
  absl::StatusOr<HostPort> listen = HostPort::Parse(address, kDefaultShufflePort);
  if (!listen.ok()) return Annotate(listen.status(), "bad hayloft.worker.address");
  if (listen->host.empty()) listen->host = "0.0.0.0";
  o.listen_address = listen->ToString();
  o.host = IsWildcard(listen->host) ? "127.0.0.1" : listen->host;
  const char* home = std::getenv("HOME");
  o.local_dir = conf.GetString(
      "hayloft.worker.local.dir",
      conf.GetString("mapreduce.cluster.local.dir",
                     absl::StrCat(home != nullptr ? home : "/tmp", "/.hayloft/worker")));
  absl::StatusOr<HostPort> jt = HostPort::Parse(
      conf.GetString("mapreduce.jobtracker.address", "127.0.0.1:8021"), 8021);
  if (!jt.ok()) return Annotate(jt.status(), "bad mapreduce.jobtracker.address");
  o.jobtracker_address = jt->ToString();
  HL_ASSIGN_OR_RETURN(o.map_slots, Slots(conf, "mapreduce.tasktracker.map.tasks.maximum", 2));
  HL_ASSIGN_OR_RETURN(o.reduce_slots,
                      Slots(conf, "mapreduce.tasktracker.reduce.tasks.maximum", 1));
  HL_ASSIGN_OR_RETURN(o.heartbeat_interval,
                      conf.GetDuration("hayloft.worker.heartbeat.interval", absl::Seconds(1),
                                       absl::Milliseconds(1)));
  if (o.heartbeat_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("hayloft.worker.heartbeat.interval must be positive");
  }
  o.task_binary = conf.GetString("hayloft.worker.task.binary", SelfDir() + "/hayloft-task");
  o.port_file = conf.GetString("hayloft.port.file", "");
  absl::StatusOr<HostPort> http = HostPort::Parse(
      conf.GetString("mapreduce.tasktracker.http.address", o.http_address), 8042);
  if (!http.ok()) return Annotate(http.status(), "bad mapreduce.tasktracker.http.address");
  o.http_address = http->ToString();
  o.http_port_file = conf.GetString("hayloft.http.port.file", "");
  HL_ASSIGN_OR_RETURN(int64_t retain_hours, conf.GetInt64("mapreduce.job.userlog.retain.hours", 24));
  if (retain_hours < 0) {
    return absl::InvalidArgumentError("mapreduce.job.userlog.retain.hours must not be negative");
  }
  o.log_retention = absl::Hours(retain_hours);
  o.dfs_conf = conf;
  o.dfs_conf.Set("hayloft.client.host", o.host);
  for (const char* key : {"fs.defaultFS", "dfs.namenode.rpc-address"}) {
    if (auto v = conf.Get(key)) o.task_conf[key] = *v;
  }
  o.task_conf["hayloft.client.host"] = o.host;
  return o;
}

}  // namespace hayloft::worker
