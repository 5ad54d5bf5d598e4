// The one logging header. Debian's Abseil has no absl/log, so this is a thin layer
// with the same surface: LOG(INFO|WARNING|ERROR|FATAL) << ..., VLOG(n), CHECK(...),
// CHECK_EQ/NE/LT/LE/GT/GE, DCHECK. Lines go to stderr (daemons redirect it to their
// log file) as "I1123 01:02:03.456789 12345 file.cc:42] message".
#ifndef HAYLOFT_COMMON_BASE_LOGGING_H_
#define HAYLOFT_COMMON_BASE_LOGGING_H_

#include <sstream>
#include <string>
#include <vector>

namespace hayloft::logging {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2, kFatal = 3 };

// Sets the verbosity used by VLOG(n); default 0 (from HAYLOFT_V if set).
void SetVerbosity(int v);
int Verbosity();
// Sets a program name printed nowhere but kept for FATAL messages, and in NDEBUG
// builds turns off Abseil's per-lock deadlock detection. Every main calls it first.
void Init(const char* argv0);

// The last lines (at most kRecentProblemLines) logged at WARNING or above by this
// process, oldest first, as written to the log: what a status page shows as its
// daemon's recent errors. Thread-safe.
inline constexpr int kRecentProblemLines = 50;
std::vector<std::string> RecentProblems();

class LogMessage {
 public:
  LogMessage(const char* file, int line, Severity severity);
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  std::ostream& stream() { return stream_; }

 private:
  Severity severity_;
  std::ostringstream stream_;
};

// Swallows the stream expression when a CHECK passes or a VLOG is off.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace hayloft::logging

#define HL_LOG_INFO ::hayloft::logging::Severity::kInfo
#define HL_LOG_WARNING ::hayloft::logging::Severity::kWarning
#define HL_LOG_ERROR ::hayloft::logging::Severity::kError
#define HL_LOG_FATAL ::hayloft::logging::Severity::kFatal

#define LOG(severity) \
  ::hayloft::logging::LogMessage(__FILE__, __LINE__, HL_LOG_##severity).stream()

#define VLOG(n)                                          \
  !((n) <= ::hayloft::logging::Verbosity())              \
      ? (void)0                                          \
      : ::hayloft::logging::Voidify() & LOG(INFO)

#define CHECK(cond)                           \
  (cond) ? (void)0                            \
         : ::hayloft::logging::Voidify() &    \
               LOG(FATAL) << "Check failed: " #cond " "

#define HL_CHECK_OP_(a, b, op) CHECK((a)op(b)) << "(" << (a) << " vs " << (b) << ") "
#define CHECK_EQ(a, b) HL_CHECK_OP_(a, b, ==)
#define CHECK_NE(a, b) HL_CHECK_OP_(a, b, !=)
#define CHECK_LT(a, b) HL_CHECK_OP_(a, b, <)
#define CHECK_LE(a, b) HL_CHECK_OP_(a, b, <=)
#define CHECK_GT(a, b) HL_CHECK_OP_(a, b, >)
#define CHECK_GE(a, b) HL_CHECK_OP_(a, b, >=)

#ifdef NDEBUG
#define DCHECK(cond) \
  while (false) CHECK(cond)
#else
#define DCHECK(cond) CHECK(cond)
#endif

#endif  // HAYLOFT_COMMON_BASE_LOGGING_H_
