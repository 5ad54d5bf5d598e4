#include "jobtracker/jobtracker_options.h"

#include "absl/strings/str_cat.h"
#include "common/base/host_port.h"
#include "common/base/status_macros.h"

namespace hayloft::jobtracker {

absl::StatusOr<JobtrackerOptions> JobtrackerOptions::FromConfig(const Configuration& conf) {
  JobtrackerOptions o;
  absl::StatusOr<HostPort> listen =
      HostPort::Parse(conf.GetString("mapreduce.jobtracker.address", "127.0.0.1:8021"), 8021);
  if (!listen.ok()) return Annotate(listen.status(), "bad mapreduce.jobtracker.address");
  o.listen_address = listen->ToString();
  o.port_file = conf.GetString("hayloft.port.file", "");
  absl::StatusOr<HostPort> http = HostPort::Parse(
      conf.GetString("mapreduce.jobtracker.http.address", o.http_address), 8088);
  if (!http.ok()) return Annotate(http.status(), "bad mapreduce.jobtracker.http.address");
  o.http_address = http->ToString();
  o.http_port_file = conf.GetString("hayloft.http.port.file", "");
  o.topology_file = conf.GetString("net.topology.table.file.name", "");
  HL_ASSIGN_OR_RETURN(o.worker_expiry,
                      conf.GetDuration("mapred.tasktracker.expiry.interval", absl::Seconds(30),
                                       absl::Milliseconds(1)));
  HL_ASSIGN_OR_RETURN(o.locality_delay,
                      conf.GetDuration("hayloft.scheduler.locality.delay", absl::Seconds(1),
                                       absl::Milliseconds(1)));
  HL_ASSIGN_OR_RETURN(o.speculative_lag,
                      conf.GetDuration("hayloft.speculative.lag", absl::Seconds(10),
                                       absl::Milliseconds(1)));
  o.history_dir = conf.GetString("hayloft.jobtracker.history.dir", "/system/history");
  o.staging_root =
      conf.GetString("mapreduce.jobtracker.staging.root.dir", "/tmp/hayloft/mapred/staging");
  o.dfs_conf = conf;
  absl::StatusOr<HostPort> fs =
      HostPort::Parse(conf.GetString("fs.defaultFS", "hdfs://127.0.0.1:8020"), 8020);
  if (!fs.ok()) return Annotate(fs.status(), "bad fs.defaultFS");
  o.default_fs = absl::StrCat("hdfs://", fs->ToString());
  return o;
}

}  // namespace hayloft::jobtracker
