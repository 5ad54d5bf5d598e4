// The DFS survives failures, on real clusters of separate processes: dead
// datanodes are re-replicated around (and trimmed when they return), a datanode
// dying mid-write does not fail the write, corrupt replicas are replaced, safe
// mode guards start-up, an abandoned file's lease is recovered, and a host can be
// decommissioned.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/random_bytes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/wait_for.h"

namespace hayloft {
namespace {

using ::hayloft::testing::RandomBytes;

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::HayloftBinary;
using ::hayloft::testing::MiniCluster;
using ::hayloft::testing::MiniClusterOptions;
using ::hayloft::testing::RunCommand;
using ::testing::HasSubstr;

// Fast failure detection: dead after 2 x 500 ms + 10 x 300 ms = 4 s.
MiniClusterOptions FastOptions(int datanodes) {
  MiniClusterOptions o;
  o.num_datanodes = datanodes;
  o.heartbeat_interval = absl::Milliseconds(300);
  o.heartbeat_recheck_interval = absl::Milliseconds(500);
  o.namenode_conf["dfs.namenode.redundancy.interval.seconds"] = "1";
  return o;
}

// Every block of `path` has exactly `n` replicas on live nodes none of which is
// `not_on` ("" for any), spread over 2 racks when n > 1.
bool BlocksHealthy(DfsClient* client, const std::string& path, int n,
                   const std::string& not_on = "") {
  absl::StatusOr<GetBlockLocationsResponse> locs = client->GetBlockLocations(path);
  if (!locs.ok()) return false;
  for (const LocatedBlock& b : locs->blocks()) {
    if (b.locations_size() != n || b.corrupt()) return false;
    std::set<std::string> racks;
    for (const DatanodeInfo& d : b.locations()) {
      if (!not_on.empty() && d.id().host() == not_on) return false;
      racks.insert(d.rack());
    }
    if (n > 1 && racks.size() < 2) return false;
  }
  return true;
}

TEST(FailureTest, DeadDatanodeIsReReplicatedAroundAndTrimmedWhenItReturns) {
  MiniCluster cluster(FastOptions(4));  // 127.0.1.1-2 on /rack1, 127.0.1.3-4 on /rack2
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
  std::string data = RandomBytes(6 << 20, 1);
  ASSERT_OK(client->WriteFile("/f", data));
  // The replicas' block reports may trail the client's close by a heartbeat.
  ASSERT_TRUE(testing::WaitFor([&] { return BlocksHealthy(client.get(), "/f", 3); },
                               absl::Seconds(30)));
  ASSERT_OK(cluster.KillDatanode(2));
  ASSERT_OK(cluster.WaitForLiveDatanodes(3));
  EXPECT_TRUE(testing::WaitFor([&] { return BlocksHealthy(client.get(), "/f", 3, "127.0.1.2"); },
                               absl::Seconds(60)))
      << "blocks were not re-replicated off the dead datanode";
  ASSERT_OK_AND_ASSIGN(std::string got, client->ReadFile("/f"));
  EXPECT_TRUE(got == data);
  // The dead node comes back with its old replicas: the extra ones are trimmed.
  ASSERT_OK(cluster.RestartDatanode(2));
  ASSERT_OK(cluster.WaitForLiveDatanodes(4));
  EXPECT_TRUE(testing::WaitFor([&] { return BlocksHealthy(client.get(), "/f", 3); },
                               absl::Seconds(60)))
      << "over-replicated blocks were not trimmed to 3";
}

TEST(FailureTest, DatanodeDyingMidWriteDoesNotFailTheWrite) {
  MiniCluster cluster(FastOptions(3));  // every datanode is in every pipeline
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
  std::string data = RandomBytes((5 << 20) + 12345, 2);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsOutputStream> out, client->Create("/mid", {}));
  size_t half = (2 << 20) + 512 * 3 + 7;  // mid-block, mid-chunk
  ASSERT_OK(out->Write(absl::string_view(data).substr(0, half)));
  ASSERT_OK(cluster.KillDatanode(2));
  ASSERT_OK(out->Write(absl::string_view(data).substr(half)));
  ASSERT_OK(out->Close());
  ASSERT_OK_AND_ASSIGN(std::string got, client->ReadFile("/mid"));
  ASSERT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
  // A fresh reader after the dead node is declared dead reads it too.
  ASSERT_OK(cluster.WaitForLiveDatanodes(2));
  ASSERT_OK_AND_ASSIGN(auto fresh, cluster.NewDfsClient());
  ASSERT_OK_AND_ASSIGN(got, fresh->ReadFile("/mid"));
  EXPECT_TRUE(got == data);
  // The returning node's replicas of the recovered block carry a stale
  // generation stamp: they are rejected, and the block is copied to it afresh.
  ASSERT_OK(cluster.RestartDatanode(2));
  ASSERT_OK(cluster.WaitForLiveDatanodes(3));
  EXPECT_TRUE(testing::WaitFor([&] { return BlocksHealthy(fresh.get(), "/mid", 3); },
                               absl::Seconds(60)));
  ASSERT_OK_AND_ASSIGN(got, fresh->ReadFile("/mid"));
  EXPECT_TRUE(got == data);
}

TEST(FailureTest, CorruptReplicaIsReplacedFromAGoodOne) {
  MiniCluster cluster(FastOptions(4));
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
  std::string data = RandomBytes(1 << 20, 3);
  ASSERT_OK(client->WriteFile("/c", data));
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, client->GetBlockLocations("/c"));
  ASSERT_EQ(locs.blocks_size(), 1);
  uint64_t id = locs.blocks(0).block().block_id();
  // Corrupt the replica on the first location, the one a reader tries first.
  std::string host = locs.blocks(0).locations(0).id().host();
  int index = host.back() - '0';
  std::string blk = absl::StrCat(cluster.datanode_data_dir(index), "/current/blk_", id);
  {
    std::fstream f(blk, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good()) << blk;
    f.seekp(1000);
    f.put('\x5a' ^ data[1000]);
  }
  // A reader on that host tries it first: it gets good bytes (from another
  // replica) and the bad one is reported.
  ASSERT_OK_AND_ASSIGN(DfsClientOptions near_options,
                       DfsClientOptions::FromConfig(cluster.ClientConfiguration()));
  near_options.client_host = host;
  ASSERT_OK_AND_ASSIGN(auto near, DfsClient::Create(near_options));
  ASSERT_OK_AND_ASSIGN(std::string got, near->ReadFile("/c"));
  EXPECT_TRUE(got == data);
  EXPECT_TRUE(testing::WaitFor([&] { return BlocksHealthy(client.get(), "/c", 3); },
                               absl::Seconds(60)));
  // The corrupt replica is deleted once a good copy replaced it.
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        std::ifstream f(blk, std::ios::binary);
        if (!f) return true;
        std::string on_disk((std::istreambuf_iterator<char>(f)), {});
        return on_disk == data;  // or the node got a fresh good copy
      },
      absl::Seconds(60)));
  ASSERT_OK_AND_ASSIGN(FsckResponse fsck, client->Fsck("/c"));
  ASSERT_EQ(fsck.files_size(), 1);
  EXPECT_FALSE(fsck.files(0).blocks(0).corrupt());
}

