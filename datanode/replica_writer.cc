#include "datanode/replica_writer.h"

#include <unistd.h>

#include <utility>
#include <vector>

#include "common/base/crc32c.h"
#include "common/base/status_macros.h"
#include "datanode/block_store.h"
#include "datanode/meta_file.h"
#include "datanode/posix_io.h"

namespace hayloft::datanode {

// ---------------------------------------------------------------------------
// WriterStopSignal

void WriterStopSignal::SetHook(std::function<void()> hook) {
  absl::MutexLock lock(&mu_);
  hook_ = std::move(hook);
  if (stopped_ && hook_) hook_();
}

void WriterStopSignal::ClearHook() {
  absl::MutexLock lock(&mu_);
  hook_ = nullptr;
}

void WriterStopSignal::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  if (hook_) hook_();
}

bool WriterStopSignal::stopped() const {
  absl::MutexLock lock(&mu_);
  return stopped_;
}

// ---------------------------------------------------------------------------
// ReplicaWriter

ReplicaWriter::ReplicaWriter(BlockStore* store, int volume, uint64_t block_id, uint64_t gs,
                             uint32_t bpc, Files files, uint64_t num_bytes, uint32_t last_chunk_crc,
                             std::shared_ptr<WriterStopSignal> stop)
    : store_(store),
      volume_(volume),
      block_id_(block_id),
      gs_(gs),
      bpc_(bpc),
      files_(std::move(files)),
      stop_(std::move(stop)),
      num_bytes_(num_bytes),
      last_chunk_crc_(last_chunk_crc) {}

ReplicaWriter::~ReplicaWriter() { Abort(); }

absl::Status ReplicaWriter::CheckIo(absl::Status s) {
  if (!s.ok()) store_->HandleIoError(volume_, s);
  return s;
}

absl::Status ReplicaWriter::Append(absl::string_view data, absl::Span<const uint32_t> checksums) {
  if (done_) return absl::FailedPreconditionError("replica writer already closed");
  if (data.empty()) return absl::OkStatus();
  HL_RETURN_IF_ERROR(
      CheckIo(posix::PwriteAll(files_.block_fd, data, num_bytes_, files_.block_path)));
  int64_t meta_before = MetaFileBytes(num_bytes_, bpc_);
  HL_RETURN_IF_ERROR(CheckIo(AppendChecksums(data, checksums)));
  num_bytes_ += data.size();
  int64_t added = static_cast<int64_t>(data.size()) + MetaFileBytes(num_bytes_, bpc_) - meta_before;
  store_->AddWrittenBytes(block_id_, stop_.get(), num_bytes_, added);
  return absl::OkStatus();
}

absl::Status ReplicaWriter::AppendChecksums(absl::string_view data,
                                            absl::Span<const uint32_t> checksums) {
  uint64_t partial = num_bytes_ % bpc_;
  uint64_t first_chunk = num_bytes_ / bpc_;
  std::vector<uint32_t> sums;
  if (partial == 0) {
    sums.assign(checksums.begin(), checksums.end());
  } else {
    // The replica ends inside a chunk (an earlier packet was hflushed mid-chunk):
    // the packet's chunks are not aligned with the block's, so extend the partial
    // chunk's CRC and recompute the rest.
    size_t fill = std::min<size_t>(bpc_ - partial, data.size());
    sums.push_back(crc32c::Extend(last_chunk_crc_, data.data(), fill));
    crc32c::ChunkSums(data.substr(fill), bpc_, &sums);
  }
  if (sums.empty()) return absl::OkStatus();
  HL_RETURN_IF_ERROR(posix::PwriteAll(files_.meta_fd, EncodeChecksums(sums),
                                      kMetaHeaderBytes + 4 * first_chunk, files_.meta_path));
  last_chunk_crc_ = sums.back();
  return absl::OkStatus();
}

absl::Status ReplicaWriter::Sync() {
  if (done_) return absl::FailedPreconditionError("replica writer already closed");
  HL_RETURN_IF_ERROR(CheckIo(posix::Fsync(files_.block_fd, files_.block_path)));
  return CheckIo(posix::Fsync(files_.meta_fd, files_.meta_path));
}

absl::StatusOr<ReplicaInfo> ReplicaWriter::Finalize() {
  HL_RETURN_IF_ERROR(Sync());
  CloseFiles();
  absl::Status s = store_->PublishFinalized(block_id_, stop_.get(), gs_, num_bytes_, volume_,
                                            files_.block_path, files_.meta_path);
  if (!s.ok()) {
    Abort();
    return s;
  }
  done_ = true;
  finalized_ = true;
  return ReplicaInfo{block_id_, gs_, num_bytes_, /*finalized=*/true, num_bytes_, volume_};
}

void ReplicaWriter::CloseFiles() {
  posix::Close(files_.block_fd);
  posix::Close(files_.meta_fd);
  files_.block_fd = files_.meta_fd = -1;
}

void ReplicaWriter::Abort() {
  if (done_) return;
  done_ = true;
  CloseFiles();
  ::unlink(files_.block_path.c_str());
  ::unlink(files_.meta_path.c_str());
  store_->ForgetWrite(block_id_, stop_.get());
}

void ReplicaWriter::Detach() {
  if (done_) return;
  done_ = true;
  CloseFiles();
  store_->DetachWriter(block_id_, stop_.get());
}

void ReplicaWriter::PublishAcked(uint64_t bytes, uint32_t last_chunk_crc) {
  store_->PublishAcked(block_id_, stop_.get(), bytes, last_chunk_crc);
}

}  // namespace hayloft::datanode
