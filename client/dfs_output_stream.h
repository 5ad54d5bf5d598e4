// DfsOutputStreamImpl: writes a file as a sequence of blocks, each through a
// pipeline of datanodes on one WriteBlock stream, in ~1 MiB checksummed packets.
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

  absl::Status Write(absl::string_view data) override;
  absl::Status Close() override;
  uint64_t bytes_written() const override { return bytes_written_; }

 private:
  struct Pipeline {
    LocatedBlock block;
    std::unique_ptr<DatanodeService::Stub> stub;
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReaderWriter<WritePacket, WriteAck>> stream;
    int64_t next_seqno = 0;
    uint64_t bytes_sent = 0;
    std::deque<int64_t> unacked;
  };

  // Sends buffer_ as one packet, opening a block first if needed.
  absl::Status SendPacket(bool last_in_block);
  // Allocates the next block and connects its pipeline, excluding datanodes that
  // failed; retries a few times.
  absl::Status OpenBlock();
  absl::Status ConnectPipeline(const LocatedBlock& block, std::string* failed_uuid);
  absl::Status ReadAck(std::string* failed_uuid);
  // Sends the last packet, waits for every ack, closes the stream.
  absl::Status FinishBlock();
  absl::Status Fail(absl::Status s);

  OutputStreamContext ctx_;
  std::string buffer_;
  std::unique_ptr<Pipeline> pipeline_;
  Block previous_;  // last finished block, with its length
  bool has_previous_ = false;
  uint64_t bytes_written_ = 0;
  bool closed_ = false;
  absl::Status failure_;
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_DFS_OUTPUT_STREAM_H_
