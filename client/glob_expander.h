// GlobExpander: expands a shell path argument as Hadoop's Globber and
// PathData.expandAsGlob do. Braces `{a,b}` (nested, and across `/`) are expanded
// first; then each component with a wildcard (GlobPattern) is matched against the
// listing of every directory the previous components matched, so a glob may
// stand in any component. Matches are sorted and shown as the argument was typed:
// relative to the working directory, absolute, or with the hdfs:// prefix.
#ifndef HAYLOFT_CLIENT_GLOB_EXPANDER_H_
#define HAYLOFT_CLIENT_GLOB_EXPANDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/namenode.pb.h"

namespace hayloft {

// The two lookups a glob needs, on absolute normalized paths. NotFound for a
// missing path.
class GlobFileSystem {
 public:
  virtual ~GlobFileSystem() = default;
  virtual absl::StatusOr<FileStatus> GetFileInfo(const std::string& path) = 0;
  // Children, with FileStatus.path holding the name.
  virtual absl::StatusOr<std::vector<FileStatus>> ListStatus(const std::string& path) = 0;
};

struct GlobResult {
  // False: the argument has no wildcard and names one path (which may not
  // exist); `paths` holds it with escapes removed. True: `paths` holds every
  // match (none: the shell says "No such file or directory").
  bool is_glob = false;
  std::vector<std::string> paths;
};

// Not thread-safe (uses `fs` without locking); cheap to make.
class GlobExpander {
 public:
  // Flattened brace alternatives beyond this are refused.
  static constexpr size_t kMaxAlternatives = 10000;

  GlobExpander(GlobFileSystem* fs, std::string working_dir)
      : fs_(fs), working_dir_(std::move(working_dir)) {}

  // InvalidArgument "Illegal file pattern: ..." for a malformed glob; errors of
  // the listings other than NotFound.
  absl::StatusOr<GlobResult> Expand(absl::string_view arg);

  // A path as Hadoop's Path shows it after URI normalization: "//" collapsed, "."
  // dropped, "x/.." resolved where there is an x, no trailing "/" (but "/" stays).
  // "/a/../b" -> "/b", "./x" -> "x", "/.." -> "/..", "../x" -> "../x".
  static std::string NormalizePathText(absl::string_view p);

  // Brace expansion alone: "a{b,c{d,e}}" -> {"ab", "acd", "ace"}, in order.
  static absl::StatusOr<std::vector<std::string>> ExpandBraces(absl::string_view glob);

 private:
  struct Candidate {
    std::string path;
    bool is_dir;
  };
  // Absolute matches of one brace-free pattern (already absolute); sets
  // *saw_wildcard when a component had one.
  absl::StatusOr<std::vector<std::string>> MatchPattern(const std::string& pattern,
                                                        bool* saw_wildcard);
  std::string Display(const std::string& abs, absl::string_view prefix, bool relative) const;

  GlobFileSystem* const fs_;
  const std::string working_dir_;
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_GLOB_EXPANDER_H_
