// Deterministic test data: the same (size, seed) always gives the same bytes, so a
// test can check content without keeping it.
#ifndef HAYLOFT_TESTS_TESTING_RANDOM_BYTES_H_
#define HAYLOFT_TESTS_TESTING_RANDOM_BYTES_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

namespace hayloft::testing {

inline std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    std::memcpy(s.data() + i, &v, std::min<size_t>(8, n - i));
  }
  return s;
}

}  // namespace hayloft::testing

#endif  // HAYLOFT_TESTS_TESTING_RANDOM_BYTES_H_
