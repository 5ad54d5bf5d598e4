#include "common/base/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/base/status_macros.h"

extern char** environ;

namespace hayloft {
namespace {

absl::Status ErrnoToStatus(int err, absl::string_view what) {
  std::string msg = absl::StrCat(what, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(msg);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(msg);
    case ENOSPC:
      return absl::ResourceExhaustedError(msg);
    default:
      return absl::InternalError(msg);
  }
}

// Owns a file descriptor.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd() { Reset(); }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// Opens `path` close-on-exec at a descriptor >= 3, so that dup2 onto 0-2 in the
// child never finds it already in place (with close-on-exec still set).
absl::Status OpenStdioFile(const std::string& path, int flags, ScopedFd& out) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoToStatus(errno, absl::StrCat("open ", path));
  ScopedFd opened(fd);
  int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (high < 0) return ErrnoToStatus(errno, absl::StrCat("dup ", path));
  out.Reset(high);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveProgram(const std::string& name) {
  auto check = [](const std::string& p) -> absl::Status {
    if (::access(p.c_str(), F_OK) != 0) return ErrnoToStatus(errno, p);
    if (::access(p.c_str(), X_OK) != 0) return ErrnoToStatus(errno, p);
    return absl::OkStatus();
  };
  if (name.find('/') != std::string::npos) {
    HL_RETURN_IF_ERROR(check(name));
    return name;
  }
  const char* path_env = std::getenv("PATH");
  for (absl::string_view dir :
       absl::StrSplit(path_env == nullptr ? "/usr/bin:/bin" : path_env, ':')) {
    std::string candidate = absl::StrCat(dir.empty() ? "." : dir, "/", name);
    if (check(candidate).ok()) return candidate;
  }
  return absl::NotFoundError(absl::StrCat(name, ": not found in PATH"));
}

std::vector<std::string> BuildEnvironment(const SubprocessOptions& options) {
  std::set<std::string, std::less<>> drop(options.unset_env.begin(),
                                          options.unset_env.end());
  for (const auto& [k, v] : options.env) drop.insert(k);
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    absl::string_view entry(*e);
    absl::string_view key = entry.substr(0, entry.find('='));
    if (drop.find(key) == drop.end()) env.emplace_back(entry);
  }
  for (const auto& [k, v] : options.env) env.push_back(absl::StrCat(k, "=", v));
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Everything the child needs, prepared before fork so that the child makes only
// async-signal-safe calls (fork copies one thread of a multi-threaded parent; any
// lock another thread held, e.g. malloc's, stays held forever in the child).
struct ChildPlan {
  std::string program;
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  ScopedFd stdio[3];
  std::string working_dir;
  bool new_session = false;
  bool kill_when_parent_exits = false;
  pid_t parent_pid = 0;
  int max_fd = 1024;
};

// What the child reports through the error pipe when it cannot exec.
struct ChildError {
  int stage;  // 0: chdir, 1: execve
  int err;
};

void CloseFdsFrom(int first, int last, int max_fd) {
  if (first > last) return;
  if (::close_range(static_cast<unsigned>(first), static_cast<unsigned>(last), 0) == 0) {
    return;
  }
  for (int fd = first; fd <= last && fd < max_fd; ++fd) ::close(fd);
}

[[noreturn]] void ReportAndExit(int error_fd, int stage) {
  ChildError e{stage, errno};
  ssize_t ignored = ::write(error_fd, &e, sizeof(e));
  (void)ignored;
  ::_exit(127);
}

// Runs in the child between fork and execve: async-signal-safe calls only.
[[noreturn]] void RunChild(const ChildPlan& plan, int error_fd) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  }
  if (plan.new_session) ::setsid();
  if (plan.kill_when_parent_exits) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != plan.parent_pid) ::_exit(127);  // parent already gone
  }
  for (int i = 0; i < 3; ++i) {
    if (plan.stdio[i].get() >= 0) ::dup2(plan.stdio[i].get(), i);
  }
  if (!plan.working_dir.empty() && ::chdir(plan.working_dir.c_str()) != 0) {
    ReportAndExit(error_fd, 0);
  }
  // The error pipe is close-on-exec; everything else above stderr goes now.
  CloseFdsFrom(3, error_fd - 1, plan.max_fd);
  CloseFdsFrom(error_fd + 1, ~0U >> 1, plan.max_fd);
  ::execve(plan.program.c_str(), plan.argv.data(), plan.envp.data());
  ReportAndExit(error_fd, 1);
}

absl::StatusOr<std::unique_ptr<ChildPlan>> MakePlan(const std::vector<std::string>& argv,
                                                     const SubprocessOptions& options) {
  auto plan = std::make_unique<ChildPlan>();
  HL_ASSIGN_OR_RETURN(plan->program, ResolveProgram(argv[0]));
  plan->argv_storage = argv;
  plan->env_storage = BuildEnvironment(options);
  plan->argv = CStrings(plan->argv_storage);
  plan->envp = CStrings(plan->env_storage);
  if (!options.stdin_path.empty()) {
    HL_RETURN_IF_ERROR(OpenStdioFile(options.stdin_path, O_RDONLY, plan->stdio[0]));
  }
  const int append = O_WRONLY | O_CREAT | O_APPEND;
  if (!options.stdout_path.empty()) {
    HL_RETURN_IF_ERROR(OpenStdioFile(options.stdout_path, append, plan->stdio[1]));
  }
  if (!options.stderr_path.empty()) {
    HL_RETURN_IF_ERROR(OpenStdioFile(options.stderr_path, append, plan->stdio[2]));
  }
  plan->working_dir = options.working_dir;
  plan->new_session = options.new_session;
  plan->kill_when_parent_exits = options.kill_when_parent_exits;
  plan->parent_pid = ::getpid();
  struct rlimit lim;
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    plan->max_fd = static_cast<int>(std::min<rlim_t>(lim.rlim_cur, 1 << 20));
  }
  return plan;
}

