// BlockReceiver: this datanode's part of one WriteBlock pipeline. It takes packets
// from upstream (the client or the previous datanode), verifies their checksums,
// forwards them to the next datanode, writes them to an rbw replica and finalizes
// it on the last packet; a responder thread acks each packet upstream, in seqno
// order, once it is on this node's disk and acked by the downstream node.
//
// Failure handling: a local error (bad checksum, I/O error, protocol violation) is
// acked as node_status[0] = its code with `error` saying what happened, then the
// call fails with that status. If the downstream stream breaks, the ack marks the
// downstream nodes UNAVAILABLE with `error` naming the failed datanode, and the call
// ends with Unavailable; the client decides what to do (pipeline recovery).
//
// A client's write that fails, once its pipeline was set up (the header was acked
// by every node), for any reason but a local error keeps its rbw replica for a
// pipeline or lease recovery, as does any recovery stream. Other writes that do not
// finalize delete their rbw files: a client abandons a block whose pipeline could
// not be set up.
//
// Pipeline recovery: a header with `recovery` set continues an existing replica
// (BlockStore::RecoverReplica), stopping the stream that was writing it here.
//
// Readers of a replica being written see what the whole pipeline has acked: the
// responder publishes that length before it acks a packet upstream.
#ifndef HAYLOFT_DATANODE_BLOCK_RECEIVER_H_
#define HAYLOFT_DATANODE_BLOCK_RECEIVER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "datanode/block_store.h"
#include "datanode/datanode_client.h"
#include "datanode/packet_prefetcher.h"
#include "proto/datanode.pb.h"

namespace hayloft::datanode {

// The upstream end of a WriteBlock call as the receiver sees it. Read() is called
// from one thread while Write() is called from another.
class PacketStream {
 public:
  virtual ~PacketStream() = default;
  // nullopt: the upstream half-closed or went away.
  virtual std::optional<WritePacket> Read() = 0;
  // False: the upstream went away.
  virtual bool Write(const WriteAck& ack) = 0;
  // True once the upstream has cancelled the call or the connection broke, as
  // opposed to half-closing it.
  virtual bool cancelled() const = 0;
  // The call to tie the downstream stream to (see ParentCall); may be null.
  virtual const ParentCall* parent_call() const = 0;
  // Cancels the call: a recovery is taking the replica over. Read() and Write() then
  // fail. May be called from any thread; must not block.
  virtual void Cancel() = 0;
};

struct BlockReceiverOptions {
  std::string self_address;  // "host:port" of this datanode, for messages
};

// Not thread-safe: one per WriteBlock call, Run() once on the RPC's thread. Run()
// owns a responder thread, which it joins before returning.
class BlockReceiver {
 public:
  using FinalizedCallback = std::function<void(const ReplicaInfo&)>;

  // `store` and `datanodes` must outlive the receiver. `on_finalized` runs on the
  // RPC thread right after the replica is finalized, before the last ack; it must
  // not block (it queues the incremental block report).
  BlockReceiver(BlockReceiverOptions options, BlockStore* store, DatanodeClient* datanodes,
                FinalizedCallback on_finalized);
  ~BlockReceiver();
  BlockReceiver(const BlockReceiver&) = delete;
  BlockReceiver& operator=(const BlockReceiver&) = delete;

  // Receives the whole block. OK once the replica is finalized and every packet has
  // been acked upstream by the whole pipeline.
  absl::Status Run(PacketStream* upstream);

 private:
  struct PendingAck {
    int64_t seqno = 0;
    absl::Status status;  // not OK: this node failed on the packet
    bool last = false;
    uint64_t end_offset = 0;  // the replica's length after this packet
    uint32_t end_crc = 0;     // CRC of the chunk holding byte end_offset - 1
  };

  absl::Status Start(const WritePacket& first);
  absl::Status OpenReplica();
  absl::Status ReceivePackets(WritePacket packet);
  absl::Status HandlePacket(WritePacket& packet, int64_t expected_seqno);
  void Forward(WritePacket& packet);
  absl::Status Finish(absl::Status status);

  void Enqueue(PendingAck ack);
  bool HasAckWorkLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RespondLoop();
  void StopResponding(absl::Status why);
  WriteAck BuildAck(const PendingAck& p);
  WriteAck LocalErrorAck(int64_t seqno, const absl::Status& status) const;
  void DownstreamFailed(WriteAck* ack, absl::string_view why) const;
  absl::Status pipeline_error() const;
  std::string BlockName() const;

  const BlockReceiverOptions options_;
  BlockStore* const store_;
  DatanodeClient* const datanodes_;
  const FinalizedCallback on_finalized_;

  // Set by Run() before the responder starts, read-only while it runs.
  // Read: RPC thread, then the prefetcher's thread; Write: responder (or Run before it)
  PacketStream* upstream_ = nullptr;
  WriteBlockHeader header_;
  std::string downstream_address_;  // "" if this is the last node
  // Write/WritesDone on the RPC thread, Read on the responder.
  std::unique_ptr<WriteBlockStream> downstream_;
  std::thread responder_;

  // Set by Start() (RPC thread) before the responder starts; the responder only calls
  // its thread-safe PublishAcked().
  std::unique_ptr<ReplicaWriter> writer_;

  // Packets read ahead of the one being written: receiving the next packet overlaps
  // with the disk write of this one.
  static constexpr int kReadAhead = 2;
  std::unique_ptr<PacketPrefetcher> prefetcher_;  // reads upstream_ once started

  // RPC thread only.
  bool header_forwarded_ = false;
  bool downstream_write_failed_ = false;
  bool local_failure_ = false;  // this node failed on a packet (not the pipeline)

  mutable absl::Mutex mu_;
  std::deque<PendingAck> pending_ ABSL_GUARDED_BY(mu_);
  bool no_more_acks_ ABSL_GUARDED_BY(mu_) = false;
  // Set by the responder when it stops early: the pipeline broke or upstream left.
  absl::Status pipeline_error_ ABSL_GUARDED_BY(mu_);
  // Set by the responder once an ack from every node went upstream.
  bool pipeline_established_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_BLOCK_RECEIVER_H_
