#include "datanode/posix_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace hayloft::datanode::posix {

absl::Status ErrnoError(int err, absl::string_view what, absl::string_view path) {
  std::string msg = absl::StrCat(what, " ", path, ": ", std::strerror(err));
  if (err == ENOSPC || err == EDQUOT) return absl::ResourceExhaustedError(msg);
  return absl::InternalError(msg);
}

absl::Status PwriteAll(int fd, absl::string_view data, uint64_t offset, absl::string_view path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "write", path);
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> PreadAll(int fd, char* buf, size_t n, uint64_t offset,
                                absl::string_view path) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "read", path);
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

absl::Status Fsync(int fd, absl::string_view path) {
  if (::fsync(fd) != 0) return ErrnoError(errno, "fsync", path);
  return absl::OkStatus();
}

absl::Status Truncate(int fd, uint64_t length, absl::string_view path) {
  if (::ftruncate(fd, static_cast<off_t>(length)) != 0) return ErrnoError(errno, "truncate", path);
  return absl::OkStatus();
}

absl::Status Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoError(errno, absl::StrCat("rename ", from, " to"), to);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Open(const std::string& path, int flags) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT)
      return absl::NotFoundError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
    return ErrnoError(errno, "open", path);
  }
  return fd;
}

void Close(int fd) {
  if (fd >= 0) ::close(fd);
}

MkdirError MakeDirs(const std::string& path) {
  // Create each prefix in turn so the error names the component that is in the way.
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0755) == 0) continue;
    int err = errno;
    if (err != EEXIST) return {err, prefix};
    struct stat st;
    if (::stat(prefix.c_str(), &st) != 0) return {errno, prefix};
    if (!S_ISDIR(st.st_mode)) return {ENOTDIR, prefix};
  }
  return {};
}

int64_t FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_size);
}

absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ErrnoError(errno, "opendir", dir);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  auto fd = Open(path, O_RDONLY);
  if (!fd.ok()) return fd.status();
  std::string out;
  char buf[4096];
  uint64_t off = 0;
  while (true) {
    absl::StatusOr<size_t> n = PreadAll(*fd, buf, sizeof(buf), off, path);
    if (!n.ok()) {
      Close(*fd);
      return n.status();
    }
    out.append(buf, *n);
    off += *n;
    if (*n < sizeof(buf)) break;
  }
  Close(*fd);
  return out;
}

}  // namespace hayloft::datanode::posix
