// Namesystem: namespace operations (the ClientProtocol). Datanode-facing work is in
// namesystem_blocks.cc.
#include "namenode/namesystem.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft {
namespace {

constexpr int kDefaultListLimit = 1000;
constexpr uint32_t kUmask = 022;

}  // namespace

absl::StatusOr<std::unique_ptr<Namesystem>> Namesystem::Open(const NamenodeOptions& options,
                                                             Topology topology) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<EditLog> log, EditLog::Open(options.name_dir));
  std::unique_ptr<Namesystem> ns(new Namesystem(options, std::move(topology), std::move(log)));
  uint64_t seq;
  {
    absl::MutexLock lock(&ns->mu_);
    leveldb::WriteBatch batch;
    HL_RETURN_IF_ERROR(
        ns->tree_.Load(ns->log_.get(), options.superuser, options.supergroup, &batch));
    // Block locations are not persisted: the map starts empty and block reports
    // fill in the replicas.
    ns->tree_.ForEachFile([&](const Inode& f) {
      for (const Block& b : f.record.blocks()) {
        ns->blocks_.Add(b, f.id, f.record.replication(), !f.record.under_construction());
      }
      if (f.record.under_construction()) {
        ns->leases_[f.record.client_name()] = absl::Now();
      }
    });
    seq = ns->AppendLocked(std::move(batch));
    ns->MaybeLeaveSafeModeLocked(absl::Now());
    LOG(INFO) << "namespace loaded from " << options.name_dir << ": "
              << ns->tree_.num_dirs() << " directories, " << ns->tree_.num_files()
              << " files, " << ns->blocks_.size() << " blocks";
  }
  HL_RETURN_IF_ERROR(ns->Commit(seq));
  if (!options.hosts_exclude_file.empty()) {
    absl::Status s = ns->ReloadExcludedHosts();
    if (!s.ok()) LOG(WARNING) << s.message() << "; no datanode is excluded";
  }
  return ns;
}

CommitDeferral::CommitDeferral() : outer_(Current()) { Current() = this; }
CommitDeferral::~CommitDeferral() { Current() = outer_; }

CommitDeferral*& CommitDeferral::Current() {
  static thread_local CommitDeferral* current = nullptr;
  return current;
}

absl::Status Namesystem::Commit(uint64_t seq) {
  if (CommitDeferral* deferral = CommitDeferral::Current()) {
    deferral->seq_ = std::max(deferral->seq_, seq);
    return absl::OkStatus();
  }
  return log_->Sync(seq);
}

absl::StatusOr<Inode*> Namesystem::ResolveLocked(const std::string& path) {
  HL_RETURN_IF_ERROR(path::Validate(path));
  Inode* inode = tree_.Lookup(path);
  if (inode == nullptr) {
    return absl::NotFoundError(absl::StrCat("File does not exist: ", path));
  }
  return inode;
}

InodeRecord Namesystem::NewRecordLocked(bool is_dir, const std::string& user,
                                        uint32_t permission, bool exact_permission) {
  InodeRecord r;
  r.set_is_dir(is_dir);
  if (exact_permission) {
    r.set_permission(permission & 07777);
  } else {
    uint32_t mode = permission != 0 ? permission : (is_dir ? 0777 : 0666);
    r.set_permission(mode & ~kUmask & 07777);
  }
  r.set_owner(user);  // the group comes from the parent directory (AddChild)
  int64_t now = absl::ToUnixMillis(absl::Now());
  r.set_mtime_ms(now);
  r.set_atime_ms(is_dir ? 0 : now);
  return r;
}

