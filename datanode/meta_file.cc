#include "datanode/meta_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/base/crc32c.h"
#include "common/base/status_macros.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {
namespace {

void PutBigEndian32(uint32_t v, char* out) {
  out[0] = static_cast<char>(v >> 24);
  out[1] = static_cast<char>(v >> 16);
  out[2] = static_cast<char>(v >> 8);
  out[3] = static_cast<char>(v);
}

uint32_t GetBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

absl::Status ChecksumError(uint64_t block_id, uint64_t offset, absl::string_view why) {
  return absl::DataLossError(
      absl::StrCat("checksum error in blk_", block_id, " at offset ", offset, why));
}

// Reads the chunk that starts at `start` (at most `len` bytes of it) and its stored
// CRC, and checks that they match.
absl::StatusOr<std::string> ReadVerifiedChunk(uint64_t block_id, int block_fd, int meta_fd,
                                              uint32_t bpc, uint64_t start, size_t len,
                                              const std::string& block_path,
                                              const std::string& meta_path) {
  std::string data(len, '\0');
  HL_ASSIGN_OR_RETURN(size_t got, posix::PreadAll(block_fd, data.data(), len, start, block_path));
  if (got != len) return ChecksumError(block_id, start + got, ": the block file is short");
  HL_ASSIGN_OR_RETURN(std::vector<uint32_t> sums,
                      ReadChecksums(meta_fd, start / bpc, 1, meta_path));
  if (sums.empty()) return ChecksumError(block_id, start, ": its meta file is truncated");
  if (crc32c::Value(data) != sums[0]) return ChecksumError(block_id, start, "");
  return data;
}

}  // namespace

std::string MetaHeader(uint32_t bpc) {
  std::string h(kMetaHeaderBytes, '\0');
  h[0] = static_cast<char>(kMetaVersion >> 8);
  h[1] = static_cast<char>(kMetaVersion & 0xff);
  h[2] = static_cast<char>(kChecksumTypeCrc32c);
  PutBigEndian32(bpc, &h[3]);
  return h;
}

std::string EncodeChecksums(absl::Span<const uint32_t> sums) {
  std::string out(4 * sums.size(), '\0');
  for (size_t i = 0; i < sums.size(); ++i) PutBigEndian32(sums[i], &out[4 * i]);
  return out;
}

absl::StatusOr<uint32_t> ReadMetaHeader(uint64_t block_id, int fd, const std::string& path) {
  char h[kMetaHeaderBytes];
  HL_ASSIGN_OR_RETURN(size_t got, posix::PreadAll(fd, h, sizeof(h), 0, path));
  const auto* u = reinterpret_cast<const unsigned char*>(h);
  uint32_t bpc = got == sizeof(h) ? GetBigEndian32(&h[3]) : 0;
  if (got != sizeof(h) || ((u[0] << 8) | u[1]) != kMetaVersion || u[2] != kChecksumTypeCrc32c ||
      bpc == 0) {
    return ChecksumError(block_id, 0, absl::StrCat(": bad header in ", path));
  }
  return bpc;
}

absl::StatusOr<std::vector<uint32_t>> ReadChecksums(int meta_fd, uint64_t first_chunk, size_t n,
                                                    const std::string& path) {
  std::string raw(4 * n, '\0');
  HL_ASSIGN_OR_RETURN(size_t got, posix::PreadAll(meta_fd, raw.data(), raw.size(),
                                                  kMetaHeaderBytes + 4 * first_chunk, path));
  std::vector<uint32_t> sums(got / 4);
  for (size_t i = 0; i < sums.size(); ++i) sums[i] = GetBigEndian32(&raw[4 * i]);
  return sums;
}

