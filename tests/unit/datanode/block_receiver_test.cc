// BlockReceiver pipelines run in-process: each "datanode" is a BlockStore in a temp
// dir, and streams between them are in-memory pipes (no sockets).
#include "datanode/block_receiver.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <deque>
#include <filesystem>
#include <map>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/base/crc32c.h"
#include "datanode/posix_io.h"
#include "tests/unit/datanode/fake_cluster.h"

namespace hayloft::datanode {
namespace {

using fake::FakeCluster;
using fake::Node;
using fake::Pipe;

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + i / 511) & 0xff);
  return s;
}

struct WriteOutcome {
  absl::Status status;
  std::vector<WriteAck> acks;
};

class BlockReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/block_receiver_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    cluster_ = std::make_unique<FakeCluster>(root_, 3);
  }
  void TearDown() override {
    cluster_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  // Writes `data` to node 1 with `downstream` in packets of `packet` bytes. Packet
  // number `corrupt` (if any) carries a wrong checksum; the client stops after
  // `stop_after` packets without a last packet if that is >= 0.
  WriteOutcome Write(uint64_t block_id, const std::vector<int>& downstream, const std::string& data,
                     size_t packet, int corrupt = -1, int stop_after = -1) {
    std::unique_ptr<WriteBlockStream> s = cluster_->OpenWriteBlock(Node(1), {});
    WriteOutcome out;
    std::thread reader([&] {
      while (std::optional<WriteAck> a = s->Read()) out.acks.push_back(*a);
    });
    int64_t seqno = 0;
    for (size_t off = 0;; off += packet) {
      if (stop_after >= 0 && seqno == stop_after) {
        s->Cancel();
        break;
      }
      WritePacket p;
      if (seqno == 0) {
        p.mutable_header()->mutable_block()->set_block_id(block_id);
        p.mutable_header()->mutable_block()->set_generation_stamp(1);
        for (int d : downstream) *p.mutable_header()->add_downstream() = Node(d);
        p.mutable_header()->set_bytes_per_checksum(512);
      }
      p.set_seqno(seqno);
      p.set_offset_in_block(off);
      p.set_data(data.substr(std::min(off, data.size()), packet));
      std::vector<uint32_t> sums;
      crc32c::ChunkSums(p.data(), 512, &sums);
      if (seqno == corrupt) sums[0] ^= 1;
      p.mutable_checksums()->Assign(sums.begin(), sums.end());
      p.set_last(off + packet >= data.size());
      ++seqno;
      if (!s->Write(p) || p.last()) break;
    }
    s->WritesDone();
    reader.join();
    out.status = s->Finish();
    return out;
  }

  bool NoReplicaAnywhere(uint64_t block_id) {
    for (int i = 1; i <= 3; ++i) {
      if (cluster_->store(i)->GetReplica(block_id).has_value()) return false;
      absl::StatusOr<std::vector<std::string>> rbw =
          posix::ListDir(absl::StrCat(root_, "/dn", i, "/rbw"));
      if (!rbw.ok() || !rbw->empty()) return false;
    }
    return true;
  }

  std::string root_;
  std::unique_ptr<FakeCluster> cluster_;
};

TEST_F(BlockReceiverTest, ThreeNodePipelineStoresEveryReplicaAndAcksInOrder) {
  const std::string data = Pattern(5 * 65536 + 1000);
  WriteOutcome w = Write(1, {2, 3}, data, 65536);
  ASSERT_TRUE(w.status.ok()) << w.status;
  ASSERT_EQ(w.acks.size(), 6u);
  for (size_t i = 0; i < w.acks.size(); ++i) {
    EXPECT_EQ(w.acks[i].seqno(), static_cast<int64_t>(i));
    ASSERT_EQ(w.acks[i].node_status_size(), 3);
    for (int s : w.acks[i].node_status()) EXPECT_EQ(s, 0);
  }
  for (int i = 1; i <= 3; ++i) {
    absl::StatusOr<std::unique_ptr<ReplicaReader>> r = cluster_->store(i)->OpenReplica(1, 1);
    ASSERT_TRUE(r.ok()) << r.status();
    absl::StatusOr<ChunkedData> all = (*r)->Read(0, data.size());
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->data, data);
  }
  EXPECT_EQ(cluster_->num_finalized(), 3u);
}

TEST_F(BlockReceiverTest, BadChecksumFailsWithDataLossAndLeavesNothing) {
  WriteOutcome w = Write(2, {2, 3}, Pattern(4 * 4096), 4096, /*corrupt=*/2);
  EXPECT_EQ(w.status.code(), absl::StatusCode::kDataLoss) << w.status;
  ASSERT_EQ(w.acks.size(), 3u);
  EXPECT_EQ(w.acks[0].node_status(0), 0);
  EXPECT_EQ(w.acks[1].node_status(0), 0);
  EXPECT_EQ(w.acks[2].node_status(0), static_cast<int>(absl::StatusCode::kDataLoss));
  EXPECT_NE(w.acks[2].error().find("checksum error in blk_2 at offset 8192"), std::string::npos)
      << w.acks[2].error();
  EXPECT_TRUE(NoReplicaAnywhere(2));
}

TEST_F(BlockReceiverTest, DeadDownstreamIsNamedInTheAck) {
  cluster_->Kill(3);
  WriteOutcome w = Write(3, {2, 3}, Pattern(4 * 4096), 4096);
  EXPECT_EQ(w.status.code(), absl::StatusCode::kUnavailable) << w.status;
  ASSERT_FALSE(w.acks.empty());
  const WriteAck& a = w.acks.back();
  ASSERT_EQ(a.node_status_size(), 3);
  EXPECT_EQ(a.node_status(0), 0);
  EXPECT_EQ(a.node_status(1), 0);
  EXPECT_EQ(a.node_status(2), static_cast<int>(absl::StatusCode::kUnavailable));
  EXPECT_NE(a.error().find("datanode dn:3 failed"), std::string::npos) << a.error();
}

TEST_F(BlockReceiverTest, RefusalDownstreamIsReportedWithItsCode) {
  {
    absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = cluster_->store(3)->CreateReplica(4, 1, 512);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Finalize().ok());
  }
  WriteOutcome w = Write(4, {2, 3}, Pattern(4 * 4096), 4096);
  EXPECT_FALSE(w.status.ok());
  ASSERT_FALSE(w.acks.empty());
  EXPECT_EQ(w.acks.back().node_status(2), static_cast<int>(absl::StatusCode::kAlreadyExists));
}

TEST_F(BlockReceiverTest, VanishedClientLeavesNothing) {
  WriteOutcome w = Write(5, {2, 3}, Pattern(8 * 4096), 4096, -1, /*stop_after=*/3);
  EXPECT_FALSE(w.status.ok());
  // The receivers clean up as their threads finish, which Write() waited for.
  EXPECT_TRUE(NoReplicaAnywhere(5));
}

TEST_F(BlockReceiverTest, WrongOffsetIsInvalidArgument) {
  std::unique_ptr<WriteBlockStream> s = cluster_->OpenWriteBlock(Node(1), {});
  WritePacket p;
  p.mutable_header()->mutable_block()->set_block_id(6);
  p.set_offset_in_block(512);
  ASSERT_TRUE(s->Write(p));
  s->WritesDone();
  std::optional<WriteAck> a = s->Read();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->node_status(0), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(s->Finish().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(NoReplicaAnywhere(6));
}

}  // namespace
}  // namespace hayloft::datanode
