#include "common/base/md5.h"

#include <gtest/gtest.h>

namespace hayloft {
namespace {

std::string HexOf(absl::string_view s) { return Md5::Hex(Md5::Bytes(Md5::Of(s))); }

TEST(Md5Test, Rfc1321Vectors) {
  EXPECT_EQ(HexOf(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexOf("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(HexOf("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(HexOf("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(HexOf("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(HexOf("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
  // HDFS's checksum of an empty file is the MD5 of 32 zero bytes.
  EXPECT_EQ(HexOf(std::string(32, '\0')), "70bc8f4b72a86921468bf8e8441dce51");
}

TEST(Md5Test, IncrementalEqualsWhole) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 7);
  for (size_t split : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 500u, 1000u}) {
    Md5 m;
    m.Update(absl::string_view(data).substr(0, split));
    m.Update(absl::string_view(data).substr(split));
    EXPECT_EQ(m.Finish(), Md5::Of(data)) << split;
  }
}

}  // namespace
}  // namespace hayloft