absl::Status Namesystem::CheckReplicationLocked(uint32_t replication,
                                                const std::string& path) const {
  if (replication < options_.min_replication) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Requested replication factor of ", replication,
        " is less than the required minimum of ", options_.min_replication, " for ", path));
  }
  if (replication > options_.max_replication) {
    return absl::InvalidArgumentError(absl::StrCat("Requested replication factor of ",
                                                   replication, " exceeds maximum of ",
                                                   options_.max_replication, " for ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<GetFileInfoResponse> Namesystem::GetFileInfo(const GetFileInfoRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  PermissionChecker pc = CheckerFor(req.header());
  absl::ReaderMutexLock lock(&mu_);
  GetFileInfoResponse resp;
  InodePath iip = tree_.Resolve(req.path());
  HL_RETURN_IF_ERROR(pc.CheckTraverse(tree_, iip));
  Inode* inode = iip.last();
  if (inode != nullptr) {
    resp.set_exists(true);
    *resp.mutable_status() = tree_.StatusOf(inode, req.path());
  }
  return resp;
}

absl::StatusOr<ListStatusResponse> Namesystem::ListStatus(const ListStatusRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  PermissionChecker pc = CheckerFor(req.header());
  absl::ReaderMutexLock lock(&mu_);
  InodePath iip = tree_.Resolve(req.path());
  AccessRequest need;
  if (iip.last() != nullptr && iip.last()->is_dir()) need.access = FsAction::kReadExecute;
  HL_RETURN_IF_ERROR(pc.Check(tree_, iip, need));
  HL_ASSIGN_OR_RETURN(Inode * inode, ResolveLocked(req.path()));
  ListStatusResponse resp;
  if (!inode->is_dir()) {
    *resp.add_entries() = tree_.StatusOf(inode, path::Basename(req.path()));
    return resp;
  }
  resp.set_is_dir(true);
  int limit = req.limit() > 0 ? req.limit() : kDefaultListLimit;
  auto it = req.start_after().empty() ? inode->children.begin()
                                      : inode->children.upper_bound(req.start_after());
  for (; it != inode->children.end() && resp.entries_size() < limit; ++it) {
    *resp.add_entries() = tree_.StatusOf(tree_.Get(it->second), it->first);
  }
  resp.set_remaining(static_cast<int32_t>(std::distance(it, inode->children.end())));
  return resp;
}

absl::Status Namesystem::Mkdirs(const MkdirsRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  HL_RETURN_IF_ERROR(path::CheckComponentLengths(req.path()));
  PermissionChecker pc = CheckerFor(req.header());
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    InodePath iip = tree_.Resolve(req.path());
    HL_RETURN_IF_ERROR(pc.CheckTraverse(tree_, iip));
    Inode* existing = iip.last();
    if (existing != nullptr) {
      if (existing->is_dir()) return absl::OkStatus();
      return absl::AlreadyExistsError(absl::StrCat(req.path(), " already exists as a file"));
    }
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked(absl::StrCat("Cannot create directory ", req.path())));
    HL_RETURN_IF_ERROR(pc.Check(tree_, iip, {.ancestor = FsAction::kWrite}));
    leveldb::WriteBatch batch;
    InodeRecord dir = NewRecordLocked(true, pc.user(), req.permission(), req.exact_permission());
    HL_RETURN_IF_ERROR(tree_.Mkdirs(req.path(), dir, req.create_parent(), &batch));
    seq = AppendLocked(std::move(batch));
  }
  return Commit(seq);
}

