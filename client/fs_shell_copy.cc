// FsShell: commands that move bytes between the local file system and the DFS.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/fs_shell.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft {
namespace {

using format::ChildDisplay;

constexpr size_t kCopyBufferBytes = 4 << 20;

// Writes up to `length` bytes of `in`, from where it stands, to `out`, straight from
// the stream's packet buffer (DfsInputStream::ReadView: one copy fewer than Read).
absl::Status CopyStream(DfsInputStream& in, uint64_t length, std::ostream& out) {
  while (length > 0) {
    const auto want = static_cast<size_t>(std::min<uint64_t>(kCopyBufferBytes, length));
    HL_ASSIGN_OR_RETURN(absl::string_view chunk, in.ReadView(want));
    if (chunk.empty()) break;
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    length -= chunk.size();
  }
  return absl::OkStatus();
}
constexpr char kCopyingSuffix[] = "._COPYING_";

std::string LocalBasename(const std::string& p) {
  std::string s = p;
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  size_t slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

}  // namespace

absl::Status FsShell::PutStream(std::istream& in, const std::string& target, bool overwrite) {
  return PutFrom(
      [&](char* buf, size_t n) -> absl::StatusOr<size_t> {
        if (io_.in_fd >= 0 && &in == io_.in) {
          while (true) {
            ssize_t got = ::read(io_.in_fd, buf, n);
            if (got >= 0) return static_cast<size_t>(got);
            if (errno != EINTR) {
              return absl::DataLossError(absl::StrCat("reading stdin: ", std::strerror(errno)));
            }
          }
        }
        in.read(buf, static_cast<std::streamsize>(n));
        if (in.bad()) return absl::DataLossError("error reading the local input");
        return static_cast<size_t>(in.gcount());
      },
      target, overwrite);
}

absl::Status FsShell::PutFrom(const std::function<absl::StatusOr<size_t>(char*, size_t)>& read,
                              const std::string& target, bool overwrite) {
  // Write under a temporary name, then rename: readers never see a partial file.
  std::string temp = absl::StrCat(target, kCopyingSuffix);
  CreateOptions o;
  o.overwrite = true;
  o.create_parent = false;
  HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsOutputStream> out, client_->Create(temp, o));
  std::string buf(kCopyBufferBytes, '\0');
  absl::Status s;
  while (s.ok()) {
    absl::StatusOr<size_t> n = read(buf.data(), buf.size());
    if (!n.ok()) {
      s = n.status();
    } else if (*n == 0) {
      break;
    } else {
      s = out->Write(absl::string_view(buf.data(), *n));
    }
  }
  absl::Status closed = out->Close();
  if (s.ok()) s = closed;
  if (s.ok() && overwrite) {
    absl::StatusOr<FileStatus> existing = client_->GetFileInfo(target);
    if (existing.ok() && !existing->is_dir()) s = client_->Delete(target, false).status();
  }
  if (s.ok()) s = client_->Rename(temp, target);
  if (!s.ok()) (void)client_->Delete(temp, false);
  return s;
}

absl::Status FsShell::PutFile(const std::string& local, const std::string& target,
                              bool overwrite) {
  std::ifstream in(local, std::ios::binary);
  if (!in) {
    return absl::PermissionDeniedError(
        absl::StrCat("`", local, "': ", std::strerror(errno)));
  }
  return PutStream(in, target, overwrite);
}

