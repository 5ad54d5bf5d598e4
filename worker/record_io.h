// Record readers (a map task's split, in the job's input format) and record
// writers (a task's part file, in the job's output format) over the DFS.
#ifndef HAYLOFT_WORKER_RECORD_IO_H_
#define HAYLOFT_WORKER_RECORD_IO_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/dfs_client.h"
#include "hayloft/mapreduce.h"
#include "proto/jobtracker.pb.h"

namespace hayloft::worker {

// Not thread-safe.
class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Advances; false at the end of the split. Views stay valid until the next call.
  virtual absl::StatusOr<bool> Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // 0..1: how much of the split has been read.
  virtual float progress() const = 0;
  virtual uint64_t bytes_read() const = 0;
};

struct InputFormatOptions {
  mr::InputFormat format = mr::InputFormat::kTextLines;
  int record_length = 100;
  int key_length = 10;
  int num_generated_splits = 1;
};

absl::StatusOr<std::unique_ptr<RecordReader>> NewRecordReader(DfsClient* dfs,
                                                              const InputSplit& split,
                                                              const InputFormatOptions& format);

// Not thread-safe.
class RecordWriter {
 public:
  virtual ~RecordWriter() = default;
  virtual absl::Status Write(std::string_view key, std::string_view value) = 0;
  virtual absl::Status Close() = 0;
  virtual uint64_t bytes_written() const = 0;
};

// Creates `path` (and its parents) in the DFS.
absl::StatusOr<std::unique_ptr<RecordWriter>> NewRecordWriter(DfsClient* dfs,
                                                              const std::string& path,
                                                              mr::OutputFormat format);

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_RECORD_IO_H_
