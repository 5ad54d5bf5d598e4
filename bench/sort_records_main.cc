// bench-sort-records: writes --records 100-byte sort records in the ASCII format of
// the Sort Benchmark's `gensort -a`, the same bytes for the same flags everywhere:
//   key (10 printable ASCII bytes, ' '..'~') | 2 spaces | row id (32 hex digits)
//   | 2 spaces | 52 filler bytes | "\r\n"
// Because every record ends in '\n' and holds no other, the file is at once a file
// of TeraSort's 100-byte records (10-byte key first) and a file of lines that GNU
// sort can sort; in the C locale both orders agree (keys do not repeat in practice:
// 95^10 possible keys).
//   bench-sort-records --records 10737418 --seed 42 --out records
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/seeded_random.h"

ABSL_FLAG(int64_t, records, 10000, "records to write (100 bytes each)");
ABSL_FLAG(uint64_t, seed, 42, "random seed");
ABSL_FLAG(std::string, out, "", "output file");

namespace {

constexpr int kRecordBytes = 100;

void AppendRecord(uint64_t row, hayloft::bench::SeededRandom& rng, std::string& out) {
  static const char kHex[] = "0123456789ABCDEF";
  for (int i = 0; i < 10; ++i) out.push_back(static_cast<char>(' ' + rng.Below(95)));
  out += "  ";
  for (int i = 31; i >= 0; --i) out.push_back(i >= 16 ? '0' : kHex[(row >> (4 * i)) & 15]);
  out += "  ";
  for (int g = 0; g < 13; ++g) out.append(4, kHex[(row + g) & 15]);
  out += "\r\n";
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string path = absl::GetFlag(FLAGS_out);
  if (path.empty()) {
    std::cerr << "usage: bench-sort-records --records N --seed S --out FILE\n";
    return 2;
  }
  FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    std::perror(path.c_str());
    return 1;
  }
  hayloft::bench::SeededRandom rng(absl::GetFlag(FLAGS_seed));
  const int64_t records = absl::GetFlag(FLAGS_records);
  std::string chunk;
  for (int64_t row = 0; row < records;) {
    chunk.clear();
    for (int i = 0; i < 10000 && row < records; ++i, ++row) {
      AppendRecord(static_cast<uint64_t>(row), rng, chunk);
    }
    if (std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) {
      std::perror(path.c_str());
      return 1;
    }
  }
  if (std::fclose(out) != 0) {
    std::perror(path.c_str());
    return 1;
  }
  static_assert(kRecordBytes == 10 + 2 + 32 + 2 + 52 + 2);
  return 0;
}
