// Pipeline recovery through BlockReceivers in-process: a new stream with a recovery
// header takes over the replicas of a broken pipeline on the surviving nodes while
// the old streams may still be open. Also: what readers see of a replica being
// written, and which failed writes keep their rbw replica.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/base/crc32c.h"
#include "datanode/block_receiver.h"
#include "tests/unit/datanode/fake_cluster.h"

namespace hayloft::datanode {
namespace {

using fake::FakeCluster;
using fake::Node;

std::string Pattern(size_t n, int seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 13 + i / 509 + seed) & 0xff);
  return s;
}

// The client end of one WriteBlock stream, with a thread collecting the acks.
class Client {
 public:
  Client(FakeCluster* cluster, int first_node)
      : stream_(cluster->OpenWriteBlock(Node(first_node), {})) {
    reader_ = std::thread([this] {
      while (std::optional<WriteAck> a = stream_->Read()) {
        absl::MutexLock lock(&mu_);
        acks_.push_back(*a);
      }
    });
  }
  ~Client() {
    stream_->Cancel();
    if (reader_.joinable()) reader_.join();
  }

  void SendHeader(uint64_t block_id, uint64_t gs, const std::vector<int>& downstream,
                  bool recovery = false, uint64_t offset = 0, const std::string& client = "c") {
    WritePacket p;
    WriteBlockHeader* h = p.mutable_header();
    h->mutable_block()->set_block_id(block_id);
    h->mutable_block()->set_generation_stamp(gs);
    for (int d : downstream) *h->add_downstream() = Node(d);
    h->set_client_name(client);
    h->set_bytes_per_checksum(512);
    h->set_recovery(recovery);
    h->set_recovery_offset(offset);
    p.set_seqno(seqno_++);
    p.set_offset_in_block(offset);
    ASSERT_TRUE(stream_->Write(p));
  }
  void SendData(uint64_t offset, const std::string& data, bool last = false, bool corrupt = false) {
    WritePacket p;
    p.set_seqno(seqno_++);
    p.set_offset_in_block(offset);
    p.set_data(data);
    std::vector<uint32_t> sums;
    crc32c::ChunkSums(data, 512, &sums);
    if (corrupt) sums[0] ^= 1;
    p.mutable_checksums()->Assign(sums.begin(), sums.end());
    p.set_last(last);
    p.set_sync(true);
    stream_->Write(p);
  }
  // Waits for `n` acks; true if they all came and every node said OK.
  bool AwaitOkAcks(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return acks_.size() >= n; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10))) return false;
    for (const WriteAck& a : acks_) {
      for (int s : a.node_status()) {
        if (s != 0) return false;
      }
    }
    return true;
  }
  std::vector<WriteAck> acks() {
    absl::MutexLock lock(&mu_);
    return acks_;
  }
  absl::Status Close() {
    stream_->WritesDone();
    reader_.join();
    return stream_->Finish();
  }

 private:
  std::unique_ptr<WriteBlockStream> stream_;
  std::thread reader_;
  int64_t seqno_ = 0;
  absl::Mutex mu_;
  std::vector<WriteAck> acks_ ABSL_GUARDED_BY(mu_);
};

class PipelineRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pipeline_recovery_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    cluster_ = std::make_unique<FakeCluster>(root_, 3);
  }
  void TearDown() override {
    cluster_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  absl::StatusOr<std::string> ReadVisible(int node, uint64_t id, uint64_t gs) {
    absl::StatusOr<std::unique_ptr<ReplicaReader>> r =
        cluster_->store(node)->OpenVisibleReplica(id, gs);
    if (!r.ok()) return r.status();
    absl::StatusOr<ChunkedData> c = (*r)->Read(0, (*r)->num_bytes());
    if (!c.ok()) return c.status();
    return c->data;
  }

  std::string root_;
  std::unique_ptr<FakeCluster> cluster_;
};

