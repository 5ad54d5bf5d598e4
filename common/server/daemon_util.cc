#include "common/server/daemon_util.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/path.h"

namespace hayloft::daemon {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

absl::Status ErrnoStatus(const std::string& what) {
  int e = errno;
  std::string msg = absl::StrCat(what, ": ", std::strerror(e));
  if (e == ENOSPC || e == EDQUOT) return absl::ResourceExhaustedError(msg);
  if (e == ENOENT) return absl::NotFoundError(msg);
  if (e == EACCES || e == EPERM || e == EROFS) return absl::PermissionDeniedError(msg);
  return absl::InternalError(msg);
}

}  // namespace

void BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int WaitForTermination() {
  sigset_t set = TerminationSignals();
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

Configuration ParseDaemonArgs(int argc, char** argv, const char* usage) {
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<GenericOptions> opts = ParseGenericOptions(args);
  if (!opts.ok() || !opts->args.empty()) {
    std::fprintf(stderr, "%s\n%s\n",
                 opts.ok() ? absl::StrCat("unexpected argument: ", opts->args[0]).c_str()
                           : std::string(opts.status().message()).c_str(),
                 usage);
    std::exit(1);
  }
  return std::move(opts->conf);
}

absl::Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return ErrnoStatus(absl::StrCat("open ", dir));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoStatus(absl::StrCat("fsync ", dir));
  return absl::OkStatus();
}

absl::Status WriteFileDurably(const std::string& path, const std::string& content) {
  std::string tmp = absl::StrCat(path, ".tmp");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return ErrnoStatus(absl::StrCat("create ", tmp));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status s = ErrnoStatus(absl::StrCat("write ", tmp));
      ::close(fd);
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    absl::Status s = ErrnoStatus(absl::StrCat("fsync ", tmp));
    ::close(fd);
    return s;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return ErrnoStatus(absl::StrCat("rename ", tmp, " to ", path));
  }
  return SyncDir(path::Parent(path));
}

}  // namespace hayloft::daemon
