// Worker: the hayloft-worker daemon. Heartbeats to the jobtracker with its free
// map/reduce slots and the state of its attempts, runs each task attempt it is
// given as a hayloft-task child process, and serves finished map outputs to
// reducers on its ShuffleService. Lifecycle: Init() (local dir, listen), Start()
// (heartbeat thread, port file), Shutdown() (kill attempts, stop serving).
//
// Local dir layout: jobs/<job_id>/job.so (the localized library),
// jobs/<job_id>/files/ (streaming -file files), jobs/<job_id>/<attempt_id>/ (the
// attempt dir, see worker/task_runner.h). A job's dir is deleted once the
// jobtracker says the job has finished.
#ifndef HAYLOFT_WORKER_WORKER_H_
#define HAYLOFT_WORKER_WORKER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
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

 private:
  struct Attempt {
    TaskSpec spec;
    std::string dir;
    std::optional<Subprocess> process;
    TaskAttemptStatus status;
    bool kill_requested = false;
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

  const WorkerOptions options_;
  std::string address_;
  // Per job user: a job's files are read as its user, whose they are.
  std::unique_ptr<DfsClientCache> dfs_clients_;
  std::unique_ptr<WorkerProtocolService::Stub> jobtracker_;
  std::unique_ptr<ShuffleServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<web::WebServer> web_;  // status page, /metrics

  // Used only by the loop thread (and by Shutdown after joining it).
  std::map<std::string, Attempt> attempts_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
  bool shut_down_ = false;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_WORKER_H_
