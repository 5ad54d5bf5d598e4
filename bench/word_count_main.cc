// bench-word-count: the WordCount baseline. One thread reads a local file in 4 MiB
// reads, splits it into words exactly as examples/wordcount does (runs of
// non-whitespace), counts them in one hash map, and writes "word<TAB>count" lines
// sorted by word (bytewise), the same lines the WordCount job writes.
//   bench-word-count IN OUT
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

using Counts = absl::flat_hash_map<std::string, int64_t>;

void Count(absl::string_view word, Counts& counts) {
  auto it = counts.find(word);
  if (it != counts.end()) {
    ++it->second;
  } else {
    counts.emplace(word, 1);
  }
}

// Counts the words of `fd`; a word cut by the end of a read waits in `carry`.
bool CountFile(int fd, Counts& counts) {
  std::vector<char> buf(4 << 20);
  std::string carry;
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) return false;
    if (n == 0) break;
    const char* p = buf.data();
    const char* end = p + n;
    if (!carry.empty()) {
      while (p < end && !IsSpace(*p)) carry.push_back(*p++);
      if (p == end) continue;
      Count(carry, counts);
      carry.clear();
    }
    while (p < end) {
      while (p < end && IsSpace(*p)) ++p;
      const char* start = p;
      while (p < end && !IsSpace(*p)) ++p;
      if (p == end) {
        carry.assign(start, p);
      } else if (p > start) {
        Count(absl::string_view(start, p - start), counts);
      }
    }
  }
  if (!carry.empty()) Count(carry, counts);
  return true;
}

bool WriteSorted(const Counts& counts, const char* path) {
  std::vector<std::pair<absl::string_view, int64_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end());
  FILE* out = std::fopen(path, "wb");
  if (out == nullptr) return false;
  for (const auto& [word, n] : sorted) {
    std::fwrite(word.data(), 1, word.size(), out);
    std::fprintf(out, "\t%lld\n", static_cast<long long>(n));
  }
  return std::fclose(out) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench-word-count IN OUT\n");
    return 2;
  }
  const int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
  Counts counts;
  if (fd < 0 || !CountFile(fd, counts)) {
    std::perror(argv[1]);
    return 1;
  }
  ::close(fd);
  if (!WriteSorted(counts, argv[2])) {
    std::perror(argv[2]);
    return 1;
  }
  return 0;
}
