#include "common/fs/trash_policy.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft {
namespace {

constexpr char kCurrent[] = "Current";
constexpr char kCheckpointFormat[] = "%y%m%d%H%M%S";
constexpr char kOldCheckpointFormat[] = "%y%m%d%H%M";
// Give up on checkpoint names after this many "-N" suffixes, as HDFS does.
constexpr int kMaxCheckpointAttempts = 1000;
// A trash path that keeps running into files is given up on after this many renames.
constexpr int kMaxTrashParentAttempts = 100;

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// Path.mergePaths(dir, abs): dir followed by the absolute path, "/" adding nothing.
std::string Merge(const std::string& dir, const std::string& abs) {
  return abs == "/" ? dir : absl::StrCat(dir, abs);
}

}  // namespace

absl::StatusOr<absl::Duration> TrashIntervalFromConfig(const Configuration& conf,
                                                       absl::string_view key,
                                                       double default_minutes) {
  std::string text = conf.GetString(key, absl::StrCat(default_minutes));
  double minutes;
  if (!absl::SimpleAtod(text, &minutes)) {
    return absl::InvalidArgumentError(
        absl::StrCat(key, " must be a number of minutes, not ", text));
  }
  return minutes <= 0 ? absl::ZeroDuration() : absl::Minutes(1) * minutes;
}

TrashPolicy::TrashPolicy(TrashFileSystem* fs, TrashPolicyOptions options)
    : fs_(fs), options_(std::move(options)) {}

absl::Duration TrashPolicy::emptier_interval() const {
  absl::Duration ci = options_.checkpoint_interval;
  if (ci <= absl::ZeroDuration() || ci > options_.deletion_interval) {
    return options_.deletion_interval;
  }
  return ci;
}

std::string TrashPolicy::TrashRoot(absl::string_view user) {
  return absl::StrCat("/user/", user, "/.Trash");
}

std::string TrashPolicy::Qualified(absl::string_view path) const {
  return absl::StrCat(options_.qualifier, path);
}

std::string TrashPolicy::CheckpointName(absl::Time t, absl::TimeZone tz) {
  return absl::FormatTime(kCheckpointFormat, t, tz);
}

std::optional<absl::Time> TrashPolicy::ParseCheckpointName(absl::string_view name,
                                                           absl::TimeZone tz) {
  // SimpleDateFormat.parse reads the leading fields and ignores what follows, so
  // "240105103000-1" (a clash suffix) is a checkpoint of 2024-01-05 10:30:00.
  for (auto [width, format] : {std::pair<size_t, const char*>{12, kCheckpointFormat},
                               std::pair<size_t, const char*>{10, kOldCheckpointFormat}}) {
    if (name.size() < width || !AllDigits(name.substr(0, width))) continue;
    absl::Time t;
    std::string err;
    if (absl::ParseTime(format, std::string(name.substr(0, width)), tz, &t, &err)) return t;
  }
  return std::nullopt;
}

absl::StatusOr<bool> TrashPolicy::Exists(const std::string& p) {
  absl::StatusOr<FileStatus> st = fs_->GetFileInfo(p);
  if (st.ok()) return true;
  if (absl::IsNotFound(st.status())) return false;
  return st.status();
}

absl::Status TrashPolicy::MakeTrashParent(std::string* base, std::string* target) {
  for (int attempt = 0; attempt < kMaxTrashParentAttempts; ++attempt) {
    absl::Status s = fs_->Mkdirs(*base, kTrashPermission);
    if (s.ok()) return s;
    if (!absl::IsAlreadyExists(s) && !absl::IsFailedPrecondition(s)) return s;
    // Is a file in the way (the deepest existing prefix)? Then HDFS renames the
    // trash target instead, appending the time in ms to that component. Anything
    // else (safe mode, say) is a plain failure.
    std::string existing = *base;
    absl::StatusOr<FileStatus> st = fs_->GetFileInfo(existing);
    while (absl::IsNotFound(st.status()) && existing != "/") {
      existing = path::Parent(existing);
      st = fs_->GetFileInfo(existing);
    }
    HL_RETURN_IF_ERROR(st.status());
    if (st->is_dir()) return s;
    std::string renamed =
        absl::StrCat(existing, absl::ToUnixMillis(options_.now()));
    *base = absl::StrCat(renamed, base->substr(existing.size()));
    *target = path::Join(*base, path::Basename(*target));
  }
  return absl::InternalError(absl::StrCat("Can't create trash directory: ", *base));
}

