// `hayloft fs`, fsck and dfsadmin as a user runs them, against one real cluster:
// output formats, error messages and exit codes as HDFS has them.
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::HayloftBinary;
using ::hayloft::testing::MiniCluster;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

class ShellTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The cluster runs as "tester", the user the commands run as: like a
    // developer on their own cluster, they are the superuser (permissions
    // themselves: permissions_itest).
    cluster_ = new MiniCluster(testing::MiniClusterOptions{.user = "tester"});
    ASSERT_OK(cluster_->Start());
    ASSERT_OK_AND_ASSIGN(conf_path_, cluster_->WriteClientConfFile());
    local_ = new testing::TempDir(*testing::TempDir::Create("shell_itest_local"));
  }
  static void TearDownTestSuite() {
    delete local_;
    delete cluster_;
  }

  // Runs `hayloft --conf <cluster conf> ARGS...` as user "tester".
  static CommandResult Hayloft(std::vector<std::string> args, std::string stdin_data = "") {
    std::vector<std::string> argv = {HayloftBinary("hayloft"), "--conf", conf_path_};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> r = testing::RunCommand(
        argv, {.stdin_data = std::move(stdin_data), .env = {{"HAYLOFT_USER", "tester"}}});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : CommandResult{};
  }
  static CommandResult Fs(std::vector<std::string> args, std::string stdin_data = "") {
    args.insert(args.begin(), "fs");
    return Hayloft(std::move(args), std::move(stdin_data));
  }
  static std::string Local(const std::string& name, const std::string& content) {
    std::string p = local_->path() + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

  static MiniCluster* cluster_;
  static std::string conf_path_;
  static testing::TempDir* local_;
};

MiniCluster* ShellTest::cluster_ = nullptr;
std::string ShellTest::conf_path_;
testing::TempDir* ShellTest::local_ = nullptr;

TEST_F(ShellTest, LsPrintsHdfsColumnsAndFoundLine) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/ls/sub"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", Local("ls.txt", "hello world\n"), "/ls/file.txt"}).exit_code, 0);
  CommandResult r = Fs({"-ls", "/ls"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], "Found 2 items");
  EXPECT_THAT(lines[1], MatchesRegex("-rw-r--r--   3 tester supergroup         12 "
                                     "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} /ls/file.txt"));
  EXPECT_THAT(lines[2], MatchesRegex("drwxr-xr-x   - tester supergroup          0 "
                                     "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} /ls/sub"));
  // A file argument lists itself without a "Found" line; -d lists the directory.
  r = Fs({"-ls", "/ls/file.txt"});
  EXPECT_THAT(r.out, StartsWith("-rw-r--r--   3 tester"));
  r = Fs({"-ls", "-d", "/ls"});
  EXPECT_THAT(r.out, MatchesRegex("drwxr-xr-x   - tester supergroup +0 .* /ls\n"));
  // -R walks the tree depth first without "Found" lines.
  ASSERT_EQ(Fs({"-touchz", "/ls/sub/deep"}).exit_code, 0);
  r = Fs({"-ls", "-R", "/ls"});
  lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_THAT(lines[1], HasSubstr(" /ls/sub"));
  EXPECT_THAT(lines[2], HasSubstr(" /ls/sub/deep"));
  // -h prints sizes as HDFS does.
  ASSERT_EQ(Fs({"-put", Local("k.bin", std::string(1536, 'k')), "/ls/k.bin"}).exit_code, 0);
  r = Fs({"-ls", "-h", "/ls/k.bin"});
  EXPECT_THAT(r.out, HasSubstr("      1.5 K "));
}

