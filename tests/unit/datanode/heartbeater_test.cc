// The heartbeater against a fake namenode (no sockets).
#include "datanode/heartbeater.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/base/crc32c.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {
namespace {

// Records every call; can play unreachable or forgetful. Thread-safe.
class FakeNamenode final : public NamenodeClient {
 public:
  const std::string& address() const override { return address_; }

  absl::StatusOr<RegisterDatanodeResponse> RegisterDatanode(
      const RegisterDatanodeRequest& request) override {
    absl::MutexLock lock(&mu_);
    if (down_) return Unreachable();
    registered_ = true;
    ++registrations_;
    last_id_ = request.id();
    return RegisterDatanodeResponse();
  }
  absl::StatusOr<HeartbeatResponse> Heartbeat(const HeartbeatRequest& request) override {
    absl::MutexLock lock(&mu_);
    if (down_) return Unreachable();
    if (!registered_) return absl::NotFoundError("unknown datanode");
    ++heartbeats_;
    last_heartbeat_ = request;
    HeartbeatResponse response;
    for (DatanodeCommand& c : commands_) *response.add_commands() = std::move(c);
    commands_.clear();
    return response;
  }
  absl::StatusOr<BlockReportResponse> BlockReport(const BlockReportRequest& request) override {
    absl::MutexLock lock(&mu_);
    if (down_) return Unreachable();
    if (!registered_) return absl::NotFoundError("unknown datanode");
    reports_.push_back(request);
    return BlockReportResponse();
  }
  absl::Status IncrementalBlockReport(const IncrementalBlockReportRequest& request) override {
    absl::MutexLock lock(&mu_);
    if (down_) return Unreachable();
    if (!registered_) return absl::NotFoundError("unknown datanode");
    for (const ReplicaReport& r : request.received()) received_.push_back(r.block_id());
    for (const ReplicaReport& r : request.deleted()) deleted_.push_back(r.block_id());
    return absl::OkStatus();
  }
  absl::Status ReportBadBlocks(const ReportBadBlocksRequest& request) override {
    absl::MutexLock lock(&mu_);
    if (down_) return Unreachable();
    for (const Block& b : request.blocks()) bad_.push_back(b.block_id());
    return absl::OkStatus();
  }
  void CancelAll() override {}

  static absl::Status Unreachable() { return absl::UnavailableError("connection refused"); }

  // Test controls and observations.
  absl::Mutex mu_;
  std::string address_ = "fake-namenode:8020";
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  bool registered_ ABSL_GUARDED_BY(mu_) = false;
  int registrations_ ABSL_GUARDED_BY(mu_) = 0;
  int heartbeats_ ABSL_GUARDED_BY(mu_) = 0;
  DatanodeId last_id_ ABSL_GUARDED_BY(mu_);
  HeartbeatRequest last_heartbeat_ ABSL_GUARDED_BY(mu_);
  std::vector<BlockReportRequest> reports_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> received_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> deleted_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> bad_ ABSL_GUARDED_BY(mu_);
  std::vector<DatanodeCommand> commands_ ABSL_GUARDED_BY(mu_);
};

template <typename F>
bool WaitFor(F condition, absl::Duration timeout = absl::Seconds(10)) {
  absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

class HeartbeaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/heartbeater_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    absl::StatusOr<std::unique_ptr<BlockStore>> s = BlockStore::Open({{root_ + "/data"}});
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
    AddReplica(100, 4096);
    AddReplica(101, 10);
  }
  void TearDown() override {
    if (heartbeater_) heartbeater_->Shutdown();
    heartbeater_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  void AddReplica(uint64_t id, size_t n) {
    absl::StatusOr<std::unique_ptr<ReplicaWriter>> w = store_->CreateReplica(id, 1, 512);
    ASSERT_TRUE(w.ok());
    std::string data(n, 'x');
    std::vector<uint32_t> sums;
    crc32c::ChunkSums(data, 512, &sums);
    ASSERT_TRUE((*w)->Append(data, sums).ok());
    ASSERT_TRUE((*w)->Finalize().ok());
  }

  void StartHeartbeater(absl::Duration interval) {
    HeartbeaterHooks hooks;
    hooks.active_transfers = [] { return 2; };
    hooks.replicate = [this](const Block& b, std::vector<DatanodeId> targets) {
      absl::MutexLock lock(&nn_.mu_);
      replicated_.push_back({b.block_id(), targets.size()});
    };
    hooks.check_volumes = [this] {
      store_->CheckVolumes();
      absl::MutexLock lock(&nn_.mu_);
      ++volume_checks_;
    };
    heartbeater_ = std::make_unique<Heartbeater>(
        HeartbeaterOptions{interval, absl::Hours(6), absl::Minutes(1)}, store_.get(), &nn_,
        std::move(hooks));
    DatanodeId id;
    id.set_uuid(store_->datanode_uuid());
    id.set_host("127.0.1.9");
    id.set_rpc_port(9866);
    heartbeater_->Start(id);
  }

  std::string root_;
  std::unique_ptr<BlockStore> store_;
  FakeNamenode nn_;
  std::unique_ptr<Heartbeater> heartbeater_;
  std::vector<std::pair<uint64_t, size_t>> replicated_;  // guarded by nn_.mu_
  int volume_checks_ = 0;                                // guarded by nn_.mu_
};

TEST_F(HeartbeaterTest, RegistersReportsAndHeartbeats) {
  StartHeartbeater(absl::Milliseconds(5));
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock lock(&nn_.mu_);
    return nn_.heartbeats_ >= 3;
  }));
  absl::MutexLock lock(&nn_.mu_);
  EXPECT_EQ(nn_.registrations_, 1);
  EXPECT_EQ(nn_.last_id_.uuid(), store_->datanode_uuid());
  EXPECT_EQ(nn_.last_id_.host(), "127.0.1.9");
  ASSERT_EQ(nn_.reports_.size(), 1u);
  EXPECT_EQ(nn_.reports_[0].replicas_size(), 2);
  EXPECT_EQ(nn_.last_heartbeat_.active_transfers(), 2);
  EXPECT_EQ(nn_.last_heartbeat_.dfs_used_bytes(), 4096 + 7 + 8 * 4 + 10 + 7 + 4);
  EXPECT_GT(nn_.last_heartbeat_.capacity_bytes(), 0);
}

