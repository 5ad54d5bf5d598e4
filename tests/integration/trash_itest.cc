// Trash as HDFS has it on: -rm moves to /user/<name>/.Trash/Current/<path>,
// -skipTrash deletes, -expunge checkpoints, and the namenode's emptier thread
// checkpoints and deletes old trash by itself.
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/integration/shell_fixture.h"
#include "tests/testing/wait_for.h"

namespace hayloft {
namespace {

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::MiniCluster;
using ::hayloft::testing::WaitFor;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// What Hadoop's console logger puts before each INFO line.
constexpr char kLogPrefix[] =
    "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} INFO fs.TrashPolicyDefault: ";

std::vector<std::string> Lines(const std::string& s) {
  return absl::StrSplit(s, '\n', absl::SkipEmpty());
}

class TrashShellTest : public testing::ShellFixture {};

TEST_F(TrashShellTest, RmMovesIntoCurrentUnderTheAbsolutePath) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/tr/d"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/tr/a"}, "first").exit_code, 0);
  CommandResult r = Fs({"-rm", "/tr/a"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(kLogPrefix, "Moved: '", Nn(), "/tr/a' to trash at: ",
                                               Nn(), "/user/tester/.Trash/Current/tr/a\n")));
  EXPECT_EQ(Fs({"-test", "-e", "/tr/a"}).exit_code, 1);
  EXPECT_EQ(Fs({"-cat", "/user/tester/.Trash/Current/tr/a"}).out, "first");
  // Directories need -r, then move whole; relative paths resolve under the home.
  EXPECT_EQ(Fs({"-rm", "/tr/d"}).err, "rm: `/tr/d': Is a directory\n");
  r = Fs({"-rm", "-r", "/tr/d"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Fs({"-test", "-d", "/user/tester/.Trash/Current/tr/d"}).exit_code, 0);
  ASSERT_EQ(Fs({"-touchz", "rel"}).exit_code, 0);
  r = Fs({"-rm", "rel"});
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat("Moved: '", Nn(), "/user/tester/rel' to trash at: ",
                                            Nn(), "/user/tester/.Trash/Current/user/tester/rel")));
  // Trash directories are private to their owner.
  EXPECT_EQ(Fs({"-stat", "%a", "/user/tester/.Trash/Current"}).out, "700\n");
}

TEST_F(TrashShellTest, NameClashGetsATimestampSuffix) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/clash"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/clash/f"}, "one").exit_code, 0);
  ASSERT_EQ(Fs({"-rm", "/clash/f"}).exit_code, 0);
  ASSERT_EQ(Fs({"-put", "-", "/clash/f"}, "two").exit_code, 0);
  CommandResult r = Fs({"-rm", "/clash/f"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex("Current/clash/(f[0-9]{13})\n")))
      << r.err;
  std::string second = m[1];
  EXPECT_EQ(Fs({"-cat", "/user/tester/.Trash/Current/clash/f"}).out, "one");
  EXPECT_EQ(Fs({"-cat", "/user/tester/.Trash/Current/clash/" + second}).out, "two");
}

