// The namespace store's group commit: what Sync and WhenDurable promise, on a real
// LevelDB store in a temp dir.
#include "namenode/edit_log.h"

#include <atomic>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

class EditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(dir_, testing::TempDir::Create("edit_log_test"));
    Reopen();
  }

  void Reopen() {
    log_.reset();
    absl::StatusOr<std::unique_ptr<EditLog>> log = EditLog::Open(dir_->path() + "/name");
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }

  // A batch that adds one child `name` under the root.
  static leveldb::WriteBatch Child(const std::string& name) {
    InodeRecord record;
    record.set_id(1000 + name.size());
    leveldb::WriteBatch batch;
    batch.Put(EditLog::ChildKey(1, name), record.SerializeAsString());
    return batch;
  }

  std::set<std::string> Children() {
    std::set<std::string> names;
    EXPECT_OK(log_->ForEachInode(
        [&](uint64_t parent, const std::string& name, const InodeRecord&) {
          if (parent == 1) names.insert(name);
        }));
    return names;
  }

  std::optional<testing::TempDir> dir_;
  std::unique_ptr<EditLog> log_;
};

TEST_F(EditLogTest, WhatSyncAcknowledgedSurvivesAReopen) {
  const uint64_t a = log_->Append(Child("a"));
  const uint64_t b = log_->Append(Child("b"));
  EXPECT_LT(a, b);
  ASSERT_OK(log_->Sync(b));
  Reopen();
  EXPECT_EQ(Children(), (std::set<std::string>{"a", "b"}));
}

TEST_F(EditLogTest, WhenDurableCallsBackOnceTheBatchIsWritten) {
  const uint64_t seq = log_->Append(Child("x"));
  absl::Notification done;
  absl::Status status = absl::UnknownError("not called");
  log_->WhenDurable(seq, [&](absl::Status s) {
    status = std::move(s);
    done.Notify();
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_OK(status);
  Reopen();
  EXPECT_EQ(Children(), (std::set<std::string>{"x"}));
}

TEST_F(EditLogTest, WhenDurableForAnAlreadyDurableBatchCallsBackAtOnce) {
  const uint64_t seq = log_->Append(Child("x"));
  ASSERT_OK(log_->Sync(seq));
  bool called = false;
  log_->WhenDurable(seq, [&](absl::Status s) {
    EXPECT_OK(s);
    called = true;
  });
  EXPECT_TRUE(called);  // on this thread, before WhenDurable returned
}

// Concurrent writers share syncs; every one hears back, and everything they
// were told is durable is there after a reopen.
TEST_F(EditLogTest, ManyConcurrentWritersAreAllAcknowledgedAndDurable) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const uint64_t seq = log_->Append(Child(absl::StrCat("t", t, "-", i)));
        absl::Notification done;
        log_->WhenDurable(seq, [&](absl::Status s) {
          EXPECT_OK(s);
          done.Notify();
        });
        done.WaitForNotification();
        ++acknowledged;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(acknowledged.load(), kThreads * kPerThread);
  Reopen();
  EXPECT_EQ(Children().size(), static_cast<size_t>(kThreads * kPerThread));
}

// Closing the store writes what is queued and answers every waiter, so a namenode
// that stops never leaves an RPC without a reply.
TEST_F(EditLogTest, ClosingWritesWhatIsQueuedAndAnswersWaiters) {
  std::atomic<int> answered{0};
  for (int i = 0; i < 20; ++i) {
    const uint64_t seq = log_->Append(Child(absl::StrCat("q", i)));
    log_->WhenDurable(seq, [&](absl::Status s) {
      EXPECT_OK(s);
      ++answered;
    });
  }
  Reopen();
  EXPECT_EQ(answered.load(), 20);
  EXPECT_EQ(Children().size(), 20u);
}

}  // namespace
}  // namespace hayloft
