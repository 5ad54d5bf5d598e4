// DatanodeWebHdfs: the datanode's half of WebHDFS (Hadoop's datanode
// WebHdfsHandler). The namenode redirects data operations to a datanode's HTTP
// port with the namenode's RPC address added:
//
//   PUT  /webhdfs/v1/<path>?op=CREATE&namenoderpcaddress=...  body -> new file, 201
//   POST /webhdfs/v1/<path>?op=APPEND&namenoderpcaddress=...  body -> appended, 200
//   GET  /webhdfs/v1/<path>?op=OPEN&offset=&length=&namenoderpcaddress=...  -> bytes
//   GET  /webhdfs/v1/<path>?op=GETFILECHECKSUM&namenoderpcaddress=...  -> FileChecksum
//
// Each request goes through its own DFS client, as the request's user (user.name,
// else dr.who), with this datanode as the client's host, so a CREATE's first
// replica lands here. Bodies stream in both directions: the request body is read
// in the pieces httplib receives and written as it comes; a file is sent by a
// content provider ~1 MiB at a time. Neither is ever held whole in memory, and
// chunked request bodies work.
//
// Thread-safe: requests run on the web server's threads and share nothing.
#ifndef HAYLOFT_DATANODE_DATANODE_WEBHDFS_H_
#define HAYLOFT_DATANODE_DATANODE_WEBHDFS_H_

#include <httplib.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/dfs_client.h"
#include "common/web/webhdfs_params.h"

namespace hayloft::datanode {

struct DatanodeWebHdfsOptions {
  std::string host;  // this datanode's advertised host: the DFS clients' host
  absl::Duration rpc_timeout = absl::Seconds(20);  // per namenode call
  size_t read_chunk_bytes = 1 << 20;  // bytes per piece of an OPEN response
};

// Thread-safe. Owned by the Datanode; must outlive the web server that calls it.
class DatanodeWebHdfs {
 public:
  explicit DatanodeWebHdfs(DatanodeWebHdfsOptions options) : options_(std::move(options)) {}

  // Serves /webhdfs/v1 on `server`.
  void Register(httplib::Server& server);

 private:
  // CREATE and APPEND: streams the request body into the file.
  void HandleWrite(const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& reader);
  // OPEN and GETFILECHECKSUM.
  void HandleRead(const httplib::Request& req, httplib::Response& res);
  absl::Status Open(const webhdfs::WebHdfsParams& params, const std::string& path,
                    std::unique_ptr<DfsClient> client, httplib::Response& res);

  // A DFS client for the namenode named by namenoderpcaddress, acting as `user`.
  absl::StatusOr<std::unique_ptr<DfsClient>> NewClient(const webhdfs::WebHdfsParams& params,
                                                       const std::string& op,
                                                       const std::string& user) const;

  const DatanodeWebHdfsOptions options_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_DATANODE_WEBHDFS_H_