TEST_F(TrashShellTest, SkipTrashAndPathsInTheTrashAreDeleted) {
  ASSERT_EQ(Fs({"-put", "-", "/skip"}, "x").exit_code, 0);
  CommandResult r = Fs({"-rm", "-skipTrash", "/skip"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Deleted /skip\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(Fs({"-test", "-e", "/user/tester/.Trash/Current/skip"}).exit_code, 1);
  ASSERT_EQ(Fs({"-put", "-", "/again"}, "x").exit_code, 0);
  ASSERT_EQ(Fs({"-rm", "/again"}).exit_code, 0);
  r = Fs({"-rm", "/user/tester/.Trash/Current/again"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Deleted /user/tester/.Trash/Current/again\n");
  EXPECT_EQ(Fs({"-test", "-e", "/user/tester/.Trash/Current/again"}).exit_code, 1);
  // -f hides a missing path, trash or not.
  EXPECT_EQ(Fs({"-rm", "-f", "/never-was"}).exit_code, 0);
}

TEST_F(TrashShellTest, RefusesToTrashWhatContainsTheTrash) {
  ASSERT_EQ(Fs({"-mkdir", "-p", "/user/tester"}).exit_code, 0);
  for (const std::string p : {"/", "/user", "/user/tester"}) {
    CommandResult r = Fs({"-rm", "-r", p});
    EXPECT_EQ(r.exit_code, 1) << p;
    EXPECT_EQ(r.err, absl::StrCat("rm: Cannot move \"", Nn(), p,
                                  "\" to the trash, as it contains the trash. Consider using "
                                  "-skipTrash option\n"));
    EXPECT_EQ(Fs({"-test", "-d", p}).exit_code, 0) << p << " must survive";
  }
}

TEST_F(TrashShellTest, TheNamenodesIntervalWinsOverTheClients) {
  // The namenode runs with the default 1440 minutes: a client asking for no trash
  // still gets it, as with HDFS.
  ASSERT_EQ(Fs({"-put", "-", "/server-wins"}, "x").exit_code, 0);
  CommandResult r = Hayloft({"fs", "-D", "fs.trash.interval=0", "-rm", "/server-wins"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Moved: "));
  EXPECT_EQ(Fs({"-test", "-e", "/user/tester/.Trash/Current/server-wins"}).exit_code, 0);
  r = Hayloft({"fs", "-D", "fs.trash.interval=abc", "-rm", "/x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("fs.trash.interval must be a number of minutes"));
}

TEST_F(TrashShellTest, ExpungeCheckpointsCurrentAndImmediateDeletesEverything) {
  const std::string user = "expunger";
  ASSERT_EQ(FsAs(user, {"-mkdir", "-p", "/user/expunger"}).exit_code, 0);
  // Without a trash there is nothing to do.
  CommandResult r = FsAs(user, {"-expunge"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(FsAs(user, {"-touchz", "/ex-file"}).exit_code, 0);
  ASSERT_EQ(FsAs(user, {"-rm", "/ex-file"}).exit_code, 0);
  r = FsAs(user, {"-expunge"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 3u) << r.err;
  EXPECT_THAT(lines[0], MatchesRegex(absl::StrCat(
                            kLogPrefix, "TrashPolicyDefault#deleteCheckpoint for trashRoot: ", Nn(),
                            "/user/expunger/.Trash")));
  EXPECT_THAT(lines[1], MatchesRegex(absl::StrCat(
                            kLogPrefix, "TrashPolicyDefault#createCheckpoint for trashRoot: ", Nn(),
                            "/user/expunger/.Trash")));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(lines[2], m,
                                std::regex("Created trash checkpoint: /user/expunger/.Trash/"
                                           "([0-9]{12})$")))
      << lines[2];
  std::string checkpoint = "/user/expunger/.Trash/" + std::string(m[1]);
  EXPECT_EQ(FsAs(user, {"-test", "-e", checkpoint + "/ex-file"}).exit_code, 0);
  EXPECT_EQ(FsAs(user, {"-test", "-e", "/user/expunger/.Trash/Current"}).exit_code, 1);
  // A fresh checkpoint survives a plain -expunge; -immediate deletes it.
  ASSERT_EQ(FsAs(user, {"-expunge"}).exit_code, 0);
  EXPECT_EQ(FsAs(user, {"-test", "-e", checkpoint}).exit_code, 0);
  r = FsAs(user, {"-expunge", "-immediate"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Deleted trash checkpoint: " + checkpoint));
  EXPECT_EQ(FsAs(user, {"-ls", "/user/expunger/.Trash"}).out, "");
  // Usage.
  r = FsAs(user, {"-expunge", "extra"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err, HasSubstr("Too many arguments"));
  EXPECT_EQ(FsAs(user, {"-expunge", "-fs", Nn()}).exit_code, 0);
}

// A cluster of its own per test: the namenode's trash settings differ.
std::unique_ptr<MiniCluster> StartCluster(std::map<std::string, std::string> namenode_conf) {
  auto cluster = std::make_unique<MiniCluster>(testing::MiniClusterOptions{
      .num_datanodes = 1, .num_racks = 1, .replication = 1,
      .namenode_conf = std::move(namenode_conf)});
  absl::Status s = cluster->Start();
  EXPECT_TRUE(s.ok()) << s;
  return s.ok() ? std::move(cluster) : nullptr;
}

CommandResult RunOn(MiniCluster& cluster, std::vector<std::string> args) {
  std::string conf = *cluster.WriteClientConfFile();
  std::vector<std::string> argv = {testing::HayloftBinary("hayloft"), "--conf", conf};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<CommandResult> r =
      testing::RunCommand(argv, {.env = {{"HAYLOFT_USER", "tester"}}});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : CommandResult{};
}

TEST(TrashClusterTest, WithTrashOffOnTheNamenodeTheClientDecides) {
  std::unique_ptr<MiniCluster> cluster = StartCluster({{"fs.trash.interval", "0"}});
  ASSERT_NE(cluster, nullptr);
  ASSERT_EQ(RunOn(*cluster, {"fs", "-touchz", "/a", "/b"}).exit_code, 0);
  CommandResult r = RunOn(*cluster, {"fs", "-D", "fs.trash.interval=0", "-rm", "/a"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Deleted /a\n");
  EXPECT_EQ(r.err, "");
  // The client's default (1440 minutes) turns trash on.
  r = RunOn(*cluster, {"fs", "-rm", "/b"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("/user/tester/.Trash/Current/b"));
}

TEST(TrashClusterTest, TheNamenodesEmptierCheckpointsAndDeletesOldTrash) {
  // Checkpoints every 0.02 min (1.2 s), deleted when older than 0.1 min (6 s).
  std::unique_ptr<MiniCluster> cluster = StartCluster(
      {{"fs.trash.interval", "0.1"}, {"fs.trash.checkpoint.interval", "0.02"}});
  ASSERT_NE(cluster, nullptr);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<DfsClient> client, cluster->NewDfsClient());
  ASSERT_EQ(RunOn(*cluster, {"fs", "-touchz", "/emptied"}).exit_code, 0);
  CommandResult r = RunOn(*cluster, {"fs", "-rm", "/emptied"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The emptier renames Current to a checkpoint named yyMMddHHmmss...
  std::string checkpoint;
  ASSERT_TRUE(WaitFor(
      [&] {
        absl::StatusOr<std::vector<FileStatus>> items = client->ListStatus("/user/tester/.Trash");
        if (!items.ok()) return false;
        for (const FileStatus& s : *items) {
          if (std::regex_match(s.path(), std::regex("[0-9]{12}"))) checkpoint = s.path();
        }
        return !checkpoint.empty();
      },
      absl::Seconds(60)))
      << testing::TailOfFile(cluster->namenode_log_path());
  // ...and deletes it once it is older than fs.trash.interval.
  ASSERT_TRUE(WaitFor(
      [&] {
        absl::StatusOr<std::vector<FileStatus>> items = client->ListStatus("/user/tester/.Trash");
        return items.ok() && items->empty();
      },
      absl::Seconds(90)))
      << testing::TailOfFile(cluster->namenode_log_path());
  EXPECT_THAT(testing::TailOfFile(cluster->namenode_log_path(), 400),
              HasSubstr("Emptier interval = 0.02 minutes"));
}

}  // namespace
}  // namespace hayloft
