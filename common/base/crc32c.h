// CRC32C (Castagnoli), as HDFS uses for its 512-byte checksum chunks. Uses the
// SSE4.2 crc32 instruction when the CPU has it, a table otherwise.
#ifndef HAYLOFT_COMMON_BASE_CRC32C_H_
#define HAYLOFT_COMMON_BASE_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace hayloft::crc32c {

// Returns the CRC32C of data[0, n) continuing from `init` (the CRC of what came
// before; 0 to start).
uint32_t Extend(uint32_t init, const void* data, size_t n);

inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(absl::string_view s) { return Extend(0, s.data(), s.size()); }

// Appends one CRC per `chunk` bytes of data (the last chunk may be shorter).
// Several chunks are summed at once, so this is about 3x faster per byte than
// calling Value() chunk by chunk.
void ChunkSums(absl::string_view data, size_t chunk, std::vector<uint32_t>* out);

// The index of the first `chunk`-byte piece of data (the last may be shorter)
// whose CRC differs from sums[i]; sums.size() if all match. Precondition:
// sums.size() is the number of chunks in data.
size_t FirstMismatch(absl::string_view data, size_t chunk, absl::Span<const uint32_t> sums);

}  // namespace hayloft::crc32c

#endif  // HAYLOFT_COMMON_BASE_CRC32C_H_
