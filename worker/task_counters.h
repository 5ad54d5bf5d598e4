// TaskCounters: counters of one task attempt, framework and user ones alike.
#ifndef HAYLOFT_WORKER_TASK_COUNTERS_H_
#define HAYLOFT_WORKER_TASK_COUNTERS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "proto/jobtracker.pb.h"

namespace hayloft::worker {

inline constexpr char kTaskGroup[] = "Map-Reduce Framework";
inline constexpr char kFsGroup[] = "File System Counters";

// Not thread-safe; owned by the task runner.
class TaskCounters {
 public:
  void Increment(std::string_view group, std::string_view name, int64_t amount = 1) {
    auto key = std::make_pair(std::string(group), std::string(name));
    values_[std::move(key)] += amount;
  }
  void AddTo(google::protobuf::RepeatedPtrField<Counter>* out) const {
    for (const auto& [k, v] : values_) {
      Counter* c = out->Add();
      c->set_group(k.first);
      c->set_name(k.second);
      c->set_value(v);
    }
  }

 private:
  std::map<std::pair<std::string, std::string>, int64_t> values_;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_TASK_COUNTERS_H_
