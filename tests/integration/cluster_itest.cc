// `hayloft cluster up|status|down` as a user runs it: real daemons in the
// background, pid files, restart of what is missing, the status line format. The
// clusters here bind port 0 (via -D) so that tests can run in parallel with each
// other and with a developer's own cluster on the default ports.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/subprocess.h"
#include "tests/testing/command.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/wait_for.h"

namespace hayloft {
namespace {

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::HayloftBinary;
using ::hayloft::testing::RunCommand;
using ::hayloft::testing::TempDir;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// The n-th space-separated field of a status line.
std::string Field(const std::string& line, size_t n) {
  std::vector<std::string> fields = absl::StrSplit(line, ' ');
  return n < fields.size() ? fields[n] : "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class ClusterCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("cluster_itest");
    ASSERT_OK(dir);
    dir_.emplace(std::move(*dir));
    cluster_dir_ = dir_->Join("cluster");
  }

  // Whatever happened, no daemon outlives the test.
  void TearDown() override {
    if (std::filesystem::exists(cluster_dir_ + "/cluster.conf")) Cluster({"down"});
  }

  // Runs `hayloft [generic...] cluster ARGS... --dir <cluster dir>`.
  CommandResult Cluster(std::vector<std::string> args,
                        std::vector<std::string> generic = {}) {
    std::vector<std::string> argv = {HayloftBinary("hayloft")};
    argv.insert(argv.end(), generic.begin(), generic.end());
    argv.push_back("cluster");
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--dir");
    argv.push_back(cluster_dir_);
    absl::StatusOr<CommandResult> r = RunCommand(argv, {.timeout = absl::Seconds(120)});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : CommandResult{};
  }

  // `up` on free ports (port 0, remembered by the cluster dir).
  CommandResult UpOnFreePorts(std::vector<std::string> args) {
    args.insert(args.begin(), "up");
    return Cluster(args, {"-D", "dfs.namenode.rpc-address=127.0.0.1:0", "-D",
                          "dfs.datanode.address=0.0.0.0:0", "-D", "dfs.blocksize=1048576",
                          "-D", "mapreduce.jobtracker.address=127.0.0.1:0", "-D",
                          "hayloft.worker.address=0.0.0.0:0", "-D",
                          "dfs.namenode.http-address=127.0.0.1:0", "-D",
                          "dfs.datanode.http.address=0.0.0.0:0", "-D",
                          "mapreduce.jobtracker.http.address=127.0.0.1:0", "-D",
                          "mapreduce.tasktracker.http.address=0.0.0.0:0"});
  }

  pid_t PidOf(const std::string& daemon) {
    int pid = 0;
    EXPECT_TRUE(absl::SimpleAtoi(
        absl::StripAsciiWhitespace(ReadFile(cluster_dir_ + "/pids/" + daemon + ".pid")), &pid));
    return pid;
  }

