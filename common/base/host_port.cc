#include "common/base/host_port.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hayloft {

std::string HostPort::ToString() const { return absl::StrCat(host, ":", port); }

absl::StatusOr<HostPort> HostPort::Parse(absl::string_view text, int default_port) {
  absl::string_view t = text;
  if (size_t scheme = t.find("://"); scheme != absl::string_view::npos) {
    t.remove_prefix(scheme + 3);
  }
  if (size_t slash = t.find('/'); slash != absl::string_view::npos) t = t.substr(0, slash);
  HostPort hp;
  size_t colon = t.rfind(':');
  if (colon == absl::string_view::npos) {
    hp.host = std::string(t);
    hp.port = default_port;
  } else {
    hp.host = std::string(t.substr(0, colon));
    if (!absl::SimpleAtoi(t.substr(colon + 1), &hp.port) || hp.port < 0 || hp.port > 65535) {
      return absl::InvalidArgumentError(absl::StrCat("bad port in address '", text, "'"));
    }
  }
  if (hp.host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no host in address '", text, "'"));
  }
  return hp;
}

}  // namespace hayloft
