#include "common/base/md5.h"

#include <openssl/evp.h>

#include "common/base/logging.h"

namespace hayloft {

Md5::Md5() : ctx_(EVP_MD_CTX_new()) {
  // Only allocation can fail here; MD5 is in OpenSSL's default provider.
  CHECK(ctx_ != nullptr && EVP_DigestInit_ex(ctx_, EVP_md5(), nullptr) == 1)
      << "OpenSSL cannot compute MD5";
}

Md5::~Md5() { EVP_MD_CTX_free(ctx_); }

void Md5::Update(absl::string_view data) { EVP_DigestUpdate(ctx_, data.data(), data.size()); }

Md5::Digest Md5::Finish() {
  Digest d{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_, d.data(), &n);
  return d;
}

Md5::Digest Md5::Of(absl::string_view data) {
  Md5 md5;
  md5.Update(data);
  return md5.Finish();
}

std::string Md5::Hex(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

}  // namespace hayloft
