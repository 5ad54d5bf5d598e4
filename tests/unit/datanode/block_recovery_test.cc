// BlockStore recovery: pipeline recovery (RecoverReplica), lease recovery
// (InitReplicaRecovery / UpdateReplica), replicas left in rbw/ across a restart,
// and reads of replicas being written.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/crc32c.h"
#include "datanode/block_store.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {
namespace {

std::string Pattern(size_t n, int seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7 + seed) & 0xff);
  return s;
}

std::vector<uint32_t> Sums(absl::string_view data) {
  std::vector<uint32_t> sums;
  crc32c::ChunkSums(data, kDefaultBytesPerChecksum, &sums);
  return sums;
}

class BlockRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/block_recovery_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    data_dir_ = root_ + "/data";
    OpenStore();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  void OpenStore() {
    store_.reset();
    BlockStoreOptions options;
    options.data_dirs = {data_dir_};
    options.writer_stop_timeout = absl::Seconds(5);
    absl::StatusOr<std::unique_ptr<BlockStore>> s = BlockStore::Open(options);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  // An rbw replica of `data` (gs `gs`) whose writer is detached, as a broken
  // pipeline leaves it.
  void WriteRbw(uint64_t id, uint64_t gs, const std::string& data, size_t packet = 700) {
    absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->CreateReplica(id, gs, 512);
    ASSERT_TRUE(w.ok()) << w.status();
    for (size_t off = 0; off < data.size(); off += packet) {
      absl::string_view piece = absl::string_view(data).substr(off, packet);
      ASSERT_TRUE((*w)->Append(piece, Sums(piece)).ok());
    }
    (*w)->Detach();
  }

  void WriteFinalized(uint64_t id, uint64_t gs, const std::string& data) {
    absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->CreateReplica(id, gs, 512);
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_TRUE((*w)->Append(data, Sums(data)).ok());
    ASSERT_TRUE((*w)->Finalize().ok());
  }

  absl::StatusOr<std::string> ReadAll(uint64_t id, uint64_t gs, bool visible = false) {
    absl::StatusOr<std::unique_ptr<ReplicaReader>> r =
        visible ? store_->OpenVisibleReplica(id, gs) : store_->OpenReplica(id, gs);
    if (!r.ok()) return r.status();
    std::string out;
    while (out.size() < (*r)->num_bytes()) {
      absl::StatusOr<ChunkedData> c = (*r)->Read(out.size(), 1000);
      if (!c.ok()) return c.status();
      if (c->data.empty()) break;
      out += c->data;
    }
    return out;
  }

  std::string Path(const std::string& sub) const { return absl::StrCat(data_dir_, "/", sub); }

  std::string root_;
  std::string data_dir_;
  std::unique_ptr<BlockStore> store_;
};

