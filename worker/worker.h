// Worker: the hayloft-worker daemon. Heartbeats to the jobtracker with its free
// map/reduce slots and the state of its attempts, runs each task attempt it is
// given as a hayloft-task child process, and serves finished map outputs to
// reducers on its ShuffleService. Lifecycle: Init() (local dir, listen), Start()
// (heartbeat thread, port file), Shutdown() (kill attempts, stop serving).
//
// Local dir layout: jobs/<job_id>/job.so (the localized library),
// jobs/<job_id>/files/ (streaming -file files), jobs/<job_id>/<attempt_id>/ (the
// attempt dir, see worker/task_runner.h). A job's dir is deleted once the
// jobtracker says the job has finished. Attempt logs live apart, in
// logs/<job_id>/<attempt_id>/{stdout,stderr}, and stay for log_retention.
//
// Status page (worker_web.h): the loop thread publishes a copy of its attempts'
// state under mu_ on every pass; Status() returns that copy.
#ifndef HAYLOFT_WORKER_WORKER_H_
#define HAYLOFT_WORKER_WORKER_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/dfs_client.h"
#include "client/dfs_client_cache.h"
#include "common/base/subprocess.h"
#include "common/web/web_server.h"
#include "proto/jobtracker.grpc.pb.h"
#include "proto/worker.pb.h"
#include "worker/worker_options.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace hayloft::worker {

class ShuffleServiceImpl;
class WorkerServiceImpl;
class WorkerWeb;

// An attempt as the status page shows it.
struct AttemptView {
  std::string attempt_id;
  std::string job_id;
  TaskType type = MAP;
  int task_index = 0;
  AttemptState state = ATTEMPT_RUNNING;
  float progress = 0;
  absl::Time start_time;
  absl::Time finish_time = absl::InfinitePast();  // while it runs
  std::string diagnostics;
};

struct WorkerStatus {
  std::string id;                       // address()
  std::string host;
  std::string jobtracker_address;
  std::string jobtracker_http_address;  // "" until the jobtracker names its port
  int map_slots = 0;
  int reduce_slots = 0;
  std::vector<AttemptView> running;
  std::vector<AttemptView> recent;      // finished here, newest first
  absl::Time start_time;
  absl::Time last_heartbeat = absl::InfinitePast();  // the last one answered
  std::string heartbeat_error;          // set while heartbeats fail
  double shuffle_bytes_served = 0;      // to reducers, since start
  double shuffle_bytes_fetched = 0;     // by this worker's finished reduces, since start
};

// Thread-safe: the shuffle service calls ServeMapOutput from many RPC threads;
// attempts are managed by the heartbeat thread alone.
class Worker {
 public:
  explicit Worker(WorkerOptions options);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  absl::Status Init();
  absl::Status Start();
  void Shutdown();

  // "host:port" of the ShuffleService; also the worker's id.
  const std::string& address() const { return address_; }

  // Streams one partition of a finished map's output. NotFound if it is not here.
  absl::Status ServeMapOutput(const GetMapOutputRequest& request,
                              const std::function<bool(const MapOutputChunk&)>& send) const;
  // The tails of an attempt's stderr and stdout. NotFound if no log is kept.
  absl::StatusOr<GetAttemptLogResponse> GetAttemptLog(const GetAttemptLogRequest& request) const;

  // A copy of what the status page shows.
  WorkerStatus Status() const;

 private:
  struct Attempt {
    TaskSpec spec;
    std::string dir;
    std::optional<Subprocess> process;
    TaskAttemptStatus status;
    bool kill_requested = false;
    absl::Time start_time;
  };

  void Loop();
  // Reaps finished children and refreshes progress; true if any attempt finished.
  bool PollAttempts();
  void ReadReport(Attempt& a, TaskReport* report) const;
  void FinishAttempt(Attempt& a, int exit_status);
  absl::Status HeartbeatOnce();
  void Launch(const TaskSpec& spec);
  absl::Status PrepareAttempt(const TaskSpec& spec, const std::string& dir);
  absl::Status LocalizeJob(const TaskSpec& spec, const std::string& job_dir);
  void PurgeJob(const std::string& job_id);
  int RunningCount(TaskType type) const;
  std::string JobDir(const std::string& job_id) const;
  std::string LogDir(const std::string& job_id, const std::string& attempt_id) const;
  // Deletes job log dirs older than log_retention (none of whose attempts run).
  void PurgeOldLogs();
  // Copies the attempts' state for Status() (loop thread).
  void PublishStatus();
  static AttemptView ViewOf(const Attempt& a);

  const WorkerOptions options_;
  std::string address_;
  // Per job user: a job's files are read as its user, whose they are.
  std::unique_ptr<DfsClientCache> dfs_clients_;
  std::unique_ptr<WorkerProtocolService::Stub> jobtracker_;
  std::unique_ptr<ShuffleServiceImpl> service_;
  std::unique_ptr<WorkerServiceImpl> worker_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<web::WebServer> web_;  // status page, /metrics
  std::unique_ptr<WorkerWeb> pages_;
  const absl::Time start_time_ = absl::Now();

  // Used only by the loop thread (and by Shutdown after joining it).
  std::map<std::string, Attempt> attempts_;
  absl::Time next_log_purge_ = absl::InfinitePast();

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Published by the loop thread for Status().
  std::vector<AttemptView> running_view_ ABSL_GUARDED_BY(mu_);
  std::deque<AttemptView> recent_ ABSL_GUARDED_BY(mu_);  // newest first
  absl::Time last_heartbeat_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::string heartbeat_error_ ABSL_GUARDED_BY(mu_);
  int jobtracker_http_port_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
  bool shut_down_ = false;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_WORKER_H_
