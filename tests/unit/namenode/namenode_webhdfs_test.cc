// WebHDFS on the namenode, without sockets: requests go straight to
// NamenodeWebHdfs::Handle over a real Namesystem in a temp dir, with datanodes
// registered by hand.
#include "namenode/namenode_webhdfs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using webhdfs::WebHdfsRequest;
using webhdfs::WebHdfsResponse;
using json = nlohmann::json;

class NamenodeWebHdfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(dir_, testing::TempDir::Create("namenode_webhdfs_test"));
    NamenodeOptions options;
    options.name_dir = dir_->path() + "/name";
    options.superuser = "hdfs";
    options.min_block_size = 512;
    options.safemode_extension = absl::ZeroDuration();
    ASSERT_OK_AND_ASSIGN(ns_, Namesystem::Open(options, Topology()));
    // Permissions are enforced: let every test user create under the root.
    SetPermissionRequest open_root;
    open_root.mutable_header()->set_user("hdfs");
    open_root.set_path("/");
    open_root.set_permission(0777);
    ASSERT_OK(ns_->SetPermission(open_root));
    webhdfs_ = std::make_unique<NamenodeWebHdfs>(
        ns_.get(), NamenodeWebHdfsOptions{.rpc_address = "127.0.0.1:8020",
                                          .default_replication = 2,
                                          .list_batch_size = 2});
  }

  WebHdfsResponse Call(const std::string& method, const std::string& path,
                       std::multimap<std::string, std::string> query,
                       const std::string& remote_host = "10.0.0.9") {
    WebHdfsRequest r;
    r.method = method;
    r.path = path;
    r.query = std::move(query);
    r.remote_host = remote_host;
    r.host_header = "127.0.0.1:9870";
    return webhdfs_->Handle(r);
  }
  json Body(const WebHdfsResponse& r) { return json::parse(r.body); }
  // Expects a RemoteException with `status` and `exception`; returns its message.
  std::string Error(const WebHdfsResponse& r, int status, const std::string& exception) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    json e = Body(r)["RemoteException"];
    EXPECT_EQ(e["exception"], exception) << r.body;
    return e["message"];
  }

  void RegisterDatanode(const std::string& uuid, const std::string& host, int http_port) {
    RegisterDatanodeRequest r;
    r.mutable_id()->set_uuid(uuid);
    r.mutable_id()->set_host(host);
    r.mutable_id()->set_rpc_port(9866);
    r.mutable_id()->set_http_port(http_port);
    r.set_capacity_bytes(1ll << 40);
    r.set_remaining_bytes(1ll << 40);
    ns_->RegisterDatanode(r);
    HeartbeatRequest hb;
    hb.set_uuid(uuid);
    hb.set_capacity_bytes(1ll << 40);
    hb.set_remaining_bytes(1ll << 40);
    ASSERT_OK(ns_->Heartbeat(hb).status());
  }

  // A closed file of `bytes` bytes in one block with replicas on `on`.
  void WriteFile(const std::string& path, const std::vector<std::string>& on, uint64_t bytes) {
    CreateRequest create;
    create.mutable_header()->set_user("alice");
    create.set_path(path);
    create.set_client_name("w");
    create.set_create_parent(true);
    create.set_replication(static_cast<uint32_t>(on.size()));
    ASSERT_OK(ns_->Create(create).status());
    AddBlockRequest add;
    add.set_path(path);
    add.set_client_name("w");
    ASSERT_OK_AND_ASSIGN(AddBlockResponse b, ns_->AddBlock(add));
    Block block = b.block().block();
    block.set_num_bytes(bytes);
    for (const std::string& uuid : on) {
      IncrementalBlockReportRequest ibr;
      ibr.set_uuid(uuid);
      ReplicaReport* rr = ibr.add_received();
      rr->set_block_id(block.block_id());
      rr->set_generation_stamp(block.generation_stamp());
      rr->set_num_bytes(bytes);
      ASSERT_OK(ns_->IncrementalBlockReport(ibr));
    }
    CompleteRequest c;
    c.set_path(path);
    c.set_client_name("w");
    *c.mutable_last() = block;
    ASSERT_OK_AND_ASSIGN(CompleteResponse done, ns_->Complete(c));
    ASSERT_TRUE(done.complete());
  }

  std::optional<testing::TempDir> dir_;
  std::unique_ptr<Namesystem> ns_;
  std::unique_ptr<NamenodeWebHdfs> webhdfs_;
};

