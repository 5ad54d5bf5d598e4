// A BlockStore over several volumes: round-robin placement, room checks, volumes
// that fail at start-up or later, and the shared datanode uuid.
#include "datanode/volume.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/base/crc32c.h"
#include "datanode/block_store.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {
namespace {

class VolumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/volume_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::string Dir(int i) const { return absl::StrCat(root_, "/vol", i); }

  absl::Status Open(std::vector<std::string> dirs, int tolerated = 0,
                    int64_t block_size = 1 << 20) {
    store_.reset();
    BlockStoreOptions options;
    options.data_dirs = std::move(dirs);
    options.failed_volumes_tolerated = tolerated;
    options.block_size_bytes = block_size;
    absl::StatusOr<std::unique_ptr<BlockStore>> s =
        BlockStore::Open(options, [this](const VolumeFailure& f) {
          absl::MutexLock lock(&mu_);
          failures_.push_back(f);
        });
    if (!s.ok()) return s.status();
    store_ = std::move(*s);
    return absl::OkStatus();
  }

  void WriteFinalized(uint64_t id, size_t n) {
    absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->CreateReplica(id, 1, 512);
    ASSERT_TRUE(w.ok()) << w.status();
    std::string data(n, static_cast<char>('a' + id % 26));
    std::vector<uint32_t> sums;
    crc32c::ChunkSums(data, 512, &sums);
    ASSERT_TRUE((*w)->Append(data, sums).ok());
    ASSERT_TRUE((*w)->Finalize().ok());
  }

  int VolumeOf(uint64_t id) {
    std::optional<ReplicaInfo> r = store_->GetReplica(id);
    return r ? r->volume : -1;
  }

  std::vector<VolumeFailure> failures() {
    absl::MutexLock lock(&mu_);
    return failures_;
  }

  std::string root_;
  std::unique_ptr<BlockStore> store_;
  absl::Mutex mu_;
  std::vector<VolumeFailure> failures_ ABSL_GUARDED_BY(mu_);
};

TEST_F(VolumeTest, NewReplicasGoRoundRobinAndSurviveARestart) {
  ASSERT_TRUE(Open({Dir(0), Dir(1)}).ok());
  for (uint64_t id = 1; id <= 4; ++id) WriteFinalized(id, 1000);
  EXPECT_EQ(VolumeOf(1), 0);
  EXPECT_EQ(VolumeOf(2), 1);
  EXPECT_EQ(VolumeOf(3), 0);
  EXPECT_EQ(VolumeOf(4), 1);
  EXPECT_EQ(posix::FileSize(Dir(1) + "/current/blk_2"), 1000);
  EXPECT_EQ(store_->GetStorageStats()->dfs_used_bytes, 4 * (1000 + 7 + 2 * 4));
  const std::string uuid = store_->datanode_uuid();

  ASSERT_TRUE(Open({Dir(0), Dir(1)}).ok());
  EXPECT_EQ(store_->datanode_uuid(), uuid);
  EXPECT_EQ(store_->num_finalized(), 4);
  EXPECT_EQ(VolumeOf(4), 1);
  EXPECT_EQ(store_->GetFinalizedReplicasOnVolume(1).size(), 2u);
  absl::StatusOr<std::string> v0 = posix::ReadSmallFile(Dir(0) + "/VERSION");
  absl::StatusOr<std::string> v1 = posix::ReadSmallFile(Dir(1) + "/VERSION");
  ASSERT_TRUE(v0.ok() && v1.ok());
  EXPECT_EQ(*v0, *v1);
}

TEST_F(VolumeTest, AVolumeWithoutRoomForABlockIsSkipped) {
  // Two volumes on one file system, and a block size just over half its free space:
  // each volume has room for one replica being written, not two.
  std::filesystem::create_directories(Dir(0));
  std::filesystem::space_info space = std::filesystem::space(Dir(0));
  const int64_t block = static_cast<int64_t>(space.available / 10 * 6);
  ASSERT_TRUE(Open({Dir(0), Dir(1)}, 0, block).ok());
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> a = store_->CreateReplica(1, 1, 512);
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> b = store_->CreateReplica(2, 1, 512);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->volume(), 0);
  EXPECT_EQ((*b)->volume(), 1);
  absl::Status full = store_->CreateReplica(3, 1, 512).status();
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  EXPECT_NE(full.message().find("no volume has room"), std::string::npos) << full;
  ASSERT_TRUE((*b)->Finalize().ok());  // frees what volume 1 had reserved
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> c = store_->CreateReplica(3, 1, 512);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ((*c)->volume(), 1);
  EXPECT_EQ(store_->num_failed_volumes(), 0);
}

TEST_F(VolumeTest, FullDiskErrorsDoNotFailAVolume) {
  ASSERT_TRUE(Open({Dir(0)}).ok());
  store_->HandleIoError(0, absl::ResourceExhaustedError("write: No space left on device"));
  store_->HandleIoError(0, absl::InternalError("write: Input/output error"));  // passes the check
  EXPECT_EQ(store_->num_failed_volumes(), 0);
  EXPECT_EQ(store_->CheckVolumes(), 0);
}

