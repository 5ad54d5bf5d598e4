// WebHDFS errors as Hadoop reports them: a Java exception, the HTTP status Hadoop's
// ExceptionHandler gives its class, and the body
//   {"RemoteException": {"exception": "FileNotFoundException",
//                        "javaClassName": "java.io.FileNotFoundException",
//                        "message": "File does not exist: /a"}}
//
// Inside WebHDFS errors travel as absl::Status. One that must be reported as a
// particular exception carries the Java class as a payload (WithJavaException);
// any other is mapped from its code, the way the namenode's errors would surface in
// HDFS (NOT_FOUND -> FileNotFoundException 404, PERMISSION_DENIED ->
// AccessControlException 403, INVALID_ARGUMENT -> IllegalArgumentException 400, ...).
#ifndef HAYLOFT_COMMON_WEB_WEBHDFS_ERROR_H_
#define HAYLOFT_COMMON_WEB_WEBHDFS_ERROR_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hayloft::webhdfs {

// Java classes WebHDFS reports. The HTTP status follows from the class.
inline constexpr char kIllegalArgumentException[] = "java.lang.IllegalArgumentException";
inline constexpr char kUnsupportedOperationException[] =
    "java.lang.UnsupportedOperationException";
inline constexpr char kInvalidPathException[] = "org.apache.hadoop.fs.InvalidPathException";
inline constexpr char kFileNotFoundException[] = "java.io.FileNotFoundException";
inline constexpr char kIOException[] = "java.io.IOException";
inline constexpr char kAccessControlException[] =
    "org.apache.hadoop.security.AccessControlException";

// `s` (not OK) to be reported as `java_class` whatever its code.
absl::Status WithJavaException(absl::Status s, absl::string_view java_class);

// Shorthands for errors the WebHDFS layer itself raises.
absl::Status IllegalArgument(absl::string_view message);       // 400
absl::Status UnsupportedOperation(absl::string_view message);  // 400
absl::Status IoException(absl::string_view message);           // 403

struct RemoteException {
  int http_status = 500;
  std::string exception;        // simple class name, e.g. "FileNotFoundException"
  std::string java_class_name;  // e.g. "java.io.FileNotFoundException"
  std::string message;

  // {"RemoteException": {...}}
  nlohmann::json ToJson() const;
};

// The exception a failed WebHDFS operation reports. `s` must not be OK.
RemoteException ToRemoteException(const absl::Status& s);

}  // namespace hayloft::webhdfs

#endif  // HAYLOFT_COMMON_WEB_WEBHDFS_ERROR_H_