TEST_F(HeartbeaterTest, ReceivedBlocksAreReportedAtOnceNotAtTheNextHeartbeat) {
  StartHeartbeater(absl::Hours(1));
  ASSERT_TRUE(WaitFor([&] { return heartbeater_->registered(); }));
  absl::Time start = absl::Now();
  heartbeater_->NotifyBlockReceived({200, 1, 5, true});
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock lock(&nn_.mu_);
    return !nn_.received_.empty();
  }));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  absl::MutexLock lock(&nn_.mu_);
  EXPECT_EQ(nn_.received_[0], 200u);
}

TEST_F(HeartbeaterTest, UnreachableNamenodeIsRetriedAndQueuedReportsSurvive) {
  {
    absl::MutexLock lock(&nn_.mu_);
    nn_.down_ = true;
  }
  StartHeartbeater(absl::Milliseconds(5));
  heartbeater_->NotifyBlockReceived({300, 1, 5, true});
  heartbeater_->ReportBadBlock([] {
    Block b;
    b.set_block_id(301);
    return b;
  }());
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(heartbeater_->registered());
  {
    absl::MutexLock lock(&nn_.mu_);
    nn_.down_ = false;
  }
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock lock(&nn_.mu_);
    return !nn_.received_.empty() && !nn_.bad_.empty();
  }));
  absl::MutexLock lock(&nn_.mu_);
  EXPECT_EQ(nn_.received_[0], 300u);
  EXPECT_EQ(nn_.bad_[0], 301u);
}

TEST_F(HeartbeaterTest, ForgottenDatanodeRegistersAgainWithAFullReport) {
  StartHeartbeater(absl::Milliseconds(5));
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock lock(&nn_.mu_);
    return nn_.heartbeats_ >= 1;
  }));
  {
    absl::MutexLock lock(&nn_.mu_);
    nn_.registered_ = false;  // a restarted namenode
  }
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock lock(&nn_.mu_);
    return nn_.registrations_ == 2 && nn_.reports_.size() == 2;
  }));
  {
    absl::MutexLock lock(&nn_.mu_);
    DatanodeCommand c;
    c.set_type(DatanodeCommand::REREGISTER);
    nn_.commands_.push_back(c);
  }
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock lock(&nn_.mu_);
    return nn_.registrations_ == 3 && nn_.reports_.size() == 3;
  }));
}

TEST_F(HeartbeaterTest, CarriesOutDeleteAndReplicateCommands) {
  StartHeartbeater(absl::Milliseconds(5));
  {
    absl::MutexLock lock(&nn_.mu_);
    DatanodeCommand del;
    del.set_type(DatanodeCommand::DELETE_BLOCKS);
    del.add_blocks()->set_block_id(100);
    del.mutable_blocks(0)->set_generation_stamp(1);
    nn_.commands_.push_back(del);
    DatanodeCommand rep;
    rep.set_type(DatanodeCommand::REPLICATE_BLOCKS);
    rep.add_blocks()->set_block_id(101);
    rep.add_targets();
    rep.add_targets();
    nn_.commands_.push_back(rep);
  }
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock lock(&nn_.mu_);
    return !nn_.deleted_.empty() && !replicated_.empty();
  }));
  EXPECT_FALSE(store_->GetReplica(100).has_value());
  EXPECT_EQ(posix::FileSize(root_ + "/data/current/blk_100"), -1);
  absl::MutexLock lock(&nn_.mu_);
  EXPECT_EQ(nn_.deleted_[0], 100u);
  EXPECT_EQ(replicated_[0], (std::pair<uint64_t, size_t>{101, 2}));
}

TEST_F(HeartbeaterTest, ChecksVolumesEvenWithoutANamenodeAndReportsFailedOnes) {
  store_.reset();
  BlockStoreOptions options;
  options.data_dirs = {root_ + "/data", root_ + "/data2"};
  absl::StatusOr<std::unique_ptr<BlockStore>> s = BlockStore::Open(options);
  ASSERT_TRUE(s.ok()) << s.status();
  store_ = std::move(*s);
  {
    absl::MutexLock lock(&nn_.mu_);
    nn_.down_ = true;
  }
  StartHeartbeater(absl::Milliseconds(5));
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock lock(&nn_.mu_);
    return volume_checks_ >= 3;
  }));
  std::filesystem::remove_all(root_ + "/data2");
  ASSERT_TRUE(WaitFor([&] { return store_->num_failed_volumes() == 1; }));
  {
    absl::MutexLock lock(&nn_.mu_);
    nn_.down_ = false;
  }
  ASSERT_TRUE(WaitFor([&] {
    absl::MutexLock lock(&nn_.mu_);
    return nn_.heartbeats_ >= 1 && nn_.last_heartbeat_.failed_volumes() == 1;
  }));
}

}  // namespace
}  // namespace hayloft::datanode
