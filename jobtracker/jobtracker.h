// Jobtracker: the hayloft-jobtracker daemon. Accepts jobs from clients, computes
// their splits, hands tasks to workers in answer to their heartbeats (see
// task_scheduler.h), follows attempts to success or failure, commits task and job
// output in the DFS, and keeps history under /system/history. Lifecycle: Init()
// (DFS client, topology, listen), Start() (committer and monitor threads, port
// file), Shutdown().
//
// Threads: gRPC handlers (client calls, worker heartbeats) change state under
// mu_; the committer thread does the DFS renames/deletes the state machine asks
// for, outside the lock; the monitor thread declares silent workers lost.
//
// History: /system/history/<job_id> holds the final JobStatus in protobuf text
// format, written when the job ends.
//
// Status pages (jobtracker_web.h) read copies through the const snapshot methods
// below; each takes mu_ briefly.
#ifndef HAYLOFT_JOBTRACKER_JOBTRACKER_H_
#define HAYLOFT_JOBTRACKER_JOBTRACKER_H_

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "client/dfs_client.h"
#include "client/dfs_client_cache.h"
#include "common/base/topology.h"
#include "common/metrics/metrics.h"
#include "common/web/web_server.h"
#include "jobtracker/job.h"
#include "jobtracker/jobtracker_options.h"
#include "jobtracker/task_scheduler.h"
#include "proto/jobtracker.pb.h"
#include "proto/worker.pb.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace hayloft::jobtracker {

class JobtrackerServiceImpl;
class JobtrackerWeb;
class WorkerProtocolServiceImpl;

// A worker as the status pages show it.
struct WorkerSnapshot {
  std::string id;            // its ShuffleService "host:port"
  std::string host;
  std::string rack;
  std::string http_address;  // "host:port" of its status page; empty if it has none
  int map_slots = 0;
  int reduce_slots = 0;
  int free_map_slots = 0;    // as of its last heartbeat
  int free_reduce_slots = 0;
  int running_attempts = 0;  // attempts the jobtracker believes run there
  absl::Time last_heartbeat;
  bool lost = false;
};

// A job with its attempts (the timeline). Jobs known only from history (older
// than the jobtracker's memory) have no attempts.
struct JobDetail {
  JobStatus status;
  std::vector<AttemptInfo> attempts;  // in the order they started
  // Worker id -> "host:port" of its status page ("" if unknown), for the attempts.
  std::map<std::string, std::string> worker_http_addresses;
};

struct AttemptDetail {
  std::string job_id;
  std::string job_name;
  AttemptInfo attempt;
  std::string worker_http_address;  // empty if unknown
  GetAttemptLogResponse log;        // the tail of its log, from its worker
  std::string log_error;            // why there is no log, if there is none
};

// Thread-safe.
class Jobtracker {
 public:
  explicit Jobtracker(JobtrackerOptions options);
  ~Jobtracker();
  Jobtracker(const Jobtracker&) = delete;
  Jobtracker& operator=(const Jobtracker&) = delete;

  absl::Status Init();
  absl::Status Start();
  void Shutdown();
  const std::string& address() const { return address_; }

  // JobtrackerService, minus gRPC (see proto/jobtracker.proto).
  std::string GetNewJobId();
  absl::StatusOr<JobStatus> SubmitJob(const SubmitJobRequest& request);
  absl::StatusOr<JobStatus> GetJobStatus(const std::string& job_id) const;
  std::vector<JobStatus> ListJobs(bool all) const;
  absl::StatusOr<JobStatus> KillJob(const std::string& job_id);
  // WorkerProtocolService.
  WorkerHeartbeatResponse Heartbeat(const WorkerHeartbeatRequest& request);

  // Snapshots for the status pages (jobtracker_snapshots.cc).
  std::vector<WorkerSnapshot> ListWorkers() const;
  // NotFound if the job is neither in memory nor in history.
  absl::StatusOr<JobDetail> GetJobDetail(const std::string& job_id) const;
  // Asks the attempt's worker for the tail of its log (an RPC, made outside the
  // lock; a failure is reported in log_error). NotFound if the jobtracker does not
  // remember the attempt.
  absl::StatusOr<AttemptDetail> GetAttemptDetail(const std::string& attempt_id) const;
  // "host:port" of the status pages. Valid after Start().
  std::string http_address() const;

 private:
  struct WorkerInfo {
    std::string host;
    absl::Time last_seen;
    bool lost = false;
    int http_port = 0;
    int map_slots = 0;
    int reduce_slots = 0;
    int free_map_slots = 0;
    int free_reduce_slots = 0;
  };
  // DFS work the state machine asks for, done by the committer thread.
  struct Work {
    enum Kind { kCommitTask, kCommitJob, kAbortJob } kind;
    CommitRequest commit;  // job_id is set for every kind
  };

  void CommitterLoop();
  void MonitorLoop();
  void DoWork(const Work& work);
  // Queues job commit/abort work for jobs that are ready for it.
  void CheckJobsLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Job* FindJobOfAttemptLocked(const std::string& attempt_id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int NumLiveWorkersLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string WorkerHttpAddressLocked(const std::string& worker_id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriteHistory(const JobStatus& status);
  absl::StatusOr<JobStatus> ReadHistory(const std::string& job_id) const;
  // Gauges read at scrape time: running jobs, workers, slots.
  void AddMetricCallbacks();
  std::string StagingDir(const std::string& job_id);
  // Makes the staging root (and its missing parents) sticky and world-writable
  // if it does not exist, so every user can stage jobs; once it worked, never
  // again.
  void EnsureStagingRoot();

  const JobtrackerOptions options_;
  std::string address_;
  std::string start_stamp_;  // the "<start>" in job ids
  Topology topology_;
  std::unique_ptr<TaskScheduler> scheduler_;
  // DFS clients per job user: job files, input, output and commits are the
  // user's and the namenode checks them as the user's.
  std::unique_ptr<DfsClientCache> dfs_clients_;
  DfsClient* dfs_ = nullptr;  // the jobtracker's own (history, staging root)
  std::unique_ptr<JobtrackerServiceImpl> client_service_;
  std::unique_ptr<WorkerProtocolServiceImpl> worker_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<web::WebServer> web_;  // status pages, /metrics
  std::unique_ptr<JobtrackerWeb> pages_;
  std::atomic<int> http_port_{0};         // told to workers, for links back

  mutable absl::Mutex mu_;
  int next_job_seq_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<std::string, std::unique_ptr<Job>> jobs_ ABSL_GUARDED_BY(mu_);  // ids sort by age
  std::map<std::string, bool> finalized_ ABSL_GUARDED_BY(mu_);  // end work queued
  std::map<std::string, absl::Time> finished_at_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, WorkerInfo> workers_ ABSL_GUARDED_BY(mu_);
  // Finished jobs read back from history (which never changes once written).
  mutable std::map<std::string, JobStatus> history_cache_ ABSL_GUARDED_BY(mu_);
  std::deque<Work> work_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool staging_root_ready_ ABSL_GUARDED_BY(mu_) = false;
  std::thread committer_;
  std::thread monitor_;
  bool shut_down_ = false;
  // Last: unregistered first, before the state they read goes away.
  std::vector<metrics::Registry::CallbackHandle> metric_callbacks_;
};

}  // namespace hayloft::jobtracker

#endif  // HAYLOFT_JOBTRACKER_JOBTRACKER_H_
