// Reading a WriteBlock stream ahead of the receiver: order, the bound on how far
// ahead, and where reading stops.
#include "datanode/packet_prefetcher.h"

#include <deque>
#include <optional>

#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "datanode/block_receiver.h"

namespace hayloft::datanode {
namespace {

// An upstream whose packets the test supplies; Read blocks until one is there or
// the stream is closed. It checks that the reader never runs more than `depth`
// packets ahead of what the consumer took.
class ScriptedStream final : public PacketStream {
 public:
  explicit ScriptedStream(int depth) : depth_(depth) {}

  void Send(int64_t seqno, bool last = false) {
    WritePacket p;
    p.set_seqno(seqno);
    p.set_last(last);
    p.set_data("x");
    absl::MutexLock lock(&mu_);
    packets_.push_back(std::move(p));
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  void Consumed() {
    absl::MutexLock lock(&mu_);
    ++consumed_;
  }
  int reads() {
    absl::MutexLock lock(&mu_);
    return reads_;
  }

  std::optional<WritePacket> Read() override {
    absl::MutexLock lock(&mu_);
    // Before this read: at most depth - 1 queued plus the one the consumer holds
    // (it calls Consumed() just after Next()).
    EXPECT_LE(reads_ - consumed_, depth_) << "read more than " << depth_ << " packets ahead";
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !packets_.empty() || closed_;
    };
    mu_.Await(absl::Condition(&ready));
    if (packets_.empty()) return std::nullopt;
    ++reads_;
    WritePacket p = std::move(packets_.front());
    packets_.pop_front();
    return p;
  }
  bool Write(const WriteAck&) override { return true; }
  bool cancelled() const override { return false; }
  const ParentCall* parent_call() const override { return nullptr; }
  void Cancel() override { Close(); }

 private:
  const int depth_;
  absl::Mutex mu_;
  std::deque<WritePacket> packets_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  int reads_ ABSL_GUARDED_BY(mu_) = 0;
  int consumed_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST(PacketPrefetcherTest, HandsOverPacketsInOrderAndStopsAfterTheLast) {
  ScriptedStream stream(/*depth=*/2);
  for (int i = 1; i <= 5; ++i) stream.Send(i, /*last=*/i == 5);
  stream.Send(6);  // after the last packet: must not be read
  PacketPrefetcher prefetcher(&stream, 2);
  for (int i = 1; i <= 5; ++i) {
    std::optional<WritePacket> p = prefetcher.Next();
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->seqno(), i);
    stream.Consumed();
  }
  EXPECT_FALSE(prefetcher.Next().has_value());
  EXPECT_EQ(stream.reads(), 5);
}

TEST(PacketPrefetcherTest, AClosedStreamEndsWithNullopt) {
  ScriptedStream stream(/*depth=*/3);
  stream.Send(1);
  stream.Close();
  PacketPrefetcher prefetcher(&stream, 3);
  ASSERT_TRUE(prefetcher.Next().has_value());
  stream.Consumed();
  EXPECT_FALSE(prefetcher.Next().has_value());
  EXPECT_FALSE(prefetcher.Next().has_value());  // stays ended
}

// A receiver that fails stops taking packets; the prefetcher is joined once the
// upstream closes the stream (as a client does on an error ack).
TEST(PacketPrefetcherTest, ConsumerStoppingEarlyIsJoinedWhenTheStreamCloses) {
  ScriptedStream stream(/*depth=*/1);
  for (int i = 1; i <= 10; ++i) stream.Send(i);
  {
    PacketPrefetcher prefetcher(&stream, 1);
    ASSERT_TRUE(prefetcher.Next().has_value());
    stream.Consumed();
    stream.Close();
  }
  EXPECT_LE(stream.reads(), 3);
}

}  // namespace
}  // namespace hayloft::datanode
