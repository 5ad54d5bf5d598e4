#include "common/base/config.h"

#include <gtest/gtest.h>

namespace hayloft {
namespace {

TEST(ConfigTest, SizesAcceptHadoopSuffixes) {
  Configuration c;
  c.Set("dfs.blocksize", "128m");
  EXPECT_EQ(*c.GetInt64("dfs.blocksize", 0), 128 << 20);
  c.Set("dfs.blocksize", "1048576");
  EXPECT_EQ(*c.GetInt64("dfs.blocksize", 0), 1048576);
  c.Set("dfs.blocksize", "1g");
  EXPECT_EQ(*c.GetInt64("dfs.blocksize", 0), int64_t{1} << 30);
  EXPECT_EQ(*c.GetInt64("missing", 7), 7);
}

TEST(ConfigTest, MalformedNumbersAreInvalidArgument) {
  Configuration c;
  for (const char* bad : {"abc", "12x", "", "99999999999999999999", "9999999999999999p"}) {
    c.Set("dfs.replication", bad);
    EXPECT_EQ(c.GetInt64("dfs.replication", 3).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(ConfigTest, DurationsUseDefaultUnitOrSuffix) {
  Configuration c;
  c.Set("dfs.heartbeat.interval", "3");
  EXPECT_EQ(*c.GetDuration("dfs.heartbeat.interval", absl::ZeroDuration(), absl::Seconds(1)),
            absl::Seconds(3));
  c.Set("dfs.heartbeat.interval", "500ms");
  EXPECT_EQ(*c.GetDuration("dfs.heartbeat.interval", absl::ZeroDuration(), absl::Seconds(1)),
            absl::Milliseconds(500));
  c.Set("dfs.heartbeat.interval", "-1");
  EXPECT_FALSE(c.GetDuration("dfs.heartbeat.interval", absl::ZeroDuration(), absl::Seconds(1)).ok());
}

TEST(ConfigTest, GenericOptionsComeBeforeTheCommand) {
  auto opts = ParseGenericOptions({"-D", "dfs.blocksize=1048576", "-Ddfs.replication=2",
                                   "-put", "a", "/b", "-D", "x=y"});
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->conf.GetString("dfs.blocksize", ""), "1048576");
  EXPECT_EQ(opts->conf.GetString("dfs.replication", ""), "2");
  ASSERT_EQ(opts->args.size(), 5u);
  EXPECT_EQ(opts->args[0], "-put");
}

TEST(ConfigTest, MalformedDefineIsRejected) {
  EXPECT_FALSE(ParseGenericOptions({"-D", "novalue"}).ok());
  EXPECT_FALSE(ParseGenericOptions({"-D"}).ok());
  EXPECT_FALSE(ParseGenericOptions({"-D", "=v"}).ok());
}

}  // namespace
}  // namespace hayloft
