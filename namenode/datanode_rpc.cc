#include "namenode/datanode_rpc.h"

#include "absl/strings/str_cat.h"
#include "common/base/grpc_status.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"

namespace hayloft {
namespace {

constexpr absl::Duration kRecoveryCallTimeout = absl::Seconds(30);

}  // namespace

DatanodeService::Stub* DatanodeRpc::StubFor(const DatanodeId& datanode) {
  std::string address = absl::StrCat(datanode.host(), ":", datanode.rpc_port());
  absl::MutexLock lock(&mu_);
  std::unique_ptr<DatanodeService::Stub>& stub = stubs_[address];
  if (stub == nullptr) stub = DatanodeService::NewStub(rpc::MakeChannel(address));
  return stub.get();
}

absl::StatusOr<InitReplicaRecoveryResponse> DatanodeRpc::InitReplicaRecovery(
    const DatanodeId& datanode, uint64_t block_id, uint64_t recovery_id) {
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, kRecoveryCallTimeout);
  InitReplicaRecoveryRequest req;
  req.set_block_id(block_id);
  req.set_recovery_id(recovery_id);
  InitReplicaRecoveryResponse resp;
  absl::Status s = FromGrpcStatus(StubFor(datanode)->InitReplicaRecovery(&ctx, req, &resp));
  if (!s.ok()) {
    return Annotate(s, absl::StrCat("InitReplicaRecovery on ", datanode.host(), ":",
                                    datanode.rpc_port()));
  }
  return resp;
}

absl::Status DatanodeRpc::UpdateReplica(const DatanodeId& datanode,
                                        const UpdateReplicaRequest& request) {
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, kRecoveryCallTimeout);
  UpdateReplicaResponse resp;
  return FromGrpcStatus(StubFor(datanode)->UpdateReplica(&ctx, request, &resp));
}

}  // namespace hayloft