TEST_F(PipelineRecoveryTest, RecoveryTakesOverFromTheOpenOldPipelineOnTheSurvivors) {
  const std::string data = Pattern(4500);
  auto old = std::make_unique<Client>(cluster_.get(), 1);
  old->SendHeader(100, 1, {2, 3});
  for (uint64_t off = 0; off < 3000; off += 1000) old->SendData(off, data.substr(off, 1000));
  ASSERT_TRUE(old->AwaitOkAcks(4));
  // The client decides node 3 is bad; the old streams are all still open. The new
  // pipeline continues from the acked 3000 bytes (not chunk-aligned).
  Client recovered(cluster_.get(), 1);
  recovered.SendHeader(100, 2, {2}, /*recovery=*/true, 3000);
  ASSERT_TRUE(recovered.AwaitOkAcks(1)) << recovered.acks().size();
  EXPECT_EQ(recovered.acks()[0].node_status_size(), 2);
  recovered.SendData(3000, data.substr(3000, 1000));
  recovered.SendData(4000, data.substr(4000), /*last=*/true);
  ASSERT_TRUE(recovered.AwaitOkAcks(3));
  EXPECT_TRUE(recovered.Close().ok());
  EXPECT_FALSE(old->Close().ok());
  old.reset();  // joins every old receiver

  for (int node : {1, 2}) {
    absl::StatusOr<std::unique_ptr<ReplicaReader>> r = cluster_->store(node)->OpenReplica(100, 2);
    ASSERT_TRUE(r.ok()) << "node " << node << ": " << r.status();
    absl::StatusOr<ChunkedData> all = (*r)->Read(0, data.size());
    ASSERT_TRUE(all.ok()) << all.status();
    EXPECT_EQ(all->data, data) << "node " << node;
    EXPECT_EQ(cluster_->store(node)->OpenReplica(100, 1).status().code(),
              absl::StatusCode::kNotFound);
  }
  // The dropped node keeps its stale replica, unfinalized, for the namenode to sort out.
  std::optional<ReplicaInfo> stale = cluster_->store(3)->GetReplica(100);
  ASSERT_TRUE(stale.has_value());
  EXPECT_FALSE(stale->finalized);
  EXPECT_EQ(stale->generation_stamp, 1u);
  EXPECT_EQ(stale->num_bytes, 3000u);
}

TEST_F(PipelineRecoveryTest, RecoveryWithoutAReplicaIsNotFound) {
  Client c(cluster_.get(), 1);
  c.SendHeader(200, 2, {}, /*recovery=*/true, 0);
  EXPECT_EQ(c.Close().code(), absl::StatusCode::kNotFound);
  ASSERT_EQ(c.acks().size(), 1u);
  EXPECT_EQ(c.acks()[0].node_status(0), static_cast<int>(absl::StatusCode::kNotFound));
}

