#include "client/fs_shell.h"

#include <array>
#include <cmath>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/base/path.h"

namespace hayloft {
namespace {

using format::ChildDisplay;

constexpr int kUsageExit = 255;  // FsShell returns -1 for usage errors

}  // namespace

const std::map<std::string, FsShell::Command>& FsShell::Commands() {
  static const auto* commands = new std::map<std::string, Command>{
      {"-ls", {"[-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]",
               {"-d", "-h", "-R"}, 0, SIZE_MAX, &FsShell::Ls}},
      {"-mkdir", {"[-p] <path> ...", {"-p"}, 1, SIZE_MAX, &FsShell::Mkdir}},
      {"-put", {"[-f] [-p] [-l] [-d] <localsrc> ... <dst>", {"-f", "-p", "-l", "-d"}, 1,
                SIZE_MAX, &FsShell::Put}},
      {"-copyFromLocal", {"[-f] [-p] [-l] [-d] <localsrc> ... <dst>", {"-f", "-p", "-l", "-d"},
                          1, SIZE_MAX, &FsShell::Put}},
      {"-appendToFile", {"<localsrc> ... <dst>", {}, 2, SIZE_MAX, &FsShell::AppendToFile}},
      {"-get", {"[-f] [-p] [-ignoreCrc] [-crc] <src> ... <localdst>",
                {"-f", "-p", "-ignoreCrc", "-crc"}, 1, SIZE_MAX, &FsShell::Get}},
      {"-copyToLocal", {"[-f] [-p] [-ignoreCrc] [-crc] <src> ... <localdst>",
                        {"-f", "-p", "-ignoreCrc", "-crc"}, 1, SIZE_MAX, &FsShell::Get}},
      {"-cat", {"[-ignoreCrc] <src> ...", {"-ignoreCrc"}, 1, SIZE_MAX, &FsShell::Cat}},
      {"-rm", {"[-f] [-r|-R] [-skipTrash] [-safely] <src> ...",
               {"-f", "-r", "-R", "-skipTrash", "-safely"}, 1, SIZE_MAX, &FsShell::Rm}},
      {"-rmdir", {"[--ignore-fail-on-non-empty] <dir> ...", {"--ignore-fail-on-non-empty"}, 1,
                  SIZE_MAX, &FsShell::Rmdir}},
      {"-mv", {"<src> ... <dst>", {}, 2, SIZE_MAX, &FsShell::Mv}},
      {"-stat", {"[format] <path> ...", {"-R"}, 1, SIZE_MAX, &FsShell::Stat}},
      {"-du", {"[-s] [-h] [-v] [-x] <path> ...", {"-s", "-h", "-v", "-x"}, 0, SIZE_MAX,
               &FsShell::Du}},
      {"-setrep", {"[-R] [-w] <rep> <path> ...", {"-R", "-w"}, 2, SIZE_MAX, &FsShell::Setrep}},
      {"-test", {"-[defswrz] <path>", {"-d", "-e", "-f", "-s", "-z"}, 1, 1, &FsShell::Test}},
      {"-touchz", {"<path> ...", {}, 1, SIZE_MAX, &FsShell::Touchz}},
      {"-count", {"[-q] [-h] [-v] [-u] <path> ...", {"-q", "-h", "-v", "-u"}, 1, SIZE_MAX,
                  &FsShell::Count}},
      {"-df", {"[-h] [<path> ...]", {"-h"}, 0, SIZE_MAX, &FsShell::Df}},
      {"-head", {"<file>", {}, 1, 1, &FsShell::Head}},
      {"-tail", {"[-f] [-s <sleep interval>] <file>", {"-f", "-s"}, 1, 1, &FsShell::Tail}},
      {"-text", {"[-ignoreCrc] <src> ...", {"-ignoreCrc"}, 1, SIZE_MAX, &FsShell::Cat}},
      {"-cp", {"[-f] <src> ... <dst>", {"-f"}, 2, SIZE_MAX, &FsShell::Cp}},
      {"-getmerge", {"[-nl] [-skip-empty-file] <src> <localdst>", {"-nl", "-skip-empty-file"}, 2,
                     SIZE_MAX, &FsShell::Getmerge}},
      {"-checksum", {"[-v] <src> ...", {"-v"}, 1, SIZE_MAX, &FsShell::Checksum}},
      {"-expunge", {"[-immediate] [-fs <path>]", {"-immediate", "-fs"}, 0, 0, &FsShell::Expunge}},
      {"-chmod", {"[-R] <MODE[,MODE]... | OCTALMODE> PATH...", {"-R"}, 2, SIZE_MAX,
                  &FsShell::Chmod}},
      {"-chown", {"[-R] [OWNER][:[GROUP]] PATH...", {"-R"}, 2, SIZE_MAX, &FsShell::Chown}},
      {"-chgrp", {"[-R] GROUP PATH...", {"-R"}, 2, SIZE_MAX, &FsShell::Chgrp}},
  };
  return *commands;
}

bool FsShell::OptionTakesValue(const std::string& cmd, const std::string& option) {
  return (cmd == "-tail" && option == "-s") || (cmd == "-expunge" && option == "-fs");
}

int FsShell::UsageError(const std::string& cmd, const std::string& message) {
  *io_.err << cmd << ": " << message << "\n";
  auto it = Commands().find(cmd);
  if (it != Commands().end()) {
    *io_.err << "Usage: hayloft fs [generic options] " << cmd << " " << it->second.usage << "\n";
  } else {
    *io_.err << "Usage: hayloft fs [generic options]\n";
    for (const auto& [name, c] : Commands()) *io_.err << "\t[" << name << " " << c.usage << "]\n";
  }
  return kUsageExit;
}

int FsShell::Run(const std::vector<std::string>& args) {
  if (args.empty()) return UsageError("fs", "a command is required");
  const std::string& name = args[0];
  auto it = Commands().find(name);
  if (it == Commands().end()) return UsageError(name, "Unknown command");
  const Command& c = it->second;
  cmd_ = name.substr(1);
  std::set<std::string> flags;
  Args rest;
  size_t i = 1;
  // Options come first; "-" (stdin) and "--" end them, as in CommandFormat.
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    if (name == "-test" && c.flags.count(a) == 0) return UsageError(name, "Illegal option " + a);
    int number;
    if (absl::SimpleAtoi(a, &number)) break;  // a negative number is an argument
    if (c.flags.count(a) == 0) return UsageError(name, "Illegal option " + a);
    flags.insert(a);
    if (OptionTakesValue(name, a)) {
      if (i + 1 == args.size()) return UsageError(name, "Missing value for option " + a);
      option_values_[a] = args[++i];
    }
  }
  rest.assign(args.begin() + i, args.end());
  if (rest.size() < c.min_args) {
    if (name == "-test" && flags.empty()) return UsageError(name, "No test flag given");
    return UsageError(name, absl::StrCat("Not enough arguments: expected ", c.min_args,
                                         " but got ", rest.size()));
  }
  if (rest.size() > c.max_args) {
    return UsageError(name, absl::StrCat("Too many arguments: expected ", c.max_args,
                                         " but got ", rest.size()));
  }
  std::optional<Args> expanded = ExpandGlobs(name, flags, rest);
  if (!expanded) return ExitCode();
  return (this->*c.run)(flags, *expanded);
}

