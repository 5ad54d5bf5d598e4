// DfsOutputStreamImpl: writes a file as a sequence of blocks, each through a
// pipeline of datanodes on one WriteBlock stream, in ~1 MiB checksummed packets.
// Packets stay queued until every datanode acknowledged them; when a datanode
// fails mid-block, the block continues on the survivors under a new generation
// stamp and the unacknowledged packets are sent again (pipeline recovery).
#ifndef HAYLOFT_CLIENT_DFS_OUTPUT_STREAM_H_
#define HAYLOFT_CLIENT_DFS_OUTPUT_STREAM_H_

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "client/datanode_channels.h"
#include "client/dfs_client.h"
#include "client/namenode_client.h"
#include "proto/datanode.grpc.pb.h"

namespace hayloft {

struct OutputStreamContext {
  NamenodeClient* namenode;
  DatanodeChannels* channels;
  const DfsClientOptions* options;
  std::string client_name;
  std::string path;
  uint64_t block_size;
};

// Not thread-safe.
class DfsOutputStreamImpl final : public DfsOutputStream {
 public:
  explicit DfsOutputStreamImpl(OutputStreamContext ctx);
  ~DfsOutputStreamImpl() override;

  // Append: continues `last`, the file's partly filled last block, on its
  // replicas under a new generation stamp (dropping replicas that do not answer).
  absl::Status ContinueBlock(const LocatedBlock& last);

  absl::Status Write(absl::string_view data) override;
  absl::Status Hflush() override;
  absl::Status Close() override;
  uint64_t bytes_written() const override { return bytes_written_; }

 private:
  struct Pipeline {
    Block block;                           // current generation stamp
    std::vector<DatanodeInfo> nodes;       // in pipeline order
    std::unique_ptr<DatanodeService::Stub> stub;
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReaderWriter<WritePacket, WriteAck>> stream;
    int64_t next_seqno = 0;
    uint64_t bytes_sent = 0;               // queued for this block
    std::deque<WritePacket> unacked;       // sent, not yet acknowledged by all
  };

  // Sends buffer_ as one packet, opening a block first if needed.
  absl::Status SendPacket(bool last_in_block);
  // Queues and sends one packet of the current block; recovers the pipeline if
  // the send fails.
  absl::Status SendOnPipeline(WritePacket pkt);
  // Reads one ack; recovers the pipeline if it reports a failure.
  absl::Status ReceiveAck();
  // Allocates the next block and connects its pipeline, excluding datanodes that
  // failed; retries a few times.
  absl::Status OpenBlock();
  // Opens a stream to `nodes` and waits for the header's ack. `failed_uuid` names
  // the datanode to blame on failure.
  absl::Status Connect(const Block& block, const std::vector<DatanodeInfo>& nodes, bool recovery,
                       uint64_t recovery_offset, std::string* failed_uuid);
  absl::Status ReadAck(std::string* failed_uuid);
  // Drops the failed datanode, moves the block to a new generation stamp on the
  // survivors and resends every unacknowledged packet.
  absl::Status RecoverPipeline(std::string failed_uuid, const absl::Status& cause);
  // Sends the last packet, waits for every ack, closes the stream.
  absl::Status FinishBlock();
  absl::Status Fail(absl::Status s);
  void CloseStream();

  OutputStreamContext ctx_;
  std::string buffer_;
  std::string spare_buffer_;  // the data of the last acknowledged packet, for reuse
  std::unique_ptr<Pipeline> pipeline_;
  Block previous_;  // last finished block, with its length
  bool has_previous_ = false;
  uint64_t bytes_written_ = 0;
  bool closed_ = false;
  absl::Status failure_;
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_DFS_OUTPUT_STREAM_H_
