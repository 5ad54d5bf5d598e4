#include "common/base/crc32c.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hayloft {
namespace {

// Test vectors from RFC 3720 (iSCSI), appendix B.4, and the common "123456789" check.
TEST(Crc32cTest, MatchesRfc3720Vectors) {
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32c::Value(zeros), 0x8A9136AAu);
  std::string ones(32, '\xff');
  EXPECT_EQ(crc32c::Value(ones), 0x62A8AB43u);
  std::string inc(32, '\0');
  for (int i = 0; i < 32; ++i) inc[i] = static_cast<char>(i);
  EXPECT_EQ(crc32c::Value(inc), 0x46DD794Eu);
  std::string dec(32, '\0');
  for (int i = 0; i < 32; ++i) dec[i] = static_cast<char>(31 - i);
  EXPECT_EQ(crc32c::Value(dec), 0x113FDB5Cu);
}

TEST(Crc32cTest, MatchesCheckValue) { EXPECT_EQ(crc32c::Value("123456789"), 0xE3069283u); }

TEST(Crc32cTest, EmptyIsZero) { EXPECT_EQ(crc32c::Value(""), 0u); }

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string data;
  for (int i = 0; i < 10000; ++i) data.push_back(static_cast<char>(i * 7 + 3));
  uint32_t whole = crc32c::Value(data);
  for (size_t split : {size_t{0}, size_t{1}, size_t{7}, size_t{512}, size_t{9999}}) {
    uint32_t part = crc32c::Value(data.data(), split);
    EXPECT_EQ(crc32c::Extend(part, data.data() + split, data.size() - split), whole) << split;
  }
}

TEST(Crc32cTest, ChunkSumsCoversShortLastChunk) {
  std::string data(1300, 'x');
  std::vector<uint32_t> sums;
  crc32c::ChunkSums(data, 512, &sums);
  ASSERT_EQ(sums.size(), 3u);
  EXPECT_EQ(sums[0], crc32c::Value(data.data(), 512));
  EXPECT_EQ(sums[2], crc32c::Value(data.data() + 1024, 276));
}

}  // namespace
}  // namespace hayloft