absl::StatusOr<CreateResponse> Namesystem::Create(const CreateRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  HL_RETURN_IF_ERROR(path::CheckComponentLengths(req.path()));
  if (req.path() == "/") return absl::AlreadyExistsError("/ already exists as a directory");
  if (req.client_name().empty()) return absl::InvalidArgumentError("client_name is required");
  uint32_t replication = req.replication() != 0 ? req.replication()
                                                 : options_.default_replication;
  uint64_t block_size = req.block_size() != 0 ? req.block_size()
                                               : options_.default_block_size;
  if (block_size < options_.min_block_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Specified block size is less than configured minimum value "
        "(dfs.namenode.fs-limits.min-block-size): ",
        block_size, " < ", options_.min_block_size));
  }
  if (block_size > options_.max_block_size || block_size % 512 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid block size ", block_size, ": it must be a multiple of 512 and ",
                     "at most ", options_.max_block_size));
  }
  PermissionChecker pc = CheckerFor(req.header());
  CreateResponse resp;
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked(absl::StrCat("Cannot create file", req.path())));
    HL_RETURN_IF_ERROR(CheckReplicationLocked(replication, req.path()));
    InodePath iip = tree_.Resolve(req.path());
    HL_RETURN_IF_ERROR(pc.Check(tree_, iip, {.ancestor = FsAction::kWrite}));
    leveldb::WriteBatch batch;
    Inode* existing = iip.last();
    if (existing != nullptr) {
      if (existing->is_dir()) {
        return absl::AlreadyExistsError(absl::StrCat(req.path(), " already exists as a directory"));
      }
      // Overwriting also needs WRITE on the file (HDFS's resolvePathForStartFile).
      if (req.overwrite()) HL_RETURN_IF_ERROR(pc.Check(tree_, iip, {.access = FsAction::kWrite}));
      if (existing->record.under_construction() &&
          existing->record.client_name() != req.client_name()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "Failed to CREATE_FILE ", req.path(), " for ", req.client_name(),
            " because this file lease is currently owned by ", existing->record.client_name()));
      }
      if (!req.overwrite()) {
        return absl::AlreadyExistsError(absl::StrCat(req.path(), " for client ",
                                                     req.client_host(), " already exists"));
      }
      std::vector<Block> dead_blocks;
      std::vector<uint64_t> open_files;
      tree_.Remove(existing, &dead_blocks, &open_files, &batch);
      InvalidateBlocksLocked(dead_blocks);
    }
    const std::string& user = pc.user();
    std::string parent_path = path::Parent(req.path());
    Inode* parent = tree_.Lookup(parent_path);
    if (parent == nullptr) {
      if (!req.create_parent()) {
        return absl::NotFoundError(absl::StrCat("Parent directory doesn't exist: ", parent_path));
      }
      HL_RETURN_IF_ERROR(tree_.Mkdirs(parent_path, NewRecordLocked(true, user, 0), true, &batch));
      parent = tree_.Lookup(parent_path);
    }
    if (!parent->is_dir()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Parent path is not a directory: ", parent_path));
    }
    InodeRecord record = NewRecordLocked(false, user, req.permission(), req.exact_permission());
    record.set_replication(replication);
    record.set_block_size(block_size);
    record.set_under_construction(true);
    record.set_client_name(req.client_name());
    Inode* file = tree_.AddChild(parent, path::Basename(req.path()), std::move(record), &batch);
    leases_[req.client_name()] = absl::Now();
    *resp.mutable_status() = tree_.StatusOf(file, req.path());
    seq = AppendLocked(std::move(batch));
  }
  HL_RETURN_IF_ERROR(Commit(seq));
  return resp;
}

absl::StatusOr<Inode*> Namesystem::CheckLeaseLocked(const std::string& path,
                                                    const std::string& client_name) {
  HL_ASSIGN_OR_RETURN(Inode * file, ResolveLocked(path));
  if (file->is_dir()) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is a directory"));
  }
  if (!file->record.under_construction()) {
    return absl::FailedPreconditionError(
        absl::StrCat("No lease on ", path, ": File is not open for writing"));
  }
  if (file->record.client_name() != client_name) {
    return absl::FailedPreconditionError(
        absl::StrCat("No lease on ", path, ": the lease is held by ",
                     file->record.client_name(), ", not by ", client_name));
  }
  return file;
}

absl::Status Namesystem::CommitBlockLocked(Inode* file, const Block& block) {
  auto* blocks = file->record.mutable_blocks();
  if (blocks->empty() || blocks->rbegin()->block_id() != block.block_id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "blk_", block.block_id(), " is not the last block of ", tree_.PathOf(file)));
  }
  Block& last = *blocks->rbegin();
  if (block.num_bytes() > file->record.block_size()) {
    return absl::InvalidArgumentError(absl::StrCat("blk_", block.block_id(), " length ",
                                                   block.num_bytes(), " exceeds block size"));
  }
  last.set_num_bytes(block.num_bytes());
  if (BlockRecord* r = blocks_.Find(block.block_id()); r != nullptr) {
    r->num_bytes = block.num_bytes();
  }
  return absl::OkStatus();
}

