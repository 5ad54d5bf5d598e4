#include "common/base/logging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hayloft::logging {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

TEST(LoggingTest, RecentProblemsKeepTheLastWarningsAndErrors) {
  LOG(INFO) << "an info line is not a problem";
  LOG(WARNING) << "first warning <b>";
  LOG(ERROR) << "an error";
  std::vector<std::string> lines = RecentProblems();
  ASSERT_GE(lines.size(), 2u);
  EXPECT_THAT(lines[lines.size() - 2], EndsWith("] first warning <b>"));
  EXPECT_EQ(lines[lines.size() - 2][0], 'W');
  EXPECT_THAT(lines.back(), HasSubstr("logging_test.cc"));
  EXPECT_THAT(lines.back(), EndsWith("] an error"));
  for (const std::string& l : lines) EXPECT_THAT(l, ::testing::Not(HasSubstr("info line")));
  for (int i = 0; i < kRecentProblemLines + 5; ++i) LOG(WARNING) << "warning " << i;
  lines = RecentProblems();
  ASSERT_EQ(lines.size(), static_cast<size_t>(kRecentProblemLines));
  EXPECT_THAT(lines.back(), EndsWith(absl::StrCat("] warning ", kRecentProblemLines + 4)));
  EXPECT_THAT(lines.front(), EndsWith("] warning 5"));
}

}  // namespace
}  // namespace hayloft::logging