TEST_F(VolumeTest, VanishedVolumeIsFailedAndItsReplicasReportedLost) {
  ASSERT_TRUE(Open({Dir(0), Dir(1)}).ok());
  for (uint64_t id = 1; id <= 4; ++id) WriteFinalized(id, 600);
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> open_write = store_->CreateReplica(5, 1, 512);
  ASSERT_TRUE(open_write.ok());
  ASSERT_EQ((*open_write)->volume(), 0);
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> doomed = store_->CreateReplica(6, 1, 512);
  ASSERT_TRUE(doomed.ok());
  ASSERT_EQ((*doomed)->volume(), 1);
  bool doomed_stopped = false;
  (*doomed)->stop_signal().SetHook([&] { doomed_stopped = true; });

  std::filesystem::remove_all(Dir(1));
  EXPECT_EQ(store_->CheckVolumes(), 1);
  std::vector<VolumeFailure> f = failures();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].dir, Dir(1));
  EXPECT_EQ(f[0].num_failed_volumes, 1);
  EXPECT_EQ(f[0].num_volumes, 2);
  std::vector<uint64_t> lost;
  for (const ReplicaInfo& r : f[0].lost) lost.push_back(r.block_id);
  std::sort(lost.begin(), lost.end());
  EXPECT_EQ(lost, (std::vector<uint64_t>{2, 4}));
  EXPECT_TRUE(doomed_stopped);

  EXPECT_FALSE(store_->GetReplica(2).has_value());
  EXPECT_EQ(store_->OpenReplica(4, 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->OpenReplica(3, 1).ok());
  EXPECT_TRUE(store_->volume_failed(1));
  absl::StatusOr<StorageStats> stats = store_->GetStorageStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->failed_volumes, 1);
  EXPECT_EQ(stats->dfs_used_bytes, 2 * (600 + 7 + 2 * 4) + 7);
  // The writers go on on the healthy volume; the one on the failed volume cannot
  // finish; new replicas all go to volume 0.
  EXPECT_FALSE((*doomed)->Finalize().ok());
  ASSERT_TRUE((*open_write)->Finalize().ok());
  for (uint64_t id = 7; id <= 8; ++id) {
    WriteFinalized(id, 100);
    EXPECT_EQ(VolumeOf(id), 0);
  }
  std::vector<VolumeReport> reports = store_->GetVolumeReports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_TRUE(reports[1].failed);
  EXPECT_FALSE(reports[1].failure.empty());
  EXPECT_EQ(reports[0].num_replicas, 5);
  EXPECT_EQ(failures().size(), 1u);  // reported once
}

TEST_F(VolumeTest, IoErrorMakesTheStoreCheckAndFailTheVolume) {
  ASSERT_TRUE(Open({Dir(0), Dir(1)}).ok());
  WriteFinalized(1, 100);  // volume 0; the next create goes to volume 1
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->CreateReplica(2, 1, 512);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ((*w)->volume(), 1);
  std::filesystem::remove_all(Dir(1));
  // No CheckVolumes(): the failed rename is what makes the store look.
  EXPECT_FALSE((*w)->Finalize().ok());
  EXPECT_TRUE(store_->volume_failed(1));
  EXPECT_EQ(failures().size(), 1u);
  WriteFinalized(3, 100);
  EXPECT_EQ(VolumeOf(3), 0);
}

TEST_F(VolumeTest, AVolumeThatVanishedIsNotChosen) {
  ASSERT_TRUE(Open({Dir(0), Dir(1)}).ok());
  WriteFinalized(1, 100);  // volume 0; volume 1 is next
  std::filesystem::remove_all(Dir(1));
  WriteFinalized(2, 100);
  EXPECT_EQ(VolumeOf(2), 0);
  EXPECT_TRUE(store_->volume_failed(1));
}

TEST_F(VolumeTest, UnusableDirAtStartIsAFailedVolumeWhenTolerated) {
  {
    int fd = ::open((root_ + "/plainfile").c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    ::close(fd);
  }
  const std::string bad = root_ + "/plainfile/data";
  absl::Status refused = Open({Dir(0), bad});
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("cannot use data dir " + bad), std::string::npos) << refused;
  EXPECT_NE(refused.message().find("1 of 2 data dirs are unusable"), std::string::npos) << refused;

  ASSERT_TRUE(Open({Dir(0), bad}, /*tolerated=*/1).ok());
  EXPECT_EQ(store_->num_failed_volumes(), 1);
  EXPECT_EQ(store_->GetStorageStats()->failed_volumes, 1);
  WriteFinalized(1, 10);
  WriteFinalized(2, 10);
  EXPECT_EQ(VolumeOf(2), 0);
  ASSERT_TRUE(Open({bad, Dir(0)}, /*tolerated=*/-1).ok());
  EXPECT_EQ(store_->num_finalized(), 2);
  // Every volume unusable is never tolerated.
  EXPECT_FALSE(Open({bad}, -1).ok());
}

TEST_F(VolumeTest, DirsOfTwoDatanodesAreRefused) {
  ASSERT_TRUE(Open({Dir(0)}).ok());
  ASSERT_TRUE(Open({Dir(1)}).ok());
  store_.reset();
  absl::Status s = Open({Dir(0), Dir(1)});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("belongs to datanode"), std::string::npos) << s;
}

TEST_F(VolumeTest, NewDirJoinsWithTheExistingUuid) {
  ASSERT_TRUE(Open({Dir(0)}).ok());
  const std::string uuid = store_->datanode_uuid();
  ASSERT_TRUE(Open({Dir(0), Dir(1)}).ok());
  EXPECT_EQ(store_->datanode_uuid(), uuid);
  absl::StatusOr<std::string> v1 = posix::ReadSmallFile(Dir(1) + "/VERSION");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(*v1, absl::StrCat("datanodeUuid=", uuid, "\n"));
}

TEST_F(VolumeTest, CheckProbesTheDirs) {
  absl::StatusOr<std::unique_ptr<Volume>> v = Volume::Open(Dir(0));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE((*v)->Check().ok());
  EXPECT_EQ(posix::FileSize(Dir(0) + "/current/.volume_check"), -1);
  std::filesystem::remove_all(Dir(0) + "/rbw");
  absl::Status s = (*v)->Check();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(Dir(0) + "/rbw"), std::string::npos) << s;
}

}  // namespace
}  // namespace hayloft::datanode
