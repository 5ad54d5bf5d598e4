// Namespace operations and their errors, on a real LevelDB store in a temp dir.
#include "namenode/namesystem.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

using ::hayloft::testing::StatusIs;
using ::testing::HasSubstr;

class NamesystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(dir_, testing::TempDir::Create("namesystem_test"));
    options_.name_dir = dir_->path() + "/name";
    options_.superuser = "hdfs";
    options_.min_block_size = 512;
    options_.safemode_extension = absl::ZeroDuration();
    options_.replication_interval = absl::Seconds(1);
    Reopen();
    // The tests write as alice into the root, which "hdfs" owns (0755): open it
    // up as its owner would (permissions themselves: namesystem_permissions_test).
    SetPermissionRequest open_root;
    open_root.set_path("/");
    open_root.set_permission(0777);
    ASSERT_OK(ns_->SetPermission(open_root));
  }

  void Reopen() {
    ns_.reset();
    auto ns = Namesystem::Open(options_, Topology());
    ASSERT_TRUE(ns.ok()) << ns.status();
    ns_ = std::move(*ns);
  }

  absl::Status Mkdirs(const std::string& p, bool parents = true) {
    MkdirsRequest r;
    r.mutable_header()->set_user("alice");
    r.set_path(p);
    r.set_create_parent(parents);
    return ns_->Mkdirs(r);
  }
  absl::StatusOr<CreateResponse> Create(const std::string& p, bool overwrite = false,
                                        const std::string& client = "c1",
                                        uint32_t repl = 0, uint64_t bs = 0) {
    CreateRequest r;
    r.mutable_header()->set_user("alice");
    r.set_path(p);
    r.set_client_name(client);
    r.set_overwrite(overwrite);
    r.set_create_parent(true);
    r.set_replication(repl);
    r.set_block_size(bs);
    return ns_->Create(r);
  }
  absl::StatusOr<CompleteResponse> Complete(const std::string& p, const std::string& client = "c1") {
    CompleteRequest r;
    r.set_path(p);
    r.set_client_name(client);
    return ns_->Complete(r);
  }
  absl::StatusOr<FileStatus> Stat(const std::string& p) {
    GetFileInfoRequest r;
    r.set_path(p);
    auto resp = ns_->GetFileInfo(r);
    if (!resp.ok()) return resp.status();
    if (!resp->exists()) return absl::NotFoundError(p);
    return resp->status();
  }
  absl::Status Rename(const std::string& a, const std::string& b) {
    RenameRequest r;
    r.set_src(a);
    r.set_dst(b);
    return ns_->Rename(r);
  }
  absl::StatusOr<DeleteResponse> Delete(const std::string& p, bool recursive) {
    DeleteRequest r;
    r.set_path(p);
    r.set_recursive(recursive);
    return ns_->Delete(r);
  }

  std::optional<testing::TempDir> dir_;
  NamenodeOptions options_;
  std::unique_ptr<Namesystem> ns_;
};

TEST_F(NamesystemTest, MkdirsCreatesParentsWithOwnerAndUmask) {
  ASSERT_OK(Mkdirs("/a/b/c"));
  ASSERT_OK_AND_ASSIGN(FileStatus st, Stat("/a/b"));
  EXPECT_TRUE(st.is_dir());
  EXPECT_EQ(st.owner(), "alice");
  EXPECT_EQ(st.group(), "supergroup");
  EXPECT_EQ(st.permission(), 0755u);
  ASSERT_OK(Mkdirs("/a/b/c"));  // idempotent
}

