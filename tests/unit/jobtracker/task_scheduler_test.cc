#include "jobtracker/task_scheduler.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "jobtracker/job.h"

namespace hayloft::jobtracker {
namespace {

// Job with one map per entry of `hosts`, each split on those hosts.
std::unique_ptr<Job> MakeJob(const std::vector<std::vector<std::string>>& hosts, int reduces,
                             absl::Time now) {
  JobOptions o;
  o.id = "job_1_0001";
  o.num_reduces = reduces;
  for (size_t i = 0; i < hosts.size(); ++i) {
    InputSplit s;
    s.set_path("/in");
    s.set_offset(i * 100);
    s.set_length(100);
    for (const std::string& h : hosts[i]) s.add_hosts(h);
    o.splits.push_back(s);
  }
  return std::make_unique<Job>(std::move(o), now);
}

class TaskSchedulerTest : public ::testing::Test {
 protected:
  TaskSchedulerTest()
      : topology_(*Topology::Parse("h1 /r1\nh2 /r1\nh3 /r2\nh4 /r2\n")),
        scheduler_(&topology_, absl::Seconds(1)) {}

  WorkerOffer Offer(const std::string& host, int maps, int reduces = 0) {
    return WorkerOffer{absl::StrCat(host, ":1"), host, maps, reduces, 4};
  }

  Topology topology_;
  TaskScheduler scheduler_;
  absl::Time t0_ = absl::FromUnixSeconds(1000);
};

TEST_F(TaskSchedulerTest, PrefersNodeLocalThenWaitsBeforeRackLocalThenAny) {
  auto job = MakeJob({{"h1"}, {"h3"}, {"h4"}}, 0, t0_);
  std::vector<Job*> jobs = {job.get()};
  // h1 gets its local map; nothing else is local to h1, so it waits.
  auto got = scheduler_.Assign(jobs, Offer("h1", 2), t0_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].split().offset(), 0u);
  // h2 (rack r1) has no rack-local map left: still nothing before 2 delays.
  EXPECT_TRUE(scheduler_.Assign(jobs, Offer("h2", 2), t0_ + absl::Seconds(1.5)).empty());
  // h3's own map, then after a delay h4's map is rack-local for h3... but h4 asks first.
  got = scheduler_.Assign(jobs, Offer("h4", 1), t0_ + absl::Seconds(0.5));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].split().offset(), 200u);
  // After two delays without a local launch, h2 takes anything.
  got = scheduler_.Assign(jobs, Offer("h2", 2), t0_ + absl::Seconds(3));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].split().offset(), 100u);
  JobStatus s = job->Snapshot();
  int64_t local = 0, other = 0;
  for (const Counter& c : s.counters()) {
    if (c.name() == "Data-local map tasks") local = c.value();
    if (c.name() == "Other local map tasks") other = c.value();
  }
  EXPECT_EQ(local, 2);
  EXPECT_EQ(other, 1);
}

TEST_F(TaskSchedulerTest, RackLocalAfterOneDelay) {
  auto job = MakeJob({{"h3"}}, 0, t0_);
  std::vector<Job*> jobs = {job.get()};
  EXPECT_TRUE(scheduler_.Assign(jobs, Offer("h4", 1), t0_).empty());
  auto got = scheduler_.Assign(jobs, Offer("h4", 1), t0_ + absl::Seconds(1));
  ASSERT_EQ(got.size(), 1u);
}

TEST_F(TaskSchedulerTest, ReducesWaitForEveryMap) {
  auto job = MakeJob({{"h1"}}, 1, t0_);
  std::vector<Job*> jobs = {job.get()};
  auto got = scheduler_.Assign(jobs, Offer("h1", 1, 1), t0_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type(), MAP);
  TaskAttemptStatus done;
  done.set_attempt_id(got[0].attempt_id());
  done.set_state(ATTEMPT_SUCCEEDED);
  std::vector<CommitRequest> commits;
  ASSERT_TRUE(job->UpdateAttempt(done, "h1:1", &commits));
  EXPECT_TRUE(commits.empty());  // map output stays on the worker
  got = scheduler_.Assign(jobs, Offer("h2", 1, 1), t0_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type(), REDUCE);
  ASSERT_EQ(got[0].map_outputs_size(), 1);
  EXPECT_EQ(got[0].map_outputs(0).worker_address(), "h1:1");
}

