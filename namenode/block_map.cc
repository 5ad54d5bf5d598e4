#include "namenode/block_map.h"

#include <algorithm>

namespace hayloft {

void BlockMap::Add(const Block& block, uint64_t inode_id, uint32_t replication,
                   bool complete) {
  BlockRecord& r = blocks_[block.block_id()];
  r.inode_id = inode_id;
  r.generation_stamp = block.generation_stamp();
  r.num_bytes = block.num_bytes();
  r.replication = replication;
  r.complete = complete;
}

BlockRecord* BlockMap::Find(uint64_t block_id) {
  auto it = blocks_.find(block_id);
  return it == blocks_.end() ? nullptr : &it->second;
}

std::vector<std::string> BlockMap::Remove(uint64_t block_id) {
  auto it = blocks_.find(block_id);
  if (it == blocks_.end()) return {};
  std::vector<std::string> replicas = std::move(it->second.replicas);
  blocks_.erase(it);
  return replicas;
}

bool BlockMap::AddReplica(BlockRecord* record, const std::string& uuid) {
  if (std::find(record->replicas.begin(), record->replicas.end(), uuid) !=
      record->replicas.end()) {
    return false;
  }
  record->replicas.push_back(uuid);
  return true;
}

void BlockMap::RemoveReplica(uint64_t block_id, const std::string& uuid) {
  BlockRecord* r = Find(block_id);
  if (r == nullptr) return;
  r->replicas.erase(std::remove(r->replicas.begin(), r->replicas.end(), uuid),
                    r->replicas.end());
}

}  // namespace hayloft
