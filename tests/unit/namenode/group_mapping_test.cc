// GroupMapping: OS groups of a user name, and its cache.
#include "namenode/group_mapping.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hayloft {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;

TEST(GroupMappingTest, OsGroupsStartWithThePrimaryGroup) {
  struct passwd* pw = ::getpwuid(::geteuid());
  ASSERT_NE(pw, nullptr);
  std::string user = pw->pw_name;
  struct group* primary = ::getgrgid(pw->pw_gid);
  ASSERT_NE(primary, nullptr);
  std::vector<std::string> groups = GroupMapping::OsGroups(user);
  ASSERT_FALSE(groups.empty());
  EXPECT_EQ(groups[0], primary->gr_name);
}

TEST(GroupMappingTest, UnknownUsersHaveNoGroups) {
  EXPECT_THAT(GroupMapping::OsGroups("no-such-user-hayloft-xyz"), IsEmpty());
  EXPECT_THAT(GroupMapping::OsGroups(""), IsEmpty());
}

TEST(GroupMappingTest, AnswersAreCachedUntilTheyExpire) {
  int calls = 0;
  GroupMapping cached(absl::Hours(1), [&](const std::string& user) {
    ++calls;
    return std::vector<std::string>{user + "-group"};
  });
  EXPECT_THAT(cached.GroupsOf("alice"), Contains("alice-group"));
  EXPECT_THAT(cached.GroupsOf("alice"), Contains("alice-group"));
  EXPECT_EQ(calls, 1);
  cached.GroupsOf("bob");
  EXPECT_EQ(calls, 2);

  GroupMapping expiring(absl::ZeroDuration(), [&](const std::string&) {
    ++calls;
    return std::vector<std::string>{};
  });
  expiring.GroupsOf("alice");
  expiring.GroupsOf("alice");
  EXPECT_EQ(calls, 4);
}

}  // namespace
}  // namespace hayloft
