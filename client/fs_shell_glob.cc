// FsShell: glob expansion of path arguments (client/glob_expander.h), as Hadoop's
// Command.expandArguments does before a command sees its paths.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/fs_shell.h"
#include "client/glob_expander.h"

namespace hayloft {
namespace {

class DfsGlobFs final : public GlobFileSystem {
 public:
  explicit DfsGlobFs(DfsClient* client) : client_(client) {}
  absl::StatusOr<FileStatus> GetFileInfo(const std::string& p) override {
    return client_->GetFileInfo(p);
  }
  absl::StatusOr<std::vector<FileStatus>> ListStatus(const std::string& p) override {
    return client_->ListStatus(p);
  }

 private:
  DfsClient* const client_;
};

// [begin, end) of the arguments that are DFS paths to expand; the rest are local
// paths, a format, a replication factor, or a destination.
std::pair<size_t, size_t> DfsPathArgs(const std::string& cmd, const std::vector<std::string>& a) {
  size_t n = a.size();
  if (cmd == "-put" || cmd == "-copyFromLocal" || cmd == "-appendToFile" || cmd == "-expunge") {
    return {0, 0};
  }
  if (cmd == "-get" || cmd == "-copyToLocal" || cmd == "-getmerge" || cmd == "-cp" ||
      cmd == "-mv") {
    return {0, n > 0 ? n - 1 : 0};
  }
  if (cmd == "-setrep") return {std::min<size_t>(1, n), n};
  if (cmd == "-stat" && n > 1 && absl::StrContains(a[0], '%')) return {1, n};
  if (cmd == "-chmod" || cmd == "-chown" || cmd == "-chgrp") return {std::min<size_t>(1, n), n};
  return {0, n};
}

}  // namespace

std::optional<FsShell::Args> FsShell::ExpandGlobs(const std::string& cmd,
                                                  const std::set<std::string>& flags,
                                                  const Args& args) {
  auto [begin, end] = DfsPathArgs(cmd, args);
  if (begin == end) return args;
  DfsGlobFs fs(client_);
  GlobExpander glob(&fs, client_->working_dir());
  Args out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(begin));
  size_t expanded = 0;
  for (size_t i = begin; i < end; ++i) {
    absl::StatusOr<GlobResult> r = glob.Expand(args[i]);
    if (!r.ok()) {
      Error(std::string(r.status().message()));
      continue;
    }
    // -rm -f stays quiet about a glob that matches nothing.
    if (r->is_glob && r->paths.empty()) {
      if (!(cmd == "-rm" && flags.count("-f"))) {
        Error(absl::StrCat("`", args[i], "': No such file or directory"));
      }
      continue;
    }
    expanded += r->paths.size();
    out.insert(out.end(), r->paths.begin(), r->paths.end());
  }
  out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(end), args.end());
  // Nothing left to work on: the command would otherwise fall back to its
  // defaults (-ls of the home directory).
  if (expanded == 0) return std::nullopt;
  return out;
}

}  // namespace hayloft
