#include "datanode/datanode_options.h"

#include <cstdlib>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/host_port.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"

namespace hayloft::datanode {
namespace {

bool IsWildcard(absl::string_view host) {
  return host == "0.0.0.0" || host == "::" || host == "[::]" || host == "*";
}

absl::StatusOr<HostPort> ParseAddress(const Configuration& conf, absl::string_view key,
                                      absl::string_view default_value, int default_port) {
  std::string value = conf.GetString(key, default_value);
  absl::StatusOr<HostPort> hp = HostPort::Parse(value, default_port);
  if (!hp.ok()) return Annotate(hp.status(), absl::StrCat("bad ", key));
  return hp;
}

std::string DefaultDataDir() {
  const char* home = std::getenv("HOME");
  return absl::StrCat(home != nullptr && *home != '\0' ? home : "/tmp", "/.hayloft/data");
}

absl::StatusOr<std::string> DataDir(const Configuration& conf) {
  std::string value = conf.GetString(kDataDirKey, DefaultDataDir());
  std::vector<std::string> dirs = absl::StrSplit(value, ',', absl::SkipWhitespace());
  if (dirs.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kDataDirKey, " is empty"));
  }
  if (dirs.size() > 1) {
    // TODO(datanode): one volume per dir, with failed-volume accounting.
    LOG(WARNING) << kDataDirKey << " lists " << dirs.size()
                 << " dirs; only the first is used for now: " << dirs[0];
  }
  absl::string_view dir = absl::StripAsciiWhitespace(dirs[0]);
  absl::ConsumePrefix(&dir, "file://");
  return std::string(dir);
}

// dfs.namenode.rpc-address wins over fs.defaultFS, as in HDFS.
absl::StatusOr<std::string> NamenodeAddress(const Configuration& conf) {
  absl::string_view key = kNamenodeAddressKey;
  std::optional<std::string> value = conf.Get(kNamenodeAddressKey);
  if (!value) {
    value = conf.Get(kDefaultFsKey);
    key = kDefaultFsKey;
    if (value && absl::StrContains(*value, "://") && !absl::StartsWith(*value, "hdfs://")) {
      value.reset();  // e.g. file:///: no namenode named
    }
  }
  if (!value) return std::string("127.0.0.1:8020");
  absl::StatusOr<HostPort> hp = HostPort::Parse(*value, kDefaultNamenodePort);
  if (!hp.ok()) return Annotate(hp.status(), absl::StrCat("bad ", key));
  return hp->ToString();
}

absl::StatusOr<absl::Duration> PositiveDuration(const Configuration& conf, absl::string_view key,
                                                absl::Duration default_value, absl::Duration unit) {
  HL_ASSIGN_OR_RETURN(absl::Duration d, conf.GetDuration(key, default_value, unit));
  if (d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(key, " must be positive"));
  }
  return d;
}

}  // namespace

absl::StatusOr<DatanodeOptions> DatanodeOptions::FromConfig(const Configuration& conf) {
  DatanodeOptions o;
  HL_ASSIGN_OR_RETURN(HostPort listen, ParseAddress(conf, kDatanodeAddressKey, "0.0.0.0:9866",
                                                    kDefaultDatanodePort));
  o.listen_address = listen.ToString();
  std::optional<std::string> hostname = conf.Get("dfs.datanode.hostname");
  if (hostname && !hostname->empty()) {
    o.advertised_host = *hostname;
  } else {
    o.advertised_host = IsWildcard(listen.host) ? "127.0.0.1" : listen.host;
  }
  HL_ASSIGN_OR_RETURN(HostPort http, ParseAddress(conf, "dfs.datanode.http.address", "0.0.0.0:9864",
                                                  kDefaultDatanodeHttpPort));
  o.http_port = http.port;
  HL_ASSIGN_OR_RETURN(o.data_dir, DataDir(conf));
  HL_ASSIGN_OR_RETURN(o.namenode_address, NamenodeAddress(conf));
  HL_ASSIGN_OR_RETURN(o.heartbeat_interval, PositiveDuration(conf, "dfs.heartbeat.interval",
                                                             absl::Seconds(3), absl::Seconds(1)));
  HL_ASSIGN_OR_RETURN(o.block_report_interval,
                      PositiveDuration(conf, "dfs.blockreport.intervalMsec", absl::Hours(6),
                                       absl::Milliseconds(1)));
  o.port_file = conf.GetString("hayloft.port.file", "");
  return o;
}

}  // namespace hayloft::datanode
