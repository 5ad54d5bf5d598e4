// ReplicaReader: reads one replica, verifying every chunk against its checksums.
#ifndef HAYLOFT_DATANODE_REPLICA_READER_H_
#define HAYLOFT_DATANODE_REPLICA_READER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hayloft::datanode {

class BlockStore;

// A chunk-aligned run of a replica's bytes with one CRC32C per chunk.
struct ChunkedData {
  uint64_t offset = 0;  // a multiple of bytes_per_checksum
  std::string data;
  std::vector<uint32_t> checksums;
};

// Not thread-safe; one per read. Reads a finalized replica, or the acknowledged
// part of one being written (whose last, partial chunk is checked against the CRC
// published with that length: the one on disk may already cover more bytes).
class ReplicaReader {
 public:
  ReplicaReader(const ReplicaReader&) = delete;
  ReplicaReader& operator=(const ReplicaReader&) = delete;
  ~ReplicaReader();

  uint64_t block_id() const { return block_id_; }
  uint64_t generation_stamp() const { return gs_; }
  // The bytes this reader serves (for a replica being written: the visible ones).
  uint64_t num_bytes() const { return num_bytes_; }
  uint32_t bytes_per_checksum() const { return bpc_; }
  bool finalized() const { return finalized_; }
  int volume() const { return volume_; }

  // Reads whole chunks starting at `offset` (a multiple of bytes_per_checksum()),
  // about `max_bytes` (rounded up to a chunk) but not past num_bytes(). Every chunk
  // is verified; DataLoss names the block and offset of a bad one. The result is
  // built in `reuse`'s buffers: a caller that passes back the previous result
  // reads without allocating or zero-filling a new buffer per call.
  absl::StatusOr<ChunkedData> Read(uint64_t offset, size_t max_bytes, ChunkedData reuse = {});
  // The stored CRC of every chunk of num_bytes(), from the meta file alone (the
  // data is not read): what HDFS's block checksum is computed from. DataLoss if the
  // meta file is short.
  absl::StatusOr<std::vector<uint32_t>> AllChecksums();

 private:
  friend class BlockStore;
  struct Params {
    BlockStore* store = nullptr;
    int volume = 0;
    uint64_t block_id = 0;
    uint64_t gs = 0;
    uint64_t num_bytes = 0;
    uint32_t bpc = 0;
    bool finalized = true;
    std::optional<uint32_t> tail_crc;  // rbw ending inside a chunk: that chunk's CRC
    std::string block_path;
    int block_fd = -1;
    int meta_fd = -1;
  };
  explicit ReplicaReader(Params p);
  absl::StatusOr<ChunkedData> ReadChunks(uint64_t offset, size_t max_bytes, ChunkedData out);

  BlockStore* const store_;
  const int volume_;
  const uint64_t block_id_;
  const uint64_t gs_;
  const uint64_t num_bytes_;
  const uint32_t bpc_;
  const bool finalized_;
  const std::optional<uint32_t> tail_crc_;
  const std::string block_path_;
  int block_fd_;
  int meta_fd_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_REPLICA_READER_H_
