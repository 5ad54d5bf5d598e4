#include "namenode/namenode_service.h"

#include "common/base/grpc_status.h"

namespace hayloft {
namespace {

// Fills `resp` from a StatusOr<Response>.
template <typename Resp>
grpc::Status Reply(absl::StatusOr<Resp> result, Resp* resp) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

// Runs `handle`, which fills the response and returns the status, and finishes the
// call: at once, or once the edits it made are durable.
template <typename Handle>
grpc::ServerUnaryReactor* Answer(Namesystem* ns, grpc::CallbackServerContext* ctx, Handle handle) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  grpc::Status status;
  uint64_t seq = 0;
  {
    CommitDeferral deferral;
    status = handle();
    seq = deferral.seq();
  }
  if (!status.ok() || seq == 0) {
    reactor->Finish(status);
    return reactor;
  }
  ns->WhenDurable(seq, [reactor](absl::Status s) { reactor->Finish(ToGrpcStatus(s)); });
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* NamenodeServiceImpl::GetFileInfo(grpc::CallbackServerContext* ctx,
                                                           const GetFileInfoRequest* req,
                                                           GetFileInfoResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->GetFileInfo(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::ListStatus(grpc::CallbackServerContext* ctx,
                                                          const ListStatusRequest* req,
                                                          ListStatusResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->ListStatus(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::Mkdirs(grpc::CallbackServerContext* ctx,
                                                      const MkdirsRequest* req, MkdirsResponse*) {
  return Answer(ns_, ctx, [&] { return ToGrpcStatus(ns_->Mkdirs(*req)); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::Create(grpc::CallbackServerContext* ctx,
                                                      const CreateRequest* req,
                                                      CreateResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->Create(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::Append(grpc::CallbackServerContext* ctx,
                                                      const AppendRequest* req,
                                                      AppendResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->Append(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::AddBlock(grpc::CallbackServerContext* ctx,
                                                        const AddBlockRequest* req,
                                                        AddBlockResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->AddBlock(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::AbandonBlock(grpc::CallbackServerContext* ctx,
                                                            const AbandonBlockRequest* req,
                                                            AbandonBlockResponse*) {
  return Answer(ns_, ctx, [&] { return ToGrpcStatus(ns_->AbandonBlock(*req)); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::Complete(grpc::CallbackServerContext* ctx,
                                                        const CompleteRequest* req,
                                                        CompleteResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->Complete(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::RenewLease(grpc::CallbackServerContext* ctx,
                                                          const RenewLeaseRequest* req,
                                                          RenewLeaseResponse*) {
  return Answer(ns_, ctx, [&] { return ToGrpcStatus(ns_->RenewLease(*req)); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::GetBlockLocations(
    grpc::CallbackServerContext* ctx, const GetBlockLocationsRequest* req,
    GetBlockLocationsResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->GetBlockLocations(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::Rename(grpc::CallbackServerContext* ctx,
                                                      const RenameRequest* req, RenameResponse*) {
  return Answer(ns_, ctx, [&] { return ToGrpcStatus(ns_->Rename(*req)); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::Delete(grpc::CallbackServerContext* ctx,
                                                      const DeleteRequest* req,
                                                      DeleteResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->Delete(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::SetReplication(grpc::CallbackServerContext* ctx,
                                                              const SetReplicationRequest* req,
                                                              SetReplicationResponse*) {
  return Answer(ns_, ctx, [&] { return ToGrpcStatus(ns_->SetReplication(*req)); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::SetPermission(grpc::CallbackServerContext* ctx,
                                                             const SetPermissionRequest* req,
                                                             SetPermissionResponse*) {
  return Answer(ns_, ctx, [&] { return ToGrpcStatus(ns_->SetPermission(*req)); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::SetOwner(grpc::CallbackServerContext* ctx,
                                                        const SetOwnerRequest* req,
                                                        SetOwnerResponse*) {
  return Answer(ns_, ctx, [&] { return ToGrpcStatus(ns_->SetOwner(*req)); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::GetContentSummary(
    grpc::CallbackServerContext* ctx, const GetContentSummaryRequest* req,
    GetContentSummaryResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->GetContentSummary(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::GetDatanodeReport(
    grpc::CallbackServerContext* ctx, const GetDatanodeReportRequest* req,
    GetDatanodeReportResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->GetDatanodeReport(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::GetFsStats(grpc::CallbackServerContext* ctx,
                                                          const GetFsStatsRequest*,
                                                          GetFsStatsResponse* resp) {
  return Answer(ns_, ctx, [&] {
    *resp = ns_->GetFsStats();
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::Fsck(grpc::CallbackServerContext* ctx,
                                                    const FsckRequest* req, FsckResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->Fsck(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::SetSafeMode(grpc::CallbackServerContext* ctx,
                                                           const SetSafeModeRequest* req,
                                                           SetSafeModeResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->SetSafeMode(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::RefreshNodes(grpc::CallbackServerContext* ctx,
                                                            const RefreshNodesRequest* req,
                                                            RefreshNodesResponse*) {
  return Answer(ns_, ctx, [&] { return ToGrpcStatus(ns_->RefreshNodes(*req)); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::UpdateBlockForPipeline(
    grpc::CallbackServerContext* ctx, const UpdateBlockForPipelineRequest* req,
    UpdateBlockForPipelineResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->UpdateBlockForPipeline(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::UpdatePipeline(grpc::CallbackServerContext* ctx,
                                                              const UpdatePipelineRequest* req,
                                                              UpdatePipelineResponse*) {
  return Answer(ns_, ctx, [&] { return ToGrpcStatus(ns_->UpdatePipeline(*req)); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::GetAdditionalDatanode(
    grpc::CallbackServerContext* ctx, const GetAdditionalDatanodeRequest* req,
    GetAdditionalDatanodeResponse* resp) {
  return Answer(ns_, ctx, [&] { return Reply(ns_->GetAdditionalDatanode(*req), resp); });
}

grpc::ServerUnaryReactor* NamenodeServiceImpl::GetServerDefaults(grpc::CallbackServerContext* ctx,
                                                                 const GetServerDefaultsRequest*,
                                                                 GetServerDefaultsResponse* resp) {
  return Answer(ns_, ctx, [&] {
    *resp = ns_->GetServerDefaults();
    return grpc::Status::OK;
  });
}

grpc::Status DatanodeProtocolServiceImpl::RegisterDatanode(grpc::ServerContext*,
                                                           const RegisterDatanodeRequest* req,
                                                           RegisterDatanodeResponse* resp) {
  if (req->id().uuid().empty() || req->id().host().empty() || req->id().rpc_port() <= 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "registration needs a uuid, a host and a port");
  }
  *resp = ns_->RegisterDatanode(*req);
  return grpc::Status::OK;
}
grpc::Status DatanodeProtocolServiceImpl::Heartbeat(grpc::ServerContext*,
                                                    const HeartbeatRequest* req,
                                                    HeartbeatResponse* resp) {
  return Reply(ns_->Heartbeat(*req), resp);
}
grpc::Status DatanodeProtocolServiceImpl::BlockReport(grpc::ServerContext*,
                                                      const BlockReportRequest* req,
                                                      BlockReportResponse* resp) {
  return Reply(ns_->BlockReport(*req), resp);
}
grpc::Status DatanodeProtocolServiceImpl::IncrementalBlockReport(
    grpc::ServerContext*, const IncrementalBlockReportRequest* req,
    IncrementalBlockReportResponse*) {
  return ToGrpcStatus(ns_->IncrementalBlockReport(*req));
}
grpc::Status DatanodeProtocolServiceImpl::ReportBadBlocks(grpc::ServerContext*,
                                                          const ReportBadBlocksRequest* req,
                                                          ReportBadBlocksResponse*) {
  return ToGrpcStatus(ns_->ReportBadBlocks(*req));
}

}  // namespace hayloft
