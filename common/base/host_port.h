// "host:port" addresses.
#ifndef HAYLOFT_COMMON_BASE_HOST_PORT_H_
#define HAYLOFT_COMMON_BASE_HOST_PORT_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace hayloft {

struct HostPort {
  std::string host;
  int port = 0;

  std::string ToString() const;
  // Parses "host:port"; also accepts "hdfs://host:port[/...]". A missing port
  // takes `default_port`.
  static absl::StatusOr<HostPort> Parse(absl::string_view text, int default_port);
};

}  // namespace hayloft

#endif  // HAYLOFT_COMMON_BASE_HOST_PORT_H_
