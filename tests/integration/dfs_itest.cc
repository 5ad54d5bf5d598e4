// The DFS on a real cluster of separate processes: byte-exact round trips, rack
// placement, and surviving kill -9 of the namenode and of a datanode.
#include <sys/stat.h>

#include <fstream>
#include <map>
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

namespace hayloft {
namespace {

using ::hayloft::testing::RandomBytes;

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::HayloftBinary;
using ::hayloft::testing::MiniCluster;
using ::hayloft::testing::RunCommand;
using ::testing::HasSubstr;

// Sizes the issue names: empty, one byte, several blocks, many blocks (1 MiB
// blocks), plus a size that ends mid-chunk.
const std::map<std::string, size_t>& TestFiles() {
  static const auto* files = new std::map<std::string, size_t>{
      {"/data/empty", 0},
      {"/data/one", 1},
      {"/data/five_mib", 5 << 20},
      {"/data/forty_mib", 40 << 20},
      {"/data/odd", (3 << 20) + 777},
  };
  return *files;
}

class DfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(cluster_.Start());
    ASSERT_OK_AND_ASSIGN(client_, cluster_.NewDfsClient());
  }

  void WriteAll() {
    uint32_t seed = 1;
    for (const auto& [path, size] : TestFiles()) {
      contents_[path] = RandomBytes(size, seed++);
      ASSERT_OK(client_->WriteFile(path, contents_[path])) << path;
    }
  }

  void ExpectAllReadBack(DfsClient* client) {
    for (const auto& [path, data] : contents_) {
      absl::StatusOr<std::string> got = client->ReadFile(path);
      ASSERT_TRUE(got.ok()) << path << ": " << got.status();
      ASSERT_EQ(got->size(), data.size()) << path;
      EXPECT_TRUE(*got == data) << path << " differs";
    }
  }

  MiniCluster cluster_;
  std::unique_ptr<DfsClient> client_;
  std::map<std::string, std::string> contents_;
};

TEST_F(DfsTest, PutGetIsByteExactForEverySize) {
  WriteAll();
  ExpectAllReadBack(client_.get());
  ASSERT_OK_AND_ASSIGN(FileStatus st, client_->GetFileInfo("/data/forty_mib"));
  EXPECT_EQ(st.length(), 40u << 20);
  EXPECT_EQ(st.block_size(), 1u << 20);
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, client_->GetBlockLocations("/data/forty_mib"));
  EXPECT_EQ(locs.blocks_size(), 40);
}

TEST_F(DfsTest, SeekAndPartialReadsReturnTheRightBytes) {
  std::string data = RandomBytes((2 << 20) + 100, 42);
  ASSERT_OK(client_->WriteFile("/seek", data));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsInputStream> in, client_->Open("/seek"));
  for (uint64_t off : {uint64_t{0}, uint64_t{511}, uint64_t{1 << 20}, uint64_t{(1 << 20) - 3},
                       uint64_t{(2 << 20) + 99}}) {
    ASSERT_OK(in->Seek(off));
    char buf[7];
    ASSERT_OK_AND_ASSIGN(size_t n, in->Read(buf, sizeof(buf)));
    ASSERT_GT(n, 0u);
    EXPECT_EQ(std::string(buf, n), data.substr(off, n)) << "offset " << off;
  }
}

