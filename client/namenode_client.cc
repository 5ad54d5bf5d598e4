#include "client/namenode_client.h"

#include "common/rpc/retry_policy.h"
#include "common/rpc/rpc_util.h"

namespace hayloft {

NamenodeClient::NamenodeClient(std::string address, absl::Duration rpc_timeout,
                               absl::Duration connect_timeout)
    : address_(std::move(address)),
      policy_{rpc_timeout, connect_timeout, "namenode", address_, "fs.defaultFS"},
      stub_(NamenodeService::NewStub(rpc::MakeChannel(address_))) {}

absl::Status NamenodeClient::Invoke(
    const std::function<grpc::Status(grpc::ClientContext*)>& call, bool idempotent) {
  return rpc::CallWithRetry(policy_, call, idempotent);
}

}  // namespace hayloft
