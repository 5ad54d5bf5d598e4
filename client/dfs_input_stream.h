// DfsInputStreamImpl: reads a file block by block from the nearest replica,
// verifying every chunk's CRC32C, moving to the next replica on any error.
#ifndef HAYLOFT_CLIENT_DFS_INPUT_STREAM_H_
#define HAYLOFT_CLIENT_DFS_INPUT_STREAM_H_

#include <memory>
#include <set>
#include <string>

#include "client/datanode_channels.h"
#include "client/dfs_client.h"
#include "client/namenode_client.h"
#include "proto/datanode.grpc.pb.h"

namespace hayloft {

// For a file being written (locations->under_construction()), asks the datanodes
// of its last block how many bytes they have acknowledged (their visible length)
// and sets that block's length and the file length from it, as HDFS's
// DFSInputStream does. If none of them answers, the namenode's length stands.
absl::Status ResolveUnderConstructionLength(GetBlockLocationsResponse* locations,
                                            DatanodeChannels* channels, absl::Duration timeout);

// Not thread-safe.
class DfsInputStreamImpl final : public DfsInputStream {
 public:
  DfsInputStreamImpl(NamenodeClient* namenode, DatanodeChannels* channels,
                     const DfsClientOptions* options, std::string path,
                     GetBlockLocationsResponse locations);
  ~DfsInputStreamImpl() override;

  absl::StatusOr<size_t> Read(char* buf, size_t n) override;
  absl::StatusOr<absl::string_view> ReadView(size_t n) override;
  absl::Status Seek(uint64_t offset) override;
  uint64_t length() const override { return locations_.file_length(); }

 private:
  struct BlockReader {
    int block_index = 0;
    std::string address;
    std::unique_ptr<DatanodeService::Stub> stub;
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReader<ReadBlockResponse>> stream;
    bool finished = false;   // Finish() was called: it must not be called twice
    size_t data_pos = 0;     // packet_.data()[data_pos, size) is verified, not yet returned
    uint64_t next_offset_in_file = 0;
  };

  int BlockIndexFor(uint64_t offset) const;
  // Opens a reader at pos_ from the first replica that works.
  absl::Status OpenReader();
  // Refills packet_ from reader_'s stream; false at the end of the block.
  absl::StatusOr<bool> Refill();
  absl::Status RefetchLocations();
  void CloseReader();

  NamenodeClient* const namenode_;
  DatanodeChannels* const channels_;
  const DfsClientOptions* const options_;
  const std::string path_;
  GetBlockLocationsResponse locations_;
  uint64_t pos_ = 0;
  std::unique_ptr<BlockReader> reader_;
  // The last packet received, for every reader in turn: gRPC parses each message
  // into it, so its 1 MiB buffer is allocated (and faulted in) once per stream.
  // Views returned by ReadView point into it, so it outlives CloseReader.
  ReadBlockResponse packet_;
  // Datanodes ("host:port") that failed this stream, skipped until every
  // replica of a block has failed (as HDFS's DFSInputStream.deadNodes).
  std::set<std::string> dead_nodes_;
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_DFS_INPUT_STREAM_H_
