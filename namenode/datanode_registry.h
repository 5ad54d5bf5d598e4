// DatanodeRegistry: the datanodes the namenode knows, their last heartbeat, the
// replicas each holds and the commands waiting for its next heartbeat.
#ifndef HAYLOFT_NAMENODE_DATANODE_REGISTRY_H_
#define HAYLOFT_NAMENODE_DATANODE_REGISTRY_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "proto/namenode.pb.h"

namespace hayloft {

struct DatanodeDescriptor {
  DatanodeInfo info;                          // id, rack, capacity, state...
  absl::Time last_contact;
  absl::flat_hash_set<uint64_t> blocks;       // replicas it holds
  std::vector<Block> pending_deletes;         // sent with the next heartbeat
  std::vector<DatanodeCommand> pending_commands;

  const std::string& uuid() const { return info.id().uuid(); }
  bool dead() const { return info.dead(); }
};

// Not thread-safe; used only under the Namesystem's lock.
class DatanodeRegistry {
 public:
  // Adds or refreshes a datanode (alive, contact now). A re-registering node
  // keeps its descriptor; its replica set is cleared since a full report follows.
  // Returns the descriptor and the blocks it held before (to forget them).
  DatanodeDescriptor* Register(const DatanodeId& id, const std::string& rack,
                               absl::Time now, std::vector<uint64_t>* dropped_blocks);
  DatanodeDescriptor* Find(const std::string& uuid);
  // Marks nodes silent for longer than `timeout` dead; returns them.
  std::vector<DatanodeDescriptor*> MarkDeadSince(absl::Time now, absl::Duration timeout);

  std::vector<DatanodeDescriptor*> All();
  std::vector<DatanodeDescriptor*> Live();
  int num_live() const;
  int num_racks() const;  // among live nodes

 private:
  std::map<std::string, std::unique_ptr<DatanodeDescriptor>> nodes_;  // by uuid
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_DATANODE_REGISTRY_H_
