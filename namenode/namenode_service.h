// Thin gRPC adapters: check the request, call one Namesystem method, convert the
// status. No locks, no rules.
#ifndef HAYLOFT_NAMENODE_NAMENODE_SERVICE_H_
#define HAYLOFT_NAMENODE_NAMENODE_SERVICE_H_

#include "namenode/namesystem.h"
#include "proto/namenode.grpc.pb.h"

namespace hayloft {

// Thread-safe (stateless beyond the Namesystem).
class NamenodeServiceImpl final : public NamenodeService::Service {
 public:
  explicit NamenodeServiceImpl(Namesystem* ns) : ns_(ns) {}

  grpc::Status GetFileInfo(grpc::ServerContext*, const GetFileInfoRequest* req,
                           GetFileInfoResponse* resp) override;
  grpc::Status ListStatus(grpc::ServerContext*, const ListStatusRequest* req,
                          ListStatusResponse* resp) override;
  grpc::Status Mkdirs(grpc::ServerContext*, const MkdirsRequest* req,
                      MkdirsResponse* resp) override;
  grpc::Status Create(grpc::ServerContext*, const CreateRequest* req,
                      CreateResponse* resp) override;
  grpc::Status Append(grpc::ServerContext*, const AppendRequest* req,
                      AppendResponse* resp) override;
  grpc::Status AddBlock(grpc::ServerContext*, const AddBlockRequest* req,
                        AddBlockResponse* resp) override;
  grpc::Status AbandonBlock(grpc::ServerContext*, const AbandonBlockRequest* req,
                            AbandonBlockResponse* resp) override;
  grpc::Status Complete(grpc::ServerContext*, const CompleteRequest* req,
                        CompleteResponse* resp) override;
  grpc::Status RenewLease(grpc::ServerContext*, const RenewLeaseRequest* req,
                          RenewLeaseResponse* resp) override;
  grpc::Status GetBlockLocations(grpc::ServerContext*, const GetBlockLocationsRequest* req,
                                 GetBlockLocationsResponse* resp) override;
  grpc::Status Rename(grpc::ServerContext*, const RenameRequest* req,
                      RenameResponse* resp) override;
  grpc::Status Delete(grpc::ServerContext*, const DeleteRequest* req,
                      DeleteResponse* resp) override;
  grpc::Status SetReplication(grpc::ServerContext*, const SetReplicationRequest* req,
                              SetReplicationResponse* resp) override;
  grpc::Status SetPermission(grpc::ServerContext*, const SetPermissionRequest* req,
                             SetPermissionResponse* resp) override;
  grpc::Status SetOwner(grpc::ServerContext*, const SetOwnerRequest* req,
                        SetOwnerResponse* resp) override;
  grpc::Status GetContentSummary(grpc::ServerContext*, const GetContentSummaryRequest* req,
                                 GetContentSummaryResponse* resp) override;
  grpc::Status GetDatanodeReport(grpc::ServerContext*, const GetDatanodeReportRequest* req,
                                 GetDatanodeReportResponse* resp) override;
  grpc::Status GetFsStats(grpc::ServerContext*, const GetFsStatsRequest* req,
                          GetFsStatsResponse* resp) override;
  grpc::Status Fsck(grpc::ServerContext*, const FsckRequest* req, FsckResponse* resp) override;
  grpc::Status SetSafeMode(grpc::ServerContext*, const SetSafeModeRequest* req,
                           SetSafeModeResponse* resp) override;
  grpc::Status RefreshNodes(grpc::ServerContext*, const RefreshNodesRequest* req,
                            RefreshNodesResponse* resp) override;
  grpc::Status UpdateBlockForPipeline(grpc::ServerContext*,
                                      const UpdateBlockForPipelineRequest* req,
                                      UpdateBlockForPipelineResponse* resp) override;
  grpc::Status UpdatePipeline(grpc::ServerContext*, const UpdatePipelineRequest* req,
                              UpdatePipelineResponse* resp) override;
  grpc::Status GetAdditionalDatanode(grpc::ServerContext*,
                                     const GetAdditionalDatanodeRequest* req,
                                     GetAdditionalDatanodeResponse* resp) override;
  grpc::Status GetServerDefaults(grpc::ServerContext*, const GetServerDefaultsRequest* req,
                                 GetServerDefaultsResponse* resp) override;

 private:
  Namesystem* const ns_;
};

// Thread-safe.
class DatanodeProtocolServiceImpl final : public DatanodeProtocolService::Service {
 public:
  explicit DatanodeProtocolServiceImpl(Namesystem* ns) : ns_(ns) {}

  grpc::Status RegisterDatanode(grpc::ServerContext*, const RegisterDatanodeRequest* req,
                                RegisterDatanodeResponse* resp) override;
  grpc::Status Heartbeat(grpc::ServerContext*, const HeartbeatRequest* req,
                         HeartbeatResponse* resp) override;
  grpc::Status BlockReport(grpc::ServerContext*, const BlockReportRequest* req,
                           BlockReportResponse* resp) override;
  grpc::Status IncrementalBlockReport(grpc::ServerContext*,
                                      const IncrementalBlockReportRequest* req,
                                      IncrementalBlockReportResponse* resp) override;
  grpc::Status ReportBadBlocks(grpc::ServerContext*, const ReportBadBlocksRequest* req,
                               ReportBadBlocksResponse* resp) override;

 private:
  Namesystem* const ns_;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_NAMENODE_SERVICE_H_