// ReadView hands out views into the stream's one packet buffer, which every
// packet and every block reuses. 3 MiB blocks hold three 1 MiB packets, so odd-sized
// views cross packet and block boundaries; each view must still hold the right
// bytes when it is returned, also the last one of a block (whose reader is closed).
TEST_F(DfsTest, ReadViewsAcrossPacketsAndBlocksReturnTheRightBytes) {
  std::string data = RandomBytes((7 << 20) + 1234, 7);
  CreateOptions options;
  options.block_size = 3 << 20;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsOutputStream> out,
                       client_->Create("/views", options));
  ASSERT_OK(out->Write(data));
  ASSERT_OK(out->Close());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsInputStream> in, client_->Open("/views"));
  std::string got;
  size_t sizes[] = {333333, 1 << 20, 4096, 777777, 1};
  for (int i = 0;; ++i) {
    uint64_t at = got.size();
    ASSERT_OK_AND_ASSIGN(absl::string_view view, in->ReadView(sizes[i % 5]));
    if (view.empty()) break;
    ASSERT_LE(view.size(), sizes[i % 5]);
    ASSERT_TRUE(view == absl::string_view(data).substr(at, view.size())) << "at " << at;
    got.append(view.data(), view.size());
  }
  EXPECT_EQ(got.size(), data.size());
  // Positional reads mixed with copies: each starts a new reader in the middle of
  // a packet, and a view that ends a block is read after that block's reader closed.
  for (uint64_t off : {uint64_t{(3 << 20) - 10}, uint64_t{(1 << 20) + 5}, uint64_t{6 << 20},
                       uint64_t{(4 << 20) - 1}, uint64_t{data.size() - 3}, uint64_t{0}}) {
    ASSERT_OK(in->Seek(off));
    ASSERT_OK_AND_ASSIGN(absl::string_view view, in->ReadView(5 << 20));
    ASSERT_FALSE(view.empty()) << off;
    EXPECT_TRUE(view == absl::string_view(data).substr(off, view.size())) << "offset " << off;
    char buf[100];
    ASSERT_OK_AND_ASSIGN(size_t n, in->Read(buf, sizeof(buf)));
    uint64_t next = off + view.size();
    EXPECT_EQ(std::string(buf, n), data.substr(next, n)) << "offset " << next;
  }
}

TEST_F(DfsTest, EveryBlockHasThreeReplicasOnTwoRacks) {
  WriteAll();
  ASSERT_OK_AND_ASSIGN(FsckResponse fsck, client_->Fsck("/"));
  int blocks = 0;
  for (const FsckFile& f : fsck.files()) {
    for (const LocatedBlock& b : f.blocks()) {
      ++blocks;
      EXPECT_EQ(b.locations_size(), 3) << f.status().path();
      std::set<std::string> racks, hosts;
      for (const DatanodeInfo& d : b.locations()) {
        racks.insert(d.rack());
        hosts.insert(d.id().host());
      }
      EXPECT_EQ(racks, (std::set<std::string>{"/rack1", "/rack2"})) << f.status().path();
      EXPECT_EQ(hosts.size(), 3u);
    }
  }
  EXPECT_EQ(blocks, 1 + 5 + 40 + 4);
  // And the user-facing report says the same.
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster_.WriteClientConfFile());
  ASSERT_OK_AND_ASSIGN(CommandResult r, RunCommand({HayloftBinary("hayloft"), "--conf", conf,
                                                    "fsck", "/", "-files", "-blocks", "-racks"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("The filesystem under path '/' is HEALTHY"));
  EXPECT_THAT(r.out, HasSubstr("/data/forty_mib 41943040 bytes, replicated: replication=3, "
                               "40 block(s):  OK"));
  EXPECT_THAT(r.out, HasSubstr(" Number of racks:\t\t2"));
  EXPECT_THAT(r.out, HasSubstr(" Under-replicated blocks:\t0 (0.0 %)"));
  int block_lines = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" Live_repl=") == std::string::npos) continue;
    ++block_lines;
    EXPECT_THAT(line, HasSubstr("Live_repl=3  ["));
    EXPECT_THAT(line, HasSubstr("/rack1/127.0.1."));
    EXPECT_THAT(line, HasSubstr("/rack2/127.0.1.3:"));
  }
  EXPECT_EQ(block_lines, blocks);
}

TEST_F(DfsTest, NamenodeKilledAndRestartedKeepsEveryFile) {
  WriteAll();
  ASSERT_OK(client_->Mkdirs("/dirs/a/b", true));
  ASSERT_OK(client_->Rename("/data/one", "/dirs/a/one"));
  contents_["/dirs/a/one"] = contents_["/data/one"];
  contents_.erase("/data/one");
  ASSERT_OK(cluster_.KillNamenode());
  ASSERT_OK(cluster_.RestartNamenode());
  ASSERT_OK(cluster_.WaitForLiveDatanodes(3));
  ASSERT_OK(cluster_.WaitForSafeModeOff());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsClient> fresh, cluster_.NewDfsClient());
  ExpectAllReadBack(fresh.get());
  EXPECT_OK(fresh->GetFileInfo("/dirs/a/b").status());
  EXPECT_THAT(fresh->GetFileInfo("/data/one").status(),
              testing::StatusIs(absl::StatusCode::kNotFound));
  // New writes after the restart get fresh block ids and work.
  ASSERT_OK(fresh->WriteFile("/after", "after restart"));
  ASSERT_OK_AND_ASSIGN(std::string after, fresh->ReadFile("/after"));
  EXPECT_EQ(after, "after restart");
}

