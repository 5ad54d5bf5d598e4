// TaskRunner: runs one task attempt inside the hayloft-task child process. Reads
// the job library (or the streaming commands), the split or the map outputs, runs
// the user's code and writes the result: a map's sorted, partitioned output in the
// attempt dir (file.out + file.out.index), or a part file in the job output's
// _temporary/<attempt>/ directory in the DFS. Progress, counters and errors go to
// <attempt dir>/status (a TaskReport, replaced atomically) for the worker to read.
//
// Attempt dir layout (made by the worker):
//   task.pb        the TaskSpec (binary protobuf)
//   job.so         the job library (absent for streaming jobs)
//   status         TaskReport, rewritten as the attempt runs
//   stderr/stdout  the child's output, kept in the attempt's log
//   output/        map output: file.out, file.out.index (spills while running)
//   shuffle/       a reduce's fetched segments that did not fit in memory
#ifndef HAYLOFT_WORKER_TASK_RUNNER_H_
#define HAYLOFT_WORKER_TASK_RUNNER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/dfs_client.h"
#include "hayloft/mapreduce.h"
#include "proto/jobtracker.pb.h"
#include "proto/worker.pb.h"
#include "worker/task_counters.h"

namespace hayloft::worker {

// Exit codes of hayloft-task.
inline constexpr int kTaskExitOk = 0;
inline constexpr int kTaskExitFailed = 1;
inline constexpr int kTaskExitFetchFailed = 3;

// Not thread-safe; one per child process.
class TaskRunner {
 public:
  TaskRunner(TaskSpec spec, std::string attempt_dir);
  ~TaskRunner();

  // Runs the attempt and returns the process exit code. The status file says why
  // it failed.
  int Run();

 private:
  absl::Status Init();
  absl::Status RunMap();
  absl::Status RunReduce();
  std::string TempOutputPath() const;
  void Report(float progress, bool done, const std::string& error);
  void MaybeReport(float progress);

  const TaskSpec spec_;
  const std::string dir_;
  TaskCounters counters_;
  std::unique_ptr<DfsClient> dfs_;
  std::unique_ptr<mr::Job> job_;
  std::vector<int> failed_fetch_maps_;
  absl::Time last_report_ = absl::InfinitePast();
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_TASK_RUNNER_H_
