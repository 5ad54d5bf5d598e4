#include "common/base/subprocess.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

using ::hayloft::testing::IsOkAndHolds;
using ::hayloft::testing::StatusIs;
using ::hayloft::testing::TempDir;
using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

absl::StatusOr<Subprocess> Shell(const std::string& script, SubprocessOptions options = {}) {
  return Subprocess::Start({"/bin/sh", "-c", script}, options);
}

TEST(SubprocessTest, ReturnsTheExitCode) {
  ASSERT_OK_AND_ASSIGN(Subprocess p, Shell("exit 3"));
  EXPECT_GT(p.pid(), 0);
  EXPECT_THAT(p.Wait(), IsOkAndHolds(3));
  // Waiting again gives the same answer and the child is no longer running.
  EXPECT_THAT(p.Wait(absl::Seconds(1)), IsOkAndHolds(3));
  EXPECT_FALSE(p.IsRunning());
}

TEST(SubprocessTest, FindsProgramsInPath) {
  ASSERT_OK_AND_ASSIGN(Subprocess p, Subprocess::Start({"true"}));
  EXPECT_THAT(p.Wait(), IsOkAndHolds(0));
}

TEST(SubprocessTest, SignalEndsTheChildAndReports128PlusSignal) {
  ASSERT_OK_AND_ASSIGN(Subprocess p, Shell("exec sleep 30"));
  EXPECT_TRUE(p.IsRunning());
  EXPECT_TRUE(IsProcessAlive(p.pid()));
  ASSERT_OK(p.Signal(SIGTERM));
  EXPECT_THAT(p.Wait(absl::Seconds(10)), IsOkAndHolds(128 + SIGTERM));
  EXPECT_FALSE(p.IsRunning());
  EXPECT_THAT(p.Signal(SIGTERM), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(SubprocessTest, WaitTimesOutOnARunningChild) {
  ASSERT_OK_AND_ASSIGN(Subprocess p, Shell("exec sleep 30"));
  EXPECT_THAT(p.Wait(absl::Milliseconds(50)), StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_TRUE(p.IsRunning());
  EXPECT_THAT(p.Stop(absl::Seconds(10)), IsOkAndHolds(128 + SIGTERM));
}

TEST(SubprocessTest, StopFallsBackToSigkill) {
  // The shell ignores SIGTERM; the ready file says the trap is in place.
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  std::string ready = dir.Join("ready");
  ASSERT_OK_AND_ASSIGN(Subprocess p,
                       Shell(absl::StrCat("trap '' TERM; touch ", ready,
                                          "; while true; do sleep 0.05; done")));
  while (::access(ready.c_str(), F_OK) != 0) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_THAT(p.Stop(absl::Milliseconds(200)), IsOkAndHolds(128 + SIGKILL));
}

TEST(SubprocessTest, ChildDoesNotInheritABlockedSignalMask) {
  // Daemon mains block SIGTERM in every thread; their children must not be.
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &old), 0);
  absl::StatusOr<Subprocess> p = Shell("exec sleep 30");
  ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &old, nullptr), 0);
  ASSERT_OK(p);
  ASSERT_OK(p->Signal(SIGTERM));
  EXPECT_THAT(p->Wait(absl::Seconds(10)), IsOkAndHolds(128 + SIGTERM));
}

TEST(SubprocessTest, AppendsStdoutAndStderrToFiles) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  SubprocessOptions options;
  options.stdout_path = dir.Join("log");
  options.stderr_path = dir.Join("log");
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(Subprocess p, Shell("echo out; echo err >&2", options));
    EXPECT_THAT(p.Wait(), IsOkAndHolds(0));
  }
  EXPECT_EQ(ReadFile(dir.Join("log")), "out\nerr\nout\nerr\n");
}

TEST(SubprocessTest, ReadsStdinFromAFile) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  std::ofstream(dir.Join("in")) << "hello\n";
  SubprocessOptions options;
  options.stdin_path = dir.Join("in");
  options.stdout_path = dir.Join("out");
  ASSERT_OK_AND_ASSIGN(Subprocess p, Shell("cat", options));
  EXPECT_THAT(p.Wait(), IsOkAndHolds(0));
  EXPECT_EQ(ReadFile(dir.Join("out")), "hello\n");
}

