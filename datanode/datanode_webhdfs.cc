#include "datanode/datanode_webhdfs.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"
#include "common/web/webhdfs_error.h"
#include "common/web/webhdfs_http.h"

namespace hayloft::datanode {

using webhdfs::WebHdfsParams;
using webhdfs::WebHdfsRequest;
using webhdfs::WebHdfsResponse;

namespace {

metrics::Counter* const kBytesWritten = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_webhdfs_bytes_written_total",
    "Bytes of WebHDFS CREATE and APPEND bodies written through this datanode.");
metrics::Counter* const kBytesRead = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_webhdfs_bytes_read_total", "Bytes of files sent by WebHDFS OPEN.");

// The op of a request to a datanode, which serves only the data operations:
// anything else is Hadoop's datanode error "Invalid operation <op>".
absl::StatusOr<std::string> DatanodeOp(const WebHdfsParams& params, const std::string& method) {
  std::string raw = params.Get("op").value_or("");
  std::string op = absl::AsciiStrToUpper(raw);
  bool ok = (method == "PUT" && op == "CREATE") || (method == "POST" && op == "APPEND") ||
            (method == "GET" && (op == "OPEN" || op == "GETFILECHECKSUM"));
  if (!ok) return webhdfs::IllegalArgument(absl::StrCat("Invalid operation ", raw));
  return op;
}

// HDFS refuses to read or append to a directory with FileNotFoundException "Path
// is not a file"; the namenode words it differently.
absl::Status NotAFile(absl::Status s, const std::string& path) {
  if (absl::IsFailedPrecondition(s) && absl::StrContains(s.message(), "is a directory")) {
    return absl::NotFoundError(absl::StrCat("Path is not a file: ", path));
  }
  return s;
}

// CREATE's parameters: permission 644 unless given (WebHDFS applies no umask),
// replication and block size from the namenode unless given.
absl::StatusOr<CreateOptions> CreateOptionsOf(const WebHdfsParams& p) {
  CreateOptions o;
  HL_ASSIGN_OR_RETURN(o.overwrite, p.Bool("overwrite", false));
  HL_ASSIGN_OR_RETURN(o.create_parent, p.Bool("createparent", true));
  HL_ASSIGN_OR_RETURN(std::optional<uint32_t> permission, p.Permission());
  HL_ASSIGN_OR_RETURN(std::optional<int32_t> replication, p.Short("replication"));
  HL_ASSIGN_OR_RETURN(std::optional<int64_t> block_size, p.Long("blocksize", 1));
  HL_ASSIGN_OR_RETURN(std::optional<int32_t> buffer_size, p.PositiveInt("buffersize"));
  (void)buffer_size;  // checked as Hadoop does; the client sizes its own packets
  o.permission = permission.value_or(0644);
  o.exact_permission = true;
  if (replication.has_value()) {
    if (*replication <= 0) {
      return webhdfs::IoException(absl::StrCat("Requested replication factor of ", *replication,
                                               " is less than the required minimum of 1"));
    }
    o.replication = static_cast<uint32_t>(*replication);
  }
  o.block_size = static_cast<uint64_t>(block_size.value_or(0));
  return o;
}

// {"FileChecksum": {"algorithm", "bytes" (hex), "length"}}, as Hadoop's JsonUtil.
nlohmann::json FileChecksumJson(const FileChecksum& c) {
  return {{"FileChecksum",
           {{"algorithm", c.algorithm},
            {"bytes", absl::BytesToHexString(c.bytes)},
            {"length", c.length}}}};
}

void SendError(const absl::Status& s, httplib::Response& res) {
  webhdfs::ToHttplib(WebHdfsResponse::Error(s), res);
}

// An open file being sent: owns the client the stream reads through.
struct OpenFile {
  std::unique_ptr<DfsClient> client;     // declared first: destroyed after `in`
  std::unique_ptr<DfsInputStream> in;
  uint64_t remaining = 0;
  std::string buffer;
};

}  // namespace

