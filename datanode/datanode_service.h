// DatanodeServiceImpl: the thin gRPC adapter for DatanodeService. It converts
// streams and statuses and calls the Datanode; no logic, no locks.
#ifndef HAYLOFT_DATANODE_DATANODE_SERVICE_H_
#define HAYLOFT_DATANODE_DATANODE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "proto/datanode.grpc.pb.h"

namespace hayloft::datanode {

class Datanode;

// Thread-safe (stateless); owned by the Datanode, which outlives the server.
class DatanodeServiceImpl final : public DatanodeService::Service {
 public:
  explicit DatanodeServiceImpl(Datanode* datanode) : datanode_(datanode) {}

  grpc::Status WriteBlock(grpc::ServerContext* context,
                          grpc::ServerReaderWriter<WriteAck, WritePacket>* stream) override;
  grpc::Status ReadBlock(grpc::ServerContext* context, const ReadBlockRequest* request,
                         grpc::ServerWriter<ReadBlockResponse>* writer) override;
  grpc::Status GetReplicaInfo(grpc::ServerContext* context, const GetReplicaInfoRequest* request,
                              GetReplicaInfoResponse* response) override;
  grpc::Status InitReplicaRecovery(grpc::ServerContext* context,
                                   const InitReplicaRecoveryRequest* request,
                                   InitReplicaRecoveryResponse* response) override;
  grpc::Status UpdateReplica(grpc::ServerContext* context, const UpdateReplicaRequest* request,
                             UpdateReplicaResponse* response) override;
  grpc::Status GetBlockChecksum(grpc::ServerContext* context,
                                const GetBlockChecksumRequest* request,
                                GetBlockChecksumResponse* response) override;

 private:
  Datanode* const datanode_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_DATANODE_SERVICE_H_
