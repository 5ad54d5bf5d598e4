// What every daemon main needs: signal handling, the port file, config from argv.
#ifndef HAYLOFT_COMMON_SERVER_DAEMON_UTIL_H_
#define HAYLOFT_COMMON_SERVER_DAEMON_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/base/config.h"

namespace hayloft::daemon {

// Blocks SIGTERM, SIGINT and SIGPIPE in the calling thread (call first in main, so
// every thread inherits the mask). WaitForTermination() then sigwaits for them.
void BlockTerminationSignals();
// Returns the signal that ended the wait.
int WaitForTermination();

// Parses a daemon's command line: generic options (-D k=v, --conf FILE) only.
// Prints usage and exits 1 on anything else.
Configuration ParseDaemonArgs(int argc, char** argv, const char* usage);

// Writes `content` to `path` via a temp file + fsync + rename, then fsyncs the dir.
absl::Status WriteFileDurably(const std::string& path, const std::string& content);
// fsyncs a directory so a rename or create in it survives a crash.
absl::Status SyncDir(const std::string& dir);

}  // namespace hayloft::daemon

#endif  // HAYLOFT_COMMON_SERVER_DAEMON_UTIL_H_
