// Standard WebHDFS clients work unchanged: tests/web/webhdfs_client_test.js drives a
// real cluster with the public Node.js client (npm `webhdfs`). Its packages come
// from tests/web/package-lock.json (`npm ci` in tests/web, as deploy/test.sh does).
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/status_matchers.h"

namespace hayloft {
namespace {

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::MiniCluster;
using ::testing::HasSubstr;

TEST(WebHdfsClientTest, NodeJsClientWritesReadsListsRenamesAndDeletes) {
  const std::string web_dir = std::string(HAYLOFT_SOURCE_DIR) + "/tests/web";
  ASSERT_TRUE(std::filesystem::exists(web_dir + "/node_modules/webhdfs"))
      << "the npm packages are missing: run `npm ci` in " << web_dir
      << " (deploy/test.sh does)";
  MiniCluster cluster;  // 3 datanodes, 1 MiB blocks: the test's file spans blocks
  ASSERT_OK(cluster.Start());
  // The client writes in its home directory, which an administrator made for it.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsClient> admin, cluster.NewDfsClient());
  ASSERT_OK(admin->Mkdirs("/user/webuser", /*create_parent=*/true, 0755));
  ASSERT_OK(admin->SetOwner("/user/webuser", "webuser", ""));
  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      testing::RunCommand({"node", web_dir + "/webhdfs_client_test.js",
                           cluster.namenode_http_address()},
                          {.timeout = absl::Minutes(5)}));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("all steps passed")) << r.out << r.err;
}

}  // namespace
}  // namespace hayloft
