// The datanode's side of failure handling, on real hayloft-datanode processes:
// pipeline recovery after a datanode is killed mid-block, lease recovery
// (InitReplicaRecovery / UpdateReplica) of replicas a killed writer left behind,
// reads of a block being written, the block scanner, and volumes that fill up or
// fail.
//
// The protocol tests drive datanodes that have no namenode (so nothing deletes the
// blocks they write by hand); the others run a MiniCluster. The volume tests mount
// small tmpfs file systems and are skipped unless run as root.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/base/crc32c.h"
#include "common/base/grpc_status.h"
#include "common/base/subprocess.h"
#include "common/rpc/rpc_util.h"
#include "proto/datanode.grpc.pb.h"
#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/random_bytes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/wait_for.h"

namespace hayloft {
namespace {

using ::hayloft::testing::RandomBytes;

using ::hayloft::testing::HayloftBinary;
using ::hayloft::testing::MiniCluster;
using ::hayloft::testing::MiniClusterOptions;
using ::hayloft::testing::TempDir;
using ::hayloft::testing::WaitFor;
using ::testing::HasSubstr;

std::string ReadWholeFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

// A hayloft-datanode process with no namenode, restartable on the same port.
class LoneDatanode {
 public:
  LoneDatanode(std::string dir, int index) : dir_(std::move(dir)), index_(index) {}
  ~LoneDatanode() {
    if (process_) process_->Stop(absl::Seconds(5)).IgnoreError();
  }

  absl::Status Start() {
    std::string port_file = absl::StrCat(dir_, "/port");
    std::filesystem::remove(port_file);
    std::vector<std::string> argv = {
        HayloftBinary("hayloft-datanode"),
        "-D",
        absl::StrCat("dfs.datanode.address=127.0.0.1:", port_),
        "-D",
        absl::StrCat("dfs.datanode.data.dir=", dir_, "/data"),
        "-D",
        "fs.defaultFS=hdfs://127.0.0.1:9",  // nobody listens: no namenode
        "-D",
        "dfs.heartbeat.interval=1",
        "-D",
        "dfs.datanode.http.address=127.0.0.1:0",
        "-D",
        absl::StrCat("hayloft.port.file=", port_file)};
    SubprocessOptions o;
    o.stdout_path = o.stderr_path = log_path();
    o.kill_when_parent_exits = true;
    absl::StatusOr<Subprocess> p = Subprocess::Start(argv, o);
    if (!p.ok()) return p.status();
    process_ = std::move(*p);
    bool up = WaitFor([&] { return std::filesystem::exists(port_file); }, absl::Seconds(30));
    if (!up) return absl::DeadlineExceededError("datanode did not start: " + log_path());
    std::string addr = ReadWholeFile(port_file);
    port_ = std::stoi(addr.substr(addr.rfind(':') + 1));
    stub_ = DatanodeService::NewStub(rpc::MakeChannel(address()));
    return absl::OkStatus();
  }
  absl::Status Kill() {
    absl::Status s = process_->Signal(SIGKILL);
    process_->Wait(absl::Seconds(10)).IgnoreError();
    process_.reset();
    return s;
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  DatanodeId id() const {
    DatanodeId d;
    d.set_host("127.0.0.1");
    d.set_rpc_port(port_);
    return d;
  }
  DatanodeService::Stub* stub() { return stub_.get(); }
  std::string log_path() const { return absl::StrCat(dir_, "/datanode.log"); }
  std::string data_dir() const { return absl::StrCat(dir_, "/data"); }

 private:
  const std::string dir_;
  const int index_;
  int port_ = 0;
  std::optional<Subprocess> process_;
  std::unique_ptr<DatanodeService::Stub> stub_;
};

// One WriteBlock call from the test, acting as the DFS client.
class BlockWriter {
 public:
  explicit BlockWriter(LoneDatanode* first) { stream_ = first->stub()->WriteBlock(&ctx_); }
  ~BlockWriter() {
    if (finished_) return;
    ctx_.TryCancel();
    stream_->Finish();
  }

