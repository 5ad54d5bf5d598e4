// NamenodeClient: typed wrapper over the NamenodeService stub. Every call has a
// deadline and goes through one retry policy: UNAVAILABLE is retried until
// connect_timeout for idempotent calls, and for any call whose request never
// reached the namenode (connection refused).
#ifndef HAYLOFT_CLIENT_NAMENODE_CLIENT_H_
#define HAYLOFT_CLIENT_NAMENODE_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/retry_policy.h"
#include "proto/namenode.grpc.pb.h"

namespace hayloft {

// Thread-safe.
class NamenodeClient {
 public:
  NamenodeClient(std::string address, absl::Duration rpc_timeout, absl::Duration connect_timeout);

  const std::string& address() const { return address_; }

  // Calls `method` on the stub with a fresh context: e.g.
  //   Call<GetFileInfoResponse>(&Stub::GetFileInfo, req, /*idempotent=*/true)
  template <typename Resp, typename Req>
  absl::StatusOr<Resp> Call(
      grpc::Status (NamenodeService::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
      const Req& req, bool idempotent) {
    Resp resp;
    absl::Status s = Invoke(
        [&](grpc::ClientContext* ctx) { return (stub_.get()->*method)(ctx, req, &resp); },
        idempotent);
    if (!s.ok()) return s;
    return resp;
  }

 private:
  absl::Status Invoke(const std::function<grpc::Status(grpc::ClientContext*)>& call,
                      bool idempotent);

  const std::string address_;
  const rpc::RetryPolicy policy_;
  std::unique_ptr<NamenodeService::Stub> stub_;
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_NAMENODE_CLIENT_H_