void FsShell::Error(const std::string& message) {
  ++errors_;
  *io_.err << cmd_ << ": " << message << "\n";
}

void FsShell::PathError(const std::string& path, const absl::Status& s) {
  Error(format::PathError(path, s));
}

std::optional<FileStatus> FsShell::StatFile(const std::string& p) {
  absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
  if (!st.ok()) {
    PathError(p, st.status());
    return std::nullopt;
  }
  if (st->is_dir()) {
    Error(absl::StrCat("`", p, "': Is a directory"));
    return std::nullopt;
  }
  return *std::move(st);
}

std::string FsShell::Qualified(const std::string& p) const {
  absl::StatusOr<std::string> abs = path::Normalize(p, client_->working_dir());
  return absl::StrCat("hdfs://", client_->options().namenode_address,
                      abs.ok() ? *abs : p);
}

// ---------------------------------------------------------------------------

void FsShell::LsDir(const std::string& display, const std::string& p, bool recursive,
                    format::LsFormatter* fmt) {
  absl::StatusOr<std::vector<FileStatus>> children = client_->ListStatus(p);
  if (!children.ok()) return PathError(display, children.status());
  if (!recursive && !children->empty()) {
    *io_.out << "Found " << children->size() << " items\n";
  }
  fmt->AdjustWidths(*children);
  for (const FileStatus& c : *children) {
    std::string child_display = ChildDisplay(display, c.path());
    *io_.out << fmt->Line(c, child_display) << "\n";
    if (recursive && c.is_dir()) {
      LsDir(child_display, path::Join(*path::Normalize(p, client_->working_dir()), c.path()),
            true, fmt);
    }
  }
}

