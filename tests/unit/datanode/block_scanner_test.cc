// The block scanner over a BlockStore in a temp dir.
#include "datanode/block_scanner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/base/crc32c.h"

namespace hayloft::datanode {
namespace {

class BlockScannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/block_scanner_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    BlockStoreOptions options;
    options.data_dirs = {root_ + "/a", root_ + "/b"};
    absl::StatusOr<std::unique_ptr<BlockStore>> s = BlockStore::Open(options);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }
  void TearDown() override {
    scanner_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  void MakeScanner(int64_t rate, absl::Duration period, size_t read_bytes = 64 << 10) {
    scanner_ = std::make_unique<BlockScanner>(BlockScannerOptions{rate, period, read_bytes},
                                              store_.get(), [this](const ReplicaInfo& r) {
                                                absl::MutexLock lock(&mu_);
                                                reported_.push_back(r.block_id);
                                              });
  }

  void WriteFinalized(uint64_t id, size_t n) {
    absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->CreateReplica(id, 1, 512);
    ASSERT_TRUE(w.ok()) << w.status();
    std::string data(n, static_cast<char>(id));
    std::vector<uint32_t> sums;
    crc32c::ChunkSums(data, 512, &sums);
    ASSERT_TRUE((*w)->Append(data, sums).ok());
    ASSERT_TRUE((*w)->Finalize().ok());
  }

  void Corrupt(uint64_t id, uint64_t offset) {
    std::optional<ReplicaInfo> r = store_->GetReplica(id);
    ASSERT_TRUE(r.has_value());
    std::string path = absl::StrCat(store_->data_dirs()[r->volume], "/current/blk_", id);
    int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, "!", 1, static_cast<off_t>(offset)), 1);
    ::close(fd);
  }

  std::vector<uint64_t> reported() {
    absl::MutexLock lock(&mu_);
    return reported_;
  }

  std::string root_;
  std::unique_ptr<BlockStore> store_;
  std::unique_ptr<BlockScanner> scanner_;
  absl::Mutex mu_;
  std::vector<uint64_t> reported_ ABSL_GUARDED_BY(mu_);
};

TEST_F(BlockScannerTest, FindsACorruptReplicaAndReportsItOnce) {
  for (uint64_t id = 1; id <= 4; ++id) WriteFinalized(id, 3000);  // 1, 3 on volume 0
  Corrupt(3, 2999);
  MakeScanner(int64_t{1} << 30, absl::Hours(1));
  ScanPassResult r0 = scanner_->ScanVolume(0);
  EXPECT_EQ(r0.replicas_verified, 1);
  EXPECT_EQ(r0.bytes_verified, 3000);
  ASSERT_EQ(r0.corrupt.size(), 1u);
  EXPECT_EQ(r0.corrupt[0].block_id, 3u);
  ScanPassResult r1 = scanner_->ScanVolume(1);
  EXPECT_EQ(r1.replicas_verified, 2);
  EXPECT_TRUE(r1.corrupt.empty());
  EXPECT_EQ(scanner_->ScanVolume(0).corrupt.size(), 1u);
  EXPECT_EQ(reported(), std::vector<uint64_t>{3});
  // Once the replica is gone (the namenode had it deleted), a new corrupt copy under
  // the same id is reported again.
  ASSERT_TRUE(store_->DeleteReplica(3, 1).ok());
  scanner_->ScanVolume(0);
  WriteFinalized(3, 1000);
  Corrupt(3, 0);
  scanner_->ScanVolume(store_->GetReplica(3)->volume);
  EXPECT_EQ(reported(), (std::vector<uint64_t>{3, 3}));
}

TEST_F(BlockScannerTest, ProgressSaysWhatEachVolumeVerified) {
  for (uint64_t id = 1; id <= 4; ++id) WriteFinalized(id, 3000);  // 1, 3 on volume 0
  Corrupt(3, 0);
  MakeScanner(int64_t{1} << 30, absl::Hours(1));
  ASSERT_EQ(scanner_->GetProgress().size(), 2u);
  EXPECT_FALSE(scanner_->GetProgress()[0].scanning);
  scanner_->ScanVolume(0);
  ScanProgress p = scanner_->GetProgress()[0];
  EXPECT_FALSE(p.scanning);
  EXPECT_EQ(p.pass_replicas, 2);
  EXPECT_EQ(p.pass_replicas_done, 2);
  EXPECT_EQ(p.pass_bytes_verified, 3000);  // the corrupt one is not counted
  EXPECT_EQ(p.corrupt_found, 1);
  EXPECT_NE(p.last_pass_finished, absl::InfinitePast());
  EXPECT_EQ(scanner_->GetProgress()[1].pass_replicas, 0) << "volume 1 not scanned yet";
}

TEST_F(BlockScannerTest, ThreadsScanEveryVolumeEveryPeriod) {
  WriteFinalized(1, 1000);
  WriteFinalized(2, 1000);
  MakeScanner(int64_t{1} << 30, absl::Milliseconds(20));
  scanner_->Start();
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (scanner_->passes_completed() < 6 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_GE(scanner_->passes_completed(), 6);  // at least 3 per volume
  EXPECT_TRUE(reported().empty());
  Corrupt(2, 10);
  deadline = absl::Now() + absl::Seconds(10);
  while (reported().empty() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(reported(), std::vector<uint64_t>{2});
  scanner_->Shutdown();
}

TEST_F(BlockScannerTest, ReadsNoFasterThanTheRate) {
  WriteFinalized(1, 256 << 10);
  MakeScanner(1 << 20, absl::Hours(1), 32 << 10);
  absl::Time start = absl::Now();
  ScanPassResult r = scanner_->ScanVolume(0);
  absl::Duration took = absl::Now() - start;
  EXPECT_EQ(r.bytes_verified, 256 << 10);
  // 8 reads of 32 KiB at 1 MiB/s: the last may start after 7/32 s.
  EXPECT_GE(took, absl::Milliseconds(210));
  EXPECT_LT(took, absl::Seconds(5));
}

TEST_F(BlockScannerTest, ShutdownInterruptsAThrottledPass) {
  WriteFinalized(1, 1 << 20);
  MakeScanner(1024, absl::Hours(1), 1024);  // would take 17 minutes
  scanner_->Start();
  absl::SleepFor(absl::Milliseconds(50));
  absl::Time start = absl::Now();
  scanner_->Shutdown();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_LE(scanner_->passes_completed(), 1);  // only the empty volume's
}

TEST_F(BlockScannerTest, DisabledScannerStartsNoThreads) {
  MakeScanner(0, absl::Hours(1));
  scanner_->Start();
  scanner_->Shutdown();
  EXPECT_EQ(scanner_->passes_completed(), 0);
}

}  // namespace
}  // namespace hayloft::datanode
