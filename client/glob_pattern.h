// GlobPattern: one path component's glob as Hadoop's GlobPattern reads it:
// `?` any one character, `*` any run, `[abc]` `[a-c]` a set, `[^a]` / `[!a]` its
// complement, `\c` the character c itself. Braces are expanded before (see
// GlobExpander); here `{`, `}` and `,` are ordinary characters. Characters are
// Unicode code points (names are UTF-8), as Java matches them.
#ifndef HAYLOFT_CLIENT_GLOB_PATTERN_H_
#define HAYLOFT_CLIENT_GLOB_PATTERN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hayloft {

// Immutable once compiled; thread-safe.
class GlobPattern {
 public:
  // InvalidArgument as Java's PatternSyntaxException words it, e.g.
  // "Unclosed character class near index 3\n[ab\n   ^".
  static absl::StatusOr<GlobPattern> Compile(absl::string_view glob);

  // True if the glob has `*`, `?` or a set: it must be matched against a listing.
  bool has_wildcard() const { return has_wildcard_; }
  // The component with escapes removed (what a glob without wildcards names).
  const std::string& literal() const { return literal_; }
  bool Matches(absl::string_view name) const;

  // The glob with `\` escapes removed: what Hadoop shows for a path that is not a
  // glob.
  static std::string Unescape(absl::string_view glob);
  // Any unescaped `*`, `?`, `[` or `{`?
  static bool HasGlobChars(absl::string_view glob);

 private:
  enum class Kind { kChar, kAny, kStar, kSet };
  struct Range {
    char32_t lo, hi;
  };
  struct Token {
    Kind kind;
    char32_t c = 0;             // kChar
    bool negated = false;       // kSet
    std::vector<Range> ranges;  // kSet
  };

  // The set starting at glob[*i] == '['; advances *i past its ']'.
  static absl::StatusOr<Token> CompileSet(absl::string_view glob, size_t* i);
  bool MatchFrom(size_t token, const std::u32string& name, size_t pos) const;
  static bool InSet(const Token& t, char32_t c);

  std::vector<Token> tokens_;
  bool has_wildcard_ = false;
  std::string literal_;
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_GLOB_PATTERN_H_
