#include "client/glob_pattern.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace hayloft {
namespace {

// UTF-8 to code points; a byte that does not start a valid sequence stands for
// itself, so any name can be matched.
std::u32string Decode(absl::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    int extra = b >= 0xF0 && b < 0xF8 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
    if (b >= 0x80 && b < 0xC0) extra = 0;
    char32_t c = extra == 0 ? b : (b & (0x3F >> extra));
    bool ok = i + extra < s.size();
    for (int k = 1; ok && k <= extra; ++k) {
      unsigned char nb = static_cast<unsigned char>(s[i + k]);
      if ((nb & 0xC0) != 0x80) ok = false;
      c = (c << 6) | (nb & 0x3F);
    }
    if (!ok) {
      out.push_back(b);
      ++i;
      continue;
    }
    out.push_back(c);
    i += 1 + extra;
  }
  return out;
}

// Java's PatternSyntaxException.getMessage().
absl::Status SyntaxError(absl::string_view desc, absl::string_view glob, size_t index) {
  std::string msg = absl::StrCat(desc, " near index ", index, "\n", glob);
  if (index < glob.size()) absl::StrAppend(&msg, "\n", std::string(index, ' '), "^");
  return absl::InvalidArgumentError(msg);
}

}  // namespace

std::string GlobPattern::Unescape(absl::string_view glob) {
  std::string out;
  for (size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\' && i + 1 < glob.size()) ++i;
    out += glob[i];
  }
  return out;
}

bool GlobPattern::HasGlobChars(absl::string_view glob) {
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '\\') {
      ++i;
    } else if (c == '*' || c == '?' || c == '[' || c == '{') {
      return true;
    }
  }
  return false;
}

namespace {

// The code point that starts at glob[*i]; advances *i past it.
char32_t NextChar(absl::string_view glob, size_t* i) {
  size_t len = 1;
  while (*i + len < glob.size() && (static_cast<unsigned char>(glob[*i + len]) & 0xC0) == 0x80) {
    ++len;
  }
  char32_t c = Decode(glob.substr(*i, len))[0];
  *i += len;
  return c;
}

}  // namespace

absl::StatusOr<GlobPattern::Token> GlobPattern::CompileSet(absl::string_view glob, size_t* i) {
  const size_t start = *i;
  Token t{Kind::kSet};
  ++*i;
  if (*i < glob.size() && (glob[*i] == '^' || glob[*i] == '!')) {
    t.negated = true;
    ++*i;
  }
  // The set's characters with escapes resolved, and whether each was escaped (an
  // escaped '-' is not a range).
  std::vector<std::pair<char32_t, bool>> items;
  while (true) {
    if (*i >= glob.size()) return SyntaxError("Unclosed character class", glob, glob.size());
    char d = glob[*i];
    // A ']' first in the set is one of its characters, as in POSIX.
    if (d == ']' && !items.empty()) break;
    if (d == '[') return SyntaxError("Unclosed character class", glob, *i);
    bool escaped = d == '\\';
    if (escaped && ++*i >= glob.size()) {
      return SyntaxError("Missing escaped character", glob, *i);
    }
    items.push_back({NextChar(glob, i), escaped});
  }
  ++*i;  // the ']'
  for (size_t k = 0; k < items.size(); ++k) {
    bool range = k + 2 < items.size() && items[k + 1].first == U'-' && !items[k + 1].second;
    if (!range) {
      t.ranges.push_back({items[k].first, items[k].first});
      continue;
    }
    if (items[k].first > items[k + 2].first) {
      return SyntaxError("Illegal character range", glob, start);
    }
    t.ranges.push_back({items[k].first, items[k + 2].first});
    k += 2;
  }
  return t;
}

absl::StatusOr<GlobPattern> GlobPattern::Compile(absl::string_view glob) {
  GlobPattern p;
  p.literal_ = Unescape(glob);
  // Positions are bytes of `glob`, for the error messages.
  for (size_t i = 0; i < glob.size();) {
    char c = glob[i];
    if (c == '*' || c == '?') {
      p.tokens_.push_back({c == '*' ? Kind::kStar : Kind::kAny});
      p.has_wildcard_ = true;
      ++i;
    } else if (c == '[') {
      absl::StatusOr<Token> set = CompileSet(glob, &i);
      if (!set.ok()) return set.status();
      p.tokens_.push_back(std::move(*set));
      p.has_wildcard_ = true;
    } else {
      if (c == '\\' && ++i >= glob.size()) {
        return SyntaxError("Missing escaped character", glob, i);
      }
      p.tokens_.push_back({Kind::kChar, NextChar(glob, &i)});
    }
  }
  return p;
}

bool GlobPattern::InSet(const Token& t, char32_t c) {
  bool in = false;
  for (const Range& r : t.ranges) in |= (c >= r.lo && c <= r.hi);
  return in != t.negated;
}

bool GlobPattern::MatchFrom(size_t token, const std::u32string& name, size_t pos) const {
  for (; token < tokens_.size(); ++token) {
    const Token& t = tokens_[token];
    if (t.kind == Kind::kStar) {
      // Collapse runs of stars, then try every split.
      while (token + 1 < tokens_.size() && tokens_[token + 1].kind == Kind::kStar) ++token;
      if (token + 1 == tokens_.size()) return true;
      for (size_t k = pos; k <= name.size(); ++k) {
        if (MatchFrom(token + 1, name, k)) return true;
      }
      return false;
    }
    if (pos >= name.size()) return false;
    char32_t c = name[pos++];
    if (t.kind == Kind::kChar && c != t.c) return false;
    if (t.kind == Kind::kSet && !InSet(t, c)) return false;
  }
  return pos == name.size();
}

bool GlobPattern::Matches(absl::string_view name) const {
  return MatchFrom(0, Decode(name), 0);
}

}  // namespace hayloft
