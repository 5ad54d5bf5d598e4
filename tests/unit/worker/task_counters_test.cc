#include "worker/task_counters.h"

#include <gtest/gtest.h>

#include <string>

namespace hayloft::worker {
namespace {

TEST(TaskCounters, AddsUpAndListsByGroupThenName) {
  TaskCounters counters;
  counters.Increment(kTaskGroup, "Map output records");
  counters.Increment(kTaskGroup, "Map output records", 4);
  counters.Increment(kFsGroup, "HDFS bytes read", 100);
  std::string dynamic_name = "Combine input records";
  counters.Increment(kTaskGroup, dynamic_name, 2);
  google::protobuf::RepeatedPtrField<Counter> out;
  counters.AddTo(&out);
  ASSERT_EQ(out.size(), 3);
  EXPECT_EQ(out[0].group(), kFsGroup);
  EXPECT_EQ(out[0].name(), "HDFS bytes read");
  EXPECT_EQ(out[0].value(), 100);
  EXPECT_EQ(out[1].group(), kTaskGroup);
  EXPECT_EQ(out[1].name(), "Combine input records");
  EXPECT_EQ(out[1].value(), 2);
  EXPECT_EQ(out[2].name(), "Map output records");
  EXPECT_EQ(out[2].value(), 5);
}

}  // namespace
}  // namespace hayloft::worker
