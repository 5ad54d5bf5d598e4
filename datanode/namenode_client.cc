#include "datanode/namenode_client.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "common/base/grpc_status.h"
#include "common/rpc/rpc_util.h"
#include "proto/namenode.grpc.pb.h"

namespace hayloft::datanode {
namespace {

using Stub = DatanodeProtocolService::Stub;

// Thread-safe: the stub is, and the set of contexts in flight is guarded by mu_.
class GrpcNamenodeClient final : public NamenodeClient {
 public:
  GrpcNamenodeClient(std::string address, absl::Duration rpc_timeout)
      : address_(std::move(address)),
        rpc_timeout_(rpc_timeout),
        stub_(DatanodeProtocolService::NewStub(rpc::MakeChannel(address_))) {}

  const std::string& address() const override { return address_; }

  absl::StatusOr<RegisterDatanodeResponse> RegisterDatanode(
      const RegisterDatanodeRequest& request) override {
    return Call(&Stub::RegisterDatanode, request);
  }
  absl::StatusOr<HeartbeatResponse> Heartbeat(const HeartbeatRequest& request) override {
    return Call(&Stub::Heartbeat, request);
  }
  absl::StatusOr<BlockReportResponse> BlockReport(const BlockReportRequest& request) override {
    return Call(&Stub::BlockReport, request);
  }
  absl::Status IncrementalBlockReport(const IncrementalBlockReportRequest& request) override {
    return Call(&Stub::IncrementalBlockReport, request).status();
  }
  absl::Status ReportBadBlocks(const ReportBadBlocksRequest& request) override {
    return Call(&Stub::ReportBadBlocks, request).status();
  }

  void CancelAll() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    for (grpc::ClientContext* ctx : in_flight_) ctx->TryCancel();
  }

 private:
  template <typename Req, typename Resp>
  absl::StatusOr<Resp> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                            const Req& request) {
    grpc::ClientContext ctx;
    rpc::SetDeadline(&ctx, rpc_timeout_);
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_) return absl::UnavailableError("datanode is shutting down");
      in_flight_.insert(&ctx);
    }
    Resp response;
    grpc::Status s = (stub_.get()->*method)(&ctx, request, &response);
    {
      absl::MutexLock lock(&mu_);
      in_flight_.erase(&ctx);
    }
    if (!s.ok()) return FromGrpcStatus(s);
    return response;
  }

  const std::string address_;
  const absl::Duration rpc_timeout_;
  const std::unique_ptr<Stub> stub_;
  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<grpc::ClientContext*> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<NamenodeClient> NewGrpcNamenodeClient(const std::string& address,
                                                      absl::Duration rpc_timeout) {
  return std::make_unique<GrpcNamenodeClient>(address, rpc_timeout);
}

}  // namespace hayloft::datanode
