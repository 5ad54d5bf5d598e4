// DatanodeWeb: the datanode's status page and the JSON behind it.
//
//   /             who it is (id, namenode, registration), its volumes (capacity, use,
//                 failures), replicas, block scanner progress, bytes read and written,
//                 and the recent warnings and errors from its log
//   /api/status   that page's data
//
// The page is a static shell (common/web/page.h) whose script polls /api/status.
// The handler reads Datanode::GetStatus() and the process's metrics, and renders.
#ifndef HAYLOFT_DATANODE_DATANODE_WEB_H_
#define HAYLOFT_DATANODE_DATANODE_WEB_H_

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"

namespace hayloft::datanode {

class Datanode;

struct DatanodeWebOptions {
  std::string version;  // e.g. "0.1.0"
};

// Thread-safe: handlers run on the web server's threads. `datanode` must outlive
// the server the page is registered on.
class DatanodeWeb {
 public:
  DatanodeWeb(DatanodeWebOptions options, const Datanode* datanode);

  // Adds / and /api/status; call before the server starts.
  void Register(httplib::Server& server);

  // Unavailable while the datanode is starting.
  absl::StatusOr<nlohmann::json> StatusJson() const;

 private:
  const DatanodeWebOptions options_;
  const Datanode* const datanode_;
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_DATANODE_WEB_H_