  void Header(uint64_t block_id, uint64_t gs, const std::vector<LoneDatanode*>& downstream,
              bool recovery = false, uint64_t offset = 0) {
    WritePacket p;
    WriteBlockHeader* h = p.mutable_header();
    h->mutable_block()->set_block_id(block_id);
    h->mutable_block()->set_generation_stamp(gs);
    for (LoneDatanode* d : downstream) *h->add_downstream() = d->id();
    h->set_client_name("datanode_failure_itest");
    h->set_bytes_per_checksum(512);
    h->set_recovery(recovery);
    h->set_recovery_offset(offset);
    p.set_seqno(seqno_++);
    p.set_offset_in_block(offset);
    stream_->Write(p);
  }
  void Data(uint64_t offset, absl::string_view data, bool last = false) {
    WritePacket p;
    p.set_seqno(seqno_++);
    p.set_offset_in_block(offset);
    p.set_data(std::string(data));
    std::vector<uint32_t> sums;
    crc32c::ChunkSums(data, 512, &sums);
    p.mutable_checksums()->Assign(sums.begin(), sums.end());
    p.set_last(last);
    p.set_sync(true);
    stream_->Write(p);
  }
  // The next ack; nullopt if the stream ended.
  std::optional<WriteAck> Ack() {
    WriteAck a;
    if (!stream_->Read(&a)) return std::nullopt;
    return a;
  }
  // Reads `n` acks and says whether every node acked every one.
  bool AllOk(int n) {
    for (int i = 0; i < n; ++i) {
      std::optional<WriteAck> a = Ack();
      if (!a) return false;
      for (int s : a->node_status()) {
        if (s != 0) return false;
      }
    }
    return true;
  }
  absl::Status Close() {
    stream_->WritesDone();
    WriteAck a;
    while (stream_->Read(&a)) {
    }
    finished_ = true;
    return FromGrpcStatus(stream_->Finish());
  }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReaderWriter<WritePacket, WriteAck>> stream_;
  int64_t seqno_ = 0;
  bool finished_ = false;
};

absl::StatusOr<std::string> ReadBlock(LoneDatanode* d, uint64_t id, uint64_t gs) {
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, absl::Seconds(30));
  ReadBlockRequest req;
  req.mutable_block()->set_block_id(id);
  req.mutable_block()->set_generation_stamp(gs);
  std::unique_ptr<grpc::ClientReader<ReadBlockResponse>> r = d->stub()->ReadBlock(&ctx, req);
  std::string out;
  ReadBlockResponse resp;
  while (r->Read(&resp)) out += resp.data();
  absl::Status s = FromGrpcStatus(r->Finish());
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<GetReplicaInfoResponse> ReplicaInfo(LoneDatanode* d, uint64_t id) {
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, absl::Seconds(10));
  GetReplicaInfoRequest req;
  req.set_block_id(id);
  GetReplicaInfoResponse resp;
  absl::Status s = FromGrpcStatus(d->stub()->GetReplicaInfo(&ctx, req, &resp));
  if (!s.ok()) return s;
  return resp;
}

absl::StatusOr<InitReplicaRecoveryResponse> InitRecovery(LoneDatanode* d, uint64_t id,
                                                         uint64_t recovery_id) {
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, absl::Seconds(30));
  InitReplicaRecoveryRequest req;
  req.set_block_id(id);
  req.set_recovery_id(recovery_id);
  InitReplicaRecoveryResponse resp;
  absl::Status s = FromGrpcStatus(d->stub()->InitReplicaRecovery(&ctx, req, &resp));
  if (!s.ok()) return s;
  return resp;
}

absl::Status UpdateReplica(LoneDatanode* d, uint64_t id, uint64_t gs, uint64_t length) {
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, absl::Seconds(30));
  UpdateReplicaRequest req;
  req.set_block_id(id);
  req.set_new_generation_stamp(gs);
  req.set_new_length(length);
  UpdateReplicaResponse resp;
  return FromGrpcStatus(d->stub()->UpdateReplica(&ctx, req, &resp));
}

