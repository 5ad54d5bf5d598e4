#include "client/namenode_client.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/grpc_status.h"
#include "common/rpc/rpc_util.h"

namespace hayloft {

NamenodeClient::NamenodeClient(std::string address, absl::Duration rpc_timeout,
                               absl::Duration connect_timeout)
    : address_(std::move(address)),
      rpc_timeout_(rpc_timeout),
      connect_timeout_(connect_timeout),
      stub_(NamenodeService::NewStub(rpc::MakeChannel(address_))) {}

absl::Status NamenodeClient::Invoke(
    const std::function<grpc::Status(grpc::ClientContext*)>& call, bool idempotent) {
  absl::Time give_up = absl::Now() + connect_timeout_;
  absl::Duration backoff = absl::Milliseconds(50);
  while (true) {
    grpc::ClientContext ctx;
    rpc::SetDeadline(&ctx, rpc_timeout_);
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
          "Call to namenode ", address_, " failed: ", s.error_message(),
          ". Is the namenode running? (check `hayloft cluster status` and fs.defaultFS)"));
    }
    return FromGrpcStatus(s);
  }
}

}  // namespace hayloft
