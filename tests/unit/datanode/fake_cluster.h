// In-memory WriteBlock pipelines for datanode unit tests (no sockets): each
// "datanode" is a BlockStore in a temp dir, and streams between them are pipes.
#ifndef HAYLOFT_TESTS_UNIT_DATANODE_FAKE_CLUSTER_H_
#define HAYLOFT_TESTS_UNIT_DATANODE_FAKE_CLUSTER_H_

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "datanode/block_receiver.h"
#include "datanode/block_store.h"

namespace hayloft::datanode::fake {

// One WriteBlock call in memory: the client end is a WriteBlockStream, the server
// end a PacketStream. Thread-safe.
class Pipe {
 public:
  class ClientEnd;
  class ServerEnd;

  void FinishServer(absl::Status s) {
    absl::MutexLock lock(&mu_);
    server_status_ = std::move(s);
    server_done_ = true;
  }

 private:
  absl::Mutex mu_;
  std::deque<WritePacket> packets_ ABSL_GUARDED_BY(mu_);
  bool writes_done_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<WriteAck> acks_ ABSL_GUARDED_BY(mu_);
  bool server_done_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status server_status_ ABSL_GUARDED_BY(mu_);
};

class Pipe::ServerEnd final : public PacketStream {
 public:
  explicit ServerEnd(Pipe* p) : p_(p) {}
  std::optional<WritePacket> Read() override {
    absl::MutexLock lock(&p_->mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(p_->mu_) {
      return !p_->packets_.empty() || p_->writes_done_ || p_->cancelled_;
    };
    p_->mu_.Await(absl::Condition(&ready));
    if (p_->cancelled_ || p_->packets_.empty()) return std::nullopt;
    WritePacket packet = std::move(p_->packets_.front());
    p_->packets_.pop_front();
    return packet;
  }
  bool Write(const WriteAck& ack) override {
    absl::MutexLock lock(&p_->mu_);
    if (p_->cancelled_) return false;
    p_->acks_.push_back(ack);
    return true;
  }
  bool cancelled() const override {
    absl::MutexLock lock(&p_->mu_);
    return p_->cancelled_;
  }
  const ParentCall* parent_call() const override { return nullptr; }
  void Cancel() override {
    absl::MutexLock lock(&p_->mu_);
    p_->cancelled_ = true;
  }

 private:
  Pipe* const p_;
};

class Pipe::ClientEnd final : public WriteBlockStream {
 public:
  // Keeps the pipe (and the thread serving it) alive as long as the client end.
  ClientEnd(std::shared_ptr<Pipe> p, std::thread server)
      : p_(std::move(p)), server_(std::move(server)) {}
  ~ClientEnd() override {
    Cancel();
    server_.join();
  }
  bool Write(const WritePacket& packet) override {
    absl::MutexLock lock(&p_->mu_);
    if (p_->cancelled_ || p_->server_done_) return false;
    p_->packets_.push_back(packet);
    return true;
  }
  bool WritesDone() override {
    absl::MutexLock lock(&p_->mu_);
    p_->writes_done_ = true;
    return true;
  }
  std::optional<WriteAck> Read() override {
    absl::MutexLock lock(&p_->mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(p_->mu_) {
      return !p_->acks_.empty() || p_->server_done_ || p_->cancelled_;
    };
    p_->mu_.Await(absl::Condition(&ready));
    if (p_->acks_.empty()) return std::nullopt;
    WriteAck ack = std::move(p_->acks_.front());
    p_->acks_.pop_front();
    return ack;
  }
  absl::Status Finish() override {
    absl::MutexLock lock(&p_->mu_);
    auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(p_->mu_) { return p_->server_done_; };
    p_->mu_.Await(absl::Condition(&done));
    return p_->cancelled_ ? absl::CancelledError("cancelled") : p_->server_status_;
  }
  void Cancel() override {
    absl::MutexLock lock(&p_->mu_);
    p_->cancelled_ = true;
  }

 private:
  std::shared_ptr<Pipe> p_;
  std::thread server_;
};

// A set of in-process datanodes, addressed by rpc_port (1, 2, 3, ...).
class FakeCluster final : public DatanodeClient {
 public:
  explicit FakeCluster(const std::string& root, int n) {
    for (int i = 1; i <= n; ++i) {
      absl::StatusOr<std::unique_ptr<BlockStore>> s =
          BlockStore::Open({{absl::StrCat(root, "/dn", i)}});
      ExpectOpened(s);
      stores_[i] = std::move(*s);
    }
  }

  std::unique_ptr<WriteBlockStream> OpenWriteBlock(const DatanodeId& target,
                                                   const WriteBlockStreamOptions&) override {
    auto pipe = std::make_shared<Pipe>();
    int port = target.rpc_port();
    std::thread server([this, pipe, port] {
      Pipe::ServerEnd end(pipe.get());
      if (dead_.contains(port) || !stores_.contains(port)) {
        pipe->FinishServer(absl::UnavailableError("connection refused"));
        return;
      }
      BlockReceiver receiver({absl::StrCat("dn:", port)}, stores_[port].get(), this,
                             [this, port](const ReplicaInfo& r) {
                               absl::MutexLock lock(&mu_);
                               finalized_.push_back({port, r.block_id});
                             });
      pipe->FinishServer(receiver.Run(&end));
    });
    return std::make_unique<Pipe::ClientEnd>(pipe, std::move(server));
  }

  BlockStore* store(int i) { return stores_[i].get(); }
  void Kill(int i) { dead_.insert(i); }
  size_t num_finalized() {
    absl::MutexLock lock(&mu_);
    return finalized_.size();
  }

 private:
  static void ExpectOpened(const absl::StatusOr<std::unique_ptr<BlockStore>>& s) {
    ASSERT_TRUE(s.ok()) << s.status();
  }

  std::map<int, std::unique_ptr<BlockStore>> stores_;
  absl::flat_hash_set<int> dead_;
  absl::Mutex mu_;
  std::vector<std::pair<int, uint64_t>> finalized_ ABSL_GUARDED_BY(mu_);
};

inline DatanodeId Node(int i) {
  DatanodeId id;
  id.set_host("dn");
  id.set_rpc_port(i);
  return id;
}

}  // namespace hayloft::datanode::fake

#endif  // HAYLOFT_TESTS_UNIT_DATANODE_FAKE_CLUSTER_H_
