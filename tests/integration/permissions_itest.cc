// HDFS permissions through the `hayloft` command, run as different users
// (HAYLOFT_USER) against a real cluster: what is refused says so as HDFS does
// ("<cmd>: Permission denied: user=..., access=..., inode=...") with exit 1 and
// changes nothing; the superuser may do anything; chmod/chown/chgrp work as in
// `hdfs dfs`. The cluster runs as the test's own user, its superuser.
#include <pwd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::HayloftBinary;
using ::hayloft::testing::MiniCluster;
using ::hayloft::testing::MiniClusterOptions;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Runs `hayloft --conf CONF ARGS...` as `user`.
CommandResult RunAs(const std::string& conf, const std::string& user,
                    std::vector<std::string> args, std::string stdin_data = "") {
  std::vector<std::string> argv = {HayloftBinary("hayloft"), "--conf", conf};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<CommandResult> r = testing::RunCommand(
      argv, {.stdin_data = std::move(stdin_data), .env = {{"HAYLOFT_USER", user}}});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : CommandResult{};
}

bool OsUserExists(const char* name) { return ::getpwnam(name) != nullptr; }

class PermissionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new MiniCluster(MiniClusterOptions{.num_datanodes = 1, .num_racks = 1,
                                                  .replication = 1});
    ASSERT_OK(cluster_->Start());
    ASSERT_OK_AND_ASSIGN(conf_, cluster_->WriteClientConfFile());
    local_ = new testing::TempDir(*testing::TempDir::Create("permissions_itest_local"));
  }
  static void TearDownTestSuite() {
    delete local_;
    delete cluster_;
  }

  static CommandResult Fs(const std::string& user, std::vector<std::string> args,
                          std::string stdin_data = "") {
    args.insert(args.begin(), "fs");
    return RunAs(conf_, user, std::move(args), std::move(stdin_data));
  }
  // As the superuser; the test stops if it fails.
  static void Super(std::vector<std::string> args, std::string stdin_data = "") {
    CommandResult r = Fs(superuser(), args, std::move(stdin_data));
    ASSERT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << ": " << r.err;
  }
  // A directory made by the superuser and given to `owner`.
  static void HomeFor(const std::string& owner, const std::string& dir) {
    Super({"-mkdir", "-p", dir});
    Super({"-chown", owner, dir});
  }
  static std::string superuser() { return cluster_->user(); }
  // The -ls line of one path (-d), without the date columns' variability.
  static std::string Mode(const std::string& path) {
    CommandResult r = Fs(superuser(), {"-stat", "%A %u:%g", path});
    return r.exit_code == 0 ? r.out.substr(0, r.out.size() - 1) : "(" + r.err + ")";
  }
  static std::string Local(const std::string& name, const std::string& content) {
    std::string p = local_->path() + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

  static MiniCluster* cluster_;
  static std::string conf_;
  static testing::TempDir* local_;
};

MiniCluster* PermissionsTest::cluster_ = nullptr;
std::string PermissionsTest::conf_;
testing::TempDir* PermissionsTest::local_ = nullptr;

