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

EditLog::EditLog(std::unique_ptr<leveldb::DB> db) : db_(std::move(db)) {
  syncer_ = std::thread([this] { SyncLoop(); });
  caller_ = std::thread([this] { CallbackLoop(); });
}

// Writes what is still queued, so every waiter hears back, then stops.
EditLog::~EditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  syncer_.join();
  {
    absl::MutexLock lock(&callbacks_mu_);
    syncer_done_ = true;
  }
  caller_.join();
}

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
  auto decided = [this, seq]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return durable_seq_ >= seq || !failure_.ok();
  };
  mu_.Await(absl::Condition(&decided));
  return durable_seq_ >= seq ? absl::OkStatus() : failure_;
}

void EditLog::WhenDurable(uint64_t seq, DoneCallback done) {
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    if (durable_seq_ < seq && failure_.ok()) {
      waiters_.emplace_back(seq, std::move(done));
      return;
    }
    if (durable_seq_ < seq) status = failure_;
  }
  std::move(done)(std::move(status));
}

void EditLog::SyncLoop() {
  mu_.Lock();
  while (true) {
    auto work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !pending_.empty() || stopping_;
    };
    mu_.Await(absl::Condition(&work));
    if (pending_.empty()) break;
    // Everything queued so far goes into one synced write.
    leveldb::WriteBatch merged;
    for (leveldb::WriteBatch& b : pending_) merged.Append(b);
    const size_t count = pending_.size();
    pending_.clear();
    const uint64_t last = next_seq_ - 1;
    mu_.Unlock();
    std::vector<std::pair<DoneCallback, absl::Status>> decided =
        WriteAndCollect(std::move(merged), last, count);
    {
      absl::MutexLock lock(&callbacks_mu_);
      for (auto& d : decided) decided_.push_back(std::move(d));
    }
    mu_.Lock();
  }
  mu_.Unlock();
}

void EditLog::CallbackLoop() {
  while (true) {
    std::vector<std::pair<DoneCallback, absl::Status>> run;
    {
      absl::MutexLock lock(&callbacks_mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(callbacks_mu_) {
        return !decided_.empty() || syncer_done_;
      };
      callbacks_mu_.Await(absl::Condition(&ready));
      if (decided_.empty()) return;
      run.swap(decided_);
    }
    for (auto& [done, status] : run) std::move(done)(std::move(status));
  }
}

std::vector<std::pair<EditLog::DoneCallback, absl::Status>> EditLog::WriteAndCollect(
    leveldb::WriteBatch batch, uint64_t last, size_t count) {
  absl::Status failure;
  {
    absl::MutexLock lock(&mu_);
    failure = failure_;
  }
  if (failure.ok()) {
    leveldb::WriteOptions options;
    options.sync = true;
    const absl::Time start = absl::Now();
    leveldb::Status s = db_->Write(options, &batch);
    kSyncSeconds->Observe(absl::ToDoubleSeconds(absl::Now() - start));
    if (s.ok()) {
      kSyncedBatches->Increment(static_cast<double>(count));
    } else {
      failure = absl::InternalError(absl::StrCat(
          "writing the namespace store failed: ", s.ToString(),
          "; the namenode refuses further changes: fix the disk of dfs.namenode.name.dir "
          "and restart it"));
      LOG(ERROR) << failure.message();
    }
  }
  std::vector<std::pair<DoneCallback, absl::Status>> decided;
  absl::MutexLock lock(&mu_);
  if (failure.ok()) {
    durable_seq_ = last;
  } else {
    failure_ = failure;
  }
  std::vector<std::pair<uint64_t, DoneCallback>> still_waiting;
  for (auto& [seq, done] : waiters_) {
    if (seq <= durable_seq_) {
      decided.emplace_back(std::move(done), absl::OkStatus());
    } else if (!failure_.ok()) {
      decided.emplace_back(std::move(done), failure_);
    } else {
      still_waiting.emplace_back(seq, std::move(done));
    }
  }
  waiters_ = std::move(still_waiting);
  return decided;
}

}  // namespace hayloft
