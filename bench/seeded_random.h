// SeededRandom: xoshiro256** seeded through SplitMix64. The benchmark generators
// use it instead of <random>'s distributions, whose output the standard leaves to
// the implementation: the same seed gives the same bytes on every machine.
//
// Not thread-safe; one per generator.
#ifndef HAYLOFT_BENCH_SEEDED_RANDOM_H_
#define HAYLOFT_BENCH_SEEDED_RANDOM_H_

#include <cstdint>

namespace hayloft::bench {

class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) {
    for (uint64_t& s : s_) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      s = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n); n > 0. The tiny modulo bias does not matter here.
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace hayloft::bench

#endif  // HAYLOFT_BENCH_SEEDED_RANDOM_H_