TEST_F(PermissionsTest, WritesIntoSomeoneElsesDirectoryAreRefusedAndChangeNothing) {
  HomeFor("alice", "/w/alice");
  ASSERT_EQ(Fs("alice", {"-put", "-", "/w/alice/f"}, "alice's").exit_code, 0);
  const std::string denied =
      "Permission denied: user=bob, access=WRITE, inode=\"/w/alice\":alice:supergroup:"
      "drwxr-xr-x\n";
  struct Case {
    std::vector<std::string> args;
    std::string stdin_data;
    std::string err;
  };
  std::string local = Local("bobs.txt", "bob's");
  for (const Case& c : std::vector<Case>{
           {{"-mkdir", "/w/alice/x"}, "", "mkdir: " + denied},
           {{"-mkdir", "-p", "/w/alice/x/y"}, "", "mkdir: " + denied},
           {{"-put", local, "/w/alice/g"}, "", "put: " + denied},
           {{"-put", "-", "/w/alice/h"}, "data", "put: " + denied},
           {{"-touchz", "/w/alice/t"}, "", "touchz: " + denied},
           {{"-rm", "-skipTrash", "/w/alice/f"}, "", "rm: " + denied},
           {{"-mv", "/w/alice/f", "/w/alice/f2"}, "", "mv: " + denied},
           {{"-appendToFile", local, "/w/alice/f"}, "",
            "appendToFile: Permission denied: user=bob, access=WRITE, "
            "inode=\"/w/alice/f\":alice:supergroup:-rw-r--r--\n"},
           {{"-setrep", "2", "/w/alice/f"}, "",
            "setrep: Permission denied: user=bob, access=WRITE, "
            "inode=\"/w/alice/f\":alice:supergroup:-rw-r--r--\n"},
       }) {
    CommandResult r = Fs("bob", c.args, c.stdin_data);
    EXPECT_EQ(r.exit_code, 1) << absl::StrJoin(c.args, " ");
    EXPECT_EQ(r.err, c.err) << absl::StrJoin(c.args, " ");
  }
  // Nothing changed: one file, alice's, as it was.
  CommandResult ls = Fs("alice", {"-ls", "/w/alice"});
  EXPECT_THAT(ls.out, StartsWith("Found 1 items\n-rw-r--r--   1 alice supergroup"));
  EXPECT_EQ(Fs("alice", {"-cat", "/w/alice/f"}).out, "alice's");
  // Her own writes go through.
  EXPECT_EQ(Fs("alice", {"-mkdir", "/w/alice/x"}).exit_code, 0);
  EXPECT_EQ(Fs("alice", {"-appendToFile", local, "/w/alice/f"}).exit_code, 0);
  EXPECT_EQ(Fs("alice", {"-rm", "-r", "-skipTrash", "/w/alice/x"}).exit_code, 0);
}

