#include "datanode/replica_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "datanode/block_store.h"
#include "datanode/meta_file.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {

ReplicaReader::ReplicaReader(Params p)
    : store_(p.store),
      volume_(p.volume),
      block_id_(p.block_id),
      gs_(p.gs),
      num_bytes_(p.num_bytes),
      bpc_(p.bpc),
      finalized_(p.finalized),
      tail_crc_(p.tail_crc),
      block_path_(std::move(p.block_path)),
      block_fd_(p.block_fd),
      meta_fd_(p.meta_fd) {}

ReplicaReader::~ReplicaReader() {
  posix::Close(block_fd_);
  posix::Close(meta_fd_);
}

absl::StatusOr<ChunkedData> ReplicaReader::Read(uint64_t offset, size_t max_bytes,
                                                ChunkedData reuse) {
  absl::StatusOr<ChunkedData> out = ReadChunks(offset, max_bytes, std::move(reuse));
  if (!out.ok() && store_ != nullptr) store_->HandleIoError(volume_, out.status());
  return out;
}

absl::StatusOr<ChunkedData> ReplicaReader::ReadChunks(uint64_t offset, size_t max_bytes,
                                                      ChunkedData out) {
  if (offset % bpc_ != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("read of blk_", block_id_, " at offset ", offset, " is not chunk-aligned"));
  }
  out.offset = offset;
  out.checksums.clear();
  if (offset >= num_bytes_) {
    out.data.clear();
    return out;
  }
  uint64_t want = std::max<uint64_t>(NumChunks(max_bytes, bpc_), 1) * bpc_;
  size_t n = static_cast<size_t>(std::min<uint64_t>(want, num_bytes_ - offset));
  // Only growth is zero-filled: a reused buffer of the same size is not touched
  // before pread overwrites it (the fill cost about 10% of a datanode's read CPU).
  out.data.resize(n);
  HL_ASSIGN_OR_RETURN(size_t got,
                      posix::PreadAll(block_fd_, out.data.data(), n, offset, block_path_));
  if (got != n) {
    return absl::DataLossError(
        absl::StrCat("checksum error in blk_", block_id_, " at offset ", offset + got, ": ",
                     block_path_, " is shorter than the replica's ", num_bytes_, " bytes"));
  }
  size_t chunks = NumChunks(n, bpc_);
  HL_ASSIGN_OR_RETURN(out.checksums,
                      ReadChecksums(meta_fd_, offset / bpc_, chunks, block_path_ + " meta"));
  if (out.checksums.size() != chunks) {
    return absl::DataLossError(absl::StrCat("checksum error in blk_", block_id_, " at offset ",
                                            offset, ": its meta file is truncated"));
  }
  // The stored CRC of a replica's last chunk while it is being written may already
  // cover bytes past what is visible; the published one matches the visible bytes.
  if (tail_crc_ && offset + n == num_bytes_) out.checksums.back() = *tail_crc_;
  HL_RETURN_IF_ERROR(VerifyChunks(block_id_, offset, out.data, out.checksums, bpc_));
  return out;
}

absl::StatusOr<std::vector<uint32_t>> ReplicaReader::AllChecksums() {
  size_t chunks = NumChunks(num_bytes_, bpc_);
  HL_ASSIGN_OR_RETURN(std::vector<uint32_t> sums,
                      ReadChecksums(meta_fd_, 0, chunks, block_path_ + " meta"));
  if (sums.size() != chunks) {
    return absl::DataLossError(absl::StrCat("checksum error in blk_", block_id_,
                                            ": its meta file holds ", sums.size(), " of ",
                                            chunks, " checksums"));
  }
  if (tail_crc_ && !sums.empty()) sums.back() = *tail_crc_;
  return sums;
}

}  // namespace hayloft::datanode
