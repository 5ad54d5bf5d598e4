// The only place that converts between absl::Status and grpc::Status.
#ifndef HAYLOFT_COMMON_BASE_GRPC_STATUS_H_
#define HAYLOFT_COMMON_BASE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hayloft {

grpc::Status ToGrpcStatus(const absl::Status& s);
absl::Status FromGrpcStatus(const grpc::Status& s);

}  // namespace hayloft

#endif  // HAYLOFT_COMMON_BASE_GRPC_STATUS_H_