void DatanodeWebHdfs::Register(httplib::Server& server) {
  server.Put(webhdfs::kRoute, [this](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader) {
    HandleWrite(req, res, reader);
  });
  server.Post(webhdfs::kRoute, [this](const httplib::Request& req, httplib::Response& res,
                                      const httplib::ContentReader& reader) {
    HandleWrite(req, res, reader);
  });
  server.Get(webhdfs::kRoute, [this](const httplib::Request& req, httplib::Response& res) {
    HandleRead(req, res);
  });
  // A browser's preflight for a cross-origin CREATE (a page on the namenode
  // uploading here), answered as Hadoop's datanode answers it.
  server.Options(webhdfs::kRoute, [](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_header("Access-Control-Allow-Headers", "Accept, Content-Type");
    res.set_header("Access-Control-Allow-Methods", "PUT, POST");
    res.set_header("Access-Control-Max-Age", "1728000");
  });
}

absl::StatusOr<std::unique_ptr<DfsClient>> DatanodeWebHdfs::NewClient(const WebHdfsParams& params,
                                                                      const std::string& op,
                                                                      const std::string& user) const {
  std::optional<std::string> namenode = params.Get("namenoderpcaddress");
  if (!namenode.has_value() || namenode->empty()) {
    return webhdfs::IllegalArgument(
        absl::StrCat("Required param namenoderpcaddress for op: ", op, " is null or empty"));
  }
  // Taken from the request, as Hadoop does: under simple authentication the
  // caller names the user anyway, so naming the namenode gives nothing more.
  DfsClientOptions o;
  o.namenode_address = *namenode;
  o.user = user;
  o.client_host = options_.host;
  o.rpc_timeout = options_.rpc_timeout;
  return DfsClient::Create(std::move(o));
}

void DatanodeWebHdfs::HandleWrite(const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& reader) {
  WebHdfsRequest r = webhdfs::FromHttplib(req);
  WebHdfsParams params(r.query);
  std::string location;
  absl::Status s = [&]() -> absl::Status {
    HL_ASSIGN_OR_RETURN(std::string op, DatanodeOp(params, r.method));
    HL_ASSIGN_OR_RETURN(std::string user, params.User());
    HL_ASSIGN_OR_RETURN(std::string path, webhdfs::RequestPath(r.path));
    HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsClient> client, NewClient(params, op, user));
    std::unique_ptr<DfsOutputStream> out;
    if (op == "CREATE") {
      HL_ASSIGN_OR_RETURN(CreateOptions o, CreateOptionsOf(params));
      HL_ASSIGN_OR_RETURN(out, client->Create(path, o));
      location = absl::StrCat("hdfs://", *params.Get("namenoderpcaddress"),
                              webhdfs::EncodePath(path));
    } else {
      HL_ASSIGN_OR_RETURN(std::optional<int32_t> buffer_size, params.PositiveInt("buffersize"));
      (void)buffer_size;
      absl::StatusOr<std::unique_ptr<DfsOutputStream>> appended = client->Append(path);
      if (!appended.ok()) return NotAFile(appended.status(), path);
      out = *std::move(appended);
    }
    absl::Status write_status;
    bool complete = reader([&](const char* data, size_t n) {
      write_status = out->Write(absl::string_view(data, n));
      if (write_status.ok()) kBytesWritten->Increment(static_cast<double>(n));
      return write_status.ok();
    });
    HL_RETURN_IF_ERROR(write_status);
    // Like Hadoop's HdfsWriter, a body cut short still closes the file with what
    // arrived: that releases the lease at once rather than after the hard limit.
    absl::Status closed = out->Close();
    if (!complete) {
      return webhdfs::IoException(absl::StrCat("the request body for ", path, " ended early"));
    }
    return closed;
  }();
  if (!s.ok()) {
    VLOG(1) << "webhdfs " << r.method << " " << r.path << ": " << s;
    SendError(s, res);
    // The body may be partly unread: it must not be parsed as the next request.
    res.set_header("Connection", "close");
    return;
  }
  res.set_header("Access-Control-Allow-Origin", "*");
  if (!location.empty()) {
    res.status = 201;
    res.set_header("Location", location);
  } else {
    res.status = 200;
  }
}

