// Child processes: the MiniCluster's daemons, `hayloft cluster up`'s daemons and
// the commands that shell tests run. fork + execve with fd hygiene: the child gets
// stdin, stdout and stderr as configured and no other descriptor of the parent,
// its signal mask and dispositions reset, so a parent that blocks SIGTERM (as every
// daemon main does) still starts children that SIGTERM can stop.
#ifndef HAYLOFT_COMMON_BASE_SUBPROCESS_H_
#define HAYLOFT_COMMON_BASE_SUBPROCESS_H_

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hayloft {

struct SubprocessOptions {
  // Files the child's stdin reads and stdout/stderr append to (created 0644).
  // Empty: inherit the parent's. stdout and stderr may name the same file.
  std::string stdin_path = "/dev/null";
  std::string stdout_path;
  std::string stderr_path;
  // setsid() in the child: it leaves the parent's session and process group, so a
  // terminal's Ctrl-C or hangup does not reach it. For daemons that outlive us.
  bool new_session = false;
  // Linux PR_SET_PDEATHSIG: the child gets SIGKILL when the thread that started it
  // exits. For test daemons that must not outlive a crashed test. Start such
  // children only from a long-lived thread (e.g. the test's main thread).
  bool kill_when_parent_exits = false;
  // Set in (or, for unset_env, removed from) the child's environment, which is
  // otherwise the parent's.
  std::map<std::string, std::string> env;
  std::vector<std::string> unset_env;
  // Empty: the parent's working directory.
  std::string working_dir;
};

// A started child process. Movable, not copyable. The destructor neither kills
// nor reaps: a daemon started with new_session may outlive this object (and us).
// Not thread-safe; owned by one thread at a time.
class Subprocess {
 public:
  // Starts argv[0] (a path, or a name looked up in PATH) with `argv`. NotFound if
  // the program does not exist, PermissionDenied if it is not executable,
  // InvalidArgument for an empty argv; the error names the program.
  static absl::StatusOr<Subprocess> Start(const std::vector<std::string>& argv,
                                          const SubprocessOptions& options = {});

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess() = default;

  pid_t pid() const { return pid_; }

  // Sends `signal`. FailedPrecondition once the child has been reaped (its pid may
  // belong to someone else by then).
  absl::Status Signal(int signal);

  // False once the child has exited (reaping it).
  bool IsRunning();

  // Waits up to `timeout` for the child to exit and returns its exit status: the
  // exit code, or 128 + the signal number if a signal ended it (as shells do).
  // DeadlineExceeded if it is still running at the deadline. Idempotent.
  absl::StatusOr<int> Wait(absl::Duration timeout = absl::InfiniteDuration());

  // SIGTERM, then SIGKILL if it has not exited after `grace`; returns the exit
  // status as Wait() does.
  absl::StatusOr<int> Stop(absl::Duration grace);

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  // Reaps without blocking; true if the child has exited (status recorded).
  bool PollExit();

  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

// True if a process with this pid exists and is not a zombie. Works for any
// process we may signal, child or not.
bool IsProcessAlive(pid_t pid);

// The command line of a live process as /proc/<pid>/cmdline shows it (argv split
// at NULs); NotFound if there is no such process.
absl::StatusOr<std::vector<std::string>> ProcessCommandLine(pid_t pid);

}  // namespace hayloft

#endif  // HAYLOFT_COMMON_BASE_SUBPROCESS_H_
