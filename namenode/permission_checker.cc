#include "namenode/permission_checker.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft {
namespace {

bool Implies(FsAction have, FsAction want) {
  return (static_cast<uint32_t>(have) & static_cast<uint32_t>(want)) ==
         static_cast<uint32_t>(want);
}

// "d" + mode, as the inode part of HDFS's messages shows it.
std::string TypeAndMode(const InodeRecord& r) {
  return absl::StrCat(r.is_dir() ? "d" : "-", ModeString(r.permission()));
}

}  // namespace

absl::string_view FsActionName(FsAction a) {
  static constexpr absl::string_view kNames[] = {
      "NONE", "EXECUTE", "WRITE", "WRITE_EXECUTE", "READ", "READ_EXECUTE", "READ_WRITE", "ALL"};
  return kNames[static_cast<uint32_t>(a) & 7];
}

std::string ModeString(uint32_t mode) {
  static constexpr const char* kSymbols[] = {"---", "--x", "-w-", "-wx",
                                             "r--", "r-x", "rw-", "rwx"};
  std::string s = absl::StrCat(kSymbols[(mode >> 6) & 7], kSymbols[(mode >> 3) & 7],
                               kSymbols[mode & 7]);
  if (mode & kStickyBit) s[8] = (mode & 1) ? 't' : 'T';
  return s;
}

PermissionChecker::PermissionChecker(const PermissionPolicy& policy, std::string user,
                                     std::vector<std::string> groups)
    : enabled_(policy.enabled),
      user_(std::move(user)),
      groups_(std::move(groups)),
      superuser_(user_ == policy.superuser ||
                 std::find(groups_.begin(), groups_.end(), policy.supergroup) != groups_.end()) {}

bool PermissionChecker::IsMemberOf(const std::string& group) const {
  return std::find(groups_.begin(), groups_.end(), group) != groups_.end();
}

bool PermissionChecker::HasPermission(const InodeRecord& r, FsAction access) const {
  uint32_t mode = r.permission();
  uint32_t bits = r.owner() == user_ ? (mode >> 6) & 7
                  : IsMemberOf(r.group()) ? (mode >> 3) & 7
                                          : mode & 7;
  return Implies(static_cast<FsAction>(bits), access);
}

absl::Status PermissionChecker::Denied(const Inode& inode, const std::string& path,
                                       FsAction access) const {
  const InodeRecord& r = inode.record;
  return absl::PermissionDeniedError(absl::StrCat(
      "Permission denied: user=", user_, ", access=", FsActionName(access), ", inode=\"", path,
      "\":", r.owner(), ":", r.group(), ":", TypeAndMode(r)));
}

absl::Status PermissionChecker::CheckInode(const Inode& inode, const std::string& path,
                                           FsAction access) const {
  if (!enabled_ || superuser_ || HasPermission(inode.record, access)) return absl::OkStatus();
  return Denied(inode, path, access);
}

absl::Status PermissionChecker::Check(const NamespaceTree& tree, const InodePath& p,
                                      const AccessRequest& r) const {
  if (!enabled_ || superuser_) return absl::OkStatus();
  return CheckPath(tree, p, r, /*check_owner=*/false);
}

absl::Status PermissionChecker::CheckOwner(const NamespaceTree& tree, const InodePath& p) const {
  if (superuser_) return absl::OkStatus();
  return CheckPath(tree, p, {}, /*check_owner=*/true);
}

