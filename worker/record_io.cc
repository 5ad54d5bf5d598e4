#include "worker/record_io.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"

namespace hayloft::worker {
namespace {

constexpr size_t kReadBytes = 1 << 20;

// Buffered reads from a DFS file, from a start offset on.
class BufferedInput {
 public:
  BufferedInput(std::unique_ptr<DfsInputStream> in, uint64_t pos)
      : in_(std::move(in)), pos_(pos) {}

  uint64_t pos() const { return pos_; }
  uint64_t length() const { return in_->length(); }

  // Reads through the next '\n' (or EOF) into `line`, without the "\n" or "\r\n".
  // Returns false at EOF with nothing read.
  absl::StatusOr<bool> ReadLine(std::string& line) {
    line.clear();
    bool any = false;
    while (true) {
      if (start_ == buf_.size()) {
        HL_ASSIGN_OR_RETURN(bool more, Fill());
        if (!more) break;
      }
      any = true;
      size_t nl = buf_.find('\n', start_);
      if (nl == std::string::npos) {
        line.append(buf_, start_, std::string::npos);
        pos_ += buf_.size() - start_;
        start_ = buf_.size();
        continue;
      }
      line.append(buf_, start_, nl - start_);
      pos_ += nl + 1 - start_;
      start_ = nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    return any;
  }

  // Reads exactly n bytes unless EOF comes first; returns how many were read.
  absl::StatusOr<size_t> ReadExact(std::string& out, size_t n) {
    out.clear();
    while (out.size() < n) {
      if (start_ == buf_.size()) {
        HL_ASSIGN_OR_RETURN(bool more, Fill());
        if (!more) break;
      }
      size_t take = std::min(n - out.size(), buf_.size() - start_);
      out.append(buf_, start_, take);
      start_ += take;
      pos_ += take;
    }
    return out.size();
  }

 private:
  absl::StatusOr<bool> Fill() {
    buf_.resize(kReadBytes);
    HL_ASSIGN_OR_RETURN(size_t n, in_->Read(buf_.data(), buf_.size()));
    buf_.resize(n);
    start_ = 0;
    return n > 0;
  }

  std::unique_ptr<DfsInputStream> in_;
  uint64_t pos_;
  std::string buf_;
  size_t start_ = 0;
};

// Hadoop's LineRecordReader rule: a split owns every line that starts in
// (offset, offset + length], plus the first line when offset is 0; so each split
// but the first skips its partial first line and reads one line past its end.
class LineReader final : public RecordReader {
 public:
  LineReader(std::unique_ptr<BufferedInput> in, uint64_t start, uint64_t end, bool key_value)
      : in_(std::move(in)), start_(start), end_(end), key_value_(key_value) {}

  absl::StatusOr<bool> Next() override {
    if (!skipped_first_) {
      skipped_first_ = true;
      if (start_ != 0) HL_RETURN_IF_ERROR(in_->ReadLine(line_).status());
    }
    if (in_->pos() > end_) return false;
    uint64_t line_start = in_->pos();
    HL_ASSIGN_OR_RETURN(bool got, in_->ReadLine(line_));
    if (!got) return false;
    std::string_view line(line_);
    if (key_value_) {
      size_t tab = line.find('\t');
      key_ = line.substr(0, tab);
      value_ = tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1);
    } else {
      offset_text_ = absl::StrCat(line_start);
      key_ = offset_text_;
      value_ = line;
    }
    return true;
  }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }
  float progress() const override {
    if (end_ <= start_) return 1.0f;
    return std::min(1.0f, static_cast<float>(in_->pos() - start_) /
                              static_cast<float>(end_ - start_));
  }
  uint64_t bytes_read() const override { return in_->pos() - start_; }

 private:
  std::unique_ptr<BufferedInput> in_;
  const uint64_t start_, end_;
  const bool key_value_;
  bool skipped_first_ = false;
  std::string line_, offset_text_;
  std::string_view key_, value_;
};

// Records that start in [offset, offset + length).
class FixedLengthReader final : public RecordReader {
 public:
  FixedLengthReader(std::unique_ptr<BufferedInput> in, uint64_t start, uint64_t end,
                    const InputFormatOptions& f)
      : in_(std::move(in)), start_(start), end_(end), record_length_(f.record_length),
        key_length_(std::min(f.key_length, f.record_length)) {}

