// ShellFixture: one real cluster shared by every test of a suite, and helpers to
// run `hayloft fs` against it as a user would (output, error text, exit code).
//   class TrashShellTest : public ShellFixture {};
//   TEST_F(TrashShellTest, X) { CommandResult r = Fs({"-ls", "/"}); ... }
#ifndef HAYLOFT_TESTS_INTEGRATION_SHELL_FIXTURE_H_
#define HAYLOFT_TESTS_INTEGRATION_SHELL_FIXTURE_H_

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft::testing {

class ShellFixture : public ::testing::Test {
 protected:
  // The cluster starts with the first test of the suite and stops after the last.
  static void SetUpTestSuite() {
    cluster_ = new MiniCluster();
    ASSERT_OK(cluster_->Start());
    ASSERT_OK_AND_ASSIGN(conf_path_, cluster_->WriteClientConfFile());
    local_ = new TempDir(*TempDir::Create("shell_local"));
  }
  static void TearDownTestSuite() {
    delete local_;
    delete cluster_;
    local_ = nullptr;
    cluster_ = nullptr;
  }

  // `hayloft --conf <cluster conf> ARGS...` as `user`.
  static CommandResult Hayloft(std::vector<std::string> args, std::string stdin_data = "",
                               const std::string& user = "tester") {
    std::vector<std::string> argv = {HayloftBinary("hayloft"), "--conf", conf_path_};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> r = RunCommand(
        argv, {.stdin_data = std::move(stdin_data), .env = {{"HAYLOFT_USER", user}}});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : CommandResult{};
  }
  static CommandResult Fs(std::vector<std::string> args, std::string stdin_data = "") {
    args.insert(args.begin(), "fs");
    return Hayloft(std::move(args), std::move(stdin_data));
  }
  static CommandResult FsAs(const std::string& user, std::vector<std::string> args) {
    args.insert(args.begin(), "fs");
    return Hayloft(std::move(args), "", user);
  }
  // "hdfs://127.0.0.1:<port>".
  static std::string Nn() { return "hdfs://" + cluster_->namenode_address(); }
  // Writes a local file and returns its path.
  static std::string Local(const std::string& name, const std::string& content) {
    std::string p = local_->path() + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

  static inline MiniCluster* cluster_ = nullptr;
  static inline std::string conf_path_;
  static inline TempDir* local_ = nullptr;
};

}  // namespace hayloft::testing

#endif  // HAYLOFT_TESTS_INTEGRATION_SHELL_FIXTURE_H_