class LoneDatanodesTest : public ::testing::Test {
 protected:
  void StartDatanodes(int n) {
    absl::StatusOr<TempDir> dir = TempDir::Create("datanode_failure_itest");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
    for (int i = 1; i <= n; ++i) {
      std::string d = dir_->Join(absl::StrCat("dn", i));
      std::filesystem::create_directories(d);
      nodes_.push_back(std::make_unique<LoneDatanode>(d, i));
      ASSERT_OK(nodes_.back()->Start());
    }
  }
  void TearDown() override {
    if (HasFailure()) {
      for (auto& n : nodes_)
        std::cerr << "=== " << n->log_path() << "\n" << ReadWholeFile(n->log_path());
    }
    nodes_.clear();
  }
  LoneDatanode* dn(int i) { return nodes_[i - 1].get(); }

  std::optional<TempDir> dir_;
  std::vector<std::unique_ptr<LoneDatanode>> nodes_;
};

TEST_F(LoneDatanodesTest, PipelineContinuesOnTheSurvivorsAfterADatanodeIsKilled) {
  StartDatanodes(3);
  const std::string data = RandomBytes(3 * 300000 + 4321, 1);
  const uint64_t kBlock = 1001;
  auto old = std::make_unique<BlockWriter>(dn(1));
  old->Header(kBlock, 1, {dn(2), dn(3)});
  uint64_t acked = 0;
  for (int i = 0; i < 2; ++i) {
    old->Data(acked, absl::string_view(data).substr(acked, 300000));
    acked += 300000;
  }
  ASSERT_TRUE(old->AllOk(3));
  // A reader of the block being written sees what the whole pipeline acked.
  for (int i = 1; i <= 3; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string seen, ReadBlock(dn(i), kBlock, 1));
    EXPECT_TRUE(seen == data.substr(0, acked)) << "datanode " << i;
    ASSERT_OK_AND_ASSIGN(GetReplicaInfoResponse info, ReplicaInfo(dn(i), kBlock));
    EXPECT_FALSE(info.finalized());
    EXPECT_EQ(info.num_bytes(), acked);
  }

  ASSERT_OK(dn(3)->Kill());
  // The next packet's ack names the dead node.
  old->Data(acked, absl::string_view(data).substr(acked, 300000));
  std::optional<WriteAck> bad = old->Ack();
  ASSERT_TRUE(bad.has_value());
  ASSERT_EQ(bad->node_status_size(), 3);
  EXPECT_EQ(bad->node_status(0), 0);
  EXPECT_EQ(bad->node_status(2), static_cast<int>(absl::StatusCode::kUnavailable));
  EXPECT_THAT(bad->error(), HasSubstr(dn(3)->address()));

  // Recovery: the survivors continue under a new stamp from the acked bytes, while
  // the old stream is still open.
  BlockWriter recovered(dn(1));
  recovered.Header(kBlock, 2, {dn(2)}, /*recovery=*/true, acked);
  ASSERT_TRUE(recovered.AllOk(1));
  recovered.Data(acked, absl::string_view(data).substr(acked, 300000));
  recovered.Data(acked + 300000, absl::string_view(data).substr(acked + 300000), /*last=*/true);
  ASSERT_TRUE(recovered.AllOk(2));
  ASSERT_OK(recovered.Close());
  old.reset();

  for (int i = 1; i <= 2; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string got, ReadBlock(dn(i), kBlock, 2));
    EXPECT_TRUE(got == data) << "datanode " << i << ": " << got.size() << " bytes";
    EXPECT_THAT(ReadBlock(dn(i), kBlock, 1), testing::StatusIs(absl::StatusCode::kNotFound));
  }
  // The killed node comes back with its replica as it was: stale, unfinalized.
  ASSERT_OK(dn(3)->Start());
  ASSERT_OK_AND_ASSIGN(GetReplicaInfoResponse stale, ReplicaInfo(dn(3), kBlock));
  EXPECT_TRUE(stale.exists());
  EXPECT_FALSE(stale.finalized());
  EXPECT_EQ(stale.generation_stamp(), 1u);
  EXPECT_EQ(stale.num_bytes(), acked);
}

