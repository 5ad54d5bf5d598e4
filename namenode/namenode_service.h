// Thin gRPC adapters: check the request, call one Namesystem method, convert the
// status. No locks, no rules.
//
// The client protocol uses gRPC's callback API: a handler runs on the thread that
// read the request, with no hand-off to a handler thread, and a mutation's reply is
// sent from the edit log's callback thread once the edit is durable (CommitDeferral), so no
// thread waits out an fsync per client. The datanode protocol stays synchronous.
#ifndef HAYLOFT_NAMENODE_NAMENODE_SERVICE_H_
#define HAYLOFT_NAMENODE_NAMENODE_SERVICE_H_

#include "namenode/namesystem.h"
#include "proto/namenode.grpc.pb.h"

namespace hayloft {

// Thread-safe (stateless beyond the Namesystem).
class NamenodeServiceImpl final : public NamenodeService::CallbackService {
 public:
  explicit NamenodeServiceImpl(Namesystem* ns) : ns_(ns) {}

  grpc::ServerUnaryReactor* GetFileInfo(grpc::CallbackServerContext* ctx,
                                        const GetFileInfoRequest* req,
                                        GetFileInfoResponse* resp) override;
  grpc::ServerUnaryReactor* ListStatus(grpc::CallbackServerContext* ctx,
                                       const ListStatusRequest* req,
                                       ListStatusResponse* resp) override;
  grpc::ServerUnaryReactor* Mkdirs(grpc::CallbackServerContext* ctx, const MkdirsRequest* req,
                                   MkdirsResponse* resp) override;
  grpc::ServerUnaryReactor* Create(grpc::CallbackServerContext* ctx, const CreateRequest* req,
                                   CreateResponse* resp) override;
  grpc::ServerUnaryReactor* Append(grpc::CallbackServerContext* ctx, const AppendRequest* req,
                                   AppendResponse* resp) override;
  grpc::ServerUnaryReactor* AddBlock(grpc::CallbackServerContext* ctx, const AddBlockRequest* req,
                                     AddBlockResponse* resp) override;
  grpc::ServerUnaryReactor* AbandonBlock(grpc::CallbackServerContext* ctx,
                                         const AbandonBlockRequest* req,
                                         AbandonBlockResponse* resp) override;
  grpc::ServerUnaryReactor* Complete(grpc::CallbackServerContext* ctx, const CompleteRequest* req,
                                     CompleteResponse* resp) override;
  grpc::ServerUnaryReactor* RenewLease(grpc::CallbackServerContext* ctx,
                                       const RenewLeaseRequest* req,
                                       RenewLeaseResponse* resp) override;
  grpc::ServerUnaryReactor* GetBlockLocations(grpc::CallbackServerContext* ctx,
                                              const GetBlockLocationsRequest* req,
                                              GetBlockLocationsResponse* resp) override;
  grpc::ServerUnaryReactor* Rename(grpc::CallbackServerContext* ctx, const RenameRequest* req,
                                   RenameResponse* resp) override;
  grpc::ServerUnaryReactor* Delete(grpc::CallbackServerContext* ctx, const DeleteRequest* req,
                                   DeleteResponse* resp) override;
  grpc::ServerUnaryReactor* SetReplication(grpc::CallbackServerContext* ctx,
                                           const SetReplicationRequest* req,
                                           SetReplicationResponse* resp) override;
  grpc::ServerUnaryReactor* SetPermission(grpc::CallbackServerContext* ctx,
                                          const SetPermissionRequest* req,
                                          SetPermissionResponse* resp) override;
  grpc::ServerUnaryReactor* SetOwner(grpc::CallbackServerContext* ctx, const SetOwnerRequest* req,
                                     SetOwnerResponse* resp) override;
  grpc::ServerUnaryReactor* GetContentSummary(grpc::CallbackServerContext* ctx,
                                              const GetContentSummaryRequest* req,
                                              GetContentSummaryResponse* resp) override;
  grpc::ServerUnaryReactor* GetDatanodeReport(grpc::CallbackServerContext* ctx,
                                              const GetDatanodeReportRequest* req,
                                              GetDatanodeReportResponse* resp) override;
  grpc::ServerUnaryReactor* GetFsStats(grpc::CallbackServerContext* ctx,
                                       const GetFsStatsRequest* req,
                                       GetFsStatsResponse* resp) override;
  grpc::ServerUnaryReactor* Fsck(grpc::CallbackServerContext* ctx, const FsckRequest* req,
                                 FsckResponse* resp) override;
  grpc::ServerUnaryReactor* SetSafeMode(grpc::CallbackServerContext* ctx,
                                        const SetSafeModeRequest* req,
                                        SetSafeModeResponse* resp) override;
  grpc::ServerUnaryReactor* RefreshNodes(grpc::CallbackServerContext* ctx,
                                         const RefreshNodesRequest* req,
                                         RefreshNodesResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateBlockForPipeline(grpc::CallbackServerContext* ctx,
                                                   const UpdateBlockForPipelineRequest* req,
                                                   UpdateBlockForPipelineResponse* resp) override;
  grpc::ServerUnaryReactor* UpdatePipeline(grpc::CallbackServerContext* ctx,
                                           const UpdatePipelineRequest* req,
                                           UpdatePipelineResponse* resp) override;
  grpc::ServerUnaryReactor* GetAdditionalDatanode(grpc::CallbackServerContext* ctx,
                                                  const GetAdditionalDatanodeRequest* req,
                                                  GetAdditionalDatanodeResponse* resp) override;
  grpc::ServerUnaryReactor* GetServerDefaults(grpc::CallbackServerContext* ctx,
                                              const GetServerDefaultsRequest* req,
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