TEST_F(ShellTest, MissingPathsGiveHdfsErrorsAndExitOne) {
  CommandResult r = Fs({"-ls", "/nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "ls: `/nope': No such file or directory\n");
  r = Fs({"-cat", "/nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cat: `/nope': No such file or directory\n");
  r = Fs({"-rm", "/nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "rm: `/nope': No such file or directory\n");
  EXPECT_EQ(Fs({"-rm", "-f", "/nope"}).exit_code, 0);
  r = Fs({"-get", "/nope", local_->path() + "/x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "get: `/nope': No such file or directory\n");
  r = Fs({"-mkdir", "/no/parent"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mkdir: `/no/parent': No such file or directory\n");
  r = Fs({"-put", local_->path() + "/missing-local", "/x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
  // Errors on one argument do not stop the others.
  ASSERT_EQ(Fs({"-mkdir", "/exists"}).exit_code, 0);
  r = Fs({"-ls", "/nope", "/exists"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "ls: `/nope': No such file or directory\n");
}

TEST_F(ShellTest, ExistingPathsGiveHdfsErrors) {
  ASSERT_EQ(Fs({"-mkdir", "/ex"}).exit_code, 0);
  CommandResult r = Fs({"-mkdir", "/ex"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mkdir: `/ex': File exists\n");
  EXPECT_EQ(Fs({"-mkdir", "-p", "/ex"}).exit_code, 0);
  std::string local = Local("ex.txt", "v1");
  ASSERT_EQ(Fs({"-put", local, "/ex/f"}).exit_code, 0);
  r = Fs({"-put", local, "/ex/f"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "put: `/ex/f': File exists\n");
  ASSERT_EQ(Fs({"-put", "-f", Local("ex2.txt", "version two"), "/ex/f"}).exit_code, 0);
  EXPECT_EQ(Fs({"-cat", "/ex/f"}).out, "version two");
  r = Fs({"-mkdir", "/ex/f"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mkdir: `/ex/f': Is not a directory\n");
  r = Fs({"-rm", "/ex"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "rm: `/ex': Is a directory\n");
  r = Fs({"-cat", "/ex"});
  EXPECT_EQ(r.err, "cat: `/ex': Is a directory\n");
  r = Fs({"-touchz", "/ex/f"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "touchz: `/ex/f': Not a zero-length file\n");
  std::string got = local_->path() + "/got.txt";
  ASSERT_EQ(Fs({"-get", "/ex/f", got}).exit_code, 0);
  r = Fs({"-get", "/ex/f", got});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, absl::StrCat("get: `", got, "': File exists\n"));
}

TEST_F(ShellTest, MoveRenamesAndRefusesItsOwnSubtree) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/mv/a/b"}).exit_code, 0);
  CommandResult r = Fs({"-mv", "/mv/a", "/mv/a/b"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mv: `/mv/a' to `/mv/a/b/a': is a subdirectory of itself\n");
  ASSERT_EQ(Fs({"-mkdir", "/mv/dest"}).exit_code, 0);
  EXPECT_EQ(Fs({"-mv", "/mv/a", "/mv/dest"}).exit_code, 0);
  EXPECT_EQ(Fs({"-test", "-d", "/mv/dest/a/b"}).exit_code, 0);
  EXPECT_EQ(Fs({"-test", "-e", "/mv/a"}).exit_code, 1);
  r = Fs({"-mv", "/mv/nope", "/mv/x"});
  EXPECT_EQ(r.err, "mv: `/mv/nope': No such file or directory\n");
  ASSERT_EQ(Fs({"-touchz", "/mv/f1"}).exit_code, 0);
  ASSERT_EQ(Fs({"-touchz", "/mv/f2"}).exit_code, 0);
  r = Fs({"-mv", "/mv/f1", "/mv/f2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mv: `/mv/f2': File exists\n");
}

TEST_F(ShellTest, PutFromStdinAndGenericBlockSize) {
  std::string data(3 * 1048576 + 5, 'x');
  CommandResult r = Hayloft({"fs", "-D", "dfs.blocksize=1048576", "-put", "-", "/stdin.bin"}, data);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Hayloft({"-D", "dfs.blocksize=2097152", "fs", "-put", "-", "/stdin2.bin"}, data);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Fs({"-stat", "%b %o %r %n %F", "/stdin.bin"}).out,
            "3145733 1048576 3 stdin.bin regular file\n");
  EXPECT_EQ(Fs({"-stat", "%o", "/stdin2.bin"}).out, "2097152\n");
  EXPECT_EQ(Fs({"-cat", "/stdin.bin"}).out, data);
  EXPECT_THAT(Fs({"-stat", "/stdin.bin"}).out,
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\n"));
  EXPECT_EQ(Fs({"-stat", "%F %a %u:%g", "/"}).out, "directory 755 " +
                                                         Fs({"-stat", "%u", "/"}).out.substr(0, Fs({"-stat", "%u", "/"}).out.size() - 1) +
                                                         ":supergroup\n");
}

TEST_F(ShellTest, BadBlockSizeAndReplicationAreRefused) {
  for (const char* bad : {"dfs.blocksize=0", "dfs.blocksize=-1", "dfs.blocksize=1000",
                          "dfs.blocksize=abc", "dfs.replication=0", "dfs.replication=-2",
                          "dfs.replication=100000"}) {
    CommandResult r = Hayloft({"fs", "-D", bad, "-put", "-", "/bad"}, "data");
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_FALSE(r.err.empty()) << bad;
  }
  CommandResult r = Hayloft({"fs", "-D", "dfs.blocksize=1125899906842624", "-put", "-", "/bad"}, "d");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("block size"));
  r = Hayloft({"fs", "-D", "dfs.replication=600", "-put", "-", "/bad"}, "d");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("exceeds maximum of 512"));
  EXPECT_EQ(Fs({"-test", "-e", "/bad"}).exit_code, 1) << "nothing may be left behind";
  r = Hayloft({"fs", "-D", "novalue", "-ls", "/"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err, HasSubstr("expected key=value"));
}

TEST_F(ShellTest, TestTouchzStatDuSetrepRm) {
  ASSERT_EQ(Fs({"-mkdir", "/t"}).exit_code, 0);
  ASSERT_EQ(Fs({"-touchz", "/t/empty"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/t/full"}, std::string(1000, 'f')).exit_code, 0);
  EXPECT_EQ(Fs({"-test", "-e", "/t/empty"}).exit_code, 0);
  EXPECT_EQ(Fs({"-test", "-z", "/t/empty"}).exit_code, 0);
  EXPECT_EQ(Fs({"-test", "-s", "/t/empty"}).exit_code, 1);
  EXPECT_EQ(Fs({"-test", "-s", "/t/full"}).exit_code, 0);
  EXPECT_EQ(Fs({"-test", "-f", "/t/full"}).exit_code, 0);
  EXPECT_EQ(Fs({"-test", "-d", "/t/full"}).exit_code, 1);
  EXPECT_EQ(Fs({"-test", "-d", "/t"}).exit_code, 0);
  EXPECT_EQ(Fs({"-test", "-e", "/t/none"}).exit_code, 1);
  CommandResult r = Fs({"-test", "/t"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err, HasSubstr("No test flag given"));

  r = Fs({"-du", "/t"});
  EXPECT_EQ(r.out, "0     0     /t/empty\n1000  3000  /t/full\n");
  r = Fs({"-du", "-s", "/t"});
  EXPECT_EQ(r.out, "1000  3000  /t\n");

  r = Fs({"-setrep", "2", "/t/full"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Replication 2 set: /t/full\n");
  EXPECT_EQ(Fs({"-stat", "%r", "/t/full"}).out, "2\n");
  r = Fs({"-setrep", "0", "/t/full"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err, HasSubstr("replication must be >= 1"));
  r = Fs({"-setrep", "-w", "3", "/t/full"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Waiting for /t/full ..."));

  r = Fs({"-rm", "-skipTrash", "/t/full"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Deleted /t/full\n");
  r = Fs({"-rm", "-r", "-skipTrash", "/t"});
  EXPECT_EQ(r.out, "Deleted /t\n");
  EXPECT_EQ(Fs({"-test", "-e", "/t"}).exit_code, 1);
}

TEST_F(ShellTest, HeadTailCountDfCpGetmergeText) {
  std::string data;
  for (int i = 0; i < 400; ++i) data += absl::StrCat("line ", i, "\n");  // > 1 KiB
  ASSERT_EQ(Fs({"-mkdir", "/m"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/m/a"}, data).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/m/b"}, "bee\n").exit_code, 0);
  EXPECT_EQ(Fs({"-head", "/m/a"}).out, data.substr(0, 1024));
  EXPECT_EQ(Fs({"-tail", "/m/a"}).out, data.substr(data.size() - 1024));
  EXPECT_EQ(Fs({"-tail", "/m/b"}).out, "bee\n");
  EXPECT_EQ(Fs({"-text", "/m/b"}).out, "bee\n");
  CommandResult r = Fs({"-head", "/m"});
  EXPECT_EQ(r.err, "head: `/m': Is a directory\n");
  // -count: DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME in %12s %12s %18s.
  r = Fs({"-count", "/m"});
  EXPECT_EQ(r.out, absl::StrFormat("%12d %12d %18d /m\n", 1, 2, data.size() + 4));
  r = Fs({"-count", "-v", "/m/b"});
  EXPECT_EQ(r.out, "   DIR_COUNT   FILE_COUNT       CONTENT_SIZE PATHNAME\n"
                   "           0            1                  4 /m/b\n");
  r = Fs({"-df"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, MatchesRegex("Filesystem +Size +Used +Available +Use%\nhdfs://127\\.0\\.0\\.1:"
                                  "[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+%\n"));
  // -cp copies bytes, refuses an existing target without -f.
  EXPECT_EQ(Fs({"-cp", "/m/a", "/m/c"}).exit_code, 0);
  EXPECT_EQ(Fs({"-cat", "/m/c"}).out, data);
  r = Fs({"-cp", "/m/b", "/m/c"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cp: `/m/c': File exists\n");
  EXPECT_EQ(Fs({"-cp", "-f", "/m/b", "/m/c"}).exit_code, 0);
  EXPECT_EQ(Fs({"-cat", "/m/c"}).out, "bee\n");
  // -getmerge concatenates the directory's files in name order.
  std::string merged = local_->path() + "/merged";
  ASSERT_EQ(Fs({"-getmerge", "/m", merged}).exit_code, 0);
  std::ifstream in(merged, std::ios::binary);
  std::string got((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(got, data + "bee\n" + "bee\n");
}

TEST_F(ShellTest, UnknownCommandsAndOptionsAreUsageErrors) {
  CommandResult r = Fs({"-frobnicate"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err, StartsWith("-frobnicate: Unknown command\n"));
  r = Fs({"-ls", "-Z", "/"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err, StartsWith("-ls: Illegal option -Z\n"));
}

TEST_F(ShellTest, DfsadminReportListsLiveDatanodesWithRacks) {
  CommandResult r = Hayloft({"dfsadmin", "-report"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Live datanodes (3):"));
  EXPECT_THAT(r.out, HasSubstr("Rack: /rack1"));
  EXPECT_THAT(r.out, HasSubstr("Rack: /rack2"));
  EXPECT_THAT(r.out, HasSubstr("Decommission Status : Normal"));
  EXPECT_THAT(r.out, MatchesRegex("(.|\n)*Configured Capacity: [0-9]+ \\([0-9.]+ [KMGT]?B\\)(.|\n)*"));
  EXPECT_EQ(Hayloft({"dfsadmin", "-safemode", "get"}).out, "Safe mode is OFF\n");
}

TEST_F(ShellTest, FsckOfMissingPathAndBadOption) {
  CommandResult r = Hayloft({"fsck", "/no/such"});
  EXPECT_THAT(r.out, HasSubstr("Path '/no/such' does not exist"));
  r = Hayloft({"fsck", "/", "-bogus"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err, HasSubstr("fsck: Illegal option '-bogus'"));
}

TEST_F(ShellTest, PathsWithSpacesAndUnicodeRoundTrip) {
  std::string name = "/odd dir/ünïcødé %#.txt";
  ASSERT_EQ(Fs({"-mkdir", "-p", "/odd dir"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", name}, "odd").exit_code, 0);
  EXPECT_EQ(Fs({"-cat", name}).out, "odd");
  EXPECT_THAT(Fs({"-ls", "/odd dir"}).out, HasSubstr(name));
  CommandResult r = Fs({"-mkdir", "/bad:name"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Invalid path name"));
}

}  // namespace
}  // namespace hayloft