TEST_F(LoneDatanodesTest, LeaseRecoveryClosesWhatAKilledWriterLeftBehind) {
  StartDatanodes(2);
  const std::string data = RandomBytes(700000, 2);
  const uint64_t kBlock = 2002;
  {
    BlockWriter w(dn(1));
    w.Header(kBlock, 5, {dn(2)});
    w.Data(0, absl::string_view(data).substr(0, 400000));
    w.Data(400000, absl::string_view(data).substr(400000, 123457));
    ASSERT_TRUE(w.AllOk(3));
  }  // the writer vanishes without a last packet
  // One holder is killed and restarted: its replica comes back from rbw/.
  ASSERT_OK(dn(2)->Kill());
  ASSERT_OK(dn(2)->Start());
  const uint64_t written = 523457;
  for (int i = 1; i <= 2; ++i) {
    ASSERT_OK_AND_ASSIGN(InitReplicaRecoveryResponse r, InitRecovery(dn(i), kBlock, 9));
    EXPECT_TRUE(r.exists());
    EXPECT_FALSE(r.finalized());
    EXPECT_EQ(r.generation_stamp(), 5u);
    EXPECT_EQ(r.num_bytes(), written) << "datanode " << i;
  }
  EXPECT_THAT(InitRecovery(dn(1), kBlock, 8),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(InitRecovery(dn(1), 4242, 9), testing::StatusIs(absl::StatusCode::kNotFound));
  for (int i = 1; i <= 2; ++i) {
    ASSERT_OK(UpdateReplica(dn(i), kBlock, 9, 500000));
    ASSERT_OK(UpdateReplica(dn(i), kBlock, 9, 500000));  // idempotent
    ASSERT_OK_AND_ASSIGN(std::string got, ReadBlock(dn(i), kBlock, 9));
    EXPECT_TRUE(got == data.substr(0, 500000)) << "datanode " << i;
    ASSERT_OK_AND_ASSIGN(GetReplicaInfoResponse info, ReplicaInfo(dn(i), kBlock));
    EXPECT_TRUE(info.finalized());
  }
  // The recovered replica survives a restart as a finalized one.
  ASSERT_OK(dn(1)->Kill());
  ASSERT_OK(dn(1)->Start());
  ASSERT_OK_AND_ASSIGN(std::string got, ReadBlock(dn(1), kBlock, 9));
  EXPECT_TRUE(got == data.substr(0, 500000));
}

// ---------------------------------------------------------------------------
// With a namenode

MiniClusterOptions FastOptions(int datanodes) {
  MiniClusterOptions o;
  o.num_datanodes = datanodes;
  o.heartbeat_interval = absl::Milliseconds(300);
  o.heartbeat_recheck_interval = absl::Milliseconds(500);
  o.namenode_conf["dfs.namenode.redundancy.interval.seconds"] = "1";
  return o;
}

TEST(DatanodeScannerTest, ScannerFindsACorruptReplicaNobodyReadsAndItIsReplaced) {
  MiniClusterOptions o = FastOptions(3);
  o.replication = 2;
  o.datanode_conf["dfs.datanode.scan.period.hours"] = "1s";
  o.datanode_conf["dfs.block.scanner.volume.bytes.per.second"] = "100m";
  MiniCluster cluster(o);
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
  const std::string data = RandomBytes(600000, 3);
  ASSERT_OK(client->WriteFile("/scanned", data));
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, client->GetBlockLocations("/scanned"));
  ASSERT_EQ(locs.blocks_size(), 1);
  const uint64_t id = locs.blocks(0).block().block_id();
  const std::string host = locs.blocks(0).locations(0).id().host();
  const int index = host.back() - '0';
  const std::string blk = absl::StrCat(cluster.datanode_data_dir(index), "/current/blk_", id);
  {
    std::fstream f(blk, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good()) << blk;
    f.seekp(123456);
    f.put(static_cast<char>(data[123456] ^ 0x20));
  }
  // Nobody reads the file: the scanner finds the bad replica and reports it...
  EXPECT_TRUE(WaitFor(
      [&] {
        return ReadWholeFile(cluster.datanode_log_path(index))
                   .find(absl::StrCat("Block scanner found a corrupt replica: checksum error in "
                                      "blk_",
                                      id)) != std::string::npos;
      },
      absl::Seconds(30)));
  // ... and the namenode replaces it with a good copy.
  EXPECT_TRUE(WaitFor(
      [&] {
        std::ifstream f(blk, std::ios::binary);
        if (!f) return true;
        return ReadWholeFile(blk) == data;
      },
      absl::Seconds(60)))
      << "the corrupt replica " << blk << " is still there";
  ASSERT_OK_AND_ASSIGN(std::string got, client->ReadFile("/scanned"));
  EXPECT_TRUE(got == data);
}

