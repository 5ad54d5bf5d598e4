// Job: the jobtracker's state of one job: its map and reduce tasks, their
// attempts, progress and counters, and the job's state machine:
//   RUNNING -> (every task succeeded) commit pending -> SUCCEEDED
//   RUNNING -> FAILED (a task failed max-attempts times) | KILLED (by the user)
// A task is PENDING, RUNNING (an attempt runs), COMMITTING (an attempt finished
// and its output is being renamed into place) or SUCCEEDED. Maps of a job with
// reduces need no commit: their output stays on the worker that ran them, and
// goes back to PENDING if that worker is lost before every reduce is done.
#ifndef HAYLOFT_JOBTRACKER_JOB_H_
#define HAYLOFT_JOBTRACKER_JOB_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/jobtracker.pb.h"

namespace hayloft::jobtracker {

enum class TaskState { kPending, kRunning, kCommitting, kSucceeded };
enum class Locality { kDataLocal, kRackLocal, kOther };

struct AttemptInfo {
  std::string id;
  TaskType type = MAP;
  int task_index = 0;
  std::string worker_id;
  AttemptState state = ATTEMPT_RUNNING;
  float progress = 0;
  absl::Time start_time;
  absl::Time finish_time = absl::InfinitePast();  // while it runs
  Locality locality = Locality::kOther;           // maps only: where it ran
  bool speculative = false;  // started while another attempt of its task ran
  std::vector<Counter> counters;
  std::string diagnostics;
};

absl::string_view LocalityName(Locality l);  // "data-local", "rack-local", "off-rack"
absl::string_view AttemptStateName(AttemptState s);  // "SUCCEEDED", ...

struct TaskInfo {
  TaskType type = MAP;
  int index = 0;
  InputSplit split;
  TaskState state = TaskState::kPending;
  std::vector<AttemptInfo> attempts;  // attempt k has number k
  int failures = 0;
  int winner = -1;                    // the attempt that succeeded
  std::set<std::string> failed_workers;
};

// A task output to rename into place: _temporary/<attempt>/<part> -> <part>.
struct CommitRequest {
  std::string job_id;
  TaskType type = REDUCE;
  int index = 0;
  std::string attempt_id;
};

struct JobOptions {
  std::string id;
  std::string user;
  std::map<std::string, std::string> conf;
  std::vector<InputSplit> splits;
  int num_reduces = 1;
  int max_map_attempts = 4;
  int max_reduce_attempts = 4;
};

// Not thread-safe; guarded by the Jobtracker's mutex.
class Job {
 public:
  Job(JobOptions options, absl::Time now);

  const std::string& id() const { return options_.id; }
  // Who submitted it: the jobtracker and the tasks use the DFS as this user.
  const std::string& user() const { return options_.user; }
  const std::map<std::string, std::string>& conf() const { return options_.conf; }
  JobState state() const { return state_; }
  bool map_only() const { return options_.num_reduces == 0; }
  bool finished() const { return state_ != JOB_RUNNING; }
  const std::string& output_dir() const { return output_dir_; }
  std::string name() const;  // mapreduce.job.name
  std::vector<TaskInfo>& maps() { return maps_; }
  std::vector<TaskInfo>& reduces() { return reduces_; }
  bool all_maps_done() const;
  // When the job last launched a map on a host of its split (delay scheduling).
  absl::Time last_local_launch() const { return last_local_launch_; }

  // Starts a new attempt of `task` on a worker and returns what the worker needs.
  TaskSpec StartAttempt(TaskInfo& task, const std::string& worker_id, Locality locality,
                        absl::Time now);

  // Applies an attempt's state from a heartbeat. Adds commit work for a finished
  // reduce (or map of a map-only job). Returns false if the attempt is not known.
  bool UpdateAttempt(const TaskAttemptStatus& status, const std::string& worker_id,
                     std::vector<CommitRequest>* commits);
  // The rename of a task's output is done (or failed: the attempt fails).
  void CommitDone(const CommitRequest& commit, const std::string& error);
  // True once: every task succeeded and the job output should be committed.
  bool TakeJobCommit();
  void MarkSucceeded(absl::Time now);
  void Fail(const std::string& diagnostics, absl::Time now);
  void Kill(absl::Time now);
  // A worker is gone: its running attempts are re-run, and so are its finished
  // maps if some reduce still needs them.
  void LoseWorker(const std::string& worker_id);
  // A heartbeat from `worker_id` listed `reported`: its running attempts missing
  // there are gone (the worker restarted, or never got the launch).
  void ReconcileWorker(const std::string& worker_id, const std::set<std::string>& reported);
  // A running task that lags far enough behind to deserve a second, speculative
  // attempt on another worker: its only attempt has run at least `min_runtime`
  // and its progress is 0.2 below the mean of its kind (finished tasks count as
  // 1). Null if none; mapreduce.{map,reduce}.speculative=false turns it off.
  TaskInfo* FindStraggler(TaskType type, const std::string& worker_id, absl::Duration min_runtime,
                          absl::Time now);
  // Should this running attempt be killed (job over, or another attempt won)?
  bool ShouldKill(const std::string& attempt_id) const;

  JobStatus Snapshot() const;
  // Every attempt of every task, in the order they started.
  std::vector<AttemptInfo> Attempts() const;
  // Running attempts by worker id.
  std::map<std::string, int> RunningAttemptsPerWorker() const;
  // Null if the job has no such attempt.
  const AttemptInfo* FindAttempt(const std::string& attempt_id) const;
  // Map outputs for reduce task specs.
  std::vector<MapOutputLocation> MapOutputs() const;

 private:
  TaskInfo* FindTask(const std::string& attempt_id, int* number);
  const TaskInfo* FindTask(const std::string& attempt_id, int* number) const;
  void AttemptFailed(TaskInfo& task, AttemptInfo& attempt, const TaskAttemptStatus& status,
                     absl::Time now);
  // Moves a running attempt to a final state (and counts it in the metrics).
  void EndAttempt(AttemptInfo& attempt, AttemptState state, const std::string& diagnostics,
                  absl::Time now);
  void AddJobCounters(std::map<std::pair<std::string, std::string>, int64_t>& c) const;

  const JobOptions options_;
  const std::string output_dir_;
  const std::string id_body_;  // "<jt start>_<seq>" from job_<jt start>_<seq>
  JobState state_ = JOB_RUNNING;
  std::vector<TaskInfo> maps_;
  std::vector<TaskInfo> reduces_;
  bool commit_taken_ = false;
  std::string diagnostics_;
  absl::Time start_time_;
  absl::Time finish_time_ = absl::InfinitePast();
  absl::Time last_local_launch_;
  int64_t data_local_ = 0, rack_local_ = 0, other_local_ = 0;
  int64_t launched_maps_ = 0, launched_reduces_ = 0;
  int64_t speculative_maps_ = 0, speculative_reduces_ = 0;
  int64_t failed_maps_ = 0, failed_reduces_ = 0, killed_maps_ = 0, killed_reduces_ = 0;
};

}  // namespace hayloft::jobtracker

#endif  // HAYLOFT_JOBTRACKER_JOB_H_
