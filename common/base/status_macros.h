// Return-if-error and assign-or-return for absl::Status / absl::StatusOr.
// Debian's Abseil (20220623) ships neither, so the project defines its own.
#ifndef HAYLOFT_COMMON_BASE_STATUS_MACROS_H_
#define HAYLOFT_COMMON_BASE_STATUS_MACROS_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace hayloft {

// Returns `s` with `context` prepended to its message, keeping its code.
inline absl::Status Annotate(const absl::Status& s, absl::string_view context) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(context, ": ", s.message()));
}

}  // namespace hayloft

#define HL_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::absl::Status hl_status_ = (expr);          \
    if (!hl_status_.ok()) return hl_status_;     \
  } while (0)

#define HL_STATUS_CONCAT_INNER_(a, b) a##b
#define HL_STATUS_CONCAT_(a, b) HL_STATUS_CONCAT_INNER_(a, b)

#define HL_ASSIGN_OR_RETURN(lhs, rexpr) \
  HL_ASSIGN_OR_RETURN_IMPL_(HL_STATUS_CONCAT_(hl_statusor_, __LINE__), lhs, rexpr)

#define HL_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) return statusor.status();         \
  lhs = std::move(statusor).value()

#endif  // HAYLOFT_COMMON_BASE_STATUS_MACROS_H_