absl::StatusOr<ValidReplicaLength> FindValidLength(uint64_t block_id, const std::string& block_path,
                                                   const std::string& meta_path) {
  HL_ASSIGN_OR_RETURN(int block_fd, posix::Open(block_path, O_RDONLY));
  absl::Cleanup close_block = [block_fd] { posix::Close(block_fd); };
  HL_ASSIGN_OR_RETURN(int meta_fd, posix::Open(meta_path, O_RDONLY));
  absl::Cleanup close_meta = [meta_fd] { posix::Close(meta_fd); };
  ValidReplicaLength out;
  HL_ASSIGN_OR_RETURN(out.bytes_per_checksum, ReadMetaHeader(block_id, meta_fd, meta_path));
  const uint32_t bpc = out.bytes_per_checksum;
  int64_t block_size = posix::FileSize(block_path);
  int64_t meta_size = posix::FileSize(meta_path);
  if (block_size <= 0 || meta_size < static_cast<int64_t>(kMetaHeaderBytes + 4)) return out;
  uint64_t covered = (static_cast<uint64_t>(meta_size) - kMetaHeaderBytes) / 4 * bpc;
  uint64_t len = std::min<uint64_t>(static_cast<uint64_t>(block_size), covered);
  // Only the last chunk can be half-written: its data may have grown past the CRC
  // stored for it. Keep the longest prefix of it that matches that CRC.
  const uint64_t start = (len - 1) / bpc * bpc;
  std::string data(len - start, '\0');
  HL_ASSIGN_OR_RETURN(size_t got,
                      posix::PreadAll(block_fd, data.data(), data.size(), start, block_path));
  HL_ASSIGN_OR_RETURN(std::vector<uint32_t> stored,
                      ReadChecksums(meta_fd, start / bpc, 1, meta_path));
  out.num_bytes = start;
  uint32_t crc = 0;
  for (size_t i = 0; i < got && !stored.empty(); ++i) {
    crc = crc32c::Extend(crc, &data[i], 1);
    if (crc == stored[0]) {
      out.num_bytes = start + i + 1;
      out.last_chunk_crc = crc;
    }
  }
  if (out.num_bytes == start && start > 0) {
    HL_ASSIGN_OR_RETURN(stored, ReadChecksums(meta_fd, start / bpc - 1, 1, meta_path));
    if (!stored.empty()) out.last_chunk_crc = stored[0];
  }
  return out;
}

absl::StatusOr<uint32_t> TruncateReplicaFiles(uint64_t block_id, const std::string& block_path,
                                              const std::string& meta_path, uint32_t bpc,
                                              uint64_t current_length, uint64_t new_length) {
  HL_ASSIGN_OR_RETURN(int block_fd, posix::Open(block_path, O_RDWR));
  absl::Cleanup close_block = [block_fd] { posix::Close(block_fd); };
  HL_ASSIGN_OR_RETURN(int meta_fd, posix::Open(meta_path, O_RDWR));
  absl::Cleanup close_meta = [meta_fd] { posix::Close(meta_fd); };
  uint32_t crc = 0;
  if (new_length > 0) {
    const uint64_t start = (new_length - 1) / bpc * bpc;
    const uint64_t on_disk_end = std::min<uint64_t>(start + bpc, current_length);
    HL_ASSIGN_OR_RETURN(std::string chunk,
                        ReadVerifiedChunk(block_id, block_fd, meta_fd, bpc, start,
                                          on_disk_end - start, block_path, meta_path));
    crc = crc32c::Value(chunk.data(), new_length - start);
    if (new_length < on_disk_end) {
      HL_RETURN_IF_ERROR(posix::PwriteAll(meta_fd, EncodeChecksums({crc}),
                                          kMetaHeaderBytes + 4 * (start / bpc), meta_path));
    }
  }
  HL_RETURN_IF_ERROR(posix::Truncate(block_fd, new_length, block_path));
  HL_RETURN_IF_ERROR(posix::Truncate(meta_fd, MetaFileBytes(new_length, bpc), meta_path));
  HL_RETURN_IF_ERROR(posix::Fsync(block_fd, block_path));
  HL_RETURN_IF_ERROR(posix::Fsync(meta_fd, meta_path));
  return crc;
}

}  // namespace hayloft::datanode
