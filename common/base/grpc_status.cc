#include "common/base/grpc_status.h"

#include <string>

namespace hayloft {

// absl::StatusCode and grpc::StatusCode share their numeric values (both follow
// google.rpc.Code), so the conversion is a cast.
grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

}  // namespace hayloft