void DatanodeWebHdfs::HandleRead(const httplib::Request& req, httplib::Response& res) {
  WebHdfsRequest r = webhdfs::FromHttplib(req);
  WebHdfsParams params(r.query);
  absl::Status s = [&]() -> absl::Status {
    HL_ASSIGN_OR_RETURN(std::string op, DatanodeOp(params, r.method));
    HL_ASSIGN_OR_RETURN(std::string user, params.User());
    HL_ASSIGN_OR_RETURN(std::string path, webhdfs::RequestPath(r.path));
    HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsClient> client, NewClient(params, op, user));
    if (op == "OPEN") return Open(params, path, std::move(client), res);
    absl::StatusOr<FileChecksum> checksum = client->GetFileChecksum(path);
    if (!checksum.ok()) return NotAFile(checksum.status(), path);
    webhdfs::ToHttplib(WebHdfsResponse::Json(FileChecksumJson(*checksum)), res);
    return absl::OkStatus();
  }();
  if (!s.ok()) {
    VLOG(1) << "webhdfs " << r.method << " " << r.path << ": " << s;
    SendError(s, res);
  }
}

absl::Status DatanodeWebHdfs::Open(const WebHdfsParams& params, const std::string& path,
                                   std::unique_ptr<DfsClient> client, httplib::Response& res) {
  HL_ASSIGN_OR_RETURN(std::optional<int64_t> offset, params.Long("offset", 0));
  HL_ASSIGN_OR_RETURN(std::optional<int64_t> length, params.Long("length", 0));
  HL_ASSIGN_OR_RETURN(std::optional<int32_t> buffer_size, params.PositiveInt("buffersize"));
  (void)buffer_size;
  auto file = std::make_shared<OpenFile>();
  file->client = std::move(client);
  absl::StatusOr<std::unique_ptr<DfsInputStream>> in = file->client->Open(path);
  if (!in.ok()) return NotAFile(in.status(), path);
  file->in = *std::move(in);
  const uint64_t start = static_cast<uint64_t>(offset.value_or(0));
  if (start > file->in->length()) {
    return webhdfs::WithJavaException(absl::OutOfRangeError("Cannot seek after EOF"),
                                      "java.io.EOFException");
  }
  HL_RETURN_IF_ERROR(file->in->Seek(start));
  file->remaining = file->in->length() - start;
  if (length.has_value()) file->remaining = std::min<uint64_t>(file->remaining, *length);
  const size_t chunk = options_.read_chunk_bytes;
  res.status = 200;
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Allow-Methods", "GET");
  if (file->remaining == 0) {
    // httplib takes a provider of length 0 for one of unknown length.
    res.set_content("", "application/octet-stream");
    return absl::OkStatus();
  }
  // httplib asks for the bytes after this handler returns; `file` lives in the
  // provider until the response is done.
  res.set_content_provider(
      file->remaining, "application/octet-stream",
      [file, chunk, path](size_t, size_t, httplib::DataSink& sink) {
        if (file->remaining == 0) return true;
        file->buffer.resize(std::min<uint64_t>(file->remaining, chunk));
        absl::StatusOr<size_t> n = file->in->Read(file->buffer.data(), file->buffer.size());
        if (!n.ok() || *n == 0) {
          // Headers are out: all we can do is cut the response short.
          LOG(WARNING) << "webhdfs OPEN " << path << " failed after the headers were sent: "
                       << (n.ok() ? absl::DataLossError("unexpected end of file") : n.status());
          return false;
        }
        file->remaining -= *n;
        kBytesRead->Increment(static_cast<double>(*n));
        return sink.write(file->buffer.data(), *n);
      });
  return absl::OkStatus();
}

}  // namespace hayloft::datanode
