// FsShell: -rm's trash and -expunge, with HDFS's TrashPolicyDefault
// (common/fs/trash_policy.h). What Hadoop logs at INFO is printed on stderr in
// Hadoop's console log layout, as `hdfs dfs` shows it.
#include <sys/time.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/fs_shell.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"
#include "common/fs/trash_policy.h"

namespace hayloft {
namespace {

// The DfsClient as the trash sees it.
class DfsTrashFs final : public TrashFileSystem {
 public:
  explicit DfsTrashFs(DfsClient* client) : client_(client) {}
  absl::StatusOr<FileStatus> GetFileInfo(const std::string& p) override {
    return client_->GetFileInfo(p);
  }
  absl::StatusOr<std::vector<FileStatus>> ListStatus(const std::string& p) override {
    return client_->ListStatus(p);
  }
  absl::Status Mkdirs(const std::string& p, uint32_t permission) override {
    return client_->Mkdirs(p, true, permission);
  }
  absl::Status Rename(const std::string& src, const std::string& dst) override {
    return client_->Rename(src, dst);
  }
  absl::StatusOr<bool> Delete(const std::string& p, bool recursive) override {
    return client_->Delete(p, recursive);
  }

 private:
  DfsClient* const client_;
};

// log4j's "%d{ISO8601} %p %c{2}: %m%n", the layout of Hadoop's console logger.
std::string HadoopLogLine(absl::string_view logger, absl::string_view message) {
  absl::Time now = absl::Now();
  int64_t ms = absl::ToUnixMillis(now) % 1000;
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M:%S", now, absl::LocalTimeZone()),
                      absl::StrFormat(",%03d", ms), " INFO ", logger, ": ", message, "\n");
}

}  // namespace

TrashPolicyOptions FsShell::TrashOptions(absl::Duration interval) {
  TrashPolicyOptions o;
  o.deletion_interval = interval;
  o.checkpoint_interval = client_->options().trash_checkpoint_interval;
  o.qualifier = absl::StrCat("hdfs://", client_->options().namenode_address);
  o.log = [this](const std::string& line) {
    *io_.err << HadoopLogLine("fs.TrashPolicyDefault", line) << std::flush;
  };
  return o;
}

absl::StatusOr<bool> FsShell::MoveToTrash(const std::string& p) {
  HL_ASSIGN_OR_RETURN(std::string abs, path::Normalize(p, client_->working_dir()));
  // A namenode with trash on decides the interval, as Trash.moveToAppropriateTrash:
  // without its answer nothing is deleted rather than risk deleting for good.
  absl::StatusOr<GetServerDefaultsResponse> defaults = client_->GetServerDefaults();
  if (!defaults.ok()) {
    return absl::UnavailableError(absl::StrCat("Failed to get server trash configuration: ",
                                               defaults.status().message()));
  }
  absl::Duration interval = defaults->trash_interval_minutes() != 0
                                ? absl::Minutes(defaults->trash_interval_minutes())
                                : client_->options().trash_interval;
  DfsTrashFs fs(client_);
  TrashPolicy trash(&fs, TrashOptions(interval));
  HL_ASSIGN_OR_RETURN(std::optional<std::string> to,
                      trash.MoveToTrash(abs, client_->options().user, false));
  return to.has_value();
}

int FsShell::Expunge(const std::set<std::string>& f, const Args& a) {
  if (!a.empty()) {
    return UsageError("-expunge", absl::StrCat("Too many arguments: expected 0 but got ", a.size()));
  }
  if (f.count("-fs")) {
    const std::string& fs = option_values_["-fs"];
    std::string ours = absl::StrCat("hdfs://", client_->options().namenode_address);
    if (fs.rfind(ours, 0) != 0) {
      Error(absl::StrCat("-fs ", fs, " is not this client's file system (", ours, ")"));
      return ExitCode();
    }
  }
  // Trash.expunge() and checkpoint() use the client's own fs.trash.interval.
  DfsTrashFs fs(client_);
  TrashPolicy trash(&fs, TrashOptions(client_->options().trash_interval));
  std::string root = TrashPolicy::TrashRoot(client_->options().user);
  absl::StatusOr<FileStatus> st = client_->GetFileInfo(root);
  if (!st.ok() || !st->is_dir()) return ExitCode();  // no trash: nothing to do
  absl::Time now = absl::Now();
  absl::Status s;
  if (f.count("-immediate")) {
    s = trash.CreateCheckpoint(root, now);
    if (s.ok()) s = trash.DeleteCheckpoints(root, true);
  } else {
    s = trash.DeleteCheckpoints(root, false);
    if (s.ok()) s = trash.CreateCheckpoint(root, now);
  }
  if (!s.ok()) Error(std::string(s.message()));
  return ExitCode();
}

}  // namespace hayloft
