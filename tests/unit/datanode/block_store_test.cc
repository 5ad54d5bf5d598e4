#include "datanode/block_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/crc32c.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {
namespace {

// A fresh temp dir per test, removed afterwards.
class BlockStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/block_store_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    data_dir_ = root_ + "/data";
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  void OpenStore() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<BlockStore>> s = BlockStore::Open({{data_dir_}});
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  static std::string Pattern(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
    return s;
  }

  static std::vector<uint32_t> Sums(absl::string_view data) {
    std::vector<uint32_t> sums;
    crc32c::ChunkSums(data, kDefaultBytesPerChecksum, &sums);
    return sums;
  }

  // Writes `data` as a finalized replica in packets of `packet` bytes.
  void WriteReplica(uint64_t id, uint64_t gs, const std::string& data, size_t packet) {
    absl::StatusOr<std::unique_ptr<ReplicaWriter>> w =
        store_->CreateReplica(id, gs, kDefaultBytesPerChecksum);
    ASSERT_TRUE(w.ok()) << w.status();
    for (size_t off = 0; off < data.size(); off += packet) {
      absl::string_view piece = absl::string_view(data).substr(off, packet);
      ASSERT_TRUE((*w)->Append(piece, Sums(piece)).ok());
    }
    absl::StatusOr<ReplicaInfo> info = (*w)->Finalize();
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->num_bytes, data.size());
  }

  // Reads a whole replica through the verifying reader.
  absl::StatusOr<std::string> ReadAll(uint64_t id, uint64_t gs) {
    absl::StatusOr<std::unique_ptr<ReplicaReader>> r = store_->OpenReplica(id, gs);
    if (!r.ok()) return r.status();
    std::string out;
    while (out.size() < (*r)->num_bytes()) {
      absl::StatusOr<ChunkedData> c = (*r)->Read(out.size(), 4096);
      if (!c.ok()) return c.status();
      if (c->data.empty()) break;
      out += c->data;
    }
    return out;
  }

  std::string CurrentPath(const std::string& name) const {
    return absl::StrCat(data_dir_, "/current/", name);
  }

  std::string root_;
  std::string data_dir_;
  std::unique_ptr<BlockStore> store_;
};

TEST_F(BlockStoreTest, WritesFinalizesAndReadsBackWithShortLastChunk) {
  OpenStore();
  const std::string data = Pattern(5 * 512 + 100);
  WriteReplica(7, 1001, data, 1024);
  absl::StatusOr<std::string> back = ReadAll(7, 1001);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, data);

  absl::StatusOr<std::unique_ptr<ReplicaReader>> r = store_->OpenReplica(7, 1001);
  ASSERT_TRUE(r.ok());
  absl::StatusOr<ChunkedData> tail = (*r)->Read(5 * 512, 1 << 20);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->offset, 5u * 512);
  EXPECT_EQ(tail->data, data.substr(5 * 512));
  ASSERT_EQ(tail->checksums.size(), 1u);

  std::optional<ReplicaInfo> info = store_->GetReplica(7);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->finalized);
  EXPECT_EQ(info->num_bytes, data.size());
  EXPECT_EQ(posix::FileSize(absl::StrCat(data_dir_, "/rbw/blk_7")), -1);
}

TEST_F(BlockStoreTest, MetaFileIsHdfsFormat) {
  OpenStore();
  const std::string data = Pattern(3 * 512 + 1);
  WriteReplica(9, 5, data, 700);  // packets not chunk-aligned: sums are recomputed
  absl::StatusOr<std::string> meta = posix::ReadSmallFile(CurrentPath("blk_9_5.meta"));
  ASSERT_TRUE(meta.ok()) << meta.status();
  ASSERT_EQ(meta->size(), 7u + 4 * 4);
  EXPECT_EQ(meta->substr(0, 7), std::string("\x00\x01\x02\x00\x00\x02\x00", 7));
  std::vector<uint32_t> want = Sums(data);
  for (size_t i = 0; i < want.size(); ++i) {
    const auto* p = reinterpret_cast<const unsigned char*>(meta->data() + 7 + 4 * i);
    uint32_t got = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    EXPECT_EQ(got, want[i]) << "chunk " << i;
  }
  EXPECT_EQ(posix::FileSize(CurrentPath("blk_9")), static_cast<int64_t>(data.size()));
}