int FsShell::Ls(const std::set<std::string>& f, const Args& a) {
  Args paths = a.empty() ? Args{"."} : a;
  format::LsFormatter fmt(f.count("-h") > 0);
  bool dirs_as_files = f.count("-d") > 0;
  for (const std::string& p : paths) {
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
    if (!st.ok()) {
      PathError(p, st.status());
      continue;
    }
    if (st->is_dir() && !dirs_as_files) {
      LsDir(p, p, f.count("-R") > 0, &fmt);
    } else {
      fmt.AdjustWidths({*st});
      *io_.out << fmt.Line(*st, p) << "\n";
    }
  }
  return ExitCode();
}

int FsShell::Mkdir(const std::set<std::string>& f, const Args& a) {
  bool parents = f.count("-p") > 0;
  for (const std::string& p : a) {
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
    if (st.ok()) {
      if (!st->is_dir()) {
        Error(absl::StrCat("`", p, "': Is not a directory"));
      } else if (!parents) {
        Error(absl::StrCat("`", p, "': File exists"));
      }
      continue;
    }
    if (!absl::IsNotFound(st.status())) {
      PathError(p, st.status());
      continue;
    }
    // Without -p the parent must exist, checked first as Hadoop's Mkdir does (so a
    // missing parent reads "No such file", not a permission error on an ancestor).
    absl::Status s = absl::OkStatus();
    if (!parents) {
      absl::StatusOr<std::string> abs = path::Normalize(p, client_->working_dir());
      if (abs.ok()) s = client_->GetFileInfo(path::Parent(*abs)).status();
    }
    if (s.ok()) s = client_->Mkdirs(p, parents);
    if (absl::IsNotFound(s)) {
      Error(absl::StrCat("`", p, "': No such file or directory"));
    } else if (absl::IsAlreadyExists(s) ||
               (absl::IsFailedPrecondition(s) && absl::StrContains(s.message(), "not a directory"))) {
      Error(absl::StrCat("`", p, "': Is not a directory"));
    } else if (!s.ok()) {
      PathError(p, s);
    }
  }
  return ExitCode();
}

int FsShell::Rm(const std::set<std::string>& f, const Args& a) {
  bool force = f.count("-f") > 0;
  bool recursive = f.count("-r") > 0 || f.count("-R") > 0;
  for (const std::string& p : a) {
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
    if (!st.ok()) {
      if (!(force && absl::IsNotFound(st.status()))) PathError(p, st.status());
      continue;
    }
    if (st->is_dir() && !recursive) {
      Error(absl::StrCat("`", p, "': Is a directory"));
      continue;
    }
    if (f.count("-skipTrash") == 0) {
      absl::StatusOr<bool> moved = MoveToTrash(p);
      if (!moved.ok()) {
        if (absl::IsNotFound(moved.status())) {
          PathError(p, moved.status());
        } else {
          Error(absl::StrCat(moved.status().message(), ". Consider using -skipTrash option"));
        }
        continue;
      }
      if (*moved) continue;
    }
    absl::StatusOr<bool> deleted = client_->Delete(p, recursive);
    if (!deleted.ok()) {
      PathError(p, deleted.status());
    } else if (!*deleted) {
      Error(absl::StrCat("`", p, "': Input/output error"));
    } else {
      *io_.out << "Deleted " << p << "\n";
    }
  }
  return ExitCode();
}

int FsShell::Rmdir(const std::set<std::string>& f, const Args& a) {
  for (const std::string& p : a) {
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
    if (!st.ok()) {
      PathError(p, st.status());
      continue;
    }
    if (!st->is_dir()) {
      Error(absl::StrCat("`", p, "': Is not a directory"));
      continue;
    }
    if (st->children_num() > 0) {
      if (f.count("--ignore-fail-on-non-empty") == 0) {
        Error(absl::StrCat("`", p, "': Directory is not empty"));
      }
      continue;
    }
    absl::StatusOr<bool> deleted = client_->Delete(p, false);
    if (!deleted.ok()) PathError(p, deleted.status());
  }
  return ExitCode();
}