TEST(FailureTest, FsckSaysCorruptOnlyWhenNoGoodReplicaIsLeft) {
  MiniClusterOptions o = FastOptions(3);
  MiniCluster cluster(o);
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
  std::string data = RandomBytes(4096, 4);
  ASSERT_OK(client->WriteFile("/all_bad", data));
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, client->GetBlockLocations("/all_bad"));
  uint64_t id = locs.blocks(0).block().block_id();
  for (int i = 1; i <= 3; ++i) {
    std::fstream f(absl::StrCat(cluster.datanode_data_dir(i), "/current/blk_", id),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);
    f.put('\x01' ^ data[10]);
  }
  absl::StatusOr<std::string> got = client->ReadFile("/all_bad");
  EXPECT_FALSE(got.ok()) << "every replica is corrupt: the read must fail, not return bad bytes";
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster.WriteClientConfFile());
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        absl::StatusOr<CommandResult> r =
            RunCommand({HayloftBinary("hayloft"), "--conf", conf, "fsck", "/"});
        return r.ok() && r->exit_code == 1 &&
               r->out.find("The filesystem under path '/' is CORRUPT") != std::string::npos &&
               r->out.find("/all_bad: CORRUPT blockpool") != std::string::npos;
      },
      absl::Seconds(30)));
}

