// The one retry policy for control RPCs: UNAVAILABLE is retried with backoff
// until `connect_timeout` for idempotent calls, and for any call whose request
// never reached the server (connection refused). Every attempt has a deadline.
#ifndef HAYLOFT_COMMON_RPC_RETRY_POLICY_H_
#define HAYLOFT_COMMON_RPC_RETRY_POLICY_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace hayloft::rpc {

struct RetryPolicy {
  absl::Duration rpc_timeout = absl::Seconds(20);      // per attempt
  absl::Duration connect_timeout = absl::Seconds(3);   // retrying stops after this
  // For the final "unreachable" message: "Call to <role> <address> failed: ...
  // Is the <role> running? (check `hayloft cluster status` and <config_key>)".
  std::string role;
  std::string address;
  std::string config_key;
};

// Runs `call` with a fresh context per attempt.
absl::Status CallWithRetry(const RetryPolicy& policy,
                           const std::function<grpc::Status(grpc::ClientContext*)>& call,
                           bool idempotent);

}  // namespace hayloft::rpc

#endif  // HAYLOFT_COMMON_RPC_RETRY_POLICY_H_
