// Rack-aware replica placement, as HDFS's BlockPlacementPolicyDefault: replica 1 on
// the writer's node if it is a datanode, else a random node; replica 2 on another
// rack; replica 3 on replica 2's rack, another node; further replicas at random.
#ifndef HAYLOFT_NAMENODE_BLOCK_PLACEMENT_H_
#define HAYLOFT_NAMENODE_BLOCK_PLACEMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/random/random.h"

namespace hayloft {

// A datanode that may take a replica: live, not excluded, with room.
struct PlacementCandidate {
  std::string uuid;
  std::string host;
  std::string rack;
};

// Not thread-safe (holds a random generator); used under the namesystem lock.
class BlockPlacement {
 public:
  // Chooses up to `num_replicas` distinct candidates (fewer if there are fewer).
  // `already_chosen` are nodes that hold the block already (re-replication): the
  // rack rule counts them, but they are not returned.
  std::vector<PlacementCandidate> ChooseTargets(
      int num_replicas, const std::string& writer_host,
      const std::vector<PlacementCandidate>& candidates,
      const std::vector<PlacementCandidate>& already_chosen = {});

 private:
  absl::BitGen rng_;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_BLOCK_PLACEMENT_H_