// What the RPC handlers rely on: inside a CommitDeferral a mutation returns with
// its edit queued, and WhenDurable reports when it is on disk; outside one the
// call itself waits.
TEST_F(NamesystemTest, DeferredCommitIsReportedWhenDurable) {
  uint64_t seq = 0;
  {
    CommitDeferral deferral;
    ASSERT_OK(Mkdirs("/deferred"));
    seq = deferral.seq();
  }
  ASSERT_GT(seq, 0u);
  absl::Notification durable;
  ns_->WhenDurable(seq, [&](absl::Status s) {
    EXPECT_OK(s);
    durable.Notify();
  });
  ASSERT_TRUE(durable.WaitForNotificationWithTimeout(absl::Seconds(30)));
  {
    CommitDeferral nothing_changed;
    ASSERT_OK(Stat("/deferred").status());
    EXPECT_EQ(nothing_changed.seq(), 0u);  // reads defer nothing
  }
  Reopen();
  ASSERT_OK_AND_ASSIGN(FileStatus st, Stat("/deferred"));
  EXPECT_TRUE(st.is_dir());
}

TEST_F(NamesystemTest, MkdirsWithoutParentsNeedsTheParent) {
  EXPECT_THAT(Mkdirs("/x/y", false), StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK(Mkdirs("/x", false));
  ASSERT_OK(Mkdirs("/x/y", false));
}

TEST_F(NamesystemTest, MkdirsOverAFileFails) {
  ASSERT_OK(Create("/f").status());
  EXPECT_THAT(Mkdirs("/f"), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(Mkdirs("/f/sub"), StatusIs(absl::StatusCode::kFailedPrecondition,
                                         HasSubstr("not a directory")));
}

TEST_F(NamesystemTest, CreateRefusesExistingFileWithoutOverwrite) {
  ASSERT_OK(Create("/f").status());
  ASSERT_OK_AND_ASSIGN(CompleteResponse c, Complete("/f"));
  EXPECT_TRUE(c.complete());
  EXPECT_THAT(Create("/f", false, "c2").status(), StatusIs(absl::StatusCode::kAlreadyExists));
  ASSERT_OK(Create("/f", true, "c2").status());
  ASSERT_OK_AND_ASSIGN(FileStatus st, Stat("/f"));
  EXPECT_TRUE(st.under_construction());
  EXPECT_EQ(st.permission(), 0644u);
}

TEST_F(NamesystemTest, OneWriterPerFile) {
  ASSERT_OK(Create("/f", false, "writer1").status());
  EXPECT_THAT(Create("/f", true, "writer2").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("writer1")));
  EXPECT_THAT(Complete("/f", "writer2").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("No lease")));
  ASSERT_OK(Complete("/f", "writer1").status());
}

