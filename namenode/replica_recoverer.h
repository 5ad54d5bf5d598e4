// ReplicaRecoverer: how the Namesystem reaches datanodes during lease recovery.
// The Namenode implements it over gRPC (namenode/datanode_rpc.h); tests may fake it.
#ifndef HAYLOFT_NAMENODE_REPLICA_RECOVERER_H_
#define HAYLOFT_NAMENODE_REPLICA_RECOVERER_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/common.pb.h"
#include "proto/datanode.pb.h"

namespace hayloft {

// Implementations are thread-safe.
class ReplicaRecoverer {
 public:
  virtual ~ReplicaRecoverer() = default;
  // NotFound if the datanode has no replica of the block.
  virtual absl::StatusOr<InitReplicaRecoveryResponse> InitReplicaRecovery(
      const DatanodeId& datanode, uint64_t block_id, uint64_t recovery_id) = 0;
  virtual absl::Status UpdateReplica(const DatanodeId& datanode,
                                     const UpdateReplicaRequest& request) = 0;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_REPLICA_RECOVERER_H_