TEST_F(PermissionsTest, HomeDirectoriesAndRelativePaths) {
  // HDFS makes no home directories: the superuser does, as an admin would.
  CommandResult r = Fs("carol", {"-mkdir", "notes"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mkdir: `notes': No such file or directory\n");
  r = Fs("carol", {"-mkdir", "-p", "notes"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("mkdir: Permission denied: user=carol, access=WRITE, inode=\"/"));
  HomeFor("carol", "/user/carol");
  EXPECT_EQ(Fs("carol", {"-mkdir", "notes"}).exit_code, 0);
  EXPECT_EQ(Fs("carol", {"-put", "-", "notes/today"}, "hay").exit_code, 0);
  EXPECT_EQ(Fs("carol", {"-cat", "notes/today"}).out, "hay");
  EXPECT_EQ(Mode("/user/carol/notes/today"), "rw-r--r-- carol:supergroup");
}

TEST_F(PermissionsTest, ReadsAndListingsOfPrivateDataAreRefused) {
  HomeFor("alice", "/r/alice");
  ASSERT_EQ(Fs("alice", {"-mkdir", "/r/alice/private"}).exit_code, 0);
  ASSERT_EQ(Fs("alice", {"-put", "-", "/r/alice/private/secret"}, "s3cret").exit_code, 0);
  ASSERT_EQ(Fs("alice", {"-put", "-", "/r/alice/mine.txt"}, "mine").exit_code, 0);
  ASSERT_EQ(Fs("alice", {"-chmod", "700", "/r/alice/private"}).exit_code, 0);
  ASSERT_EQ(Fs("alice", {"-chmod", "600", "/r/alice/mine.txt"}).exit_code, 0);

  CommandResult r = Fs("bob", {"-cat", "/r/alice/mine.txt"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "cat: Permission denied: user=bob, access=READ, "
                   "inode=\"/r/alice/mine.txt\":alice:supergroup:-rw-------\n");
  std::string got = local_->path() + "/stolen";
  r = Fs("bob", {"-get", "/r/alice/mine.txt", got});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("get: Permission denied: user=bob, access=READ"));
  EXPECT_FALSE(std::filesystem::exists(got));
  r = Fs("bob", {"-ls", "/r/alice/private"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "ls: Permission denied: user=bob, access=READ_EXECUTE, "
                   "inode=\"/r/alice/private\":alice:supergroup:drwx------\n");
  r = Fs("bob", {"-cat", "/r/alice/private/secret"});
  EXPECT_EQ(r.err, "cat: Permission denied: user=bob, access=EXECUTE, "
                   "inode=\"/r/alice/private\":alice:supergroup:drwx------\n");
  r = Fs("bob", {"-du", "-s", "/r/alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("du: Permission denied: user=bob, access=READ_EXECUTE, "
                                "inode=\"/r/alice/private\""));
  // The listing of her home is open (755), and it shows the modes.
  r = Fs("bob", {"-ls", "/r/alice"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("-rw-------   1 alice supergroup"));
  EXPECT_THAT(r.out, HasSubstr("drwx------   - alice supergroup"));
  // fsck runs as the caller too, and fails as HDFS's does.
  r = RunAs(conf_, "bob", {"fsck", "/r/alice"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.out, StartsWith("FSCK started by bob (auth:SIMPLE) from /"));
  // Children are checked in name order: mine.txt (unreadable) before private/.
  EXPECT_THAT(r.out, HasSubstr("\nPermission denied: user=bob, access=READ, "
                               "inode=\"/r/alice/mine.txt\":alice:supergroup:-rw-------\n"));
  EXPECT_THAT(r.out, EndsWith("\n\n\nFsck on path '/r/alice' FAILED\n"));
  r = RunAs(conf_, "alice", {"fsck", "/r/alice"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Fs("alice", {"-cat", "/r/alice/private/secret"}).out, "s3cret");
}

TEST_F(PermissionsTest, RecursiveDeleteNeedsRightsOnEverythingBelow) {
  HomeFor("alice", "/d/alice");
  ASSERT_EQ(Fs("alice", {"-mkdir", "-p", "/d/alice/tree/mine"}).exit_code, 0);
  HomeFor("bob", "/d/alice/tree/bobs");
  ASSERT_EQ(Fs("bob", {"-put", "-", "/d/alice/tree/bobs/f"}, "b").exit_code, 0);
  CommandResult r = Fs("alice", {"-rm", "-r", "-skipTrash", "/d/alice/tree"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "rm: Permission denied: user=alice, access=ALL, "
                   "inode=\"/d/alice/tree/bobs\":bob:supergroup:drwxr-xr-x\n");
  EXPECT_EQ(Fs("alice", {"-test", "-d", "/d/alice/tree/mine"}).exit_code, 0);
  EXPECT_EQ(Fs("alice", {"-cat", "/d/alice/tree/bobs/f"}).out, "b");
  // The superuser may.
  EXPECT_EQ(Fs(superuser(), {"-rm", "-r", "-skipTrash", "/d/alice/tree"}).exit_code, 0);
  EXPECT_EQ(Fs("alice", {"-test", "-e", "/d/alice/tree"}).exit_code, 1);
}

TEST_F(PermissionsTest, StickyTmpDirectory) {
  Super({"-mkdir", "/tmpdir"});
  Super({"-chmod", "1777", "/tmpdir"});
  CommandResult ls = Fs("alice", {"-ls", "-d", "/tmpdir"});
  EXPECT_THAT(ls.out, StartsWith("drwxrwxrwt   - " + superuser() + " supergroup"));
  ASSERT_EQ(Fs("alice", {"-put", "-", "/tmpdir/a"}, "a").exit_code, 0);
  ASSERT_EQ(Fs("bob", {"-put", "-", "/tmpdir/b"}, "b").exit_code, 0);
  const std::string sticky = "Permission denied by sticky bit: user=alice, "
                             "path=\"/tmpdir/b\":bob:supergroup:-rw-r--r--, parent=\"/tmpdir\":" +
                             superuser() + ":supergroup:drwxrwxrwt\n";
  CommandResult r = Fs("alice", {"-rm", "-skipTrash", "/tmpdir/b"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "rm: " + sticky);
  r = Fs("alice", {"-mv", "/tmpdir/b", "/tmpdir/c"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "mv: " + sticky);
  EXPECT_EQ(Fs("bob", {"-cat", "/tmpdir/b"}).out, "b");
  EXPECT_EQ(Fs("alice", {"-mv", "/tmpdir/a", "/tmpdir/a2"}).exit_code, 0);
  EXPECT_EQ(Fs("alice", {"-rm", "-skipTrash", "/tmpdir/a2"}).exit_code, 0);
  EXPECT_EQ(Fs("bob", {"-rm", "-skipTrash", "/tmpdir/b"}).exit_code, 0);
  // Without the bit, WRITE on the directory is enough; T when others lack x.
  // "-t" would be an option, as in Hadoop; "o-t" is the mode.
  CommandResult bad = Fs(superuser(), {"-chmod", "-t", "/tmpdir"});
  EXPECT_EQ(bad.exit_code, 255);
  EXPECT_THAT(bad.err, StartsWith("-chmod: Illegal option -t\n"));
  Super({"-chmod", "o-t", "/tmpdir"});
  EXPECT_EQ(Mode("/tmpdir"), "rwxrwxrwx " + superuser() + ":supergroup");
  Super({"-chmod", "1770", "/tmpdir"});
  EXPECT_EQ(Mode("/tmpdir"), "rwxrwx--T " + superuser() + ":supergroup");
}

TEST_F(PermissionsTest, SuperuserBypassesEveryCheck) {
  HomeFor("alice", "/s/alice");
  ASSERT_EQ(Fs("alice", {"-mkdir", "/s/alice/locked"}).exit_code, 0);
  ASSERT_EQ(Fs("alice", {"-put", "-", "/s/alice/locked/f"}, "x").exit_code, 0);
  ASSERT_EQ(Fs("alice", {"-chmod", "000", "/s/alice/locked/f", "/s/alice/locked"}).exit_code, 0);
  EXPECT_EQ(Fs("alice", {"-cat", "/s/alice/locked/f"}).exit_code, 1);
  EXPECT_EQ(Fs(superuser(), {"-cat", "/s/alice/locked/f"}).out, "x");
  EXPECT_EQ(Fs(superuser(), {"-ls", "/s/alice/locked"}).exit_code, 0);
  EXPECT_EQ(Fs(superuser(), {"-put", "-", "/s/alice/locked/g"}, "y").exit_code, 0);
  EXPECT_EQ(RunAs(conf_, superuser(), {"fsck", "/s"}).exit_code, 0);
  EXPECT_EQ(Fs(superuser(), {"-rm", "-r", "-skipTrash", "/s/alice/locked"}).exit_code, 0);
}

TEST_F(PermissionsTest, ChmodOctalSymbolicAndRecursive) {
  HomeFor("alice", "/c/alice");
  ASSERT_EQ(Fs("alice", {"-mkdir", "-p", "/c/alice/tree/sub"}).exit_code, 0);
  ASSERT_EQ(Fs("alice", {"-put", "-", "/c/alice/tree/f"}, "f").exit_code, 0);
  ASSERT_EQ(Fs("alice", {"-put", "-", "/c/alice/tree/sub/g"}, "g").exit_code, 0);
  EXPECT_EQ(Fs("alice", {"-chmod", "640", "/c/alice/tree/f"}).exit_code, 0);
  EXPECT_EQ(Mode("/c/alice/tree/f"), "rw-r----- alice:supergroup");
  EXPECT_EQ(Fs("alice", {"-chmod", "u+x,go-r", "/c/alice/tree/f"}).exit_code, 0);
  EXPECT_EQ(Mode("/c/alice/tree/f"), "rwx------ alice:supergroup");
  // As in Hadoop, a later clause for a class replaces an earlier one: u+w keeps x.
  EXPECT_EQ(Fs("alice", {"-chmod", "a=r,u+w", "/c/alice/tree/f"}).exit_code, 0);
  EXPECT_EQ(Mode("/c/alice/tree/f"), "rwxr--r-- alice:supergroup");
  EXPECT_EQ(Fs("alice", {"-chmod", "0644", "/c/alice/tree/f"}).exit_code, 0);
  // X: directories get x, files without any x do not.
  EXPECT_EQ(Fs("alice", {"-chmod", "-R", "go-rwx", "/c/alice/tree"}).exit_code, 0);
  EXPECT_EQ(Fs("alice", {"-chmod", "-R", "o+X", "/c/alice/tree"}).exit_code, 0);
  EXPECT_EQ(Mode("/c/alice/tree"), "rwx-----x alice:supergroup");
  EXPECT_EQ(Mode("/c/alice/tree/sub"), "rwx-----x alice:supergroup");
  EXPECT_EQ(Mode("/c/alice/tree/f"), "rw------- alice:supergroup");
  EXPECT_EQ(Mode("/c/alice/tree/sub/g"), "rw------- alice:supergroup");
  EXPECT_EQ(Fs("alice", {"-chmod", "+t", "/c/alice/tree"}).exit_code, 0);
  EXPECT_EQ(Mode("/c/alice/tree"), "rwx-----t alice:supergroup");
  EXPECT_EQ(Fs("alice", {"-stat", "%a", "/c/alice/tree"}).out, "1701\n");
  // Several paths at once.
  EXPECT_EQ(Fs("alice", {"-chmod", "755", "/c/alice/tree", "/c/alice/tree/sub"}).exit_code, 0);
  EXPECT_EQ(Mode("/c/alice/tree"), "rwxr-xr-x alice:supergroup");
  EXPECT_EQ(Mode("/c/alice/tree/sub"), "rwxr-xr-x alice:supergroup");
}

TEST_F(PermissionsTest, ChmodErrors) {
  HomeFor("alice", "/ce/alice");
  ASSERT_EQ(Fs("alice", {"-put", "-", "/ce/alice/f"}, "f").exit_code, 0);
  CommandResult r = Fs("bob", {"-chmod", "777", "/ce/alice/f"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "chmod: changing permissions of '/ce/alice/f': Permission denied. "
                   "user=bob is not the owner of inode=/ce/alice/f\n");
  EXPECT_EQ(Mode("/ce/alice/f"), "rw-r--r-- alice:supergroup");
  // A chmod that changes nothing asks nothing of the namenode, so it succeeds.
  EXPECT_EQ(Fs("bob", {"-chmod", "644", "/ce/alice/f"}).exit_code, 0);
  r = Fs("alice", {"-chmod", "8x8", "/ce/alice/f"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.err, "-chmod: chmod : mode '8x8' does not match the expected pattern.\n"
                   "Usage: hayloft fs [generic options] -chmod [-R] <MODE[,MODE]... | OCTALMODE> "
                   "PATH...\n");
  r = Fs("alice", {"-chmod", "755"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err, StartsWith("-chmod: Not enough arguments: expected 2 but got 1\n"));
  r = Fs("alice", {"-chmod", "755", "/ce/alice/none", "/ce/alice/f"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "chmod: `/ce/alice/none': No such file or directory\n");
  EXPECT_EQ(Mode("/ce/alice/f"), "rwxr-xr-x alice:supergroup");  // the others still done
}

TEST_F(PermissionsTest, ChownAndChgrp) {
  HomeFor("alice", "/o/alice");
  ASSERT_EQ(Fs("alice", {"-mkdir", "-p", "/o/alice/tree/sub"}).exit_code, 0);
  ASSERT_EQ(Fs("alice", {"-put", "-", "/o/alice/tree/sub/f"}, "f").exit_code, 0);
  CommandResult r = Fs("alice", {"-chown", "bob", "/o/alice/tree"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "chown: changing ownership of '/o/alice/tree': User alice is not a super "
                   "user (non-super user cannot change owner).\n");
  r = Fs("alice", {"-chgrp", "staff", "/o/alice/tree"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "chgrp: changing ownership of '/o/alice/tree': User alice does not belong "
                   "to staff\n");
  EXPECT_EQ(Mode("/o/alice/tree"), "rwxr-xr-x alice:supergroup");
  // Giving a file to oneself changes nothing and needs nothing.
  EXPECT_EQ(Fs("alice", {"-chown", "alice", "/o/alice/tree"}).exit_code, 0);

  Super({"-chown", "bob:staff", "/o/alice/tree"});
  EXPECT_EQ(Mode("/o/alice/tree"), "rwxr-xr-x bob:staff");
  EXPECT_EQ(Mode("/o/alice/tree/sub"), "rwxr-xr-x alice:supergroup");
  Super({"-chown", ":ops", "/o/alice/tree"});
  EXPECT_EQ(Mode("/o/alice/tree"), "rwxr-xr-x bob:ops");
  Super({"-chown", "-R", "carol", "/o/alice/tree"});
  EXPECT_EQ(Mode("/o/alice/tree"), "rwxr-xr-x carol:ops");
  EXPECT_EQ(Mode("/o/alice/tree/sub"), "rwxr-xr-x carol:supergroup");
  EXPECT_EQ(Mode("/o/alice/tree/sub/f"), "rw-r--r-- carol:supergroup");
  Super({"-chgrp", "-R", "team", "/o/alice/tree"});
  EXPECT_EQ(Mode("/o/alice/tree/sub/f"), "rw-r--r-- carol:team");
  // Files made later inherit the directory's group.
  Super({"-chmod", "777", "/o/alice/tree/sub"});
  ASSERT_EQ(Fs("alice", {"-put", "-", "/o/alice/tree/sub/new"}, "n").exit_code, 0);
  EXPECT_EQ(Mode("/o/alice/tree/sub/new"), "rw-r--r-- alice:team");

  for (auto [args, err] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"-chown", "a:b:c", "/o/alice"},
            "-chown: 'a:b:c' does not match expected pattern for [owner][:group].\n"},
           {{"-chown", ":", "/o/alice"}, "-chown: ':' does not specify owner or group.\n"},
           {{"-chgrp", "a b", "/o/alice"},
            "-chgrp: 'a b' does not match expected pattern for group\n"},
       }) {
    r = Fs(superuser(), args);
    EXPECT_EQ(r.exit_code, 255) << args[1];
    EXPECT_THAT(r.err, StartsWith(err));
    EXPECT_THAT(r.err, HasSubstr("Usage: hayloft fs [generic options] " + args[0]));
  }
  r = Fs(superuser(), {"-chown", "x", "/o/none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "chown: `/o/none': No such file or directory\n");
}

TEST_F(PermissionsTest, OwnerMayChangeTheGroupToOneOfTheirOsGroups) {
  // Groups come from the namenode host's OS: "daemon" exists on every Debian.
  if (!OsUserExists("daemon")) GTEST_SKIP() << "no OS user 'daemon'";
  HomeFor("daemon", "/g/daemon");
  EXPECT_EQ(Fs("daemon", {"-chgrp", "daemon", "/g/daemon"}).exit_code, 0);
  EXPECT_EQ(Mode("/g/daemon"), "rwxr-xr-x daemon:daemon");
  // Group members get the group's bits.
  ASSERT_EQ(Fs("daemon", {"-put", "-", "/g/daemon/f"}, "for the group").exit_code, 0);
  ASSERT_EQ(Fs("daemon", {"-chmod", "640", "/g/daemon/f"}).exit_code, 0);
  Super({"-chown", "nobody", "/g/daemon/f"});
  EXPECT_EQ(Fs("daemon", {"-cat", "/g/daemon/f"}).out, "for the group");
  EXPECT_EQ(Fs("alice", {"-cat", "/g/daemon/f"}).exit_code, 1);
}

TEST_F(PermissionsTest, AdministrationNeedsTheSuperuser) {
  const std::string denied = "Access denied for user alice. Superuser privilege is required\n";
  CommandResult r = RunAs(conf_, "alice", {"dfsadmin", "-safemode", "enter"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.err, "safemode: " + denied);
  r = RunAs(conf_, "alice", {"dfsadmin", "-safemode", "get"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Safe mode is OFF\n");
  r = RunAs(conf_, "alice", {"dfsadmin", "-refreshNodes"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.err, "refreshNodes: " + denied);
  // The summary is anyone's; the datanode list is not.
  r = RunAs(conf_, "alice", {"dfsadmin", "-report"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.out, StartsWith("Configured Capacity: "));
  EXPECT_THAT(r.out, Not(HasSubstr("Live datanodes")));
  EXPECT_EQ(r.err, "report: " + denied);
  r = RunAs(conf_, superuser(), {"dfsadmin", "-report"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Live datanodes (1):"));
}

// A cluster whose supergroup is a real OS group, and one with permissions off.
TEST(PermissionsConfigTest, SupergroupMembersAreSuperusersAndChecksCanBeOff) {
  if (!OsUserExists("daemon")) GTEST_SKIP() << "no OS user 'daemon'";
  MiniCluster cluster(MiniClusterOptions{
      .num_datanodes = 1, .num_racks = 1, .replication = 1,
      .namenode_conf = {{"dfs.permissions.superusergroup", "daemon"}}});
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster.WriteClientConfFile());
  ASSERT_EQ(RunAs(conf, cluster.user(), {"fs", "-mkdir", "/locked"}).exit_code, 0);
  ASSERT_EQ(RunAs(conf, cluster.user(), {"fs", "-chmod", "700", "/locked"}).exit_code, 0);
  EXPECT_EQ(RunAs(conf, "daemon", {"fs", "-put", "-", "/locked/f"}, "d").exit_code, 0);
  EXPECT_EQ(RunAs(conf, "daemon", {"fs", "-chown", "bob:staff", "/locked/f"}).exit_code, 0);
  EXPECT_EQ(RunAs(conf, "daemon", {"dfsadmin", "-refreshNodes"}).exit_code, 0);
  CommandResult r = RunAs(conf, "bin", {"fs", "-ls", "/locked"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("ls: Permission denied: user=bin, access=READ_EXECUTE"));
  // The root's group is the supergroup.
  r = RunAs(conf, "bin", {"fs", "-stat", "%g", "/"});
  EXPECT_EQ(r.out, "daemon\n");
  ASSERT_OK(cluster.Shutdown());

  MiniCluster open(MiniClusterOptions{.num_datanodes = 1, .num_racks = 1, .replication = 1,
                                      .namenode_conf = {{"dfs.permissions.enabled", "false"}}});
  ASSERT_OK(open.Start());
  ASSERT_OK_AND_ASSIGN(conf, open.WriteClientConfFile());
  ASSERT_EQ(RunAs(conf, open.user(), {"fs", "-mkdir", "/locked"}).exit_code, 0);
  ASSERT_EQ(RunAs(conf, open.user(), {"fs", "-chmod", "700", "/locked"}).exit_code, 0);
  EXPECT_EQ(RunAs(conf, "bob", {"fs", "-put", "-", "/locked/f"}, "b").exit_code, 0);
  EXPECT_EQ(RunAs(conf, "bob", {"dfsadmin", "-report"}).exit_code, 0);
  // chmod, chown and chgrp are checked all the same, as in HDFS.
  r = RunAs(conf, "bob", {"fs", "-chmod", "777", "/locked"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is not the owner of inode=/locked"));
}

}  // namespace
}  // namespace hayloft