int FsShell::Put(const std::set<std::string>& f, const Args& a) {
  bool overwrite = f.count("-f") > 0;
  Args srcs(a.begin(), a.end() - (a.size() > 1 ? 1 : 0));
  std::string dst = a.size() > 1 ? a.back() : ".";
  std::optional<Destination> d = ResolveDestination(dst, srcs.size());
  if (!d) return ExitCode();
  bool dst_is_dir = d->is_dir;
  const std::string& dst_abs = d->abs;
  std::function<void(const std::string&, const std::string&, const std::string&)> copy =
      [&](const std::string& src, const std::string& target, const std::string& display) {
        absl::StatusOr<FileStatus> t = client_->GetFileInfo(target);
        std::error_code ec;
        bool is_dir = src != "-" && std::filesystem::is_directory(src, ec);
        if (t.ok() && (t->is_dir() != is_dir || !overwrite) && !(is_dir && t->is_dir())) {
          return Error(absl::StrCat("`", display, "': File exists"));
        }
        if (is_dir) {
          absl::Status s = client_->Mkdirs(target, false);
          if (!s.ok() && !absl::IsAlreadyExists(s)) return PathError(display, s);
          std::vector<std::string> names;
          for (const auto& e : std::filesystem::directory_iterator(src, ec)) {
            names.push_back(e.path().filename().string());
          }
          std::sort(names.begin(), names.end());
          for (const std::string& n : names) {
            copy(absl::StrCat(src, "/", n), path::Join(target, n), absl::StrCat(display, "/", n));
          }
          return;
        }
        absl::Status s = src == "-" ? PutStream(*io_.in, target, overwrite)
                                    : PutFile(src, target, overwrite);
        if (!s.ok()) {
          if (absl::IsPermissionDenied(s)) return Error(std::string(s.message()));
          PathError(display, s);
        }
      };
  for (const std::string& src : srcs) {
    struct stat sb;
    if (src != "-" && ::stat(src.c_str(), &sb) != 0) {
      Error(absl::StrCat("`", src, "': No such file or directory"));
      continue;
    }
    std::string name = src == "-" ? "-" : LocalBasename(src);
    std::string target = dst_is_dir ? path::Join(dst_abs, name) : dst_abs;
    std::string display = dst_is_dir ? absl::StrCat(dst == "." ? "" : dst + "/", name) : dst;
    if (dst_is_dir && dst == ".") display = name;
    copy(src, target, display);
  }
  return ExitCode();
}

int FsShell::AppendToFile(const std::set<std::string>&, const Args& a) {
  const std::string& dst = a.back();
  absl::StatusOr<FileStatus> st = client_->GetFileInfo(dst);
  if (st.ok() && st->is_dir()) {
    Error(absl::StrCat("`", dst, "': Is a directory"));
    return ExitCode();
  }
  absl::StatusOr<std::unique_ptr<DfsOutputStream>> out =
      st.ok() ? client_->Append(dst) : client_->Create(dst, {.create_parent = false});
  if (!out.ok()) {
    if (absl::IsNotFound(out.status())) {
      Error(absl::StrCat("`", dst, "': No such file or directory"));
    } else {
      PathError(dst, out.status());
    }
    return ExitCode();
  }
  std::string buf(kCopyBufferBytes, '\0');
  absl::Status s;
  for (size_t i = 0; i + 1 < a.size() && s.ok(); ++i) {
    const std::string& src = a[i];
    int fd = src == "-" ? io_.in_fd : ::open(src.c_str(), O_RDONLY);
    if (src != "-" && fd < 0) {
      Error(absl::StrCat("`", src, "': No such file or directory"));
      continue;
    }
    while (s.ok()) {
      ssize_t n;
      if (fd >= 0) {
        n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
      } else {
        io_.in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
        n = io_.in->gcount();
      }
      if (n <= 0) break;
      s = (*out)->Write(absl::string_view(buf.data(), static_cast<size_t>(n)));
    }
    if (src != "-") ::close(fd);
  }
  absl::Status closed = (*out)->Close();
  if (s.ok()) s = closed;
  if (!s.ok()) PathError(dst, s);
  return ExitCode();
}

