// PermissionChecker against a small real tree (LevelDB in a temp dir, no
// sockets): HDFS's rules and its exact AccessControlException texts.
#include "namenode/permission_checker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/base/path.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

using ::hayloft::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;

class PermissionCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(dir_, testing::TempDir::Create("permission_checker_test"));
    ASSERT_OK_AND_ASSIGN(log_, EditLog::Open(dir_->path() + "/name"));
    leveldb::WriteBatch batch;
    ASSERT_OK(tree_.Load(log_.get(), "hdfs", "supergroup", &batch));
  }

  // Adds `path` (its parent must exist) with owner, group and mode.
  void Add(const std::string& path, bool is_dir, const std::string& owner,
           const std::string& group, uint32_t mode) {
    Inode* parent = tree_.Lookup(path::Parent(path));
    ASSERT_NE(parent, nullptr) << path;
    InodeRecord r;
    r.set_is_dir(is_dir);
    r.set_owner(owner);
    r.set_group(group);
    r.set_permission(mode);
    leveldb::WriteBatch batch;
    tree_.AddChild(parent, path::Basename(path), r, &batch);
  }

  absl::Status Check(const PermissionChecker& pc, const std::string& path,
                     const AccessRequest& r) {
    return pc.Check(tree_, tree_.Resolve(path), r);
  }

  static PermissionChecker As(const std::string& user, std::vector<std::string> groups = {},
                              bool enabled = true) {
    return PermissionChecker(PermissionPolicy{enabled, "hdfs", "supergroup"}, user,
                             std::move(groups));
  }

  std::optional<testing::TempDir> dir_;
  std::unique_ptr<EditLog> log_;
  NamespaceTree tree_;
};

TEST_F(PermissionCheckerTest, NamesActionsAndModesAsHdfs) {
  EXPECT_EQ(FsActionName(FsAction::kReadExecute), "READ_EXECUTE");
  EXPECT_EQ(FsActionName(FsAction::kWriteExecute), "WRITE_EXECUTE");
  EXPECT_EQ(FsActionName(FsAction::kAll), "ALL");
  EXPECT_EQ(ModeString(0755), "rwxr-xr-x");
  EXPECT_EQ(ModeString(01777), "rwxrwxrwt");
  EXPECT_EQ(ModeString(01770), "rwxrwx--T");
}

TEST_F(PermissionCheckerTest, OwnerThenGroupThenOtherBitsDecide) {
  Add("/f", false, "bob", "staff", 0640);
  // The owner class wins even when it grants less than the group class.
  Add("/g", false, "bob", "staff", 0060);
  EXPECT_OK(Check(As("bob"), "/f", {.access = FsAction::kReadWrite}));
  EXPECT_OK(Check(As("carol", {"staff"}), "/f", {.access = FsAction::kRead}));
  EXPECT_THAT(Check(As("carol", {"staff"}), "/f", {.access = FsAction::kWrite}),
              StatusIs(kDenied, "Permission denied: user=carol, access=WRITE, "
                                "inode=\"/f\":bob:staff:-rw-r-----"));
  EXPECT_THAT(Check(As("alice"), "/f", {.access = FsAction::kRead}), StatusIs(kDenied));
  EXPECT_THAT(Check(As("bob", {"staff"}), "/g", {.access = FsAction::kRead}),
              StatusIs(kDenied, HasSubstr("user=bob, access=READ")));
}

TEST_F(PermissionCheckerTest, TraverseNeedsExecuteOnEveryExistingAncestor) {
  Add("/a", true, "bob", "supergroup", 0755);
  Add("/a/private", true, "bob", "supergroup", 0700);
  Add("/a/private/f", false, "bob", "supergroup", 0644);
  // Even a path that does not exist below the closed directory is refused.
  for (const char* p : {"/a/private/f", "/a/private/missing/deeper"}) {
    EXPECT_THAT(Check(As("alice"), p, {}),
                StatusIs(kDenied, "Permission denied: user=alice, access=EXECUTE, "
                                  "inode=\"/a/private\":bob:supergroup:drwx------"))
        << p;
  }
  // The last component itself needs no EXECUTE to be looked at.
  EXPECT_OK(Check(As("alice"), "/a/private", {}));
  EXPECT_OK(Check(As("bob"), "/a/private/f", {}));
}