absl::StatusOr<AppendResponse> Namesystem::Append(const AppendRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  if (req.client_name().empty()) return absl::InvalidArgumentError("client_name is required");
  PermissionChecker pc = CheckerFor(req.header());
  AppendResponse resp;
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked(absl::StrCat("Cannot append to file", req.path())));
    InodePath iip = tree_.Resolve(req.path());
    HL_RETURN_IF_ERROR(pc.CheckTraverse(tree_, iip));
    HL_ASSIGN_OR_RETURN(Inode * file, ResolveLocked(req.path()));
    if (file->is_dir()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Failed to append to ", req.path(), ": it is a directory"));
    }
    HL_RETURN_IF_ERROR(pc.Check(tree_, iip, {.access = FsAction::kWrite}));
    if (file->record.under_construction()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Failed to APPEND_FILE ", req.path(), " for ", req.client_name(),
          " because this file lease is currently owned by ", file->record.client_name()));
    }
    file->record.set_under_construction(true);
    file->record.set_client_name(req.client_name());
    leases_[req.client_name()] = absl::Now();
    auto* blocks = file->record.mutable_blocks();
    if (!blocks->empty() && blocks->rbegin()->num_bytes() < file->record.block_size()) {
      const Block& last = *blocks->rbegin();
      uint64_t offset = file->length() - last.num_bytes();
      *resp.mutable_last() = LocateLocked(last, offset, req.client_host());
      if (BlockRecord* r = blocks_.Find(last.block_id()); r != nullptr) {
        r->complete = false;
        r->expected.clear();
        for (const DatanodeInfo& d : resp.last().locations()) r->expected.push_back(d.id().uuid());
      }
    }
    *resp.mutable_status() = tree_.StatusOf(file, req.path());
    leveldb::WriteBatch batch;
    tree_.Persist(file, &batch);
    seq = AppendLocked(std::move(batch));
  }
  HL_RETURN_IF_ERROR(Commit(seq));
  return resp;
}

absl::StatusOr<AddBlockResponse> Namesystem::AddBlock(const AddBlockRequest& req) {
  AddBlockResponse resp;
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked(absl::StrCat("Cannot add block to ", req.path())));
    HL_ASSIGN_OR_RETURN(Inode * file, CheckLeaseLocked(req.path(), req.client_name()));
    if (req.has_previous()) HL_RETURN_IF_ERROR(CommitBlockLocked(file, req.previous()));
    absl::flat_hash_set<std::string> excluded(req.excluded_datanodes().begin(),
                                              req.excluded_datanodes().end());
    std::vector<PlacementCandidate> targets = placement_.ChooseTargets(
        static_cast<int>(file->record.replication()), req.client_host(),
        CandidatesLocked(excluded, file->record.block_size()));
    if (targets.size() < options_.min_replication) {
      return absl::FailedPreconditionError(absl::StrCat(
          "File ", req.path(), " could only be written to ", targets.size(), " of the ",
          options_.min_replication, " minReplication nodes. There are ",
          datanodes_.num_live(), " datanode(s) running and ", excluded.size(),
          " node(s) are excluded in this operation."));
    }
    Block block;
    block.set_block_id(tree_.AllocateBlockId());
    block.set_generation_stamp(tree_.AllocateGenerationStamp());
    uint64_t offset = file->length();
    *file->record.add_blocks() = block;
    blocks_.Add(block, file->id, file->record.replication(), false);
    // Readers of hflushed bytes find the block here before any replica is reported.
    BlockRecord* record = blocks_.Find(block.block_id());
    for (const PlacementCandidate& t : targets) record->expected.push_back(t.uuid);
    leveldb::WriteBatch batch;
    tree_.Persist(file, &batch);
    tree_.PersistCounters(&batch);
    seq = AppendLocked(std::move(batch));
    LocatedBlock* lb = resp.mutable_block();
    *lb->mutable_block() = block;
    lb->set_offset(offset);
    for (const PlacementCandidate& t : targets) {
      *lb->add_locations() = datanodes_.Find(t.uuid)->info;
    }
    leases_[req.client_name()] = absl::Now();
  }
  HL_RETURN_IF_ERROR(Commit(seq));
  return resp;
}

absl::Status Namesystem::AbandonBlock(const AbandonBlockRequest& req) {
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_ASSIGN_OR_RETURN(Inode * file, CheckLeaseLocked(req.path(), req.client_name()));
    auto* blocks = file->record.mutable_blocks();
    if (blocks->empty() || blocks->rbegin()->block_id() != req.block().block_id()) {
      return absl::OkStatus();  // already abandoned: idempotent
    }
    InvalidateBlocksLocked({*blocks->rbegin()});
    blocks->RemoveLast();
    leveldb::WriteBatch batch;
    tree_.Persist(file, &batch);
    seq = AppendLocked(std::move(batch));
  }
  return Commit(seq);
}

