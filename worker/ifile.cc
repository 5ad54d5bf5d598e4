#include "worker/ifile.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <queue>

#include "absl/strings/str_cat.h"
#include "common/base/crc32c.h"

namespace hayloft::worker {
namespace {

void PutFixed64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutFixed32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t GetFixed(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

void PutVarint32(std::string& out, uint32_t v) {
  char bytes[5];
  out.append(bytes, EncodeVarint32(v, bytes));
}

// Parses a varint at data[*pos]; false if truncated or too long.
bool GetVarint32(std::string_view data, size_t* pos, uint32_t* v) {
  uint32_t result = 0;
  for (int shift = 0; shift <= 28 && *pos < data.size(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(data[(*pos)++]);
    result |= uint32_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

class MemorySegmentStream final : public RecordStream {
 public:
  explicit MemorySegmentStream(std::string_view data) : data_(data) {}
  absl::StatusOr<bool> Next() override {
    if (pos_ >= data_.size()) return false;
    uint32_t klen, vlen;
    if (!GetVarint32(data_, &pos_, &klen) || !GetVarint32(data_, &pos_, &vlen) ||
        data_.size() - pos_ < uint64_t{klen} + vlen) {
      return absl::DataLossError("corrupt intermediate segment: truncated record");
    }
    key_ = data_.substr(pos_, klen);
    value_ = data_.substr(pos_ + klen, vlen);
    pos_ += klen + vlen;
    return true;
  }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  std::string_view key_, value_;
};

// Reads a file segment in 256 KiB pieces, keeping whole records in view.
class FileSegmentStream final : public RecordStream {
 public:
  FileSegmentStream(FILE* f, uint64_t length) : file_(f), remaining_(length) {}
  ~FileSegmentStream() override { std::fclose(file_); }

  absl::StatusOr<bool> Next() override {
    while (true) {
      size_t pos = pos_;
      uint32_t klen, vlen;
      std::string_view view(buf_);
      if (GetVarint32(view, &pos, &klen) && GetVarint32(view, &pos, &vlen) &&
          view.size() - pos >= uint64_t{klen} + vlen) {
        key_ = view.substr(pos, klen);
        value_ = view.substr(pos + klen, vlen);
        pos_ = pos + klen + vlen;
        return true;
      }
      if (remaining_ == 0) {
        if (pos_ == buf_.size()) return false;
        return absl::DataLossError("corrupt intermediate file: truncated record");
      }
      // Need more bytes: drop what was consumed, read the next piece.
      buf_.erase(0, pos_);
      pos_ = 0;
      size_t want = static_cast<size_t>(std::min<uint64_t>(remaining_, kReadBytes));
      want = std::max(want, std::min<size_t>(remaining_, buf_.size()));
      size_t old = buf_.size();
      buf_.resize(old + want);
      size_t got = std::fread(buf_.data() + old, 1, want, file_);
      buf_.resize(old + got);
      if (got == 0) return absl::DataLossError("intermediate file ends early");
      remaining_ -= got;
    }
  }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }

 private:
  static constexpr size_t kReadBytes = 256 << 10;
  FILE* file_;
  uint64_t remaining_;
  std::string buf_;
  size_t pos_ = 0;
  std::string_view key_, value_;
};

class MergingStream final : public RecordStream {
 public:
  explicit MergingStream(std::vector<std::unique_ptr<RecordStream>> inputs)
      : inputs_(std::move(inputs)) {}

  absl::StatusOr<bool> Next() override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < inputs_.size(); ++i) {
        absl::StatusOr<bool> more = inputs_[i]->Next();
        if (!more.ok()) return more.status();
        if (*more) heap_.push(i);
      }
    } else if (current_ >= 0) {
      // The current record's views die now: advance its stream.
      absl::StatusOr<bool> more = inputs_[static_cast<size_t>(current_)]->Next();
      if (!more.ok()) return more.status();
      if (*more) heap_.push(static_cast<size_t>(current_));
    }
    if (heap_.empty()) {
      current_ = -1;
      return false;
    }
    current_ = static_cast<int>(heap_.top());
    heap_.pop();
    return true;
  }
  std::string_view key() const override { return inputs_[static_cast<size_t>(current_)]->key(); }
  std::string_view value() const override {
    return inputs_[static_cast<size_t>(current_)]->value();
  }

 private:
  struct Greater {
    const std::vector<std::unique_ptr<RecordStream>>* inputs;
    bool operator()(size_t a, size_t b) const {
      int c = (*inputs)[a]->key().compare((*inputs)[b]->key());
      return c > 0 || (c == 0 && a > b);  // stable: earlier inputs first
    }
  };
  std::vector<std::unique_ptr<RecordStream>> inputs_;
  std::priority_queue<size_t, std::vector<size_t>, Greater> heap_{Greater{&inputs_}};
  bool started_ = false;
  int current_ = -1;
};

}  // namespace

std::string EncodeIndex(const std::vector<SegmentIndexEntry>& entries) {
  std::string out;
  for (const SegmentIndexEntry& e : entries) {
    PutFixed64(out, e.offset);
    PutFixed64(out, e.length);
    PutFixed32(out, e.crc);
  }
  return out;
}

absl::StatusOr<std::vector<SegmentIndexEntry>> DecodeIndex(std::string_view data) {
  if (data.size() % kIndexEntryBytes != 0) {
    return absl::DataLossError("map output index has a partial entry");
  }
  std::vector<SegmentIndexEntry> out;
  for (size_t p = 0; p < data.size(); p += kIndexEntryBytes) {
    out.push_back({GetFixed(data.data() + p, 8), GetFixed(data.data() + p + 8, 8),
                   static_cast<uint32_t>(GetFixed(data.data() + p + 16, 4))});
  }
  return out;
}

absl::StatusOr<std::vector<SegmentIndexEntry>> ReadIndexFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no map output index ", path));
    return ErrnoError("open", path);
  }
  std::string data;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) data.append(buf, n);
  std::fclose(f);
  return DecodeIndex(data);
}

