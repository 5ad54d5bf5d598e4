#include "common/web/webhdfs_error.h"

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"

namespace hayloft::webhdfs {
namespace {

// Status payload naming the Java exception to report.
constexpr char kJavaClassPayload[] = "type.hayloft/webhdfs.JavaException";

// The FAILED_PRECONDITION errors of the namenode, by the HDFS exception each
// stands for. Matched on the message because the code alone does not tell them
// apart (and one status code per HDFS exception would leak WebHDFS into the
// namenode's logic).
std::string FailedPreconditionClass(absl::string_view message) {
  if (absl::StrContains(message, "safe mode")) {
    return "org.apache.hadoop.hdfs.server.namenode.SafeModeException";
  }
  if (absl::StrContains(message, "Directory is not empty")) {
    return "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException";
  }
  if (absl::StrContains(message, "lease")) {
    return "org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException";
  }
  if (absl::StrContains(message, "is not a directory")) {
    return "org.apache.hadoop.fs.ParentNotDirectoryException";
  }
  // HDFS refuses to read or append to a directory with "Path is not a file".
  if (absl::StrContains(message, "is a directory")) return kFileNotFoundException;
  return kIOException;
}

std::string ClassOf(const absl::Status& s) {
  if (auto c = s.GetPayload(kJavaClassPayload); c.has_value()) {
    return std::string(*c);
  }
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
      return kIllegalArgumentException;
    case absl::StatusCode::kNotFound:
      return kFileNotFoundException;
    case absl::StatusCode::kAlreadyExists:
      return "org.apache.hadoop.fs.FileAlreadyExistsException";
    case absl::StatusCode::kPermissionDenied:
      return kAccessControlException;
    case absl::StatusCode::kUnauthenticated:
      return "java.lang.SecurityException";
    case absl::StatusCode::kFailedPrecondition:
      return FailedPreconditionClass(s.message());
    case absl::StatusCode::kUnimplemented:
      return kUnsupportedOperationException;
    case absl::StatusCode::kDataLoss:
      return "org.apache.hadoop.fs.ChecksumException";
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return "java.lang.RuntimeException";
    default:
      return kIOException;
  }
}

// As Hadoop's ExceptionHandler: IllegalArgument/UnsupportedOperation 400,
// FileNotFound 404, other IOExceptions and SecurityException 403, the rest 500.
int HttpStatusOf(absl::string_view java_class) {
  if (java_class == kIllegalArgumentException || java_class == kUnsupportedOperationException ||
      java_class == kInvalidPathException ||
      java_class == "org.apache.hadoop.HadoopIllegalArgumentException") {
    return 400;
  }
  if (java_class == kFileNotFoundException) return 404;
  if (java_class == "java.lang.RuntimeException") return 500;
  return 403;
}

}  // namespace

absl::Status WithJavaException(absl::Status s, absl::string_view java_class) {
  s.SetPayload(kJavaClassPayload, absl::Cord(java_class));
  return s;
}

absl::Status IllegalArgument(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

absl::Status UnsupportedOperation(absl::string_view message) {
  return absl::UnimplementedError(message);
}

absl::Status IoException(absl::string_view message) {
  return WithJavaException(absl::FailedPreconditionError(message), kIOException);
}

nlohmann::json RemoteException::ToJson() const {
  return {{"RemoteException",
           {{"exception", exception}, {"javaClassName", java_class_name}, {"message", message}}}};
}

RemoteException ToRemoteException(const absl::Status& s) {
  RemoteException e;
  e.java_class_name = ClassOf(s);
  size_t dot = e.java_class_name.rfind('.');
  e.exception = dot == std::string::npos ? e.java_class_name : e.java_class_name.substr(dot + 1);
  e.http_status = HttpStatusOf(e.java_class_name);
  e.message = std::string(s.message());
  return e;
}

}  // namespace hayloft::webhdfs
