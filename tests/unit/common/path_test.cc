#include "common/base/path.h"

#include <gtest/gtest.h>

namespace hayloft {
namespace {

TEST(PathTest, ValidAbsolutePathsPass) {
  EXPECT_TRUE(path::Validate("/").ok());
  EXPECT_TRUE(path::Validate("/a").ok());
  EXPECT_TRUE(path::Validate("/a b/c%d#e/ünï").ok());
}

TEST(PathTest, BadPathsAreRejectedWithInvalidArgument) {
  for (const char* bad : {"", "a/b", "/a/", "//a", "/a//b", "/a/./b", "/a/../b", "/a:b"}) {
    absl::Status s = path::Validate(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(path::Validate("/" + std::string(255, 'x')).ok());
}

TEST(PathTest, LongComponentsMayBeLookedUpButNotCreated) {
  std::string long_name(300, 'x');
  EXPECT_TRUE(path::Validate("/a/" + long_name).ok());
  EXPECT_TRUE(path::CheckComponentLengths("/a/" + std::string(255, 'x')).ok());
  absl::Status s = path::CheckComponentLengths("/a/b/" + long_name + "/c");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "The maximum path component name limit of " + long_name +
                             " in directory /a/b is exceeded: limit=255 length=300");
  EXPECT_EQ(path::CheckComponentLengths("/" + long_name).message(),
            "The maximum path component name limit of " + long_name +
                " in directory / is exceeded: limit=255 length=300");
}

TEST(PathTest, NormalizeResolvesRelativeAndDots) {
  EXPECT_EQ(*path::Normalize("a/b", "/user/alice"), "/user/alice/a/b");
  EXPECT_EQ(*path::Normalize(".", "/user/alice"), "/user/alice");
  EXPECT_EQ(*path::Normalize("//a///b/", "/"), "/a/b");
  EXPECT_EQ(*path::Normalize("/a/./b/../c", "/"), "/a/c");
  EXPECT_EQ(*path::Normalize("hdfs://127.0.0.1:8020/x/y", "/"), "/x/y");
  EXPECT_EQ(*path::Normalize("hdfs://127.0.0.1:8020", "/"), "/");
  EXPECT_EQ(*path::Normalize("/", "/user/a"), "/");
}

TEST(PathTest, NormalizeRejectsEmptyAndEscapingRoot) {
  EXPECT_EQ(path::Normalize("", "/").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(path::Normalize("/..", "/").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(path::Normalize("../../..", "/user").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PathTest, ParentBasenameJoin) {
  EXPECT_EQ(path::Parent("/a/b"), "/a");
  EXPECT_EQ(path::Parent("/a"), "/");
  EXPECT_EQ(path::Parent("/"), "/");
  EXPECT_EQ(path::Basename("/a/b"), "b");
  EXPECT_EQ(path::Basename("/"), "");
  EXPECT_EQ(path::Join("/", "b"), "/b");
  EXPECT_EQ(path::Join("/a", "b"), "/a/b");
}

TEST(PathTest, IsAncestorOrSelf) {
  EXPECT_TRUE(path::IsAncestorOrSelf("/a", "/a"));
  EXPECT_TRUE(path::IsAncestorOrSelf("/a", "/a/b"));
  EXPECT_FALSE(path::IsAncestorOrSelf("/a", "/ab"));
  EXPECT_TRUE(path::IsAncestorOrSelf("/", "/x"));
}

}  // namespace
}  // namespace hayloft