absl::Status FsShell::GetFile(const std::string& src, const std::string& local, bool overwrite) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsInputStream> in, client_->Open(src));
  std::string temp = absl::StrCat(local, kCopyingSuffix);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return absl::PermissionDeniedError(
          absl::StrCat("`", local, "': ", std::strerror(errno)));
    }
    if (absl::Status s = CopyStream(*in, UINT64_MAX, out); !s.ok()) {
      out.close();
      std::remove(temp.c_str());
      return s;
    }
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      return absl::ResourceExhaustedError(absl::StrCat("`", local, "': write failed"));
    }
  }
  (void)overwrite;
  if (std::rename(temp.c_str(), local.c_str()) != 0) {
    std::remove(temp.c_str());
    return absl::InternalError(absl::StrCat("`", local, "': ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

int FsShell::Get(const std::set<std::string>& f, const Args& a) {
  bool overwrite = f.count("-f") > 0;
  Args srcs(a.begin(), a.end() - (a.size() > 1 ? 1 : 0));
  std::string dst = a.size() > 1 ? a.back() : ".";
  std::error_code ec;
  bool dst_is_dir = std::filesystem::is_directory(dst, ec);
  std::function<void(const std::string&, const std::string&)> copy =
      [&](const std::string& src, const std::string& local) {
        absl::StatusOr<FileStatus> st = client_->GetFileInfo(src);
        if (!st.ok()) return PathError(src, st.status());
        std::error_code e;
        if (st->is_dir()) {
          std::filesystem::create_directories(local, e);
          if (e) return Error(absl::StrCat("`", local, "': ", e.message()));
          absl::StatusOr<std::vector<FileStatus>> children = client_->ListStatus(src);
          if (!children.ok()) return PathError(src, children.status());
          std::string abs = *path::Normalize(src, client_->working_dir());
          for (const FileStatus& c : *children) {
            copy(path::Join(abs, c.path()), absl::StrCat(local, "/", c.path()));
          }
          return;
        }
        if (std::filesystem::exists(local, e) && !overwrite) {
          return Error(absl::StrCat("`", local, "': File exists"));
        }
        absl::Status s = GetFile(src, local, overwrite);
        if (!s.ok()) {
          if (absl::IsPermissionDenied(s)) return Error(std::string(s.message()));
          PathError(src, s);
        }
      };
  for (const std::string& src : srcs) {
    absl::StatusOr<std::string> abs = path::Normalize(src, client_->working_dir());
    if (!abs.ok()) {
      PathError(src, abs.status());
      continue;
    }
    std::string local = dst_is_dir ? absl::StrCat(dst, "/", path::Basename(*abs)) : dst;
    copy(src, local);
  }
  return ExitCode();
}

int FsShell::Cat(const std::set<std::string>&, const Args& a) {
  for (const std::string& p : a) {
    if (!StatFile(p)) continue;
    absl::StatusOr<std::unique_ptr<DfsInputStream>> in = client_->Open(p);
    if (!in.ok()) {
      PathError(p, in.status());
      continue;
    }
    if (absl::Status s = CopyStream(**in, UINT64_MAX, *io_.out); !s.ok()) {
      Error(std::string(s.message()));
    }
  }
  io_.out->flush();
  return ExitCode();
}

}  // namespace hayloft

namespace hayloft {
namespace {

// -head and -tail show this much, as HDFS does.
constexpr uint64_t kHeadTailBytes = 1024;

}  // namespace

absl::Status FsShell::CopyRange(const std::string& p, uint64_t offset, uint64_t length,
                                std::ostream& out) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsInputStream> in, client_->Open(p));
  HL_RETURN_IF_ERROR(in->Seek(std::min(offset, in->length())));
  HL_RETURN_IF_ERROR(CopyStream(*in, length, out));
  out.flush();
  return absl::OkStatus();
}

int FsShell::Head(const std::set<std::string>&, const Args& a) {
  if (!StatFile(a[0])) return ExitCode();
  if (absl::Status s = CopyRange(a[0], 0, kHeadTailBytes, *io_.out); !s.ok()) PathError(a[0], s);
  return ExitCode();
}

absl::StatusOr<uint64_t> FsShell::PrintFrom(const std::string& p, uint64_t offset) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsInputStream> in, client_->Open(p));
  // Shorter than before (replaced): carry on from its new end, as Hadoop's Tail.
  if (offset > in->length()) return in->length();
  HL_RETURN_IF_ERROR(in->Seek(offset));
  // All or nothing, so a failed poll can be repeated without printing twice.
  std::string text(in->length() - offset, '\0');
  size_t done = 0;
  while (done < text.size()) {
    HL_ASSIGN_OR_RETURN(size_t n, in->Read(text.data() + done, text.size() - done));
    if (n == 0) break;
    done += n;
  }
  io_.out->write(text.data(), static_cast<std::streamsize>(done));
  io_.out->flush();
  return offset + done;
}

int FsShell::Tail(const std::set<std::string>& f, const Args& a) {
  const std::string& p = a[0];
  absl::Duration delay = tail_follow_delay_;
  if (f.count("-s")) {
    int64_t ms = 0;
    if (!absl::SimpleAtoi(option_values_["-s"], &ms) || ms <= 0) {
      return UsageError("-tail", "followDelay should be positive");
    }
    delay = absl::Milliseconds(ms);
  }
  if (!StatFile(p)) return ExitCode();
  // The length readers see (hflushed bytes of a file being written included).
  absl::StatusOr<std::unique_ptr<DfsInputStream>> in = client_->Open(p);
  if (!in.ok()) {
    PathError(p, in.status());
    return ExitCode();
  }
  uint64_t length = (*in)->length();
  in->reset();
  absl::StatusOr<uint64_t> offset = PrintFrom(p, length > kHeadTailBytes ? length - kHeadTailBytes : 0);
  // -f: poll for bytes appended or hflushed since, until killed, stdout closes or
  // the file goes away. A writer reopening the file (append, pipeline recovery)
  // can fail one poll; the next one picks up where this left off.
  while (offset.ok() && f.count("-f") && io_.out->good()) {
    absl::SleepFor(delay);
    absl::StatusOr<uint64_t> next = PrintFrom(p, *offset);
    if (next.ok() || absl::IsNotFound(next.status())) offset = next;
  }
  if (!offset.ok()) PathError(p, offset.status());
  return ExitCode();
}

