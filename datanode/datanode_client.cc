#include "datanode/datanode_client.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "common/base/grpc_status.h"
#include "common/rpc/rpc_util.h"
#include "proto/datanode.grpc.pb.h"

namespace hayloft::datanode {
namespace {

// Follows the threading rules of WriteBlockStream; gRPC's sync ClientReaderWriter
// allows one reader and one writer at a time, and TryCancel from any thread.
class GrpcWriteBlockStream final : public WriteBlockStream {
 public:
  GrpcWriteBlockStream(const std::string& target, const WriteBlockStreamOptions& options)
      : ctx_(NewContext(options)),
        stub_(DatanodeService::NewStub(rpc::MakeChannel(target))),
        stream_(stub_->WriteBlock(ctx_.get())) {}

  ~GrpcWriteBlockStream() override {
    if (!finished_) {
      ctx_->TryCancel();
      stream_->Finish();
    }
  }

  bool Write(const WritePacket& packet) override { return stream_->Write(packet); }
  bool WritesDone() override { return stream_->WritesDone(); }

  std::optional<WriteAck> Read() override {
    WriteAck ack;
    if (!stream_->Read(&ack)) return std::nullopt;
    return ack;
  }

  absl::Status Finish() override {
    if (!finished_) {
      finished_ = true;
      status_ = FromGrpcStatus(stream_->Finish());
    }
    return status_;
  }

  void Cancel() override { ctx_->TryCancel(); }

 private:
  static std::unique_ptr<grpc::ClientContext> NewContext(const WriteBlockStreamOptions& options) {
    std::unique_ptr<grpc::ClientContext> ctx =
        options.parent != nullptr
            ? grpc::ClientContext::FromServerContext(*options.parent->context())
            : std::make_unique<grpc::ClientContext>();
    if (options.timeout != absl::InfiniteDuration()) rpc::SetDeadline(ctx.get(), options.timeout);
    return ctx;
  }

  std::unique_ptr<grpc::ClientContext> ctx_;
  std::unique_ptr<DatanodeService::Stub> stub_;
  std::unique_ptr<grpc::ClientReaderWriter<WritePacket, WriteAck>> stream_;
  bool finished_ = false;  // Finish() runs on one thread, after reads are done
  absl::Status status_;
};

class GrpcDatanodeClient final : public DatanodeClient {
 public:
  std::unique_ptr<WriteBlockStream> OpenWriteBlock(
      const DatanodeId& target, const WriteBlockStreamOptions& options) override {
    // A channel per stream: each block's data gets its own connection, so one slow
    // pipeline does not hold up another's flow control.
    return std::make_unique<GrpcWriteBlockStream>(DatanodeAddress(target), options);
  }
};

}  // namespace

std::string DatanodeAddress(const DatanodeId& id) {
  return absl::StrCat(id.host(), ":", id.rpc_port());
}

std::unique_ptr<DatanodeClient> NewGrpcDatanodeClient() {
  return std::make_unique<GrpcDatanodeClient>();
}

}  // namespace hayloft::datanode