absl::StatusOr<std::optional<std::string>> TrashPolicy::MoveToTrash(const std::string& p,
                                                                    absl::string_view user,
                                                                    bool force) {
  if (!enabled()) return std::nullopt;
  HL_RETURN_IF_ERROR(fs_->GetFileInfo(p).status());
  std::string qpath = Qualified(p);
  std::string root = TrashRoot(user);
  // String prefixes, exactly as TrashPolicyDefault compares them.
  if (absl::StartsWith(qpath, Qualified(root)) && !force) return std::nullopt;
  if (absl::StartsWith(Qualified(path::Parent(root)), qpath)) {
    return absl::FailedPreconditionError(
        absl::StrCat("Cannot move \"", qpath, "\" to the trash, as it contains the trash"));
  }
  std::string current = path::Join(root, kCurrent);
  std::string target = Merge(current, p);
  std::string base = Merge(current, path::Parent(p));
  absl::Status cause;
  // Twice, in case a checkpoint renames Current between the mkdirs and the rename.
  for (int i = 0; i < 2; ++i) {
    cause = MakeTrashParent(&base, &target);
    if (!cause.ok()) break;
    // A target that exists already gets the time in ms appended.
    std::string orig = target;
    while (true) {
      HL_ASSIGN_OR_RETURN(bool exists, Exists(target));
      if (!exists) break;
      target = absl::StrCat(orig, absl::ToUnixMillis(options_.now()));
    }
    cause = fs_->Rename(p, target);
    if (cause.ok()) {
      options_.log(absl::StrCat("Moved: '", qpath, "' to trash at: ", Qualified(target)));
      return target;
    }
  }
  return absl::Status(cause.code(), absl::StrCat("Failed to move ", qpath, " to trash ",
                                                 Qualified(target), ": ", cause.message()));
}

absl::Status TrashPolicy::CreateCheckpoint(const std::string& trash_root, absl::Time when) {
  options_.log(absl::StrCat("TrashPolicyDefault#createCheckpoint for trashRoot: ",
                            Qualified(trash_root)));
  std::string current = path::Join(trash_root, kCurrent);
  HL_ASSIGN_OR_RETURN(bool has_current, Exists(current));
  if (!has_current) return absl::OkStatus();
  std::string base = path::Join(trash_root, CheckpointName(when, options_.time_zone));
  std::string checkpoint = base;
  // Our Rename moves into an existing directory, so look before renaming.
  for (int attempt = 1;; ++attempt) {
    HL_ASSIGN_OR_RETURN(bool exists, Exists(checkpoint));
    if (!exists) break;
    if (attempt > kMaxCheckpointAttempts) {
      return absl::AlreadyExistsError(absl::StrCat("Failed to checkpoint trash: ", checkpoint));
    }
    checkpoint = absl::StrCat(base, "-", attempt);
  }
  HL_RETURN_IF_ERROR(fs_->Rename(current, checkpoint));
  options_.log(absl::StrCat("Created trash checkpoint: ", checkpoint));
  return absl::OkStatus();
}

absl::Status TrashPolicy::DeleteCheckpoints(const std::string& trash_root, bool immediately) {
  options_.log(absl::StrCat("TrashPolicyDefault#deleteCheckpoint for trashRoot: ",
                            Qualified(trash_root)));
  absl::StatusOr<std::vector<FileStatus>> dirs = fs_->ListStatus(trash_root);
  if (absl::IsNotFound(dirs.status())) return absl::OkStatus();
  HL_RETURN_IF_ERROR(dirs.status());
  absl::Time now = options_.now();
  for (const FileStatus& d : *dirs) {
    const std::string& name = d.path();
    if (name == kCurrent) continue;
    std::string dir = path::Join(trash_root, name);
    std::optional<absl::Time> time = ParseCheckpointName(name, options_.time_zone);
    if (!time) {
      options_.log(absl::StrCat("Unexpected item in trash: ", dir, ". Ignoring."));
      continue;
    }
    if (now - options_.deletion_interval > *time || immediately) {
      absl::StatusOr<bool> deleted = fs_->Delete(dir, true);
      if (deleted.ok() && *deleted) {
        options_.log(absl::StrCat("Deleted trash checkpoint: ", dir));
      } else {
        options_.log(absl::StrCat("Couldn't delete checkpoint: ", dir, " Ignoring."));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> TrashPolicy::AllTrashRoots() {
  std::vector<std::string> roots;
  absl::StatusOr<std::vector<FileStatus>> homes = fs_->ListStatus("/user");
  if (absl::IsNotFound(homes.status())) return roots;
  HL_RETURN_IF_ERROR(homes.status());
  for (const FileStatus& home : *homes) {
    if (!home.is_dir()) continue;
    std::string root = TrashRoot(home.path());
    absl::StatusOr<FileStatus> st = fs_->GetFileInfo(root);
    if (st.ok() && st->is_dir()) roots.push_back(root);
  }
  return roots;
}

}  // namespace hayloft
