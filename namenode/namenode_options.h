// NamenodeOptions: everything the namenode is configured with, built from a
// Configuration (Hadoop key names) in namenode_options.cc only.
#ifndef HAYLOFT_NAMENODE_NAMENODE_OPTIONS_H_
#define HAYLOFT_NAMENODE_NAMENODE_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/base/config.h"

namespace hayloft {

struct NamenodeOptions {
  std::string rpc_address = "127.0.0.1:8020";      // dfs.namenode.rpc-address
  std::string name_dir;                            // dfs.namenode.name.dir
  std::string topology_file;                       // net.topology.table.file.name
  std::string port_file;                           // hayloft.port.file
  std::string http_address = "0.0.0.0:9870";       // dfs.namenode.http-address
  std::string http_port_file;                      // hayloft.http.port.file
  std::string superuser;                           // the user running the namenode
  bool permissions_enabled = true;                 // dfs.permissions.enabled
  std::string supergroup = "supergroup";           // dfs.permissions.superusergroup
  absl::Duration groups_cache_ttl = absl::Seconds(300);  // hadoop.security.groups.cache.secs
  // A user's groups. Empty: the OS groups of that name on this host (getgrouplist).
  std::function<std::vector<std::string>(const std::string& user)> group_resolver_for_testing;
  uint32_t default_replication = 3;                // dfs.replication
  uint64_t default_block_size = 128ull << 20;      // dfs.blocksize
  uint32_t min_replication = 1;                    // dfs.namenode.replication.min
  uint32_t max_replication = 512;                  // dfs.replication.max
  uint64_t min_block_size = 1 << 20;               // dfs.namenode.fs-limits.min-block-size
  uint64_t max_block_size = 64ull << 30;
  absl::Duration heartbeat_interval = absl::Seconds(3);        // dfs.heartbeat.interval
  absl::Duration heartbeat_recheck = absl::Minutes(5);         // ...heartbeat.recheck-interval
  absl::Duration replication_interval = absl::Seconds(3);      // dfs.namenode.redundancy.interval.seconds
  // dfs.namenode.reconstruction.pending.timeout-sec: a scheduled copy that has not
  // shown up by then is scheduled again.
  absl::Duration pending_replication_timeout = absl::Seconds(300);
  float safemode_threshold = 0.999f;                  // dfs.namenode.safemode.threshold-pct
  absl::Duration safemode_extension = absl::Seconds(30);  // dfs.namenode.safemode.extension
  int safemode_min_datanodes = 0;                     // dfs.namenode.safemode.min.datanodes
  std::string hosts_exclude_file;                     // dfs.hosts.exclude
  // Leases: another writer may recover a file after the soft limit; the namenode
  // recovers and closes it after the hard limit (dfs.namenode.lease-hard-limit-sec).
  absl::Duration lease_soft_limit = absl::Seconds(60);
  absl::Duration lease_hard_limit = absl::Minutes(20);
  // Trash (fs.trash.interval, fs.trash.checkpoint.interval; minutes, fractions
  // allowed as Hadoop reads them as floats): clients use the namenode's interval
  // when it is not 0, and the namenode's trash emptier checkpoints every user's
  // trash and deletes old checkpoints.
  absl::Duration trash_interval = absl::Minutes(1440);
  absl::Duration trash_checkpoint_interval = absl::ZeroDuration();

  // HDFS: a datanode is dead after 2 x recheck interval + 10 x heartbeat interval.
  absl::Duration dead_node_timeout() const {
    return 2 * heartbeat_recheck + 10 * heartbeat_interval;
  }

  static absl::StatusOr<NamenodeOptions> FromConfig(const Configuration& conf);
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_NAMENODE_OPTIONS_H_
