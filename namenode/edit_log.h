// EditLog: the namenode's durable namespace store, a LevelDB database written with
// synced write batches and group commit.
//
// On-disk format (LevelDB keys -> values):
//   "I" + big-endian u64 parent inode id + child name  -> InodeRecord (a child)
//   "R"                                                -> InodeRecord (the root, id 1)
//   "C"                                                -> CountersRecord
//
// Group commit: callers Append() a batch while holding the namesystem lock, which
// fixes the order of mutations; they then release the lock and either wait in
// Sync(seq) or ask WhenDurable(seq, done) to be called back. One syncer thread
// writes every batch pending at that moment as a single synced LevelDB write, so
// all the mutations that arrive during one fsync share the next one, and a batch
// is never durable before a batch appended earlier. RPC handlers use WhenDurable
// so that no thread sits blocked in an fsync per client.
#ifndef HAYLOFT_NAMENODE_EDIT_LOG_H_
#define HAYLOFT_NAMENODE_EDIT_LOG_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "leveldb/db.h"
#include "leveldb/write_batch.h"
#include "proto/namenode.pb.h"

namespace hayloft {

// Thread-safe.
class EditLog {
 public:
  static absl::StatusOr<std::unique_ptr<EditLog>> Open(const std::string& dir);
  ~EditLog();

  static std::string ChildKey(uint64_t parent_id, const std::string& name);
  static std::string RootKey() { return "R"; }
  static std::string CountersKey() { return "C"; }

  // Calls `fn(parent_id, name, record)` for every inode, the root with parent 0.
  absl::Status ForEachInode(
      const std::function<void(uint64_t, const std::string&, const InodeRecord&)>& fn);
  // NotFound on a new store.
  absl::StatusOr<CountersRecord> ReadCounters();

  // Queues `batch`; returns its sequence number. Cheap; never does I/O.
  uint64_t Append(leveldb::WriteBatch batch);
  // Returns once every batch up to `seq` is durable. After a failed write every
  // later Sync fails too: the in-memory namespace is ahead of the disk and the
  // namenode must be restarted.
  absl::Status Sync(uint64_t seq);
  // Calls `done` once every batch up to `seq` is durable (OK) or can no longer be
  // made so (the write error). It runs on the log's callback thread, or on this one when
  // `seq` is already decided. It must not block.
  using DoneCallback = absl::AnyInvocable<void(absl::Status) &&>;
  void WhenDurable(uint64_t seq, DoneCallback done);

 private:
  explicit EditLog(std::unique_ptr<leveldb::DB> db);
  void SyncLoop();
  // Runs the callbacks the syncer decided, so the replies they send go out while
  // the next fsync is already under way.
  void CallbackLoop();
  // Writes `batch` (`count` appended batches, sequence numbers up to `last`) and
  // returns the callbacks that it decided.
  std::vector<std::pair<DoneCallback, absl::Status>> WriteAndCollect(leveldb::WriteBatch batch,
                                                                     uint64_t last, size_t count);

  std::unique_ptr<leveldb::DB> db_;
  absl::Mutex mu_;
  std::deque<leveldb::WriteBatch> pending_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t durable_seq_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  // Callbacks waiting for their sequence number, in the order they came (which
  // is not always sequence order).
  std::vector<std::pair<uint64_t, DoneCallback>> waiters_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread syncer_;

  absl::Mutex callbacks_mu_;
  std::vector<std::pair<DoneCallback, absl::Status>> decided_ ABSL_GUARDED_BY(callbacks_mu_);
  bool syncer_done_ ABSL_GUARDED_BY(callbacks_mu_) = false;
  std::thread caller_;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_EDIT_LOG_H_