void AppendRecord(std::string& out, std::string_view key, std::string_view value) {
  PutVarint32(out, static_cast<uint32_t>(key.size()));
  PutVarint32(out, static_cast<uint32_t>(value.size()));
  out.append(key);
  out.append(value);
}

absl::StatusOr<std::unique_ptr<SegmentFileWriter>> SegmentFileWriter::Open(
    const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return ErrnoError("create", path);
  return std::unique_ptr<SegmentFileWriter>(new SegmentFileWriter(path, f));
}

SegmentFileWriter::~SegmentFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void SegmentFileWriter::Append(std::string_view key, std::string_view value) {
  AppendRecord(buffer_, key, value);
  ++records_;
  if (buffer_.size() >= (1 << 20)) {
    absl::Status s = FlushBuffer();
    if (!s.ok() && error_.ok()) error_ = s;
  }
}

absl::Status SegmentFileWriter::FlushBuffer() {
  if (buffer_.empty()) return absl::OkStatus();
  segment_crc_ = crc32c::Extend(segment_crc_, buffer_.data(), buffer_.size());
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return ErrnoError("write", path_);
  }
  file_offset_ += buffer_.size();
  buffer_.clear();
  return absl::OkStatus();
}

absl::Status SegmentFileWriter::EndSegment() {
  if (!error_.ok()) return error_;
  absl::Status s = FlushBuffer();
  if (!s.ok()) return s;
  index_.push_back({segment_start_, file_offset_ - segment_start_, segment_crc_});
  segment_start_ = file_offset_;
  segment_crc_ = 0;
  segment_first_record_ = records_;
  return absl::OkStatus();
}

absl::Status SegmentFileWriter::DiscardSegment() {
  if (!error_.ok()) return error_;
  buffer_.clear();
  records_ = segment_first_record_;
  segment_crc_ = 0;
  if (file_offset_ != segment_start_) {
    if (std::fseek(file_, static_cast<long>(segment_start_), SEEK_SET) != 0) {
      return ErrnoError("seek", path_);
    }
    file_offset_ = segment_start_;
    truncate_at_close_ = true;
  }
  return absl::OkStatus();
}

absl::Status SegmentFileWriter::Close() {
  if (!error_.ok()) return error_;
  if (!buffer_.empty()) return absl::InternalError("SegmentFileWriter closed mid-segment");
  if (truncate_at_close_ &&
      (std::fflush(file_) != 0 ||
       ::ftruncate(::fileno(file_), static_cast<off_t>(file_offset_)) != 0)) {
    return ErrnoError("truncate", path_);
  }
  FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) return ErrnoError("close", path_);
  return absl::OkStatus();
}

std::unique_ptr<RecordStream> NewMemorySegmentStream(std::string_view data) {
  return std::make_unique<MemorySegmentStream>(data);
}

absl::StatusOr<std::unique_ptr<RecordStream>> NewFileSegmentStream(const std::string& path,
                                                                   uint64_t offset,
                                                                   uint64_t length) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return ErrnoError("open", path);
  if (std::fseek(f, static_cast<long>(offset), SEEK_SET) != 0) {
    std::fclose(f);
    return ErrnoError("seek", path);
  }
  return std::unique_ptr<RecordStream>(new FileSegmentStream(f, length));
}

std::unique_ptr<RecordStream> NewMergingStream(std::vector<std::unique_ptr<RecordStream>> inputs) {
  return std::make_unique<MergingStream>(std::move(inputs));
}

}  // namespace hayloft::worker
