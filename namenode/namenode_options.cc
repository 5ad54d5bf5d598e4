#include "namenode/namenode_options.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/host_port.h"
#include "common/base/status_macros.h"
#include "common/fs/trash_policy.h"

namespace hayloft {
namespace {

std::string CurrentUser() {
  if (const char* u = std::getenv("HAYLOFT_USER"); u != nullptr && *u != '\0') return u;
  if (struct passwd* pw = getpwuid(geteuid()); pw != nullptr) return pw->pw_name;
  return "hayloft";
}

std::string HomeDir() {
  const char* home = std::getenv("HOME");
  return home != nullptr ? home : "/tmp";
}

}  // namespace

absl::StatusOr<NamenodeOptions> NamenodeOptions::FromConfig(const Configuration& conf) {
  NamenodeOptions o;
  o.rpc_address = conf.GetString("dfs.namenode.rpc-address", "");
  if (o.rpc_address.empty()) {
    HL_ASSIGN_OR_RETURN(HostPort hp, HostPort::Parse(conf.GetString("fs.defaultFS",
                                                                    "127.0.0.1:8020"),
                                                     8020));
    o.rpc_address = hp.ToString();
  }
  o.name_dir = conf.GetString("dfs.namenode.name.dir", HomeDir() + "/.hayloft/name");
  o.topology_file = conf.GetString("net.topology.table.file.name", "");
  o.port_file = conf.GetString("hayloft.port.file", "");
  HL_ASSIGN_OR_RETURN(HostPort http,
                      HostPort::Parse(conf.GetString("dfs.namenode.http-address", o.http_address),
                                      9870));
  o.http_address = http.ToString();
  o.http_port_file = conf.GetString("hayloft.http.port.file", "");
  o.superuser = CurrentUser();
  HL_ASSIGN_OR_RETURN(o.permissions_enabled, conf.GetBool("dfs.permissions.enabled", true));
  o.supergroup = conf.GetString("dfs.permissions.superusergroup", "supergroup");
  if (o.supergroup.empty()) {
    return absl::InvalidArgumentError("dfs.permissions.superusergroup must not be empty");
  }
  HL_ASSIGN_OR_RETURN(o.groups_cache_ttl,
                      conf.GetDuration("hadoop.security.groups.cache.secs", absl::Seconds(300),
                                       absl::Seconds(1)));
  HL_ASSIGN_OR_RETURN(int64_t repl, conf.GetInt64("dfs.replication", 3));
  HL_ASSIGN_OR_RETURN(int64_t max_repl, conf.GetInt64("dfs.replication.max", 512));
  HL_ASSIGN_OR_RETURN(int64_t min_repl, conf.GetInt64("dfs.namenode.replication.min", 1));
  HL_ASSIGN_OR_RETURN(int64_t bs, conf.GetInt64("dfs.blocksize", 128ll << 20));
  HL_ASSIGN_OR_RETURN(int64_t min_bs,
                      conf.GetInt64("dfs.namenode.fs-limits.min-block-size", 1 << 20));
  if (max_repl < 1 || max_repl > 32767 || min_repl < 1 || min_repl > max_repl) {
    return absl::InvalidArgumentError(
        "dfs.replication.max and dfs.namenode.replication.min must satisfy 1 <= min <= max");
  }
  if (repl < min_repl || repl > max_repl) {
    return absl::InvalidArgumentError(absl::StrCat("dfs.replication must be between ",
                                                   min_repl, " and ", max_repl, ", not ", repl));
  }
  if (min_bs < 0 || bs < min_bs || bs % 512 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dfs.blocksize must be a multiple of 512 of at least ", min_bs, ", not ", bs));
  }
  o.default_replication = static_cast<uint32_t>(repl);
  o.max_replication = static_cast<uint32_t>(max_repl);
  o.min_replication = static_cast<uint32_t>(min_repl);
  o.default_block_size = static_cast<uint64_t>(bs);
  o.min_block_size = static_cast<uint64_t>(min_bs);
  HL_ASSIGN_OR_RETURN(o.heartbeat_interval,
                      conf.GetDuration("dfs.heartbeat.interval", absl::Seconds(3),
                                       absl::Seconds(1)));
  HL_ASSIGN_OR_RETURN(o.heartbeat_recheck,
                      conf.GetDuration("dfs.namenode.heartbeat.recheck-interval",
                                       absl::Minutes(5), absl::Milliseconds(1)));
  HL_ASSIGN_OR_RETURN(o.replication_interval,
                      conf.GetDuration("dfs.namenode.redundancy.interval.seconds",
                                       absl::Seconds(3), absl::Seconds(1)));
  HL_ASSIGN_OR_RETURN(o.pending_replication_timeout,
                      conf.GetDuration("dfs.namenode.reconstruction.pending.timeout-sec",
                                       absl::Seconds(300), absl::Seconds(1)));
  std::string pct = conf.GetString("dfs.namenode.safemode.threshold-pct", "0.999");
  if (!absl::SimpleAtof(pct, &o.safemode_threshold) || o.safemode_threshold > 1.0f) {
    return absl::InvalidArgumentError(
        absl::StrCat("dfs.namenode.safemode.threshold-pct must be a fraction <= 1, not ", pct));
  }
  HL_ASSIGN_OR_RETURN(o.safemode_extension,
                      conf.GetDuration("dfs.namenode.safemode.extension", absl::Seconds(30),
                                       absl::Milliseconds(1)));
  HL_ASSIGN_OR_RETURN(int64_t min_dn, conf.GetInt64("dfs.namenode.safemode.min.datanodes", 0));
  o.safemode_min_datanodes = static_cast<int>(min_dn);
  o.hosts_exclude_file = conf.GetString("dfs.hosts.exclude", "");
  HL_ASSIGN_OR_RETURN(o.lease_soft_limit,
                      conf.GetDuration("dfs.namenode.lease-soft-limit-sec", absl::Seconds(60),
                                       absl::Seconds(1)));
  HL_ASSIGN_OR_RETURN(o.lease_hard_limit,
                      conf.GetDuration("dfs.namenode.lease-hard-limit-sec", absl::Minutes(20),
                                       absl::Seconds(1)));
  HL_ASSIGN_OR_RETURN(o.trash_interval, TrashIntervalFromConfig(conf, "fs.trash.interval", 1440));
  HL_ASSIGN_OR_RETURN(o.trash_checkpoint_interval,
                      TrashIntervalFromConfig(conf, "fs.trash.checkpoint.interval", 0));
  if (o.heartbeat_interval <= absl::ZeroDuration() ||
      o.replication_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("heartbeat and redundancy intervals must be positive");
  }
  return o;
}

}  // namespace hayloft
