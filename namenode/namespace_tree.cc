#include "namenode/namespace_tree.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft {

uint64_t Inode::length() const {
  uint64_t n = 0;
  for (const Block& b : record.blocks()) n += b.num_bytes();
  return n;
}

std::string InodePath::PathTo(size_t i) const {
  if (i == 0) return "/";
  std::string out;
  for (size_t c = 0; c < i && c < components.size(); ++c) absl::StrAppend(&out, "/", components[c]);
  return out;
}

absl::Status NamespaceTree::Load(EditLog* log, const std::string& superuser,
                                 const std::string& supergroup, leveldb::WriteBatch* batch) {
  struct Loaded {
    uint64_t parent;
    std::string name;
    InodeRecord record;
  };
  std::vector<Loaded> loaded;
  HL_RETURN_IF_ERROR(log->ForEachInode(
      [&](uint64_t parent, const std::string& name, const InodeRecord& r) {
        loaded.push_back({parent, name, r});
      }));
  for (Loaded& l : loaded) {
    auto inode = std::make_unique<Inode>();
    inode->id = l.record.id();
    inode->parent = l.parent;
    inode->name = std::move(l.name);
    inode->record = std::move(l.record);
    (inode->is_dir() ? num_dirs_ : num_files_)++;
    inodes_[inode->id] = std::move(inode);
  }
  if (inodes_.find(kRootInodeId) == inodes_.end()) {
    auto root = std::make_unique<Inode>();
    root->id = kRootInodeId;
    root->record.set_id(kRootInodeId);
    root->record.set_is_dir(true);
    root->record.set_permission(0755);
    root->record.set_owner(superuser);
    root->record.set_group(supergroup);
    root->record.set_mtime_ms(absl::ToUnixMillis(absl::Now()));
    batch->Put(EditLog::RootKey(), root->record.SerializeAsString());
    inodes_[kRootInodeId] = std::move(root);
    ++num_dirs_;
  }
  for (auto& [id, inode] : inodes_) {
    if (id == kRootInodeId) continue;
    auto parent = inodes_.find(inode->parent);
    if (parent == inodes_.end() || !parent->second->is_dir()) {
      return absl::DataLossError(absl::StrCat("inode ", id, " (", inode->name,
                                              ") has no parent directory ", inode->parent));
    }
    parent->second->children[inode->name] = id;
  }
  absl::StatusOr<CountersRecord> counters = log->ReadCounters();
  if (counters.ok()) {
    next_inode_id_ = std::max(next_inode_id_, counters->next_inode_id());
    next_block_id_ = std::max(next_block_id_, counters->next_block_id());
    next_gs_ = std::max(next_gs_, counters->next_generation_stamp());
  } else if (!absl::IsNotFound(counters.status())) {
    return counters.status();
  }
  // Never reuse an id even if the counters record lagged behind an inode.
  for (const auto& [id, inode] : inodes_) {
    next_inode_id_ = std::max(next_inode_id_, id + 1);
    for (const Block& b : inode->record.blocks()) {
      next_block_id_ = std::max(next_block_id_, b.block_id() + 1);
      next_gs_ = std::max(next_gs_, b.generation_stamp() + 1);
    }
  }
  PersistCounters(batch);
  return absl::OkStatus();
}

Inode* NamespaceTree::Get(uint64_t id) {
  auto it = inodes_.find(id);
  return it == inodes_.end() ? nullptr : it->second.get();
}

const Inode* NamespaceTree::Get(uint64_t id) const {
  auto it = inodes_.find(id);
  return it == inodes_.end() ? nullptr : it->second.get();
}

InodePath NamespaceTree::Resolve(const std::string& path) {
  InodePath p;
  p.components = path::Components(path);
  p.inodes.reserve(p.components.size() + 1);
  Inode* cur = Get(kRootInodeId);
  p.inodes.push_back(cur);
  for (const std::string& c : p.components) {
    if (cur != nullptr) {
      auto it = cur->is_dir() ? cur->children.find(c) : cur->children.end();
      cur = it == cur->children.end() ? nullptr : Get(it->second);
    }
    p.inodes.push_back(cur);
  }
  return p;
}

Inode* NamespaceTree::Lookup(const std::string& path) {
  Inode* cur = Get(kRootInodeId);
  for (const std::string& c : path::Components(path)) {
    if (!cur->is_dir()) return nullptr;
    auto it = cur->children.find(c);
    if (it == cur->children.end()) return nullptr;
    cur = Get(it->second);
  }
  return cur;
}

std::string NamespaceTree::PathOf(const Inode* inode) const {
  std::vector<const std::string*> names;
  while (inode != nullptr && inode->id != kRootInodeId) {
    names.push_back(&inode->name);
    auto it = inodes_.find(inode->parent);
    inode = it == inodes_.end() ? nullptr : it->second.get();
  }
  if (names.empty()) return "/";
  std::string out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) absl::StrAppend(&out, "/", **it);
  return out;
}

