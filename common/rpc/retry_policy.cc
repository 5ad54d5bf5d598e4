#include "common/rpc/retry_policy.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/grpc_status.h"
#include "common/rpc/rpc_util.h"

namespace hayloft::rpc {

absl::Status CallWithRetry(const RetryPolicy& policy,
                           const std::function<grpc::Status(grpc::ClientContext*)>& call,
                           bool idempotent) {
  absl::Time give_up = absl::Now() + policy.connect_timeout;
  absl::Duration backoff = absl::Milliseconds(50);
  while (true) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, policy.rpc_timeout);
    grpc::Status s = call(&ctx);
    if (s.ok()) return absl::OkStatus();
    bool never_sent = s.error_code() == grpc::StatusCode::UNAVAILABLE &&
                      (absl::StrContains(s.error_message(), "failed to connect") ||
                       absl::StrContains(s.error_message(), "Connection refused"));
    bool retry = s.error_code() == grpc::StatusCode::UNAVAILABLE && (idempotent || never_sent);
    if (retry && absl::Now() + backoff < give_up) {
      absl::SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Milliseconds(500));
      continue;
    }
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
        s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return absl::UnavailableError(absl::StrCat(
          "Call to ", policy.role, " ", policy.address, " failed: ", s.error_message(),
          ". Is the ", policy.role, " running? (check `hayloft cluster status` and ",
          policy.config_key, ")"));
    }
    return FromGrpcStatus(s);
  }
}

}  // namespace hayloft::rpc
