#include "common/fs/trash_policy.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/path.h"
#include "tests/testing/status_matchers.h"

namespace hayloft {
namespace {

using ::hayloft::testing::IsOkAndHolds;
using ::hayloft::testing::StatusIs;
using ::testing::ElementsAre;

// An in-memory namespace with HDFS's rename rules (no overwrite, parent must exist).
class FakeTrashFs : public TrashFileSystem {
 public:
  FakeTrashFs() { entries_["/"] = true; }

  // Both add missing parents.
  void AddDir(const std::string& p) { Add(p, true); }
  void AddFile(const std::string& p) { Add(p, false); }
  bool Has(const std::string& p) const { return entries_.count(p) > 0; }
  std::vector<std::string> Under(const std::string& dir) const {
    std::vector<std::string> out;
    for (const auto& [p, is_dir] : entries_) {
      if (p != dir && path::IsAncestorOrSelf(dir, p)) out.push_back(p);
    }
    return out;
  }

  absl::StatusOr<FileStatus> GetFileInfo(const std::string& p) override {
    auto it = entries_.find(p);
    if (it == entries_.end()) return absl::NotFoundError(p);
    FileStatus st;
    st.set_path(p);
    st.set_is_dir(it->second);
    return st;
  }
  absl::StatusOr<std::vector<FileStatus>> ListStatus(const std::string& p) override {
    if (!Has(p)) return absl::NotFoundError(p);
    std::vector<FileStatus> out;
    for (const auto& [child, is_dir] : entries_) {
      if (child != "/" && path::Parent(child) == p) {
        FileStatus st;
        st.set_path(path::Basename(child));
        st.set_is_dir(is_dir);
        out.push_back(st);
      }
    }
    return out;
  }
  absl::Status Mkdirs(const std::string& p, uint32_t) override {
    std::string so_far = "/";
    for (const std::string& c : path::Components(p)) {
      so_far = path::Join(so_far, c);
      auto it = entries_.find(so_far);
      if (it == entries_.end()) {
        entries_[so_far] = true;
      } else if (!it->second) {
        return absl::AlreadyExistsError(absl::StrCat(so_far, " is a file"));
      }
    }
    return absl::OkStatus();
  }
  absl::Status Rename(const std::string& src, const std::string& dst) override {
    if (!Has(src)) return absl::NotFoundError(src);
    if (Has(dst)) return absl::AlreadyExistsError(dst);
    if (!Has(path::Parent(dst))) return absl::NotFoundError(path::Parent(dst));
    std::map<std::string, bool> moved;
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (path::IsAncestorOrSelf(src, it->first)) {
        moved[dst + it->first.substr(src.size())] = it->second;
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
    entries_.insert(moved.begin(), moved.end());
    return absl::OkStatus();
  }
  absl::StatusOr<bool> Delete(const std::string& p, bool) override {
    bool found = false;
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (path::IsAncestorOrSelf(p, it->first)) {
        it = entries_.erase(it);
        found = true;
      } else {
        ++it;
      }
    }
    return found;
  }

 private:
  void Add(const std::string& p, bool is_dir) {
    for (std::string parent = path::Parent(p); parent != "/"; parent = path::Parent(parent)) {
      entries_[parent] = true;
    }
    entries_[p] = is_dir;
  }

  std::map<std::string, bool> entries_;  // path -> is_dir
};

class TrashPolicyTest : public ::testing::Test {
 protected:
  TrashPolicyOptions Options() {
    TrashPolicyOptions o;
    o.qualifier = "hdfs://nn:8020";
    o.time_zone = absl::UTCTimeZone();
    o.now = [this] { return now_; };
    o.log = [this](const std::string& line) { log_.push_back(line); };
    return o;
  }

