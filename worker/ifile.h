// Intermediate files: how map output is laid out on a worker's disk and on the
// shuffle wire.
//
// A segment is a sequence of records, each
//   varint32 key length, varint32 value length, key bytes, value bytes
// sorted by key (unsigned byte order). A map output file (file.out) holds one
// segment per partition, back to back; its index (file.out.index) holds, per
// partition, three little-endian fields: u64 offset, u64 length, u32 CRC32C of the
// segment's bytes (20 bytes per partition).
#ifndef HAYLOFT_WORKER_IFILE_H_
#define HAYLOFT_WORKER_IFILE_H_

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hayloft::worker {

struct SegmentIndexEntry {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint32_t crc = 0;
};

inline constexpr size_t kIndexEntryBytes = 20;

std::string EncodeIndex(const std::vector<SegmentIndexEntry>& entries);
absl::StatusOr<std::vector<SegmentIndexEntry>> DecodeIndex(std::string_view data);
absl::StatusOr<std::vector<SegmentIndexEntry>> ReadIndexFile(const std::string& path);

// The first 8 bytes of a key as a big-endian integer, zero-padded: comparing two
// of these orders keys as memcmp would on those bytes, so sorts compare integers
// and read the key bytes only on a tie.
inline uint64_t KeyPrefix(const char* key, size_t len) {
  unsigned char b[8] = {};
  std::memcpy(b, key, len < 8 ? len : 8);
  uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

// Writes `v` as the varint32 the format uses for lengths to out[0, 5); returns the
// bytes written.
inline size_t EncodeVarint32(uint32_t v, char* out) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<char>(v);
  return n;
}

// Decodes a varint32 at `p` and moves `p` past it. Only for bytes this process
// encoded (nothing is checked); file data goes through RecordStream.
inline uint32_t DecodeTrustedVarint32(const char*& p) {
  uint32_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<uint8_t>(*p++);
    v |= uint32_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return v;
  }
}

// Appends one record to `out`.
void AppendRecord(std::string& out, std::string_view key, std::string_view value);

// Writes segments to a local file, tracking offsets and CRCs. Not thread-safe.
class SegmentFileWriter {
 public:
  static absl::StatusOr<std::unique_ptr<SegmentFileWriter>> Open(const std::string& path);
  ~SegmentFileWriter();

  void Append(std::string_view key, std::string_view value);
  // Ends the current segment and records its index entry.
  absl::Status EndSegment();
  // Drops what was appended since the last EndSegment, so that the segment can be
  // written again (the merge does this when a combiner emits keys out of order).
  absl::Status DiscardSegment();
  absl::Status Close();
  const std::vector<SegmentIndexEntry>& index() const { return index_; }
  uint64_t records() const { return records_; }

 private:
  explicit SegmentFileWriter(std::string path, FILE* f) : path_(std::move(path)), file_(f) {}
  absl::Status FlushBuffer();

  std::string path_;
  FILE* file_;
  std::string buffer_;
  uint64_t file_offset_ = 0;    // bytes written to the file so far
  uint64_t segment_start_ = 0;
  uint32_t segment_crc_ = 0;
  uint64_t records_ = 0;
  uint64_t segment_first_record_ = 0;  // records_ when the segment began
  bool truncate_at_close_ = false;     // a discarded segment may have left bytes
  std::vector<SegmentIndexEntry> index_;
  absl::Status error_;
};

// A sorted stream of records. Not thread-safe.
class RecordStream {
 public:
  virtual ~RecordStream() = default;
  // Advances; false at the end. The views stay valid until the next call.
  virtual absl::StatusOr<bool> Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
};

// Records of a segment held in memory (`data` must outlive the stream).
std::unique_ptr<RecordStream> NewMemorySegmentStream(std::string_view data);
// Records of the segment [offset, offset + length) of a local file.
absl::StatusOr<std::unique_ptr<RecordStream>> NewFileSegmentStream(const std::string& path,
                                                                   uint64_t offset,
                                                                   uint64_t length);

// Merges sorted streams into one sorted stream (k-way, by key).
std::unique_ptr<RecordStream> NewMergingStream(std::vector<std::unique_ptr<RecordStream>> inputs);

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_IFILE_H_