TEST(JobTest, FailsAfterMaxAttemptsWithTheLastFailure) {
  JobOptions o;
  o.id = "job_1_0002";
  o.num_reduces = 0;
  o.max_map_attempts = 2;
  o.splits.emplace_back().set_path("/in");
  Job job(o, absl::Now());
  std::vector<CommitRequest> commits;
  for (int i = 0; i < 2; ++i) {
    TaskSpec spec = job.StartAttempt(job.maps()[0], "w1:1", Locality::kOther, absl::Now());
    EXPECT_EQ(spec.attempt_id(), absl::StrCat("attempt_1_0002_m_000000_", i));
    TaskAttemptStatus failed;
    failed.set_attempt_id(spec.attempt_id());
    failed.set_state(ATTEMPT_FAILED);
    failed.set_diagnostics("boom");
    job.UpdateAttempt(failed, "w1:1", &commits);
  }
  EXPECT_EQ(job.state(), JOB_FAILED);
  EXPECT_NE(job.Snapshot().diagnostics().find("task_1_0002_m_000000 failed 2 times"),
            std::string::npos)
      << job.Snapshot().diagnostics();
}

TEST(JobTest, LostWorkerReRunsItsMapsWhileReducesNeedThem) {
  JobOptions o;
  o.id = "job_1_0003";
  o.num_reduces = 1;
  o.splits.emplace_back().set_path("/in");
  Job job(o, absl::Now());
  TaskSpec spec = job.StartAttempt(job.maps()[0], "w1:1", Locality::kOther, absl::Now());
  TaskAttemptStatus done;
  done.set_attempt_id(spec.attempt_id());
  done.set_state(ATTEMPT_SUCCEEDED);
  std::vector<CommitRequest> commits;
  job.UpdateAttempt(done, "w1:1", &commits);
  EXPECT_TRUE(job.all_maps_done());
  job.LoseWorker("w1:1");
  EXPECT_FALSE(job.all_maps_done());
  EXPECT_EQ(job.maps()[0].state, TaskState::kPending);
}

TEST(JobTest, FetchFailureReRunsTheMapWithoutCountingAgainstTheReduce) {
  JobOptions o;
  o.id = "job_1_0004";
  o.num_reduces = 1;
  o.max_reduce_attempts = 1;
  o.splits.emplace_back().set_path("/in");
  Job job(o, absl::Now());
  std::vector<CommitRequest> commits;
  TaskSpec map = job.StartAttempt(job.maps()[0], "w1:1", Locality::kOther, absl::Now());
  TaskAttemptStatus done;
  done.set_attempt_id(map.attempt_id());
  done.set_state(ATTEMPT_SUCCEEDED);
  job.UpdateAttempt(done, "w1:1", &commits);
  TaskSpec reduce = job.StartAttempt(job.reduces()[0], "w2:1", Locality::kOther, absl::Now());
  TaskAttemptStatus fetch_failed;
  fetch_failed.set_attempt_id(reduce.attempt_id());
  fetch_failed.set_state(ATTEMPT_FAILED);
  fetch_failed.add_failed_fetch_maps(0);
  job.UpdateAttempt(fetch_failed, "w2:1", &commits);
  EXPECT_EQ(job.state(), JOB_RUNNING);  // one reduce attempt allowed, yet not failed
  EXPECT_EQ(job.maps()[0].state, TaskState::kPending);
  EXPECT_EQ(job.reduces()[0].state, TaskState::kPending);
  EXPECT_EQ(job.reduces()[0].failures, 0);
}

TEST(JobTest, LosingAttemptOfASpeculatedTaskIsKilledAndTheWinnerCommits) {
  JobOptions o;
  o.id = "job_1_0005";
  o.num_reduces = 0;
  o.splits.emplace_back().set_path("/in");
  Job job(o, absl::Now());
  TaskSpec first = job.StartAttempt(job.maps()[0], "w1:1", Locality::kOther, absl::Now());
  TaskSpec second = job.StartAttempt(job.maps()[0], "w2:1", Locality::kOther, absl::Now());
  std::vector<CommitRequest> commits;
  TaskAttemptStatus done;
  done.set_attempt_id(second.attempt_id());
  done.set_state(ATTEMPT_SUCCEEDED);
  job.UpdateAttempt(done, "w2:1", &commits);
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].attempt_id, second.attempt_id());
  EXPECT_TRUE(job.ShouldKill(first.attempt_id()));
  job.CommitDone(commits[0], "");
  EXPECT_TRUE(job.TakeJobCommit());
  EXPECT_FALSE(job.TakeJobCommit());  // once
}

}  // namespace
}  // namespace hayloft::jobtracker
