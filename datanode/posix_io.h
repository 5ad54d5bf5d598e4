// Small POSIX file helpers for the block store: whole-buffer pread/pwrite, mkdir -p,
// truncate, rename, errno to absl::Status. Stateless and thread-safe.
#ifndef HAYLOFT_DATANODE_POSIX_IO_H_
#define HAYLOFT_DATANODE_POSIX_IO_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hayloft::datanode::posix {

// "<what> <path>: <strerror(err)>" as ResourceExhausted for ENOSPC/EDQUOT, else
// Internal.
absl::Status ErrnoError(int err, absl::string_view what, absl::string_view path);

// Writes all of `data` at `offset`, retrying short writes and EINTR.
absl::Status PwriteAll(int fd, absl::string_view data, uint64_t offset, absl::string_view path);
// Reads up to `n` bytes at `offset` into `buf`; returns how many were read (less
// than `n` only at end of file).
absl::StatusOr<size_t> PreadAll(int fd, char* buf, size_t n, uint64_t offset,
                                absl::string_view path);
absl::Status Fsync(int fd, absl::string_view path);
absl::Status Truncate(int fd, uint64_t length, absl::string_view path);
// rename(2); the error names both paths.
absl::Status Rename(const std::string& from, const std::string& to);
// Opens `path` with `flags` (and mode 0644 when creating).
absl::StatusOr<int> Open(const std::string& path, int flags);
void Close(int fd);

// mkdir -p. On failure returns the errno and the path that failed.
struct MkdirError {
  int err = 0;
  std::string path;
};
MkdirError MakeDirs(const std::string& path);

// Size of a file; -1 if it cannot be stat()ed.
int64_t FileSize(const std::string& path);
// Names in a directory, without "." and "..".
absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir);
// Reads a small file whole.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path);

}  // namespace hayloft::datanode::posix

#endif  // HAYLOFT_DATANODE_POSIX_IO_H_
