// gtest helpers for absl::Status and absl::StatusOr:
//   ASSERT_OK(expr); EXPECT_OK(expr);
//   ASSERT_OK_AND_ASSIGN(auto x, FunctionReturningStatusOr());
//   EXPECT_THAT(s, IsOk());
//   EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
//   EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound, HasSubstr("no such")));
//   EXPECT_THAT(statusor, IsOkAndHolds(42));
// `expr` may be a Status or a StatusOr everywhere.
#ifndef HAYLOFT_TESTS_TESTING_STATUS_MATCHERS_H_
#define HAYLOFT_TESTS_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace hayloft::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = ::hayloft::testing::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code,
          absl::StrCat("has status code ", absl::StatusCodeToString(code))) {
  const absl::Status& s = ::hayloft::testing::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           absl::StrCat("has status code ", absl::StatusCodeToString(code),
                        " and a matching message")) {
  const absl::Status& s = ::hayloft::testing::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code &&
         ::testing::Matches(message_matcher)(std::string(s.message()));
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace hayloft::testing

#define HL_TESTING_CONCAT_INNER_(a, b) a##b
#define HL_TESTING_CONCAT_(a, b) HL_TESTING_CONCAT_INNER_(a, b)

#define ASSERT_OK(expr) \
  ASSERT_THAT((expr), ::hayloft::testing::IsOk())
#define EXPECT_OK(expr) \
  EXPECT_THAT((expr), ::hayloft::testing::IsOk())

// Asserts that `rexpr` (a StatusOr) is OK and moves its value into `lhs`, which
// may be a declaration: ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  HL_ASSERT_OK_AND_ASSIGN_IMPL_(HL_TESTING_CONCAT_(hl_statusor_, __LINE__), lhs, rexpr)

#define HL_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr)      \
  auto statusor = (rexpr);                                       \
  ASSERT_TRUE(statusor.ok()) << #rexpr << ": " << statusor.status(); \
  lhs = std::move(statusor).value()

#endif  // HAYLOFT_TESTS_TESTING_STATUS_MATCHERS_H_
