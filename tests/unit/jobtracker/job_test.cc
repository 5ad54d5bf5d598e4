#include "jobtracker/job.h"

#include <gtest/gtest.h>

namespace hayloft::jobtracker {
namespace {

std::unique_ptr<Job> MakeJob(int maps, int reduces, absl::Time now) {
  JobOptions o;
  o.id = "job_1_0001";
  o.num_reduces = reduces;
  o.conf = {{"mapreduce.job.name", "wc"},
            {"mapreduce.input.fileinputformat.inputdir", "/a,/b <c>"}};
  for (int i = 0; i < maps; ++i) {
    InputSplit s;
    s.set_path("/a");
    s.set_offset(static_cast<uint64_t>(i) * 100);
    s.set_length(100);
    o.splits.push_back(s);
  }
  return std::make_unique<Job>(std::move(o), now);
}

TaskAttemptStatus Report(const std::string& id, AttemptState state) {
  TaskAttemptStatus s;
  s.set_attempt_id(id);
  s.set_state(state);
  return s;
}

// What the status pages show of attempts: task, worker, locality, times, state,
// and a failed attempt beside the attempt that retried it.
TEST(JobTest, KeepsEveryAttemptWithItsTimesLocalityAndState) {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  auto job = MakeJob(1, 1, t0);
  TaskInfo& map = job->maps()[0];
  TaskSpec first = job->StartAttempt(map, "w1:1", Locality::kDataLocal, t0);
  std::vector<CommitRequest> commits;
  ASSERT_TRUE(job->UpdateAttempt(Report(first.attempt_id(), ATTEMPT_FAILED), "w1:1", &commits));
  TaskSpec retry = job->StartAttempt(map, "w2:1", Locality::kRackLocal, t0 + absl::Seconds(2));
  ASSERT_TRUE(job->UpdateAttempt(Report(retry.attempt_id(), ATTEMPT_SUCCEEDED), "w2:1", &commits));

  std::vector<AttemptInfo> attempts = job->Attempts();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].id, "attempt_1_0001_m_000000_0");
  EXPECT_EQ(attempts[0].type, MAP);
  EXPECT_EQ(attempts[0].task_index, 0);
  EXPECT_EQ(attempts[0].worker_id, "w1:1");
  EXPECT_EQ(attempts[0].state, ATTEMPT_FAILED);
  EXPECT_EQ(attempts[0].locality, Locality::kDataLocal);
  EXPECT_EQ(attempts[0].start_time, t0);
  EXPECT_NE(attempts[0].finish_time, absl::InfinitePast());
  EXPECT_FALSE(attempts[0].speculative);
  EXPECT_EQ(attempts[1].id, "attempt_1_0001_m_000000_1");
  EXPECT_EQ(attempts[1].state, ATTEMPT_SUCCEEDED);
  EXPECT_EQ(attempts[1].locality, Locality::kRackLocal);
  EXPECT_EQ(LocalityName(attempts[1].locality), "rack-local");
  ASSERT_NE(job->FindAttempt(retry.attempt_id()), nullptr);
  EXPECT_EQ(job->FindAttempt(retry.attempt_id())->worker_id, "w2:1");
  EXPECT_EQ(job->FindAttempt("attempt_1_0001_m_000000_7"), nullptr);
}

TEST(JobTest, RunningAttemptsAreCountedPerWorkerUntilTheyEnd) {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  auto job = MakeJob(3, 0, t0);
  job->StartAttempt(job->maps()[0], "w1:1", Locality::kDataLocal, t0);
  TaskSpec b = job->StartAttempt(job->maps()[1], "w1:1", Locality::kDataLocal, t0);
  job->StartAttempt(job->maps()[2], "w2:1", Locality::kOther, t0);
  EXPECT_EQ(job->RunningAttemptsPerWorker(),
            (std::map<std::string, int>{{"w1:1", 2}, {"w2:1", 1}}));
  job->LoseWorker("w2:1");
  std::vector<CommitRequest> commits;
  job->UpdateAttempt(Report(b.attempt_id(), ATTEMPT_KILLED), "w1:1", &commits);
  EXPECT_EQ(job->RunningAttemptsPerWorker(), (std::map<std::string, int>{{"w1:1", 1}}));
  const AttemptInfo* lost = job->FindAttempt("attempt_1_0001_m_000002_0");
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->state, ATTEMPT_KILLED);
  EXPECT_NE(lost->finish_time, absl::InfinitePast());
}

TEST(JobTest, SnapshotNamesTheJobAndItsInputs) {
  auto job = MakeJob(1, 1, absl::FromUnixSeconds(1000));
  JobStatus s = job->Snapshot();
  EXPECT_EQ(s.name(), "wc");
  ASSERT_EQ(s.input_paths_size(), 2);
  EXPECT_EQ(s.input_paths(0), "/a");
  EXPECT_EQ(s.input_paths(1), "/b <c>");
}

}  // namespace
}  // namespace hayloft::jobtracker
