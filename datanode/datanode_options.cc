#include "datanode/datanode_options.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/host_port.h"
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

// "[DISK]file:///a, /b" -> {"/a", "/b"}: HDFS's storage type tags and file:// go.
absl::StatusOr<std::vector<std::string>> DataDirs(const Configuration& conf) {
  std::string value = conf.GetString(kDataDirKey, DefaultDataDir());
  std::vector<std::string> dirs;
  for (absl::string_view d : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    d = absl::StripAsciiWhitespace(d);
    if (absl::StartsWith(d, "[") && d.find(']') != absl::string_view::npos) {
      d.remove_prefix(d.find(']') + 1);
    }
    absl::ConsumePrefix(&d, "file://");
    if (d.empty()) continue;
    if (std::find(dirs.begin(), dirs.end(), d) != dirs.end()) {
      return absl::InvalidArgumentError(absl::StrCat(kDataDirKey, " lists ", d, " twice"));
    }
    dirs.emplace_back(d);
  }
  if (dirs.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kDataDirKey, " is empty"));
  }
  return dirs;
}

// As HDFS: -1 (all but one volume may fail) up to one less than the volumes.
absl::StatusOr<int> FailedVolumesTolerated(const Configuration& conf, size_t num_dirs) {
  std::string value = conf.GetString(kFailedVolumesToleratedKey, "0");
  int n;
  if (!absl::SimpleAtoi(value, &n) || n < -1 || n >= static_cast<int>(num_dirs)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid ", kFailedVolumesToleratedKey, " '",
                                                   value,
                                                   "': it must be -1 or at least 0 "
                                                   "and less than the number of data dirs (",
                                                   num_dirs, ")"));
  }
  return n;
}

// dfs.datanode.scan.period.hours: 0 means the default, negative disables scanning.
absl::StatusOr<absl::Duration> ScanPeriod(const Configuration& conf) {
  const absl::Duration kDefault = absl::Hours(504);
  std::optional<std::string> raw = conf.Get(kScanPeriodKey);
  if (raw && absl::StartsWith(absl::StripAsciiWhitespace(*raw), "-")) {
    return absl::InfiniteDuration();
  }
  HL_ASSIGN_OR_RETURN(absl::Duration d, conf.GetDuration(kScanPeriodKey, kDefault, absl::Hours(1)));
  return d == absl::ZeroDuration() ? kDefault : d;
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
  o.http_address = http.ToString();
  o.http_port_file = conf.GetString("hayloft.http.port.file", "");
  HL_ASSIGN_OR_RETURN(o.data_dirs, DataDirs(conf));
  HL_ASSIGN_OR_RETURN(o.failed_volumes_tolerated, FailedVolumesTolerated(conf, o.data_dirs.size()));
  HL_ASSIGN_OR_RETURN(o.block_size_bytes, conf.GetInt64("dfs.blocksize", o.block_size_bytes));
  if (o.block_size_bytes <= 0) return absl::InvalidArgumentError("dfs.blocksize must be positive");
  HL_ASSIGN_OR_RETURN(o.scanner_bytes_per_second,
                      conf.GetInt64(kScannerRateKey, o.scanner_bytes_per_second));
  HL_ASSIGN_OR_RETURN(o.scan_period, ScanPeriod(conf));
  if (o.scan_period == absl::InfiniteDuration()) o.scanner_bytes_per_second = 0;
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
