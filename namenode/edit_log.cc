#include "namenode/edit_log.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/metrics/metrics.h"

namespace hayloft {
namespace {

// Group commit shows as fewer syncs than batches.
metrics::Histogram* const kSyncSeconds = metrics::DefaultRegistry().GetHistogram(
    "dfs_namenode_edit_log_sync_seconds", "Time of one synced write of the namespace store.",
    metrics::LatencyBuckets());
metrics::Counter* const kSyncedBatches = metrics::DefaultRegistry().GetCounter(
    "dfs_namenode_edit_log_batches_synced_total",
    "Namespace mutations made durable (several may share one sync).");

}  // namespace

absl::StatusOr<std::unique_ptr<EditLog>> EditLog::Open(const std::string& dir) {
  leveldb::Options options;
  options.create_if_missing = true;
  leveldb::DB* db = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot open the namespace store in ", dir, ": ", s.ToString(),
        " (check dfs.namenode.name.dir; is another namenode using it?)"));
  }
  return std::unique_ptr<EditLog>(new EditLog(std::unique_ptr<leveldb::DB>(db)));
}

EditLog::~EditLog() = default;

std::string EditLog::ChildKey(uint64_t parent_id, const std::string& name) {
  std::string key(9 + name.size(), '\0');
  key[0] = 'I';
  for (int i = 0; i < 8; ++i) key[1 + i] = static_cast<char>(parent_id >> (56 - 8 * i));
  key.replace(9, name.size(), name);
  return key;
}

absl::Status EditLog::ForEachInode(
    const std::function<void(uint64_t, const std::string&, const InodeRecord&)>& fn) {
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    leveldb::Slice key = it->key();
    if (key.empty() || (key[0] != 'I' && key[0] != 'R')) continue;
    InodeRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("corrupt inode record under key ",
                                              absl::CEscape(key.ToString())));
    }
    if (key[0] == 'R') {
      fn(0, "", record);
      continue;
    }
    if (key.size() < 9) return absl::DataLossError("short inode key in namespace store");
    uint64_t parent = 0;
    for (int i = 0; i < 8; ++i) parent = (parent << 8) | static_cast<uint8_t>(key[1 + i]);
    fn(parent, std::string(key.data() + 9, key.size() - 9), record);
  }
  if (!it->status().ok()) return absl::DataLossError(it->status().ToString());
  return absl::OkStatus();
}

absl::StatusOr<CountersRecord> EditLog::ReadCounters() {
  std::string value;
  leveldb::Status s = db_->Get(leveldb::ReadOptions(), CountersKey(), &value);
  if (s.IsNotFound()) return absl::NotFoundError("new namespace store");
  if (!s.ok()) return absl::DataLossError(s.ToString());
  CountersRecord c;
  if (!c.ParseFromString(value)) return absl::DataLossError("corrupt counters record");
  return c;
}

uint64_t EditLog::Append(leveldb::WriteBatch batch) {
  absl::MutexLock lock(&mu_);
  pending_.push_back(std::move(batch));
  return next_seq_++;
}

absl::Status EditLog::Sync(uint64_t seq) {
  absl::MutexLock lock(&mu_);
  while (durable_seq_ < seq) {
    if (!failure_.ok()) return failure_;
    if (syncing_) {
      mu_.Await(absl::Condition(
          +[](EditLog* log) ABSL_NO_THREAD_SAFETY_ANALYSIS { return !log->syncing_; }, this));
      continue;
    }
    // Become the leader: write everything queued so far in one synced batch.
    leveldb::WriteBatch merged;
    uint64_t last = durable_seq_ + pending_.size();
    for (leveldb::WriteBatch& b : pending_) merged.Append(b);
    pending_.clear();
    syncing_ = true;
    mu_.Unlock();
    leveldb::WriteOptions options;
    options.sync = true;
    const absl::Time start = absl::Now();
    leveldb::Status s = db_->Write(options, &merged);
    kSyncSeconds->Observe(absl::ToDoubleSeconds(absl::Now() - start));
    kSyncedBatches->Increment(static_cast<double>(last - durable_seq_));
    mu_.Lock();
    syncing_ = false;
    if (!s.ok()) {
      failure_ = absl::InternalError(absl::StrCat(
          "writing the namespace store failed: ", s.ToString(),
          "; the namenode refuses further changes: fix the disk of dfs.namenode.name.dir "
          "and restart it"));
      LOG(ERROR) << failure_.message();
      return failure_;
    }
    durable_seq_ = last;
  }
  return absl::OkStatus();
}

}  // namespace hayloft
