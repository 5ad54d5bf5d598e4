#include "common/base/crc32c.h"

#include <algorithm>
#include <cstring>

namespace hayloft::crc32c {
namespace {

constexpr uint32_t kPoly = 0x82F63B78;  // reflected Castagnoli polynomial

struct Table {
  uint32_t t[8][256];
  constexpr Table() : t() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    }
  }
};
constexpr Table kTable;

uint32_t ExtendPortable(uint32_t crc, const uint8_t* p, size_t n) {
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    w ^= crc;
    crc = kTable.t[7][w & 0xff] ^ kTable.t[6][(w >> 8) & 0xff] ^
          kTable.t[5][(w >> 16) & 0xff] ^ kTable.t[4][(w >> 24) & 0xff] ^
          kTable.t[3][(w >> 32) & 0xff] ^ kTable.t[2][(w >> 40) & 0xff] ^
          kTable.t[1][(w >> 48) & 0xff] ^ kTable.t[0][w >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = kTable.t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

// Sums whole chunks [0, count) of p, `ways` of them at a time where the CPU allows;
// returns how many it did (the caller does the rest one by one).
using ChunkBatchFn = size_t (*)(const uint8_t* p, size_t count, size_t chunk, uint32_t* out);

size_t NoChunkBatch(const uint8_t*, size_t, size_t, uint32_t*) { return 0; }

#if defined(__x86_64__)
inline uint64_t Load64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const uint8_t* p,
                                                       size_t n) {
  uint64_t c = crc;
  while (n >= 8) {
    c = __builtin_ia32_crc32di(c, Load64(p));
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n-- > 0) c32 = __builtin_ia32_crc32qi(c32, *p++);
  return c32;
}

// The crc32 instruction takes 3 cycles but can start one every cycle: a single
// stream waits on its own result, so three independent chunks run in the time of
// one. Chunk CRCs need no combining, unlike splitting one long stream.
__attribute__((target("sse4.2"))) size_t ChunkBatchSse42(const uint8_t* p, size_t count,
                                                         size_t chunk, uint32_t* out) {
  if (chunk % 8 != 0) return 0;
  size_t i = 0;
  for (; i + 3 <= count; i += 3) {
    const uint8_t* a = p + i * chunk;
    const uint8_t* b = a + chunk;
    const uint8_t* c = b + chunk;
    uint64_t ca = 0xffffffffu, cb = 0xffffffffu, cc = 0xffffffffu;
    for (size_t k = 0; k < chunk; k += 8) {
      ca = __builtin_ia32_crc32di(ca, Load64(a + k));
      cb = __builtin_ia32_crc32di(cb, Load64(b + k));
      cc = __builtin_ia32_crc32di(cc, Load64(c + k));
    }
    out[i] = ~static_cast<uint32_t>(ca);
    out[i + 1] = ~static_cast<uint32_t>(cb);
    out[i + 2] = ~static_cast<uint32_t>(cc);
  }
  return i;
}

bool HaveSse42() {
  static const bool have = __builtin_cpu_supports("sse4.2");
  return have;
}
#endif

ChunkBatchFn ChunkBatch() {
#if defined(__x86_64__)
  if (HaveSse42()) return ChunkBatchSse42;
#endif
  return NoChunkBatch;
}

size_t NumChunks(size_t n, size_t chunk) { return (n + chunk - 1) / chunk; }

// Writes the CRC of every chunk of data[0, n) to out[0, NumChunks(n, chunk)).
void SumChunks(const uint8_t* p, size_t n, size_t chunk, uint32_t* out) {
  static const ChunkBatchFn batch = ChunkBatch();
  size_t done = batch(p, n / chunk, chunk, out);
  for (size_t i = done; i * chunk < n; ++i) {
    out[i] = Value(p + i * chunk, std::min(chunk, n - i * chunk));
  }
}

}  // namespace

uint32_t Extend(uint32_t init, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t crc = ~init;
#if defined(__x86_64__)
  if (HaveSse42()) return ~ExtendSse42(crc, p, n);
#endif
  return ~ExtendPortable(crc, p, n);
}

void ChunkSums(absl::string_view data, size_t chunk, std::vector<uint32_t>* out) {
  size_t first = out->size();
  out->resize(first + NumChunks(data.size(), chunk));
  SumChunks(reinterpret_cast<const uint8_t*>(data.data()), data.size(), chunk,
            out->data() + first);
}

size_t FirstMismatch(absl::string_view data, size_t chunk, absl::Span<const uint32_t> sums) {
  // Sum a batch at a time on the stack: a whole 1 MiB packet is 2048 chunks.
  constexpr size_t kBatchChunks = 255;  // a multiple of the 3 chunks summed at once
  uint32_t got[kBatchChunks];
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  for (size_t first = 0; first < sums.size(); first += kBatchChunks) {
    size_t count = std::min(kBatchChunks, sums.size() - first);
    size_t start = first * chunk;
    size_t bytes = std::min(count * chunk, data.size() - std::min(start, data.size()));
    SumChunks(p + start, bytes, chunk, got);
    size_t have = NumChunks(bytes, chunk);  // fewer than count only if data is short
    for (size_t i = 0; i < count; ++i) {
      if (i >= have || got[i] != sums[first + i]) return first + i;
    }
  }
  return sums.size();
}

}  // namespace hayloft::crc32c