std::optional<FsShell::Destination> FsShell::ResolveDestination(const std::string& dst,
                                                               size_t num_sources) {
  absl::StatusOr<std::string> abs = path::Normalize(dst, client_->working_dir());
  if (!abs.ok()) {
    PathError(dst, abs.status());
    return std::nullopt;
  }
  absl::StatusOr<FileStatus> st = client_->GetFileInfo(*abs);
  Destination d{*abs, st.ok(), st.ok() && st->is_dir()};
  if (num_sources > 1 && !d.is_dir) {
    if (!st.ok()) {
      PathError(dst, st.status());
    } else {
      Error(absl::StrCat("`", dst, "': Is not a directory"));
    }
    return std::nullopt;
  }
  if (!d.exists && !client_->GetFileInfo(path::Parent(d.abs)).ok()) {
    Error(absl::StrCat("`", dst, "': No such file or directory: `", Qualified(dst), "'"));
    return std::nullopt;
  }
  return d;
}

int FsShell::Mv(const std::set<std::string>&, const Args& a) {
  const std::string& dst = a.back();
  std::optional<Destination> d = ResolveDestination(dst, a.size() - 1);
  if (!d) return ExitCode();
  if (a.size() == 2 && d->exists && !d->is_dir) {
    Error(absl::StrCat("`", dst, "': File exists"));
    return ExitCode();
  }
  bool dst_is_dir = d->is_dir;
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    const std::string& src = a[i];
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(src);
    if (!st.ok()) {
      PathError(src, st.status());
      continue;
    }
    std::string src_abs = *path::Normalize(src, client_->working_dir());
    std::string dst_abs = *path::Normalize(dst, client_->working_dir());
    std::string target = dst_is_dir ? path::Join(dst_abs, path::Basename(src_abs)) : dst_abs;
    std::string target_display = dst_is_dir ? ChildDisplay(dst, path::Basename(src_abs)) : dst;
    if (target == src_abs) {
      Error(absl::StrCat("`", src, "' to `", Qualified(target), "': are identical"));
      continue;
    }
    if (st->is_dir() && path::IsAncestorOrSelf(src_abs, target)) {
      Error(absl::StrCat("`", src, "' to `", target_display, "': is a subdirectory of itself"));
      continue;
    }
    if (client_->GetFileInfo(target).ok()) {
      Error(absl::StrCat("`", target_display, "': File exists"));
      continue;
    }
    absl::Status s = client_->Rename(src_abs, target);
    if (!s.ok()) PathError(src, s);
  }
  return ExitCode();
}

int FsShell::Stat(const std::set<std::string>&, const Args& args) {
  Args a = args;
  std::string fmt = "%y";
  if (absl::StrContains(a[0], '%')) {
    fmt = a[0];
    a.erase(a.begin());
    if (a.empty()) return UsageError("-stat", "Not enough arguments: expected 1 but got 0");
  }
  for (const std::string& p : a) {
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
    if (!st.ok()) {
      PathError(p, st.status());
      continue;
    }
    std::string line;
    for (size_t i = 0; i < fmt.size(); ++i) {
      if (fmt[i] != '%') {
        line += fmt[i];
        continue;
      }
      if (i + 1 == fmt.size()) break;
      switch (fmt[++i]) {
        case 'a': line += format::PermissionOctal(st->permission()); break;
        case 'A': line += format::PermissionString(st->permission()); break;
        case 'b': absl::StrAppend(&line, st->length()); break;
        case 'F': line += st->is_dir() ? "directory" : "regular file"; break;
        case 'g': line += st->group(); break;
        case 'n': line += path::Basename(*path::Normalize(p, client_->working_dir())); break;
        case 'o': absl::StrAppend(&line, st->block_size()); break;
        case 'r': absl::StrAppend(&line, st->replication()); break;
        case 'u': line += st->owner(); break;
        case 'x': line += format::StatDate(st->atime_ms()); break;
        case 'X': absl::StrAppend(&line, st->atime_ms()); break;
        case 'y': line += format::StatDate(st->mtime_ms()); break;
        case 'Y': absl::StrAppend(&line, st->mtime_ms()); break;
        default: line += fmt[i];
      }
    }
    *io_.out << line << "\n";
  }
  return ExitCode();
}

