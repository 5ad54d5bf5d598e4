// Permissions as the Namesystem enforces them on every operation, with fake
// groups, on a real LevelDB store in a temp dir (no sockets).
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/base/status_macros.h"
#include "namenode/namesystem.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace hayloft {
namespace {

using ::hayloft::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;

class NamesystemPermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(dir_, testing::TempDir::Create("namesystem_permissions_test"));
    options_.name_dir = dir_->path() + "/name";
    options_.superuser = "hdfs";
    options_.min_block_size = 512;
    options_.safemode_extension = absl::ZeroDuration();
    options_.group_resolver_for_testing = [](const std::string& user) {
      static const auto* groups = new std::map<std::string, std::vector<std::string>>{
          {"alice", {"alice", "staff"}}, {"bob", {"bob"}}, {"ops", {"ops", "supergroup"}}};
      auto it = groups->find(user);
      return it == groups->end() ? std::vector<std::string>{} : it->second;
    };
    Reopen();
    // The usual layout: a home directory per user, owned by them.
    ASSERT_OK(Mkdirs("hdfs", "/user/alice"));
    ASSERT_OK(Mkdirs("hdfs", "/user/bob"));
    ASSERT_OK(Chown("hdfs", "/user/alice", "alice", ""));
    ASSERT_OK(Chown("hdfs", "/user/bob", "bob", ""));
  }

  void Reopen() {
    ns_.reset();
    auto ns = Namesystem::Open(options_, Topology());
    ASSERT_TRUE(ns.ok()) << ns.status();
    ns_ = std::move(*ns);
  }

  template <typename Req>
  static Req As(const std::string& user, const std::string& path) {
    Req r;
    r.mutable_header()->set_user(user);
    r.set_path(path);
    return r;
  }
  absl::Status Mkdirs(const std::string& user, const std::string& p) {
    auto r = As<MkdirsRequest>(user, p);
    r.set_create_parent(true);
    return ns_->Mkdirs(r);
  }
  // Creates and closes an empty file.
  absl::Status Touch(const std::string& user, const std::string& p) {
    auto r = As<CreateRequest>(user, p);
    r.set_client_name("c-" + user);
    HL_RETURN_IF_ERROR(ns_->Create(r).status());
    auto c = As<CompleteRequest>(user, p);
    c.set_client_name("c-" + user);
    return ns_->Complete(c).status();
  }
  absl::Status Chmod(const std::string& user, const std::string& p, uint32_t mode) {
    auto r = As<SetPermissionRequest>(user, p);
    r.set_permission(mode);
    return ns_->SetPermission(r);
  }
  absl::Status Chown(const std::string& user, const std::string& p, const std::string& owner,
                     const std::string& group) {
    auto r = As<SetOwnerRequest>(user, p);
    r.set_owner(owner);
    r.set_group(group);
    return ns_->SetOwner(r);
  }
  absl::Status Delete(const std::string& user, const std::string& p, bool recursive) {
    auto r = As<DeleteRequest>(user, p);
    r.set_recursive(recursive);
    return ns_->Delete(r).status();
  }
  absl::Status Rename(const std::string& user, const std::string& src, const std::string& dst) {
    RenameRequest r;
    r.mutable_header()->set_user(user);
    r.set_src(src);
    r.set_dst(dst);
    return ns_->Rename(r);
  }
  absl::StatusOr<FileStatus> Stat(const std::string& user, const std::string& p) {
    HL_ASSIGN_OR_RETURN(GetFileInfoResponse resp,
                        ns_->GetFileInfo(As<GetFileInfoRequest>(user, p)));
    if (!resp.exists()) return absl::NotFoundError(p);
    return resp.status();
  }
  bool Exists(const std::string& p) { return Stat("hdfs", p).ok(); }

  std::optional<testing::TempDir> dir_;
  NamenodeOptions options_;
  std::unique_ptr<Namesystem> ns_;
};

