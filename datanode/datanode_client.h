// DatanodeClient: how a datanode talks to other datanodes' DatanodeService, as the
// upstream of a WriteBlock stream (forwarding a pipeline, or re-replicating a
// block). An interface, so pipeline logic can be tested with fakes.
#ifndef HAYLOFT_DATANODE_DATANODE_CLIENT_H_
#define HAYLOFT_DATANODE_DATANODE_CLIENT_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "proto/datanode.pb.h"

namespace grpc {
class ServerContext;
}  // namespace grpc

namespace hayloft::datanode {

// The server call a stream is opened on behalf of. Cancelling that call (its client
// went away, or the server is shutting down) cancels the stream too, so a hung
// downstream node never pins a pipeline. Created by the RPC adapter; opaque to
// the logic in between.
class ParentCall {
 public:
  explicit ParentCall(grpc::ServerContext* context) : context_(context) {}
  grpc::ServerContext* context() const { return context_; }

 private:
  grpc::ServerContext* const context_;
};

struct WriteBlockStreamOptions {
  const ParentCall* parent = nullptr;                 // may be null
  absl::Duration timeout = absl::InfiniteDuration();  // for the whole call
};

// "host:rpc_port" of a datanode.
std::string DatanodeAddress(const DatanodeId& id);

// One WriteBlock stream seen from its writer. One thread may Write()/WritesDone()
// while another Read()s; Cancel() may be called from any thread. Finish() is called
// once, after Read() has returned nullopt or the writer has given up.
class WriteBlockStream {
 public:
  virtual ~WriteBlockStream() = default;
  // False: the stream is broken; Read() and Finish() tell why.
  virtual bool Write(const WritePacket& packet) = 0;
  virtual bool WritesDone() = 0;
  // nullopt: the stream has ended (normally or not).
  virtual std::optional<WriteAck> Read() = 0;
  virtual absl::Status Finish() = 0;
  virtual void Cancel() = 0;
};

// Thread-safe.
class DatanodeClient {
 public:
  virtual ~DatanodeClient() = default;
  // Starts a WriteBlock call; a target that cannot be reached shows up as a failed
  // Write()/Read() with Unavailable from Finish().
  virtual std::unique_ptr<WriteBlockStream> OpenWriteBlock(
      const DatanodeId& target, const WriteBlockStreamOptions& options) = 0;
};

std::unique_ptr<DatanodeClient> NewGrpcDatanodeClient();

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_DATANODE_CLIENT_H_
