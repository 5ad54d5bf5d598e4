// PermissionChecker: HDFS's permission model (FSPermissionChecker) for one caller.
//
// An inode has an owner, a group and mode bits (rwx for owner, group and others,
// plus the sticky bit 01000). The caller is checked against the owner bits if it
// owns the inode, else against the group bits if it is in the inode's group, else
// against the other bits. The superuser (the user the namenode runs as, or any
// member of the supergroup) passes every check. With dfs.permissions.enabled
// false only the owner rules of chmod/chown/chgrp are enforced, as in HDFS.
//
// Denials are PermissionDenied with HDFS's AccessControlException text, e.g.
//   Permission denied: user=alice, access=WRITE, inode="/d":bob:supergroup:drwxr-xr-x
#ifndef HAYLOFT_NAMENODE_PERMISSION_CHECKER_H_
#define HAYLOFT_NAMENODE_PERMISSION_CHECKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "namenode/namespace_tree.h"

namespace hayloft {

inline constexpr uint32_t kStickyBit = 01000;

// HDFS's FsAction: r=4, w=2, x=1.
enum class FsAction : uint32_t {
  kNone = 0,
  kExecute = 1,
  kWrite = 2,
  kWriteExecute = 3,
  kRead = 4,
  kReadExecute = 5,
  kReadWrite = 6,
  kAll = 7,
};
// "READ_EXECUTE", as HDFS names it in messages.
absl::string_view FsActionName(FsAction a);
// FsPermission.toString: "rwxr-xr-t".
std::string ModeString(uint32_t mode);

// What an operation needs, as FSPermissionChecker.checkPermission's arguments.
// EXECUTE on every existing ancestor directory (traverse) is always checked.
struct AccessRequest {
  std::optional<FsAction> ancestor;  // on the nearest existing ancestor
  std::optional<FsAction> parent;    // on the parent; with WRITE, also the sticky bit
  std::optional<FsAction> access;    // on the inode itself, if it exists
  std::optional<FsAction> sub;       // on the inode and every directory below it
  bool ignore_empty_dirs = false;    // `sub` skips empty directories
};

// Who is the superuser and whether checks are on (from NamenodeOptions).
struct PermissionPolicy {
  bool enabled = true;                   // dfs.permissions.enabled
  std::string superuser;                 // the user the namenode runs as
  std::string supergroup = "supergroup"; // dfs.permissions.superusergroup
};

// Built per request from the caller's name and groups; not thread-safe, but a
// checker is used by one request only. Call its checks under the namesystem lock
// (they read inodes).
class PermissionChecker {
 public:
  PermissionChecker(const PermissionPolicy& policy, std::string user,
                    std::vector<std::string> groups);

  const std::string& user() const { return user_; }
  bool is_superuser() const { return superuser_; }
  bool IsMemberOf(const std::string& group) const;

  // Traverse plus what `r` asks for. OK for the superuser or with checks off.
  absl::Status Check(const NamespaceTree& tree, const InodePath& p,
                     const AccessRequest& r) const;
  absl::Status CheckTraverse(const NamespaceTree& tree, const InodePath& p) const {
    return Check(tree, p, {});
  }
  // `access` on one inode met during a walk (fsck), its ancestors already checked.
  absl::Status CheckInode(const Inode& inode, const std::string& path, FsAction access) const;
  // Traverse plus ownership of the last inode, for chmod, chown and chgrp. HDFS
  // checks it even with permissions off. The inode must exist.
  absl::Status CheckOwner(const NamespaceTree& tree, const InodePath& p) const;
  // After CheckOwner: only the superuser gives a file away; an owner may change
  // the group to one of their own groups. Empty means "leave as is".
  absl::Status CheckSetOwner(const std::string& new_owner, const std::string& new_group) const;
  // "Access denied for user X. Superuser privilege is required" unless the caller
  // is the superuser or checks are off.
  absl::Status CheckSuperuser() const;

 private:
  absl::Status CheckPath(const NamespaceTree& tree, const InodePath& p, const AccessRequest& r,
                         bool check_owner) const;
  bool HasPermission(const InodeRecord& r, FsAction access) const;
  // Sticky bit on `parent`: only the owner of `child` or of `parent` may remove
  // or rename `child`.
  absl::Status CheckSticky(const Inode& parent, const std::string& parent_path,
                           const Inode& child, const std::string& child_path) const;
  absl::Status CheckSubtree(const NamespaceTree& tree, const Inode& top, const std::string& path,
                            FsAction access, bool ignore_empty_dirs) const;
  absl::Status Denied(const Inode& inode, const std::string& path, FsAction access) const;

  const bool enabled_;
  const std::string user_;
  const std::vector<std::string> groups_;
  const bool superuser_;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_PERMISSION_CHECKER_H_
