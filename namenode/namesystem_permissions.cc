// Namesystem: who the caller is, and chmod / chown / chgrp (HDFS's FSDirAttrOp).
#include "absl/strings/str_cat.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"
#include "namenode/namesystem.h"

namespace hayloft {
namespace {

// The mode bits an inode keeps: rwx for three classes and the sticky bit (HDFS's
// FsPermission has no setuid/setgid).
constexpr uint32_t kModeMask = 01777;

}  // namespace

PermissionChecker Namesystem::CheckerFor(const RequestHeader& header) {
  PermissionPolicy policy{options_.permissions_enabled, options_.superuser, options_.supergroup};
  std::string user = header.user().empty() ? options_.superuser : header.user();
  std::vector<std::string> groups = groups_.GroupsOf(user);
  return PermissionChecker(policy, std::move(user), std::move(groups));
}

absl::Status Namesystem::SetPermission(const SetPermissionRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  PermissionChecker pc = CheckerFor(req.header());
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(
        CheckNotInSafeModeLocked(absl::StrCat("Cannot set permission for ", req.path())));
    InodePath iip = tree_.Resolve(req.path());
    HL_RETURN_IF_ERROR(pc.CheckTraverse(tree_, iip));
    Inode* inode = iip.last();
    if (inode == nullptr) {
      return absl::NotFoundError(absl::StrCat("Directory/File does not exist ", req.path()));
    }
    HL_RETURN_IF_ERROR(pc.CheckOwner(tree_, iip));
    inode->record.set_permission(req.permission() & kModeMask);
    leveldb::WriteBatch batch;
    tree_.Persist(inode, &batch);
    seq = AppendLocked(std::move(batch));
  }
  return Commit(seq);
}

absl::Status Namesystem::SetOwner(const SetOwnerRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  if (req.owner().empty() && req.group().empty()) {
    return absl::InvalidArgumentError("username == null && groupname == null");
  }
  PermissionChecker pc = CheckerFor(req.header());
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked(absl::StrCat("Cannot set owner for ", req.path())));
    InodePath iip = tree_.Resolve(req.path());
    HL_RETURN_IF_ERROR(pc.CheckTraverse(tree_, iip));
    Inode* inode = iip.last();
    if (inode == nullptr) {
      return absl::NotFoundError(absl::StrCat("Directory/File does not exist ", req.path()));
    }
    HL_RETURN_IF_ERROR(pc.CheckOwner(tree_, iip));
    HL_RETURN_IF_ERROR(pc.CheckSetOwner(req.owner(), req.group()));
    if (!req.owner().empty()) inode->record.set_owner(req.owner());
    if (!req.group().empty()) inode->record.set_group(req.group());
    leveldb::WriteBatch batch;
    tree_.Persist(inode, &batch);
    seq = AppendLocked(std::move(batch));
  }
  return Commit(seq);
}

}  // namespace hayloft