TEST(SubprocessTest, SetsAndUnsetsEnvironmentAndWorkingDir) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  ASSERT_EQ(::setenv("HAYLOFT_SUBPROCESS_TEST_DROP", "x", 1), 0);
  SubprocessOptions options;
  options.env["HAYLOFT_SUBPROCESS_TEST_SET"] = "a b";
  options.unset_env = {"HAYLOFT_SUBPROCESS_TEST_DROP"};
  options.working_dir = dir.path();
  options.stdout_path = dir.Join("out");
  ASSERT_OK_AND_ASSIGN(
      Subprocess p,
      Shell("echo \"$HAYLOFT_SUBPROCESS_TEST_SET|${HAYLOFT_SUBPROCESS_TEST_DROP-unset}|$(pwd)\"",
            options));
  EXPECT_THAT(p.Wait(), IsOkAndHolds(0));
  ::unsetenv("HAYLOFT_SUBPROCESS_TEST_DROP");
  char real[PATH_MAX];
  ASSERT_NE(::realpath(dir.path().c_str(), real), nullptr);
  EXPECT_EQ(ReadFile(dir.Join("out")), absl::StrCat("a b|unset|", real, "\n"));
}

TEST(SubprocessTest, ChildGetsNoOtherDescriptors) {
  // An fd without close-on-exec, as a careless library might leave one.
  int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::dup2(fd, 42), 42);
  ::close(fd);
  ASSERT_OK_AND_ASSIGN(Subprocess p, Shell("test -e /proc/self/fd/42"));
  EXPECT_THAT(p.Wait(), IsOkAndHolds(1));
  ::close(42);
}

TEST(SubprocessTest, NewSessionMakesTheChildASessionLeader) {
  SubprocessOptions options;
  options.new_session = true;
  ASSERT_OK_AND_ASSIGN(Subprocess p, Shell("exec sleep 30", options));
  // setsid() runs in the child after fork; wait until it has.
  pid_t sid = -1;
  for (int i = 0; i < 1000 && sid != p.pid(); ++i) {
    sid = ::getsid(p.pid());
    absl::SleepFor(absl::Milliseconds(2));
  }
  EXPECT_EQ(sid, p.pid());
  EXPECT_NE(::getsid(0), p.pid());
  EXPECT_THAT(p.Stop(absl::Seconds(10)), IsOkAndHolds(128 + SIGTERM));
}

TEST(SubprocessTest, MissingProgramIsNotFound) {
  EXPECT_THAT(Subprocess::Start({"/nonexistent/hayloft-nothing"}).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("hayloft-nothing")));
  EXPECT_THAT(Subprocess::Start({"hayloft-no-such-program-in-path"}).status(),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Subprocess::Start({}).status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SubprocessTest, NonExecutableFileIsPermissionDenied) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  std::ofstream(dir.Join("script")) << "#!/bin/sh\n";
  EXPECT_THAT(Subprocess::Start({dir.Join("script")}).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST(SubprocessTest, BadWorkingDirIsReported) {
  SubprocessOptions options;
  options.working_dir = "/nonexistent/dir";
  EXPECT_THAT(Shell("true", options).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("chdir")));
}

TEST(SubprocessTest, IsProcessAliveTellsZombiesFromLiveProcesses) {
  EXPECT_TRUE(IsProcessAlive(::getpid()));
  EXPECT_FALSE(IsProcessAlive(0));
  EXPECT_FALSE(IsProcessAlive(-1));
  ASSERT_OK_AND_ASSIGN(Subprocess p, Shell("exit 0"));
  // Not yet reaped: a zombie, which is not alive.
  for (int i = 0; i < 1000 && IsProcessAlive(p.pid()); ++i) {
    absl::SleepFor(absl::Milliseconds(2));
  }
  EXPECT_FALSE(IsProcessAlive(p.pid()));
  EXPECT_THAT(p.Wait(), IsOkAndHolds(0));
}

TEST(SubprocessTest, ProcessCommandLineSplitsArguments) {
  ASSERT_OK_AND_ASSIGN(Subprocess p, Subprocess::Start({"sleep", "30"}));
  // Until exec is done /proc shows the parent's command line; Start() returns
  // only after exec, so this is sleep's.
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> argv, ProcessCommandLine(p.pid()));
  EXPECT_THAT(argv, ::testing::ElementsAre("sleep", "30"));
  EXPECT_THAT(p.Stop(absl::Seconds(10)), IsOkAndHolds(128 + SIGTERM));
  EXPECT_THAT(ProcessCommandLine(p.pid()).status(), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace hayloft
