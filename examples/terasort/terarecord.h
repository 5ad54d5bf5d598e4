// TeraSort records, shared by teragen, terasort and teravalidate: 100 bytes,
// a 10-byte random key then a 90-byte value, as Hadoop's TeraGen writes them:
//   key[10] | 00 11 | row id, 32 hex digits | 88 99 AA BB | 48 filler bytes | CC DD EE FF
#ifndef HAYLOFT_EXAMPLES_TERASORT_TERARECORD_H_
#define HAYLOFT_EXAMPLES_TERASORT_TERARECORD_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace terasort {

inline constexpr int kRecordBytes = 100;
inline constexpr int kKeyBytes = 10;

inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The record of row `row` (the same bytes on every run).
inline std::string MakeRecord(uint64_t row) {
  std::string r;
  r.reserve(kRecordBytes);
  uint64_t a = SplitMix64(row), b = SplitMix64(a);
  for (int i = 0; i < 8; ++i) r.push_back(static_cast<char>((a >> (8 * i)) & 0xff));
  for (int i = 0; i < 2; ++i) r.push_back(static_cast<char>((b >> (8 * i)) & 0xff));
  r += std::string("\x00\x11", 2);
  char hex[33];
  std::snprintf(hex, sizeof(hex), "%032llx", static_cast<unsigned long long>(row));
  r += hex;
  r += "\x88\x99\xAA\xBB";
  for (int i = 0; i < 48; ++i) r.push_back(static_cast<char>('A' + (row + i) % 26));
  r += "\xCC\xDD\xEE\xFF";
  return r;
}

// Order-independent checksum of a set of records: the sum of a 64-bit hash of each.
inline uint64_t RecordHash(std::string_view key, std::string_view value) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  for (unsigned char c : value) h = (h ^ c) * 1099511628211ull;
  return h;
}

inline std::string Hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace terasort

#endif  // HAYLOFT_EXAMPLES_TERASORT_TERARECORD_H_
