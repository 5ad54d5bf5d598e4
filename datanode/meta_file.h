// The .meta file that holds a replica's checksums, in HDFS's format:
//
//   2-byte big-endian version (1), 1-byte checksum type (2 = CRC32C), 4-byte
//   big-endian bytesPerChecksum (512): a 7-byte header; then one 4-byte big-endian
//   CRC32C per bytesPerChecksum chunk of the block file (the last chunk may be
//   shorter).
//
// Stateless helpers over file descriptors and paths; thread-safe.
#ifndef HAYLOFT_DATANODE_META_FILE_H_
#define HAYLOFT_DATANODE_META_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace hayloft::datanode {

inline constexpr uint32_t kDefaultBytesPerChecksum = 512;
inline constexpr size_t kMetaHeaderBytes = 7;
inline constexpr uint16_t kMetaVersion = 1;
inline constexpr uint8_t kChecksumTypeCrc32c = 2;

inline uint64_t NumChunks(uint64_t num_bytes, uint32_t bpc) { return (num_bytes + bpc - 1) / bpc; }
// Size of the meta file of a replica of `num_bytes` bytes.
inline int64_t MetaFileBytes(uint64_t num_bytes, uint32_t bpc) {
  return static_cast<int64_t>(kMetaHeaderBytes + 4 * NumChunks(num_bytes, bpc));
}

std::string MetaHeader(uint32_t bytes_per_checksum);
std::string EncodeChecksums(absl::Span<const uint32_t> sums);

// Returns bytesPerChecksum from the header of the meta file open as `fd`. DataLoss
// "checksum error in blk_<id> at offset 0: bad header in <path>" if it is not one.
absl::StatusOr<uint32_t> ReadMetaHeader(uint64_t block_id, int fd, const std::string& path);

// The stored CRCs of chunks [first_chunk, first_chunk + n); fewer if the file ends
// sooner.
absl::StatusOr<std::vector<uint32_t>> ReadChecksums(int meta_fd, uint64_t first_chunk, size_t n,
                                                    const std::string& path);

// The part of a replica's files (left by a crash or kill) that can be trusted.
struct ValidReplicaLength {
  uint32_t bytes_per_checksum = 0;
  uint64_t num_bytes = 0;       // bytes that have a checksum, the last chunk verified
  uint32_t last_chunk_crc = 0;  // CRC of the chunk holding byte num_bytes - 1
};
// Takes the bytes covered by both files, then drops the last chunk if it does not
// match its checksum (a write cut short between data and checksum).
absl::StatusOr<ValidReplicaLength> FindValidLength(uint64_t block_id, const std::string& block_path,
                                                   const std::string& meta_path);

// Cuts a replica of `current_length` bytes to `new_length` (<= current_length): the
// block file, and the meta file to the chunks that remain. If the cut falls inside a
// chunk, that chunk's data is first verified against its stored CRC (DataLoss if it
// does not match), then its CRC is recomputed for the bytes kept. fsyncs both files.
// Returns the CRC of the chunk holding byte new_length - 1 (0 if new_length is 0).
absl::StatusOr<uint32_t> TruncateReplicaFiles(uint64_t block_id, const std::string& block_path,
                                              const std::string& meta_path, uint32_t bpc,
                                              uint64_t current_length, uint64_t new_length);

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_META_FILE_H_