  FakeTrashFs fs_;
  absl::Time now_ = absl::FromUnixSeconds(1704450600);  // 2024-01-05 10:30:00 UTC
  std::vector<std::string> log_;
};

TEST_F(TrashPolicyTest, MovesToCurrentUnderTheAbsolutePathAndSaysSo) {
  fs_.AddDir("/data");
  fs_.AddFile("/data/a");
  TrashPolicy trash(&fs_, Options());
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> to, trash.MoveToTrash("/data/a", "x", false));
  EXPECT_EQ(to, "/user/x/.Trash/Current/data/a");
  EXPECT_TRUE(fs_.Has("/user/x/.Trash/Current/data/a"));
  EXPECT_FALSE(fs_.Has("/data/a"));
  EXPECT_THAT(log_, ElementsAre("Moved: 'hdfs://nn:8020/data/a' to trash at: "
                                "hdfs://nn:8020/user/x/.Trash/Current/data/a"));
}

TEST_F(TrashPolicyTest, NameClashAppendsTheTimeInMillis) {
  fs_.AddFile("/a");
  fs_.AddDir("/user/x/.Trash/Current");
  fs_.AddFile("/user/x/.Trash/Current/a");
  TrashPolicy trash(&fs_, Options());
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> to, trash.MoveToTrash("/a", "x", false));
  EXPECT_EQ(to, "/user/x/.Trash/Current/a1704450600000");
}

TEST_F(TrashPolicyTest, FileInTheWayOfTheTrashDirectoryIsSidesteppedByRenaming) {
  // /d was a file when trashed; now a directory /d/f is trashed.
  fs_.AddDir("/d");
  fs_.AddFile("/d/f");
  fs_.AddDir("/user/x/.Trash/Current");
  fs_.AddFile("/user/x/.Trash/Current/d");
  TrashPolicy trash(&fs_, Options());
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> to, trash.MoveToTrash("/d/f", "x", false));
  EXPECT_EQ(to, "/user/x/.Trash/Current/d1704450600000/f");
}

// A namespace that refuses every change, as a namenode in safe mode does.
class ReadOnlyTrashFs : public FakeTrashFs {
 public:
  absl::Status Mkdirs(const std::string&, uint32_t) override {
    return absl::FailedPreconditionError("Cannot create directory: Name node is in safe mode.");
  }
};

