// ChmodParser: the MODE of `hayloft fs -chmod`, read as Hadoop's ChmodParser
// (PermissionParser) reads it:
//   octal     [+][0|1]OOO, e.g. 755 or 1777 (a leading 1 sets the sticky bit);
//             it replaces the whole mode.
//   symbolic  [ugoa]*[+-=]+[rwxXt]+ clauses joined by commas, e.g. u+x,go-w,a=r,+t.
//             No letter means "a" (and no umask is applied); X adds x only to
//             directories and to files that already have an x somewhere; t is the
//             sticky bit, set or cleared only by clauses that include "o".
// Quirks kept on purpose: within one clause the last operator of "+-" counts, and
// a later clause for the same class replaces an earlier one rather than adding.
#ifndef HAYLOFT_CLIENT_CHMOD_PARSER_H_
#define HAYLOFT_CLIENT_CHMOD_PARSER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hayloft {

// Copyable value; thread-compatible.
class ChmodParser {
 public:
  // InvalidArgument (message: the mode) if it is neither octal nor symbolic.
  static absl::StatusOr<ChmodParser> Parse(absl::string_view mode);

  // The mode a file or directory gets, from its current mode (with the sticky
  // bit, 01000).
  uint32_t Apply(uint32_t existing, bool is_dir) const;

 private:
  // One of the four parts of a mode: sticky, user, group, others.
  struct Segment {
    char op = '+';      // '+', '-' or '='
    uint32_t bits = 0;  // rwx as 4/2/1, plus 8 for X
  };
  static uint32_t Combine(const Segment& s, uint32_t existing, bool exe_ok);
  bool ParseSymbolic(absl::string_view mode);
  bool ParseOctal(absl::string_view mode);

  Segment sticky_, user_, group_, others_;
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_CHMOD_PARSER_H_