TEST_F(BlockRecoveryTest, RecoverStopsTheWriterCutsMidChunkAndAppendsUnderTheNewStamp) {
  const std::string data = Pattern(3000);
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> old = store_->CreateReplica(1, 5, 512);
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE((*old)->Append(data, Sums(data)).ok());
  // The "stream" of the old writer: stopping it detaches the writer, as a
  // BlockReceiver does when its calls are cancelled.
  std::atomic<bool> stopped{false};
  std::thread old_stream;
  (*old)->stop_signal().SetHook([&] {
    stopped = true;
    old_stream = std::thread([&] { (*old)->Detach(); });
  });

  absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->RecoverReplica(1, 6, 1000);
  if (old_stream.joinable()) old_stream.join();
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_TRUE(stopped);
  EXPECT_EQ((*w)->generation_stamp(), 6u);
  EXPECT_EQ((*w)->num_bytes(), 1000u);
  EXPECT_EQ(posix::FileSize(Path("rbw/blk_1_5.meta")), -1);
  EXPECT_EQ(posix::FileSize(Path("rbw/blk_1_6.meta")), 7 + 2 * 4);
  EXPECT_EQ(posix::FileSize(Path("rbw/blk_1")), 1000);

  // The cut chunk's CRC was recomputed: appending from there yields a valid replica.
  const std::string more = Pattern(1500, 3);
  ASSERT_TRUE((*w)->Append(more, Sums(more)).ok());
  ASSERT_TRUE((*w)->Finalize().ok());
  absl::StatusOr<std::string> back = ReadAll(1, 6);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, data.substr(0, 1000) + more);
  EXPECT_EQ(store_->OpenReplica(1, 5).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(BlockRecoveryTest, RecoveryErrors) {
  EXPECT_EQ(store_->RecoverReplica(2, 2, 0).status().code(), absl::StatusCode::kNotFound);
  WriteRbw(2, 1, Pattern(1000));
  absl::Status beyond = store_->RecoverReplica(2, 2, 1001).status();
  EXPECT_EQ(beyond.code(), absl::StatusCode::kFailedPrecondition) << beyond;
  EXPECT_NE(beyond.message().find("only 1000"), std::string::npos) << beyond;
  // The refused recovery left the replica as it was.
  std::optional<ReplicaInfo> r = store_->GetReplica(2);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->generation_stamp, 1u);
  EXPECT_EQ(r->num_bytes, 1000u);
  WriteFinalized(3, 4, Pattern(100));
  EXPECT_EQ(store_->RecoverReplica(3, 4, 100).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(BlockRecoveryTest, RecoverCanRunTwiceWithTheSameStamp) {
  WriteRbw(4, 1, Pattern(2048));
  {
    absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->RecoverReplica(4, 2, 2048);
    ASSERT_TRUE(w.ok()) << w.status();
    (*w)->Detach();  // the recovery stream broke too
  }
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->RecoverReplica(4, 2, 1024);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->Finalize().ok());
  absl::StatusOr<std::string> back = ReadAll(4, 2);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, Pattern(1024));
}

TEST_F(BlockRecoveryTest, FinalizedReplicaOfAnOlderStampIsRecoveredInPlace) {
  const std::string data = Pattern(2000);
  WriteFinalized(5, 1, data);
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->RecoverReplica(5, 2, 2000);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(store_->OpenReplica(5, 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(posix::FileSize(Path("current/blk_5")), -1);
  ASSERT_TRUE((*w)->Finalize().ok());
  absl::StatusOr<std::string> back = ReadAll(5, 2);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, data);
  EXPECT_EQ(posix::FileSize(Path("current/blk_5_1.meta")), -1);
  EXPECT_GT(posix::FileSize(Path("current/blk_5_2.meta")), 0);
  EXPECT_EQ(store_->GetStorageStats()->dfs_used_bytes, 2000 + 7 + 4 * 4);
}

TEST_F(BlockRecoveryTest, CorruptChunkAtTheCutIsDataLossAndDropsTheReplica) {
  WriteRbw(6, 1, Pattern(3000));
  int fd = ::open(Path("rbw/blk_6").c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, "X", 1, 1100), 1);
  ::close(fd);
  absl::Status s = store_->RecoverReplica(6, 2, 1200).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_FALSE(store_->GetReplica(6).has_value());
  EXPECT_EQ(posix::FileSize(Path("rbw/blk_6")), -1);
}

