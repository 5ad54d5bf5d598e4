#include "jobtracker/job.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/job_conf.h"
#include "common/metrics/metrics.h"

namespace hayloft::jobtracker {
namespace {

constexpr char kJobGroup[] = "Job Counters";

// Attempt metrics by task type (MAP = 0, REDUCE = 1), registered at start-up so
// every series exists (at 0) before the first job.
struct AttemptMetrics {
  metrics::Counter* launched[2];
  metrics::Counter* failed[2];
  metrics::Counter* killed[2];
  metrics::Histogram* duration[2][4];  // by final AttemptState (RUNNING unused)
};

const std::vector<double>& TaskDurationBuckets() {
  static const std::vector<double> kBuckets = {0.5, 1,   2.5, 5,    10,   30,  60,
                                               120, 300, 600, 1800, 3600, 7200};
  return kBuckets;
}

AttemptMetrics MakeAttemptMetrics() {
  metrics::Registry& r = metrics::DefaultRegistry();
  AttemptMetrics m{};
  for (int t = 0; t < 2; ++t) {
    const metrics::Labels type = {{"type", t == MAP ? "map" : "reduce"}};
    m.launched[t] = r.GetCounter("mapreduce_jobtracker_task_attempts_launched_total",
                                 "Task attempts started, by task type.", type);
    m.failed[t] = r.GetCounter("mapreduce_jobtracker_task_attempts_failed_total",
                               "Task attempts that failed, by task type.", type);
    m.killed[t] = r.GetCounter("mapreduce_jobtracker_task_attempts_killed_total",
                               "Task attempts killed (lost worker, speculation, job over).", type);
    for (AttemptState s : {ATTEMPT_SUCCEEDED, ATTEMPT_FAILED, ATTEMPT_KILLED}) {
      metrics::Labels labels = type;
      labels.emplace_back("state", absl::AsciiStrToLower(AttemptStateName(s)));
      m.duration[t][s] = r.GetHistogram("mapreduce_jobtracker_task_attempt_duration_seconds",
                                        "Run time of finished task attempts, by type and state.",
                                        TaskDurationBuckets(), labels);
    }
  }
  return m;
}

const AttemptMetrics& Metrics() {
  static const AttemptMetrics kMetrics = MakeAttemptMetrics();
  return kMetrics;
}

metrics::Counter* JobsCompleted(absl::string_view state) {
  return metrics::DefaultRegistry().GetCounter(
      "mapreduce_jobtracker_jobs_completed_total", "Jobs that ended, by final state.",
      {{"state", std::string(state)}});
}

// Registers every series at start-up rather than at first use.
[[maybe_unused]] const bool kMetricsRegistered = [] {
  Metrics();
  for (const char* s : {"succeeded", "failed", "killed"}) JobsCompleted(s);
  return true;
}();

std::string OutputDir(const std::map<std::string, std::string>& conf) {
  auto it = conf.find(std::string(jobconf::kOutputDir));
  return it == conf.end() ? "" : it->second;
}

float TaskProgress(const TaskInfo& t) {
  if (t.state == TaskState::kSucceeded) return 1.0f;
  float best = 0;
  for (const AttemptInfo& a : t.attempts) {
    if (a.state == ATTEMPT_RUNNING || a.state == ATTEMPT_SUCCEEDED) best = std::max(best, a.progress);
  }
  return std::min(best, 0.99f);
}

bool HasRunningAttempt(const TaskInfo& t) {
  for (const AttemptInfo& a : t.attempts) {
    if (a.state == ATTEMPT_RUNNING) return true;
  }
  return false;
}

}  // namespace

absl::string_view LocalityName(Locality l) {
  switch (l) {
    case Locality::kDataLocal: return "data-local";
    case Locality::kRackLocal: return "rack-local";
    case Locality::kOther: return "off-rack";
  }
  return "off-rack";
}

absl::string_view AttemptStateName(AttemptState s) {
  switch (s) {
    case ATTEMPT_RUNNING: return "RUNNING";
    case ATTEMPT_SUCCEEDED: return "SUCCEEDED";
    case ATTEMPT_FAILED: return "FAILED";
    case ATTEMPT_KILLED: return "KILLED";
    default: return "UNKNOWN";
  }
}

Job::Job(JobOptions options, absl::Time now)
    : options_(std::move(options)),
      output_dir_(OutputDir(options_.conf)),
      id_body_(std::string(absl::StripPrefix(options_.id, "job_"))),
      start_time_(now),
      last_local_launch_(now) {
  for (size_t i = 0; i < options_.splits.size(); ++i) {
    TaskInfo t;
    t.type = MAP;
    t.index = static_cast<int>(i);
    t.split = options_.splits[i];
    maps_.push_back(std::move(t));
  }
  for (int i = 0; i < options_.num_reduces; ++i) {
    TaskInfo t;
    t.type = REDUCE;
    t.index = i;
    reduces_.push_back(std::move(t));
  }
}

std::string Job::name() const {
  auto it = options_.conf.find(std::string(jobconf::kJobName));
  return it == options_.conf.end() ? "" : it->second;
}

bool Job::all_maps_done() const {
  return std::all_of(maps_.begin(), maps_.end(),
                     [](const TaskInfo& t) { return t.state == TaskState::kSucceeded; });
}

TaskSpec Job::StartAttempt(TaskInfo& task, const std::string& worker_id, Locality locality,
                           absl::Time now) {
  AttemptInfo a;
  a.id = absl::StrFormat("attempt_%s_%c_%06d_%d", id_body_, task.type == MAP ? 'm' : 'r',
                         task.index, task.attempts.size());
  a.type = task.type;
  a.task_index = task.index;
  a.worker_id = worker_id;
  a.start_time = now;
  a.locality = locality;
  if (task.state == TaskState::kRunning) {
    (task.type == MAP ? speculative_maps_ : speculative_reduces_)++;
    a.speculative = true;
  }
  Metrics().launched[task.type == MAP ? 0 : 1]->Increment();
  task.attempts.push_back(a);
  task.state = TaskState::kRunning;
  TaskSpec spec;
  spec.set_job_id(options_.id);
  spec.set_attempt_id(a.id);
  spec.set_type(task.type);
  spec.set_task_index(task.index);
  spec.set_num_reduces(options_.num_reduces);
  spec.set_num_maps(static_cast<int>(maps_.size()));
  for (const auto& [k, v] : options_.conf) (*spec.mutable_conf())[k] = v;
  auto lib = options_.conf.find(std::string(jobconf::kLibrary));
  if (lib != options_.conf.end()) spec.set_library_path(lib->second);
  if (task.type == MAP) {
    *spec.mutable_split() = task.split;
    ++launched_maps_;
    switch (locality) {
      case Locality::kDataLocal:
        ++data_local_;
        last_local_launch_ = now;
        break;
      case Locality::kRackLocal: ++rack_local_; break;
      case Locality::kOther: ++other_local_; break;
    }
  } else {
    ++launched_reduces_;
    for (const MapOutputLocation& m : MapOutputs()) *spec.add_map_outputs() = m;
  }
  return spec;
}

std::vector<MapOutputLocation> Job::MapOutputs() const {
  std::vector<MapOutputLocation> out;
  for (const TaskInfo& t : maps_) {
    if (t.state != TaskState::kSucceeded || t.winner < 0) continue;
    MapOutputLocation m;
    m.set_map_index(t.index);
    m.set_attempt_id(t.attempts[static_cast<size_t>(t.winner)].id);
    m.set_worker_address(t.attempts[static_cast<size_t>(t.winner)].worker_id);
    out.push_back(m);
  }
  return out;
}

TaskInfo* Job::FindTask(const std::string& attempt_id, int* number) {
  return const_cast<TaskInfo*>(static_cast<const Job*>(this)->FindTask(attempt_id, number));
}

const TaskInfo* Job::FindTask(const std::string& attempt_id, int* number) const {
  // attempt_<jt start>_<seq>_<m|r>_<index>_<number>
  std::vector<std::string> parts = absl::StrSplit(attempt_id, '_');
  if (parts.size() != 6) return nullptr;
  int index, n;
  if (!absl::SimpleAtoi(parts[4], &index) || !absl::SimpleAtoi(parts[5], &n)) return nullptr;
  const std::vector<TaskInfo>& tasks = parts[3] == "m" ? maps_ : reduces_;
  if (index < 0 || static_cast<size_t>(index) >= tasks.size()) return nullptr;
  const TaskInfo& t = tasks[static_cast<size_t>(index)];
  if (n < 0 || static_cast<size_t>(n) >= t.attempts.size() ||
      t.attempts[static_cast<size_t>(n)].id != attempt_id) {
    return nullptr;
  }
  *number = n;
  return &t;
}

bool Job::UpdateAttempt(const TaskAttemptStatus& status, const std::string& worker_id,
                        std::vector<CommitRequest>* commits) {
  int n = 0;
  TaskInfo* t = FindTask(status.attempt_id(), &n);
  if (t == nullptr) return false;
  AttemptInfo& a = t->attempts[static_cast<size_t>(n)];
  if (a.state != ATTEMPT_RUNNING || a.worker_id != worker_id) return true;  // already final
  a.progress = status.progress();
  a.counters.assign(status.counters().begin(), status.counters().end());
  const absl::Time now = absl::Now();
  switch (status.state()) {
    case ATTEMPT_RUNNING:
      break;
    case ATTEMPT_SUCCEEDED:
      EndAttempt(a, ATTEMPT_SUCCEEDED, "", now);
      if (finished() || t->state == TaskState::kSucceeded || t->state == TaskState::kCommitting) {
        break;  // the job is over, or another attempt won
      }
      t->winner = n;
      if (t->type == MAP && !map_only()) {
        t->state = TaskState::kSucceeded;
      } else {
        t->state = TaskState::kCommitting;
        commits->push_back({id(), t->type, t->index, a.id});
      }
      break;
    case ATTEMPT_FAILED:
      AttemptFailed(*t, a, status, now);
      break;
    case ATTEMPT_KILLED:
      EndAttempt(a, ATTEMPT_KILLED, status.diagnostics(), now);
      (t->type == MAP ? killed_maps_ : killed_reduces_)++;
      if (t->state == TaskState::kRunning && !HasRunningAttempt(*t)) t->state = TaskState::kPending;
      break;
    default:
      break;
  }
  return true;
}

void Job::AttemptFailed(TaskInfo& task, AttemptInfo& a, const TaskAttemptStatus& status,
                        absl::Time now) {
  EndAttempt(a, ATTEMPT_FAILED, status.diagnostics(), now);
  (task.type == MAP ? failed_maps_ : failed_reduces_)++;
  if (finished()) return;
  if (status.failed_fetch_maps_size() > 0) {
    // The reducer is fine; the map outputs are gone. Re-run those maps and do not
    // count this against the reduce.
    for (int m : status.failed_fetch_maps()) {
      if (m < 0 || static_cast<size_t>(m) >= maps_.size()) continue;
      TaskInfo& map = maps_[static_cast<size_t>(m)];
      if (map.state == TaskState::kSucceeded) {
        map.state = TaskState::kPending;
        map.winner = -1;
      }
    }
  } else {
    ++task.failures;
    task.failed_workers.insert(a.worker_id);
  }
  if (task.state == TaskState::kRunning && !HasRunningAttempt(task)) {
    task.state = TaskState::kPending;
  }
  const int max = task.type == MAP ? options_.max_map_attempts : options_.max_reduce_attempts;
  if (task.failures >= max) {
    Fail(absl::StrFormat("Task task_%s_%c_%06d failed %d times. Last failure (%s): %s", id_body_,
                         task.type == MAP ? 'm' : 'r', task.index, task.failures, a.id,
                         a.diagnostics),
         now);
  }
}

void Job::EndAttempt(AttemptInfo& a, AttemptState state, const std::string& diagnostics,
                     absl::Time now) {
  const int type = a.type == MAP ? 0 : 1;
  if (a.state == ATTEMPT_RUNNING) {
    a.finish_time = now;
    Metrics().duration[type][state]->Observe(absl::ToDoubleSeconds(now - a.start_time));
  }  // else a succeeded attempt whose commit failed: it ended when it succeeded
  a.state = state;
  a.diagnostics = diagnostics;
  if (state == ATTEMPT_FAILED) Metrics().failed[type]->Increment();
  if (state == ATTEMPT_KILLED) Metrics().killed[type]->Increment();
}

void Job::CommitDone(const CommitRequest& commit, const std::string& error) {
  std::vector<TaskInfo>& tasks = commit.type == MAP ? maps_ : reduces_;
  if (commit.index < 0 || static_cast<size_t>(commit.index) >= tasks.size()) return;
  TaskInfo& t = tasks[static_cast<size_t>(commit.index)];
  if (t.state != TaskState::kCommitting) return;
  if (error.empty()) {
    t.state = TaskState::kSucceeded;
    return;
  }
  AttemptInfo& a = t.attempts[static_cast<size_t>(t.winner)];
  t.winner = -1;
  t.state = TaskState::kRunning;  // AttemptFailed moves it back to pending
  TaskAttemptStatus status;
  status.set_diagnostics(absl::StrCat("committing the output failed: ", error));
  AttemptFailed(t, a, status, absl::Now());
}

bool Job::TakeJobCommit() {
  if (state_ != JOB_RUNNING || commit_taken_) return false;
  auto done = [](const TaskInfo& t) { return t.state == TaskState::kSucceeded; };
  if (!std::all_of(maps_.begin(), maps_.end(), done)) return false;
  if (!std::all_of(reduces_.begin(), reduces_.end(), done)) return false;
  commit_taken_ = true;
  return true;
}

void Job::MarkSucceeded(absl::Time now) {
  if (state_ != JOB_RUNNING) return;
  state_ = JOB_SUCCEEDED;
  finish_time_ = now;
  JobsCompleted("succeeded")->Increment();
}

void Job::Fail(const std::string& diagnostics, absl::Time now) {
  if (state_ != JOB_RUNNING) return;
  state_ = JOB_FAILED;
  diagnostics_ = diagnostics;
  finish_time_ = now;
  JobsCompleted("failed")->Increment();
}

void Job::Kill(absl::Time now) {
  if (state_ != JOB_RUNNING) return;
  state_ = JOB_KILLED;
  diagnostics_ = "Job killed by user";
  finish_time_ = now;
  JobsCompleted("killed")->Increment();
}

void Job::LoseWorker(const std::string& worker_id) {
  const bool reduces_need_maps =
      !map_only() && !std::all_of(reduces_.begin(), reduces_.end(), [](const TaskInfo& t) {
        return t.state == TaskState::kSucceeded || t.state == TaskState::kCommitting;
      });
  for (std::vector<TaskInfo>* tasks : {&maps_, &reduces_}) {
    for (TaskInfo& t : *tasks) {
      for (AttemptInfo& a : t.attempts) {
        if (a.worker_id != worker_id || a.state != ATTEMPT_RUNNING) continue;
        EndAttempt(a, ATTEMPT_KILLED, absl::StrCat("lost worker ", worker_id), absl::Now());
        (t.type == MAP ? killed_maps_ : killed_reduces_)++;
      }
      if (t.state == TaskState::kRunning && !HasRunningAttempt(t)) t.state = TaskState::kPending;
      if (t.type == MAP && reduces_need_maps && t.state == TaskState::kSucceeded &&
          t.winner >= 0 && t.attempts[static_cast<size_t>(t.winner)].worker_id == worker_id) {
        t.state = TaskState::kPending;  // its output died with the worker
        t.winner = -1;
      }
    }
  }
}

void Job::ReconcileWorker(const std::string& worker_id, const std::set<std::string>& reported) {
  for (std::vector<TaskInfo>* tasks : {&maps_, &reduces_}) {
    for (TaskInfo& t : *tasks) {
      for (AttemptInfo& a : t.attempts) {
        if (a.worker_id != worker_id || a.state != ATTEMPT_RUNNING || reported.count(a.id)) continue;
        EndAttempt(a, ATTEMPT_KILLED, absl::StrCat("no longer running on worker ", worker_id),
                   absl::Now());
        (t.type == MAP ? killed_maps_ : killed_reduces_)++;
      }
      if (t.state == TaskState::kRunning && !HasRunningAttempt(t)) t.state = TaskState::kPending;
    }
  }
}

TaskInfo* Job::FindStraggler(TaskType type, const std::string& worker_id,
                             absl::Duration min_runtime, absl::Time now) {
  auto flag = options_.conf.find(type == MAP ? "mapreduce.map.speculative"
                                             : "mapreduce.reduce.speculative");
  if (flag != options_.conf.end() && flag->second == "false") return nullptr;
  std::vector<TaskInfo>& tasks = type == MAP ? maps_ : reduces_;
  if (tasks.empty()) return nullptr;
  float mean = 0;
  for (const TaskInfo& t : tasks) mean += TaskProgress(t);
  mean /= static_cast<float>(tasks.size());
  TaskInfo* worst = nullptr;
  for (TaskInfo& t : tasks) {
    if (t.state != TaskState::kRunning) continue;
    int running = 0;
    const AttemptInfo* only = nullptr;
    for (const AttemptInfo& a : t.attempts) {
      if (a.state == ATTEMPT_RUNNING) {
        ++running;
        only = &a;
      }
    }
    if (running != 1 || only->worker_id == worker_id || now - only->start_time < min_runtime) {
      continue;
    }
    if (only->progress > mean - 0.2f) continue;
    if (worst == nullptr || TaskProgress(t) < TaskProgress(*worst)) worst = &t;
  }
  return worst;
}

bool Job::ShouldKill(const std::string& attempt_id) const {
  if (finished()) return true;
  int n = 0;
  const TaskInfo* t = FindTask(attempt_id, &n);
  if (t == nullptr) return true;
  if (t->attempts[static_cast<size_t>(n)].state != ATTEMPT_RUNNING) return true;
  return (t->state == TaskState::kSucceeded || t->state == TaskState::kCommitting) &&
         t->winner != n;
}

void Job::AddJobCounters(std::map<std::pair<std::string, std::string>, int64_t>& c) const {
  auto set = [&](const char* name, int64_t v) {
    if (v != 0) c[{kJobGroup, name}] = v;
  };
  set("Launched map tasks", launched_maps_);
  set("Launched reduce tasks", launched_reduces_);
  set("Data-local map tasks", data_local_);
  set("Rack-local map tasks", rack_local_);
  set("Other local map tasks", other_local_);
  set("Speculative map tasks", speculative_maps_);
  set("Speculative reduce tasks", speculative_reduces_);
  set("Failed map tasks", failed_maps_);
  set("Failed reduce tasks", failed_reduces_);
  set("Killed map tasks", killed_maps_);
  set("Killed reduce tasks", killed_reduces_);
}

JobStatus Job::Snapshot() const {
  JobStatus s;
  s.set_job_id(options_.id);
  s.set_name(name());
  s.set_user(options_.user);
  s.set_state(state_);
  s.set_num_maps(static_cast<int>(maps_.size()));
  s.set_num_reduces(static_cast<int>(reduces_.size()));
  float mp = 0, rp = 0;
  int cm = 0, cr = 0;
  std::map<std::pair<std::string, std::string>, int64_t> counters;
  for (const std::vector<TaskInfo>* tasks : {&maps_, &reduces_}) {
    for (const TaskInfo& t : *tasks) {
      (t.type == MAP ? mp : rp) += TaskProgress(t);
      if (t.state == TaskState::kSucceeded) {
        (t.type == MAP ? cm : cr)++;
        for (const Counter& c : t.attempts[static_cast<size_t>(t.winner)].counters) {
          counters[{c.group(), c.name()}] += c.value();
        }
      }
    }
  }
  s.set_map_progress(maps_.empty() ? 1.0f : mp / maps_.size());
  s.set_reduce_progress(reduces_.empty() ? (state_ == JOB_SUCCEEDED ? 1.0f : 0.0f)
                                         : rp / reduces_.size());
  s.set_completed_maps(cm);
  s.set_completed_reduces(cr);
  s.set_diagnostics(diagnostics_);
  AddJobCounters(counters);
  for (const auto& [k, v] : counters) {
    Counter* c = s.add_counters();
    c->set_group(k.first);
    c->set_name(k.second);
    c->set_value(v);
  }
  s.set_start_time_ms(absl::ToUnixMillis(start_time_));
  if (finish_time_ != absl::InfinitePast()) s.set_finish_time_ms(absl::ToUnixMillis(finish_time_));
  s.set_output_path(output_dir_);
  auto inputs = options_.conf.find(std::string(jobconf::kInputDirs));
  if (inputs != options_.conf.end()) {
    for (absl::string_view p : absl::StrSplit(inputs->second, ',', absl::SkipEmpty())) {
      s.add_input_paths(std::string(p));
    }
  }
  return s;
}

std::vector<AttemptInfo> Job::Attempts() const {
  std::vector<AttemptInfo> out;
  for (const std::vector<TaskInfo>* tasks : {&maps_, &reduces_}) {
    for (const TaskInfo& t : *tasks) out.insert(out.end(), t.attempts.begin(), t.attempts.end());
  }
  std::stable_sort(out.begin(), out.end(), [](const AttemptInfo& a, const AttemptInfo& b) {
    return a.start_time < b.start_time;
  });
  return out;
}

std::map<std::string, int> Job::RunningAttemptsPerWorker() const {
  std::map<std::string, int> out;
  for (const std::vector<TaskInfo>* tasks : {&maps_, &reduces_}) {
    for (const TaskInfo& t : *tasks) {
      for (const AttemptInfo& a : t.attempts) {
        if (a.state == ATTEMPT_RUNNING) ++out[a.worker_id];
      }
    }
  }
  return out;
}

const AttemptInfo* Job::FindAttempt(const std::string& attempt_id) const {
  int n = 0;
  const TaskInfo* t = FindTask(attempt_id, &n);
  return t == nullptr ? nullptr : &t->attempts[static_cast<size_t>(n)];
}

}  // namespace hayloft::jobtracker
