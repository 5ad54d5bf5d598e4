// DatanodeOptions: everything a Datanode is configured with. Built from the
// Configuration here and nowhere else, so tests can construct differently
// configured datanodes directly.
#ifndef HAYLOFT_DATANODE_DATANODE_OPTIONS_H_
#define HAYLOFT_DATANODE_DATANODE_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/base/config.h"

namespace hayloft::datanode {

// Configuration keys, named in error messages so operators know what to fix.
inline constexpr absl::string_view kDataDirKey = "dfs.datanode.data.dir";
inline constexpr absl::string_view kDatanodeAddressKey = "dfs.datanode.address";
inline constexpr absl::string_view kNamenodeAddressKey = "dfs.namenode.rpc-address";
inline constexpr absl::string_view kDefaultFsKey = "fs.defaultFS";
inline constexpr absl::string_view kFailedVolumesToleratedKey =
    "dfs.datanode.failed.volumes.tolerated";
inline constexpr absl::string_view kScannerRateKey = "dfs.block.scanner.volume.bytes.per.second";
inline constexpr absl::string_view kScanPeriodKey = "dfs.datanode.scan.period.hours";

inline constexpr int kDefaultDatanodePort = 9866;
inline constexpr int kDefaultDatanodeHttpPort = 9864;
inline constexpr int kDefaultNamenodePort = 8020;

struct DatanodeOptions {
  // gRPC listen address, "host:port"; port 0 picks a free port.
  std::string listen_address = "0.0.0.0:9866";
  // Host registered with the namenode and given to clients; the port registered is
  // the one actually bound.
  std::string advertised_host = "127.0.0.1";
  // HTTP (status page, /metrics, WebHDFS data), "host:port"; port 0 picks one. The
  // port bound is registered in DatanodeId.http_port.
  std::string http_address = "0.0.0.0:9864";
  std::string http_port_file;  // hayloft.http.port.file: written once HTTP serves
  // One volume per dir (dfs.datanode.data.dir, comma-separated).
  std::vector<std::string> data_dirs;
  // More failed volumes than this stop the datanode; -1: all but one may fail.
  int failed_volumes_tolerated = 0;
  // New replicas go to volumes with room for a block of this size (dfs.blocksize).
  int64_t block_size_bytes = int64_t{128} << 20;
  // Block scanner: bytes per second per volume (0 disables it), and how often every
  // replica is verified.
  int64_t scanner_bytes_per_second = 1 << 20;
  absl::Duration scan_period = absl::Hours(504);
  std::string namenode_address = "127.0.0.1:8020";
  absl::Duration heartbeat_interval = absl::Seconds(3);
  absl::Duration block_report_interval = absl::Hours(6);
  absl::Duration namenode_rpc_timeout = absl::Seconds(10);
  // How long Shutdown lets in-flight transfers finish before cancelling them.
  absl::Duration shutdown_grace = absl::Seconds(2);
  // If set, "host:port" is written here once the server listens.
  std::string port_file;

  // Reads dfs.datanode.address, dfs.datanode.hostname, dfs.datanode.http.address,
  // dfs.datanode.data.dir, dfs.datanode.failed.volumes.tolerated, dfs.blocksize,
  // dfs.block.scanner.volume.bytes.per.second, dfs.datanode.scan.period.hours (a
  // number of hours or a duration such as "2s"; 0: the default 504 h, negative:
  // no scanning), dfs.namenode.rpc-address / fs.defaultFS, dfs.heartbeat.interval,
  // dfs.blockreport.intervalMsec and hayloft.port.file. InvalidArgument names the
  // key of a malformed value.
  static absl::StatusOr<DatanodeOptions> FromConfig(const Configuration& conf);
};

}  // namespace hayloft::datanode

#endif  // HAYLOFT_DATANODE_DATANODE_OPTIONS_H_
