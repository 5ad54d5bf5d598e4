#include "tests/testing/http_client.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "common/base/host_port.h"
#include "common/base/status_macros.h"

namespace hayloft::testing {

std::string HttpResult::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

absl::StatusOr<HttpResult> HttpGet(const std::string& address, const std::string& path) {
  HL_ASSIGN_OR_RETURN(HostPort hp, HostPort::Parse(address, 80));
  httplib::Client client(hp.host, hp.port);
  client.set_connection_timeout(5);
  client.set_read_timeout(60);
  httplib::Result res = client.Get(path.c_str());
  if (!res) {
    return absl::UnavailableError(absl::StrCat("GET http://", address, path, ": ",
                                               httplib::to_string(res.error())));
  }
  HttpResult out;
  out.status = res->status;
  out.body = res->body;
  for (const auto& [k, v] : res->headers) out.headers.emplace(k, v);
  return out;
}

}  // namespace hayloft::testing
