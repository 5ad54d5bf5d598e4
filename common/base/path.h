// DFS path rules. A namenode path is absolute and normalized: "/" or "/a/b", no
// empty, "." or ".." components, no ':' (HDFS's DFSUtil.isValidName), components of
// at most 255 bytes when created. Clients normalize what users type into that form.
#ifndef HAYLOFT_COMMON_BASE_PATH_H_
#define HAYLOFT_COMMON_BASE_PATH_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hayloft::path {

inline constexpr size_t kMaxComponentLength = 255;
inline constexpr size_t kMaxPathDepth = 1000;

// Checks a path as the namenode receives it. InvalidArgument says what is wrong.
// Long components are fine here (a lookup of one finds nothing, as in HDFS);
// creating one is not (CheckComponentLengths).
absl::Status Validate(absl::string_view path);

// dfs.namenode.fs-limits.max-component-length for a path about to be created:
// InvalidArgument with HDFS's "The maximum path component name limit of C in
// directory P is exceeded: limit=255 length=N".
absl::Status CheckComponentLengths(absl::string_view path);

// Turns what a user typed into a namenode path: strips an hdfs://host:port prefix,
// resolves relative paths against `working_dir`, collapses "//", "." and "..".
// InvalidArgument for an empty path or ".." above the root.
absl::StatusOr<std::string> Normalize(absl::string_view path, absl::string_view working_dir);

// Components of a valid path; empty for "/".
std::vector<std::string> Components(absl::string_view path);

// "/a/b" -> "/a"; "/a" -> "/"; "/" -> "/".
std::string Parent(absl::string_view path);
// "/a/b" -> "b"; "/" -> "".
std::string Basename(absl::string_view path);
// Join("/a", "b") -> "/a/b"; Join("/", "b") -> "/b".
std::string Join(absl::string_view dir, absl::string_view name);
// True if `path` is `ancestor` or lies under it.
bool IsAncestorOrSelf(absl::string_view ancestor, absl::string_view path);

}  // namespace hayloft::path

#endif  // HAYLOFT_COMMON_BASE_PATH_H_
