// WorkerOptions: everything a Worker is configured with, built from the
// Configuration here and nowhere else.
#ifndef HAYLOFT_WORKER_WORKER_OPTIONS_H_
#define HAYLOFT_WORKER_WORKER_OPTIONS_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/base/config.h"

namespace hayloft::worker {

inline constexpr int kDefaultShufflePort = 13562;

struct WorkerOptions {
  // ShuffleService listen address (hayloft.worker.address, also accepted as
  // mapreduce.worker.address); its host is this worker's host for locality.
  std::string listen_address = "0.0.0.0:13562";
  std::string host = "127.0.0.1";
  std::string local_dir;                       // hayloft.worker.local.dir
  std::string jobtracker_address = "127.0.0.1:8021";
  int map_slots = 2;                           // mapreduce.tasktracker.map.tasks.maximum
  int reduce_slots = 1;                        // mapreduce.tasktracker.reduce.tasks.maximum
  absl::Duration heartbeat_interval = absl::Seconds(1);  // hayloft.worker.heartbeat.interval
  std::string task_binary;                     // hayloft-task; default: beside this binary
  std::string port_file;                       // hayloft.port.file
  // Status page and /metrics (mapreduce.tasktracker.http.address).
  std::string http_address = "0.0.0.0:8042";
  std::string http_port_file;                  // hayloft.http.port.file
  // Attempt logs (stdout, stderr) stay this long after their job ends
  // (mapreduce.job.userlog.retain.hours), for the jobtracker's attempt page.
  absl::Duration log_retention = absl::Hours(24);
  // Settings every task attempt gets on top of the job's: fs.defaultFS and
  // hayloft.client.host=<host>, so reads are local and output's first replica
  // lands on this host.
  std::map<std::string, std::string> task_conf;
  // DFS client settings for the worker's own use (localizing libraries).
  Configuration dfs_conf;

  static absl::StatusOr<WorkerOptions> FromConfig(const Configuration& conf);
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_WORKER_OPTIONS_H_
