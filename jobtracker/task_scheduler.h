// Task assignment for one worker heartbeat: jobs in submission order (FIFO), maps
// node-local first, then rack-local, then anywhere, with delay scheduling (a job
// waits for a local slot up to the locality delay before taking a rack-local one,
// and twice that before taking any); reduces once every map of their job is done.
// Slots left over go to speculative attempts of stragglers (Job::FindStraggler).
#ifndef HAYLOFT_JOBTRACKER_TASK_SCHEDULER_H_
#define HAYLOFT_JOBTRACKER_TASK_SCHEDULER_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/base/topology.h"
#include "jobtracker/job.h"
#include "proto/jobtracker.pb.h"

namespace hayloft::jobtracker {

struct WorkerOffer {
  std::string worker_id;
  std::string host;
  int free_map_slots = 0;
  int free_reduce_slots = 0;
  int num_live_workers = 1;   // a task is kept off workers it failed on while others exist
};

// Not thread-safe: called under the Jobtracker's mutex. Stateless.
class TaskScheduler {
 public:
  // Stragglers get a speculative attempt once they have run speculative_lag.
  TaskScheduler(const Topology* topology, absl::Duration locality_delay,
                absl::Duration speculative_lag = absl::Seconds(10))
      : topology_(topology), locality_delay_(locality_delay), speculative_lag_(speculative_lag) {}

  // Starts attempts on the offered worker and returns their specs.
  std::vector<TaskSpec> Assign(const std::vector<Job*>& jobs, const WorkerOffer& offer,
                               absl::Time now) const;

 private:
  // The best pending map of `job` for this worker within `max_level`, or null.
  TaskInfo* PickMap(Job& job, const WorkerOffer& offer, Locality max_level,
                    Locality* level) const;
  Locality LocalityOf(const TaskInfo& t, const WorkerOffer& offer) const;
  static bool Avoid(const TaskInfo& t, const WorkerOffer& offer);

  const Topology* topology_;
  const absl::Duration locality_delay_;
  const absl::Duration speculative_lag_;
};

}  // namespace hayloft::jobtracker

#endif  // HAYLOFT_JOBTRACKER_TASK_SCHEDULER_H_
