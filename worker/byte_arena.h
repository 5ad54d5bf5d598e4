// ByteArena: bump allocation of bytes in blocks that never move, freed all at once.
// The combining buffer keeps its keys and value lists here: one allocation per
// block instead of one per key or value, and views into it stay valid until Clear.
#ifndef HAYLOFT_WORKER_BYTE_ARENA_H_
#define HAYLOFT_WORKER_BYTE_ARENA_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace hayloft::worker {

// Not thread-safe; owned by one CombiningBuffer.
class ByteArena {
 public:
  explicit ByteArena(size_t block_bytes) : block_bytes_(std::max<size_t>(block_bytes, 64)) {}

  // n bytes, valid until Clear. Never null.
  char* Allocate(size_t n) {
    if (n > left_) NewBlock(n);
    char* p = next_;
    next_ += n;
    left_ -= n;
    return p;
  }
  // Frees every block.
  void Clear() {
    blocks_.clear();
    next_ = nullptr;
    left_ = 0;
    bytes_reserved_ = 0;
  }
  // Bytes of the blocks held, used or not: what memory accounting must charge.
  int64_t bytes_reserved() const { return bytes_reserved_; }

 private:
  // A request larger than a block gets a block of its own size; the rest of the
  // current block is abandoned (at most one value's worth per block).
  void NewBlock(size_t n) {
    const size_t size = std::max(block_bytes_, n);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    next_ = blocks_.back().get();
    left_ = size;
    bytes_reserved_ += static_cast<int64_t>(size);
  }

  const size_t block_bytes_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
  int64_t bytes_reserved_ = 0;
};

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_BYTE_ARENA_H_
