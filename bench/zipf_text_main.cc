// bench-zipf-text: writes about --bytes of text whose words follow a Zipf law, the
// same bytes for the same flags on every machine.
//   bench-zipf-text --bytes 1073741824 --seed 42 --out words.txt
// The vocabulary has --vocabulary made-up lowercase words; the word of rank r (0 is
// the most frequent) appears with probability proportional to 1/(r+1)^s, and
// frequent words are shorter, as in natural language. Lines hold 5 to 15 words
// separated by single spaces. The file ends at the first line end at or past
// --bytes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/seeded_random.h"

ABSL_FLAG(int64_t, bytes, 1 << 20, "size of the text (rounded up to a line end)");
ABSL_FLAG(uint64_t, seed, 42, "random seed");
ABSL_FLAG(int, vocabulary, 100000, "distinct words");
ABSL_FLAG(double, exponent, 1.0, "Zipf exponent s");
ABSL_FLAG(std::string, out, "", "output file");

namespace {

using hayloft::bench::SeededRandom;

// Distinct words; rank r gets 2 + ~1.5*log10(r+1) + (0..2) letters.
std::vector<std::string> MakeVocabulary(int n, SeededRandom& rng) {
  std::vector<std::string> words;
  absl::flat_hash_set<std::string> seen;
  words.reserve(n);
  for (int r = 0; r < n; ++r) {
    const int base = 2 + static_cast<int>(1.5 * std::log10(r + 1.0));
    while (true) {
      const int len = base + static_cast<int>(rng.Below(3));
      std::string w;
      for (int i = 0; i < len; ++i) w.push_back(static_cast<char>('a' + rng.Below(26)));
      if (seen.insert(w).second) {
        words.push_back(std::move(w));
        break;
      }
    }
  }
  return words;
}

// Walker's alias table: O(1) draws from a discrete distribution.
class AliasTable {
 public:
  explicit AliasTable(const std::vector<double>& weights)
      : prob_(weights.size()), alias_(weights.size()) {
    const size_t n = weights.size();
    double total = 0;
    for (double w : weights) total += w;
    std::vector<double> scaled(n);
    std::vector<size_t> small, large;
    for (size_t i = 0; i < n; ++i) {
      scaled[i] = weights[i] * static_cast<double>(n) / total;
      (scaled[i] < 1 ? small : large).push_back(i);
    }
    while (!small.empty() && !large.empty()) {
      const size_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] -= 1 - scaled[s];
      if (scaled[l] < 1) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (size_t i : large) prob_[i] = 1;
    for (size_t i : small) prob_[i] = 1;
  }

  size_t Draw(SeededRandom& rng) const {
    const size_t i = rng.Below(prob_.size());
    return rng.NextDouble() < prob_[i] ? i : alias_[i];
  }

 private:
  std::vector<double> prob_;
  std::vector<size_t> alias_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string out_path = absl::GetFlag(FLAGS_out);
  const int vocabulary = absl::GetFlag(FLAGS_vocabulary);
  if (out_path.empty() || vocabulary < 1) {
    std::cerr << "usage: bench-zipf-text --bytes N --seed S [--vocabulary V] --out FILE\n";
    return 2;
  }
  SeededRandom rng(absl::GetFlag(FLAGS_seed));
  const std::vector<std::string> words = MakeVocabulary(vocabulary, rng);
  std::vector<double> weights(words.size());
  for (size_t r = 0; r < words.size(); ++r) {
    weights[r] = 1.0 / std::pow(static_cast<double>(r + 1), absl::GetFlag(FLAGS_exponent));
  }
  const AliasTable table(weights);
  FILE* out = std::fopen(out_path.c_str(), "wb");
  if (out == nullptr) {
    std::perror(out_path.c_str());
    return 1;
  }
  const int64_t target = absl::GetFlag(FLAGS_bytes);
  int64_t written = 0;
  std::string chunk;
  while (written < target) {
    chunk.clear();
    while (chunk.size() < (1 << 20) && written + static_cast<int64_t>(chunk.size()) < target) {
      const int n = 5 + static_cast<int>(rng.Below(11));
      for (int i = 0; i < n; ++i) {
        if (i > 0) chunk.push_back(' ');
        chunk += words[table.Draw(rng)];
      }
      chunk.push_back('\n');
    }
    if (std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) {
      std::perror(out_path.c_str());
      return 1;
    }
    written += static_cast<int64_t>(chunk.size());
  }
  if (std::fclose(out) != 0) {
    std::perror(out_path.c_str());
    return 1;
  }
  return 0;
}