// Reads the child's report from the error pipe: EOF means execve succeeded.
absl::Status ReadChildError(int fd, const ChildPlan& plan) {
  ChildError e{};
  ssize_t n;
  do {
    n = ::read(fd, &e, sizeof(e));
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return absl::OkStatus();
  if (e.stage == 0) return ErrnoToStatus(e.err, absl::StrCat("chdir ", plan.working_dir));
  return ErrnoToStatus(e.err, absl::StrCat("exec ", plan.program));
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

absl::StatusOr<Subprocess> Subprocess::Start(const std::vector<std::string>& argv,
                                             const SubprocessOptions& options) {
  if (argv.empty() || argv[0].empty()) {
    return absl::InvalidArgumentError("Subprocess::Start: empty argv");
  }
  HL_ASSIGN_OR_RETURN(std::unique_ptr<ChildPlan> plan, MakePlan(argv, options));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoToStatus(errno, "pipe2");
  ScopedFd read_end(pipe_fds[0]);
  ScopedFd write_end(pipe_fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoToStatus(errno, "fork");
  if (pid == 0) RunChild(*plan, write_end.get());
  write_end.Reset();
  Subprocess child(pid);
  absl::Status exec_status = ReadChildError(read_end.get(), *plan);
  if (!exec_status.ok()) {
    child.Wait().IgnoreError();
    return exec_status;
  }
  return child;
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_status_(std::move(other.exit_status_)) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  pid_ = std::exchange(other.pid_, -1);
  exit_status_ = std::move(other.exit_status_);
  return *this;
}

bool Subprocess::PollExit() {
  if (exit_status_.has_value()) return true;
  if (pid_ <= 0) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return false;
  // ECHILD: reaped elsewhere (e.g. SIGCHLD ignored); the status is lost.
  exit_status_ = r == pid_ ? DecodeWaitStatus(status) : -1;
  return true;
}

absl::Status Subprocess::Signal(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("no process");
  if (PollExit()) {
    return absl::FailedPreconditionError(absl::StrCat("process ", pid_, " has exited"));
  }
  if (::kill(pid_, signal) != 0) {
    return ErrnoToStatus(errno, absl::StrCat("kill ", pid_));
  }
  return absl::OkStatus();
}

bool Subprocess::IsRunning() { return !PollExit(); }

absl::StatusOr<int> Subprocess::Wait(absl::Duration timeout) {
  if (pid_ <= 0) return absl::FailedPreconditionError("no process");
  if (timeout == absl::InfiniteDuration() && !exit_status_.has_value()) {
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(pid_, &status, 0);
    } while (r < 0 && errno == EINTR);
    exit_status_ = r == pid_ ? DecodeWaitStatus(status) : -1;
  }
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration nap = absl::Milliseconds(1);
  while (!PollExit()) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("process ", pid_, " still running after ",
                       absl::FormatDuration(timeout)));
    }
    absl::SleepFor(std::min(nap, deadline - absl::Now()));
    nap = std::min(nap * 2, absl::Milliseconds(50));
  }
  return *exit_status_;
}

absl::StatusOr<int> Subprocess::Stop(absl::Duration grace) {
  if (PollExit()) return Wait();
  Signal(SIGTERM).IgnoreError();  // it may exit in between
  absl::StatusOr<int> status = Wait(grace);
  if (status.ok()) return status;
  Signal(SIGKILL).IgnoreError();
  return Wait();
}

bool IsProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  // A zombie still answers kill(pid, 0); /proc tells it apart.
  std::string stat_path = absl::StrCat("/proc/", pid, "/stat");
  int fd = ::open(stat_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno != ENOENT;
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
  ::close(fd);
  if (n <= 0) return true;
  absl::string_view stat(buf, static_cast<size_t>(n));
  size_t paren = stat.rfind(')');
  if (paren == absl::string_view::npos || paren + 2 >= stat.size()) return true;
  char state = stat[paren + 2];
  return state != 'Z' && state != 'X';
}

absl::StatusOr<std::vector<std::string>> ProcessCommandLine(pid_t pid) {
  std::string path = absl::StrCat("/proc/", pid, "/cmdline");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, path);
  std::string data;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) data.append(buf, static_cast<size_t>(n));
  ::close(fd);
  std::vector<std::string> argv;
  if (!data.empty() && data.back() == '\0') data.pop_back();
  if (data.empty()) return argv;
  for (absl::string_view arg : absl::StrSplit(data, '\0')) argv.emplace_back(arg);
  return argv;
}

}  // namespace hayloft