TEST_F(NamesystemPermissionsTest, ChmodAndChownAreDurable) {
  ASSERT_OK(Mkdirs("alice", "/user/alice/d"));
  ASSERT_OK(Chown("alice", "/user/alice/d", "", "staff"));
  ASSERT_OK(Chmod("alice", "/user/alice/d", 01750));
  ASSERT_OK(Chown("hdfs", "/user/bob", "carol", "wheel"));
  Reopen();
  ASSERT_OK_AND_ASSIGN(FileStatus d, Stat("hdfs", "/user/alice/d"));
  EXPECT_EQ(d.owner(), "alice");
  EXPECT_EQ(d.group(), "staff");
  EXPECT_EQ(d.permission(), 01750u);
  ASSERT_OK_AND_ASSIGN(FileStatus b, Stat("hdfs", "/user/bob"));
  EXPECT_EQ(b.owner(), "carol");
  EXPECT_EQ(b.group(), "wheel");
  // Bits HDFS does not keep (setuid/setgid) are dropped.
  ASSERT_OK(Chmod("alice", "/user/alice/d", 06755));
  ASSERT_OK_AND_ASSIGN(d, Stat("hdfs", "/user/alice/d"));
  EXPECT_EQ(d.permission(), 0755u);
}

TEST_F(NamesystemPermissionsTest, NewInodesTakeTheGroupOfTheirParent) {
  ASSERT_OK(Mkdirs("alice", "/user/alice/shared"));
  ASSERT_OK(Chown("alice", "/user/alice/shared", "", "staff"));
  ASSERT_OK(Touch("alice", "/user/alice/shared/f"));
  ASSERT_OK(Mkdirs("alice", "/user/alice/shared/x/y"));
  for (const char* p : {"/user/alice/shared/f", "/user/alice/shared/x", "/user/alice/shared/x/y"}) {
    ASSERT_OK_AND_ASSIGN(FileStatus st, Stat("alice", p));
    EXPECT_EQ(st.group(), "staff") << p;
    EXPECT_EQ(st.owner(), "alice") << p;
  }
  ASSERT_OK_AND_ASSIGN(FileStatus root, Stat("alice", "/"));
  EXPECT_EQ(root.group(), "supergroup");
  EXPECT_EQ(root.owner(), "hdfs");
}

TEST_F(NamesystemPermissionsTest, DeniedWritesChangeNothing) {
  ASSERT_OK(Touch("alice", "/user/alice/f"));
  const std::string denied =
      "Permission denied: user=bob, access=WRITE, inode=\"/user/alice\":alice:supergroup:"
      "drwxr-xr-x";
  EXPECT_THAT(Mkdirs("bob", "/user/alice/x/y"), StatusIs(kDenied, denied));
  EXPECT_THAT(Touch("bob", "/user/alice/g"), StatusIs(kDenied, denied));
  EXPECT_THAT(Delete("bob", "/user/alice/f", false), StatusIs(kDenied, denied));
  EXPECT_THAT(Rename("bob", "/user/alice/f", "/user/bob/f"), StatusIs(kDenied, denied));
  ASSERT_OK(Touch("bob", "/user/bob/g"));
  EXPECT_THAT(Rename("bob", "/user/bob/g", "/user/alice/b"), StatusIs(kDenied, denied));
  EXPECT_THAT(Rename("bob", "/user/bob/g", "/user/alice"), StatusIs(kDenied, denied));
  // Renaming one's home needs WRITE on /user.
  EXPECT_THAT(Rename("bob", "/user/bob", "/user/robert"),
              StatusIs(kDenied, HasSubstr("inode=\"/user\":hdfs:supergroup:drwxr-xr-x")));
  // Overwriting needs WRITE on the file as well as on the directory.
  ASSERT_OK(Chmod("alice", "/user/alice", 0777));
  auto over = As<CreateRequest>("bob", "/user/alice/f");
  over.set_client_name("c-bob");
  over.set_overwrite(true);
  EXPECT_THAT(ns_->Create(over).status(),
              StatusIs(kDenied, HasSubstr("access=WRITE, inode=\"/user/alice/f\"")));
  auto append = As<AppendRequest>("bob", "/user/alice/f");
  append.set_client_name("c-bob");
  EXPECT_THAT(ns_->Append(append).status(), StatusIs(kDenied, HasSubstr("/user/alice/f")));
  auto setrep = As<SetReplicationRequest>("bob", "/user/alice/f");
  setrep.set_replication(2);
  EXPECT_THAT(ns_->SetReplication(setrep), StatusIs(kDenied, HasSubstr("access=WRITE")));
  EXPECT_TRUE(Exists("/user/alice/f"));
  EXPECT_FALSE(Exists("/user/alice/x"));
  EXPECT_FALSE(Exists("/user/alice/g"));
  EXPECT_FALSE(Exists("/user/bob/f"));
  EXPECT_FALSE(Exists("/user/alice/b"));
  EXPECT_FALSE(Exists("/user/alice/g"));
  EXPECT_TRUE(Exists("/user/bob/g"));
  EXPECT_FALSE(Exists("/user/robert"));
  ASSERT_OK_AND_ASSIGN(FileStatus f, Stat("alice", "/user/alice/f"));
  EXPECT_FALSE(f.under_construction());
  EXPECT_EQ(f.replication(), 3u);
}

