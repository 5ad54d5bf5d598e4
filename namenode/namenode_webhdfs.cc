#include "namenode/namenode_webhdfs.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/ascii.h"
#include "common/base/host_port.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"
#include "common/web/webhdfs_error.h"
#include "common/web/webhdfs_params.h"
#include "namenode/webhdfs_json.h"

namespace hayloft {

using webhdfs::WebHdfsParams;
using webhdfs::WebHdfsRequest;
using webhdfs::WebHdfsResponse;

struct NamenodeWebHdfs::Call {
  const WebHdfsRequest& request;
  WebHdfsParams params;
  std::string op;    // upper case
  std::string user;  // user.name or dr.who
  std::string path;  // valid and normalized

  // A namesystem request carrying the caller.
  template <typename Req>
  Req NewRequest() const {
    Req r;
    r.mutable_header()->set_user(user);
    return r;
  }
};

namespace {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

nlohmann::json Boolean(bool b) { return {{"boolean", b}}; }

// What a data operation passes on to the datanode, and OPEN's offset.
struct DataOpParams {
  QueryParams forward;  // normalized values, sorted by name as Hadoop sorts them
  int64_t offset = 0;
};

absl::StatusOr<DataOpParams> ParseDataOpParams(const std::string& op, const WebHdfsParams& p) {
  DataOpParams d;
  HL_ASSIGN_OR_RETURN(std::optional<int32_t> buffer_size, p.PositiveInt("buffersize"));
  if (buffer_size.has_value()) d.forward.emplace_back("buffersize", absl::StrCat(*buffer_size));
  if (op == "CREATE") {
    HL_ASSIGN_OR_RETURN(std::optional<int64_t> block_size, p.Long("blocksize", 1));
    HL_ASSIGN_OR_RETURN(std::optional<int32_t> replication, p.Short("replication"));
    HL_ASSIGN_OR_RETURN(std::optional<uint32_t> permission, p.Permission());
    HL_ASSIGN_OR_RETURN(bool overwrite, p.Bool("overwrite", false));
    HL_ASSIGN_OR_RETURN(bool create_parent, p.Bool("createparent", true));
    if (block_size.has_value()) d.forward.emplace_back("blocksize", absl::StrCat(*block_size));
    if (replication.has_value()) d.forward.emplace_back("replication", absl::StrCat(*replication));
    if (permission.has_value()) {
      d.forward.emplace_back("permission", webhdfs::PermissionString(*permission));
    }
    d.forward.emplace_back("overwrite", overwrite ? "true" : "false");
    d.forward.emplace_back("createparent", create_parent ? "true" : "false");
  } else if (op == "OPEN") {
    HL_ASSIGN_OR_RETURN(std::optional<int64_t> offset, p.Long("offset", 0));
    HL_ASSIGN_OR_RETURN(std::optional<int64_t> length, p.Long("length", 0));
    d.offset = offset.value_or(0);
    d.forward.emplace_back("offset", absl::StrCat(d.offset));
    if (length.has_value()) d.forward.emplace_back("length", absl::StrCat(*length));
  }
  std::sort(d.forward.begin(), d.forward.end());
  return d;
}

bool Usable(const DatanodeInfo& d) {
  return !d.dead() && d.admin_state() != DatanodeInfo::DECOMMISSIONED && d.id().http_port() > 0;
}

// excludedatanodes: "host" or "host:port" (the datanode's data address), comma
// separated.
bool Excluded(const DatanodeInfo& d, const std::optional<std::string>& excluded) {
  if (!excluded.has_value()) return false;
  for (absl::string_view e : absl::StrSplit(*excluded, ',', absl::SkipWhitespace())) {
    e = absl::StripAsciiWhitespace(e);
    if (e == d.id().host() || e == absl::StrCat(d.id().host(), ":", d.id().rpc_port())) {
      return true;
    }
  }
  return false;
}

// Hadoop's old rename() answers false, not an error, when the source is missing,
// the destination exists or its parent is missing, or the destination lies under
// the source.
bool RenameRefused(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kInvalidArgument:
      return true;
    case absl::StatusCode::kFailedPrecondition:
      return !absl::StrContains(s.message(), "safe mode");
    default:
      return false;
  }
}

// The destination of RENAME as Hadoop's DestinationParam takes it: absolute,
// with duplicate and trailing slashes dropped (Path normalization).
absl::StatusOr<std::string> Destination(const WebHdfsParams& p) {
  std::optional<std::string> dst = p.Get("destination");
  if (!dst.has_value() || dst->empty() || *dst == "null") {
    return webhdfs::IllegalArgument("Required param destination for op: RENAME is null or empty");
  }
  if ((*dst)[0] != '/') {
    return webhdfs::InvalidParameter(
        "destination",
        absl::StrCat("Invalid parameter value: destination = \"", *dst,
                     "\" is not an absolute path."));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(*dst, '/', absl::SkipEmpty());
  std::string out = absl::StrCat("/", absl::StrJoin(parts, "/"));
  if (!webhdfs::IsValidHdfsName(out)) {
    return webhdfs::IoException(absl::StrCat("Invalid name: ", out));
  }
  return out;
}

}  // namespace

WebHdfsResponse NamenodeWebHdfs::Handle(const WebHdfsRequest& request) {
  std::string op_label = "INVALID";  // bounded: never a label from an unknown op
  Response r = [&]() -> Response {
    WebHdfsParams params(request.query);
    // Hadoop checks the op first (parameter parsing), then the path.
    HL_ASSIGN_OR_RETURN(std::string op, params.Op(request.method));
    op_label = op;
    HL_ASSIGN_OR_RETURN(std::string user, params.User());
    HL_ASSIGN_OR_RETURN(std::string path, webhdfs::RequestPath(request.path));
    Call c{request, std::move(params), std::move(op), std::move(user), std::move(path)};
    return Dispatch(c);
  }();
  if (!r.ok()) VLOG(1) << "webhdfs " << request.method << " " << request.path << ": " << r.status();
  WebHdfsResponse response = r.ok() ? *std::move(r) : WebHdfsResponse::Error(r.status());
  metrics::DefaultRegistry()
      .GetCounter("dfs_namenode_webhdfs_requests_total",
                  "WebHDFS requests answered by the namenode, by op and HTTP status.",
                  {{"op", op_label}, {"code", absl::StrCat(response.status)}})
      ->Increment();
  return response;
}

NamenodeWebHdfs::Response NamenodeWebHdfs::Dispatch(const Call& c) {
  using Handler = Response (NamenodeWebHdfs::*)(const Call&);
  static const auto* const kHandlers = new absl::flat_hash_map<std::string, Handler>{
      {"GETFILESTATUS", &NamenodeWebHdfs::GetFileStatus},
      {"LISTSTATUS", &NamenodeWebHdfs::ListStatus},
      {"LISTSTATUS_BATCH", &NamenodeWebHdfs::ListStatusBatch},
      {"GETCONTENTSUMMARY", &NamenodeWebHdfs::GetContentSummary},
      {"GETHOMEDIRECTORY", &NamenodeWebHdfs::GetHomeDirectory},
      {"MKDIRS", &NamenodeWebHdfs::Mkdirs},
      {"RENAME", &NamenodeWebHdfs::Rename},
      {"DELETE", &NamenodeWebHdfs::Delete},
      {"SETREPLICATION", &NamenodeWebHdfs::SetReplication},
      {"SETPERMISSION", &NamenodeWebHdfs::SetPermission},
      {"SETOWNER", &NamenodeWebHdfs::SetOwner},
      {"CREATE", &NamenodeWebHdfs::Redirect},
      {"APPEND", &NamenodeWebHdfs::Redirect},
      {"OPEN", &NamenodeWebHdfs::Redirect},
      {"GETFILECHECKSUM", &NamenodeWebHdfs::Redirect},
  };
  auto it = kHandlers->find(c.op);
  if (it == kHandlers->end()) {
    return webhdfs::UnsupportedOperation(absl::StrCat("op=", c.op, " is not supported"));
  }
  return (this->*(it->second))(c);
}

NamenodeWebHdfs::Response NamenodeWebHdfs::GetFileStatus(const Call& c) {
  auto req = c.NewRequest<GetFileInfoRequest>();
  req.set_path(c.path);
  HL_ASSIGN_OR_RETURN(GetFileInfoResponse resp, namesystem_->GetFileInfo(req));
  if (!resp.exists()) return absl::NotFoundError(absl::StrCat("File does not exist: ", c.path));
  return WebHdfsResponse::Json(webhdfs::FileStatusJson(resp.status()));
}

NamenodeWebHdfs::Response NamenodeWebHdfs::ListStatus(const Call& c) {
  auto req = c.NewRequest<ListStatusRequest>();
  req.set_path(c.path);
  std::vector<FileStatus> entries;
  while (true) {
    absl::StatusOr<ListStatusResponse> page = namesystem_->ListStatus(req);
    if (absl::IsNotFound(page.status())) {
      return absl::NotFoundError(absl::StrCat("File ", c.path, " does not exist."));
    }
    if (!page.ok()) return page.status();
    for (FileStatus& s : *page->mutable_entries()) {
      if (!page->is_dir()) s.clear_path();  // a file lists itself with pathSuffix ""
      entries.push_back(std::move(s));
    }
    if (!page->is_dir() || page->remaining() <= 0 || page->entries_size() == 0) break;
    req.set_start_after(entries.back().path());
  }
  return WebHdfsResponse::Json(webhdfs::FileStatusesJson(entries));
}

NamenodeWebHdfs::Response NamenodeWebHdfs::ListStatusBatch(const Call& c) {
  auto req = c.NewRequest<ListStatusRequest>();
  req.set_path(c.path);
  req.set_start_after(c.params.Get("startafter").value_or(""));
  req.set_limit(options_.list_batch_size);
  absl::StatusOr<ListStatusResponse> page = namesystem_->ListStatus(req);
  if (absl::IsNotFound(page.status())) {
    return absl::NotFoundError(absl::StrCat("File ", c.path, " does not exist."));
  }
  if (!page.ok()) return page.status();
  std::vector<FileStatus> entries(page->entries().begin(), page->entries().end());
  if (!page->is_dir()) {
    for (FileStatus& s : entries) s.clear_path();
  }
  return WebHdfsResponse::Json(
      {{"DirectoryListing",
        {{"partialListing", webhdfs::FileStatusesJson(entries)},
         {"remainingEntries", page->remaining()}}}});
}

NamenodeWebHdfs::Response NamenodeWebHdfs::GetContentSummary(const Call& c) {
  auto req = c.NewRequest<GetContentSummaryRequest>();
  req.set_path(c.path);
  HL_ASSIGN_OR_RETURN(GetContentSummaryResponse resp, namesystem_->GetContentSummary(req));
  return WebHdfsResponse::Json(webhdfs::ContentSummaryJson(resp));
}

NamenodeWebHdfs::Response NamenodeWebHdfs::GetHomeDirectory(const Call& c) {
  return WebHdfsResponse::Json({{"Path", absl::StrCat("/user/", c.user)}});
}

NamenodeWebHdfs::Response NamenodeWebHdfs::Mkdirs(const Call& c) {
  HL_ASSIGN_OR_RETURN(std::optional<uint32_t> permission, c.params.Permission());
  auto req = c.NewRequest<MkdirsRequest>();
  req.set_path(c.path);
  // WebHDFS's default for directories, and no umask (Hadoop's WebHDFS applies none).
  req.set_permission(permission.value_or(0755));
  req.set_exact_permission(true);
  req.set_create_parent(true);
  HL_RETURN_IF_ERROR(namesystem_->Mkdirs(req));
  return WebHdfsResponse::Json(Boolean(true));
}

NamenodeWebHdfs::Response NamenodeWebHdfs::Rename(const Call& c) {
  HL_ASSIGN_OR_RETURN(std::string dst, Destination(c.params));
  auto req = c.NewRequest<RenameRequest>();
  req.set_src(c.path);
  req.set_dst(dst);
  absl::Status s = namesystem_->Rename(req);
  if (!s.ok() && !RenameRefused(s)) return s;
  if (!s.ok()) VLOG(1) << "webhdfs RENAME " << c.path << " to " << dst << " refused: " << s;
  return WebHdfsResponse::Json(Boolean(s.ok()));
}

NamenodeWebHdfs::Response NamenodeWebHdfs::Delete(const Call& c) {
  HL_ASSIGN_OR_RETURN(bool recursive, c.params.Bool("recursive", false));
  if (c.path == "/") {
    // HDFS never deletes the root: false, after refusing a non-recursive delete of
    // a non-empty one as it would any directory.
    auto info = c.NewRequest<GetFileInfoRequest>();
    info.set_path("/");
    HL_ASSIGN_OR_RETURN(GetFileInfoResponse root, namesystem_->GetFileInfo(info));
    if (!recursive && root.status().children_num() > 0) {
      return absl::FailedPreconditionError("`/ is non empty': Directory is not empty");
    }
    return WebHdfsResponse::Json(Boolean(false));
  }
  auto req = c.NewRequest<DeleteRequest>();
  req.set_path(c.path);
  req.set_recursive(recursive);
  HL_ASSIGN_OR_RETURN(DeleteResponse resp, namesystem_->Delete(req));
  return WebHdfsResponse::Json(Boolean(resp.deleted()));
}

NamenodeWebHdfs::Response NamenodeWebHdfs::SetReplication(const Call& c) {
  HL_ASSIGN_OR_RETURN(std::optional<int32_t> replication, c.params.Short("replication"));
  auto req = c.NewRequest<SetReplicationRequest>();
  req.set_path(c.path);
  req.set_replication(static_cast<uint32_t>(
      std::max<int32_t>(0, replication.value_or(static_cast<int32_t>(options_.default_replication)))));
  absl::Status s = namesystem_->SetReplication(req);
  // HDFS answers false for a path that is missing or a directory.
  if (absl::IsNotFound(s) ||
      (absl::IsFailedPrecondition(s) && absl::StrContains(s.message(), "is a directory"))) {
    return WebHdfsResponse::Json(Boolean(false));
  }
  HL_RETURN_IF_ERROR(s);
  return WebHdfsResponse::Json(Boolean(true));
}

NamenodeWebHdfs::Response NamenodeWebHdfs::SetPermission(const Call& c) {
  HL_ASSIGN_OR_RETURN(std::optional<uint32_t> permission, c.params.Permission());
  auto req = c.NewRequest<SetPermissionRequest>();
  req.set_path(c.path);
  req.set_permission(permission.value_or(0755));  // Hadoop's default here too
  HL_RETURN_IF_ERROR(namesystem_->SetPermission(req));
  return WebHdfsResponse::Empty();
}

NamenodeWebHdfs::Response NamenodeWebHdfs::SetOwner(const Call& c) {
  // An empty owner or group, like a missing one, leaves it as it is.
  std::string owner = c.params.Get("owner").value_or("");
  std::string group = c.params.Get("group").value_or("");
  if (owner.empty() && group.empty()) {
    return webhdfs::IllegalArgument("Both owner and group are empty.");
  }
  auto req = c.NewRequest<SetOwnerRequest>();
  req.set_path(c.path);
  req.set_owner(owner);
  req.set_group(group);
  HL_RETURN_IF_ERROR(namesystem_->SetOwner(req));
  return WebHdfsResponse::Empty();
}

NamenodeWebHdfs::Response NamenodeWebHdfs::Redirect(const Call& c) {
  HL_ASSIGN_OR_RETURN(bool noredirect, c.params.Bool("noredirect", false));
  HL_ASSIGN_OR_RETURN(DataOpParams data, ParseDataOpParams(c.op, c.params));
  HL_ASSIGN_OR_RETURN(DatanodeInfo dn, ChooseDatanode(c, data.offset));
  std::string url = absl::StrCat("http://", dn.id().host(), ":", dn.id().http_port(),
                                 webhdfs::kPrefix, webhdfs::EncodePath(c.path), "?op=", c.op);
  // As Hadoop: the user only if the client named one (the datanode defaults the same way).
  if (std::optional<std::string> user = c.params.Get("user.name"); user && !user->empty()) {
    absl::StrAppend(&url, "&user.name=", webhdfs::EncodeQueryValue(*user));
  }
  absl::StrAppend(&url, "&namenoderpcaddress=", webhdfs::EncodeQueryValue(RpcAddressFor(c)));
  for (const auto& [name, value] : data.forward) {
    absl::StrAppend(&url, "&", name, "=", webhdfs::EncodeQueryValue(value));
  }
  if (noredirect) return WebHdfsResponse::Json({{"Location", url}});
  return WebHdfsResponse::Redirect(std::move(url));
}

absl::StatusOr<DatanodeInfo> NamenodeWebHdfs::ChooseDatanode(const Call& c, int64_t open_offset) {
  if (c.op == "CREATE") return AnyDatanode(c);
  auto info_req = c.NewRequest<GetFileInfoRequest>();
  info_req.set_path(c.path);
  HL_ASSIGN_OR_RETURN(GetFileInfoResponse info, namesystem_->GetFileInfo(info_req));
  if (!info.exists()) return absl::NotFoundError(absl::StrCat("File ", c.path, " not found."));
  const int64_t len = info.status().is_dir() ? 0 : static_cast<int64_t>(info.status().length());
  if (c.op == "OPEN" && open_offset >= len && len > 0) {
    return webhdfs::IoException(absl::StrCat("Offset=", open_offset, " out of the range [0, ", len,
                                             "); OPEN, path=", c.path));
  }
  if (len == 0) return AnyDatanode(c);
  // OPEN reads from `offset`; APPEND and GETFILECHECKSUM start at the last block.
  auto req = c.NewRequest<GetBlockLocationsRequest>();
  req.set_path(c.path);
  req.set_offset(static_cast<uint64_t>(c.op == "OPEN" ? open_offset : len - 1));
  req.set_length(1);
  req.set_client_host(c.request.remote_host);
  HL_ASSIGN_OR_RETURN(GetBlockLocationsResponse locations, namesystem_->GetBlockLocations(req));
  if (locations.blocks().empty()) return AnyDatanode(c);
  std::optional<std::string> excluded = c.params.Get("excludedatanodes");
  // Locations come nearest the client first.
  for (const DatanodeInfo& d : locations.blocks(0).locations()) {
    if (Usable(d) && !Excluded(d, excluded)) return d;
  }
  return webhdfs::IoException("No active nodes contain this block");
}

absl::StatusOr<DatanodeInfo> NamenodeWebHdfs::AnyDatanode(const Call& c) {
  std::optional<std::string> excluded = c.params.Get("excludedatanodes");
  std::vector<DatanodeInfo> candidates;
  // Asked as the namenode itself (empty user): picking a datanode is the
  // namenode's business, not a report for the caller, who need not be the superuser.
  HL_ASSIGN_OR_RETURN(GetDatanodeReportResponse report,
                      namesystem_->GetDatanodeReport(GetDatanodeReportRequest()));
  for (const DatanodeInfo& d : report.datanodes()) {
    if (!Usable(d) || d.admin_state() != DatanodeInfo::NORMAL || Excluded(d, excluded)) continue;
    // A client on a datanode's host writes there, as HDFS places a writer's first
    // replica on its own node.
    if (d.id().host() == c.request.remote_host) return d;
    candidates.push_back(d);
  }
  if (candidates.empty()) {
    return webhdfs::IoException(
        absl::StrCat("Failed to find datanode, suggest to check cluster health. excludeDatanodes=",
                     excluded.value_or("null")));
  }
  absl::BitGen rng;
  return candidates[absl::Uniform<size_t>(rng, 0, candidates.size())];
}

std::string NamenodeWebHdfs::RpcAddressFor(const Call& c) const {
  absl::StatusOr<HostPort> rpc = HostPort::Parse(options_.rpc_address, 8020);
  if (!rpc.ok()) return options_.rpc_address;
  if (rpc->host.empty() || rpc->host == "0.0.0.0" || rpc->host == "::") {
    absl::StatusOr<HostPort> addressed = HostPort::Parse(c.request.host_header, 80);
    rpc->host = addressed.ok() && !addressed->host.empty() ? addressed->host : "127.0.0.1";
  }
  return rpc->ToString();
}

void NamenodeWebHdfs::Register(httplib::Server& server) {
  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    webhdfs::ToHttplib(Handle(webhdfs::FromHttplib(req)), res);
  };
  // PUT and POST take a content reader so that a body sent here (a one-step
  // CREATE) is never read into memory. It is not read at all: the connection is
  // closed after the answer so the body cannot be taken for the next request.
  auto handle_with_body = [this](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader&) {
    WebHdfsRequest r = webhdfs::FromHttplib(req);
    webhdfs::ToHttplib(Handle(r), res);
    if (r.has_body) res.set_header("Connection", "close");
  };
  server.Get(webhdfs::kRoute, handle);
  server.Delete(webhdfs::kRoute, handle);
  server.Put(webhdfs::kRoute, handle_with_body);
  server.Post(webhdfs::kRoute, handle_with_body);
  // No namenode operation needs a body: answer before the client sends it
  // (RFC 7231 5.1.1), which is what makes a one-step `curl -L -T file` CREATE work.
  server.set_expect_100_continue_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        absl::string_view path = req.path;
        if (!absl::ConsumePrefix(&path, webhdfs::kPrefix) || !(path.empty() || path[0] == '/')) {
          return 100;
        }
        webhdfs::ToHttplib(Handle(webhdfs::FromHttplib(req)), res);
        res.set_header("Connection", "close");
        return res.status;
      });
}

}  // namespace hayloft
