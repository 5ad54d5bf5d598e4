// The JSON behind the namenode's pages, from a Namesystem on a temp dir (no sockets).
#include "namenode/namenode_web.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

using ::hayloft::testing::StatusIs;

constexpr int64_t kCapacity = int64_t{1} << 40;

class NamenodeWebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(dir_, testing::TempDir::Create("namenode_web_test"));
    NamenodeOptions options;
    options.name_dir = dir_->path() + "/name";
    options.superuser = "hdfs";
    options.min_block_size = 512;
    options.safemode_extension = absl::ZeroDuration();
    ASSERT_OK_AND_ASSIGN(ns_, Namesystem::Open(options, Topology()));
    web_ = std::make_unique<NamenodeWeb>(
        NamenodeWebOptions{.rpc_address = "127.0.0.1:8020", .version = "9.8.7"}, ns_.get());
    RegisterDatanodeRequest r;
    r.mutable_id()->set_uuid("dn1");
    r.mutable_id()->set_host("127.0.1.1");
    r.mutable_id()->set_rpc_port(9866);
    r.mutable_id()->set_http_port(9864);
    r.set_capacity_bytes(kCapacity);
    r.set_remaining_bytes(kCapacity);
    ns_->RegisterDatanode(r);
  }

  // A closed file; with `bytes` > 0, one block of that length on dn1.
  Block WriteFile(const std::string& path, uint64_t bytes, uint32_t replication = 1) {
    CreateRequest c;
    c.set_path(path);
    c.set_client_name("w");
    c.set_create_parent(true);
    c.set_replication(replication);
    EXPECT_OK(ns_->Create(c).status());
    CompleteRequest done;
    done.set_path(path);
    done.set_client_name("w");
    Block block;
    if (bytes > 0) {
      AddBlockRequest add;
      add.set_path(path);
      add.set_client_name("w");
      absl::StatusOr<AddBlockResponse> b = ns_->AddBlock(add);
      EXPECT_OK(b.status());
      block = b->block().block();
      block.set_num_bytes(bytes);
      IncrementalBlockReportRequest ibr;
      ibr.set_uuid("dn1");
      ReplicaReport* rr = ibr.add_received();
      rr->set_block_id(block.block_id());
      rr->set_generation_stamp(block.generation_stamp());
      rr->set_num_bytes(bytes);
      EXPECT_OK(ns_->IncrementalBlockReport(ibr));
      *done.mutable_last() = block;
    }
    absl::StatusOr<CompleteResponse> r = ns_->Complete(done);
    EXPECT_TRUE(r.ok() && r->complete());
    return block;
  }

  std::optional<testing::TempDir> dir_;
  std::unique_ptr<Namesystem> ns_;
  std::unique_ptr<NamenodeWeb> web_;
};

TEST_F(NamenodeWebTest, OverviewSummarizesTheNamesystem) {
  WriteFile("/a/one", 100);
  WriteFile("/a/two", 100, 2);  // wants 2 replicas, has 1
  nlohmann::json o = web_->OverviewJson();
  EXPECT_EQ(o["version"], "9.8.7");
  EXPECT_EQ(o["rpc_address"], "127.0.0.1:8020");
  EXPECT_EQ(o["safe_mode"], false);
  EXPECT_EQ(o["files"], 2);
  EXPECT_EQ(o["blocks"], 2);
  EXPECT_EQ(o["under_replicated"], 1);
  EXPECT_EQ(o["missing"], 0);
  EXPECT_EQ(o["datanodes"]["live"], 1);
  EXPECT_EQ(o["datanodes"]["dead"], 0);
  EXPECT_EQ(o["capacity"]["total"], kCapacity);
  EXPECT_GE(o["uptime_ms"].get<int64_t>(), 0);
}

TEST_F(NamenodeWebTest, DatanodesAndRacksListEveryNode) {
  nlohmann::json d = web_->DatanodesJson();
  ASSERT_EQ(d["datanodes"].size(), 1u);
  EXPECT_EQ(d["datanodes"][0]["address"], "127.0.1.1:9866");
  EXPECT_EQ(d["datanodes"][0]["http_port"], 9864);
  EXPECT_EQ(d["datanodes"][0]["state"], "live");
  EXPECT_EQ(d["datanodes"][0]["rack"], "/default-rack");
  nlohmann::json r = web_->RacksJson();
  ASSERT_EQ(r["racks"].size(), 1u);
  EXPECT_EQ(r["racks"][0]["rack"], "/default-rack");
  EXPECT_EQ(r["racks"][0]["datanodes"][0]["address"], "127.0.1.1:9866");
}

TEST_F(NamenodeWebTest, ExplorerListsADirectoryAfterAName) {
  for (const char* name : {"/d/a", "/d/b", "/d/<script>c"}) WriteFile(name, 0);
  ASSERT_OK_AND_ASSIGN(nlohmann::json all, web_->ExplorerJson("/d", ""));
  EXPECT_EQ(all["is_dir"], true);
  ASSERT_EQ(all["entries"].size(), 3u);
  EXPECT_EQ(all["entries"][0]["name"], "<script>c") << "names go out as they are";
  EXPECT_EQ(all["remaining"], 0);
  ASSERT_OK_AND_ASSIGN(nlohmann::json after, web_->ExplorerJson("/d", "a"));
  ASSERT_EQ(after["entries"].size(), 1u);
  EXPECT_EQ(after["entries"][0]["name"], "b");
}

TEST_F(NamenodeWebTest, ExplorerShowsAFileWithItsBlocks) {
  Block b = WriteFile("/f", 700);
  ASSERT_OK_AND_ASSIGN(nlohmann::json f, web_->ExplorerJson("/f", ""));
  EXPECT_EQ(f["is_dir"], false);
  EXPECT_EQ(f["status"]["length"], 700);
  ASSERT_EQ(f["blocks"].size(), 1u);
  EXPECT_EQ(f["blocks"][0]["name"],
            absl::StrCat("blk_", b.block_id(), "_", b.generation_stamp()));
  EXPECT_EQ(f["blocks"][0]["block_id"], absl::StrCat(b.block_id()));
  ASSERT_EQ(f["blocks"][0]["locations"].size(), 1u);
  EXPECT_EQ(f["blocks"][0]["locations"][0]["address"], "127.0.1.1:9866");
  EXPECT_EQ(f["blocks"][0]["locations"][0]["rack"], "/default-rack");
}

TEST_F(NamenodeWebTest, ExplorerErrorsKeepTheirCodes) {
  EXPECT_THAT(web_->ExplorerJson("/nope", "").status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(web_->ExplorerJson("relative", "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace hayloft
