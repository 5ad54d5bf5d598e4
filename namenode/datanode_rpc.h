// DatanodeRpc: the namenode's gRPC calls to datanodes (lease recovery).
#ifndef HAYLOFT_NAMENODE_DATANODE_RPC_H_
#define HAYLOFT_NAMENODE_DATANODE_RPC_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "namenode/replica_recoverer.h"
#include "proto/datanode.grpc.pb.h"

namespace hayloft {

// Thread-safe.
class DatanodeRpc final : public ReplicaRecoverer {
 public:
  absl::StatusOr<InitReplicaRecoveryResponse> InitReplicaRecovery(
      const DatanodeId& datanode, uint64_t block_id, uint64_t recovery_id) override;
  absl::Status UpdateReplica(const DatanodeId& datanode,
                             const UpdateReplicaRequest& request) override;

 private:
  DatanodeService::Stub* StubFor(const DatanodeId& datanode);

  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<DatanodeService::Stub>> stubs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_DATANODE_RPC_H_