int FsShell::Getmerge(const std::set<std::string>& f, const Args& a) {
  // Every source (globs expanded), a directory standing for its files.
  std::vector<std::string> files;
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(a[i]);
    if (!st.ok()) {
      PathError(a[i], st.status());
      continue;
    }
    if (!st->is_dir()) {
      if (!(f.count("-skip-empty-file") && st->length() == 0)) files.push_back(a[i]);
      continue;
    }
    absl::StatusOr<std::vector<FileStatus>> children = client_->ListStatus(a[i]);
    if (!children.ok()) {
      PathError(a[i], children.status());
      continue;
    }
    std::string dir = *path::Normalize(a[i], client_->working_dir());
    for (const FileStatus& c : *children) {
      if (c.is_dir() || (f.count("-skip-empty-file") && c.length() == 0)) continue;
      files.push_back(path::Join(dir, c.path()));
    }
  }
  if (files.empty()) return ExitCode();
  const std::string& dst = a.back();
  std::ofstream out(dst, std::ios::binary | std::ios::trunc);
  if (!out) {
    Error(absl::StrCat("`", dst, "': ", std::strerror(errno)));
    return ExitCode();
  }
  for (const std::string& file : files) {
    if (absl::Status s = CopyRange(file, 0, UINT64_MAX, out); !s.ok()) PathError(file, s);
    if (f.count("-nl")) out << "\n";
  }
  return ExitCode();
}

void FsShell::CopyTree(const std::string& src, const std::string& src_display,
                       const std::string& target, const std::string& target_display,
                       bool overwrite) {
  absl::StatusOr<FileStatus> st = client_->GetFileInfo(src);
  if (!st.ok()) return PathError(src_display, st.status());
  absl::StatusOr<FileStatus> existing = client_->GetFileInfo(target);
  if (st->is_dir()) {
    // CommandWithDestination.recursePath: into an existing directory, or a new one.
    if (existing.ok() && !existing->is_dir()) {
      return Error(absl::StrCat("`", target_display, "': Is not a directory"));
    }
    if (!existing.ok()) {
      absl::Status s = client_->Mkdirs(target, false);
      if (!s.ok()) return PathError(target_display, s);
    }
    absl::StatusOr<std::vector<FileStatus>> children = client_->ListStatus(src);
    if (!children.ok()) return PathError(src_display, children.status());
    for (const FileStatus& c : *children) {
      CopyTree(path::Join(src, c.path()), ChildDisplay(src_display, c.path()),
               path::Join(target, c.path()), ChildDisplay(target_display, c.path()), overwrite);
    }
    return;
  }
  if (existing.ok() && (!overwrite || existing->is_dir())) {
    return Error(absl::StrCat("`", target_display, "': File exists"));
  }
  absl::StatusOr<std::unique_ptr<DfsInputStream>> in = client_->Open(src);
  if (!in.ok()) return PathError(src_display, in.status());
  absl::Status s =
      PutFrom([&](char* buf, size_t n) { return (*in)->Read(buf, n); }, target, overwrite);
  if (!s.ok()) PathError(src_display, s);
}

int FsShell::Cp(const std::set<std::string>& f, const Args& a) {
  const std::string& dst = a.back();
  std::optional<Destination> d = ResolveDestination(dst, a.size() - 1);
  if (!d) return ExitCode();
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    const std::string& src = a[i];
    absl::StatusOr<std::string> src_abs = path::Normalize(src, client_->working_dir());
    if (!src_abs.ok()) {
      PathError(src, src_abs.status());
      continue;
    }
    std::string name = path::Basename(*src_abs);
    std::string target = d->is_dir ? path::Join(d->abs, name) : d->abs;
    std::string target_display = d->is_dir ? ChildDisplay(dst, name) : dst;
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(*src_abs);
    if (st.ok() && st->is_dir()) {
      // CommandWithDestination.processPathArgument's checks for a directory.
      if (target == *src_abs) {
        Error(absl::StrCat("`", src, "' to `", Qualified(target), "': are identical"));
        continue;
      }
      if (path::IsAncestorOrSelf(*src_abs, target)) {
        Error(absl::StrCat("`", src, "' to `", target_display, "': is a subdirectory of itself"));
        continue;
      }
    }
    CopyTree(*src_abs, src, target, target_display, f.count("-f") > 0);
  }
  return ExitCode();
}

}  // namespace hayloft
