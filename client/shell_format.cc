#include "client/shell_format.h"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hayloft::format {

std::string PermissionString(uint32_t mode) {
  static constexpr const char* kSymbols[] = {"---", "--x", "-w-", "-wx",
                                             "r--", "r-x", "rw-", "rwx"};
  std::string s = absl::StrCat(kSymbols[(mode >> 6) & 7], kSymbols[(mode >> 3) & 7],
                               kSymbols[mode & 7]);
  if (mode & 01000) s[8] = (mode & 1) ? 't' : 'T';
  return s;
}

std::string PermissionOctal(uint32_t mode) {
  int v = ((mode >> 9) & 1) * 1000 + ((mode >> 6) & 7) * 100 + ((mode >> 3) & 7) * 10 +
          (mode & 7);
  return absl::StrCat(v);
}

namespace {

// n / 2^shift rounded half-up to `decimals` places, as Java's %.Nf prints it.
std::string DivideHalfUp(uint64_t n, int shift, int decimals) {
  unsigned __int128 scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  unsigned __int128 num = static_cast<unsigned __int128>(n) * scale * 2 +
                          (static_cast<unsigned __int128>(1) << shift);
  unsigned __int128 q = num / (static_cast<unsigned __int128>(1) << (shift + 1));
  uint64_t whole = static_cast<uint64_t>(q / scale);
  uint64_t frac = static_cast<uint64_t>(q % scale);
  if (decimals == 0) return absl::StrCat(whole);
  return absl::StrFormat("%d.%0*d", whole, decimals, frac);
}

}  // namespace

std::string Long2String(int64_t n, absl::string_view unit, int decimals) {
  static constexpr char kSymbols[] = "KMGTPE";
  std::string sign = n < 0 ? "-" : "";
  uint64_t v = n < 0 ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
  if (v < 1024) {
    return unit.empty() ? absl::StrCat(sign, v) : absl::StrCat(sign, v, " ", unit);
  }
  int i = 0;
  while (i < 6 && v >= (uint64_t{1} << (10 * (i + 1)))) ++i;
  int shift = 10 * i;
  std::string s;
  if ((v & ((uint64_t{1} << shift) - 1)) == 0) {
    s = absl::StrCat(v >> shift);
  } else {
    s = DivideHalfUp(v, shift, decimals);
    if (s.rfind("1024", 0) == 0 && i < 6) {
      ++i;
      shift += 10;
      s = DivideHalfUp(v, shift, decimals);
    }
  }
  return absl::StrCat(sign, s, " ", std::string(1, kSymbols[i - 1]), unit);
}

std::string ByteDesc(int64_t n) { return Long2String(n, "B", 2); }

namespace {

std::string FormatTime(int64_t unix_ms, const char* fmt, bool utc) {
  time_t t = static_cast<time_t>(unix_ms / 1000);
  struct tm tm;
  if (utc) {
    gmtime_r(&t, &tm);
  } else {
    localtime_r(&t, &tm);
  }
  char buf[64];
  strftime(buf, sizeof(buf), fmt, &tm);
  return buf;
}

}  // namespace

std::string LsDate(int64_t unix_ms) { return FormatTime(unix_ms, "%Y-%m-%d %H:%M", false); }
std::string StatDate(int64_t unix_ms) { return FormatTime(unix_ms, "%Y-%m-%d %H:%M:%S", true); }
std::string JavaDate(int64_t unix_ms) { return FormatTime(unix_ms, "%a %b %d %H:%M:%S %Z %Y", false); }

std::string Percent2(double percent) {
  // Half-up at the third decimal, like java.util.Formatter.
  double scaled = std::floor(percent * 100.0 + 0.5 + 1e-9) / 100.0;
  return absl::StrFormat("%.2f%%", scaled);
}

std::string JavaFloat(float f) {
  // Float.toString: the fewest decimals that read back as the same float, at least
  // one; scientific notation outside [1e-3, 1e7).
  double d = static_cast<double>(f);
  if (f != 0 && (std::fabs(d) < 1e-3 || std::fabs(d) >= 1e7)) {
    return absl::StrFormat("%.7E", d);
  }
  for (int decimals = 1; decimals <= 9; ++decimals) {
    std::string s = absl::StrFormat("%.*f", decimals, d);
    if (std::strtof(s.c_str(), nullptr) == f) return s;
  }
  return absl::StrFormat("%.9f", d);
}

void LsFormatter::AdjustWidths(const std::vector<FileStatus>& items) {
  for (const FileStatus& s : items) {
    max_repl_ = std::max(max_repl_, absl::StrCat(s.replication()).size());
    max_len_ = std::max(max_len_, absl::StrCat(s.length()).size());
    max_owner_ = std::max(max_owner_, s.owner().size());
    max_group_ = std::max(max_group_, s.group().size());
  }
}

std::string LsFormatter::Line(const FileStatus& s, const std::string& display_path) const {
  std::string repl = s.is_dir() ? "-" : absl::StrCat(s.replication());
  std::string size = human_ ? Long2String(static_cast<int64_t>(s.length()), "", 1)
                            : absl::StrCat(s.length());
  std::string owner = max_owner_ > 0 ? absl::StrFormat("%-*s ", max_owner_, s.owner()) : s.owner();
  std::string group = max_group_ > 0 ? absl::StrFormat("%-*s ", max_group_, s.group()) : s.group();
  return absl::StrCat(s.is_dir() ? "d" : "-", PermissionString(s.permission()), " ",
                      absl::StrFormat("%*s ", max_repl_, repl), owner, group,
                      absl::StrFormat("%*s ", max_len_, size), LsDate(s.mtime_ms()), " ",
                      display_path);
}

std::string ChildDisplay(const std::string& parent, const std::string& name) {
  if (parent == ".") return name;
  if (!parent.empty() && parent.back() == '/') return absl::StrCat(parent, name);
  return absl::StrCat(parent, "/", name);
}

std::string PathError(absl::string_view path, const absl::Status& s) {
  std::string quoted = absl::StrCat("`", path, "'");
  std::string msg(s.message());
  if (size_t nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
      return absl::StrCat(quoted, ": No such file or directory");
    case absl::StatusCode::kAlreadyExists:
      return absl::StrCat(quoted, ": File exists");
    default:
      return msg;
  }
}

}  // namespace hayloft::format
