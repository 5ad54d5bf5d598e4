#include "common/base/crc32c.h"

#include <algorithm>
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

// The batched chunk sums (several chunks in flight) must equal one-by-one sums for
// every chunk size and every count of whole chunks around the batch width.
TEST(Crc32cTest, ChunkSumsEqualsOneByOne) {
  std::string data;
  for (int i = 0; i < 40000; ++i) data.push_back(static_cast<char>((i * 131 + 17) >> 3));
  for (size_t chunk : {size_t{512}, size_t{8}, size_t{100}, size_t{4096}}) {
    for (size_t n : {size_t{0}, size_t{1}, chunk, 2 * chunk, 3 * chunk, 3 * chunk + 1,
                     7 * chunk - 1, size_t{40000}}) {
      if (n > data.size()) continue;
      absl::string_view part(data.data(), n);
      std::vector<uint32_t> sums = {42};  // appends after what is there
      crc32c::ChunkSums(part, chunk, &sums);
      ASSERT_EQ(sums.size(), 1 + (n + chunk - 1) / chunk) << chunk << " " << n;
      EXPECT_EQ(sums[0], 42u);
      for (size_t i = 0; i + 1 < sums.size(); ++i) {
        size_t len = std::min(chunk, n - i * chunk);
        EXPECT_EQ(sums[i + 1], crc32c::Value(data.data() + i * chunk, len))
            << "chunk " << chunk << " n " << n << " i " << i;
      }
    }
  }
}

TEST(Crc32cTest, ChunkSumsOfKnownVector) {
  std::string data = std::string(32, '\0') + std::string(32, '\xff') + "123456789";
  std::vector<uint32_t> sums;
  crc32c::ChunkSums(data, 32, &sums);
  EXPECT_EQ(sums, (std::vector<uint32_t>{0x8A9136AAu, 0x62A8AB43u, 0xE3069283u}));
}

TEST(Crc32cTest, FirstMismatchFindsEachBadChunk) {
  std::string data(1 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 2654435761u >> 24);
  data.resize(data.size() - 100);  // a short last chunk
  std::vector<uint32_t> sums;
  crc32c::ChunkSums(data, 512, &sums);
  EXPECT_EQ(crc32c::FirstMismatch(data, 512, sums), sums.size());
  // Past the 255-chunk batches too, and the short last chunk.
  for (size_t bad : {size_t{0}, size_t{1}, size_t{254}, size_t{255}, size_t{256}, size_t{1000},
                     sums.size() - 1}) {
    std::string corrupt = data;
    corrupt[bad * 512 + 5] ^= 1;
    EXPECT_EQ(crc32c::FirstMismatch(corrupt, 512, sums), bad);
  }
  EXPECT_EQ(crc32c::FirstMismatch(absl::string_view(data).substr(0, 1024), 512,
                                  absl::MakeConstSpan(sums).subspan(0, 2)),
            2u);
}

// Data shorter than the checksums cover: the chunks with no bytes are mismatches.
TEST(Crc32cTest, FirstMismatchOfShortData) {
  std::string data(2048, 'y');
  std::vector<uint32_t> sums;
  crc32c::ChunkSums(data, 512, &sums);
  EXPECT_EQ(crc32c::FirstMismatch(absl::string_view(data).substr(0, 1024), 512, sums), 2u);
}

}  // namespace
}  // namespace hayloft