int FsShell::Du(const std::set<std::string>& f, const Args& args) {
  Args a = args.empty() ? Args{"."} : args;
  bool human = f.count("-h") > 0;
  auto size = [&](uint64_t n) {
    return human ? format::Long2String(static_cast<int64_t>(n), "", 1) : absl::StrCat(n);
  };
  std::vector<std::array<std::string, 3>> rows;
  if (f.count("-v")) rows.push_back({"SIZE", "DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS", "FULL_PATH_NAME"});
  size_t header_rows = rows.size();
  auto add = [&](const std::string& display, const std::string& p) {
    absl::StatusOr<GetContentSummaryResponse> cs = client_->GetContentSummary(p);
    if (!cs.ok()) return PathError(display, cs.status());
    rows.push_back({size(cs->length()), size(cs->space_consumed()), display});
  };
  for (const std::string& p : a) {
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
    if (!st.ok()) {
      PathError(p, st.status());
      continue;
    }
    if (st->is_dir() && f.count("-s") == 0) {
      absl::StatusOr<std::vector<FileStatus>> children = client_->ListStatus(p);
      if (!children.ok()) {
        PathError(p, children.status());
        continue;
      }
      std::string abs = *path::Normalize(p, client_->working_dir());
      for (const FileStatus& c : *children) add(ChildDisplay(p, c.path()), path::Join(abs, c.path()));
    } else {
      add(p, p);
    }
  }
  if (rows.size() > header_rows) {
    size_t w0 = 0, w1 = 0;
    for (const auto& r : rows) {
      w0 = std::max(w0, r[0].size());
      w1 = std::max(w1, r[1].size());
    }
    for (const auto& r : rows) {
      *io_.out << absl::StrFormat("%-*s  %-*s  %s", w0, r[0], w1, r[1], r[2]) << "\n";
    }
  }
  return ExitCode();
}

int FsShell::Setrep(const std::set<std::string>& f, const Args& a) {
  int rep = 0;
  if (!absl::SimpleAtoi(a[0], &rep) || rep > 32767 || rep < -32768) {
    *io_.err << "setrep: Illegal replication, a positive integer expected\n";
    return UsageError("-setrep", absl::StrCat("For input string: \"", a[0], "\""));
  }
  if (rep < 1) return UsageError("-setrep", "replication must be >= 1");
  std::vector<std::string> set_paths;
  std::function<void(const std::string&, const std::string&)> apply =
      [&](const std::string& display, const std::string& p) {
        absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
        if (!st.ok()) return PathError(display, st.status());
        if (st->is_dir()) {
          absl::StatusOr<std::vector<FileStatus>> children = client_->ListStatus(p);
          if (!children.ok()) return PathError(display, children.status());
          std::string abs = *path::Normalize(p, client_->working_dir());
          for (const FileStatus& c : *children) {
            apply(ChildDisplay(display, c.path()), path::Join(abs, c.path()));
          }
          return;
        }
        absl::Status s = client_->SetReplication(p, static_cast<uint32_t>(rep));
        if (!s.ok()) return Error(std::string(s.message()));
        *io_.out << "Replication " << rep << " set: " << display << "\n";
        set_paths.push_back(p);
      };
  for (size_t i = 1; i < a.size(); ++i) apply(a[i], a[i]);
  if (f.count("-w") == 0) return ExitCode();
  for (const std::string& p : set_paths) {
    *io_.out << "Waiting for " << p << " ..." << std::flush;
    while (true) {
      absl::StatusOr<GetBlockLocationsResponse> locs = client_->GetBlockLocations(p);
      if (!locs.ok()) {
        PathError(p, locs.status());
        break;
      }
      bool done = true;
      for (const LocatedBlock& b : locs->blocks()) done &= b.locations_size() == rep;
      if (done) break;
      *io_.out << "." << std::flush;
      absl::SleepFor(absl::Seconds(1));
    }
    *io_.out << " done\n";
  }
  return ExitCode();
}

int FsShell::Test(const std::set<std::string>& f, const Args& a) {
  if (f.empty()) return UsageError("-test", "No test flag given");
  if (f.size() > 1) return UsageError("-test", "Only one test flag is allowed");
  absl::StatusOr<FileStatus> st = client_->GetFileInfo(a[0]);
  if (!st.ok()) {
    if (!absl::IsNotFound(st.status())) PathError(a[0], st.status());
    return 1;
  }
  const std::string& flag = *f.begin();
  bool ok = flag == "-e" || (flag == "-d" && st->is_dir()) || (flag == "-f" && !st->is_dir()) ||
            (flag == "-s" && st->length() > 0) || (flag == "-z" && st->length() == 0);
  return ok ? 0 : 1;
}

