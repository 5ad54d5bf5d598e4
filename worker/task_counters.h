// TaskCounters: counters of one task attempt, framework and user ones alike.
#ifndef HAYLOFT_WORKER_TASK_COUNTERS_H_
#define HAYLOFT_WORKER_TASK_COUNTERS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "proto/jobtracker.pb.h"

namespace hayloft::worker {

inline constexpr char kTaskGroup[] = "Map-Reduce Framework";
inline constexpr char kFsGroup[] = "File System Counters";

// Not thread-safe; owned by the task runner.
class TaskCounters {
 public:
  // Called several times per record: finds an existing counter without building
  // a string (the names are string literals at most call sites).
  void Increment(std::string_view group, std::string_view name, int64_t amount = 1) {
    *Find(group, name) += amount;
  }
  // A counter's storage, for per-record counts on hot paths: stays valid for the
  // life of this object (map nodes do not move), so callers bump it without a
  // lookup. Creates the counter at 0.
  int64_t* Find(std::string_view group, std::string_view name) {
    auto g = groups_.find(group);
    if (g == groups_.end()) g = groups_.emplace(std::string(group), Names()).first;
    auto n = g->second.find(name);
    if (n == g->second.end()) n = g->second.emplace(std::string(name), 0).first;
    return &n->second;
  }
  void AddTo(google::protobuf::RepeatedPtrField<Counter>* out) const {
    for (const auto& [group, names] : groups_) {
      for (const auto& [name, value] : names) {
        Counter* c = out->Add();
        c->set_group(group);
        c->set_name(name);
        c->set_value(value);
      }
    }
  }

 private:
  using Names = std::map<std::string, int64_t, std::less<>>;
  std::map<std::string, Names, std::less<>> groups_;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_TASK_COUNTERS_H_
