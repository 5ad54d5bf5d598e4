// BlockMap: every block of every file, with the datanodes that hold a replica.
// Rebuilt at start-up from the namespace (blocks) and block reports (replicas).
#ifndef HAYLOFT_NAMENODE_BLOCK_MAP_H_
#define HAYLOFT_NAMENODE_BLOCK_MAP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "proto/common.pb.h"

namespace hayloft {

struct BlockRecord {
  uint64_t inode_id = 0;
  uint64_t generation_stamp = 0;
  uint64_t num_bytes = 0;
  uint32_t replication = 0;       // expected
  bool complete = false;          // false while its file's writer may still add bytes
  std::vector<std::string> replicas;  // datanode uuids holding a good replica
  std::vector<std::string> corrupt;   // datanode uuids whose replica failed a checksum
  // While the block is being written: the pipeline's datanodes (not persisted).
  std::vector<std::string> expected;
};

// Not thread-safe; used only under the Namesystem's lock.
class BlockMap {
 public:
  void Add(const Block& block, uint64_t inode_id, uint32_t replication, bool complete);
  BlockRecord* Find(uint64_t block_id);
  // Removes the block; returns the datanodes that held it.
  std::vector<std::string> Remove(uint64_t block_id);
  // False if already there.
  bool AddReplica(BlockRecord* record, const std::string& uuid);
  void RemoveReplica(uint64_t block_id, const std::string& uuid);

  size_t size() const { return blocks_.size(); }
  template <typename Fn>
  void ForEach(Fn fn) {
    for (auto& [id, record] : blocks_) fn(id, record);
  }

 private:
  absl::flat_hash_map<uint64_t, BlockRecord> blocks_;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_BLOCK_MAP_H_
