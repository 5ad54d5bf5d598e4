// NamenodeWeb: the namenode's status pages and the JSON behind them.
//
//   /            overview: version, uptime, safe mode, capacity, files and blocks,
//                datanodes by state            <- /api/overview
//   /datanodes   every datanode with its rack, state, capacity, blocks
//                                              <- /api/datanodes
//   /racks       each rack with its datanodes  <- /api/racks
//   /explorer    ?path=P[&after=NAME]: a directory listing (paged), or a file with
//                its blocks and their replicas' hosts and racks, and a download link
//                to WebHDFS                    <- /api/explorer?path=P[&after=NAME]
//
// Pages are static shells (common/web/page.h) whose scripts poll the /api JSON.
// Handlers read snapshots through the Namesystem's public API and render them;
// they hold no state and no rules.
#ifndef HAYLOFT_NAMENODE_NAMENODE_WEB_H_
#define HAYLOFT_NAMENODE_NAMENODE_WEB_H_

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "common/web/page.h"
#include "namenode/namesystem.h"

namespace hayloft {

struct NamenodeWebOptions {
  std::string rpc_address;  // "host:port" clients use, shown on every page
  std::string version;      // e.g. "0.1.0"
};

// Thread-safe: handlers run on the web server's threads. `namesystem` must outlive
// the server the pages are registered on.
class NamenodeWeb {
 public:
  NamenodeWeb(NamenodeWebOptions options, Namesystem* namesystem);

  // Adds the pages and /api handlers; call before the server starts.
  void Register(httplib::Server& server);

  nlohmann::json OverviewJson();
  GetDatanodeReportResponse DatanodeReport();
  nlohmann::json DatanodesJson();
  nlohmann::json RacksJson();
  // A directory's entries after `after` (paged), or a file with its blocks.
  // NotFound, InvalidArgument (bad path).
  absl::StatusOr<nlohmann::json> ExplorerJson(const std::string& path, const std::string& after);

 private:
  web::PageOptions Page(const std::string& title, const char* body, const char* script) const;

  const NamenodeWebOptions options_;
  Namesystem* const namesystem_;
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_NAMENODE_WEB_H_
