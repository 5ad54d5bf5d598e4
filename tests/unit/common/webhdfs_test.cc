// WebHDFS parameter rules, paths and errors, against the messages Hadoop's
// web/resources classes produce.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/web/webhdfs_error.h"
#include "common/web/webhdfs_params.h"
#include "tests/testing/status_matchers.h"

namespace hayloft::webhdfs {
namespace {

using ::hayloft::testing::IsOkAndHolds;
using ::hayloft::testing::StatusIs;
using ::testing::Optional;

WebHdfsParams Params(std::multimap<std::string, std::string> q) { return WebHdfsParams(q); }

TEST(WebHdfsParamsTest, NamesAndOpsAreCaseInsensitive) {
  WebHdfsParams p = Params({{"OP", "listStatus"}, {"User.Name", "bob"}});
  EXPECT_THAT(p.Op("GET"), IsOkAndHolds("LISTSTATUS"));
  EXPECT_THAT(p.User(), IsOkAndHolds("bob"));
}

TEST(WebHdfsParamsTest, MissingOpIsNull) {
  EXPECT_THAT(Params({}).Op("GET"), IsOkAndHolds("NULL"));
}

TEST(WebHdfsParamsTest, UnknownOpOrWrongMethodIsHadoopsEnumError) {
  EXPECT_THAT(Params({{"op", "frobnicate"}}).Op("GET"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Invalid value for webhdfs parameter \"op\": No enum constant "
                       "org.apache.hadoop.hdfs.web.resources.GetOpParam.Op.FROBNICATE"));
  EXPECT_THAT(Params({{"op", "MKDIRS"}}).Op("GET"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("GetOpParam.Op.MKDIRS")));
  EXPECT_THAT(Params({{"op", "OPEN"}}).Op("PUT"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("PutOpParam.Op.OPEN")));
  EXPECT_THAT(Params({{"op", "CREATE"}}).Op("POST"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("PostOpParam.Op.CREATE")));
  EXPECT_THAT(Params({{"op", "DELETE"}}).Op("DELETE"), IsOkAndHolds("DELETE"));
}

TEST(WebHdfsParamsTest, AnonymousUserIsDrWho) {
  EXPECT_THAT(Params({}).User(), IsOkAndHolds("dr.who"));
  EXPECT_THAT(Params({{"user.name", ""}}).User(), IsOkAndHolds("dr.who"));
  EXPECT_THAT(Params({{"user.name", "bad user"}}).User(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("does not belong to the domain")));
  EXPECT_THAT(Params({{"user.name", "alice"}, {"doas", "bob"}}).User(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "User: alice is not allowed to impersonate bob"));
}

TEST(WebHdfsParamsTest, Booleans) {
  EXPECT_THAT(Params({}).Bool("overwrite", false), IsOkAndHolds(false));
  EXPECT_THAT(Params({{"overwrite", "TRUE"}}).Bool("overwrite", false), IsOkAndHolds(true));
  EXPECT_THAT(Params({{"recursive", "yes"}}).Bool("recursive", false),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Invalid value for webhdfs parameter \"recursive\": Failed to parse "
                       "\"yes\" to Boolean."));
}

TEST(WebHdfsParamsTest, LongsWithRanges) {
  EXPECT_THAT(Params({{"offset", "42"}}).Long("offset", 0), IsOkAndHolds(Optional(42)));
  EXPECT_THAT(Params({{"offset", "null"}}).Long("offset", 0), IsOkAndHolds(std::nullopt));
  EXPECT_THAT(Params({{"offset", "-1"}}).Long("offset", 0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Invalid value for webhdfs parameter \"offset\": Invalid parameter range: "
                       "offset = -1 < 0"));
  EXPECT_THAT(Params({{"offset", "1x"}}).Long("offset", 0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Invalid value for webhdfs parameter \"offset\": Failed to parse \"1x\" "
                       "as a radix-10 long integer."));
  EXPECT_THAT(Params({{"offset", "99999999999999999999"}}).Long("offset", 0),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Params({{"offset", ""}}).Long("offset", 0),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(WebHdfsParamsTest, PermissionIsOctal) {
  EXPECT_THAT(Params({{"permission", "0755"}}).Permission(), IsOkAndHolds(Optional(0755u)));
  EXPECT_THAT(Params({{"permission", "1777"}}).Permission(), IsOkAndHolds(Optional(01777u)));
  EXPECT_THAT(Params({}).Permission(), IsOkAndHolds(std::nullopt));
  EXPECT_THAT(Params({{"permission", "2000"}}).Permission(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "Invalid value for webhdfs parameter \"permission\": Invalid parameter "
                       "range: permission = 2000 > 1777"));
  EXPECT_THAT(Params({{"permission", "789"}}).Permission(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("Failed to parse \"789\" as a radix-8 short integer.")));
}

TEST(WebHdfsParamsTest, ShortsOverflow) {
  EXPECT_THAT(Params({{"replication", "3"}}).Short("replication"), IsOkAndHolds(Optional(3)));
  EXPECT_THAT(Params({{"replication", "40000"}}).Short("replication"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("as a radix-10 short integer.")));
  EXPECT_THAT(Params({{"buffersize", "0"}}).PositiveInt("buffersize"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("buffersize = 0 < 1")));
}

TEST(WebHdfsPathTest, NormalizesAndRejectsAsHdfs) {
  EXPECT_THAT(RequestPath(""), IsOkAndHolds("/"));
  EXPECT_THAT(RequestPath("/"), IsOkAndHolds("/"));
  EXPECT_THAT(RequestPath("/a b/c#d/%/é"), IsOkAndHolds("/a b/c#d/%/é"));
  EXPECT_THAT(RequestPath("/dir/"), IsOkAndHolds("/dir"));
  for (const char* bad : {"/a/../b", "/a/./b", "/..", "/a//b", "/a:b"}) {
    absl::StatusOr<std::string> p = RequestPath(bad);
    EXPECT_THAT(p, StatusIs(absl::StatusCode::kInvalidArgument,
                            absl::StrCat("Invalid path name Invalid file name: ", bad)));
    EXPECT_EQ(ToRemoteException(p.status()).exception, "InvalidPathException") << bad;
  }
}

TEST(WebHdfsPathTest, EncodesForUrls) {
  EXPECT_EQ(EncodePath("/a b/c#d/%/é+x"), "/a%20b/c%23d/%25/%C3%A9%2Bx");
  EXPECT_EQ(EncodeQueryValue("127.0.0.1:8020"), "127.0.0.1%3A8020");
}

TEST(WebHdfsErrorTest, StatusCodesMapToHadoopExceptions) {
  struct Case {
    absl::Status status;
    int http;
    std::string exception;
    std::string java_class;
  };
  std::vector<Case> cases = {
      {absl::NotFoundError("File does not exist: /x"), 404, "FileNotFoundException",
       "java.io.FileNotFoundException"},
      {absl::PermissionDeniedError("Permission denied: user=bob"), 403,
       "AccessControlException", "org.apache.hadoop.security.AccessControlException"},
      {absl::InvalidArgumentError("bad"), 400, "IllegalArgumentException",
       "java.lang.IllegalArgumentException"},
      {absl::AlreadyExistsError("/f already exists"), 403, "FileAlreadyExistsException",
       "org.apache.hadoop.fs.FileAlreadyExistsException"},
      {absl::FailedPreconditionError("`/d is non empty': Directory is not empty"), 403,
       "PathIsNotEmptyDirectoryException",
       "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException"},
      {absl::FailedPreconditionError("Cannot delete /x. Name node is in safe mode."), 403,
       "SafeModeException", "org.apache.hadoop.hdfs.server.namenode.SafeModeException"},
      {absl::UnimplementedError("op=X is not supported"), 400, "UnsupportedOperationException",
       "java.lang.UnsupportedOperationException"},
      {IoException("Offset=9 out of the range [0, 3); OPEN, path=/f"), 403, "IOException",
       "java.io.IOException"},
      {absl::InternalError("boom"), 500, "RuntimeException", "java.lang.RuntimeException"},
  };
  for (const Case& c : cases) {
    RemoteException e = ToRemoteException(c.status);
    EXPECT_EQ(e.http_status, c.http) << c.status;
    EXPECT_EQ(e.exception, c.exception) << c.status;
    EXPECT_EQ(e.java_class_name, c.java_class) << c.status;
    EXPECT_EQ(e.message, c.status.message());
  }
  EXPECT_EQ(ToRemoteException(absl::NotFoundError("gone")).ToJson().dump(),
            R"({"RemoteException":{"exception":"FileNotFoundException",)"
            R"("javaClassName":"java.io.FileNotFoundException","message":"gone"}})");
}

}  // namespace
}  // namespace hayloft::webhdfs