TEST_F(BlockRecoveryTest, LeaseRecoveryReportsStopsAndFinalizes) {
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> writer = store_->CreateReplica(7, 3, 512);
  ASSERT_TRUE(writer.ok());
  const std::string data = Pattern(5000);
  ASSERT_TRUE((*writer)->Append(data, Sums(data)).ok());
  std::thread stream;
  (*writer)->stop_signal().SetHook([&] { stream = std::thread([&] { (*writer)->Detach(); }); });

  absl::StatusOr<ReplicaInfo> info = store_->InitReplicaRecovery(7, 10);
  if (stream.joinable()) stream.join();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->generation_stamp, 3u);
  EXPECT_EQ(info->num_bytes, 5000u);
  EXPECT_FALSE(info->finalized);
  absl::Status older = store_->InitReplicaRecovery(7, 9).status();
  EXPECT_EQ(older.code(), absl::StatusCode::kFailedPrecondition) << older;
  EXPECT_TRUE(store_->InitReplicaRecovery(7, 10).ok());  // a retry of the same recovery
  EXPECT_EQ(store_->InitReplicaRecovery(8, 10).status().code(), absl::StatusCode::kNotFound);
  // A pipeline recovery with a stamp older than the lease recovery is refused.
  EXPECT_EQ(store_->RecoverReplica(7, 4, 100).status().code(),
            absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<ReplicaInfo> done = store_->UpdateReplica(7, 10, 4000);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(done->finalized);
  EXPECT_EQ(done->generation_stamp, 10u);
  EXPECT_EQ(done->num_bytes, 4000u);
  absl::StatusOr<std::string> back = ReadAll(7, 10);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, data.substr(0, 4000));
  // Idempotent for the same stamp and length; anything else is refused.
  EXPECT_TRUE(store_->UpdateReplica(7, 10, 4000).ok());
  EXPECT_EQ(store_->UpdateReplica(7, 10, 3000).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A later, stale recovery sees a newer replica than its id.
  EXPECT_EQ(store_->InitReplicaRecovery(7, 9).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(BlockRecoveryTest, LeaseRecoveryOfAFinalizedReplica) {
  WriteFinalized(9, 2, Pattern(700));
  absl::StatusOr<ReplicaInfo> info = store_->InitReplicaRecovery(9, 5);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(info->finalized);
  EXPECT_EQ(info->num_bytes, 700u);
  ASSERT_TRUE(store_->UpdateReplica(9, 5, 700).ok());
  EXPECT_TRUE(ReadAll(9, 5).ok());
}

TEST_F(BlockRecoveryTest, RbwReplicaSurvivesARestartWithItsVerifiedLength) {
  WriteRbw(10, 4, Pattern(1000));
  // A write cut short between data and checksum: the block file grew, the meta did
  // not.
  int fd = ::open(Path("rbw/blk_10").c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  std::string extra = Pattern(300, 9);
  ASSERT_EQ(::pwrite(fd, extra.data(), extra.size(), 1000), 300);
  ::close(fd);
  OpenStore();
  std::optional<ReplicaInfo> r = store_->GetReplica(10);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->finalized);
  EXPECT_EQ(r->generation_stamp, 4u);
  EXPECT_EQ(r->num_bytes, 1000u);
  EXPECT_TRUE(store_->GetFinalizedReplicas().empty());
  absl::StatusOr<std::string> visible = ReadAll(10, 4, /*visible=*/true);
  ASSERT_TRUE(visible.ok()) << visible.status();
  EXPECT_EQ(*visible, Pattern(1000));

  absl::StatusOr<ReplicaInfo> info = store_->InitReplicaRecovery(10, 20);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->num_bytes, 1000u);
  ASSERT_TRUE(store_->UpdateReplica(10, 20, 1000).ok());
  absl::StatusOr<std::string> back = ReadAll(10, 20);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, Pattern(1000));
}

TEST_F(BlockRecoveryTest, NewWriteReplacesAnOlderRbwReplicaNoWriterHolds) {
  WriteRbw(11, 1, Pattern(600));
  EXPECT_EQ(store_->CreateReplica(11, 1, 512).status().code(), absl::StatusCode::kAlreadyExists);
  WriteFinalized(11, 2, Pattern(100));
  absl::StatusOr<std::string> back = ReadAll(11, 2);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, Pattern(100));
  EXPECT_EQ(posix::FileSize(Path("rbw/blk_11_1.meta")), -1);
  EXPECT_EQ(store_->GetStorageStats()->dfs_used_bytes, 100 + 7 + 4);
}

