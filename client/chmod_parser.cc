#include "client/chmod_parser.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace hayloft {
namespace {

// Java's \s.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r';
}

// Consumes the longest run of characters in `set` from s[*pos]; returns it.
absl::string_view Run(absl::string_view s, size_t* pos, absl::string_view set) {
  size_t start = *pos;
  while (*pos < s.size() && absl::StrContains(set, s[*pos])) ++*pos;
  return s.substr(start, *pos - start);
}

void SkipSpaces(absl::string_view s, size_t* pos) {
  while (*pos < s.size() && IsSpace(s[*pos])) ++*pos;
}

}  // namespace

absl::StatusOr<ChmodParser> ChmodParser::Parse(absl::string_view mode) {
  ChmodParser p;
  if (p.ParseSymbolic(mode)) return p;
  p = ChmodParser();
  if (p.ParseOctal(mode)) return p;
  return absl::InvalidArgumentError(std::string(mode));
}

// Clause by clause, as the pattern \G\s*([ugoa]*)([+=-]+)([rwxXt]+)([,\s]*)\s*
// matches repeatedly: each clause must follow a separator holding a comma and
// the clauses must cover the whole string.
bool ChmodParser::ParseSymbolic(absl::string_view mode) {
  size_t pos = 0;
  bool comma_before = true;
  for (int clause = 0; clause == 0 || pos < mode.size(); ++clause) {
    if (!comma_before) return false;
    SkipSpaces(mode, &pos);
    absl::string_view who = Run(mode, &pos, "ugoa");
    absl::string_view ops = Run(mode, &pos, "+=-");
    absl::string_view what = Run(mode, &pos, "rwxXt");
    if (ops.empty() || what.empty()) return false;
    size_t sep_start = pos;
    while (pos < mode.size() && (mode[pos] == ',' || IsSpace(mode[pos]))) ++pos;
    comma_before = absl::StrContains(mode.substr(sep_start, pos - sep_start), ',');
    bool u = absl::StrContains(who, 'u'), g = absl::StrContains(who, 'g'),
         o = absl::StrContains(who, 'o');
    if (!u && !g && !o) u = g = o = true;  // none, or only "a"
    Segment s{ops.back(), 0};
    bool sticky = false;
    for (char c : what) {
      s.bits |= c == 'r' ? 4 : c == 'w' ? 2 : c == 'x' ? 1 : c == 'X' ? 8 : 0;
      sticky = sticky || c == 't';
    }
    if (u) user_ = s;
    if (g) group_ = s;
    if (o) {
      others_ = s;
      sticky_ = Segment{s.op, sticky ? 1u : 0u};
    }
  }
  return true;
}

// ^\s*[+]?([01]?)([0-7]{3})\s*$
bool ChmodParser::ParseOctal(absl::string_view mode) {
  absl::string_view s = mode;
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  uint32_t sticky = 0;
  if (s.size() == 4) {
    if (s[0] != '0' && s[0] != '1') return false;
    sticky = s[0] == '1' ? 1 : 0;
    s.remove_prefix(1);
  }
  if (s.size() != 3) return false;
  for (char c : s) {
    if (c < '0' || c > '7') return false;
  }
  sticky_ = {'=', sticky};
  user_ = {'=', static_cast<uint32_t>(s[0] - '0')};
  group_ = {'=', static_cast<uint32_t>(s[1] - '0')};
  others_ = {'=', static_cast<uint32_t>(s[2] - '0')};
  return true;
}

uint32_t ChmodParser::Combine(const Segment& s, uint32_t existing, bool exe_ok) {
  uint32_t mode = s.bits;
  bool cap_x = (mode & 8) != 0;
  if (cap_x) mode = (mode & ~8u) | 1;
  switch (s.op) {
    case '+': mode |= existing; break;
    case '-': mode = ~mode & existing; break;
    default: break;  // '='
  }
  // X adds x only where x is allowed or was already there.
  if (cap_x && !exe_ok && (mode & 1) != 0 && (existing & 1) == 0) mode &= ~1u;
  return mode;
}

uint32_t ChmodParser::Apply(uint32_t existing, bool is_dir) const {
  bool exe_ok = is_dir || (existing & 0111) != 0;
  return (Combine(sticky_, (existing >> 9) & 1, false) & 1) << 9 |
         (Combine(user_, (existing >> 6) & 7, exe_ok) & 7) << 6 |
         (Combine(group_, (existing >> 3) & 7, exe_ok) & 7) << 3 |
         (Combine(others_, existing & 7, exe_ok) & 7);
}

}  // namespace hayloft
