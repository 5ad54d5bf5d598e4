// Runs a command to completion and captures what it printed: how shell tests run
// bin/hayloft.
//   ASSERT_OK_AND_ASSIGN(CommandResult r,
//       RunCommand({HayloftBinary("hayloft"), "--conf", conf, "fs", "-ls", "/"}));
//   EXPECT_EQ(r.exit_code, 0) << r.err;
#ifndef HAYLOFT_TESTS_TESTING_COMMAND_H_
#define HAYLOFT_TESTS_TESTING_COMMAND_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hayloft::testing {

struct CommandResult {
  int exit_code = -1;  // 128 + N if signal N ended it
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

struct CommandOptions {
  std::string stdin_data;                  // fed to the command's stdin
  std::map<std::string, std::string> env;  // set on top of this process's environment
  absl::Duration timeout = absl::Seconds(120);
};

// Runs argv (argv[0] a path or a name in PATH) and waits for it. HAYLOFT_CONF is
// removed from its environment unless `env` sets it, so a developer's own config
// cannot leak into a test. Errors: the command could not start, or it ran past the
// timeout (it is then killed; the message holds the tail of its stderr). A non-zero
// exit code is not an error: check exit_code.
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         const CommandOptions& options = {});

// The path of a built binary: $HAYLOFT_BIN_DIR/<name> if that variable is set,
// else the build's bin/ directory (HAYLOFT_BIN_DIR, a compile definition).
std::string HayloftBinary(absl::string_view name);

// The last `max_lines` lines of a file, or a note saying it cannot be read. For
// failure messages that quote a daemon's log.
std::string TailOfFile(const std::string& path, int max_lines = 30);

}  // namespace hayloft::testing

#endif  // HAYLOFT_TESTS_TESTING_COMMAND_H_
