// FsShell: -chmod, -chown and -chgrp, as Hadoop's FsShellPermissions has them:
// the mode or owner argument is checked first (a usage error, exit 255), then
// each path (and with -R everything below it) is changed only if it would
// change, and a refusal reads "chmod: changing permissions of 'P': <why>".
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/chmod_parser.h"
#include "client/fs_shell.h"
#include "common/base/path.h"

namespace hayloft {
namespace {

// A child's display path: the parent as typed + "/" + name (PathData).
std::string ChildOf(const std::string& parent, const std::string& name) {
  if (parent == ".") return name;
  if (absl::EndsWith(parent, "/")) return absl::StrCat(parent, name);
  return absl::StrCat(parent, "/", name);
}

std::string FirstLine(absl::string_view message) {
  return std::string(message.substr(0, message.find('\n')));
}

// Owner and group names: [-_./@a-zA-Z0-9]+ (FsShellPermissions.allowedChars).
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || absl::StrContains("-_./@", c);
}
bool IsName(absl::string_view s) {
  for (char c : s) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

// Java's \s* at both ends.
absl::string_view TrimJavaSpaces(absl::string_view s) {
  auto space = [](char c) { return absl::StrContains(" \t\n\x0B\f\r", c); };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

void FsShell::ForEachPath(const Args& paths, bool recursive, const PathFn& fn) {
  for (const std::string& p : paths) {
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
    if (!st.ok()) {
      PathError(p, st.status());
      continue;
    }
    VisitPath(p, *path::Normalize(p, client_->working_dir()), *st, recursive, fn);
  }
}

void FsShell::VisitPath(const std::string& display, const std::string& abs,
                        const FileStatus& st, bool recursive, const PathFn& fn) {
  fn(display, abs, st);
  if (!recursive || !st.is_dir()) return;
  absl::StatusOr<std::vector<FileStatus>> children = client_->ListStatus(abs);
  if (!children.ok()) return PathError(display, children.status());
  for (const FileStatus& c : *children) {
    VisitPath(ChildOf(display, c.path()), path::Join(abs, c.path()), c, true, fn);
  }
}

int FsShell::Chmod(const std::set<std::string>& f, const Args& a) {
  absl::StatusOr<ChmodParser> mode = ChmodParser::Parse(a[0]);
  if (!mode.ok()) {
    return UsageError("-chmod", absl::StrCat("chmod : mode '", a[0],
                                             "' does not match the expected pattern."));
  }
  ForEachPath(Args(a.begin() + 1, a.end()), f.count("-R") > 0,
              [&](const std::string& display, const std::string& abs, const FileStatus& st) {
                uint32_t perms = mode->Apply(st.permission(), st.is_dir());
                if (perms == st.permission()) return;
                absl::Status s = client_->SetPermission(abs, perms);
                if (!s.ok()) {
                  Error(absl::StrCat("changing permissions of '", display,
                                     "': ", FirstLine(s.message())));
                }
              });
  return ExitCode();
}

int FsShell::Chown(const std::set<std::string>& f, const Args& a) {
  // ^\s*([allowed]+)?([:]([allowed]*))?\s*$
  absl::string_view spec = TrimJavaSpaces(a[0]);
  size_t colon = spec.find(':');
  absl::string_view owner = spec.substr(0, colon);
  absl::string_view group = colon == absl::string_view::npos ? "" : spec.substr(colon + 1);
  if (!IsName(owner) || !IsName(group)) {
    return UsageError("-chown", absl::StrCat("'", a[0],
                                             "' does not match expected pattern for "
                                             "[owner][:group]."));
  }
  if (owner.empty() && group.empty()) {
    return UsageError("-chown", absl::StrCat("'", a[0], "' does not specify owner or group."));
  }
  ChangeOwner(std::string(owner), std::string(group), f.count("-R") > 0,
              Args(a.begin() + 1, a.end()));
  return ExitCode();
}

int FsShell::Chgrp(const std::set<std::string>& f, const Args& a) {
  absl::string_view group = TrimJavaSpaces(a[0]);
  if (group.empty() || !IsName(group)) {
    return UsageError("-chgrp",
                      absl::StrCat("'", a[0], "' does not match expected pattern for group"));
  }
  ChangeOwner("", std::string(group), f.count("-R") > 0, Args(a.begin() + 1, a.end()));
  return ExitCode();
}

void FsShell::ChangeOwner(const std::string& owner, const std::string& group, bool recursive,
                          const Args& paths) {
  ForEachPath(paths, recursive,
              [&](const std::string& display, const std::string& abs, const FileStatus& st) {
                // Only what changes is sent, so a no-op needs no rights.
                std::string new_owner = owner == st.owner() ? "" : owner;
                std::string new_group = group == st.group() ? "" : group;
                if (new_owner.empty() && new_group.empty()) return;
                absl::Status s = client_->SetOwner(abs, new_owner, new_group);
                if (!s.ok()) {
                  Error(absl::StrCat("changing ownership of '", display,
                                     "': ", FirstLine(s.message())));
                }
              });
}

}  // namespace hayloft