TEST(FailureTest, FsckNamesUnderReplicatedMisReplicatedAndMissingBlocks) {
  MiniClusterOptions o = FastOptions(4);  // 127.0.1.1-2 on /rack1, 127.0.1.3-4 on /rack2
  // Nothing gets repaired during this test: the report must show the damage.
  o.namenode_conf["dfs.namenode.redundancy.interval.seconds"] = "1000";
  o.namenode_conf["dfs.namenode.heartbeat.recheck-interval"] = "200";
  MiniCluster cluster(o);
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
  // Only rack1 is up while /onerack is written: its replicas break the rack rule.
  ASSERT_OK(cluster.KillDatanode(3));
  ASSERT_OK(cluster.KillDatanode(4));
  ASSERT_OK(cluster.WaitForLiveDatanodes(2));
  ASSERT_OK(client->WriteFile("/onerack", RandomBytes(5000, 13), {.replication = 2}));
  ASSERT_OK(cluster.RestartDatanode(3));
  ASSERT_OK(cluster.RestartDatanode(4));
  ASSERT_OK(cluster.WaitForLiveDatanodes(4));
  // /under is on all four; /single's only replica is on its writer's host, 127.0.1.4.
  ASSERT_OK(client->WriteFile("/under", RandomBytes(5000, 14), {.replication = 4}));
  ASSERT_OK_AND_ASSIGN(DfsClientOptions on4, DfsClientOptions::FromConfig(cluster.ClientConfiguration()));
  on4.client_host = "127.0.1.4";
  ASSERT_OK_AND_ASSIGN(auto writer4, DfsClient::Create(on4));
  ASSERT_OK(writer4->WriteFile("/single", RandomBytes(5000, 12), {.replication = 1}));
  ASSERT_OK(cluster.KillDatanode(4));
  ASSERT_OK(cluster.WaitForLiveDatanodes(3));
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster.WriteClientConfFile());
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       RunCommand({HayloftBinary("hayloft"), "--conf", conf, "fsck", "/"}));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("/under:  Under replicated BP-hayloft:blk_"));
  EXPECT_THAT(r.out, HasSubstr("Target Replicas is 4 but found 3 live replica(s)"));
  EXPECT_THAT(r.out, HasSubstr("/onerack:  Replica placement policy is violated for"));
  EXPECT_THAT(r.out, HasSubstr("/single: MISSING 1 blocks of total size 5000 B."));
  EXPECT_THAT(r.out, HasSubstr(" Missing blocks:\t\t1"));
  EXPECT_THAT(r.out, HasSubstr(" Mis-replicated blocks:\t\t1"));
  EXPECT_THAT(r.out, HasSubstr("The filesystem under path '/' is CORRUPT"));
}

