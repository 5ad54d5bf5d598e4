#include "client/file_checksum.h"

#include <gtest/gtest.h>

#include "common/base/md5.h"

namespace hayloft {
namespace {

TEST(FileChecksumTest, EmptyFileGetsHdfsMagicValue) {
  FileChecksum c = EmptyFileChecksum();
  EXPECT_EQ(c.algorithm, "MD5-of-0MD5-of-0CRC32");
  EXPECT_EQ(c.length, 28u);
  EXPECT_EQ(Md5::Hex(c.bytes), "00000000000000000000000070bc8f4b72a86921468bf8e8441dce51");
}

TEST(FileChecksumTest, SerializesAsHadoopWritesIt) {
  std::string a = Md5::Bytes(Md5::Of("block one crcs"));
  std::string b = Md5::Bytes(Md5::Of("block two crcs"));
  FileChecksum c = MakeMd5Md5CrcChecksum(512, 2048, "CRC32C", {a, b});
  EXPECT_EQ(c.algorithm, "MD5-of-2048MD5-of-512CRC32C");
  ASSERT_EQ(c.bytes.size(), 28u);
  EXPECT_EQ(c.length, 28u);
  // int bytesPerCRC, long crcPerBlock, both big-endian, then MD5(a + b).
  EXPECT_EQ(Md5::Hex(c.bytes.substr(0, 12)), "000002000000000000000800");
  EXPECT_EQ(c.bytes.substr(12), Md5::Bytes(Md5::Of(a + b)));
}

}  // namespace
}  // namespace hayloft