absl::StatusOr<CompleteResponse> Namesystem::Complete(const CompleteRequest& req) {
  CompleteResponse resp;
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_ASSIGN_OR_RETURN(Inode * file, ResolveLocked(req.path()));
    if (!file->is_dir() && !file->record.under_construction()) {
      // A retried Complete after success: the file is closed with these blocks.
      const auto& blocks = file->record.blocks();
      bool same = req.has_last() ? !blocks.empty() &&
                                       blocks.rbegin()->block_id() == req.last().block_id()
                                 : blocks.empty();
      if (same) {
        resp.set_complete(true);
        return resp;
      }
    }
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked(absl::StrCat("Cannot complete file ", req.path())));
    HL_ASSIGN_OR_RETURN(file, CheckLeaseLocked(req.path(), req.client_name()));
    if (req.has_last()) HL_RETURN_IF_ERROR(CommitBlockLocked(file, req.last()));
    for (const Block& b : file->record.blocks()) {
      BlockRecord* r = blocks_.Find(b.block_id());
      if (r == nullptr || r->replicas.size() < options_.min_replication) {
        return resp;  // not yet: the client retries
      }
    }
    file->record.set_under_construction(false);
    file->record.clear_client_name();
    file->record.set_mtime_ms(absl::ToUnixMillis(absl::Now()));
    for (const Block& b : file->record.blocks()) {
      if (BlockRecord* r = blocks_.Find(b.block_id()); r != nullptr) r->complete = true;
    }
    leveldb::WriteBatch batch;
    tree_.Persist(file, &batch);
    seq = AppendLocked(std::move(batch));
    resp.set_complete(true);
  }
  HL_RETURN_IF_ERROR(Commit(seq));
  return resp;
}

absl::Status Namesystem::RenewLease(const RenewLeaseRequest& req) {
  absl::MutexLock lock(&mu_);
  leases_[req.client_name()] = absl::Now();
  return absl::OkStatus();
}

absl::StatusOr<GetBlockLocationsResponse> Namesystem::GetBlockLocations(
    const GetBlockLocationsRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  PermissionChecker pc = CheckerFor(req.header());
  absl::ReaderMutexLock lock(&mu_);
  HL_RETURN_IF_ERROR(pc.Check(tree_, tree_.Resolve(req.path()), {.access = FsAction::kRead}));
  HL_ASSIGN_OR_RETURN(Inode * file, ResolveLocked(req.path()));
  if (file->is_dir()) {
    return absl::FailedPreconditionError(absl::StrCat(req.path(), " is a directory"));
  }
  GetBlockLocationsResponse resp;
  resp.set_file_length(file->length());
  resp.set_under_construction(file->record.under_construction());
  uint64_t end = req.length() == 0 ? UINT64_MAX : req.offset() + req.length();
  uint64_t offset = 0;
  const int num_blocks = file->record.blocks_size();
  for (int i = 0; i < num_blocks; ++i) {
    const Block& b = file->record.blocks(i);
    uint64_t block_end = offset + b.num_bytes();
    // The last block of a file being written is always listed: its length so far
    // (hflushed bytes) is for the client to ask the datanodes, as in HDFS.
    bool last_uc = i + 1 == num_blocks && file->record.under_construction();
    if ((block_end > req.offset() && offset < end && b.num_bytes() > 0) ||
        (last_uc && offset < end)) {
      *resp.add_blocks() = LocateLocked(b, offset, req.client_host());
    }
    offset = block_end;
  }
  return resp;
}