TEST(FailureTest, SafeModeGuardsStartUpAndCanBeEnteredByHand) {
  MiniClusterOptions o = FastOptions(3);
  o.namenode_conf["dfs.namenode.safemode.extension"] = "3000";
  MiniCluster cluster(o);
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster.WriteClientConfFile());
  auto hayloft = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {HayloftBinary("hayloft"), "--conf", conf});
    absl::StatusOr<CommandResult> r = RunCommand(args);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : CommandResult{};
  };
  ASSERT_OK_AND_ASSIGN(
      CommandResult put,
      RunCommand({HayloftBinary("hayloft"), "--conf", conf, "fs", "-put", "-", "/before"},
                 {.stdin_data = RandomBytes(3 << 20, 9)}));
  ASSERT_EQ(put.exit_code, 0) << put.err;
  ASSERT_OK(cluster.KillNamenode());
  ASSERT_OK(cluster.RestartNamenode());
  // Until the blocks are reported (and 3 s after), nothing may change.
  CommandResult r = hayloft({"dfsadmin", "-safemode", "get"});
  EXPECT_EQ(r.out, "Safe mode is ON\n");
  r = hayloft({"fs", "-mkdir", "/x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Name node is in safe mode."));
  r = hayloft({"dfsadmin", "-safemode", "wait"});
  EXPECT_EQ(r.out, "Safe mode is OFF\n");
  EXPECT_EQ(hayloft({"fs", "-mkdir", "/x"}).exit_code, 0);
  EXPECT_EQ(hayloft({"fs", "-cat", "/before"}).exit_code, 0);
  // By hand.
  EXPECT_EQ(hayloft({"dfsadmin", "-safemode", "enter"}).out, "Safe mode is ON\n");
  r = hayloft({"fs", "-rm", "-r", "/x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("safe mode"));
  EXPECT_EQ(hayloft({"dfsadmin", "-safemode", "leave"}).out, "Safe mode is OFF\n");
  EXPECT_EQ(hayloft({"fs", "-rm", "-r", "/x"}).exit_code, 0);
}

TEST(FailureTest, LeaseOfADeadWriterIsRecoveredAtTheAgreedLength) {
  MiniClusterOptions o = FastOptions(3);
  o.namenode_conf["dfs.namenode.lease-hard-limit-sec"] = "3";
  MiniCluster cluster(o);
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster.WriteClientConfFile());
  ASSERT_OK_AND_ASSIGN(testing::TempDir tmp, testing::TempDir::Create("lease"));
  std::string fifo = tmp.path() + "/stdin";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  int fd = ::open(fifo.c_str(), O_RDWR);  // keeps the fifo open for the writer
  ASSERT_GE(fd, 0);
  ASSERT_OK_AND_ASSIGN(
      Subprocess writer,
      Subprocess::Start({HayloftBinary("hayloft"), "--conf", conf, "-D",
                         "dfs.client-write-packet-size=65536", "-D",
                         "hayloft.client.lease.renew.interval=1", "fs", "-put", "-", "/open"},
                        {.stdin_path = fifo, .kill_when_parent_exits = true}));
  // 2.5 blocks: the first two blocks are complete and committed; the third is
  // half written when the writer dies.
  std::string data = RandomBytes((5 << 20) / 2, 5);
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        absl::StatusOr<GetBlockLocationsResponse> l =
            client->GetBlockLocations("/open._COPYING_");
        return l.ok() && l->blocks_size() >= 2;
      },
      absl::Seconds(30)));
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_OK(writer.Signal(SIGKILL));
  ASSERT_OK(writer.Wait(absl::Seconds(10)).status());
  ::close(fd);
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        absl::StatusOr<FileStatus> st = client->GetFileInfo("/open._COPYING_");
        return st.ok() && !st->under_construction();
      },
      absl::Seconds(60)))
      << "the file of the dead writer was not recovered and closed";
  ASSERT_OK_AND_ASSIGN(std::string got, client->ReadFile("/open._COPYING_"));
  EXPECT_GE(got.size(), 2u << 20) << "complete blocks must survive";
  EXPECT_LE(got.size(), data.size());
  EXPECT_TRUE(got == data.substr(0, got.size())) << "recovered bytes must be a prefix";
  // The recovered file is an ordinary closed file: it can be deleted, rewritten.
  ASSERT_OK(client->WriteFile("/open._COPYING_", "new", {.overwrite = true}));
}

