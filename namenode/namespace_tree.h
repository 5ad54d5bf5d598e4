// NamespaceTree: the in-memory inode tree, mirrored to the EditLog. Every mutation
// records the keys it changes in a caller's WriteBatch; the caller appends the
// batch to the EditLog while still holding the namesystem lock.
#ifndef HAYLOFT_NAMENODE_NAMESPACE_TREE_H_
#define HAYLOFT_NAMENODE_NAMESPACE_TREE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "leveldb/write_batch.h"
#include "namenode/edit_log.h"
#include "proto/namenode.pb.h"

namespace hayloft {

inline constexpr uint64_t kRootInodeId = 1;

struct Inode {
  uint64_t id = 0;
  uint64_t parent = 0;          // 0 for the root
  std::string name;             // "" for the root
  InodeRecord record;           // persisted fields (blocks, permission, lease holder...)
  std::map<std::string, uint64_t> children;  // directories only, sorted by name

  bool is_dir() const { return record.is_dir(); }
  uint64_t length() const;
};

// A path resolved as far as it exists, like HDFS's INodesInPath: inodes[i] is the
// inode the first i components name (inodes[0] is the root), nullptr from the
// first missing component on. A file in the middle of the path ends it too.
struct InodePath {
  std::vector<std::string> components;  // the names below the root
  std::vector<Inode*> inodes;           // components.size() + 1 entries

  Inode* last() const { return inodes.back(); }
  Inode* parent() const { return inodes.size() > 1 ? inodes[inodes.size() - 2] : nullptr; }
  // The path of inodes[i]: "/" for 0, "/a/b" for 2.
  std::string PathTo(size_t i) const;
};

// Not thread-safe; used only under the Namesystem's lock.
class NamespaceTree {
 public:
  // Loads every inode from `log` (or makes a root owned by `superuser` and
  // `supergroup`, 0755).
  absl::Status Load(EditLog* log, const std::string& superuser, const std::string& supergroup,
                    leveldb::WriteBatch* batch);

  // nullptr if the path does not exist (path must be valid).
  Inode* Lookup(const std::string& path);
  // Every existing inode along a valid path.
  InodePath Resolve(const std::string& path);
  Inode* Get(uint64_t id);
  const Inode* Get(uint64_t id) const;
  std::string PathOf(const Inode* inode) const;
  FileStatus StatusOf(const Inode* inode, const std::string& display_path) const;

  // Creates the missing directories of `path` (all of them if `create_parent`,
  // else only the last). Errors: NotFound (parent missing), FailedPrecondition (a
  // file in the way), AlreadyExists (the path is a file).
  absl::Status Mkdirs(const std::string& path, const InodeRecord& proto_dir,
                      bool create_parent, leveldb::WriteBatch* batch);
  // Adds a new child inode; the parent must be a directory without that name. A
  // record without a group takes the parent's (HDFS's BSD rule).
  Inode* AddChild(Inode* parent, const std::string& name, InodeRecord record,
                  leveldb::WriteBatch* batch);
  // Writes the inode's record to the batch (after its record changed).
  void Persist(const Inode* inode, leveldb::WriteBatch* batch) const;
  // Removes the subtree at `inode`; appends the blocks of its files to `blocks`
  // and the ids of files under construction to `open_files`.
  void Remove(Inode* inode, std::vector<Block>* blocks, std::vector<uint64_t>* open_files,
              leveldb::WriteBatch* batch);
  // Moves `inode` under `new_parent` as `new_name`.
  void Move(Inode* inode, Inode* new_parent, const std::string& new_name,
            leveldb::WriteBatch* batch);

  uint64_t AllocateInodeId() { return next_inode_id_++; }
  uint64_t AllocateBlockId() { return next_block_id_++; }
  uint64_t AllocateGenerationStamp() { return next_gs_++; }
  void PersistCounters(leveldb::WriteBatch* batch) const;

  int64_t num_files() const { return num_files_; }
  int64_t num_dirs() const { return num_dirs_; }
  // Visits every file inode.
  template <typename Fn>
  void ForEachFile(Fn fn) const {
    for (const auto& [id, inode] : inodes_) {
      if (!inode->is_dir()) fn(*inode);
    }
  }

 private:
  void RemoveRecursive(Inode* inode, std::vector<Block>* blocks,
                       std::vector<uint64_t>* open_files, leveldb::WriteBatch* batch);
  std::string KeyOf(const Inode* inode) const;

  absl::flat_hash_map<uint64_t, std::unique_ptr<Inode>> inodes_;
  uint64_t next_inode_id_ = kRootInodeId + 1;
  // HDFS starts block ids at 2^30 and generation stamps at 1000; so do we.
  uint64_t next_block_id_ = 1073741825;
  uint64_t next_gs_ = 1001;
  int64_t num_files_ = 0;
  int64_t num_dirs_ = 0;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_NAMESPACE_TREE_H_
