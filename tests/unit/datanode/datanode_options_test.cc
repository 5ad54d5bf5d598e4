// DatanodeOptions::FromConfig: data dirs, volume failure tolerance, block scanner.
#include "datanode/datanode_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hayloft::datanode {
namespace {

absl::StatusOr<DatanodeOptions> Parse(std::vector<std::pair<std::string, std::string>> kv) {
  Configuration conf;
  for (auto& [k, v] : kv) conf.Set(k, v);
  return DatanodeOptions::FromConfig(conf);
}

TEST(DatanodeOptionsTest, DataDirsAreCommaSeparatedWithHdfsDecorations) {
  absl::StatusOr<DatanodeOptions> o =
      Parse({{"dfs.datanode.data.dir", "/a, file:///b,[DISK]/c,[SSD]file:///d"}});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->data_dirs, (std::vector<std::string>{"/a", "/b", "/c", "/d"}));
  EXPECT_EQ(Parse({{"dfs.datanode.data.dir", "/a,/a"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({{"dfs.datanode.data.dir", " , "}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DatanodeOptionsTest, FailedVolumesTolerated) {
  absl::StatusOr<DatanodeOptions> o = Parse({{"dfs.datanode.data.dir", "/a,/b,/c"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->failed_volumes_tolerated, 0);
  o = Parse(
      {{"dfs.datanode.data.dir", "/a,/b,/c"}, {"dfs.datanode.failed.volumes.tolerated", "2"}});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->failed_volumes_tolerated, 2);
  o = Parse({{"dfs.datanode.data.dir", "/a"}, {"dfs.datanode.failed.volumes.tolerated", "-1"}});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->failed_volumes_tolerated, -1);
  for (const char* bad : {"3", "-2", "x"}) {
    absl::Status s = Parse({{"dfs.datanode.data.dir", "/a,/b,/c"},
                            {"dfs.datanode.failed.volumes.tolerated", bad}})
                         .status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("dfs.datanode.failed.volumes.tolerated"), std::string::npos);
  }
}

TEST(DatanodeOptionsTest, ScannerSettings) {
  absl::StatusOr<DatanodeOptions> o = Parse({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->scanner_bytes_per_second, 1 << 20);
  EXPECT_EQ(o->scan_period, absl::Hours(504));
  EXPECT_EQ(o->block_size_bytes, int64_t{128} << 20);
  o = Parse({{"dfs.datanode.scan.period.hours", "2s"},
             {"dfs.block.scanner.volume.bytes.per.second", "64m"},
             {"dfs.blocksize", "1m"}});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->scan_period, absl::Seconds(2));
  EXPECT_EQ(o->scanner_bytes_per_second, 64 << 20);
  EXPECT_EQ(o->block_size_bytes, 1 << 20);
  o = Parse({{"dfs.datanode.scan.period.hours", "6"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->scan_period, absl::Hours(6));
  o = Parse({{"dfs.datanode.scan.period.hours", "0"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->scan_period, absl::Hours(504));
  o = Parse({{"dfs.datanode.scan.period.hours", "-1"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->scanner_bytes_per_second, 0);  // disabled
  EXPECT_FALSE(Parse({{"dfs.datanode.scan.period.hours", "soon"}}).ok());
}

}  // namespace
}  // namespace hayloft::datanode
