// TrashPolicy: HDFS's TrashPolicyDefault. A removed path moves to its owner's
// trash, /user/<name>/.Trash/Current/<absolute path>. A checkpoint renames Current
// to a directory named after the time (yyMMddHHmmss, local time, "-N" appended on
// a clash); checkpoints older than fs.trash.interval are deleted. The shell uses it
// for -rm and -expunge, the namenode's TrashEmptier for all users every emptier
// interval.
#ifndef HAYLOFT_COMMON_FS_TRASH_POLICY_H_
#define HAYLOFT_COMMON_FS_TRASH_POLICY_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/base/config.h"
#include "proto/namenode.pb.h"

namespace hayloft {

// The namespace calls trash needs, on normalized absolute paths. Errors as
// DfsClient's: NotFound for a missing path, AlreadyExists (or FailedPrecondition)
// when a file is in the way of a directory.
class TrashFileSystem {
 public:
  virtual ~TrashFileSystem() = default;
  virtual absl::StatusOr<FileStatus> GetFileInfo(const std::string& path) = 0;
  // Children with FileStatus.path holding the name.
  virtual absl::StatusOr<std::vector<FileStatus>> ListStatus(const std::string& path) = 0;
  virtual absl::Status Mkdirs(const std::string& path, uint32_t permission) = 0;
  virtual absl::Status Rename(const std::string& src, const std::string& dst) = 0;
  virtual absl::StatusOr<bool> Delete(const std::string& path, bool recursive) = 0;
};

// fs.trash.interval and fs.trash.checkpoint.interval: minutes, read as floats as
// Hadoop does; a negative value is 0. InvalidArgument names the key.
absl::StatusOr<absl::Duration> TrashIntervalFromConfig(const Configuration& conf,
                                                       absl::string_view key,
                                                       double default_minutes);

struct TrashPolicyOptions {
  // fs.trash.interval: checkpoints older than this are deleted; zero or less
  // turns trash off.
  absl::Duration deletion_interval = absl::Minutes(1440);
  // fs.trash.checkpoint.interval: how often the emptier runs; zero, or more than
  // the deletion interval, means the deletion interval.
  absl::Duration checkpoint_interval = absl::ZeroDuration();
  // Put before paths in messages: "hdfs://host:port".
  std::string qualifier;
  // Checkpoint names are in this zone (Java's SimpleDateFormat uses the local one).
  absl::TimeZone time_zone = absl::LocalTimeZone();
  std::function<absl::Time()> now = [] { return absl::Now(); };
  // Receives what TrashPolicyDefault logs at INFO (and WARN), without a prefix.
  std::function<void(const std::string&)> log = [](const std::string&) {};
};

// Not thread-safe; cheap to make per use.
class TrashPolicy {
 public:
  static constexpr uint32_t kTrashPermission = 0700;

  TrashPolicy(TrashFileSystem* fs, TrashPolicyOptions options);

  bool enabled() const { return options_.deletion_interval > absl::ZeroDuration(); }
  // The interval the emptier sleeps between runs.
  absl::Duration emptier_interval() const;

  // "/user/<name>/.Trash".
  static std::string TrashRoot(absl::string_view user);
  // Moves `path` (absolute, normalized, existing) into `user`'s Current trash and
  // returns where it went. nullopt when trash is off, or (unless `force`) when the
  // path is already in the trash: the caller deletes it then. Errors: NotFound;
  // FailedPrecondition "Cannot move "P" to the trash, as it contains the trash";
  // others as "Failed to move P to trash T".
  absl::StatusOr<std::optional<std::string>> MoveToTrash(const std::string& path,
                                                         absl::string_view user, bool force);

  // Renames trash_root/Current to a checkpoint named after `when`. No-op without a
  // Current.
  absl::Status CreateCheckpoint(const std::string& trash_root, absl::Time when);
  // Deletes checkpoints older than the deletion interval (all of them when
  // `immediately`). Items that are not checkpoints are logged and left alone (as
  // Hadoop 3.3 does; trunk moves them into the caller's own trash).
  absl::Status DeleteCheckpoints(const std::string& trash_root, bool immediately);
  // /user/<name>/.Trash for every user that has one.
  absl::StatusOr<std::vector<std::string>> AllTrashRoots();

  // yyMMddHHmmss of `t` in `tz`; and back (also the pre-0.23 yyMMddHHmm form).
  static std::string CheckpointName(absl::Time t, absl::TimeZone tz);
  static std::optional<absl::Time> ParseCheckpointName(absl::string_view name, absl::TimeZone tz);

 private:
  std::string Qualified(absl::string_view path) const;
  absl::StatusOr<bool> Exists(const std::string& path);
  // mkdirs of `base` (the trash directory of the path's parent); when a file is in
  // the way, renames the target as HDFS does (appending the time in ms to it).
  absl::Status MakeTrashParent(std::string* base, std::string* target);

  TrashFileSystem* const fs_;
  const TrashPolicyOptions options_;
};

}  // namespace hayloft

#endif  // HAYLOFT_COMMON_FS_TRASH_POLICY_H_