  std::optional<TempDir> dir_;
  std::string cluster_dir_;
};

TEST_F(ClusterCommandTest, UpStatusRestartAndDown) {
  CommandResult up = UpOnFreePorts({"--datanodes", "2", "--racks", "2"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_THAT(up.out, HasSubstr("Hayloft cluster is up"));
  EXPECT_THAT(up.out, ContainsRegex("namenode web   http://127\\.0\\.0\\.1:[0-9]+/"));
  EXPECT_THAT(up.out, ContainsRegex("datanode 2 .* web http://127\\.0\\.1\\.2:[0-9]+/"));
  EXPECT_EQ(ReadFile(cluster_dir_ + "/conf/racks"),
            "# host rack: the local cluster's topology (hayloft cluster up)\n"
            "127.0.1.1 /rack1\n127.0.1.2 /rack2\n");

  CommandResult status = Cluster({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  std::vector<std::string> lines = absl::StrSplit(status.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u) << status.out;  // and the jobtracker + 2 workers (default)
  EXPECT_THAT(lines[0], MatchesRegex("namenode 0 127\\.0\\.0\\.1:[0-9]+ [0-9]+ running"));
  EXPECT_THAT(lines[1], MatchesRegex("datanode 1 127\\.0\\.1\\.1:[0-9]+ [0-9]+ running"));
  EXPECT_THAT(lines[2], MatchesRegex("datanode 2 127\\.0\\.1\\.2:[0-9]+ [0-9]+ running"));
  EXPECT_THAT(lines[3], MatchesRegex("jobtracker 0 127\\.0\\.0\\.1:[0-9]+ [0-9]+ running"));
  EXPECT_THAT(lines[4], MatchesRegex("worker 1 127\\.0\\.1\\.1:[0-9]+ [0-9]+ running"));
  EXPECT_THAT(lines[5], MatchesRegex("worker 2 127\\.0\\.1\\.2:[0-9]+ [0-9]+ running"));

  // A datanode dies; `up` starts it again on the same address, nothing else.
  const pid_t namenode_pid = PidOf("namenode-0");
  ASSERT_EQ(::kill(PidOf("datanode-2"), SIGKILL), 0);
  ASSERT_TRUE(testing::WaitFor([&] { return Cluster({"status"}).exit_code == 1; },
                               absl::Seconds(10)));
  std::vector<std::string> stopped = absl::StrSplit(Cluster({"status"}).out, '\n');
  EXPECT_THAT(stopped[2], MatchesRegex("datanode 2 127\\.0\\.1\\.2:[0-9]+ - stopped"));

  CommandResult again = Cluster({"up"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("namenode 0 on " + Field(lines[0], 2) + ": already running"));
  EXPECT_THAT(again.out, HasSubstr("datanode 2 on " + Field(lines[2], 2) + ": started"));
  EXPECT_EQ(PidOf("namenode-0"), namenode_pid);

  // The shape is fixed when the dir is created.
  CommandResult changed = Cluster({"up", "--datanodes", "3"});
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_THAT(changed.err, HasSubstr("was created with --datanodes 2"));

  CommandResult down = Cluster({"down"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_FALSE(IsProcessAlive(namenode_pid));
  CommandResult after = Cluster({"status"});
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_THAT(after.out, HasSubstr("namenode 0 "));
  EXPECT_THAT(after.out, Not(HasSubstr("running")));
}

TEST_F(ClusterCommandTest, ClientConfReachesTheClusterAndReplicasAreBlkFiles) {
  CommandResult up = UpOnFreePorts({"--datanodes", "1", "--racks", "1"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  std::string local = dir_->Join("hello.txt");
  std::ofstream(local) << "hello, loft\n";
  std::string conf = cluster_dir_ + "/conf/client.conf";
  ASSERT_OK_AND_ASSIGN(CommandResult put,
                       RunCommand({HayloftBinary("hayloft"), "--conf", conf, "fs", "-put",
                                   local, "/hello.txt"}));
  ASSERT_EQ(put.exit_code, 0) << put.err;
  ASSERT_OK_AND_ASSIGN(CommandResult cat, RunCommand({HayloftBinary("hayloft"), "--conf",
                                                      conf, "fs", "-cat", "/hello.txt"}));
  EXPECT_EQ(cat.out, "hello, loft\n");
  int blk_files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(cluster_dir_ + "/datanode-1/data")) {
    std::string name = entry.path().filename().string();
    if (name.rfind("blk_", 0) == 0 && name.find(".meta") == std::string::npos) ++blk_files;
  }
  EXPECT_EQ(blk_files, 1);
}

TEST_F(ClusterCommandTest, UpRefusesAPortInUseAndSaysWhichOne) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);

  CommandResult up = Cluster(
      {"up"}, {"-D", absl::StrCat("dfs.namenode.rpc-address=127.0.0.1:", port)});
  ::close(fd);
  EXPECT_EQ(up.exit_code, 1);
  EXPECT_THAT(up.err, HasSubstr(absl::StrCat("port ", port, " on 127.0.0.1 is already in use")));
}

TEST_F(ClusterCommandTest, StatusAndDownWithoutAClusterFail) {
  CommandResult status = Cluster({"status"});
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_THAT(status.err, HasSubstr("no cluster in"));
  EXPECT_EQ(Cluster({"down"}).exit_code, 1);
  EXPECT_EQ(Cluster({"bogus"}).exit_code, 1);
}

}  // namespace
}  // namespace hayloft