TEST_F(TrashPolicyTest, MkdirsFailuresOtherThanAFileInTheWayAreReported) {
  ReadOnlyTrashFs fs;
  fs.AddFile("/a");
  TrashPolicy trash(&fs, Options());
  absl::StatusOr<std::optional<std::string>> r = trash.MoveToTrash("/a", "x", false);
  EXPECT_THAT(r.status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(r.status().message(),
            "Failed to move hdfs://nn:8020/a to trash hdfs://nn:8020/user/x/.Trash/Current/a: "
            "Cannot create directory: Name node is in safe mode.");
  EXPECT_TRUE(fs.Has("/a"));
}

TEST_F(TrashPolicyTest, PathsInTheTrashAreNotMovedAndOffMeansOff) {
  fs_.AddDir("/user/x/.Trash/Current");
  fs_.AddFile("/user/x/.Trash/Current/a");
  TrashPolicy trash(&fs_, Options());
  EXPECT_THAT(trash.MoveToTrash("/user/x/.Trash/Current/a", "x", false),
              IsOkAndHolds(std::nullopt));
  EXPECT_THAT(trash.MoveToTrash("/user/x/.Trash", "x", false), IsOkAndHolds(std::nullopt));
  fs_.AddFile("/b");
  TrashPolicyOptions off = Options();
  off.deletion_interval = absl::ZeroDuration();
  TrashPolicy disabled(&fs_, off);
  EXPECT_FALSE(disabled.enabled());
  EXPECT_THAT(disabled.MoveToTrash("/b", "x", false), IsOkAndHolds(std::nullopt));
  EXPECT_TRUE(fs_.Has("/b"));
}

TEST_F(TrashPolicyTest, RefusesPathsThatContainTheTrash) {
  fs_.AddDir("/user/x/.Trash");
  TrashPolicy trash(&fs_, Options());
  for (const char* p : {"/", "/user", "/user/x"}) {
    absl::StatusOr<std::optional<std::string>> r = trash.MoveToTrash(p, "x", false);
    EXPECT_THAT(r.status(), StatusIs(absl::StatusCode::kFailedPrecondition)) << p;
    EXPECT_EQ(r.status().message(),
              absl::StrCat("Cannot move \"hdfs://nn:8020", p, "\" to the trash, as it contains "
                           "the trash"));
  }
  EXPECT_THAT(trash.MoveToTrash("/missing", "x", false).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TrashPolicyTest, CheckpointNamesFollowSimpleDateFormat) {
  EXPECT_EQ(TrashPolicy::CheckpointName(now_, absl::UTCTimeZone()), "240105103000");
  EXPECT_EQ(TrashPolicy::ParseCheckpointName("240105103000", absl::UTCTimeZone()), now_);
  EXPECT_EQ(TrashPolicy::ParseCheckpointName("240105103000-3", absl::UTCTimeZone()), now_);
  EXPECT_EQ(TrashPolicy::ParseCheckpointName("2401051030", absl::UTCTimeZone()), now_);
  EXPECT_EQ(TrashPolicy::ParseCheckpointName("Current", absl::UTCTimeZone()), std::nullopt);
  EXPECT_EQ(TrashPolicy::ParseCheckpointName("2401", absl::UTCTimeZone()), std::nullopt);
}

TEST_F(TrashPolicyTest, CheckpointRenamesCurrentAndAddsSuffixOnClash) {
  fs_.AddDir("/user/x/.Trash/Current");
  fs_.AddFile("/user/x/.Trash/Current/a");
  TrashPolicy trash(&fs_, Options());
  ASSERT_OK(trash.CreateCheckpoint("/user/x/.Trash", now_));
  EXPECT_TRUE(fs_.Has("/user/x/.Trash/240105103000/a"));
  EXPECT_FALSE(fs_.Has("/user/x/.Trash/Current"));
  EXPECT_EQ(log_.back(), "Created trash checkpoint: /user/x/.Trash/240105103000");
  // Nothing to do without a Current.
  ASSERT_OK(trash.CreateCheckpoint("/user/x/.Trash", now_));
  fs_.AddDir("/user/x/.Trash/Current");
  ASSERT_OK(trash.CreateCheckpoint("/user/x/.Trash", now_));
  EXPECT_TRUE(fs_.Has("/user/x/.Trash/240105103000-1"));
}

TEST_F(TrashPolicyTest, DeletesOnlyCheckpointsOlderThanTheInterval) {
  fs_.AddDir("/user/x/.Trash/Current");
  fs_.AddDir("/user/x/.Trash/240104103000");   // 24 h old: kept (not older than 1440 min)
  fs_.AddDir("/user/x/.Trash/240104102959");   // older: deleted
  fs_.AddDir("/user/x/.Trash/notacheckpoint");
  TrashPolicy trash(&fs_, Options());
  ASSERT_OK(trash.DeleteCheckpoints("/user/x/.Trash", false));
  EXPECT_THAT(fs_.Under("/user/x/.Trash"),
              ElementsAre("/user/x/.Trash/240104103000", "/user/x/.Trash/Current",
                          "/user/x/.Trash/notacheckpoint"));
  EXPECT_THAT(log_, ::testing::Contains(
                        "Deleted trash checkpoint: /user/x/.Trash/240104102959"));
  ASSERT_OK(trash.DeleteCheckpoints("/user/x/.Trash", true));
  EXPECT_THAT(fs_.Under("/user/x/.Trash"),
              ElementsAre("/user/x/.Trash/Current", "/user/x/.Trash/notacheckpoint"));
}

TEST_F(TrashPolicyTest, FindsEveryUsersTrashAndPicksTheEmptierInterval) {
  fs_.AddDir("/user/a/.Trash");
  fs_.AddDir("/user/b");
  fs_.AddDir("/user/c/.Trash");
  fs_.AddFile("/user/f");
  TrashPolicy trash(&fs_, Options());
  EXPECT_THAT(trash.AllTrashRoots(), IsOkAndHolds(ElementsAre("/user/a/.Trash", "/user/c/.Trash")));
  EXPECT_EQ(trash.emptier_interval(), absl::Minutes(1440));
  TrashPolicyOptions o = Options();
  o.checkpoint_interval = absl::Minutes(60);
  EXPECT_EQ(TrashPolicy(&fs_, o).emptier_interval(), absl::Minutes(60));
  o.checkpoint_interval = absl::Minutes(2000);
  EXPECT_EQ(TrashPolicy(&fs_, o).emptier_interval(), absl::Minutes(1440));
}

}  // namespace
}  // namespace hayloft