TEST(FailureTest, AppendContinuesThePartialLastBlockAndSurvivesADatanodeDeath) {
  MiniCluster cluster(FastOptions(3));
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
  std::string data = RandomBytes((1 << 20) + 1000, 10);  // a full block + 1000 bytes
  ASSERT_OK(client->WriteFile("/app", data));
  std::string more = RandomBytes((2 << 20) + 77, 11);
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsOutputStream> out, client->Append("/app"));
    ASSERT_OK(out->Write(absl::string_view(more).substr(0, 500000)));
    ASSERT_OK(cluster.KillDatanode(3));
    ASSERT_OK(out->Write(absl::string_view(more).substr(500000)));
    ASSERT_OK(out->Close());
  }
  ASSERT_OK_AND_ASSIGN(std::string got, client->ReadFile("/app"));
  ASSERT_EQ(got.size(), data.size() + more.size());
  EXPECT_TRUE(got == data + more);
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, client->GetBlockLocations("/app"));
  EXPECT_EQ(locs.blocks_size(), 4) << "the partial block was continued, not left short";
  // Another writer cannot append while the file is open.
  ASSERT_OK_AND_ASSIGN(auto w1, client->Append("/app"));
  ASSERT_OK_AND_ASSIGN(auto other, cluster.NewDfsClient());
  EXPECT_THAT(other->Append("/app").status(),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("lease is currently owned")));
  ASSERT_OK(w1->Close());
  // And the shell's -appendToFile, from stdin, onto a new and an existing file.
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster.WriteClientConfFile());
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(CommandResult r,
                         RunCommand({HayloftBinary("hayloft"), "--conf", conf, "fs",
                                     "-appendToFile", "-", "/log"},
                                    {.stdin_data = absl::StrCat("line ", i, "\n")}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_OK_AND_ASSIGN(got, client->ReadFile("/log"));
  EXPECT_EQ(got, "line 0\nline 1\n");
}

TEST(FailureTest, DecommissionCopiesBlocksOffTheHostFirst) {
  MiniClusterOptions o = FastOptions(4);
  ASSERT_OK_AND_ASSIGN(testing::TempDir tmp, testing::TempDir::Create("decom"));
  std::string exclude = tmp.path() + "/exclude";
  std::ofstream(exclude) << "";
  o.namenode_conf["dfs.hosts.exclude"] = exclude;
  MiniCluster cluster(o);
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
  std::string data = RandomBytes(5 << 20, 6);
  ASSERT_OK(client->WriteFile("/d", data));
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster.WriteClientConfFile());
  std::ofstream(exclude) << "127.0.1.1\n";
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunCommand({HayloftBinary("hayloft"), "--conf", conf,
                                                    "dfsadmin", "-refreshNodes"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Refresh nodes successful\n");
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        absl::StatusOr<CommandResult> rep =
            RunCommand({HayloftBinary("hayloft"), "--conf", conf, "dfsadmin", "-report"});
        if (!rep.ok()) return false;
        size_t at = rep->out.find("Name: 127.0.1.1:");
        return at != std::string::npos &&
               rep->out.find("Decommission Status : Decommissioned", at) != std::string::npos;
      },
      absl::Seconds(60)));
  // Every block now has 3 replicas off the decommissioned host.
  std::set<std::string> elsewhere;
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, client->GetBlockLocations("/d"));
  for (const LocatedBlock& b : locs.blocks()) {
    int others = 0;
    for (const DatanodeInfo& d : b.locations()) others += d.id().host() != "127.0.1.1";
    EXPECT_GE(others, 3);
  }
  // New blocks avoid it, and the host can go away without losing anything.
  ASSERT_OK(client->WriteFile("/after", RandomBytes(2 << 20, 7)));
  ASSERT_OK_AND_ASSIGN(locs, client->GetBlockLocations("/after"));
  for (const LocatedBlock& b : locs.blocks()) {
    for (const DatanodeInfo& d : b.locations()) EXPECT_NE(d.id().host(), "127.0.1.1");
  }
  ASSERT_OK(cluster.KillDatanode(1));
  ASSERT_OK_AND_ASSIGN(std::string got, client->ReadFile("/d"));
  EXPECT_TRUE(got == data);
}

}  // namespace
}  // namespace hayloft
