// Formatting that the HDFS shell, fsck and dfsadmin print, byte for byte as Hadoop
// 3.x prints it (see the Hadoop sources cited in each function's comment).
#ifndef HAYLOFT_CLIENT_SHELL_FORMAT_H_
#define HAYLOFT_CLIENT_SHELL_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "proto/namenode.pb.h"

namespace hayloft::format {

// FsPermission.toString: "rwxr-xr-x", sticky bit as t/T in the last place.
std::string PermissionString(uint32_t mode);
// FsPermission.toOctal as -stat %a prints it: 0644 -> "644", 01777 -> "1777".
std::string PermissionOctal(uint32_t mode);
// TraditionalBinaryPrefix.long2String(n, unit, decimals): 1536 -> "1.5 K" (unit "",
// 1 decimal), Java's half-up rounding.
std::string Long2String(int64_t n, absl::string_view unit, int decimals);
// StringUtils.byteDesc: 1234 -> "1.21 KB".
std::string ByteDesc(int64_t n);
// "yyyy-MM-dd HH:mm" in the local time zone (-ls).
std::string LsDate(int64_t unix_ms);
// "yyyy-MM-dd HH:mm:ss" in UTC (-stat %y).
std::string StatDate(int64_t unix_ms);
// java.util.Date.toString(): "Tue Mar 05 10:22:33 UTC 2024", local time zone.
std::string JavaDate(int64_t unix_ms);
// String.format("%.2f%%") with half-up rounding.
std::string Percent2(double percent);
// Float.toString of a float, as fsck prints averages and percentages: 3.0, 33.333332.
std::string JavaFloat(float f);

// The rows of one -ls listing with column widths that only grow (Ls.java keeps
// them on the command object across listings). Not thread-safe.
class LsFormatter {
 public:
  explicit LsFormatter(bool human) : human_(human) {}
  void AdjustWidths(const std::vector<FileStatus>& items);
  std::string Line(const FileStatus& s, const std::string& display_path) const;

 private:
  bool human_;
  size_t max_repl_ = 3, max_len_ = 10, max_owner_ = 0, max_group_ = 0;
};

// A child's display path: the parent as typed + "/" + name (PathData).
std::string ChildDisplay(const std::string& parent, const std::string& name);

// The text of a shell error for `path`, as PathIOException formats it:
// "`/p': No such file or directory". Codes without a Hadoop path exception give
// the server's message (first line).
std::string PathError(absl::string_view path, const absl::Status& s);

}  // namespace hayloft::format

#endif  // HAYLOFT_CLIENT_SHELL_FORMAT_H_
