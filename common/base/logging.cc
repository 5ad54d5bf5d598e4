#include "common/base/logging.h"

#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <mutex>

#include "absl/synchronization/mutex.h"

namespace hayloft::logging {
namespace {

std::atomic<int> g_verbosity{-1};

// WARNING+ lines for RecentProblems(). A std::mutex rather than absl::Mutex: logging
// must not depend on anything that may itself log.
std::mutex& ProblemsMu() {
  static auto* const kMu = new std::mutex;
  return *kMu;
}
std::deque<std::string>& Problems() {
  static auto* const kLines = new std::deque<std::string>;
  return *kLines;
}

void KeepProblem(const std::string& line) {
  std::lock_guard<std::mutex> lock(ProblemsMu());
  std::deque<std::string>& lines = Problems();
  lines.push_back(line.substr(0, line.size() - 1));  // without the newline
  if (lines.size() > static_cast<size_t>(kRecentProblemLines)) lines.pop_front();
}

int InitialVerbosity() {
  const char* v = std::getenv("HAYLOFT_V");
  return v == nullptr ? 0 : std::atoi(v);
}

const char* Basename(const char* file) {
  const char* slash = std::strrchr(file, '/');
  return slash == nullptr ? file : slash + 1;
}

}  // namespace

void SetVerbosity(int v) { g_verbosity.store(v); }

int Verbosity() {
  int v = g_verbosity.load(std::memory_order_relaxed);
  if (v < 0) {
    v = InitialVerbosity();
    g_verbosity.store(v);
  }
  return v;
}

void Init(const char* /*argv0*/) {
  Verbosity();
#ifdef NDEBUG
  // Abseil checks every Mutex acquisition for lock-order cycles unless the library
  // itself was built with NDEBUG, and Debian's libabsl is not: each lock (gRPC's
  // included) then updates a global graph under a global lock, about 5% of the
  // namenode's CPU (bench/README.md). Debug builds keep the check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
}

std::vector<std::string> RecentProblems() {
  std::lock_guard<std::mutex> lock(ProblemsMu());
  return std::vector<std::string>(Problems().begin(), Problems().end());
}

LogMessage::LogMessage(const char* file, int line, Severity severity)
    : severity_(severity) {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  char prefix[64];
  static constexpr char kLetters[] = "IWEF";
  std::snprintf(prefix, sizeof(prefix), "%c%02d%02d %02d:%02d:%02d.%06ld %ld ",
                kLetters[static_cast<int>(severity)], tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(tv.tv_usec),
                static_cast<long>(syscall(SYS_gettid)));
  stream_ << prefix << Basename(file) << ":" << line << "] ";
}

LogMessage::~LogMessage() {
  stream_ << '\n';
  const std::string line = stream_.str();
  // One write per line so concurrent threads do not interleave within a line.
  ssize_t unused = ::write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
  if (severity_ >= Severity::kWarning) KeepProblem(line);
  if (severity_ == Severity::kFatal) std::abort();
}

}  // namespace hayloft::logging
