// MD5, for HDFS's MD5-of-MD5-of-CRC file checksums (not for security), computed by
// OpenSSL's EVP interface.
#ifndef HAYLOFT_COMMON_BASE_MD5_H_
#define HAYLOFT_COMMON_BASE_MD5_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"

struct evp_md_ctx_st;

namespace hayloft {

// Incremental MD5. Not thread-safe.
class Md5 {
 public:
  using Digest = std::array<uint8_t, 16>;

  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;

  void Update(absl::string_view data);
  // Ends the message; the object must not be updated afterwards.
  Digest Finish();

  static Digest Of(absl::string_view data);
  // The 16 digest bytes as a string.
  static std::string Bytes(const Digest& d) { return std::string(d.begin(), d.end()); }
  // Lower-case hex.
  static std::string Hex(absl::string_view bytes);

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace hayloft

#endif  // HAYLOFT_COMMON_BASE_MD5_H_
