// The HTTP side of WebHDFS shared by the namenode and the datanodes: a request and
// response as the handlers see them (independent of cpp-httplib, so the namenode's
// handler is tested without sockets), and the conversions to and from httplib.
#ifndef HAYLOFT_COMMON_WEB_WEBHDFS_HTTP_H_
#define HAYLOFT_COMMON_WEB_WEBHDFS_HTTP_H_

#include <httplib.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/status.h"

namespace hayloft::webhdfs {

// Every WebHDFS URL starts with this: http://host:port/webhdfs/v1/<path>?op=...
inline constexpr char kPrefix[] = "/webhdfs/v1";
// The httplib route for the prefix and everything under it.
inline constexpr char kRoute[] = R"(/webhdfs/v1(/.*)?)";

struct WebHdfsRequest {
  std::string method;  // "GET", "PUT", "POST" or "DELETE"
  // The percent-decoded request path after kPrefix: "" or "/" for the root.
  std::string path;
  std::multimap<std::string, std::string> query;  // decoded names and values
  std::string remote_host;  // the client's address, for picking a datanode near it
  std::string host_header;  // the Host the client addressed ("host:port")
  // True if the request has a body (Content-Length > 0 or chunked).
  bool has_body = false;
};

struct WebHdfsResponse {
  int status = 200;
  std::string content_type;  // empty when there is no body
  std::string body;
  std::string location;      // the Location header, if any

  static WebHdfsResponse Json(const nlohmann::json& body, int status = 200);
  // {"RemoteException": ...} with the exception's HTTP status. `s` must not be OK.
  static WebHdfsResponse Error(const absl::Status& s);
  // 307 Temporary Redirect to `url` with an empty body, as Hadoop sends it.
  static WebHdfsResponse Redirect(std::string url);
  // 200 with an empty body (SETPERMISSION, SETOWNER, APPEND on a datanode).
  static WebHdfsResponse Empty(int status = 200);
};

WebHdfsRequest FromHttplib(const httplib::Request& req);
void ToHttplib(const WebHdfsResponse& r, httplib::Response& res);

}  // namespace hayloft::webhdfs

#endif  // HAYLOFT_COMMON_WEB_WEBHDFS_HTTP_H_
