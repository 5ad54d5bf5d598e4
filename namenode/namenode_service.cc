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

}  // namespace

grpc::Status NamenodeServiceImpl::GetFileInfo(grpc::ServerContext*,
                                              const GetFileInfoRequest* req,
                                              GetFileInfoResponse* resp) {
  return Reply(ns_->GetFileInfo(*req), resp);
}
grpc::Status NamenodeServiceImpl::ListStatus(grpc::ServerContext*, const ListStatusRequest* req,
                                             ListStatusResponse* resp) {
  return Reply(ns_->ListStatus(*req), resp);
}
grpc::Status NamenodeServiceImpl::Mkdirs(grpc::ServerContext*, const MkdirsRequest* req,
                                         MkdirsResponse*) {
  return ToGrpcStatus(ns_->Mkdirs(*req));
}
grpc::Status NamenodeServiceImpl::Create(grpc::ServerContext*, const CreateRequest* req,
                                         CreateResponse* resp) {
  return Reply(ns_->Create(*req), resp);
}
grpc::Status NamenodeServiceImpl::Append(grpc::ServerContext*, const AppendRequest* req,
                                         AppendResponse* resp) {
  return Reply(ns_->Append(*req), resp);
}
grpc::Status NamenodeServiceImpl::AddBlock(grpc::ServerContext*, const AddBlockRequest* req,
                                           AddBlockResponse* resp) {
  return Reply(ns_->AddBlock(*req), resp);
}
grpc::Status NamenodeServiceImpl::AbandonBlock(grpc::ServerContext*,
                                               const AbandonBlockRequest* req,
                                               AbandonBlockResponse*) {
  return ToGrpcStatus(ns_->AbandonBlock(*req));
}
grpc::Status NamenodeServiceImpl::Complete(grpc::ServerContext*, const CompleteRequest* req,
                                           CompleteResponse* resp) {
  return Reply(ns_->Complete(*req), resp);
}
grpc::Status NamenodeServiceImpl::RenewLease(grpc::ServerContext*, const RenewLeaseRequest* req,
                                             RenewLeaseResponse*) {
  return ToGrpcStatus(ns_->RenewLease(*req));
}
grpc::Status NamenodeServiceImpl::GetBlockLocations(grpc::ServerContext*,
                                                    const GetBlockLocationsRequest* req,
                                                    GetBlockLocationsResponse* resp) {
  return Reply(ns_->GetBlockLocations(*req), resp);
}
grpc::Status NamenodeServiceImpl::Rename(grpc::ServerContext*, const RenameRequest* req,
                                         RenameResponse*) {
  return ToGrpcStatus(ns_->Rename(*req));
}
grpc::Status NamenodeServiceImpl::Delete(grpc::ServerContext*, const DeleteRequest* req,
                                         DeleteResponse* resp) {
  return Reply(ns_->Delete(*req), resp);
}
grpc::Status NamenodeServiceImpl::SetReplication(grpc::ServerContext*,
                                                 const SetReplicationRequest* req,
                                                 SetReplicationResponse*) {
  return ToGrpcStatus(ns_->SetReplication(*req));
}
grpc::Status NamenodeServiceImpl::SetPermission(grpc::ServerContext*,
                                                const SetPermissionRequest* req,
                                                SetPermissionResponse*) {
  return ToGrpcStatus(ns_->SetPermission(*req));
}
grpc::Status NamenodeServiceImpl::SetOwner(grpc::ServerContext*, const SetOwnerRequest* req,
                                           SetOwnerResponse*) {
  return ToGrpcStatus(ns_->SetOwner(*req));
}
grpc::Status NamenodeServiceImpl::GetContentSummary(grpc::ServerContext*,
                                                    const GetContentSummaryRequest* req,
                                                    GetContentSummaryResponse* resp) {
  return Reply(ns_->GetContentSummary(*req), resp);
}
grpc::Status NamenodeServiceImpl::GetDatanodeReport(grpc::ServerContext*,
                                                    const GetDatanodeReportRequest* req,
                                                    GetDatanodeReportResponse* resp) {
  return Reply(ns_->GetDatanodeReport(*req), resp);
}
grpc::Status NamenodeServiceImpl::GetFsStats(grpc::ServerContext*, const GetFsStatsRequest*,
                                             GetFsStatsResponse* resp) {
  *resp = ns_->GetFsStats();
  return grpc::Status::OK;
}
grpc::Status NamenodeServiceImpl::Fsck(grpc::ServerContext*, const FsckRequest* req,
                                       FsckResponse* resp) {
  return Reply(ns_->Fsck(*req), resp);
}

grpc::Status NamenodeServiceImpl::SetSafeMode(grpc::ServerContext*,
                                              const SetSafeModeRequest* req,
                                              SetSafeModeResponse* resp) {
  return Reply(ns_->SetSafeMode(*req), resp);
}
grpc::Status NamenodeServiceImpl::RefreshNodes(grpc::ServerContext*,
                                               const RefreshNodesRequest* req,
                                               RefreshNodesResponse*) {
  return ToGrpcStatus(ns_->RefreshNodes(*req));
}
grpc::Status NamenodeServiceImpl::UpdateBlockForPipeline(
    grpc::ServerContext*, const UpdateBlockForPipelineRequest* req,
    UpdateBlockForPipelineResponse* resp) {
  return Reply(ns_->UpdateBlockForPipeline(*req), resp);
}
grpc::Status NamenodeServiceImpl::UpdatePipeline(grpc::ServerContext*,
                                                 const UpdatePipelineRequest* req,
                                                 UpdatePipelineResponse*) {
  return ToGrpcStatus(ns_->UpdatePipeline(*req));
}
grpc::Status NamenodeServiceImpl::GetAdditionalDatanode(grpc::ServerContext*,
                                                        const GetAdditionalDatanodeRequest* req,
                                                        GetAdditionalDatanodeResponse* resp) {
  return Reply(ns_->GetAdditionalDatanode(*req), resp);
}
grpc::Status NamenodeServiceImpl::GetServerDefaults(grpc::ServerContext*,
                                                    const GetServerDefaultsRequest*,
                                                    GetServerDefaultsResponse* resp) {
  *resp = ns_->GetServerDefaults();
  return grpc::Status::OK;
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