// Volumes on small tmpfs mounts.
class DatanodeVolumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting tmpfs needs root";
    absl::StatusOr<TempDir> dir = TempDir::Create("datanode_volume_itest");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
  }
  void TearDown() override {
    cluster_.reset();
    for (const std::string& m : mounts_) ::umount2(m.c_str(), MNT_DETACH);
  }

  // A tmpfs of `size` (e.g. "4m") at a new dir; "" if mounting is not possible.
  std::string Mount(const std::string& name, const std::string& size) {
    std::string path = dir_->Join(name);
    std::filesystem::create_directories(path);
    if (::mount("tmpfs", path.c_str(), "tmpfs", 0, absl::StrCat("size=", size).c_str()) != 0) {
      return "";
    }
    mounts_.push_back(path);
    return path;
  }

  void StartCluster(const std::vector<std::string>& dirs, int tolerated,
                    int64_t datanode_block_size) {
    MiniClusterOptions o = FastOptions(1);
    o.replication = 1;
    o.datanode_conf["dfs.datanode.data.dir"] = absl::StrJoin(dirs, ",");
    o.datanode_conf["dfs.datanode.failed.volumes.tolerated"] = absl::StrCat(tolerated);
    o.datanode_conf["dfs.blocksize"] = absl::StrCat(datanode_block_size);
    cluster_ = std::make_unique<MiniCluster>(o);
    ASSERT_OK(cluster_->Start());
    absl::StatusOr<std::unique_ptr<DfsClient>> c = cluster_->NewDfsClient();
    ASSERT_OK(c.status());
    client_ = std::move(*c);
  }

  static int CountBlocks(const std::string& dir) {
    int n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir + "/current", ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("blk_", 0) == 0 && name.find(".meta") == std::string::npos) ++n;
    }
    return n;
  }

  int FailedVolumes() {
    absl::StatusOr<std::vector<DatanodeInfo>> r = client_->GetDatanodeReport();
    if (!r.ok() || r->empty()) return -1;
    return (*r)[0].failed_volumes();
  }

  std::optional<TempDir> dir_;
  std::vector<std::string> mounts_;
  std::unique_ptr<MiniCluster> cluster_;
  std::unique_ptr<DfsClient> client_;
};