absl::Status PermissionChecker::CheckPath(const NamespaceTree& tree, const InodePath& p,
                                          const AccessRequest& r, bool check_owner) const {
  const size_t n = p.inodes.size();
  // The nearest existing ancestor of the last component.
  size_t ancestor = n >= 2 ? n - 2 : 0;
  while (ancestor > 0 && p.inodes[ancestor] == nullptr) --ancestor;
  for (size_t i = 0; n >= 2 && i <= ancestor; ++i) {
    const Inode* dir = p.inodes[i];
    // A file in the way: the operation itself reports it (HDFS throws
    // ParentNotDirectoryException here, before any permission).
    if (!dir->is_dir()) return absl::OkStatus();
    if (!HasPermission(dir->record, FsAction::kExecute)) {
      return Denied(*dir, p.PathTo(i), FsAction::kExecute);
    }
  }
  const Inode* last = p.last();
  const Inode* parent = p.parent();
  if (r.parent && Implies(*r.parent, FsAction::kWrite) && parent != nullptr && last != nullptr) {
    HL_RETURN_IF_ERROR(CheckSticky(*parent, p.PathTo(n - 2), *last, p.PathTo(n - 1)));
  }
  if (r.ancestor && n >= 2 && !HasPermission(p.inodes[ancestor]->record, *r.ancestor)) {
    return Denied(*p.inodes[ancestor], p.PathTo(ancestor), *r.ancestor);
  }
  if (r.parent && parent != nullptr && !HasPermission(parent->record, *r.parent)) {
    return Denied(*parent, p.PathTo(n - 2), *r.parent);
  }
  if (r.access && last != nullptr && !HasPermission(last->record, *r.access)) {
    return Denied(*last, p.PathTo(n - 1), *r.access);
  }
  if (r.sub && last != nullptr) {
    HL_RETURN_IF_ERROR(CheckSubtree(tree, *last, p.PathTo(n - 1), *r.sub, r.ignore_empty_dirs));
  }
  if (check_owner && last != nullptr && last->record.owner() != user_) {
    return absl::PermissionDeniedError(absl::StrCat(
        "Permission denied. user=", user_, " is not the owner of inode=", p.PathTo(n - 1)));
  }
  return absl::OkStatus();
}

absl::Status PermissionChecker::CheckSticky(const Inode& parent, const std::string& parent_path,
                                            const Inode& child,
                                            const std::string& child_path) const {
  if ((parent.record.permission() & kStickyBit) == 0 || parent.record.owner() == user_ ||
      child.record.owner() == user_) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "Permission denied by sticky bit: user=", user_, ", path=\"", child_path, "\":",
      child.record.owner(), ":", child.record.group(), ":", TypeAndMode(child.record),
      ", parent=\"", parent_path, "\":", parent.record.owner(), ":", parent.record.group(), ":",
      TypeAndMode(parent.record)));
}

absl::Status PermissionChecker::CheckSubtree(const NamespaceTree& tree, const Inode& top,
                                             const std::string& path, FsAction access,
                                             bool ignore_empty_dirs) const {
  if (!top.is_dir()) return absl::OkStatus();
  // Depth first with a stack, children pushed in name order, as HDFS walks it,
  // so the same directory is reported first.
  std::vector<std::pair<const Inode*, std::string>> stack = {{&top, path}};
  while (!stack.empty()) {
    auto [dir, dir_path] = std::move(stack.back());
    stack.pop_back();
    if (dir->children.empty() && ignore_empty_dirs) continue;
    if (!HasPermission(dir->record, access)) return Denied(*dir, dir_path, access);
    for (const auto& [name, id] : dir->children) {
      const Inode* child = tree.Get(id);
      if (child == nullptr) continue;
      std::string child_path = path::Join(dir_path, name);
      // Removing a tree removes every child of a sticky directory in it too.
      // (HDFS also applies this to read-only walks; we keep it to writes.)
      if (Implies(access, FsAction::kWrite)) {
        HL_RETURN_IF_ERROR(CheckSticky(*dir, dir_path, *child, child_path));
      }
      if (child->is_dir()) stack.emplace_back(child, std::move(child_path));
    }
  }
  return absl::OkStatus();
}

absl::Status PermissionChecker::CheckSetOwner(const std::string& new_owner,
                                              const std::string& new_group) const {
  if (superuser_) return absl::OkStatus();
  if (!new_owner.empty() && new_owner != user_) {
    return absl::PermissionDeniedError(absl::StrCat(
        "User ", user_, " is not a super user (non-super user cannot change owner)."));
  }
  if (!new_group.empty() && !IsMemberOf(new_group)) {
    return absl::PermissionDeniedError(
        absl::StrCat("User ", user_, " does not belong to ", new_group));
  }
  return absl::OkStatus();
}

absl::Status PermissionChecker::CheckSuperuser() const {
  if (!enabled_ || superuser_) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("Access denied for user ", user_, ". Superuser privilege is required"));
}

}  // namespace hayloft
