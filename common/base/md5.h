// MD5 (RFC 1321), for HDFS's MD5-of-MD5-of-CRC file checksums. Not for security.
#ifndef HAYLOFT_COMMON_BASE_MD5_H_
#define HAYLOFT_COMMON_BASE_MD5_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace hayloft {

// Incremental MD5. Not thread-safe.
class Md5 {
 public:
  using Digest = std::array<uint8_t, 16>;

  Md5();
  void Update(absl::string_view data);
  // Ends the message; the object must not be updated afterwards.
  Digest Finish();

  static Digest Of(absl::string_view data);
  // The 16 digest bytes as a string.
  static std::string Bytes(const Digest& d) { return std::string(d.begin(), d.end()); }
  // Lower-case hex.
  static std::string Hex(absl::string_view bytes);

 private:
  void Block(const uint8_t* p);

  uint32_t state_[4];
  uint64_t length_ = 0;  // bytes so far
  uint8_t buffer_[64];
  size_t buffered_ = 0;
};

}  // namespace hayloft

#endif  // HAYLOFT_COMMON_BASE_MD5_H_
