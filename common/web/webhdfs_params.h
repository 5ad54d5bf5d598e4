// The query parameters of a WebHDFS request, read with Hadoop's rules
// (org.apache.hadoop.hdfs.web.resources.*Param): names are case-insensitive, the
// first of repeated values counts, the value "null" means unset for numbers, and a
// bad value is an IllegalArgumentException (400) worded as Hadoop words it:
//   Invalid value for webhdfs parameter "offset": Invalid parameter range: offset = -1 < 0
#ifndef HAYLOFT_COMMON_WEB_WEBHDFS_PARAMS_H_
#define HAYLOFT_COMMON_WEB_WEBHDFS_PARAMS_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hayloft::webhdfs {

// The user of a request without user.name (hadoop.http.staticuser.user).
inline constexpr char kAnonymousUser[] = "dr.who";

// Not thread-safe; one per request.
class WebHdfsParams {
 public:
  // `query`: decoded names and values, e.g. httplib::Request::params.
  explicit WebHdfsParams(const std::multimap<std::string, std::string>& query);

  // The raw value; nullopt if the parameter is absent.
  std::optional<std::string> Get(absl::string_view name) const;
  // Set and not empty.
  bool Has(absl::string_view name) const;

  // "true"/"false" in any case (BooleanParam).
  absl::StatusOr<bool> Bool(absl::string_view name, bool default_value) const;
  // A radix-10 long in [min, max] (LongParam); nullopt if unset.
  absl::StatusOr<std::optional<int64_t>> Long(
      absl::string_view name, int64_t min = std::numeric_limits<int64_t>::min(),
      int64_t max = std::numeric_limits<int64_t>::max()) const;
  // A 16-bit integer in `radix` (ShortParam), e.g. replication.
  absl::StatusOr<std::optional<int32_t>> Short(absl::string_view name, int radix = 10,
                                               std::optional<int32_t> min = std::nullopt,
                                               std::optional<int32_t> max = std::nullopt) const;
  // A positive 32-bit integer (buffersize, IntegerParam with min 1).
  absl::StatusOr<std::optional<int32_t>> PositiveInt(absl::string_view name) const;
  // `permission`: octal, 0 to 1777 (PermissionParam).
  absl::StatusOr<std::optional<uint32_t>> Permission() const;

  // The request's user: user.name (checked against Hadoop's default user pattern),
  // or kAnonymousUser without one. A `doas` naming someone else is refused with
  // AuthorizationException (403): Hayloft has no proxy users.
  absl::StatusOr<std::string> User() const;

  // The operation for an HTTP `method` ("GET", "PUT", "POST", "DELETE"), upper case.
  // Without `op`, "NULL" (Hadoop then answers "op=NULL is not supported"). An op
  // that is not one of the method's (an unknown op or the wrong method) is
  // IllegalArgumentException: ... No enum constant ...GetOpParam.Op.FOO.
  absl::StatusOr<std::string> Op(absl::string_view method) const;

 private:
  std::map<std::string, std::string> values_;  // lower-case name -> first value
};

// "Invalid value for webhdfs parameter \"<name>\": <why>" (400).
absl::Status InvalidParameter(absl::string_view name, absl::string_view why);

// The file system path of a request. `decoded` is the percent-decoded request path
// after "/webhdfs/v1": "" or "/" is the root; a trailing '/' is dropped. Paths that
// HDFS's DFSUtil.isValidName rejects ("." or ".." components, ':' in a name, "//"
// inside) are InvalidPathException "Invalid path name Invalid file name: <path>".
absl::StatusOr<std::string> RequestPath(absl::string_view decoded);

// DFSUtil.isValidName: absolute, no "." / ".." components, no ':', no empty
// component except a trailing one.
bool IsValidHdfsName(absl::string_view path);

// Percent-encodes everything but unreserved characters and '/': for the path of a
// redirect URL ("/a b/%" -> "/a%20b/%25").
std::string EncodePath(absl::string_view path);
// Percent-encodes everything but unreserved characters: for a query value.
std::string EncodeQueryValue(absl::string_view value);

}  // namespace hayloft::webhdfs

#endif  // HAYLOFT_COMMON_WEB_WEBHDFS_PARAMS_H_