FileStatus NamespaceTree::StatusOf(const Inode* inode, const std::string& display_path) const {
  const InodeRecord& r = inode->record;
  FileStatus s;
  s.set_path(display_path);
  s.set_is_dir(r.is_dir());
  s.set_length(r.is_dir() ? 0 : inode->length());
  s.set_replication(r.is_dir() ? 0 : r.replication());
  s.set_block_size(r.is_dir() ? 0 : r.block_size());
  s.set_mtime_ms(r.mtime_ms());
  s.set_atime_ms(r.atime_ms());
  s.set_permission(r.permission());
  s.set_owner(r.owner());
  s.set_group(r.group());
  s.set_inode_id(inode->id);
  s.set_children_num(static_cast<int32_t>(inode->children.size()));
  s.set_under_construction(r.under_construction());
  return s;
}

std::string NamespaceTree::KeyOf(const Inode* inode) const {
  return inode->id == kRootInodeId ? EditLog::RootKey()
                                   : EditLog::ChildKey(inode->parent, inode->name);
}

void NamespaceTree::Persist(const Inode* inode, leveldb::WriteBatch* batch) const {
  batch->Put(KeyOf(inode), inode->record.SerializeAsString());
}

void NamespaceTree::PersistCounters(leveldb::WriteBatch* batch) const {
  CountersRecord c;
  c.set_next_inode_id(next_inode_id_);
  c.set_next_block_id(next_block_id_);
  c.set_next_generation_stamp(next_gs_);
  batch->Put(EditLog::CountersKey(), c.SerializeAsString());
}

Inode* NamespaceTree::AddChild(Inode* parent, const std::string& name, InodeRecord record,
                               leveldb::WriteBatch* batch) {
  auto inode = std::make_unique<Inode>();
  inode->id = AllocateInodeId();
  inode->parent = parent->id;
  inode->name = name;
  record.set_id(inode->id);
  if (record.group().empty()) record.set_group(parent->record.group());
  inode->record = std::move(record);
  (inode->is_dir() ? num_dirs_ : num_files_)++;
  Inode* raw = inode.get();
  parent->children[name] = raw->id;
  parent->record.set_mtime_ms(raw->record.mtime_ms());
  inodes_[raw->id] = std::move(inode);
  Persist(raw, batch);
  Persist(parent, batch);
  PersistCounters(batch);
  return raw;
}

absl::Status NamespaceTree::Mkdirs(const std::string& path, const InodeRecord& proto_dir,
                                   bool create_parent, leveldb::WriteBatch* batch) {
  std::vector<std::string> comps = path::Components(path);
  Inode* cur = Get(kRootInodeId);
  std::string so_far;
  for (size_t i = 0; i < comps.size(); ++i) {
    so_far = path::Join(so_far.empty() ? "/" : so_far, comps[i]);
    auto it = cur->children.find(comps[i]);
    if (it != cur->children.end()) {
      cur = Get(it->second);
      if (!cur->is_dir()) {
        if (i + 1 == comps.size()) {
          return absl::AlreadyExistsError(absl::StrCat(path, " already exists as a file"));
        }
        return absl::FailedPreconditionError(
            absl::StrCat("Parent path is not a directory: ", so_far));
      }
      continue;
    }
    if (i + 1 < comps.size() && !create_parent) {
      return absl::NotFoundError(
          absl::StrCat("Parent directory doesn't exist: ", path::Parent(path)));
    }
    if (i + 1 < comps.size()) {
      // As HDFS (addImplicitUwx): a parent made on the way gets u+wx, so its owner
      // can create in it whatever mode the last component asked for.
      InodeRecord parent = proto_dir;
      parent.set_permission(parent.permission() | 0300);
      cur = AddChild(cur, comps[i], parent, batch);
    } else {
      cur = AddChild(cur, comps[i], proto_dir, batch);
    }
  }
  return absl::OkStatus();
}

void NamespaceTree::RemoveRecursive(Inode* inode, std::vector<Block>* blocks,
                                    std::vector<uint64_t>* open_files,
                                    leveldb::WriteBatch* batch) {
  for (const auto& [name, child_id] : inode->children) {
    RemoveRecursive(Get(child_id), blocks, open_files, batch);
  }
  for (const Block& b : inode->record.blocks()) blocks->push_back(b);
  if (inode->record.under_construction()) open_files->push_back(inode->id);
  batch->Delete(KeyOf(inode));
  (inode->is_dir() ? num_dirs_ : num_files_)--;
  inodes_.erase(inode->id);
}

void NamespaceTree::Remove(Inode* inode, std::vector<Block>* blocks,
                           std::vector<uint64_t>* open_files, leveldb::WriteBatch* batch) {
  CHECK(inode->id != kRootInodeId) << "the root cannot be removed";
  Inode* parent = Get(inode->parent);
  parent->children.erase(inode->name);
  parent->record.set_mtime_ms(absl::ToUnixMillis(absl::Now()));
  Persist(parent, batch);
  RemoveRecursive(inode, blocks, open_files, batch);
}

void NamespaceTree::Move(Inode* inode, Inode* new_parent, const std::string& new_name,
                         leveldb::WriteBatch* batch) {
  int64_t now = absl::ToUnixMillis(absl::Now());
  Inode* old_parent = Get(inode->parent);
  batch->Delete(KeyOf(inode));
  old_parent->children.erase(inode->name);
  old_parent->record.set_mtime_ms(now);
  Persist(old_parent, batch);
  inode->parent = new_parent->id;
  inode->name = new_name;
  new_parent->children[new_name] = inode->id;
  new_parent->record.set_mtime_ms(now);
  Persist(new_parent, batch);
  Persist(inode, batch);
}

}  // namespace hayloft