TEST_F(NamesystemPermissionsTest, ReadsListingsAndSummariesAreChecked) {
  ASSERT_OK(Mkdirs("alice", "/user/alice/private"));
  ASSERT_OK(Touch("alice", "/user/alice/private/f"));
  ASSERT_OK(Touch("alice", "/user/alice/secret"));
  ASSERT_OK(Chmod("alice", "/user/alice/secret", 0600));
  EXPECT_THAT(ns_->GetBlockLocations(As<GetBlockLocationsRequest>("bob", "/user/alice/secret")),
              StatusIs(kDenied, "Permission denied: user=bob, access=READ, "
                                "inode=\"/user/alice/secret\":alice:supergroup:-rw-------"));
  EXPECT_OK(Stat("bob", "/user/alice/secret").status());  // stat needs no READ
  ASSERT_OK(Chmod("alice", "/user/alice/private", 0700));
  const std::string no_x = "Permission denied: user=bob, access=EXECUTE, "
                           "inode=\"/user/alice/private\":alice:supergroup:drwx------";
  EXPECT_THAT(Stat("bob", "/user/alice/private/f"), StatusIs(kDenied, no_x));
  EXPECT_THAT(Stat("bob", "/user/alice/private/nothing"), StatusIs(kDenied, no_x));
  EXPECT_THAT(ns_->ListStatus(As<ListStatusRequest>("bob", "/user/alice/private")),
              StatusIs(kDenied, HasSubstr("access=READ_EXECUTE, inode=\"/user/alice/private\"")));
  EXPECT_THAT(ns_->GetContentSummary(As<GetContentSummaryRequest>("bob", "/user/alice")),
              StatusIs(kDenied, HasSubstr("access=READ_EXECUTE, inode=\"/user/alice/private\"")));
  EXPECT_THAT(ns_->Fsck(As<FsckRequest>("bob", "/user")),
              StatusIs(kDenied, HasSubstr("inode=\"/user/alice/private\"")));
  ASSERT_OK(Chmod("alice", "/user/alice/private", 0755));
  EXPECT_THAT(ns_->Fsck(As<FsckRequest>("bob", "/user")),
              StatusIs(kDenied, HasSubstr("access=READ, inode=\"/user/alice/secret\"")));
  EXPECT_OK(ns_->Fsck(As<FsckRequest>("alice", "/user")).status());
  EXPECT_OK(ns_->ListStatus(As<ListStatusRequest>("bob", "/user/alice/private")).status());
}

TEST_F(NamesystemPermissionsTest, RecursiveDeleteNeedsEveryDirectoryBelow) {
  ASSERT_OK(Mkdirs("alice", "/user/alice/d/mine"));
  ASSERT_OK(Mkdirs("alice", "/user/alice/d/bobs"));
  ASSERT_OK(Chown("hdfs", "/user/alice/d/bobs", "bob", ""));
  ASSERT_OK(Touch("bob", "/user/alice/d/bobs/f"));
  EXPECT_THAT(Delete("alice", "/user/alice/d", true),
              StatusIs(kDenied, "Permission denied: user=alice, access=ALL, "
                                "inode=\"/user/alice/d/bobs\":bob:supergroup:drwxr-xr-x"));
  EXPECT_TRUE(Exists("/user/alice/d/mine"));
  EXPECT_TRUE(Exists("/user/alice/d/bobs/f"));
  ASSERT_OK(Delete("bob", "/user/alice/d/bobs/f", false));
  ASSERT_OK(Delete("alice", "/user/alice/d", true));  // bob's dir is empty now
  EXPECT_FALSE(Exists("/user/alice/d"));
}

