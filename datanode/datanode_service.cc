#include "datanode/datanode_service.h"

#include <optional>
#include <utility>

#include "common/base/grpc_status.h"
#include "datanode/block_receiver.h"
#include "datanode/datanode.h"
#include "datanode/datanode_client.h"

namespace hayloft::datanode {
namespace {

// The server end of a WriteBlock call as a PacketStream. gRPC allows one Read and
// one Write in flight at once, which is how BlockReceiver uses it.
class GrpcPacketStream final : public PacketStream {
 public:
  GrpcPacketStream(grpc::ServerContext* context,
                   grpc::ServerReaderWriter<WriteAck, WritePacket>* stream)
      : context_(context), stream_(stream), parent_(context) {}

  std::optional<WritePacket> Read() override {
    WritePacket packet;
    if (!stream_->Read(&packet)) return std::nullopt;
    return packet;
  }
  bool Write(const WriteAck& ack) override { return stream_->Write(ack); }
  bool cancelled() const override { return context_->IsCancelled(); }
  const ParentCall* parent_call() const override { return &parent_; }
  void Cancel() override { context_->TryCancel(); }

 private:
  grpc::ServerContext* const context_;
  grpc::ServerReaderWriter<WriteAck, WritePacket>* const stream_;
  const ParentCall parent_;
};

}  // namespace

grpc::Status DatanodeServiceImpl::WriteBlock(
    grpc::ServerContext* context, grpc::ServerReaderWriter<WriteAck, WritePacket>* stream) {
  GrpcPacketStream upstream(context, stream);
  return ToGrpcStatus(datanode_->WriteBlock(&upstream));
}

grpc::Status DatanodeServiceImpl::ReadBlock(grpc::ServerContext* /*context*/,
                                            const ReadBlockRequest* request,
                                            grpc::ServerWriter<ReadBlockResponse>* writer) {
  return ToGrpcStatus(datanode_->ReadBlock(
      *request, [writer](const ReadBlockResponse& r) { return writer->Write(r); }));
}

grpc::Status DatanodeServiceImpl::GetReplicaInfo(grpc::ServerContext* /*context*/,
                                                 const GetReplicaInfoRequest* request,
                                                 GetReplicaInfoResponse* response) {
  absl::StatusOr<GetReplicaInfoResponse> info = datanode_->GetReplicaInfo(*request);
  if (!info.ok()) return ToGrpcStatus(info.status());
  *response = std::move(*info);
  return grpc::Status::OK;
}

grpc::Status DatanodeServiceImpl::InitReplicaRecovery(grpc::ServerContext* /*context*/,
                                                      const InitReplicaRecoveryRequest* request,
                                                      InitReplicaRecoveryResponse* response) {
  absl::StatusOr<InitReplicaRecoveryResponse> r = datanode_->InitReplicaRecovery(*request);
  if (!r.ok()) return ToGrpcStatus(r.status());
  *response = std::move(*r);
  return grpc::Status::OK;
}

grpc::Status DatanodeServiceImpl::UpdateReplica(grpc::ServerContext* /*context*/,
                                                const UpdateReplicaRequest* request,
                                                UpdateReplicaResponse* /*response*/) {
  return ToGrpcStatus(datanode_->UpdateReplica(*request));
}

grpc::Status DatanodeServiceImpl::GetBlockChecksum(grpc::ServerContext* /*context*/,
                                                   const GetBlockChecksumRequest* request,
                                                   GetBlockChecksumResponse* response) {
  absl::StatusOr<GetBlockChecksumResponse> r = datanode_->GetBlockChecksum(*request);
  if (!r.ok()) return ToGrpcStatus(r.status());
  *response = std::move(*r);
  return grpc::Status::OK;
}

}  // namespace hayloft::datanode