TEST_F(PermissionCheckerTest, AncestorAccessIsOnTheNearestExistingDirectory) {
  Add("/a", true, "bob", "supergroup", 0755);
  EXPECT_THAT(Check(As("alice"), "/a/b/c/d", {.ancestor = FsAction::kWrite}),
              StatusIs(kDenied, "Permission denied: user=alice, access=WRITE, "
                                "inode=\"/a\":bob:supergroup:drwxr-xr-x"));
  EXPECT_OK(Check(As("bob"), "/a/b/c/d", {.ancestor = FsAction::kWrite}));
  EXPECT_THAT(Check(As("bob"), "/x", {.ancestor = FsAction::kWrite}),
              StatusIs(kDenied, HasSubstr("inode=\"/\":hdfs:supergroup:drwxr-xr-x")));
}

TEST_F(PermissionCheckerTest, SuperuserAndSupergroupMembersPassEverything) {
  Add("/locked", true, "bob", "bob", 0000);
  Add("/locked/f", false, "bob", "bob", 0000);
  AccessRequest all{.parent = FsAction::kAll, .access = FsAction::kAll, .sub = FsAction::kAll};
  EXPECT_OK(Check(As("hdfs"), "/locked/f", all));
  EXPECT_OK(Check(As("ops", {"wheel", "supergroup"}), "/locked/f", all));
  EXPECT_TRUE(As("ops", {"supergroup"}).is_superuser());
  EXPECT_FALSE(As("ops", {"wheel"}).is_superuser());
  EXPECT_THAT(Check(As("ops", {"wheel"}), "/locked/f", {}), StatusIs(kDenied));
}

TEST_F(PermissionCheckerTest, DisabledChecksPassExceptOwnership) {
  Add("/f", false, "bob", "supergroup", 0600);
  PermissionChecker alice = As("alice", {}, /*enabled=*/false);
  EXPECT_OK(Check(alice, "/f", {.access = FsAction::kAll}));
  EXPECT_OK(alice.CheckSuperuser());
  // chmod/chown still need the owner (HDFS checks them regardless).
  EXPECT_THAT(alice.CheckOwner(tree_, tree_.Resolve("/f")),
              StatusIs(kDenied, "Permission denied. user=alice is not the owner of inode=/f"));
  EXPECT_THAT(alice.CheckSetOwner("alice", "staff"),
              StatusIs(kDenied, "User alice does not belong to staff"));
}

TEST_F(PermissionCheckerTest, StickyBitKeepsOthersFromRemovingChildren) {
  Add("/tmp", true, "hdfs", "supergroup", 01777);
  Add("/tmp/bobs", false, "bob", "supergroup", 0644);
  AccessRequest remove{.parent = FsAction::kWrite};
  EXPECT_THAT(Check(As("alice"), "/tmp/bobs", remove),
              StatusIs(kDenied, "Permission denied by sticky bit: user=alice, "
                                "path=\"/tmp/bobs\":bob:supergroup:-rw-r--r--, "
                                "parent=\"/tmp\":hdfs:supergroup:drwxrwxrwt"));
  EXPECT_OK(Check(As("bob"), "/tmp/bobs", remove));      // the child's owner
  EXPECT_OK(Check(As("alice"), "/tmp/new", remove));     // nothing there yet
  Add("/tmp/alices", true, "alice", "supergroup", 01777);
  Add("/tmp/alices/bobs", false, "bob", "supergroup", 0644);
  EXPECT_OK(Check(As("alice"), "/tmp/alices/bobs", remove));  // the directory's owner
  // Without the sticky bit, WRITE on the parent is enough.
  Add("/open", true, "hdfs", "supergroup", 0777);
  Add("/open/bobs", false, "bob", "supergroup", 0644);
  EXPECT_OK(Check(As("alice"), "/open/bobs", remove));
}

