#include "jobtracker/task_scheduler.h"

#include <algorithm>

namespace hayloft::jobtracker {

Locality TaskScheduler::LocalityOf(const TaskInfo& t, const WorkerOffer& offer) const {
  const auto& hosts = t.split.hosts();
  if (std::find(hosts.begin(), hosts.end(), offer.host) != hosts.end()) return Locality::kDataLocal;
  const std::string rack = topology_->RackOf(offer.host);
  for (const std::string& h : hosts) {
    if (topology_->RackOf(h) == rack) return Locality::kRackLocal;
  }
  return Locality::kOther;
}

bool TaskScheduler::Avoid(const TaskInfo& t, const WorkerOffer& offer) {
  return t.failed_workers.count(offer.worker_id) > 0 &&
         static_cast<int>(t.failed_workers.size()) < offer.num_live_workers;
}

TaskInfo* TaskScheduler::PickMap(Job& job, const WorkerOffer& offer, Locality max_level,
                                 Locality* level) const {
  TaskInfo* rack_local = nullptr;
  TaskInfo* other = nullptr;
  const std::string rack = topology_->RackOf(offer.host);
  for (TaskInfo& t : job.maps()) {
    if (t.state != TaskState::kPending || Avoid(t, offer)) continue;
    const auto& hosts = t.split.hosts();
    if (std::find(hosts.begin(), hosts.end(), offer.host) != hosts.end()) {
      *level = Locality::kDataLocal;
      return &t;
    }
    if (hosts.empty()) {
      // No locality to wait for (generated input, empty files).
      if (other == nullptr) other = &t;
      continue;
    }
    if (rack_local == nullptr &&
        std::any_of(hosts.begin(), hosts.end(),
                    [&](const std::string& h) { return topology_->RackOf(h) == rack; })) {
      rack_local = &t;
    }
    if (other == nullptr && max_level == Locality::kOther) other = &t;
  }
  if (rack_local != nullptr && max_level != Locality::kDataLocal) {
    *level = Locality::kRackLocal;
    return rack_local;
  }
  if (other != nullptr) {
    *level = Locality::kOther;
    return other;
  }
  return nullptr;
}

std::vector<TaskSpec> TaskScheduler::Assign(const std::vector<Job*>& jobs,
                                            const WorkerOffer& offer, absl::Time now) const {
  std::vector<TaskSpec> out;
  int free_maps = offer.free_map_slots;
  int free_reduces = offer.free_reduce_slots;
  for (Job* job : jobs) {
    if (job->finished()) continue;
    const absl::Duration waited = now - job->last_local_launch();
    const Locality max_level = waited >= 2 * locality_delay_ ? Locality::kOther
                               : waited >= locality_delay_   ? Locality::kRackLocal
                                                             : Locality::kDataLocal;
    while (free_maps > 0) {
      Locality level;
      TaskInfo* t = PickMap(*job, offer, max_level, &level);
      if (t == nullptr) break;
      out.push_back(job->StartAttempt(*t, offer.worker_id, level, now));
      --free_maps;
    }
    if (free_reduces > 0 && job->all_maps_done()) {
      for (TaskInfo& t : job->reduces()) {
        if (free_reduces == 0) break;
        if (t.state != TaskState::kPending || Avoid(t, offer)) continue;
        out.push_back(job->StartAttempt(t, offer.worker_id, Locality::kOther, now));
        --free_reduces;
      }
    }
  }
  // Leftover slots: a second attempt of a straggler; the first to finish wins.
  for (Job* job : jobs) {
    if (job->finished()) continue;
    if (free_maps > 0) {
      if (TaskInfo* t = job->FindStraggler(MAP, offer.worker_id, speculative_lag_, now)) {
        out.push_back(job->StartAttempt(*t, offer.worker_id, LocalityOf(*t, offer), now));
        --free_maps;
      }
    }
    if (free_reduces > 0 && job->all_maps_done()) {
      if (TaskInfo* t = job->FindStraggler(REDUCE, offer.worker_id, speculative_lag_, now)) {
        out.push_back(job->StartAttempt(*t, offer.worker_id, Locality::kOther, now));
        --free_reduces;
      }
    }
  }
  return out;
}

}  // namespace hayloft::jobtracker