TEST_F(BlockStoreTest, FlippedByteIsDataLoss) {
  OpenStore();
  const std::string data = Pattern(4 * 512);
  WriteReplica(11, 1, data, 4096);
  int fd = ::open(CurrentPath("blk_11").c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  char flipped = static_cast<char>(data[1500] ^ 0x01);
  ASSERT_EQ(::pwrite(fd, &flipped, 1, 1500), 1);
  ::close(fd);
  absl::StatusOr<std::string> back = ReadAll(11, 1);
  ASSERT_EQ(back.status().code(), absl::StatusCode::kDataLoss) << back.status();
  EXPECT_NE(back.status().message().find("checksum error in blk_11 at offset 1024"),
            std::string::npos)
      << back.status();
}

TEST_F(BlockStoreTest, WrongGenerationStampIsNotFound) {
  OpenStore();
  WriteReplica(12, 3, Pattern(100), 100);
  EXPECT_EQ(store_->OpenReplica(12, 4).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->OpenReplica(12, 2).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->OpenReplica(13, 3).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(BlockStoreTest, ExistingReplicaRejectsSameOrOlderGenerationButNewerReplacesIt) {
  OpenStore();
  WriteReplica(14, 5, Pattern(600), 600);
  EXPECT_EQ(store_->CreateReplica(14, 5, 512).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CreateReplica(14, 4, 512).status().code(), absl::StatusCode::kAlreadyExists);
  WriteReplica(14, 6, Pattern(300), 300);
  EXPECT_EQ(store_->OpenReplica(14, 5).status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<std::string> back = ReadAll(14, 6);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, Pattern(300));
  EXPECT_EQ(posix::FileSize(CurrentPath("blk_14_5.meta")), -1);
}

TEST_F(BlockStoreTest, AbandonedWriteLeavesNoFiles) {
  OpenStore();
  {
    absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->CreateReplica(15, 1, 512);
    ASSERT_TRUE(w.ok());
    std::string piece = Pattern(512);
    ASSERT_TRUE((*w)->Append(piece, Sums(piece)).ok());
    EXPECT_EQ(store_->CreateReplica(15, 1, 512).status().code(), absl::StatusCode::kAlreadyExists);
    std::optional<ReplicaInfo> info = store_->GetReplica(15);
    ASSERT_TRUE(info.has_value());
    EXPECT_FALSE(info->finalized);
    EXPECT_EQ(info->num_bytes, 512u);
  }
  EXPECT_FALSE(store_->GetReplica(15).has_value());
  absl::StatusOr<std::vector<std::string>> rbw = posix::ListDir(data_dir_ + "/rbw");
  ASSERT_TRUE(rbw.ok());
  EXPECT_TRUE(rbw->empty());
}

TEST_F(BlockStoreTest, DeleteRemovesFilesAndAccounting) {
  OpenStore();
  WriteReplica(16, 2, Pattern(1000), 1000);
  int64_t used = store_->GetStorageStats()->dfs_used_bytes;
  EXPECT_EQ(used, 1000 + 7 + 2 * 4);
  EXPECT_EQ(store_->DeleteReplica(16, 1).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->DeleteReplica(16, 2).ok());
  EXPECT_EQ(store_->DeleteReplica(16, 2).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(posix::FileSize(CurrentPath("blk_16")), -1);
  EXPECT_EQ(posix::FileSize(CurrentPath("blk_16_2.meta")), -1);
  EXPECT_EQ(store_->GetStorageStats()->dfs_used_bytes, 0);
}

TEST_F(BlockStoreTest, RestartFindsFinalizedReplicasAndKeepsUuid) {
  OpenStore();
  const std::string uuid = store_->datanode_uuid();
  EXPECT_EQ(uuid.size(), 36u);
  WriteReplica(21, 7, Pattern(2000), 512);
  WriteReplica(22, 8, Pattern(0), 512);
  absl::StatusOr<std::unique_ptr<ReplicaWriter>> pending = store_->CreateReplica(23, 1, 512);
  ASSERT_TRUE(pending.ok());
  std::string piece = Pattern(512);
  ASSERT_TRUE((*pending)->Append(piece, Sums(piece)).ok());
  // Keep the rbw files on disk across the "restart", as a crash would.
  ASSERT_EQ(::link(absl::StrCat(data_dir_, "/rbw/blk_23").c_str(),
                   absl::StrCat(root_, "/blk_23.keep").c_str()),
            0);
  pending->reset();
  ASSERT_EQ(::rename(absl::StrCat(root_, "/blk_23.keep").c_str(),
                     absl::StrCat(data_dir_, "/rbw/blk_23").c_str()),
            0);

  OpenStore();
  EXPECT_EQ(store_->datanode_uuid(), uuid);
  std::vector<ReplicaInfo> replicas = store_->GetFinalizedReplicas();
  ASSERT_EQ(replicas.size(), 2u);
  std::optional<ReplicaInfo> r21 = store_->GetReplica(21);
  ASSERT_TRUE(r21.has_value());
  EXPECT_EQ(r21->generation_stamp, 7u);
  EXPECT_EQ(r21->num_bytes, 2000u);
  EXPECT_FALSE(store_->GetReplica(23).has_value());
  absl::StatusOr<std::string> back = ReadAll(21, 7);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, Pattern(2000));
  absl::StatusOr<std::string> version = posix::ReadSmallFile(data_dir_ + "/VERSION");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, absl::StrCat("datanodeUuid=", uuid, "\n"));
}

TEST_F(BlockStoreTest, SecondStoreOnSameDirIsRefused) {
  OpenStore();
  absl::StatusOr<std::unique_ptr<BlockStore>> second = BlockStore::Open({{data_dir_}});
  ASSERT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("another datanode"), std::string::npos)
      << second.status();
}

TEST_F(BlockStoreTest, DataDirUnderRegularFileIsAClearError) {
  const std::string file = root_ + "/plainfile";
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const std::string dir = file + "/data";
  absl::StatusOr<std::unique_ptr<BlockStore>> s = BlockStore::Open({{dir}});
  ASSERT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(
      s.status().message().find(absl::StrCat("cannot use data dir ", dir, ": Not a directory")),
      std::string::npos)
      << s.status();
}

TEST_F(BlockStoreTest, ChunkVerificationNamesOffset) {
  std::string data = Pattern(1500);
  std::vector<uint32_t> sums = Sums(data);
  EXPECT_TRUE(VerifyChunks(1, 4096, data, sums, 512).ok());
  sums[2] ^= 1;
  absl::Status s = VerifyChunks(1, 4096, data, sums, 512);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "checksum error in blk_1 at offset 5120");
  sums.pop_back();
  EXPECT_EQ(VerifyChunks(1, 0, data, sums, 512).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hayloft::datanode
