#include "common/web/webhdfs_http.h"

#include "absl/strings/match.h"
#include "common/web/webhdfs_error.h"

namespace hayloft::webhdfs {

WebHdfsResponse WebHdfsResponse::Json(const nlohmann::json& body, int status) {
  WebHdfsResponse r;
  r.status = status;
  r.content_type = "application/json";
  // A path is bytes: one that is not UTF-8 must not make dump() throw.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

WebHdfsResponse WebHdfsResponse::Error(const absl::Status& s) {
  RemoteException e = ToRemoteException(s);
  return Json(e.ToJson(), e.http_status);
}

WebHdfsResponse WebHdfsResponse::Redirect(std::string url) {
  WebHdfsResponse r;
  r.status = 307;
  r.location = std::move(url);
  return r;
}

WebHdfsResponse WebHdfsResponse::Empty(int status) {
  WebHdfsResponse r;
  r.status = status;
  return r;
}

WebHdfsRequest FromHttplib(const httplib::Request& req) {
  WebHdfsRequest r;
  r.method = req.method;
  // httplib hands over the path percent-decoded ('+' stays '+', as in a URL path).
  absl::string_view path = req.path;
  if (absl::StartsWith(path, kPrefix)) path.remove_prefix(sizeof(kPrefix) - 1);
  r.path = std::string(path);
  r.query = req.params;
  r.remote_host = req.remote_addr;
  r.host_header = req.get_header_value("Host");
  r.has_body = req.get_header_value<uint64_t>("Content-Length") > 0 ||
               absl::EqualsIgnoreCase(req.get_header_value("Transfer-Encoding"), "chunked");
  return r;
}

void ToHttplib(const WebHdfsResponse& r, httplib::Response& res) {
  res.status = r.status;
  if (!r.location.empty()) res.set_header("Location", r.location);
  if (!r.content_type.empty()) {
    res.set_content(r.body, r.content_type.c_str());
  } else {
    // httplib sends "Content-Length: 0" for an empty body.
    res.body.clear();
  }
}

}  // namespace hayloft::webhdfs