absl::Status Namesystem::Rename(const RenameRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.src()));
  HL_RETURN_IF_ERROR(path::Validate(req.dst()));
  HL_RETURN_IF_ERROR(path::CheckComponentLengths(req.dst()));
  PermissionChecker pc = CheckerFor(req.header());
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked(absl::StrCat("Cannot rename ", req.src())));
    InodePath src_iip = tree_.Resolve(req.src());
    HL_RETURN_IF_ERROR(pc.CheckTraverse(tree_, src_iip));
    std::string dst_path = req.dst();
    InodePath dst_iip = tree_.Resolve(dst_path);
    HL_RETURN_IF_ERROR(pc.CheckTraverse(tree_, dst_iip));
    // Onto a directory: into it, under the source's name (HDFS's dstForRenameTo).
    if (dst_iip.last() != nullptr && dst_iip.last()->is_dir() && req.src() != "/") {
      dst_path = path::Join(dst_path, path::Basename(req.src()));
      dst_iip = tree_.Resolve(dst_path);
    }
    // WRITE on the source's parent (and its sticky bit), on the destination's
    // nearest existing ancestor.
    HL_RETURN_IF_ERROR(pc.Check(tree_, src_iip, {.parent = FsAction::kWrite}));
    HL_RETURN_IF_ERROR(pc.Check(tree_, dst_iip, {.ancestor = FsAction::kWrite}));
    HL_ASSIGN_OR_RETURN(Inode * src, ResolveLocked(req.src()));
    if (src->id == kRootInodeId) return absl::InvalidArgumentError("Cannot rename the root");
    Inode* dst = dst_iip.last();
    if (dst == src) return absl::OkStatus();
    if (path::IsAncestorOrSelf(req.src(), dst_path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Rename destination ", dst_path, " is a directory or file under source ", req.src()));
    }
    if (dst != nullptr) {
      return absl::AlreadyExistsError(
          absl::StrCat("Rename destination ", dst_path, " already exists"));
    }
    Inode* parent = tree_.Lookup(path::Parent(dst_path));
    if (parent == nullptr) {
      return absl::NotFoundError(absl::StrCat("Rename destination parent ",
                                              path::Parent(dst_path), " does not exist"));
    }
    if (!parent->is_dir()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Rename destination parent ", path::Parent(dst_path), " is a file"));
    }
    leveldb::WriteBatch batch;
    tree_.Move(src, parent, path::Basename(dst_path), &batch);
    seq = AppendLocked(std::move(batch));
  }
  return Commit(seq);
}

absl::StatusOr<DeleteResponse> Namesystem::Delete(const DeleteRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  PermissionChecker pc = CheckerFor(req.header());
  DeleteResponse resp;
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(CheckNotInSafeModeLocked(absl::StrCat("Cannot delete ", req.path())));
    // WRITE on the parent (sticky bit too), and everything on every non-empty
    // directory being removed (HDFS's subAccess=ALL, ignoreEmptyDir).
    InodePath iip = tree_.Resolve(req.path());
    HL_RETURN_IF_ERROR(pc.Check(tree_, iip, {.parent = FsAction::kWrite, .sub = FsAction::kAll,
                                              .ignore_empty_dirs = true}));
    Inode* inode = iip.last();
    if (inode == nullptr) return resp;
    if (inode->id == kRootInodeId) {
      return absl::InvalidArgumentError("Cannot delete the root directory /");
    }
    if (inode->is_dir() && !inode->children.empty() && !req.recursive()) {
      return absl::FailedPreconditionError(
          absl::StrCat("`", req.path(), " is non empty': Directory is not empty"));
    }
    leveldb::WriteBatch batch;
    std::vector<Block> dead_blocks;
    std::vector<uint64_t> open_files;
    tree_.Remove(inode, &dead_blocks, &open_files, &batch);
    InvalidateBlocksLocked(dead_blocks);
    seq = AppendLocked(std::move(batch));
    resp.set_deleted(true);
  }
  HL_RETURN_IF_ERROR(Commit(seq));
  return resp;
}

absl::Status Namesystem::SetReplication(const SetReplicationRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  PermissionChecker pc = CheckerFor(req.header());
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    HL_RETURN_IF_ERROR(
        CheckNotInSafeModeLocked(absl::StrCat("Cannot set replication for ", req.path())));
    HL_RETURN_IF_ERROR(pc.Check(tree_, tree_.Resolve(req.path()), {.access = FsAction::kWrite}));
    HL_ASSIGN_OR_RETURN(Inode * file, ResolveLocked(req.path()));
    if (file->is_dir()) {
      return absl::FailedPreconditionError(absl::StrCat(req.path(), " is a directory"));
    }
    HL_RETURN_IF_ERROR(CheckReplicationLocked(req.replication(), req.path()));
    file->record.set_replication(req.replication());
    for (const Block& b : file->record.blocks()) {
      if (BlockRecord* r = blocks_.Find(b.block_id()); r != nullptr) {
        r->replication = req.replication();
      }
    }
    leveldb::WriteBatch batch;
    tree_.Persist(file, &batch);
    seq = AppendLocked(std::move(batch));
  }
  return Commit(seq);
}