TEST_F(NamesystemTest, CreateOverADirectoryFails) {
  ASSERT_OK(Mkdirs("/d"));
  EXPECT_THAT(Create("/d", true).status(), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(Create("/", true).status(), StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(NamesystemTest, BadReplicationAndBlockSizeAreInvalidArgument) {
  options_.min_block_size = 1 << 20;
  Reopen();
  EXPECT_THAT(Create("/r0", false, "c", 0, 1 << 20).status(), ::testing::Not(StatusIs(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(Create("/r1", false, "c", 600).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exceeds maximum of 512")));
  EXPECT_THAT(Create("/b1", false, "c", 3, 1024).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("less than configured minimum")));
  EXPECT_THAT(Create("/b2", false, "c", 3, (1ull << 20) + 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("multiple of 512")));
  EXPECT_THAT(Create("/b3", false, "c", 3, 1ull << 50).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(NamesystemTest, BadPathsAreInvalidArgument) {
  for (const char* bad : {"relative", "/a/../b", "/a//b", "/a/", "/a:b"}) {
    EXPECT_THAT(Mkdirs(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_THAT(Create(bad).status(), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
}

TEST_F(NamesystemTest, RenameMovesIntoExistingDirectory) {
  ASSERT_OK(Mkdirs("/src/inner"));
  ASSERT_OK(Mkdirs("/dst"));
  ASSERT_OK(Rename("/src", "/dst"));
  EXPECT_OK(Stat("/dst/src/inner").status());
  EXPECT_THAT(Stat("/src").status(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(NamesystemTest, RenameErrors) {
  ASSERT_OK(Mkdirs("/a/b"));
  ASSERT_OK(Create("/f").status());
  ASSERT_OK(Create("/g", false, "c2").status());
  EXPECT_THAT(Rename("/a", "/a/b"), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("under source")));
  EXPECT_THAT(Rename("/missing", "/x"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Rename("/f", "/g"), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(Rename("/f", "/nodir/f"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Rename("/", "/x"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(NamesystemTest, DeleteNonEmptyDirectoryNeedsRecursive) {
  ASSERT_OK(Mkdirs("/d/e"));
  EXPECT_THAT(Delete("/d", false).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is non empty")));
  ASSERT_OK_AND_ASSIGN(DeleteResponse r, Delete("/d", true));
  EXPECT_TRUE(r.deleted());
  ASSERT_OK_AND_ASSIGN(r, Delete("/d", true));
  EXPECT_FALSE(r.deleted());
  EXPECT_THAT(Delete("/", true).status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(NamesystemTest, ListStatusPagesThroughLargeDirectories) {
  ASSERT_OK(Mkdirs("/big"));
  for (int i = 0; i < 25; ++i) ASSERT_OK(Mkdirs(absl::StrCat("/big/d", 100 + i)));
  ListStatusRequest r;
  r.set_path("/big");
  r.set_limit(10);
  std::vector<std::string> names;
  while (true) {
    ASSERT_OK_AND_ASSIGN(ListStatusResponse page, ns_->ListStatus(r));
    for (const FileStatus& s : page.entries()) names.push_back(s.path());
    if (page.remaining() == 0) break;
    r.set_start_after(names.back());
  }
  ASSERT_EQ(names.size(), 25u);
  EXPECT_EQ(names.front(), "d100");
  EXPECT_EQ(names.back(), "d124");
  r.set_path("/nope");
  EXPECT_THAT(ns_->ListStatus(r).status(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(NamesystemTest, SetReplicationValidatesAndApplies) {
  ASSERT_OK(Create("/f").status());
  SetReplicationRequest r;
  r.set_path("/f");
  r.set_replication(0);
  EXPECT_THAT(ns_->SetReplication(r), StatusIs(absl::StatusCode::kInvalidArgument));
  r.set_replication(2);
  ASSERT_OK(ns_->SetReplication(r));
  ASSERT_OK_AND_ASSIGN(FileStatus st, Stat("/f"));
  EXPECT_EQ(st.replication(), 2u);
  r.set_path("/missing");
  EXPECT_THAT(ns_->SetReplication(r), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(NamesystemTest, EverythingAcknowledgedSurvivesAReopen) {
  ASSERT_OK(Mkdirs("/keep/sub"));
  ASSERT_OK(Create("/keep/file").status());
  ASSERT_OK(Complete("/keep/file").status());
  ASSERT_OK(Mkdirs("/moved"));
  ASSERT_OK(Rename("/moved", "/keep/sub/renamed"));
  ASSERT_OK(Mkdirs("/gone"));
  ASSERT_OK(Delete("/gone", true).status());
  Reopen();
  EXPECT_OK(Stat("/keep/file").status());
  EXPECT_OK(Stat("/keep/sub/renamed").status());
  EXPECT_THAT(Stat("/moved").status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Stat("/gone").status(), StatusIs(absl::StatusCode::kNotFound));
  // New inodes after a reopen do not reuse ids.
  ASSERT_OK(Mkdirs("/after"));
  ASSERT_OK_AND_ASSIGN(FileStatus a, Stat("/after"));
  ASSERT_OK_AND_ASSIGN(FileStatus k, Stat("/keep/sub/renamed"));
  EXPECT_GT(a.inode_id(), k.inode_id());
}

TEST_F(NamesystemTest, ContentSummaryCountsFilesAndDirectories) {
  ASSERT_OK(Mkdirs("/s/a"));
  ASSERT_OK(Create("/s/a/f1").status());
  ASSERT_OK(Create("/s/f2", false, "c2").status());
  GetContentSummaryRequest r;
  r.set_path("/s");
  ASSERT_OK_AND_ASSIGN(GetContentSummaryResponse cs, ns_->GetContentSummary(r));
  EXPECT_EQ(cs.file_count(), 2u);
  EXPECT_EQ(cs.directory_count(), 2u);
}

// A file with one block whose replica lives on datanode `uuid` (registered here).
class NamesystemBlocksTest : public NamesystemTest {
 protected:
  void Register(const std::string& uuid, const std::string& host) {
    RegisterDatanodeRequest r;
    r.mutable_id()->set_uuid(uuid);
    r.mutable_id()->set_host(host);
    r.mutable_id()->set_rpc_port(9866);
    r.set_capacity_bytes(1ll << 40);
    r.set_remaining_bytes(1ll << 40);
    ns_->RegisterDatanode(r);
    HeartbeatRequest hb;
    hb.set_uuid(uuid);
    hb.set_capacity_bytes(1ll << 40);
    hb.set_remaining_bytes(1ll << 40);
    ASSERT_OK(ns_->Heartbeat(hb).status());
  }
  // Writes `path` with one 1000-byte block reported by every node in `on`.
  Block WriteOneBlockFile(const std::vector<std::string>& on, const std::string& path = "/f",
                          uint32_t replication = 0) {
    if (replication == 0) replication = static_cast<uint32_t>(on.size());
    EXPECT_OK(Create(path, false, "w", replication).status());
    AddBlockRequest add;
    add.set_path(path);
    add.set_client_name("w");
    absl::StatusOr<AddBlockResponse> b = ns_->AddBlock(add);
    EXPECT_OK(b.status());
    Block block = b->block().block();
    block.set_num_bytes(1000);
    for (const std::string& uuid : on) {
      IncrementalBlockReportRequest ibr;
      ibr.set_uuid(uuid);
      ReplicaReport* rr = ibr.add_received();
      rr->set_block_id(block.block_id());
      rr->set_generation_stamp(block.generation_stamp());
      rr->set_num_bytes(1000);
      EXPECT_OK(ns_->IncrementalBlockReport(ibr));
    }
    CompleteRequest c;
    c.set_path(path);
    c.set_client_name("w");
    *c.mutable_last() = block;
    absl::StatusOr<CompleteResponse> done = ns_->Complete(c);
    EXPECT_TRUE(done.ok() && done->complete());
    return block;
  }
  void FullReport(const std::string& uuid, const Block& b) {
    BlockReportRequest br;
    br.set_uuid(uuid);
    ReplicaReport* rr = br.add_replicas();
    rr->set_block_id(b.block_id());
    rr->set_generation_stamp(b.generation_stamp());
    rr->set_num_bytes(b.num_bytes());
    ASSERT_OK(ns_->BlockReport(br).status());
  }
};

TEST_F(NamesystemBlocksTest, SafeModeRefusesChangesUntilBlocksAreReported) {
  Register("dn1", "127.0.1.1");
  Block b = WriteOneBlockFile({"dn1"});
  EXPECT_FALSE(ns_->in_safe_mode());
  Reopen();
  EXPECT_TRUE(ns_->in_safe_mode()) << "a restarted namenode waits for its block";
  EXPECT_THAT(Mkdirs("/new"), StatusIs(absl::StatusCode::kFailedPrecondition,
                                       HasSubstr("Name node is in safe mode.")));
  SetSafeModeRequest get;
  EXPECT_THAT(ns_->SetSafeMode(get)->status(), HasSubstr("needs additional 1 blocks"));
  Register("dn1", "127.0.1.1");
  FullReport("dn1", b);
  EXPECT_FALSE(ns_->in_safe_mode());
  EXPECT_OK(Mkdirs("/new"));
}

TEST_F(NamesystemBlocksTest, SafeModeCanBeEnteredAndLeftByHand) {
  SetSafeModeRequest r;
  r.set_action(SetSafeModeRequest::ENTER);
  EXPECT_TRUE(ns_->SetSafeMode(r)->safe_mode());
  EXPECT_THAT(Mkdirs("/x"), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(Delete("/", true).status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  r.set_action(SetSafeModeRequest::LEAVE);
  EXPECT_FALSE(ns_->SetSafeMode(r)->safe_mode());
  EXPECT_OK(Mkdirs("/x"));
}

TEST_F(NamesystemBlocksTest, CorruptReplicaIsNotLocatedAndIsReplicatedAround) {
  for (int i = 1; i <= 4; ++i) Register(absl::StrCat("dn", i), absl::StrCat("127.0.1.", i));
  Block b = WriteOneBlockFile({"dn1", "dn2"});
  ReportBadBlocksRequest bad;
  bad.set_uuid("dn1");
  *bad.add_blocks() = b;
  ASSERT_OK(ns_->ReportBadBlocks(bad));
  GetBlockLocationsRequest loc;
  loc.set_path("/f");
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, ns_->GetBlockLocations(loc));
  ASSERT_EQ(locs.blocks(0).locations_size(), 1);
  EXPECT_EQ(locs.blocks(0).locations(0).id().uuid(), "dn2");
  EXPECT_FALSE(locs.blocks(0).corrupt());
  // The monitor asks the good replica's node to copy it to a node without one.
  ns_->RunMonitorOnce();
  HeartbeatRequest hb;
  hb.set_uuid("dn2");
  ASSERT_OK_AND_ASSIGN(HeartbeatResponse resp, ns_->Heartbeat(hb));
  ASSERT_EQ(resp.commands_size(), 1);
  EXPECT_EQ(resp.commands(0).type(), DatanodeCommand::REPLICATE_BLOCKS);
  for (const DatanodeInfo& t : resp.commands(0).targets()) {
    EXPECT_NE(t.id().uuid(), "dn1") << "never copy onto the node with the corrupt replica";
    EXPECT_NE(t.id().uuid(), "dn2");
  }
}

TEST_F(NamesystemBlocksTest, AllReplicasCorruptMeansACorruptBlock) {
  Register("dn1", "127.0.1.1");
  Block b = WriteOneBlockFile({"dn1"});
  ReportBadBlocksRequest bad;
  bad.set_uuid("dn1");
  *bad.add_blocks() = b;
  ASSERT_OK(ns_->ReportBadBlocks(bad));
  GetBlockLocationsRequest loc;
  loc.set_path("/f");
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, ns_->GetBlockLocations(loc));
  EXPECT_TRUE(locs.blocks(0).corrupt());
  EXPECT_EQ(ns_->GetFsStats().corrupt_blocks(), 1);
}

TEST_F(NamesystemBlocksTest, StaleGenerationStampReplicaIsDeleted) {
  Register("dn1", "127.0.1.1");
  Register("dn2", "127.0.1.2");
  Block b = WriteOneBlockFile({"dn1"});
  Block stale = b;
  stale.set_generation_stamp(b.generation_stamp() - 1);
  FullReport("dn2", stale);
  HeartbeatRequest hb;
  hb.set_uuid("dn2");
  ASSERT_OK_AND_ASSIGN(HeartbeatResponse resp, ns_->Heartbeat(hb));
  ASSERT_GE(resp.commands_size(), 1);
  EXPECT_EQ(resp.commands(0).type(), DatanodeCommand::DELETE_BLOCKS);
  EXPECT_EQ(resp.commands(0).blocks(0).generation_stamp(), stale.generation_stamp());
}

TEST_F(NamesystemBlocksTest, BlocksWithFewestLiveReplicasAreReplicatedFirst) {
  for (int i = 1; i <= 4; ++i) Register(absl::StrCat("dn", i), absl::StrCat("127.0.1.", i));
  // Four blocks with two live replicas (dn1, dn2) and one with a single one (dn1),
  // all wanting 3. Each source node takes 2 copies a round: 4 of 5 fit.
  std::vector<Block> two;
  for (int i = 0; i < 4; ++i) {
    two.push_back(WriteOneBlockFile({"dn1", "dn2"}, absl::StrCat("/two", i), 3));
  }
  Block one = WriteOneBlockFile({"dn1"}, "/one", 3);
  ns_->RunMonitorOnce();
  std::set<uint64_t> scheduled;
  for (const char* uuid : {"dn1", "dn2"}) {
    HeartbeatRequest hb;
    hb.set_uuid(uuid);
    ASSERT_OK_AND_ASSIGN(HeartbeatResponse resp, ns_->Heartbeat(hb));
    for (const DatanodeCommand& c : resp.commands()) {
      if (c.type() == DatanodeCommand::REPLICATE_BLOCKS) scheduled.insert(c.blocks(0).block_id());
    }
  }
  EXPECT_EQ(scheduled.size(), 4u);
  EXPECT_TRUE(scheduled.count(one.block_id())) << "the block with one replica left goes first";
}

TEST_F(NamesystemBlocksTest, SummaryCountsDatanodesBlocksAndSafeMode) {
  Register("dn1", "127.0.1.1");
  Register("dn2", "127.0.1.2");
  WriteOneBlockFile({"dn1"}, "/under", 2);
  WriteOneBlockFile({"dn1", "dn2"}, "/fine", 2);
  NamesystemSummary s = ns_->GetSummary();
  EXPECT_EQ(s.live_datanodes, 2);
  EXPECT_EQ(s.dead_datanodes, 0);
  EXPECT_EQ(s.stats.total_files(), 2);
  EXPECT_EQ(s.stats.total_blocks(), 2);
  EXPECT_EQ(s.stats.under_replicated_blocks(), 1);
  EXPECT_EQ(s.stats.capacity_bytes(), 2ll << 40);
  EXPECT_TRUE(s.safe_mode_status.empty());
  EXPECT_EQ(s.started_at, ns_->started_at());
  SetSafeModeRequest enter;
  enter.set_action(SetSafeModeRequest::ENTER);
  ASSERT_OK(ns_->SetSafeMode(enter).status());
  EXPECT_THAT(ns_->GetSummary().safe_mode_status, HasSubstr("turned on manually"));
}

TEST_F(NamesystemBlocksTest, FileBlocksListEveryBlockWithItsReplicas) {
  Register("dn1", "127.0.1.1");
  Register("dn2", "127.0.1.2");
  Block b = WriteOneBlockFile({"dn1", "dn2"}, "/d/f");
  ASSERT_OK_AND_ASSIGN(FsckFile f, ns_->GetFileBlocks("/d/f"));
  EXPECT_EQ(f.status().path(), "/d/f");
  ASSERT_EQ(f.blocks_size(), 1);
  EXPECT_EQ(f.blocks(0).block().block_id(), b.block_id());
  EXPECT_EQ(f.blocks(0).locations_size(), 2);
  EXPECT_THAT(ns_->GetFileBlocks("/d").status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(ns_->GetFileBlocks("/nope").status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ns_->GetFileBlocks("x").status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(NamesystemBlocksTest, IdleRbwLeftoversOfClosedFilesAreDeleted) {
  Register("dn1", "127.0.1.1");
  Register("dn2", "127.0.1.2");
  Block b = WriteOneBlockFile({"dn1"});
  BlockReportRequest br;
  br.set_uuid("dn2");
  ReplicaReport* leftover = br.add_idle_rbw();
  leftover->set_block_id(b.block_id());
  leftover->set_generation_stamp(b.generation_stamp());
  leftover->set_num_bytes(512);
  ReplicaReport* unknown = br.add_idle_rbw();
  unknown->set_block_id(b.block_id() + 1000);
  unknown->set_generation_stamp(1);
  ASSERT_OK(ns_->BlockReport(br).status());
  HeartbeatRequest hb;
  hb.set_uuid("dn2");
  ASSERT_OK_AND_ASSIGN(HeartbeatResponse resp, ns_->Heartbeat(hb));
  ASSERT_EQ(resp.commands_size(), 1);
  EXPECT_EQ(resp.commands(0).type(), DatanodeCommand::DELETE_BLOCKS);
  EXPECT_EQ(resp.commands(0).blocks_size(), 2);
  // The leftover is not counted as a replica.
  GetBlockLocationsRequest loc;
  loc.set_path("/f");
  ASSERT_OK_AND_ASSIGN(GetBlockLocationsResponse locs, ns_->GetBlockLocations(loc));
  EXPECT_EQ(locs.blocks(0).locations_size(), 1);
}

}  // namespace
}  // namespace hayloft
