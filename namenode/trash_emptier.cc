#include "namenode/trash_emptier.h"

#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/fs/trash_policy.h"

namespace hayloft {
namespace {

// The trash calls on the Namesystem, as the superuser.
class NamesystemTrashFs final : public TrashFileSystem {
 public:
  NamesystemTrashFs(Namesystem* ns, std::string user) : ns_(ns), user_(std::move(user)) {}

  absl::StatusOr<FileStatus> GetFileInfo(const std::string& path) override {
    GetFileInfoRequest req;
    req.mutable_header()->set_user(user_);
    req.set_path(path);
    HL_ASSIGN_OR_RETURN(GetFileInfoResponse resp, ns_->GetFileInfo(req));
    if (!resp.exists()) return absl::NotFoundError(absl::StrCat("File does not exist: ", path));
    return resp.status();
  }
  absl::StatusOr<std::vector<FileStatus>> ListStatus(const std::string& path) override {
    std::vector<FileStatus> out;
    ListStatusRequest req;
    req.mutable_header()->set_user(user_);
    req.set_path(path);
    while (true) {
      HL_ASSIGN_OR_RETURN(ListStatusResponse resp, ns_->ListStatus(req));
      for (FileStatus& s : *resp.mutable_entries()) out.push_back(std::move(s));
      if (resp.remaining() <= 0 || resp.entries_size() == 0) break;
      req.set_start_after(out.back().path());
    }
    return out;
  }
  absl::Status Mkdirs(const std::string& path, uint32_t permission) override {
    MkdirsRequest req;
    req.mutable_header()->set_user(user_);
    req.set_path(path);
    req.set_permission(permission);
    req.set_create_parent(true);
    return ns_->Mkdirs(req);
  }
  absl::Status Rename(const std::string& src, const std::string& dst) override {
    RenameRequest req;
    req.mutable_header()->set_user(user_);
    req.set_src(src);
    req.set_dst(dst);
    return ns_->Rename(req);
  }
  absl::StatusOr<bool> Delete(const std::string& path, bool recursive) override {
    DeleteRequest req;
    req.mutable_header()->set_user(user_);
    req.set_path(path);
    req.set_recursive(recursive);
    HL_ASSIGN_OR_RETURN(DeleteResponse resp, ns_->Delete(req));
    return resp.deleted();
  }

 private:
  Namesystem* const ns_;
  const std::string user_;
};

TrashPolicyOptions PolicyOptions(const NamenodeOptions& o) {
  TrashPolicyOptions p;
  p.deletion_interval = o.trash_interval;
  p.checkpoint_interval = o.trash_checkpoint_interval;
  p.log = [](const std::string& line) { LOG(INFO) << "Trash: " << line; };
  return p;
}

}  // namespace

void TrashEmptier::Start() {
  NamesystemTrashFs fs(namesystem_, options_.superuser);
  TrashPolicy policy(&fs, PolicyOptions(options_));
  if (!policy.enabled()) return;
  absl::Duration interval = policy.emptier_interval();
  LOG(INFO) << "Namenode trash configuration: Deletion interval = "
            << absl::ToDoubleMinutes(options_.trash_interval)
            << " minutes, Emptier interval = " << absl::ToDoubleMinutes(interval) << " minutes.";
  thread_ = std::thread([this, interval] { Loop(interval); });
}

void TrashEmptier::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void TrashEmptier::Loop(absl::Duration interval) {
  while (true) {
    // Wake at the next multiple of the interval, as HDFS's Emptier does.
    absl::Time now = absl::Now();
    absl::Time end = absl::UnixEpoch() + (absl::Floor(now - absl::UnixEpoch(), interval) + interval);
    if (stop_.WaitForNotificationWithTimeout(end - now)) return;
    now = absl::Now();
    if (now >= end) RunOnce(now);
  }
}

void TrashEmptier::RunOnce(absl::Time now) {
  NamesystemTrashFs fs(namesystem_, options_.superuser);
  TrashPolicy policy(&fs, PolicyOptions(options_));
  absl::StatusOr<std::vector<std::string>> roots = policy.AllTrashRoots();
  if (!roots.ok()) {
    LOG(WARNING) << "Trash emptier could not list the trash roots: " << roots.status();
    return;
  }
  for (const std::string& root : *roots) {
    absl::Status s = policy.DeleteCheckpoints(root, false);
    if (s.ok()) s = policy.CreateCheckpoint(root, now);
    if (!s.ok()) LOG(WARNING) << "Trash caught: " << s << ". Skipping " << root << ".";
  }
}

}  // namespace hayloft
