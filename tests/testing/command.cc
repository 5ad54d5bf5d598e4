#include "tests/testing/command.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/base/subprocess.h"
#include "tests/testing/temp_dir.h"

#ifndef HAYLOFT_BIN_DIR
#error "HAYLOFT_BIN_DIR must be defined (tests/testing/CMakeLists.txt does it)"
#endif

namespace hayloft::testing {
namespace {

absl::Status WriteWholeFile(const std::string& path, absl::string_view data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  f.close();
  if (!f) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream out;
  out << f.rdbuf();
  return out.str();
}

}  // namespace

absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         const CommandOptions& options) {
  HL_ASSIGN_OR_RETURN(TempDir io, TempDir::Create("hayloft-cmd"));
  SubprocessOptions sp;
  sp.stdin_path = io.Join("stdin");
  sp.stdout_path = io.Join("stdout");
  sp.stderr_path = io.Join("stderr");
  sp.env = options.env;
  if (options.env.find("HAYLOFT_CONF") == options.env.end()) {
    sp.unset_env.push_back("HAYLOFT_CONF");
  }
  sp.kill_when_parent_exits = true;
  HL_RETURN_IF_ERROR(WriteWholeFile(sp.stdin_path, options.stdin_data));
  HL_ASSIGN_OR_RETURN(Subprocess child, Subprocess::Start(argv, sp));
  absl::StatusOr<int> code = child.Wait(options.timeout);
  if (!code.ok()) {
    child.Signal(SIGKILL).IgnoreError();
    child.Wait().IgnoreError();
    return absl::DeadlineExceededError(
        absl::StrCat("`", absl::StrJoin(argv, " "), "` did not finish within ",
                     absl::FormatDuration(options.timeout), "; its stderr ends with:\n",
                     TailOfFile(sp.stderr_path)));
  }
  CommandResult result;
  result.exit_code = *code;
  result.out = ReadWholeFile(sp.stdout_path);
  result.err = ReadWholeFile(sp.stderr_path);
  return result;
}

std::string HayloftBinary(absl::string_view name) {
  const char* dir = std::getenv("HAYLOFT_BIN_DIR");
  if (dir == nullptr || *dir == '\0') dir = HAYLOFT_BIN_DIR;
  return absl::StrCat(dir, "/", name);
}

std::string TailOfFile(const std::string& path, int max_lines) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return absl::StrCat("  (cannot read ", path, ": ", std::strerror(errno), ")\n");
  // A log may be large; its last 64 KiB hold more lines than anyone wants quoted.
  f.seekg(0, std::ios::end);
  std::streamoff size = f.tellg();
  f.seekg(std::max<std::streamoff>(0, size - (64 << 10)));
  std::ostringstream all;
  all << f.rdbuf();
  const std::string text = all.str();
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t keep = static_cast<size_t>(std::max(max_lines, 0));
  size_t first = lines.size() > keep ? lines.size() - keep : 0;
  std::string out;
  for (size_t i = first; i < lines.size(); ++i) absl::StrAppend(&out, "  | ", lines[i], "\n");
  if (out.empty()) out = absl::StrCat("  (", path, " is empty)\n");
  return out;
}

}  // namespace hayloft::testing
