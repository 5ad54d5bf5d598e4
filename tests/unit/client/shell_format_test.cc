#include "client/shell_format.h"

#include <gtest/gtest.h>

namespace hayloft {
namespace {

TEST(ShellFormatTest, PermissionStringsAsHdfsPrintsThem) {
  EXPECT_EQ(format::PermissionString(0755), "rwxr-xr-x");
  EXPECT_EQ(format::PermissionString(0644), "rw-r--r--");
  EXPECT_EQ(format::PermissionString(01777), "rwxrwxrwt");
  EXPECT_EQ(format::PermissionString(01776), "rwxrwxrwT");
  EXPECT_EQ(format::PermissionOctal(0644), "644");
  EXPECT_EQ(format::PermissionOctal(01777), "1777");
  EXPECT_EQ(format::PermissionOctal(0044), "44");
}

TEST(ShellFormatTest, HumanSizesRoundHalfUpLikeJava) {
  EXPECT_EQ(format::Long2String(0, "", 1), "0");
  EXPECT_EQ(format::Long2String(1023, "", 1), "1023");
  EXPECT_EQ(format::Long2String(1024, "", 1), "1 K");
  EXPECT_EQ(format::Long2String(1536, "", 1), "1.5 K");
  EXPECT_EQ(format::Long2String(1280, "", 1), "1.3 K");  // printf would say 1.2
  EXPECT_EQ(format::Long2String(12582912, "", 1), "12 M");
  EXPECT_EQ(format::Long2String(1048575, "", 1), "1.0 M");
  EXPECT_EQ(format::ByteDesc(0), "0 B");
  EXPECT_EQ(format::ByteDesc(1234), "1.21 KB");
  EXPECT_EQ(format::ByteDesc(52710469632), "49.09 GB");
}

TEST(ShellFormatTest, JavaFloatToString) {
  EXPECT_EQ(format::JavaFloat(100.0f), "100.0");
  EXPECT_EQ(format::JavaFloat(3.0f), "3.0");
  EXPECT_EQ(format::JavaFloat(100.0f / 3.0f), "33.333332");
  EXPECT_EQ(format::JavaFloat(0.0f), "0.0");
}

TEST(ShellFormatTest, LsLineColumns) {
  FileStatus f;
  f.set_permission(0644);
  f.set_replication(3);
  f.set_owner("hdfs");
  f.set_group("supergroup");
  f.set_length(1234);
  FileStatus d;
  d.set_is_dir(true);
  d.set_permission(0755);
  d.set_owner("hdfs");
  d.set_group("supergroup");
  format::LsFormatter fmt(false);
  fmt.AdjustWidths({f, d});
  std::string file_line = fmt.Line(f, "/tmp/f");
  std::string dir_line = fmt.Line(d, "/tmp");
  const std::string file_prefix = "-rw-r--r--   3 hdfs supergroup       1234 ";
  const std::string dir_prefix = "drwxr-xr-x   - hdfs supergroup          0 ";
  EXPECT_EQ(file_line.substr(0, file_prefix.size()), file_prefix);
  EXPECT_EQ(dir_line.substr(0, dir_prefix.size()), dir_prefix);
  EXPECT_EQ(file_line.substr(file_line.size() - 7), " /tmp/f");
}

TEST(ShellFormatTest, PathErrorsUseHadoopQuotes) {
  EXPECT_EQ(format::PathError("/nope", absl::NotFoundError("x")),
            "`/nope': No such file or directory");
  EXPECT_EQ(format::PathError("/f", absl::AlreadyExistsError("x")), "`/f': File exists");
}

}  // namespace
}  // namespace hayloft