int FsShell::Touchz(const std::set<std::string>&, const Args& a) {
  for (const std::string& p : a) {
    absl::StatusOr<FileStatus> st = client_->GetFileInfo(p);
    if (st.ok()) {
      if (st->is_dir()) {
        Error(absl::StrCat("`", p, "': Is a directory"));
      } else if (st->length() != 0) {
        Error(absl::StrCat("`", p, "': Not a zero-length file"));
      }
      continue;
    }
    if (!absl::IsNotFound(st.status())) {
      PathError(p, st.status());
      continue;
    }
    absl::StatusOr<std::string> abs = path::Normalize(p, client_->working_dir());
    if (!abs.ok() || !client_->GetFileInfo(path::Parent(*abs)).ok()) {
      Error(absl::StrCat("`", p, "': No such file or directory: `", Qualified(p), "'"));
      continue;
    }
    CreateOptions o;
    o.create_parent = false;
    absl::Status s = client_->WriteFile(p, "", o);
    if (!s.ok()) PathError(p, s);
  }
  return ExitCode();
}

int FsShell::Count(const std::set<std::string>& f, const Args& a) {
  bool human = f.count("-h") > 0;
  // -u: quotas only; -q: quotas, then the counts. Hayloft has no quotas, so they
  // read as HDFS prints an unset quota: "none" with "inf" remaining.
  bool quota_only = f.count("-u") > 0;
  bool quotas = quota_only || f.count("-q") > 0;
  auto quota_columns = [](absl::string_view a, absl::string_view b, absl::string_view c,
                          absl::string_view d) {
    return absl::StrFormat("%12s %15s %15s %15s ", a, b, c, d);
  };
  if (f.count("-v")) {
    std::string header;
    if (quotas) {
      header = quota_columns("QUOTA", "REM_QUOTA", "SPACE_QUOTA", "REM_SPACE_QUOTA");
    }
    if (!quota_only) {
      absl::StrAppend(&header, absl::StrFormat("%12s %12s %18s ", "DIR_COUNT", "FILE_COUNT",
                                               "CONTENT_SIZE"));
    }
    *io_.out << header << "PATHNAME\n";
  }
  for (const std::string& p : a) {
    absl::StatusOr<GetContentSummaryResponse> cs = client_->GetContentSummary(p);
    if (!cs.ok()) {
      PathError(p, cs.status());
      continue;
    }
    std::string line;
    if (quotas) line = quota_columns("none", "inf", "none", "inf");
    if (!quota_only) {
      std::string length = human ? format::Long2String(static_cast<int64_t>(cs->length()), "", 1)
                                 : absl::StrCat(cs->length());
      absl::StrAppend(&line, absl::StrFormat("%12d %12d %18s ", cs->directory_count(),
                                             cs->file_count(), length));
    }
    *io_.out << line << p << "\n";
  }
  return ExitCode();
}

int FsShell::Df(const std::set<std::string>& f, const Args&) {
  absl::StatusOr<GetFsStatsResponse> stats = client_->GetFsStats();
  if (!stats.ok()) {
    Error(std::string(stats.status().message()));
    return ExitCode();
  }
  bool human = f.count("-h") > 0;
  auto size = [&](int64_t n) { return human ? format::Long2String(n, "", 1) : absl::StrCat(n); };
  int64_t capacity = stats->capacity_bytes();
  double used_pct = capacity <= 0 ? 0.0
                                  : static_cast<double>(stats->dfs_used_bytes()) * 100.0 /
                                        static_cast<double>(capacity);
  std::vector<std::array<std::string, 5>> rows = {
      {"Filesystem", "Size", "Used", "Available", "Use%"},
      {absl::StrCat("hdfs://", client_->options().namenode_address), size(capacity),
       size(stats->dfs_used_bytes()), size(stats->remaining_bytes()),
       absl::StrFormat("%.0f%%", std::floor(used_pct + 0.5))}};
  size_t w[5] = {0, 0, 0, 0, 0};
  for (const auto& r : rows) {
    for (int i = 0; i < 5; ++i) w[i] = std::max(w[i], r[i].size());
  }
  // Hadoop's TableBuilder: first column left-aligned, the numbers right-aligned.
  for (const auto& r : rows) {
    *io_.out << absl::StrFormat("%-*s  %*s  %*s  %*s  %*s", w[0], r[0], w[1], r[1], w[2], r[2],
                                w[3], r[3], w[4], r[4])
             << "\n";
  }
  return ExitCode();
}

}  // namespace hayloft