TEST_F(DfsTest, DatanodeKilledEveryFileStillReadsByteExact) {
  WriteAll();
  ASSERT_OK(cluster_.KillDatanode(1));
  // Immediately, before the namenode notices: readers fail over.
  ExpectAllReadBack(client_.get());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsClient> fresh, cluster_.NewDfsClient());
  ExpectAllReadBack(fresh.get());
}

TEST_F(DfsTest, WriteSucceedsWhileADatanodeIsDownButNotYetDeclaredDead) {
  ASSERT_OK(cluster_.KillDatanode(3));
  // The namenode still lists it; the client excludes it after a failed set-up.
  std::string data = RandomBytes(4 << 20, 7);
  ASSERT_OK(client_->WriteFile("/while_down", data));
  ASSERT_OK_AND_ASSIGN(std::string got, client_->ReadFile("/while_down"));
  EXPECT_TRUE(got == data);
}

TEST_F(DfsTest, DeletedFilesReplicasAreRemovedFromDatanodes) {
  std::string data = RandomBytes(3 << 20, 9);
  ASSERT_OK(client_->WriteFile("/doomed", data));
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, client_->GetBlockLocations("/doomed"));
  ASSERT_EQ(locs.blocks_size(), 3);
  uint64_t block_id = locs.blocks(0).block().block_id();
  auto replica_files = [&] {
    int n = 0;
    for (int i = 1; i <= 3; ++i) {
      struct stat sb;
      std::string p = absl::StrCat(cluster_.datanode_data_dir(i), "/current/blk_", block_id);
      n += ::stat(p.c_str(), &sb) == 0 ? 1 : 0;
    }
    return n;
  };
  EXPECT_EQ(replica_files(), 3);
  ASSERT_OK_AND_ASSIGN(bool deleted, client_->Delete("/doomed", false));
  EXPECT_TRUE(deleted);
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (replica_files() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(replica_files(), 0);
}

TEST(DfsFailureTest, UnreachableNamenodeFailsFastWithAClearMessage) {
  // Nothing listens on this port (bind and release it).
  absl::Time start = absl::Now();
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       RunCommand({HayloftBinary("hayloft"), "-D", "fs.defaultFS=hdfs://127.0.0.1:1",
                                   "fs", "-ls", "/"}));
  absl::Duration took = absl::Now() - start;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("ls: Call to namenode 127.0.0.1:1 failed"));
  EXPECT_THAT(r.err, HasSubstr("Is the namenode running?"));
  EXPECT_LT(took, absl::Seconds(8));
}

TEST(DfsFailureTest, DatanodeRefusesADataDirItCannotWrite) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("bad_data_dir"));
  std::string file = dir.path() + "/plain_file";
  std::ofstream(file) << "not a directory";
  absl::Time start = absl::Now();
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      RunCommand({HayloftBinary("hayloft-datanode"), "-D", "dfs.datanode.address=127.0.1.1:0",
                  "-D", "dfs.datanode.data.dir=" + file + "/data", "-D",
                  "fs.defaultFS=127.0.0.1:1"},
                 {.timeout = absl::Seconds(20)}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr(file + "/data"));
  EXPECT_THAT(r.err, HasSubstr("dfs.datanode.data.dir"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST(DfsFailureTest, NamenodeRefusesAPortInUse) {
  MiniCluster cluster({.num_datanodes = 1, .num_racks = 1, .replication = 1});
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("second_nn"));
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      RunCommand({HayloftBinary("hayloft-namenode"), "-D",
                  "dfs.namenode.rpc-address=" + cluster.namenode_address(), "-D",
                  "dfs.namenode.name.dir=" + dir.path() + "/name"},
                 {.timeout = absl::Seconds(20)}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot listen on " + cluster.namenode_address()));
}

}  // namespace
}  // namespace hayloft