TEST_F(NamesystemPermissionsTest, StickyDirectoryLikeTmp) {
  ASSERT_OK(Mkdirs("hdfs", "/tmp"));
  ASSERT_OK(Chmod("hdfs", "/tmp", 01777));
  ASSERT_OK(Touch("alice", "/tmp/a"));
  ASSERT_OK(Touch("bob", "/tmp/b"));
  EXPECT_THAT(Delete("alice", "/tmp/b", false),
              StatusIs(kDenied, HasSubstr("Permission denied by sticky bit: user=alice")));
  EXPECT_THAT(Rename("alice", "/tmp/b", "/tmp/c"),
              StatusIs(kDenied, HasSubstr("Permission denied by sticky bit")));
  EXPECT_OK(Rename("alice", "/tmp/a", "/tmp/a2"));
  EXPECT_OK(Delete("alice", "/tmp/a2", false));
  EXPECT_OK(Delete("hdfs", "/tmp/b", false));
}

TEST_F(NamesystemPermissionsTest, ChmodChownAndChgrpRules) {
  ASSERT_OK(Touch("alice", "/user/alice/f"));
  EXPECT_THAT(Chmod("bob", "/user/alice/f", 0777),
              StatusIs(kDenied, "Permission denied. user=bob is not the owner of "
                                "inode=/user/alice/f"));
  EXPECT_THAT(Chown("alice", "/user/alice/f", "bob", ""),
              StatusIs(kDenied, "User alice is not a super user (non-super user cannot change "
                                "owner)."));
  EXPECT_THAT(Chown("alice", "/user/alice/f", "", "wheel"),
              StatusIs(kDenied, "User alice does not belong to wheel"));
  EXPECT_OK(Chown("alice", "/user/alice/f", "alice", "staff"));
  EXPECT_THAT(Chown("bob", "/user/alice/f", "", "bob"), StatusIs(kDenied, HasSubstr("owner")));
  EXPECT_OK(Chown("ops", "/user/alice/f", "bob", "wheel"));  // supergroup member
  EXPECT_THAT(Chown("hdfs", "/user/alice/f", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Chmod("hdfs", "/user/alice/none", 0777), StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(FileStatus f, Stat("alice", "/user/alice/f"));
  EXPECT_EQ(f.owner(), "bob");
  EXPECT_EQ(f.group(), "wheel");
}

TEST_F(NamesystemPermissionsTest, AdministrationNeedsTheSuperuser) {
  const std::string denied = "Access denied for user alice. Superuser privilege is required";
  SetSafeModeRequest enter;
  enter.mutable_header()->set_user("alice");
  enter.set_action(SetSafeModeRequest::ENTER);
  EXPECT_THAT(ns_->SetSafeMode(enter).status(), StatusIs(kDenied, denied));
  EXPECT_FALSE(ns_->in_safe_mode());
  SetSafeModeRequest get;
  get.mutable_header()->set_user("alice");
  EXPECT_OK(ns_->SetSafeMode(get).status());
  RefreshNodesRequest refresh;
  refresh.mutable_header()->set_user("alice");
  EXPECT_THAT(ns_->RefreshNodes(refresh), StatusIs(kDenied, denied));
  GetDatanodeReportRequest report;
  report.mutable_header()->set_user("alice");
  EXPECT_THAT(ns_->GetDatanodeReport(report).status(), StatusIs(kDenied, denied));
  report.mutable_header()->set_user("ops");
  EXPECT_OK(ns_->GetDatanodeReport(report).status());
  enter.mutable_header()->set_user("hdfs");
  EXPECT_OK(ns_->SetSafeMode(enter).status());
  EXPECT_TRUE(ns_->in_safe_mode());
}

TEST_F(NamesystemPermissionsTest, DisabledPermissionsStillGuardOwnership) {
  options_.permissions_enabled = false;
  Reopen();
  ASSERT_OK(Chmod("alice", "/user/alice", 0700));
  ASSERT_OK(Touch("bob", "/user/alice/from-bob"));
  ASSERT_OK(Delete("bob", "/user/alice/from-bob", false));
  GetDatanodeReportRequest report;
  report.mutable_header()->set_user("bob");
  EXPECT_OK(ns_->GetDatanodeReport(report).status());
  EXPECT_THAT(Chmod("bob", "/user/alice", 0777), StatusIs(kDenied, HasSubstr("not the owner")));
  EXPECT_THAT(Chown("alice", "/user/alice", "bob", ""),
              StatusIs(kDenied, HasSubstr("non-super user cannot change owner")));
}

}  // namespace
}  // namespace hayloft