TEST_F(PipelineRecoveryTest, RecoveryBeyondTheBytesOnANodeIsFailedPrecondition) {
  {
    Client c(cluster_.get(), 1);
    c.SendHeader(300, 1, {2});
    c.SendData(0, Pattern(1000));
    ASSERT_TRUE(c.AwaitOkAcks(2));
  }  // the client vanishes: a client's replica stays for recovery
  ASSERT_TRUE(cluster_->store(2)->GetReplica(300).has_value());
  Client c(cluster_.get(), 1);
  c.SendHeader(300, 2, {2}, /*recovery=*/true, 2000);
  EXPECT_EQ(c.Close().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_FALSE(c.acks().empty());
  EXPECT_EQ(c.acks()[0].node_status(0), static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_NE(c.acks()[0].error().find("only 1000"), std::string::npos) << c.acks()[0].error();
}

TEST_F(PipelineRecoveryTest, APipelineThatFailedAfterFinalizingIsClosedUnderTheNewStamp) {
  const std::string data = Pattern(2500);
  {
    Client c(cluster_.get(), 1);
    c.SendHeader(400, 1, {2});
    c.SendData(0, data, /*last=*/true);
    ASSERT_TRUE(c.AwaitOkAcks(2));
    ASSERT_TRUE(c.Close().ok());
  }
  Client c(cluster_.get(), 1);
  c.SendHeader(400, 2, {2}, /*recovery=*/true, data.size());
  c.SendData(data.size(), "", /*last=*/true);
  ASSERT_TRUE(c.AwaitOkAcks(2));
  ASSERT_TRUE(c.Close().ok());
  for (int node : {1, 2}) {
    std::optional<ReplicaInfo> r = cluster_->store(node)->GetReplica(400);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->finalized);
    EXPECT_EQ(r->generation_stamp, 2u);
    EXPECT_EQ(r->num_bytes, data.size());
  }
}

TEST_F(PipelineRecoveryTest, ReadersSeeTheAckedBytesOnEveryNodeWhileTheBlockIsWritten) {
  const std::string data = Pattern(1700);
  Client c(cluster_.get(), 1);
  c.SendHeader(500, 1, {2, 3});
  c.SendData(0, data.substr(0, 1000));
  c.SendData(1000, data.substr(1000));  // ends inside a chunk
  ASSERT_TRUE(c.AwaitOkAcks(3));
  for (int node = 1; node <= 3; ++node) {
    absl::StatusOr<std::string> seen = ReadVisible(node, 500, 1);
    ASSERT_TRUE(seen.ok()) << "node " << node << ": " << seen.status();
    EXPECT_EQ(*seen, data) << "node " << node;
    EXPECT_EQ(cluster_->store(node)->GetReplica(500)->visible_bytes, 1700u);
    EXPECT_EQ(ReadVisible(node, 500, 2).status().code(), absl::StatusCode::kNotFound);
  }
  c.SendData(1700, "", /*last=*/true);
  ASSERT_TRUE(c.AwaitOkAcks(4));
  EXPECT_TRUE(c.Close().ok());
}

TEST_F(PipelineRecoveryTest, TheNodeThatFailsOnAPacketDropsItsReplicaTheOthersKeepTheirs) {
  {
    Client c(cluster_.get(), 1);
    c.SendHeader(600, 1, {2, 3});
    c.SendData(0, Pattern(1024));
    ASSERT_TRUE(c.AwaitOkAcks(2));
    c.SendData(1024, Pattern(1024, 5), false, /*corrupt=*/true);
    EXPECT_EQ(c.Close().code(), absl::StatusCode::kDataLoss);
  }  // joins every receiver
  // Node 1 verified and refused the packet; nodes 2 and 3 never saw it. The kept
  // replicas are found again after a restart.
  cluster_.reset();
  cluster_ = std::make_unique<FakeCluster>(root_, 3);
  EXPECT_FALSE(cluster_->store(1)->GetReplica(600).has_value());
  for (int node : {2, 3}) {
    std::optional<ReplicaInfo> r = cluster_->store(node)->GetReplica(600);
    ASSERT_TRUE(r.has_value()) << "node " << node;
    EXPECT_FALSE(r->finalized);
    EXPECT_EQ(r->num_bytes, 1024u);
  }
}

TEST_F(PipelineRecoveryTest, APipelineThatNeverCameUpLeavesNoReplica) {
  cluster_->Kill(3);
  {
    Client c(cluster_.get(), 1);
    c.SendHeader(700, 1, {2, 3});
    EXPECT_FALSE(c.AwaitOkAcks(1));
    EXPECT_EQ(c.acks()[0].node_status(2), static_cast<int>(absl::StatusCode::kUnavailable));
  }  // the client abandons the block
  for (int node : {1, 2}) EXPECT_FALSE(cluster_->store(node)->GetReplica(700).has_value());
}

}  // namespace
}  // namespace hayloft::datanode
