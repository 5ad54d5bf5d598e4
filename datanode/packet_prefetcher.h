// PacketPrefetcher: reads a WriteBlock stream's next packets on its own thread, so
// that receiving and parsing one packet (socket copy, protobuf copy) overlaps with
// writing the one before to disk. Both halves cost about the same CPU per byte;
// on one thread a datanode took their sum for every packet (bench/README.md).
//
// It stops reading after a packet marked last, or when the stream ends. Reading
// ahead never changes what is acknowledged: the receiver still handles (verifies,
// forwards, writes, acks) packets one by one in order.
#ifndef HAYLOFT_DATANODE_PACKET_PREFETCHER_H_
#define HAYLOFT_DATANODE_PACKET_PREFETCHER_H_

#include <deque>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "proto/datanode.pb.h"

namespace hayloft::datanode {

class PacketStream;

// Thread-safe between one consumer (Next) and its own reader thread.
class PacketPrefetcher {
 public:
  // Reads from `upstream` (which must outlive this) at most `depth` packets ahead
  // of the consumer. The reader is the stream's only reader from now on.
  PacketPrefetcher(PacketStream* upstream, int depth);
  // Joins the reader. If it is blocked in PacketStream::Read, that returns when the
  // upstream sends, half-closes, cancels or breaks, as after any receiver error:
  // the upstream answers the error ack by closing the stream.
  ~PacketPrefetcher();
  PacketPrefetcher(const PacketPrefetcher&) = delete;
  PacketPrefetcher& operator=(const PacketPrefetcher&) = delete;

  // The next packet; nullopt once the upstream half-closed or went away (or after
  // the last packet).
  std::optional<WritePacket> Next();

 private:
  void ReadLoop();

  PacketStream* const upstream_;
  const size_t depth_;
  absl::Mutex mu_;
  std::deque<std::optional<WritePacket>> ready_ ABSL_GUARDED_BY(mu_);
  bool consumer_gone_ ABSL_GUARDED_BY(mu_) = false;
  bool reader_done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread reader_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_PACKET_PREFETCHER_H_