TEST_F(NamenodeWebHdfsTest, MkdirsAndGetFileStatus) {
  WebHdfsResponse r = Call("PUT", "/a/b", {{"op", "MKDIRS"}, {"user.name", "alice"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r), json::parse(R"({"boolean": true})"));

  r = Call("GET", "/a/b", {{"op", "getfilestatus"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json s = Body(r)["FileStatus"];
  EXPECT_EQ(s["type"], "DIRECTORY");
  EXPECT_EQ(s["pathSuffix"], "");
  EXPECT_EQ(s["owner"], "alice");
  EXPECT_EQ(s["group"], "supergroup");
  EXPECT_EQ(s["permission"], "755");
  EXPECT_EQ(s["length"], 0);
  EXPECT_EQ(s["replication"], 0);
  EXPECT_EQ(s["blockSize"], 0);
  EXPECT_EQ(s["childrenNum"], 0);
  EXPECT_EQ(s["storagePolicy"], 0);
  EXPECT_GT(s["fileId"].get<int64_t>(), 0);
  EXPECT_GT(s["modificationTime"].get<int64_t>(), 0);
  EXPECT_TRUE(s.contains("accessTime"));
}

TEST_F(NamenodeWebHdfsTest, AnonymousRequestsActAsDrWho) {
  ASSERT_EQ(Call("PUT", "/anon", {{"op", "MKDIRS"}}).status, 200);
  EXPECT_EQ(Body(Call("GET", "/anon", {{"op", "GETFILESTATUS"}}))["FileStatus"]["owner"],
            "dr.who");
  EXPECT_EQ(Body(Call("GET", "/", {{"op", "GETHOMEDIRECTORY"}})), json::parse(R"({"Path":
            "/user/dr.who"})"));
}

TEST_F(NamenodeWebHdfsTest, ListStatusOfDirectoryAndFile) {
  RegisterDatanode("dn1", "127.0.1.1", 9864);
  ASSERT_EQ(Call("PUT", "/d/sub", {{"op", "MKDIRS"}, {"user.name", "alice"}}).status, 200);
  WriteFile("/d/file one", {"dn1"}, 1000);
  WebHdfsResponse r = Call("GET", "/d", {{"op", "LISTSTATUS"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json list = Body(r)["FileStatuses"]["FileStatus"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["pathSuffix"], "file one");
  EXPECT_EQ(list[0]["type"], "FILE");
  EXPECT_EQ(list[0]["length"], 1000);
  EXPECT_EQ(list[0]["replication"], 1);
  EXPECT_EQ(list[0]["permission"], "644");
  EXPECT_EQ(list[0]["owner"], "alice");
  EXPECT_EQ(list[1]["pathSuffix"], "sub");
  EXPECT_EQ(list[1]["type"], "DIRECTORY");

  r = Call("GET", "/d/file one", {{"op", "LISTSTATUS"}});
  ASSERT_EQ(r.status, 200) << r.body;
  list = Body(r)["FileStatuses"]["FileStatus"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["pathSuffix"], "") << "a file lists itself with an empty suffix";
  EXPECT_EQ(list[0]["blockSize"], 128 << 20);
}

TEST_F(NamenodeWebHdfsTest, ListStatusBatchPages) {
  for (const char* d : {"/p/a", "/p/b", "/p/c"}) ASSERT_EQ(Call("PUT", d, {{"op", "MKDIRS"}}).status, 200);
  json first = Body(Call("GET", "/p", {{"op", "LISTSTATUS_BATCH"}}))["DirectoryListing"];
  EXPECT_EQ(first["remainingEntries"], 1);
  json entries = first["partialListing"]["FileStatuses"]["FileStatus"];
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1]["pathSuffix"], "b");
  json next = Body(Call("GET", "/p", {{"op", "LISTSTATUS_BATCH"}, {"startAfter", "b"}}));
  EXPECT_EQ(next["DirectoryListing"]["remainingEntries"], 0);
  EXPECT_EQ(next["DirectoryListing"]["partialListing"]["FileStatuses"]["FileStatus"][0]["pathSuffix"],
            "c");
}

TEST_F(NamenodeWebHdfsTest, MissingPathsAreFileNotFound) {
  EXPECT_EQ(Error(Call("GET", "/nope", {{"op", "GETFILESTATUS"}}), 404, "FileNotFoundException"),
            "File does not exist: /nope");
  EXPECT_EQ(Error(Call("GET", "/nope", {{"op", "LISTSTATUS"}}), 404, "FileNotFoundException"),
            "File /nope does not exist.");
  EXPECT_EQ(Error(Call("GET", "/nope", {{"op", "GETCONTENTSUMMARY"}}), 404,
                  "FileNotFoundException"),
            "File does not exist: /nope");
  EXPECT_EQ(Error(Call("GET", "/nope", {{"op", "OPEN"}}), 404, "FileNotFoundException"),
            "File /nope not found.");
}

TEST_F(NamenodeWebHdfsTest, BadRequestsAreIllegalArgument) {
  EXPECT_THAT(Error(Call("GET", "/", {{"op", "FROB"}}), 400, "IllegalArgumentException"),
              HasSubstr("No enum constant org.apache.hadoop.hdfs.web.resources.GetOpParam.Op.FROB"));
  EXPECT_THAT(Error(Call("GET", "/x", {{"op", "MKDIRS"}}), 400, "IllegalArgumentException"),
              HasSubstr("GetOpParam.Op.MKDIRS"));
  EXPECT_THAT(Error(Call("DELETE", "/x", {{"op", "LISTSTATUS"}}), 400, "IllegalArgumentException"),
              HasSubstr("DeleteOpParam.Op.LISTSTATUS"));
  EXPECT_EQ(Error(Call("GET", "/", {}), 400, "UnsupportedOperationException"),
            "op=NULL is not supported");
  EXPECT_EQ(Error(Call("PUT", "/a", {{"op", "RENAME"}}), 400, "IllegalArgumentException"),
            "Required param destination for op: RENAME is null or empty");
  EXPECT_EQ(Error(Call("GET", "/a/../b", {{"op", "LISTSTATUS"}}), 400, "InvalidPathException"),
            "Invalid path name Invalid file name: /a/../b");
  EXPECT_THAT(Error(Call("DELETE", "/a", {{"op", "DELETE"}, {"recursive", "maybe"}}), 400,
                    "IllegalArgumentException"),
              HasSubstr("\"recursive\""));
  EXPECT_EQ(Error(Call("GET", "/a", {{"op", "GETXATTRS"}}), 400, "UnsupportedOperationException"),
            "op=GETXATTRS is not supported");
}

TEST_F(NamenodeWebHdfsTest, RenameAnswersFalseWhereHdfsDoes) {
  ASSERT_EQ(Call("PUT", "/r/src", {{"op", "MKDIRS"}}).status, 200);
  ASSERT_EQ(Call("PUT", "/r/taken", {{"op", "MKDIRS"}}).status, 200);
  EXPECT_EQ(Body(Call("PUT", "/r/missing", {{"op", "RENAME"}, {"destination", "/r/x"}})),
            json::parse(R"({"boolean": false})"));
  EXPECT_EQ(Body(Call("PUT", "/r/src", {{"op", "RENAME"}, {"destination", "/no/parent/x"}})),
            json::parse(R"({"boolean": false})"));
  EXPECT_EQ(Body(Call("PUT", "/r/src", {{"op", "RENAME"}, {"destination", "/r//dst/"}})),
            json::parse(R"({"boolean": true})"));
  EXPECT_EQ(Body(Call("GET", "/r/dst", {{"op", "GETFILESTATUS"}}))["FileStatus"]["type"],
            "DIRECTORY");
  EXPECT_THAT(Error(Call("PUT", "/r/dst", {{"op", "RENAME"}, {"destination", "rel"}}), 400,
                    "IllegalArgumentException"),
              HasSubstr("is not an absolute path"));
}

TEST_F(NamenodeWebHdfsTest, DeleteRecursiveAndNot) {
  ASSERT_EQ(Call("PUT", "/del/inner", {{"op", "MKDIRS"}}).status, 200);
  EXPECT_EQ(Error(Call("DELETE", "/del", {{"op", "DELETE"}}), 403,
                  "PathIsNotEmptyDirectoryException"),
            "`/del is non empty': Directory is not empty");
  EXPECT_EQ(Body(Call("DELETE", "/del", {{"op", "DELETE"}, {"recursive", "true"}})),
            json::parse(R"({"boolean": true})"));
  EXPECT_EQ(Body(Call("DELETE", "/del", {{"op", "DELETE"}})),
            json::parse(R"({"boolean": false})"));
  EXPECT_EQ(Body(Call("DELETE", "/", {{"op", "DELETE"}, {"recursive", "true"}})),
            json::parse(R"({"boolean": false})"));
}

TEST_F(NamenodeWebHdfsTest, SetReplicationAndContentSummary) {
  RegisterDatanode("dn1", "127.0.1.1", 9864);
  RegisterDatanode("dn2", "127.0.1.2", 9864);
  WriteFile("/s/f", {"dn1"}, 1000);
  EXPECT_EQ(Body(Call("PUT", "/s/f", {{"op", "SETREPLICATION"}, {"replication", "2"},
                                     {"user.name", "alice"}})),
            json::parse(R"({"boolean": true})"));
  EXPECT_EQ(Body(Call("GET", "/s/f", {{"op", "GETFILESTATUS"}}))["FileStatus"]["replication"], 2);
  EXPECT_EQ(Body(Call("PUT", "/s", {{"op", "SETREPLICATION"}, {"user.name", "alice"}})),
            json::parse(R"({"boolean": false})"));
  EXPECT_EQ(Body(Call("PUT", "/s/none", {{"op", "SETREPLICATION"}})),
            json::parse(R"({"boolean": false})"));
  EXPECT_EQ(Body(Call("GET", "/s", {{"op", "GETCONTENTSUMMARY"}})),
            json::parse(R"({"ContentSummary": {"directoryCount": 1, "fileCount": 1,
              "length": 1000, "quota": -1, "spaceConsumed": 2000, "spaceQuota": -1}})"));
}

TEST_F(NamenodeWebHdfsTest, CreateRedirectsToALiveDatanodeWithTheParameters) {
  RegisterDatanode("dn1", "127.0.1.1", 19864);
  WebHdfsResponse r = Call("PUT", "/new dir/f%1",
                           {{"op", "create"}, {"user.name", "alice"}, {"overwrite", "true"},
                            {"permission", "0600"}, {"replication", "1"}, {"blocksize", "1048576"}});
  ASSERT_EQ(r.status, 307) << r.body;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.location,
            "http://127.0.1.1:19864/webhdfs/v1/new%20dir/f%251?op=CREATE&user.name=alice"
            "&namenoderpcaddress=127.0.0.1%3A8020&blocksize=1048576&createparent=true"
            "&overwrite=true&permission=600&replication=1");

  r = Call("PUT", "/f", {{"op", "CREATE"}, {"noredirect", "true"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(Body(r)["Location"].get<std::string>(),
              StartsWith("http://127.0.1.1:19864/webhdfs/v1/f?op=CREATE&namenoderpcaddress="));
}

TEST_F(NamenodeWebHdfsTest, CreatePrefersTheClientsHostAndNeedsADatanode) {
  EXPECT_THAT(Error(Call("PUT", "/f", {{"op", "CREATE"}}), 403, "IOException"),
              HasSubstr("Failed to find datanode"));
  RegisterDatanode("dn1", "127.0.1.1", 1001);
  RegisterDatanode("dn2", "127.0.1.2", 1002);
  RegisterDatanode("dn3", "127.0.1.3", 1003);
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(Call("PUT", "/f", {{"op", "CREATE"}}, "127.0.1.2").location,
                StartsWith("http://127.0.1.2:1002/"));
  }
  EXPECT_THAT(Call("PUT", "/f", {{"op", "CREATE"}, {"excludedatanodes", "127.0.1.1,127.0.1.3"}})
                  .location,
              StartsWith("http://127.0.1.2:1002/"));
}

TEST_F(NamenodeWebHdfsTest, OpenRedirectsToAReplicaNearTheClient) {
  RegisterDatanode("dn1", "127.0.1.1", 1001);
  RegisterDatanode("dn2", "127.0.1.2", 1002);
  RegisterDatanode("dn3", "127.0.1.3", 1003);
  WriteFile("/o", {"dn2", "dn3"}, 1000);
  WebHdfsResponse r = Call("GET", "/o", {{"op", "OPEN"}, {"offset", "10"}, {"length", "5"}},
                           "127.0.1.3");
  ASSERT_EQ(r.status, 307) << r.body;
  EXPECT_EQ(r.location,
            "http://127.0.1.3:1003/webhdfs/v1/o?op=OPEN&namenoderpcaddress=127.0.0.1%3A8020"
            "&length=5&offset=10");
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(Call("GET", "/o", {{"op", "OPEN"}}).location,
                ::testing::AnyOf(StartsWith("http://127.0.1.2:1002/"),
                                 StartsWith("http://127.0.1.3:1003/")))
        << "only replica holders serve reads";
  }
  EXPECT_THAT(Call("POST", "/o", {{"op", "APPEND"}}, "127.0.1.2").location,
              StartsWith("http://127.0.1.2:1002/webhdfs/v1/o?op=APPEND&"));
  EXPECT_THAT(Call("GET", "/o", {{"op", "GETFILECHECKSUM"}}, "127.0.1.2").location,
              StartsWith("http://127.0.1.2:1002/webhdfs/v1/o?op=GETFILECHECKSUM&"));
}

TEST_F(NamenodeWebHdfsTest, OpenChecksTheOffset) {
  RegisterDatanode("dn1", "127.0.1.1", 1001);
  WriteFile("/o", {"dn1"}, 1000);
  EXPECT_EQ(Error(Call("GET", "/o", {{"op", "OPEN"}, {"offset", "1000"}}), 403, "IOException"),
            "Offset=1000 out of the range [0, 1000); OPEN, path=/o");
  EXPECT_EQ(Error(Call("GET", "/o", {{"op", "OPEN"}, {"offset", "-1"}}), 400,
                  "IllegalArgumentException"),
            "Invalid value for webhdfs parameter \"offset\": Invalid parameter range: "
            "offset = -1 < 0");
  EXPECT_EQ(Call("GET", "/o", {{"op", "OPEN"}, {"offset", "999"}}).status, 307);
}

TEST_F(NamenodeWebHdfsTest, MkdirsTakesThePermissionWithoutUmask) {
  ASSERT_EQ(Call("PUT", "/open", {{"op", "MKDIRS"}, {"permission", "777"}}).status, 200);
  EXPECT_EQ(Body(Call("GET", "/open", {{"op", "GETFILESTATUS"}}))["FileStatus"]["permission"],
            "777");
  // Parents made on the way get u+wx, as in HDFS.
  ASSERT_EQ(Call("PUT", "/p0/c0", {{"op", "MKDIRS"}, {"permission", "0"}}).status, 200);
  EXPECT_EQ(Body(Call("GET", "/p0/c0", {{"op", "GETFILESTATUS"}}))["FileStatus"]["permission"],
            "0");
  EXPECT_EQ(Body(Call("GET", "/p0", {{"op", "GETFILESTATUS"}}))["FileStatus"]["permission"],
            "300");
}

TEST_F(NamenodeWebHdfsTest, SetPermissionAndSetOwner) {
  ASSERT_EQ(Call("PUT", "/sp", {{"op", "MKDIRS"}, {"user.name", "alice"}}).status, 200);
  WebHdfsResponse r =
      Call("PUT", "/sp", {{"op", "SETPERMISSION"}, {"permission", "1777"}, {"user.name", "alice"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(Body(Call("GET", "/sp", {{"op", "GETFILESTATUS"}}))["FileStatus"]["permission"],
            "1777");
  ASSERT_EQ(Call("PUT", "/sp", {{"op", "SETPERMISSION"}, {"user.name", "alice"}}).status, 200);
  EXPECT_EQ(Body(Call("GET", "/sp", {{"op", "GETFILESTATUS"}}))["FileStatus"]["permission"],
            "755")
      << "Hadoop's default permission";

  EXPECT_EQ(Error(Call("PUT", "/sp", {{"op", "SETOWNER"}, {"user.name", "hdfs"}}), 400,
                  "IllegalArgumentException"),
            "Both owner and group are empty.");
  r = Call("PUT", "/sp", {{"op", "SETOWNER"}, {"owner", "bob"}, {"group", "staff"},
                          {"user.name", "hdfs"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json st = Body(Call("GET", "/sp", {{"op", "GETFILESTATUS"}}))["FileStatus"];
  EXPECT_EQ(st["owner"], "bob");
  EXPECT_EQ(st["group"], "staff");
  // Only the superuser gives a file away.
  EXPECT_THAT(Error(Call("PUT", "/sp", {{"op", "SETOWNER"}, {"owner", "carol"},
                                        {"user.name", "bob"}}),
                    403, "AccessControlException"),
              HasSubstr("non-super user cannot change owner"));
}

TEST_F(NamenodeWebHdfsTest, PermissionDeniedIsAccessControlException403) {
  ASSERT_EQ(Call("PUT", "/private", {{"op", "MKDIRS"}, {"permission", "700"},
                                     {"user.name", "alice"}}).status,
            200);
  EXPECT_THAT(Error(Call("GET", "/private", {{"op", "LISTSTATUS"}, {"user.name", "bob"}}), 403,
                    "AccessControlException"),
              StartsWith("Permission denied: user=bob"));
  EXPECT_THAT(Error(Call("PUT", "/private/x", {{"op", "MKDIRS"}}), 403, "AccessControlException"),
              StartsWith("Permission denied: user=dr.who"));
  EXPECT_EQ(Call("GET", "/private", {{"op", "LISTSTATUS"}, {"user.name", "alice"}}).status, 200);
}

TEST_F(NamenodeWebHdfsTest, WildcardRpcHostBecomesTheAddressedHost) {
  webhdfs_ = std::make_unique<NamenodeWebHdfs>(
      ns_.get(), NamenodeWebHdfsOptions{.rpc_address = "0.0.0.0:8020"});
  RegisterDatanode("dn1", "127.0.1.1", 1001);
  EXPECT_THAT(Call("PUT", "/f", {{"op", "CREATE"}}).location,
              HasSubstr("&namenoderpcaddress=127.0.0.1%3A8020&"));
}

}  // namespace
}  // namespace hayloft