  absl::StatusOr<bool> Next() override {
    if (in_->pos() >= end_) return false;
    HL_ASSIGN_OR_RETURN(size_t n, in_->ReadExact(record_, static_cast<size_t>(record_length_)));
    if (n == 0) return false;
    if (n < static_cast<size_t>(record_length_)) {
      return absl::DataLossError(absl::StrCat("partial record of ", n, " bytes at the end of the "
                                              "input (records are ", record_length_, " bytes)"));
    }
    return true;
  }
  std::string_view key() const override {
    return std::string_view(record_).substr(0, static_cast<size_t>(key_length_));
  }
  std::string_view value() const override {
    return std::string_view(record_).substr(static_cast<size_t>(key_length_));
  }
  float progress() const override {
    if (end_ <= start_) return 1.0f;
    return std::min(1.0f, static_cast<float>(in_->pos() - start_) /
                              static_cast<float>(end_ - start_));
  }
  uint64_t bytes_read() const override { return in_->pos() - start_; }

 private:
  std::unique_ptr<BufferedInput> in_;
  const uint64_t start_, end_;
  const int record_length_, key_length_;
  std::string record_;
};

class GeneratedReader final : public RecordReader {
 public:
  GeneratedReader(int index, int count)
      : key_(absl::StrCat(index)), value_(absl::StrCat(count)) {}
  absl::StatusOr<bool> Next() override { return !std::exchange(done_, true); }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }
  float progress() const override { return done_ ? 1.0f : 0.0f; }
  uint64_t bytes_read() const override { return 0; }

 private:
  std::string key_, value_;
  bool done_ = false;
};

class EmptyReader final : public RecordReader {
 public:
  absl::StatusOr<bool> Next() override { return false; }
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  float progress() const override { return 1.0f; }
  uint64_t bytes_read() const override { return 0; }
};

class DfsRecordWriter final : public RecordWriter {
 public:
  DfsRecordWriter(std::unique_ptr<DfsOutputStream> out, mr::OutputFormat format)
      : out_(std::move(out)), format_(format) {}

  absl::Status Write(std::string_view key, std::string_view value) override {
    buf_.append(key);
    if (format_ == mr::OutputFormat::kText) {
      if (!value.empty()) {
        buf_.push_back('\t');
        buf_.append(value);
      }
      buf_.push_back('\n');
    } else {
      buf_.append(value);
    }
    if (buf_.size() >= kReadBytes) return Flush();
    return absl::OkStatus();
  }
  absl::Status Close() override {
    HL_RETURN_IF_ERROR(Flush());
    return out_->Close();
  }
  uint64_t bytes_written() const override { return out_->bytes_written() + buf_.size(); }

 private:
  absl::Status Flush() {
    if (buf_.empty()) return absl::OkStatus();
    absl::Status s = out_->Write(buf_);
    buf_.clear();
    return s;
  }
  std::unique_ptr<DfsOutputStream> out_;
  const mr::OutputFormat format_;
  std::string buf_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RecordReader>> NewRecordReader(DfsClient* dfs,
                                                              const InputSplit& split,
                                                              const InputFormatOptions& format) {
  if (format.format == mr::InputFormat::kGenerated) {
    return std::unique_ptr<RecordReader>(
        new GeneratedReader(split.generated_index(), format.num_generated_splits));
  }
  const uint64_t end = split.offset() + split.length();
  uint64_t start = split.offset();
  if (format.format == mr::InputFormat::kFixedLengthRecords) {
    if (format.record_length <= 0) {
      return absl::InvalidArgumentError("fixed-length records need a positive record length");
    }
    const uint64_t len = static_cast<uint64_t>(format.record_length);
    start = (start + len - 1) / len * len;
  }
  HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsInputStream> in, dfs->Open(split.path()));
  if (start > 0 && start >= in->length()) return std::unique_ptr<RecordReader>(new EmptyReader());
  if (start > 0) HL_RETURN_IF_ERROR(in->Seek(start));
  auto buffered = std::make_unique<BufferedInput>(std::move(in), start);
  switch (format.format) {
    case mr::InputFormat::kFixedLengthRecords:
      return std::unique_ptr<RecordReader>(
          new FixedLengthReader(std::move(buffered), start, end, format));
    case mr::InputFormat::kKeyValueText:
      return std::unique_ptr<RecordReader>(
          new LineReader(std::move(buffered), start, end, /*key_value=*/true));
    default:
      return std::unique_ptr<RecordReader>(
          new LineReader(std::move(buffered), start, end, /*key_value=*/false));
  }
}

absl::StatusOr<std::unique_ptr<RecordWriter>> NewRecordWriter(DfsClient* dfs,
                                                              const std::string& path,
                                                              mr::OutputFormat format) {
  CreateOptions opts;
  opts.create_parent = true;
  HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsOutputStream> out, dfs->Create(path, opts));
  return std::unique_ptr<RecordWriter>(new DfsRecordWriter(std::move(out), format));
}

}  // namespace hayloft::worker
