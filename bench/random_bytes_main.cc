// bench-random-bytes: writes --bytes pseudo-random bytes, the same for the same
// --seed on every machine (the DFS throughput benchmarks' file).
//   bench-random-bytes --bytes 1073741824 --seed 42 --out file
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/seeded_random.h"

ABSL_FLAG(int64_t, bytes, 1 << 20, "bytes to write");
ABSL_FLAG(uint64_t, seed, 42, "random seed");
ABSL_FLAG(std::string, out, "", "output file");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string path = absl::GetFlag(FLAGS_out);
  if (path.empty()) {
    std::cerr << "usage: bench-random-bytes --bytes N --seed S --out FILE\n";
    return 2;
  }
  FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    std::perror(path.c_str());
    return 1;
  }
  hayloft::bench::SeededRandom rng(absl::GetFlag(FLAGS_seed));
  std::vector<char> chunk(1 << 20);
  for (int64_t left = absl::GetFlag(FLAGS_bytes); left > 0;) {
    for (size_t i = 0; i < chunk.size(); i += 8) {
      const uint64_t v = rng.Next();
      std::memcpy(&chunk[i], &v, 8);
    }
    const size_t n = static_cast<size_t>(std::min<int64_t>(left, chunk.size()));
    if (std::fwrite(chunk.data(), 1, n, out) != n) {
      std::perror(path.c_str());
      return 1;
    }
    left -= static_cast<int64_t>(n);
  }
  if (std::fclose(out) != 0) {
    std::perror(path.c_str());
    return 1;
  }
  return 0;
}
