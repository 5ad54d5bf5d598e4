// WebHDFS against one real cluster, driven with curl as a user would: every op,
// the two-step and one-step writes (Expect: 100-continue, chunked bodies), the
// redirects to datanodes, and the errors with Hadoop's status codes and
// RemoteException JSON.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/random_bytes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::MiniCluster;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What curl got: the final response's status and body, and the headers of every
// response on the way (redirects, 100 Continue).
struct Reply {
  int status = 0;
  std::string headers;
  std::string body;

  json Json() const { return json::parse(body, nullptr, /*allow_exceptions=*/false); }
  // The last value of header `name` (case-insensitive), or "".
  std::string Header(const std::string& name) const {
    std::string value;
    for (absl::string_view line : absl::StrSplit(headers, "\r\n")) {
      if (absl::StartsWithIgnoreCase(line, name + ":")) {
        value = std::string(absl::StripAsciiWhitespace(line.substr(name.size() + 1)));
      }
    }
    return value;
  }
};

class WebHdfsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // 3 datanodes, replication 3, 1 MiB blocks; "hdfs" runs it, so is the superuser.
    cluster_ = new MiniCluster(testing::MiniClusterOptions{.user = "hdfs"});
    ASSERT_OK(cluster_->Start());
    local_ = new testing::TempDir(*testing::TempDir::Create("webhdfs_itest"));
    // Permissions are enforced: the superuser lets every test user create under /.
    Reply r = Curl({"-X", "PUT"}, Url("/?op=SETPERMISSION&permission=777&user.name=hdfs"));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  static void TearDownTestSuite() {
    delete local_;
    delete cluster_;
  }

  // http://<namenode http>/webhdfs/v1<path_and_query>
  static std::string Url(const std::string& path_and_query) {
    return absl::StrCat("http://", cluster_->namenode_http_address(), "/webhdfs/v1",
                        path_and_query);
  }
  // Runs curl with `args` on `url`.
  static Reply Curl(std::vector<std::string> args, const std::string& url) {
    std::string headers = local_->path() + "/headers";
    std::string body = local_->path() + "/body";
    std::vector<std::string> argv = {"curl", "-sS", "-D", headers, "-o", body, "-w",
                                     "%{http_code}"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(url);
    absl::StatusOr<CommandResult> r = testing::RunCommand(argv);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return Reply{};
    EXPECT_EQ(r->exit_code, 0) << r->err;
    Reply reply;
    reply.status = std::atoi(r->out.c_str());
    reply.headers = ReadAll(headers);
    reply.body = ReadAll(body);
    return reply;
  }
  static std::string Local(const std::string& name, const std::string& content) {
    std::string p = local_->path() + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  // Writes `content` to `path` with a one-step `curl -L -T` CREATE; returns the final reply.
  static Reply Put(const std::string& path_and_query, const std::string& content) {
    return Curl({"-L", "-X", "PUT", "-T", Local("upload", content)}, Url(path_and_query));
  }
  static std::string Get(const std::string& path_and_query) {
    Reply r = Curl({"-L"}, Url(path_and_query));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
  // Expects a RemoteException; returns its message.
  static std::string ErrorOf(const Reply& r, int status, const std::string& exception) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_THAT(r.Header("Content-Type"), StartsWith("application/json"));
    json e = r.Json()["RemoteException"];
    EXPECT_EQ(e["exception"], exception) << r.body;
    EXPECT_TRUE(e.contains("javaClassName")) << r.body;
    return e.value("message", "");
  }
  // "127.0.1.i:port" of every datanode's HTTP server.
  static std::vector<std::string> DatanodeHttpAddresses() {
    std::vector<std::string> out;
    for (int i = 1; i <= cluster_->num_datanodes(); ++i) {
      out.push_back(cluster_->datanode_http_address(i));
    }
    return out;
  }

  static MiniCluster* cluster_;
  static testing::TempDir* local_;
};

MiniCluster* WebHdfsTest::cluster_ = nullptr;
testing::TempDir* WebHdfsTest::local_ = nullptr;

TEST_F(WebHdfsTest, MkdirsThenStatusAndListingShowHadoopFields) {
  Reply r = Curl({"-X", "PUT"}, Url("/st/sub?op=MKDIRS&user.name=alice"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json::parse(R"({"boolean": true})"));
  ASSERT_EQ(Put("/st/file?op=CREATE&user.name=alice", "twelve bytes").status, 201);

  r = Curl({}, Url("/st/file?op=GETFILESTATUS"));
  ASSERT_EQ(r.status, 200) << r.body;
  json s = r.Json()["FileStatus"];
  EXPECT_EQ(s["type"], "FILE");
  EXPECT_EQ(s["pathSuffix"], "");
  EXPECT_EQ(s["length"], 12);
  EXPECT_EQ(s["owner"], "alice");
  EXPECT_EQ(s["group"], "supergroup");
  EXPECT_EQ(s["permission"], "644");
  EXPECT_EQ(s["replication"], 3);
  EXPECT_EQ(s["blockSize"], 1 << 20);
  for (const char* key : {"accessTime", "modificationTime", "fileId", "childrenNum",
                          "storagePolicy"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }

  r = Curl({}, Url("/st?op=liststatus"));  // op names are case-insensitive
  ASSERT_EQ(r.status, 200) << r.body;
  json list = r.Json()["FileStatuses"]["FileStatus"];
  ASSERT_EQ(list.size(), 2u) << r.body;
  EXPECT_EQ(list[0]["pathSuffix"], "file");
  EXPECT_EQ(list[1]["pathSuffix"], "sub");
  EXPECT_EQ(list[1]["type"], "DIRECTORY");
  EXPECT_EQ(list[1]["permission"], "755");

  r = Curl({}, absl::StrCat("http://", cluster_->namenode_http_address(), "/metrics"));
  EXPECT_THAT(r.body,
              HasSubstr(R"(dfs_namenode_webhdfs_requests_total{op="LISTSTATUS",code="200"})"));
}

TEST_F(WebHdfsTest, TwoStepCreateRedirectsToADatanodeAndReadsBackByteExact) {
  // Step 1: no body; the namenode answers at once with the datanode to write to.
  Reply r = Curl({"-X", "PUT"}, Url("/two/step.bin?op=CREATE&user.name=alice&overwrite=true"));
  ASSERT_EQ(r.status, 307) << r.body;
  std::string location = r.Header("Location");
  std::vector<std::string> datanodes = DatanodeHttpAddresses();
  EXPECT_TRUE(std::any_of(datanodes.begin(), datanodes.end(), [&](const std::string& d) {
    return absl::StartsWith(location, absl::StrCat("http://", d, "/webhdfs/v1/two/step.bin?"));
  })) << location;
  EXPECT_THAT(location, HasSubstr("op=CREATE"));
  EXPECT_THAT(location, HasSubstr("user.name=alice"));
  EXPECT_THAT(location, HasSubstr("namenoderpcaddress="));

  // Step 2: the data goes to the datanode. 3.5 blocks, so several blocks and a
  // partial one.
  std::string data = testing::RandomBytes((7 << 20) / 2, 42);
  r = Curl({"-X", "PUT", "-T", Local("two.bin", data)}, location);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Header("Location"), absl::StrCat("hdfs://", cluster_->namenode_address(),
                                                "/two/step.bin"));
  EXPECT_EQ(r.Header("Content-Length"), "0");

  r = Curl({"-L"}, Url("/two/step.bin?op=OPEN&user.name=alice"));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.headers, HasSubstr("307"));
  EXPECT_EQ(r.Header("Content-Type"), "application/octet-stream");
  EXPECT_TRUE(r.body == data) << "read back " << r.body.size() << " of " << data.size();
  r = Curl({}, absl::StrCat("http://", location.substr(7, location.find('/', 7) - 7), "/metrics"));
  EXPECT_THAT(r.body, HasSubstr("dfs_datanode_webhdfs_bytes_written_total "));
}

TEST_F(WebHdfsTest, DatanodesAllowCrossOriginUploadsAndReads) {
  Reply r = Curl({"-X", "OPTIONS"}, absl::StrCat("http://", cluster_->datanode_http_address(1),
                                                 "/webhdfs/v1/cors?op=CREATE"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_THAT(r.Header("Access-Control-Allow-Methods"), HasSubstr("PUT"));
  ASSERT_EQ(Put("/cors?op=CREATE", "c").status, 201);
  EXPECT_EQ(Curl({"-L"}, Url("/cors?op=OPEN")).Header("Access-Control-Allow-Origin"), "*");
}

TEST_F(WebHdfsTest, OneStepCreateWithExpectContinueAndChunkedBody) {
  std::string data = testing::RandomBytes(2'500'000, 7);
  // curl announces a large body with Expect: 100-continue; the namenode answers
  // 307 before the data is sent and curl re-sends it to the datanode.
  Reply r = Put("/one/expect.bin?op=CREATE", data);
  ASSERT_EQ(r.status, 201) << r.body << r.headers;
  EXPECT_THAT(r.headers, HasSubstr("307 Temporary Redirect"));
  EXPECT_EQ(Get("/one/expect.bin?op=OPEN"), data);

  r = Curl({"-L", "-X", "PUT", "-H", "Transfer-Encoding: chunked", "-T", Local("c.bin", data)},
           Url("/one/chunked.bin?op=CREATE"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Get("/one/chunked.bin?op=OPEN"), data);

  // Without Expect, a small body sent to the namenode is not read there either.
  r = Curl({"-L", "-X", "PUT", "-H", "Expect:", "-T", Local("s.txt", "small")},
           Url("/one/small.txt?op=CREATE"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Get("/one/small.txt?op=OPEN"), "small");
}

TEST_F(WebHdfsTest, OpenHonorsOffsetAndLength) {
  std::string data = testing::RandomBytes(3 << 20, 3);
  ASSERT_EQ(Put("/open/f?op=CREATE", data).status, 201);
  // Across a block boundary (1 MiB blocks).
  EXPECT_EQ(Get("/open/f?op=OPEN&offset=1048570&length=20"), data.substr(1048570, 20));
  EXPECT_EQ(Get("/open/f?op=OPEN&offset=3000000"), data.substr(3000000));
  EXPECT_EQ(Get("/open/f?op=OPEN&length=0"), "");
  EXPECT_EQ(Get("/open/f?op=OPEN&offset=10&length=99999999"), data.substr(10));
  ASSERT_EQ(Put("/open/empty?op=CREATE", "").status, 201);
  EXPECT_EQ(Get("/open/empty?op=OPEN"), "");
}

TEST_F(WebHdfsTest, AppendAddsToTheEnd) {
  ASSERT_EQ(Put("/app/log?op=CREATE", "first\n").status, 201);
  Reply r = Curl({"-X", "POST"}, Url("/app/log?op=APPEND"));
  ASSERT_EQ(r.status, 307) << r.body;
  EXPECT_THAT(r.Header("Location"), HasSubstr("op=APPEND"));
  r = Curl({"-X", "POST", "-T", Local("more", "second\n")}, r.Header("Location"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "");
  r = Curl({"-L", "-X", "POST", "-T", Local("more", "third\n")}, Url("/app/log?op=append"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Get("/app/log?op=OPEN"), "first\nsecond\nthird\n");
}

TEST_F(WebHdfsTest, RenameDeleteAndSetReplication) {
  ASSERT_EQ(Put("/mv/a?op=CREATE", "x").status, 201);
  Reply r = Curl({"-X", "PUT"}, Url("/mv/a?op=RENAME&destination=/mv/b"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json::parse(R"({"boolean": true})"));
  EXPECT_EQ(Curl({}, Url("/mv/a?op=GETFILESTATUS")).status, 404);
  EXPECT_EQ(Curl({"-X", "PUT"}, Url("/mv/a?op=RENAME&destination=/mv/c")).Json(),
            json::parse(R"({"boolean": false})"));

  r = Curl({"-X", "PUT"}, Url("/mv/b?op=SETREPLICATION&replication=2"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json::parse(R"({"boolean": true})"));
  EXPECT_EQ(Curl({}, Url("/mv/b?op=GETFILESTATUS")).Json()["FileStatus"]["replication"], 2);

  r = Curl({"-X", "DELETE"}, Url("/mv?op=DELETE&recursive=true"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json::parse(R"({"boolean": true})"));
  EXPECT_EQ(Curl({"-X", "DELETE"}, Url("/mv?op=DELETE")).Json(),
            json::parse(R"({"boolean": false})"));
}

TEST_F(WebHdfsTest, ContentSummaryCountsTheTree) {
  ASSERT_EQ(Put("/cs/a?op=CREATE", std::string(1000, 'a')).status, 201);
  ASSERT_EQ(Put("/cs/d/b?op=CREATE&replication=1", std::string(24, 'b')).status, 201);
  Reply r = Curl({}, Url("/cs?op=GETCONTENTSUMMARY"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json::parse(R"({"ContentSummary": {"directoryCount": 2, "fileCount": 2,
      "length": 1024, "quota": -1, "spaceConsumed": 3024, "spaceQuota": -1}})"));
}

TEST_F(WebHdfsTest, NoRedirectAnswersTheLocationAsJson) {
  Reply r = Curl({"-X", "PUT"}, Url("/nr/f?op=CREATE&noredirect=true"));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string location = r.Json()["Location"];
  EXPECT_THAT(location, HasSubstr("/webhdfs/v1/nr/f?op=CREATE"));
  r = Curl({"-X", "PUT", "-T", Local("nr", "data")}, location);
  ASSERT_EQ(r.status, 201) << r.body;
  r = Curl({}, Url("/nr/f?op=OPEN&noredirect=true"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Curl({}, r.Json()["Location"].get<std::string>()).body, "data");
}

TEST_F(WebHdfsTest, PathsWithSpacesUnicodePercentAndHash) {
  // "/odd dir/ünï % #.txt", percent-encoded in the URL.
  const std::string encoded = "/odd%20dir/%C3%BCn%C3%AF%20%25%20%23.txt";
  ASSERT_EQ(Put(encoded + "?op=CREATE", "odd").status, 201);
  Reply r = Curl({}, Url("/odd%20dir?op=LISTSTATUS"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["FileStatuses"]["FileStatus"][0]["pathSuffix"], "ünï % #.txt");
  EXPECT_EQ(Get(encoded + "?op=OPEN"), "odd");
  // '+' in a path is a plus, not a space.
  ASSERT_EQ(Put("/odd%20dir/a+b?op=CREATE", "plus").status, 201);
  EXPECT_EQ(Curl({}, Url("/odd%20dir/a+b?op=GETFILESTATUS")).Json()["FileStatus"]["length"], 4);
  // A trailing slash names the same directory.
  EXPECT_EQ(Curl({}, Url("/odd%20dir/?op=GETFILESTATUS")).status, 200);
}

TEST_F(WebHdfsTest, RedirectsPreferTheClientsOwnHost) {
  // Every datanode holds a replica (replication 3 on 3 nodes): a reader on a
  // datanode's host is sent to that datanode, and so is a writer.
  ASSERT_EQ(Put("/near/f?op=CREATE", "near").status, 201);
  for (int i = 1; i <= 3; ++i) {
    std::string host = cluster_->datanode_host(i);
    Reply r = Curl({"--interface", host}, Url("/near/f?op=OPEN"));
    ASSERT_EQ(r.status, 307) << r.body;
    EXPECT_THAT(r.Header("Location"),
                StartsWith(absl::StrCat("http://", cluster_->datanode_http_address(i), "/")));
    r = Curl({"--interface", host, "-X", "PUT"}, Url("/near/g?op=CREATE"));
    ASSERT_EQ(r.status, 307) << r.body;
    EXPECT_THAT(r.Header("Location"),
                StartsWith(absl::StrCat("http://", cluster_->datanode_http_address(i), "/")));
  }
}

TEST_F(WebHdfsTest, AnonymousRequestsRunAsDrWho) {
  ASSERT_EQ(Curl({"-X", "PUT"}, Url("/anon?op=MKDIRS")).status, 200);
  ASSERT_EQ(Put("/anon/f?op=CREATE", "a").status, 201);
  EXPECT_EQ(Curl({}, Url("/anon?op=GETFILESTATUS")).Json()["FileStatus"]["owner"], "dr.who");
  EXPECT_EQ(Curl({}, Url("/anon/f?op=GETFILESTATUS")).Json()["FileStatus"]["owner"], "dr.who");
  EXPECT_EQ(Curl({}, Url("/?op=GETHOMEDIRECTORY&user.name=carol")).Json(),
            json::parse(R"({"Path": "/user/carol"})"));
}

TEST_F(WebHdfsTest, SetPermissionAndSetOwner) {
  ASSERT_EQ(Curl({"-X", "PUT"}, Url("/own?op=MKDIRS&permission=777&user.name=alice")).status, 200);
  EXPECT_EQ(Curl({}, Url("/own?op=GETFILESTATUS")).Json()["FileStatus"]["permission"], "777")
      << "WebHDFS applies no umask";
  Reply r = Curl({"-X", "PUT"}, Url("/own?op=SETPERMISSION&permission=1750&user.name=alice"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(Curl({}, Url("/own?op=GETFILESTATUS")).Json()["FileStatus"]["permission"], "1750");

  r = Curl({"-X", "PUT"}, Url("/own?op=SETOWNER&owner=bob&group=staff&user.name=hdfs"));
  ASSERT_EQ(r.status, 200) << r.body;
  json st = Curl({}, Url("/own?op=GETFILESTATUS")).Json()["FileStatus"];
  EXPECT_EQ(st["owner"], "bob");
  EXPECT_EQ(st["group"], "staff");
  EXPECT_EQ(ErrorOf(Curl({"-X", "PUT"}, Url("/own?op=SETOWNER&user.name=hdfs")), 400,
                    "IllegalArgumentException"),
            "Both owner and group are empty.");
  EXPECT_THAT(ErrorOf(Curl({"-X", "PUT"}, Url("/own?op=SETOWNER&owner=alice&user.name=bob")),
                      403, "AccessControlException"),
              HasSubstr("non-super user cannot change owner"));
  EXPECT_THAT(ErrorOf(Curl({"-X", "PUT"}, Url("/own?op=SETPERMISSION&permission=777"
                                              "&user.name=alice")),
                      403, "AccessControlException"),
              HasSubstr("Permission denied"));
}

TEST_F(WebHdfsTest, PermissionDeniedIsAccessControlException403) {
  ASSERT_EQ(Curl({"-X", "PUT"}, Url("/secret?op=MKDIRS&permission=700&user.name=alice")).status,
            200);
  ASSERT_EQ(Put("/secret/f?op=CREATE&user.name=alice", "mine").status, 201);
  // Refused on the namenode...
  EXPECT_THAT(ErrorOf(Curl({}, Url("/secret?op=LISTSTATUS&user.name=bob")), 403,
                      "AccessControlException"),
              StartsWith("Permission denied: user=bob, access="));
  EXPECT_THAT(ErrorOf(Curl({"-L"}, Url("/secret/f?op=OPEN&user.name=bob")), 403,
                      "AccessControlException"),
              StartsWith("Permission denied: user=bob"));
  EXPECT_THAT(ErrorOf(Curl({"-X", "DELETE"}, Url("/secret?op=DELETE&recursive=true")), 403,
                      "AccessControlException"),
              StartsWith("Permission denied: user=dr.who"));
  // ...and on the datanode, whose DFS client acts as the request's user.
  EXPECT_THAT(ErrorOf(Put("/secret/g?op=CREATE&user.name=bob", "theirs"), 403,
                      "AccessControlException"),
              StartsWith("Permission denied: user=bob"));
  EXPECT_EQ(Get("/secret/f?op=OPEN&user.name=alice"), "mine");
}

TEST_F(WebHdfsTest, GetFileChecksumRedirectsAndMatchesTheShell) {
  std::string data = testing::RandomBytes((5 << 20) / 2, 11);  // 2.5 blocks
  ASSERT_EQ(Put("/sum/f?op=CREATE", data).status, 201);
  Reply r = Curl({}, Url("/sum/f?op=GETFILECHECKSUM"));
  ASSERT_EQ(r.status, 307) << r.body;
  EXPECT_THAT(r.Header("Location"), HasSubstr("op=GETFILECHECKSUM"));
  r = Curl({"-L"}, Url("/sum/f?op=GETFILECHECKSUM"));
  ASSERT_EQ(r.status, 200) << r.body;
  json sum = r.Json()["FileChecksum"];
  // Several blocks: 2048 CRCs per 1 MiB block, as HDFS names it.
  EXPECT_EQ(sum["algorithm"], "MD5-of-2048MD5-of-512CRC32C");
  EXPECT_EQ(sum["length"], 28);
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster_->WriteClientConfFile());
  ASSERT_OK_AND_ASSIGN(CommandResult shell,
                       testing::RunCommand({testing::HayloftBinary("hayloft"), "--conf", conf,
                                            "fs", "-checksum", "/sum/f"}));
  ASSERT_EQ(shell.exit_code, 0) << shell.err;
  std::string bytes = sum["bytes"];
  EXPECT_EQ(shell.out, absl::StrCat("/sum/f\tMD5-of-2048MD5-of-512CRC32C\t", bytes, "\n"));
  EXPECT_EQ(ErrorOf(Curl({"-L"}, Url("/sum?op=GETFILECHECKSUM")), 404, "FileNotFoundException"),
            "Path is not a file: /sum");
}

TEST_F(WebHdfsTest, BadRequestsAreIllegalArgument400) {
  EXPECT_THAT(ErrorOf(Curl({}, Url("/?op=NOSUCHOP")), 400, "IllegalArgumentException"),
              HasSubstr("No enum constant org.apache.hadoop.hdfs.web.resources.GetOpParam.Op."
                        "NOSUCHOP"));
  EXPECT_EQ(ErrorOf(Curl({}, Url("/")), 400, "UnsupportedOperationException"),
            "op=NULL is not supported");
  // Wrong HTTP method for the op.
  EXPECT_THAT(ErrorOf(Curl({}, Url("/x?op=MKDIRS")), 400, "IllegalArgumentException"),
              HasSubstr("GetOpParam.Op.MKDIRS"));
  EXPECT_THAT(ErrorOf(Curl({"-X", "PUT"}, Url("/x?op=OPEN")), 400, "IllegalArgumentException"),
              HasSubstr("PutOpParam.Op.OPEN"));
  EXPECT_THAT(ErrorOf(Curl({"-X", "POST"}, Url("/x?op=DELETE")), 400, "IllegalArgumentException"),
              HasSubstr("PostOpParam.Op.DELETE"));
  // Missing and malformed parameters.
  EXPECT_EQ(ErrorOf(Curl({"-X", "PUT"}, Url("/x?op=RENAME")), 400, "IllegalArgumentException"),
            "Required param destination for op: RENAME is null or empty");
  EXPECT_EQ(ErrorOf(Curl({"-X", "PUT"}, Url("/x?op=MKDIRS&permission=999")), 400,
                    "IllegalArgumentException"),
            "Invalid value for webhdfs parameter \"permission\": Failed to parse \"999\" as a "
            "radix-8 short integer.");
  EXPECT_EQ(ErrorOf(Curl({"-X", "DELETE"}, Url("/x?op=DELETE&recursive=perhaps")), 400,
                    "IllegalArgumentException"),
            "Invalid value for webhdfs parameter \"recursive\": Failed to parse \"perhaps\" to "
            "Boolean.");
  // A path that is not normalized.
  EXPECT_EQ(ErrorOf(Curl({"--path-as-is"}, Url("/a/../b?op=LISTSTATUS")), 400,
                    "InvalidPathException"),
            "Invalid path name Invalid file name: /a/../b");
  EXPECT_EQ(ErrorOf(Curl({}, Url("/a/%2E%2E/b?op=GETFILESTATUS")), 400, "InvalidPathException"),
            "Invalid path name Invalid file name: /a/../b");
}

TEST_F(WebHdfsTest, MissingFilesAreFileNotFound404) {
  EXPECT_EQ(ErrorOf(Curl({}, Url("/missing?op=GETFILESTATUS")), 404, "FileNotFoundException"),
            "File does not exist: /missing");
  EXPECT_EQ(ErrorOf(Curl({}, Url("/missing?op=LISTSTATUS")), 404, "FileNotFoundException"),
            "File /missing does not exist.");
  EXPECT_EQ(ErrorOf(Curl({"-L"}, Url("/missing?op=OPEN")), 404, "FileNotFoundException"),
            "File /missing not found.");
  EXPECT_EQ(ErrorOf(Curl({"-X", "POST"}, Url("/missing?op=APPEND")), 404,
                    "FileNotFoundException"),
            "File /missing not found.");
  EXPECT_EQ(ErrorOf(Curl({}, Url("/missing?op=GETCONTENTSUMMARY")), 404,
                    "FileNotFoundException"),
            "File does not exist: /missing");
  ASSERT_EQ(Curl({"-X", "PUT"}, Url("/adir?op=MKDIRS")).status, 200);
  EXPECT_EQ(ErrorOf(Curl({"-L"}, Url("/adir?op=OPEN")), 404, "FileNotFoundException"),
            "Path is not a file: /adir");
  EXPECT_EQ(ErrorOf(Curl({"-L", "-X", "POST", "-T", Local("x", "x")}, Url("/adir?op=APPEND")),
                    404, "FileNotFoundException"),
            "Path is not a file: /adir");
}

TEST_F(WebHdfsTest, BadOffsetsAreRefused) {
  ASSERT_EQ(Put("/off/f?op=CREATE", "0123456789").status, 201);
  EXPECT_EQ(ErrorOf(Curl({"-L"}, Url("/off/f?op=OPEN&offset=-1")), 400,
                    "IllegalArgumentException"),
            "Invalid value for webhdfs parameter \"offset\": Invalid parameter range: "
            "offset = -1 < 0");
  EXPECT_EQ(ErrorOf(Curl({"-L"}, Url("/off/f?op=OPEN&offset=ten")), 400,
                    "IllegalArgumentException"),
            "Invalid value for webhdfs parameter \"offset\": Failed to parse \"ten\" as a "
            "radix-10 long integer.");
  EXPECT_EQ(ErrorOf(Curl({"-L"}, Url("/off/f?op=OPEN&offset=10")), 403, "IOException"),
            "Offset=10 out of the range [0, 10); OPEN, path=/off/f");
  EXPECT_THAT(ErrorOf(Curl({"-L"}, Url("/off/f?op=OPEN&length=-5")), 400,
                      "IllegalArgumentException"),
              HasSubstr("length = -5 < 0"));
}

TEST_F(WebHdfsTest, NamespaceRefusalsAre403) {
  ASSERT_EQ(Put("/ref/d/f?op=CREATE", "1").status, 201);
  EXPECT_EQ(ErrorOf(Curl({"-X", "DELETE"}, Url("/ref/d?op=DELETE")), 403,
                    "PathIsNotEmptyDirectoryException"),
            "`/ref/d is non empty': Directory is not empty");
  // overwrite defaults to false: the datanode's create is refused.
  EXPECT_THAT(ErrorOf(Put("/ref/d/f?op=CREATE", "2"), 403, "FileAlreadyExistsException"),
              HasSubstr("already exists"));
  EXPECT_EQ(Get("/ref/d/f?op=OPEN"), "1");
  ASSERT_EQ(Put("/ref/d/f?op=CREATE&overwrite=true", "2").status, 201);
  EXPECT_EQ(Get("/ref/d/f?op=OPEN"), "2");
  EXPECT_EQ(ErrorOf(Curl({"-X", "PUT"}, Url("/ref/d/f?op=MKDIRS")), 403,
                    "FileAlreadyExistsException"),
            "/ref/d/f already exists as a file");
  EXPECT_EQ(ErrorOf(Curl({}, Url("/ref?op=GETFILESTATUS&user.name=alice&doas=bob")), 403,
                    "AuthorizationException"),
            "User: alice is not allowed to impersonate bob");
}

}  // namespace
}  // namespace hayloft