TEST_F(BlockRecoveryTest, RbwReplicaOlderThanAFinalizedOneIsRemovedAtStart) {
  WriteRbw(20, 1, Pattern(600));
  std::filesystem::copy_file(Path("rbw/blk_20"), root_ + "/blk_20");
  std::filesystem::copy_file(Path("rbw/blk_20_1.meta"), root_ + "/blk_20_1.meta");
  WriteFinalized(20, 2, Pattern(300));
  // As a crash could leave it: the old rbw files back beside the finalized replica.
  std::filesystem::rename(root_ + "/blk_20", Path("rbw/blk_20"));
  std::filesystem::rename(root_ + "/blk_20_1.meta", Path("rbw/blk_20_1.meta"));
  OpenStore();
  EXPECT_EQ(posix::FileSize(Path("rbw/blk_20")), -1);
  EXPECT_EQ(posix::FileSize(Path("rbw/blk_20_1.meta")), -1);
  std::optional<ReplicaInfo> r = store_->GetReplica(20);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->finalized);
  EXPECT_EQ(store_->GetStorageStats()->dfs_used_bytes, 300 + 7 + 4);
}

TEST_F(BlockRecoveryTest, DeleteRemovesAnRbwReplicaNoWriterHolds) {
  WriteRbw(12, 3, Pattern(600));
  EXPECT_EQ(store_->DeleteReplica(12, 2).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->DeleteReplica(12, 3).ok());
  EXPECT_FALSE(store_->GetReplica(12).has_value());
  EXPECT_EQ(posix::FileSize(Path("rbw/blk_12")), -1);
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->CreateReplica(13, 1, 512);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(store_->DeleteReplica(13, 1).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(BlockRecoveryTest, ReaderOfAReplicaBeingWrittenSeesOnlyAckedBytes) {
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->CreateReplica(14, 7, 512);
  ASSERT_TRUE(w.ok());
  const std::string data = Pattern(1500);
  ASSERT_TRUE((*w)->Append(data.substr(0, 700), Sums(data.substr(0, 700))).ok());
  const uint32_t crc_at_700 = (*w)->last_chunk_crc();
  // Nothing acked yet: the replica is visible but empty.
  absl::StatusOr<std::string> none = ReadAll(14, 7, /*visible=*/true);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, "");
  (*w)->PublishAcked(700, crc_at_700);
  // More is on disk, and the stored CRC of chunk 1 now covers bytes 512..1024.
  ASSERT_TRUE((*w)->Append(data.substr(700, 800), Sums(data.substr(700, 800))).ok());
  absl::StatusOr<std::string> seen = ReadAll(14, 7, /*visible=*/true);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(*seen, data.substr(0, 700));
  std::optional<ReplicaInfo> info = store_->GetReplica(14);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->visible_bytes, 700u);
  EXPECT_EQ(info->num_bytes, 1500u);
  // The generation stamp must match, and OpenReplica wants a finalized replica.
  EXPECT_EQ(store_->OpenVisibleReplica(14, 6).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->OpenReplica(14, 7).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE((*w)->Finalize().ok());
  absl::StatusOr<std::string> all = ReadAll(14, 7, /*visible=*/true);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(*all, data);
}

TEST_F(BlockRecoveryTest, StopThatNeverDetachesTimesOutAsUnavailable) {
  BlockStoreOptions options;
  options.data_dirs = {root_ + "/other"};
  options.writer_stop_timeout = absl::Milliseconds(50);
  absl::StatusOr<std::unique_ptr<BlockStore>> store = BlockStore::Open(options);
  ASSERT_TRUE(store.ok());
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = (*store)->CreateReplica(15, 1, 512);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ((*store)->RecoverReplica(15, 2, 0).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*store)->InitReplicaRecovery(15, 2).status().code(), absl::StatusCode::kUnavailable);
  w->reset();
}

}  // namespace
}  // namespace hayloft::datanode
