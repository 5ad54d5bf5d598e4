// `hayloft cluster up|down|status`: a whole cluster on this machine, one host per
// loopback address, as DESIGN.md part B describes.
//
// Layout of the cluster dir (default ~/.hayloft/local):
//   cluster.conf            the cluster's shape and addresses (key=value), written
//                           by the first `up`; later `up`s start what is missing
//   conf/racks              rack map (net.topology.table.file.name): "host /rack"
//   conf/daemon.conf        settings (-D, --conf) passed on to every daemon
//   namenode/               the namenode's name dir (LevelDB)
//   datanode-<i>/data       datanode i's data dir; replicas are blk_<id> under it
//   logs/<role>-<i>.log     each daemon's stdout + stderr
//   pids/<role>-<i>.pid     the pid of each daemon `up` started
//   pids/<role>-<i>.port    "host:port" each daemon writes once it serves
#ifndef HAYLOFT_CLIENT_CLUSTER_COMMAND_H_
#define HAYLOFT_CLIENT_CLUSTER_COMMAND_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/config.h"

namespace hayloft {

// Runs `hayloft cluster ARGS...`; `args` are the words after "cluster", e.g.
// {"up", "--datanodes", "4"}. `conf` holds the generic options given to `hayloft`
// (-D, --conf, HAYLOFT_CONF); `up` passes them on to the daemons it starts. Prints
// to stdout/stderr and returns the process exit code: 0 on success; for `status`,
// 0 only if every daemon runs.
int RunClusterCommand(const std::vector<std::string>& args, const Configuration& conf);

// The rack of host `host_index` (1-based) among `num_hosts` hosts spread over
// `num_racks` racks in contiguous groups of ceil(num_hosts / num_racks): 3 hosts on
// 2 racks give /rack1, /rack1, /rack2. Shared with the tests' MiniCluster.
inline std::string LocalClusterRack(int host_index, int num_hosts, int num_racks) {
  if (num_racks < 1) num_racks = 1;
  int per_rack = (num_hosts + num_racks - 1) / num_racks;
  if (per_rack < 1) per_rack = 1;
  return absl::StrCat("/rack", (host_index - 1) / per_rack + 1);
}

// The loopback address of local host i (1-based): 127.0.1.i.
inline std::string LocalClusterHost(int host_index) {
  return absl::StrCat("127.0.1.", host_index);
}

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_CLUSTER_COMMAND_H_
