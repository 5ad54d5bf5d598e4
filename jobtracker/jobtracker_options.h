// JobtrackerOptions: everything a Jobtracker is configured with, built from the
// Configuration here and nowhere else.
#ifndef HAYLOFT_JOBTRACKER_JOBTRACKER_OPTIONS_H_
#define HAYLOFT_JOBTRACKER_JOBTRACKER_OPTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/base/config.h"

namespace hayloft::jobtracker {

struct JobtrackerOptions {
  std::string listen_address = "127.0.0.1:8021";  // mapreduce.jobtracker.address
  std::string port_file;                          // hayloft.port.file
  std::string http_address = "0.0.0.0:8088";      // mapreduce.jobtracker.http.address
  std::string http_port_file;                     // hayloft.http.port.file
  std::string topology_file;                      // net.topology.table.file.name
  // A worker silent this long is lost: its attempts are re-run, and so are its
  // finished maps whose output a reducer still needs (mapred.tasktracker.expiry.interval).
  absl::Duration worker_expiry = absl::Seconds(30);
  // Delay scheduling: a job waits this long for a node-local slot before taking a
  // rack-local one, and twice as long before taking any.
  absl::Duration locality_delay = absl::Seconds(1);
  // A straggler gets a speculative attempt after running this long
  // (hayloft.speculative.lag).
  absl::Duration speculative_lag = absl::Seconds(10);
  std::string history_dir = "/system/history";    // hayloft.jobtracker.history.dir
  // Where clients stage job files, <root>/<user>/.staging/<job>; made sticky and
  // world-writable if missing (mapreduce.jobtracker.staging.root.dir).
  std::string staging_root = "/tmp/hayloft/mapred/staging";
  // DFS client settings (fs.defaultFS ...).
  Configuration dfs_conf;
  std::string default_fs;  // "hdfs://host:port", for messages

  static absl::StatusOr<JobtrackerOptions> FromConfig(const Configuration& conf);
};

}  // namespace hayloft::jobtracker

#endif  // HAYLOFT_JOBTRACKER_JOBTRACKER_OPTIONS_H_
