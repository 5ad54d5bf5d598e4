// Plain HTTP requests to a daemon's web server, for integration tests:
//   ASSERT_OK_AND_ASSIGN(HttpResult r, HttpGet(cluster.namenode_http_address(), "/metrics"));
//   EXPECT_EQ(r.status, 200);
#ifndef HAYLOFT_TESTS_TESTING_HTTP_CLIENT_H_
#define HAYLOFT_TESTS_TESTING_HTTP_CLIENT_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace hayloft::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names as the server sent them
  std::string Header(const std::string& name) const;  // first value, or ""
};

// `address` is "host:port"; `path` includes any query. Does not follow redirects.
// Unavailable if the server cannot be reached.
absl::StatusOr<HttpResult> HttpGet(const std::string& address, const std::string& path);

}  // namespace hayloft::testing

#endif  // HAYLOFT_TESTS_TESTING_HTTP_CLIENT_H_