TEST_F(PermissionCheckerTest, SubAccessCoversEveryNonEmptyDirectoryBelow) {
  Add("/home", true, "alice", "supergroup", 0755);
  Add("/home/ok", true, "alice", "supergroup", 0755);
  Add("/home/ok/f", false, "alice", "supergroup", 0644);
  Add("/home/shared", true, "bob", "supergroup", 0755);
  AccessRequest rmr{.parent = FsAction::kWrite, .sub = FsAction::kAll, .ignore_empty_dirs = true};
  // An empty directory of someone else's is skipped.
  EXPECT_OK(Check(As("alice"), "/home", {.sub = FsAction::kAll, .ignore_empty_dirs = true}));
  Add("/home/shared/g", false, "bob", "supergroup", 0644);
  EXPECT_THAT(Check(As("alice"), "/home", {.sub = FsAction::kAll, .ignore_empty_dirs = true}),
              StatusIs(kDenied, "Permission denied: user=alice, access=ALL, "
                                "inode=\"/home/shared\":bob:supergroup:drwxr-xr-x"));
  EXPECT_OK(Check(As("alice"), "/home", {.sub = FsAction::kReadExecute}));
  // Without ignore_empty_dirs every directory counts.
  Add("/home/ok/closed", true, "bob", "supergroup", 0700);
  EXPECT_THAT(Check(As("alice"), "/home/ok", {.sub = FsAction::kReadExecute}),
              StatusIs(kDenied, HasSubstr("inode=\"/home/ok/closed\"")));
  EXPECT_OK(Check(As("alice"), "/home/ok", rmr));
  // A file has no subtree.
  EXPECT_OK(Check(As("carol"), "/home/ok/f", {.sub = FsAction::kAll}));
}

TEST_F(PermissionCheckerTest, SubtreeRemovalRespectsStickyDirectoriesInside) {
  Add("/d", true, "alice", "supergroup", 0777);
  Add("/d/tmp", true, "alice", "supergroup", 01777);
  Add("/d/tmp/bobs", false, "bob", "supergroup", 0644);
  // alice owns /d/tmp, so its sticky bit does not stop her...
  EXPECT_OK(Check(As("alice"), "/d", {.sub = FsAction::kAll, .ignore_empty_dirs = true}));
  // ...but it stops carol even where the mode bits would let her in.
  EXPECT_THAT(Check(As("carol"), "/d/tmp", {.sub = FsAction::kAll, .ignore_empty_dirs = true}),
              StatusIs(kDenied, HasSubstr("Permission denied by sticky bit: user=carol, "
                                          "path=\"/d/tmp/bobs\"")));
}

TEST_F(PermissionCheckerTest, OwnershipRulesOfChmodAndChown) {
  Add("/f", false, "alice", "supergroup", 0644);
  InodePath f = tree_.Resolve("/f");
  EXPECT_OK(As("alice").CheckOwner(tree_, f));
  EXPECT_OK(As("hdfs").CheckOwner(tree_, f));
  EXPECT_THAT(As("bob").CheckOwner(tree_, f),
              StatusIs(kDenied, "Permission denied. user=bob is not the owner of inode=/f"));
  EXPECT_OK(As("alice", {"staff"}).CheckSetOwner("", "staff"));
  EXPECT_OK(As("alice").CheckSetOwner("alice", ""));  // giving it to oneself is no change
  EXPECT_THAT(As("alice").CheckSetOwner("bob", ""),
              StatusIs(kDenied, "User alice is not a super user (non-super user cannot change "
                                "owner)."));
  EXPECT_THAT(As("alice", {"staff"}).CheckSetOwner("", "wheel"),
              StatusIs(kDenied, "User alice does not belong to wheel"));
  EXPECT_OK(As("hdfs").CheckSetOwner("bob", "wheel"));
}

TEST_F(PermissionCheckerTest, SuperuserPrivilegeMessage) {
  EXPECT_OK(As("hdfs").CheckSuperuser());
  EXPECT_OK(As("ops", {"supergroup"}).CheckSuperuser());
  EXPECT_THAT(As("alice").CheckSuperuser(),
              StatusIs(kDenied, "Access denied for user alice. Superuser privilege is required"));
}

TEST_F(PermissionCheckerTest, AFileInThePathIsLeftToTheOperation) {
  Add("/f", false, "bob", "supergroup", 0600);
  EXPECT_OK(Check(As("alice"), "/f/x/y", {.ancestor = FsAction::kWrite}));
}

}  // namespace
}  // namespace hayloft