void Namesystem::AddSummaryLocked(Inode* inode, GetContentSummaryResponse* out) {
  if (!inode->is_dir()) {
    out->set_file_count(out->file_count() + 1);
    out->set_length(out->length() + inode->length());
    out->set_space_consumed(out->space_consumed() +
                            inode->length() * inode->record.replication());
    return;
  }
  out->set_directory_count(out->directory_count() + 1);
  for (const auto& [name, id] : inode->children) AddSummaryLocked(tree_.Get(id), out);
}

absl::StatusOr<GetContentSummaryResponse> Namesystem::GetContentSummary(
    const GetContentSummaryRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  PermissionChecker pc = CheckerFor(req.header());
  absl::ReaderMutexLock lock(&mu_);
  HL_RETURN_IF_ERROR(
      pc.Check(tree_, tree_.Resolve(req.path()), {.sub = FsAction::kReadExecute}));
  HL_ASSIGN_OR_RETURN(Inode * inode, ResolveLocked(req.path()));
  GetContentSummaryResponse resp;
  AddSummaryLocked(inode, &resp);
  return resp;
}

absl::Status Namesystem::FsckWalkLocked(const PermissionChecker& pc, Inode* inode,
                                        const std::string& path, FsckResponse* out) {
  // As the caller: fsck lists each directory and reads each file's block
  // locations (READ_EXECUTE and READ), as HDFS's NamenodeFsck does.
  HL_RETURN_IF_ERROR(pc.CheckInode(*inode, path,
                                   inode->is_dir() ? FsAction::kReadExecute : FsAction::kRead));
  FsckFile* f = out->add_files();
  *f->mutable_status() = tree_.StatusOf(inode, path);
  if (!inode->is_dir()) {
    uint64_t offset = 0;
    for (const Block& b : inode->record.blocks()) {
      *f->add_blocks() = LocateLocked(b, offset, "");
      offset += b.num_bytes();
    }
    return absl::OkStatus();
  }
  for (const auto& [name, id] : inode->children) {
    HL_RETURN_IF_ERROR(FsckWalkLocked(pc, tree_.Get(id), path::Join(path, name), out));
  }
  return absl::OkStatus();
}

absl::StatusOr<FsckFile> Namesystem::GetFileBlocks(const std::string& path) {
  // The status pages are the operator's view: no user, no permission checks.
  const PermissionChecker superuser = CheckerFor(RequestHeader());
  absl::ReaderMutexLock lock(&mu_);
  HL_ASSIGN_OR_RETURN(Inode * inode, ResolveLocked(path));
  if (inode->is_dir()) return absl::FailedPreconditionError(absl::StrCat(path, " is a directory"));
  FsckResponse one;
  HL_RETURN_IF_ERROR(FsckWalkLocked(superuser, inode, path, &one));
  return std::move(*one.mutable_files(0));
}

absl::StatusOr<FsckResponse> Namesystem::Fsck(const FsckRequest& req) {
  HL_RETURN_IF_ERROR(path::Validate(req.path()));
  PermissionChecker pc = CheckerFor(req.header());
  absl::ReaderMutexLock lock(&mu_);
  HL_RETURN_IF_ERROR(pc.CheckTraverse(tree_, tree_.Resolve(req.path())));
  HL_ASSIGN_OR_RETURN(Inode * inode, ResolveLocked(req.path()));
  FsckResponse resp;
  HL_RETURN_IF_ERROR(FsckWalkLocked(pc, inode, req.path(), &resp));
  resp.set_num_datanodes(datanodes_.num_live());
  resp.set_num_racks(datanodes_.num_racks());
  resp.set_default_replication(options_.default_replication);
  return resp;
}

}  // namespace hayloft
