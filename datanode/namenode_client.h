// NamenodeClient: the datanode's typed client for the namenode's
// DatanodeProtocolService. Every call carries a deadline and returns a Status; the
// interface lets tests substitute a fake namenode.
#ifndef HAYLOFT_DATANODE_NAMENODE_CLIENT_H_
#define HAYLOFT_DATANODE_NAMENODE_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/namenode.pb.h"

namespace hayloft::datanode {

// Implementations are thread-safe.
class NamenodeClient {
 public:
  virtual ~NamenodeClient() = default;

  // "host:port" of the namenode, for log messages.
  virtual const std::string& address() const = 0;

  virtual absl::StatusOr<RegisterDatanodeResponse> RegisterDatanode(
      const RegisterDatanodeRequest& request) = 0;
  // NotFound: the namenode does not know this uuid; register again.
  virtual absl::StatusOr<HeartbeatResponse> Heartbeat(const HeartbeatRequest& request) = 0;
  virtual absl::StatusOr<BlockReportResponse> BlockReport(const BlockReportRequest& request) = 0;
  virtual absl::Status IncrementalBlockReport(const IncrementalBlockReportRequest& request) = 0;
  virtual absl::Status ReportBadBlocks(const ReportBadBlocksRequest& request) = 0;

  // Cancels calls in flight; later calls fail at once with Unavailable. For shutdown.
  virtual void CancelAll() = 0;
};

// A client over gRPC to `address` ("host:port"); every call times out after
// `rpc_timeout`.
std::unique_ptr<NamenodeClient> NewGrpcNamenodeClient(const std::string& address,
                                                      absl::Duration rpc_timeout);

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_NAMENODE_CLIENT_H_
