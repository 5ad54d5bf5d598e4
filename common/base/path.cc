#include "common/base/path.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace hayloft::path {

absl::Status Validate(absl::string_view path) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid path name ", path, ": ", why));
  };
  if (path.empty() || path[0] != '/') return bad("not an absolute path");
  if (path == "/") return absl::OkStatus();
  if (path.back() == '/') return bad("trailing '/'");
  size_t depth = 0;
  for (absl::string_view c : absl::StrSplit(path.substr(1), '/')) {
    if (c.empty()) return bad("empty path component");
    if (c == "." || c == "..") return bad("'.' and '..' are not allowed");
    if (absl::StrContains(c, ':')) return bad("':' is not allowed");
    if (absl::StrContains(c, absl::string_view("\0", 1))) return bad("NUL is not allowed");
    if (++depth > kMaxPathDepth) return bad("too deep");
  }
  return absl::OkStatus();
}

absl::Status CheckComponentLengths(absl::string_view path) {
  std::string parent = "/";
  for (absl::string_view c : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (c.size() > kMaxComponentLength) {
      // FSDirectory.verifyMaxComponentLength's PathComponentTooLongException.
      return absl::InvalidArgumentError(absl::StrCat(
          "The maximum path component name limit of ", c, " in directory ", parent,
          " is exceeded: limit=", kMaxComponentLength, " length=", c.size()));
    }
    parent = Join(parent, c);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Normalize(absl::string_view path, absl::string_view working_dir) {
  if (path.empty()) {
    return absl::InvalidArgumentError("Can not create a Path from an empty string");
  }
  absl::string_view p = path;
  if (absl::StartsWith(p, "hdfs://") || absl::StartsWith(p, "hayloft://")) {
    p.remove_prefix(p.find("://") + 3);
    size_t slash = p.find('/');
    p = slash == absl::string_view::npos ? absl::string_view("/") : p.substr(slash);
  }
  std::string full = p[0] == '/' ? std::string(p) : absl::StrCat(working_dir, "/", p);
  std::vector<std::string> parts;
  for (absl::string_view c : absl::StrSplit(full, '/')) {
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (parts.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("Invalid path name ", path, ": '..' above the root"));
      }
      parts.pop_back();
      continue;
    }
    parts.emplace_back(c);
  }
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

std::vector<std::string> Components(absl::string_view path) {
  std::vector<std::string> out;
  for (absl::string_view c : absl::StrSplit(path, '/', absl::SkipEmpty())) out.emplace_back(c);
  return out;
}

std::string Parent(absl::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos || slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string Basename(absl::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == absl::string_view::npos ? path : path.substr(slash + 1));
}

std::string Join(absl::string_view dir, absl::string_view name) {
  if (dir == "/" || dir.empty()) return absl::StrCat("/", name);
  return absl::StrCat(dir, "/", name);
}

bool IsAncestorOrSelf(absl::string_view ancestor, absl::string_view path) {
  if (ancestor == "/") return true;
  if (!absl::StartsWith(path, ancestor)) return false;
  return path.size() == ancestor.size() || path[ancestor.size()] == '/';
}

}  // namespace hayloft::path