TEST_F(DatanodeVolumeTest, AFullVolumeSendsBlocksElsewhereAndAFailedOneIsDropped) {
  const std::string small = Mount("small", "4m");
  const std::string big = Mount("big", "64m");
  if (small.empty() || big.empty()) GTEST_SKIP() << "cannot mount tmpfs here";
  StartCluster({small, big}, /*tolerated=*/1, 1 << 20);
  std::vector<std::string> data;
  for (int i = 0; i < 8; ++i) {
    data.push_back(RandomBytes(1 << 20, 10 + i));
    ASSERT_OK(client_->WriteFile(absl::StrCat("/f", i), data.back()));
  }
  // Round-robin until the 4 MiB volume has no room for another 1 MiB block.
  EXPECT_EQ(CountBlocks(small), 3);
  EXPECT_EQ(CountBlocks(big), 5);
  for (int i = 0; i < 8; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string got, client_->ReadFile(absl::StrCat("/f", i)));
    EXPECT_TRUE(got == data[i]) << i;
  }
  EXPECT_EQ(FailedVolumes(), 0);

  // Which files have their block on the small volume.
  std::vector<bool> on_small(8);
  for (int i = 0; i < 8; ++i) {
    ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs,
                         client_->GetBlockLocations(absl::StrCat("/f", i)));
    ASSERT_EQ(locs.blocks_size(), 1);
    on_small[i] = std::filesystem::exists(
        absl::StrCat(small, "/current/blk_", locs.blocks(0).block().block_id()));
  }

  // The big volume goes away under the running datanode.
  ASSERT_EQ(::umount2(big.c_str(), MNT_DETACH), 0);
  mounts_.pop_back();
  std::filesystem::remove_all(big);
  EXPECT_TRUE(WaitFor([&] { return FailedVolumes() == 1; }, absl::Seconds(30)));
  EXPECT_GT(cluster_->datanode_pid(1), 0);  // still running
  for (int i = 0; i < 8; ++i) {
    const std::string path = absl::StrCat("/f", i);
    if (on_small[i]) {
      ASSERT_OK_AND_ASSIGN(std::string got, client_->ReadFile(path));
      EXPECT_TRUE(got == data[i]) << path;
      continue;
    }
    // The lost replicas were reported deleted: the namenode knows no location.
    EXPECT_TRUE(WaitFor(
        [&] {
          absl::StatusOr<GetBlockLocationsResponse> locs = client_->GetBlockLocations(path);
          return locs.ok() && locs->blocks_size() == 1 && locs->blocks(0).locations_size() == 0;
        },
        absl::Seconds(30)))
        << path;
  }
  std::string log = ReadWholeFile(cluster_->datanode_log_path(1));
  EXPECT_THAT(log, HasSubstr(absl::StrCat("Volume ", big, " has failed")));
  EXPECT_THAT(log, HasSubstr("Dropped its 5 finalized replica(s)"));
}

TEST_F(DatanodeVolumeTest, ADiskFullDuringAWriteFailsTheWriteNotTheVolume) {
  const std::string small = Mount("full", "2m");
  if (small.empty()) GTEST_SKIP() << "cannot mount tmpfs here";
  // The datanode thinks blocks are small, so it takes blocks it has no room for.
  StartCluster({small}, 0, 64 << 10);
  const std::string first = RandomBytes(1 << 20, 20);
  ASSERT_OK(client_->WriteFile("/first", first));
  absl::Status s = client_->WriteFile("/second", RandomBytes(1536 << 10, 21));
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("No space left on device"));
  EXPECT_EQ(FailedVolumes(), 0);
  EXPECT_GT(cluster_->datanode_pid(1), 0);
  ASSERT_OK_AND_ASSIGN(std::string got, client_->ReadFile("/first"));
  EXPECT_TRUE(got == first);
  EXPECT_THAT(ReadWholeFile(cluster_->datanode_log_path(1)),
              ::testing::Not(HasSubstr("has failed")));
}

TEST_F(DatanodeVolumeTest, MoreFailedVolumesThanToleratedStopTheDatanode) {
  const std::string a = dir_->Join("a");
  const std::string b = dir_->Join("b");
  StartCluster({a, b}, /*tolerated=*/0, 1 << 20);
  ASSERT_OK(client_->WriteFile("/x", RandomBytes(1000, 30)));
  // The volume's dir is replaced by a plain file (as root, permissions would not
  // stop the datanode).
  std::filesystem::rename(b, dir_->Join("b.gone"));
  std::ofstream(b) << "not a directory\n";
  EXPECT_TRUE(WaitFor([&] { return cluster_->datanode_pid(1) < 0; }, absl::Seconds(30)))
      << "the datanode is still running";
  std::string log = ReadWholeFile(cluster_->datanode_log_path(1));
  EXPECT_THAT(log, HasSubstr(absl::StrCat("Volume ", b, " has failed")));
  EXPECT_THAT(log, HasSubstr("is shutting down: 1 of 2 volume(s) have failed"));
  EXPECT_THAT(log, HasSubstr("dfs.datanode.failed.volumes.tolerated = 0"));
  EXPECT_THAT(log, HasSubstr("Datanode stopped: "));
  EXPECT_FALSE(cluster_->Shutdown().ok());  // it died on its own, with exit status 1
}

}  // namespace
}  // namespace hayloft
