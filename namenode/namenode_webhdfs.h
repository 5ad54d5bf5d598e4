// NamenodeWebHdfs: the WebHDFS REST API on the namenode's HTTP port, with Hadoop's
// semantics (NamenodeWebHdfsMethods): /webhdfs/v1/<path>?op=...&user.name=...
//
//   GET     GETFILESTATUS LISTSTATUS LISTSTATUS_BATCH GETCONTENTSUMMARY
//           GETHOMEDIRECTORY; OPEN and GETFILECHECKSUM redirect to a datanode
//   PUT     MKDIRS RENAME SETREPLICATION SETPERMISSION SETOWNER; CREATE redirects
//   POST    APPEND redirects
//   DELETE  DELETE
//
// A redirect (307, or 200 {"Location": ...} with noredirect=true) names a datanode's
// HTTP port, where DatanodeWebHdfs moves the bytes: for OPEN a replica of the block
// at `offset` (the one nearest the client first), for APPEND and GETFILECHECKSUM
// one of the last block, for CREATE any live datanode (the client's own host if it
// is one). Errors are {"RemoteException": ...} with Hadoop's status codes.
//
// The operations call the Namesystem in-process as the request's user, the way
// NamenodeServiceImpl does for RPCs: this class is the HTTP twin of that thin
// adapter (parse the request, call one Namesystem method, render JSON). A
// DfsClient would add a loopback RPC to our own process and make the namenode
// depend on the client library, for nothing.
//
// Thread-safe: requests run on the web server's threads; the Namesystem is
// thread-safe.
#ifndef HAYLOFT_NAMENODE_NAMENODE_WEBHDFS_H_
#define HAYLOFT_NAMENODE_NAMENODE_WEBHDFS_H_

#include <httplib.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "common/web/webhdfs_http.h"
#include "namenode/namesystem.h"

namespace hayloft {

struct NamenodeWebHdfsOptions {
  // "host:port" of the namenode's RPC server, passed on in redirects
  // (namenoderpcaddress) so the datanode can reach it. A wildcard host (0.0.0.0)
  // is replaced by the host the client addressed.
  std::string rpc_address;
  uint32_t default_replication = 3;  // dfs.replication: SETREPLICATION without a value
  int list_batch_size = 1000;        // dfs.ls.limit: entries per LISTSTATUS_BATCH reply
};

// Thread-safe. Owned by the Namenode; must outlive the web server that calls it.
class NamenodeWebHdfs {
 public:
  NamenodeWebHdfs(Namesystem* namesystem, NamenodeWebHdfsOptions options)
      : namesystem_(namesystem), options_(std::move(options)) {}

  // Answers one request. Errors come back as RemoteException responses.
  webhdfs::WebHdfsResponse Handle(const webhdfs::WebHdfsRequest& request);

  // Serves /webhdfs/v1 on `server`. Installs the server's Expect: 100-continue
  // handler too: a CREATE that announces its data gets the redirect before
  // sending it, instead of uploading it to the namenode.
  void Register(httplib::Server& server);

 private:
  struct Call;  // one parsed request (namenode_webhdfs.cc)
  using Response = absl::StatusOr<webhdfs::WebHdfsResponse>;

  Response Dispatch(const Call& c);
  Response GetFileStatus(const Call& c);
  Response ListStatus(const Call& c);
  Response ListStatusBatch(const Call& c);
  Response GetContentSummary(const Call& c);
  Response GetHomeDirectory(const Call& c);
  Response Mkdirs(const Call& c);
  Response Rename(const Call& c);
  Response Delete(const Call& c);
  Response SetReplication(const Call& c);
  Response SetPermission(const Call& c);
  Response SetOwner(const Call& c);
  // CREATE, APPEND, OPEN, GETFILECHECKSUM.
  Response Redirect(const Call& c);

  // The datanode a data operation is sent to (see the file comment).
  absl::StatusOr<DatanodeInfo> ChooseDatanode(const Call& c, int64_t open_offset);
  absl::StatusOr<DatanodeInfo> AnyDatanode(const Call& c);
  std::string RpcAddressFor(const Call& c) const;

  Namesystem* const namesystem_;
  const NamenodeWebHdfsOptions options_;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_NAMENODE_WEBHDFS_H_
