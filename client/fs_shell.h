// FsShell: `hayloft fs`, the HDFS `hdfs dfs` shell: commands, options, output
// formats, error messages and exit codes as Hadoop 3.x has them.
#ifndef HAYLOFT_CLIENT_FS_SHELL_H_
#define HAYLOFT_CLIENT_FS_SHELL_H_

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/dfs_client.h"
#include "client/shell_format.h"
#include "common/fs/trash_policy.h"

namespace hayloft {

struct ShellIo {
  std::istream* in;
  std::ostream* out;
  std::ostream* err;
  // When >= 0, `-put -` reads this descriptor directly, taking data as it comes
  // (a pipe that stays open is streamed, not buffered until EOF).
  int in_fd = -1;
};

// Not thread-safe; one command run at a time.
class FsShell {
 public:
  FsShell(DfsClient* client, ShellIo io) : client_(client), io_(io) {}

  // args[0] is the command ("-ls"); returns the process exit code: 0 success,
  // 1 an error on some path, 255 a usage error.
  int Run(const std::vector<std::string>& args);

 private:
  using Args = std::vector<std::string>;
  struct Command {
    std::string usage;           // after the command name
    std::set<std::string> flags; // accepted flags, e.g. "-R"
    size_t min_args;
    size_t max_args;
    int (FsShell::*run)(const std::set<std::string>& flags, const Args& args);
  };
  static const std::map<std::string, Command>& Commands();

  int Ls(const std::set<std::string>& f, const Args& a);
  int Mkdir(const std::set<std::string>& f, const Args& a);
  int Put(const std::set<std::string>& f, const Args& a);
  int AppendToFile(const std::set<std::string>& f, const Args& a);
  int Get(const std::set<std::string>& f, const Args& a);
  int Cat(const std::set<std::string>& f, const Args& a);
  int Rm(const std::set<std::string>& f, const Args& a);
  int Rmdir(const std::set<std::string>& f, const Args& a);
  int Mv(const std::set<std::string>& f, const Args& a);
  int Stat(const std::set<std::string>& f, const Args& a);
  int Du(const std::set<std::string>& f, const Args& a);
  int Setrep(const std::set<std::string>& f, const Args& a);
  int Test(const std::set<std::string>& f, const Args& a);
  int Touchz(const std::set<std::string>& f, const Args& a);
  int Count(const std::set<std::string>& f, const Args& a);
  int Df(const std::set<std::string>& f, const Args& a);
  int Head(const std::set<std::string>& f, const Args& a);
  int Tail(const std::set<std::string>& f, const Args& a);
  int Cp(const std::set<std::string>& f, const Args& a);
  int Getmerge(const std::set<std::string>& f, const Args& a);
  // -chmod, -chown, -chgrp (fs_shell_permissions.cc).
  int Chmod(const std::set<std::string>& f, const Args& a);
  int Chown(const std::set<std::string>& f, const Args& a);
  int Chgrp(const std::set<std::string>& f, const Args& a);
  // Sets owner and/or group (empty: unchanged) of every path, as Hadoop's Chown.
  void ChangeOwner(const std::string& owner, const std::string& group, bool recursive,
                   const Args& paths);
  // Calls fn(display path, absolute path, status) for each path, and with
  // `recursive` for everything below each directory, parents first. Errors on a
  // path are printed and counted; the walk goes on.
  using PathFn = std::function<void(const std::string&, const std::string&, const FileStatus&)>;
  void ForEachPath(const Args& paths, bool recursive, const PathFn& fn);
  void VisitPath(const std::string& display, const std::string& abs, const FileStatus& st,
                 bool recursive, const PathFn& fn);
  int Expunge(const std::set<std::string>& f, const Args& a);
  int Checksum(const std::set<std::string>& f, const Args& a);

  // Expands the globs among the DFS path arguments of `cmd` (fs_shell_glob.cc),
  // printing an error for each that fails or matches nothing; nullopt when no path
  // is left to work on.
  std::optional<Args> ExpandGlobs(const std::string& cmd, const std::set<std::string>& flags,
                                  const Args& args);

  // Trash (fs_shell_trash.cc). Moves `p` to the user's trash; false when trash is
  // off or `p` is already in the trash (the caller deletes it then).
  absl::StatusOr<bool> MoveToTrash(const std::string& p);
  TrashPolicyOptions TrashOptions(absl::Duration interval);

  // Streams [offset, offset + length) of the file at `p` to `out`.
  absl::Status CopyRange(const std::string& p, uint64_t offset, uint64_t length,
                         std::ostream& out);
  // -tail: prints the file from `offset` (clamped) to the end its readers see now;
  // returns the new end.
  absl::StatusOr<uint64_t> PrintFrom(const std::string& p, uint64_t offset);
  // -cp of `src` (a file or a whole tree) to `target`; errors name the displays.
  void CopyTree(const std::string& src, const std::string& src_display,
                const std::string& target, const std::string& target_display, bool overwrite);

  // The status of `p` if it is a file; otherwise reports why ("No such file or
  // directory", "Is a directory", ...) as HDFS's shell does and returns nullopt.
  std::optional<FileStatus> StatFile(const std::string& p);
  // Prints "<cmd>: <message>" on stderr and counts the error.
  void Error(const std::string& message);
  void PathError(const std::string& path, const absl::Status& s);
  int ExitCode() const { return errors_ == 0 ? 0 : 1; }
  int UsageError(const std::string& cmd, const std::string& message);
  // Options followed by a value, as CommandFormat.addOptionWithValue: -tail -s N.
  static bool OptionTakesValue(const std::string& cmd, const std::string& option);

  // Where a copy or move of `num_sources` sources goes, checked as Hadoop's
  // CommandWithDestination does: several sources need an existing directory; a
  // destination that does not exist needs its parent. Prints the error and
  // returns nullopt when the command cannot go ahead.
  struct Destination {
    std::string abs;   // normalized path
    bool exists = false;
    bool is_dir = false;
  };
  std::optional<Destination> ResolveDestination(const std::string& dst, size_t num_sources);

  void LsDir(const std::string& display, const std::string& path, bool recursive,
             format::LsFormatter* fmt);
  absl::Status PutFile(const std::string& local, const std::string& target, bool overwrite);
  absl::Status PutStream(std::istream& in, const std::string& target, bool overwrite);
  // Copies what `read` returns (0 at the end) to `target` via a temporary file.
  absl::Status PutFrom(const std::function<absl::StatusOr<size_t>(char*, size_t)>& read,
                       const std::string& target, bool overwrite);
  absl::Status GetFile(const std::string& src, const std::string& local, bool overwrite);
  std::string Qualified(const std::string& path) const;

  DfsClient* const client_;
  const ShellIo io_;
  std::string cmd_;   // without the dash, for messages
  std::map<std::string, std::string> option_values_;  // e.g. "-s" -> "500"
  // How often -tail -f looks for new bytes (-s overrides).
  absl::Duration tail_follow_delay_ = absl::Seconds(1);
  int errors_ = 0;
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_FS_SHELL_H_
