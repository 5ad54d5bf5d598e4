#include "client/cluster_command.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/base/grpc_status.h"
#include "common/base/host_port.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"
#include "common/base/subprocess.h"
#include "common/rpc/rpc_util.h"
#include "common/server/daemon_util.h"
#include "proto/namenode.grpc.pb.h"

namespace hayloft {
namespace {

constexpr char kUsage[] =
    "Usage: hayloft [-D key=value ...] cluster up [--datanodes N] [--workers N] "
    "[--racks N] [--dir DIR]\n"
    "       hayloft cluster down [--dir DIR]\n"
    "       hayloft cluster status [--dir DIR]\n"
    "\n"
    "A whole Hayloft cluster on this machine: the namenode on 127.0.0.1:8020 and\n"
    "datanode i on 127.0.1.i:9866, in racks of ceil(N/racks) hosts.\n"
    "  up      start it in the background (or whatever of it is not running) and\n"
    "          wait until every datanode has registered. Defaults: 3 datanodes on\n"
    "          2 racks, 2 workers, DIR ~/.hayloft/local. -D settings given to\n"
    "          hayloft are passed on to the daemons and remembered in DIR.\n"
    "  down    stop every daemon (SIGTERM, SIGKILL after 15 s); the data stays.\n"
    "  status  print ROLE INDEX ADDRESS PID STATE per daemon; exit 0 only if all run.\n";

constexpr absl::Duration kServeTimeout = absl::Seconds(30);
constexpr absl::Duration kReadyTimeout = absl::Seconds(60);
constexpr absl::Duration kStopTimeout = absl::Seconds(15);
constexpr int kMaxHosts = 254;

// Keys of cluster.conf.
constexpr char kDatanodesKey[] = "hayloft.cluster.datanodes";
constexpr char kRacksKey[] = "hayloft.cluster.racks";
constexpr char kWorkersKey[] = "hayloft.cluster.workers";

// Settings the cluster command sets itself for each daemon; never passed through.
constexpr absl::string_view kOwnedKeys[] = {
    "fs.defaultFS",           "dfs.namenode.rpc-address", "dfs.namenode.name.dir",
    "dfs.datanode.address",   "dfs.datanode.data.dir",    "net.topology.table.file.name",
    "hayloft.port.file",      "mapreduce.jobtracker.address",
    "mapreduce.worker.address", "mapreduce.cluster.local.dir",
    "hayloft.worker.address",   "hayloft.worker.local.dir", "hayloft.http.port.file"};

// Each role's HTTP address key and default port (DESIGN: 9870, 9864, 8088, 8042).
struct HttpSetting {
  absl::string_view role;
  absl::string_view key;
  int default_port;
};
constexpr HttpSetting kHttpSettings[] = {
    {"namenode", "dfs.namenode.http-address", 9870},
    {"datanode", "dfs.datanode.http.address", 9864},
    {"jobtracker", "mapreduce.jobtracker.http.address", 8088},
    {"worker", "mapreduce.tasktracker.http.address", 8042}};

const HttpSetting& HttpSettingOf(absl::string_view role) {
  for (const HttpSetting& s : kHttpSettings) {
    if (s.role == role) return s;
  }
  return kHttpSettings[0];
}

struct ClusterFlags {
  std::string subcommand;
  std::string dir;
  std::optional<int> datanodes;
  std::optional<int> workers;
  std::optional<int> racks;
};

// One daemon of the cluster.
struct Daemon {
  std::string role;     // namenode, datanode, jobtracker, worker
  int index = 0;        // 0 for the namenode and jobtracker; hosts count from 1
  std::string address;  // host:port; port 0 until it first reports its port
  std::string http_address;  // likewise, its status pages and /metrics

  std::string name() const { return absl::StrCat(role, "-", index); }
  std::string label() const { return absl::StrCat(role, " ", index); }
  std::string binary() const { return absl::StrCat("hayloft-", role); }
  std::string address_key() const {
    return absl::StrCat("hayloft.cluster.", role, ".", index, ".address");
  }
  std::string http_address_key() const {
    return absl::StrCat("hayloft.cluster.", role, ".", index, ".http.address");
  }
};

// A cluster dir and what it holds. Not thread-safe; used by one command.
struct Cluster {
  std::string root;
  std::string bin_dir;
  Configuration settings;       // cluster.conf
  int datanodes = 3;
  int racks = 2;
  int workers = 2;
  bool mapreduce = false;       // the jobtracker and worker binaries exist
  std::vector<Daemon> daemons;  // namenode, datanodes, then jobtracker + workers

  std::string Path(absl::string_view rel) const { return absl::StrCat(root, "/", rel); }
  std::string cluster_conf() const { return Path("cluster.conf"); }
  std::string daemon_conf() const { return Path("conf/daemon.conf"); }
  std::string client_conf() const { return Path("conf/client.conf"); }
  std::string rack_map() const { return Path("conf/racks"); }
  std::string log(const Daemon& d) const { return Path(absl::StrCat("logs/", d.name(), ".log")); }
  std::string pid_file(const Daemon& d) const {
    return Path(absl::StrCat("pids/", d.name(), ".pid"));
  }
  std::string port_file(const Daemon& d) const {
    return Path(absl::StrCat("pids/", d.name(), ".port"));
  }
  std::string http_port_file(const Daemon& d) const {
    return Path(absl::StrCat("pids/", d.name(), ".http"));
  }
  const Daemon& namenode() const { return daemons.front(); }
};

// ---------------------------------------------------------------------------
// Small helpers

std::string HomeDir() {
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return home;
  struct passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_dir : "/tmp";
}

// Who the daemons this command starts run as (they inherit HAYLOFT_USER): the
// namenode's superuser, so the one to ask for the datanode report.
std::string ClusterUser() {
  if (const char* u = std::getenv("HAYLOFT_USER"); u != nullptr && *u != '\0') return u;
  struct passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : absl::StrCat(::geteuid());
}

bool FileExists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

absl::Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

std::string ReadSmallFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The last lines of a log, indented, for error messages.
std::string LogTail(const std::string& path, int max_lines = 20) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return absl::StrCat("    (", path, " cannot be read)\n");
  f.seekg(0, std::ios::end);
  std::streamoff size = f.tellg();
  f.seekg(std::max<std::streamoff>(0, size - (32 << 10)));
  std::stringstream s;
  s << f.rdbuf();
  const std::string text = s.str();
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  size_t first = lines.size() > static_cast<size_t>(max_lines) ? lines.size() - max_lines : 0;
  std::string out;
  for (size_t i = first; i < lines.size(); ++i) absl::StrAppend(&out, "    ", lines[i], "\n");
  return out.empty() ? absl::StrCat("    (", path, " is empty)\n") : out;
}

absl::StatusOr<std::string> SelfBinDir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot read /proc/self/exe: ", ec.message()));
  return exe.parent_path().string();
}

int PortOf(const std::string& address) {
  absl::StatusOr<HostPort> hp = HostPort::Parse(address, 0);
  return hp.ok() ? hp->port : 0;
}

std::string HostOf(const std::string& address) {
  absl::StatusOr<HostPort> hp = HostPort::Parse(address, 0);
  return hp.ok() ? hp->host : address;
}

// ---------------------------------------------------------------------------
// Flags

absl::Status ParseCount(absl::string_view flag, absl::string_view value, int min, int max,
                        std::optional<int>& out) {
  int n = 0;
  if (!absl::SimpleAtoi(value, &n) || n < min || n > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " takes a number from ", min, " to ", max, ", not '", value, "'"));
  }
  out = n;
  return absl::OkStatus();
}

absl::Status ParseFlag(ClusterFlags& flags, absl::string_view flag, absl::string_view value) {
  if (flag == "--dir") {
    if (value.empty()) return absl::InvalidArgumentError("--dir needs a directory");
    flags.dir = std::string(value);
    return absl::OkStatus();
  }
  const bool up = flags.subcommand == "up";
  if (up && flag == "--datanodes") return ParseCount(flag, value, 1, kMaxHosts, flags.datanodes);
  if (up && flag == "--workers") return ParseCount(flag, value, 0, kMaxHosts, flags.workers);
  if (up && flag == "--racks") return ParseCount(flag, value, 1, kMaxHosts, flags.racks);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown option for 'cluster ", flags.subcommand, "': ", flag));
}

absl::StatusOr<ClusterFlags> ParseFlags(const std::vector<std::string>& args) {
  ClusterFlags flags;
  flags.subcommand = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "'"));
    }
    std::string value;
    if (size_t eq = arg.find('='); eq != arg.npos) {
      value = std::string(arg.substr(eq + 1));
      arg = arg.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
    }
    HL_RETURN_IF_ERROR(ParseFlag(flags, arg, value));
  }
  if (flags.dir.empty()) flags.dir = absl::StrCat(HomeDir(), "/.hayloft/local");
  std::error_code ec;
  flags.dir = std::filesystem::absolute(flags.dir, ec).lexically_normal().string();
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad --dir: ", ec.message()));
  while (flags.dir.size() > 1 && flags.dir.back() == '/') flags.dir.pop_back();
  return flags;
}

// ---------------------------------------------------------------------------
// The cluster dir: cluster.conf, rack map, daemon.conf

absl::Status SaveSettings(const Cluster& c) {
  std::string text =
      "# The shape of this local Hayloft cluster, written by `hayloft cluster up`.\n"
      "# `up` restarts the daemons listed here that are not running.\n";
  for (const auto& [k, v] : c.settings.values()) absl::StrAppend(&text, k, "=", v, "\n");
  return daemon::WriteFileDurably(c.cluster_conf(), text);
}

// The daemon's host with the role's HTTP port from the generic options (default:
// DESIGN's port for the role).
std::string DefaultHttpAddress(const Configuration& conf, absl::string_view role,
                               const std::string& rpc_address) {
  const HttpSetting& s = HttpSettingOf(role);
  int port = PortOf(conf.GetString(std::string(s.key), absl::StrCat("0.0.0.0:", s.default_port)));
  return absl::StrCat(HostOf(rpc_address), ":", port);
}

// Addresses of a new cluster: default ports unless the generic options name others.
void InitSettings(Cluster& c, const ClusterFlags& flags, const Configuration& conf) {
  c.datanodes = flags.datanodes.value_or(3);
  c.racks = flags.racks.value_or(2);
  c.workers = flags.workers.value_or(2);
  c.settings.Set(kDatanodesKey, absl::StrCat(c.datanodes));
  c.settings.Set(kRacksKey, absl::StrCat(c.racks));
  c.settings.Set(kWorkersKey, absl::StrCat(c.workers));
  c.settings.Set("hayloft.cluster.namenode.0.address",
                 conf.GetString("dfs.namenode.rpc-address", "127.0.0.1:8020"));
  c.settings.Set("hayloft.cluster.jobtracker.0.address",
                 conf.GetString("mapreduce.jobtracker.address", "127.0.0.1:8021"));
  int dn_port = PortOf(conf.GetString("dfs.datanode.address", "0.0.0.0:9866"));
  int worker_port = PortOf(conf.GetString(
      "hayloft.worker.address", conf.GetString("mapreduce.worker.address", "0.0.0.0:13562")));
  for (int i = 1; i <= c.datanodes; ++i) {
    c.settings.Set(absl::StrCat("hayloft.cluster.datanode.", i, ".address"),
                   absl::StrCat(LocalClusterHost(i), ":", dn_port));
  }
  for (int i = 1; i <= c.workers; ++i) {
    c.settings.Set(absl::StrCat("hayloft.cluster.worker.", i, ".address"),
                   absl::StrCat(LocalClusterHost(i), ":", worker_port));
  }
}

absl::Status CheckFlag(const Cluster& c, absl::string_view flag, std::optional<int> wanted,
                       int have) {
  if (!wanted.has_value() || *wanted == have) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the cluster in ", c.root, " was created with ", flag, " ", have, ", not ", *wanted,
      ". Use another --dir, or run `hayloft cluster down --dir ", c.root,
      "` and remove that directory to create it anew."));
}

absl::Status LoadSettings(Cluster& c, const ClusterFlags& flags) {
  HL_RETURN_IF_ERROR(c.settings.LoadFile(c.cluster_conf()));
  auto get = [&](const char* key, int& out) -> absl::Status {
    HL_ASSIGN_OR_RETURN(int64_t v, c.settings.GetInt64(key, -1));
    if (v < 0 || v > kMaxHosts) {
      return absl::DataLossError(absl::StrCat(c.cluster_conf(), ": bad or missing ", key));
    }
    out = static_cast<int>(v);
    return absl::OkStatus();
  };
  HL_RETURN_IF_ERROR(get(kDatanodesKey, c.datanodes));
  HL_RETURN_IF_ERROR(get(kRacksKey, c.racks));
  HL_RETURN_IF_ERROR(get(kWorkersKey, c.workers));
  HL_RETURN_IF_ERROR(CheckFlag(c, "--datanodes", flags.datanodes, c.datanodes));
  HL_RETURN_IF_ERROR(CheckFlag(c, "--racks", flags.racks, c.racks));
  return CheckFlag(c, "--workers", flags.workers, c.workers);
}

// `conf`: this call's generic options, which pick the HTTP port of a daemon the
// cluster has no HTTP address for yet (a new cluster, or one made before HTTP).
absl::Status BuildDaemons(Cluster& c, const Configuration& conf) {
  auto add = [&](absl::string_view role, int index) -> absl::Status {
    Daemon d;
    d.role = std::string(role);
    d.index = index;
    std::optional<std::string> address = c.settings.Get(d.address_key());
    if (!address.has_value()) {
      return absl::DataLossError(absl::StrCat(c.cluster_conf(), ": ", d.address_key(),
                                              " is missing"));
    }
    d.address = *address;
    // A new cluster, or one made before the daemons served HTTP, has none yet.
    d.http_address = c.settings.GetString(d.http_address_key(),
                                          DefaultHttpAddress(conf, d.role, d.address));
    c.settings.Set(d.http_address_key(), d.http_address);
    c.daemons.push_back(std::move(d));
    return absl::OkStatus();
  };
  HL_RETURN_IF_ERROR(add("namenode", 0));
  for (int i = 1; i <= c.datanodes; ++i) HL_RETURN_IF_ERROR(add("datanode", i));
  if (!c.mapreduce) return absl::OkStatus();
  HL_RETURN_IF_ERROR(add("jobtracker", 0));
  for (int i = 1; i <= c.workers; ++i) HL_RETURN_IF_ERROR(add("worker", i));
  return absl::OkStatus();
}

// Opens the cluster in flags.dir; with `create`, makes it if it does not exist.
absl::StatusOr<Cluster> OpenCluster(const ClusterFlags& flags, const Configuration& conf,
                                    bool create) {
  Cluster c;
  c.root = flags.dir;
  HL_ASSIGN_OR_RETURN(c.bin_dir, SelfBinDir());
  c.mapreduce = FileExists(absl::StrCat(c.bin_dir, "/hayloft-jobtracker")) &&
                FileExists(absl::StrCat(c.bin_dir, "/hayloft-worker"));
  if (FileExists(c.cluster_conf())) {
    HL_RETURN_IF_ERROR(LoadSettings(c, flags));
  } else if (create) {
    HL_RETURN_IF_ERROR(MakeDirs(c.root));
    InitSettings(c, flags, conf);
    HL_RETURN_IF_ERROR(SaveSettings(c));
  } else {
    return absl::NotFoundError(absl::StrCat("no cluster in ", c.root,
                                            " (start one with `hayloft cluster up`)"));
  }
  HL_RETURN_IF_ERROR(BuildDaemons(c, conf));
  HL_RETURN_IF_ERROR(SaveSettings(c));
  return c;
}

absl::Status WriteRackMap(const Cluster& c) {
  std::string text = "# host rack: the local cluster's topology (hayloft cluster up)\n";
  for (int i = 1; i <= c.datanodes; ++i) {
    absl::StrAppend(&text, LocalClusterHost(i), " ",
                    LocalClusterRack(i, c.datanodes, c.racks), "\n");
  }
  return daemon::WriteFileDurably(c.rack_map(), text);
}

// Merges the generic options of this `hayloft` call into conf/daemon.conf, which
// every daemon reads, so a later `up` restarts daemons with the same settings.
absl::Status UpdateDaemonConf(const Cluster& c, const Configuration& conf) {
  Configuration merged;
  if (FileExists(c.daemon_conf())) HL_RETURN_IF_ERROR(merged.LoadFile(c.daemon_conf()));
  if (!merged.Get("dfs.replication").has_value() && !conf.Get("dfs.replication").has_value()) {
    // Fewer than 3 datanodes cannot hold 3 replicas.
    merged.Set("dfs.replication", absl::StrCat(std::min(c.datanodes, 3)));
  }
  for (const auto& [k, v] : conf.values()) {
    const bool http_key = std::any_of(std::begin(kHttpSettings), std::end(kHttpSettings),
                                      [&](const HttpSetting& h) { return h.key == k; });
    if (!http_key &&
        std::find(std::begin(kOwnedKeys), std::end(kOwnedKeys), k) == std::end(kOwnedKeys)) {
      merged.Set(k, v);
    }
  }
  std::string text = "# Settings for every daemon of this cluster (hayloft -D ... cluster up)\n";
  for (const auto& [k, v] : merged.values()) absl::StrAppend(&text, k, "=", v, "\n");
  return daemon::WriteFileDurably(c.daemon_conf(), text);
}

absl::Status WriteClientConf(const Cluster& c) {
  std::string text =
      absl::StrCat("# Client settings for this cluster: hayloft --conf ", c.client_conf(),
                   " fs -ls /\nfs.defaultFS=hdfs://", c.namenode().address, "\n");
  for (const Daemon& d : c.daemons) {
    if (d.role == "jobtracker") absl::StrAppend(&text, "mapreduce.jobtracker.address=", d.address, "\n");
  }
  return daemon::WriteFileDurably(c.client_conf(), text);
}

absl::Status PrepareDirs(const Cluster& c) {
  for (const char* sub : {"conf", "logs", "pids", "namenode"}) {
    HL_RETURN_IF_ERROR(MakeDirs(c.Path(sub)));
  }
  for (int i = 1; i <= c.datanodes; ++i) {
    HL_RETURN_IF_ERROR(MakeDirs(c.Path(absl::StrCat("datanode-", i, "/data"))));
  }
  if (c.mapreduce) {
    for (int i = 1; i <= c.workers; ++i) {
      HL_RETURN_IF_ERROR(MakeDirs(c.Path(absl::StrCat("worker-", i, "/local"))));
    }
  }
  return WriteRackMap(c);
}

// ---------------------------------------------------------------------------
// Processes

// The pid of `d` if it runs: its pid file names a live process running its binary.
std::optional<pid_t> RunningPid(const Cluster& c, const Daemon& d) {
  int pid = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadSmallFile(c.pid_file(d))), &pid)) {
    return std::nullopt;
  }
  if (!IsProcessAlive(pid)) return std::nullopt;
  // The pid may have been reused by an unrelated process since.
  absl::StatusOr<std::vector<std::string>> argv = ProcessCommandLine(pid);
  if (!argv.ok() || argv->empty() || path::Basename(argv->front()) != d.binary()) {
    return std::nullopt;
  }
  return pid;
}

std::vector<std::string> Settings(std::vector<std::pair<std::string, std::string>> kv) {
  std::vector<std::string> out;
  for (auto& [k, v] : kv) {
    out.push_back("-D");
    out.push_back(absl::StrCat(k, "=", v));
  }
  return out;
}

std::string JobtrackerAddress(const Cluster& c) {
  for (const Daemon& d : c.daemons) {
    if (d.role == "jobtracker") return d.address;
  }
  return "";
}

std::vector<std::string> DaemonArgv(const Cluster& c, const Daemon& d) {
  const std::string fs = absl::StrCat("hdfs://", c.namenode().address);
  std::vector<std::pair<std::string, std::string>> kv;
  if (d.role == "namenode") {
    kv = {{"dfs.namenode.rpc-address", d.address},
          {"dfs.namenode.name.dir", c.Path("namenode")},
          {"net.topology.table.file.name", c.rack_map()}};
  } else if (d.role == "datanode") {
    kv = {{"dfs.datanode.address", d.address},
          {"dfs.datanode.data.dir", c.Path(absl::StrCat("datanode-", d.index, "/data"))},
          {"fs.defaultFS", fs}};
  } else if (d.role == "jobtracker") {
    kv = {{"mapreduce.jobtracker.address", d.address},
          {"net.topology.table.file.name", c.rack_map()},
          {"fs.defaultFS", fs}};
  } else {
    kv = {{"hayloft.worker.address", d.address},
          {"mapreduce.jobtracker.address", JobtrackerAddress(c)},
          {"hayloft.worker.local.dir", c.Path(absl::StrCat("worker-", d.index, "/local"))},
          {"fs.defaultFS", fs}};
  }
  kv.emplace_back(std::string(HttpSettingOf(d.role).key), d.http_address);
  kv.emplace_back("hayloft.http.port.file", c.http_port_file(d));
  kv.emplace_back("hayloft.port.file", c.port_file(d));
  std::vector<std::string> argv = {absl::StrCat(c.bin_dir, "/", d.binary())};
  if (d.role == "namenode") {
    // Every datanode of a local cluster reports at once: no need for HDFS's 30 s
    // safe-mode extension. Before --conf, so conf/daemon.conf can still set it.
    argv.insert(argv.end(), {"-D", "dfs.namenode.safemode.extension=0"});
  }
  argv.insert(argv.end(), {"--conf", c.daemon_conf()});
  for (std::string& s : Settings(std::move(kv))) argv.push_back(std::move(s));
  return argv;
}

std::string PortAdvice(const Daemon& d, const std::string& address) {
  const int port = PortOf(address);
  if (address == d.http_address) {
    return absl::StrCat("hayloft -D ", HttpSettingOf(d.role).key, "=0.0.0.0:", port + 1000,
                        " cluster up --dir OTHER_DIR");
  }
  if (d.role == "namenode") {
    return absl::StrCat("hayloft -D dfs.namenode.rpc-address=127.0.0.1:", port + 1000,
                        " cluster up --dir OTHER_DIR");
  }
  if (d.role == "datanode") {
    return absl::StrCat("hayloft -D dfs.datanode.address=0.0.0.0:", port + 1000,
                        " cluster up --dir OTHER_DIR");
  }
  return "another port in a new --dir";
}

// Fails if the daemon's address cannot be bound now, naming the port and a way out.
absl::Status CheckAddressFree(const Daemon& d, const std::string& address) {
  const int port = PortOf(address);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (port == 0 || ::inet_pton(AF_INET, HostOf(address).c_str(), &addr.sin_addr) != 1) {
    return absl::OkStatus();  // port 0, or a host name: the daemon itself will tell
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));  // as the daemons do
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  int err = errno;
  ::close(fd);
  if (rc == 0) return absl::OkStatus();
  if (err == EADDRINUSE) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot start ", d.label(), ": port ", port, " on ", HostOf(address),
        " is already in use by another process (another Hayloft cluster, or Hadoop?).\n"
        "  See who holds it: ss -ltnp 'sport = :", port, "'\n"
        "  Stop that process, or run a cluster on other ports (a cluster dir keeps the\n"
        "  ports it was created with): ", PortAdvice(d, address)));
  }
  return absl::FailedPreconditionError(absl::StrCat("cannot start ", d.label(), ": cannot bind ",
                                                    address, ": ", std::strerror(err)));
}

absl::Status DaemonFailed(const Cluster& c, const Daemon& d, absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(d.label(), " (", d.address, ") ", what,
                                             ".\n  Its log: ", c.log(d), "\n", LogTail(c.log(d))));
}

// Waits until `d` has written its port file; records the port if it was 0.
absl::Status WaitUntilServing(Cluster& c, Daemon& d, Subprocess& process) {
  const absl::Time deadline = absl::Now() + kServeTimeout;
  while (absl::Now() < deadline) {
    std::string text(absl::StripAsciiWhitespace(ReadSmallFile(c.port_file(d))));
    if (int port = PortOf(text); port > 0) {
      // Daemons write the HTTP port file before this one.
      int http_port = PortOf(std::string(absl::StripAsciiWhitespace(
          ReadSmallFile(c.http_port_file(d)))));
      if (PortOf(d.address) == 0 || (PortOf(d.http_address) == 0 && http_port > 0)) {
        d.address = absl::StrCat(HostOf(d.address), ":", port);
        c.settings.Set(d.address_key(), d.address);
        if (http_port > 0) d.http_address = absl::StrCat(HostOf(d.http_address), ":", http_port);
        c.settings.Set(d.http_address_key(), d.http_address);
        HL_RETURN_IF_ERROR(SaveSettings(c));
      }
      return absl::OkStatus();
    }
    if (!process.IsRunning()) {
      return DaemonFailed(c, d, absl::StrCat("exited with status ",
                                             process.Wait().value_or(-1), " while starting"));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  process.Stop(absl::Seconds(5)).IgnoreError();
  return DaemonFailed(c, d, absl::StrCat("did not start serving within ",
                                         absl::FormatDuration(kServeTimeout)));
}

absl::StatusOr<Subprocess> StartDaemon(Cluster& c, Daemon& d) {
  HL_RETURN_IF_ERROR(CheckAddressFree(d, d.address));
  HL_RETURN_IF_ERROR(CheckAddressFree(d, d.http_address));
  std::error_code ec;
  std::filesystem::remove(c.port_file(d), ec);
  std::filesystem::remove(c.http_port_file(d), ec);
  std::vector<std::string> argv = DaemonArgv(c, d);
  {
    std::ofstream log(c.log(d), std::ios::app);
    log << "=== hayloft cluster up: starting " << d.label() << " at "
        << absl::FormatTime(absl::Now()) << ": " << absl::StrJoin(argv, " ") << "\n";
  }
  SubprocessOptions options;
  options.stdout_path = c.log(d);
  options.stderr_path = c.log(d);
  options.new_session = true;  // a Ctrl-C in this terminal must not reach it
  options.unset_env = {"HAYLOFT_CONF"};  // it reads conf/daemon.conf instead
  HL_ASSIGN_OR_RETURN(Subprocess process, Subprocess::Start(argv, options));
  HL_RETURN_IF_ERROR(daemon::WriteFileDurably(c.pid_file(d), absl::StrCat(process.pid(), "\n")));
  HL_RETURN_IF_ERROR(WaitUntilServing(c, d, process));
  return process;
}

// Starts every daemon that is not running; the started ones go into `started`.
absl::Status StartMissing(Cluster& c, std::map<std::string, Subprocess>& started) {
  for (Daemon& d : c.daemons) {
    if (std::optional<pid_t> pid = RunningPid(c, d); pid.has_value()) {
      std::cout << "  " << d.label() << " on " << d.address << ": already running (pid "
                << *pid << ")" << std::endl;
      continue;
    }
    HL_ASSIGN_OR_RETURN(Subprocess process, StartDaemon(c, d));
    std::cout << "  " << d.label() << " on " << d.address << ": started (pid "
              << process.pid() << ")" << std::endl;
    started.emplace(d.name(), std::move(process));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Waiting for the datanodes to register

absl::StatusOr<std::vector<DatanodeInfo>> DatanodeReport(NamenodeService::Stub& stub) {
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, absl::Seconds(5));
  GetDatanodeReportRequest req;
  req.mutable_header()->set_user(ClusterUser());
  GetDatanodeReportResponse resp;
  HL_RETURN_IF_ERROR(FromGrpcStatus(stub.GetDatanodeReport(&ctx, req, &resp)));
  return std::vector<DatanodeInfo>(resp.datanodes().begin(), resp.datanodes().end());
}

// A daemon this command started that has died since.
absl::Status CheckStartedAlive(const Cluster& c, std::map<std::string, Subprocess>& started) {
  for (const Daemon& d : c.daemons) {
    auto it = started.find(d.name());
    if (it != started.end() && !it->second.IsRunning()) {
      return DaemonFailed(c, d, absl::StrCat("exited with status ",
                                             it->second.Wait().value_or(-1)));
    }
  }
  return absl::OkStatus();
}

absl::Status DescribeMissingDatanodes(const Cluster& c,
                                      const absl::StatusOr<std::vector<DatanodeInfo>>& report) {
  if (!report.ok()) {
    return DaemonFailed(c, c.namenode(),
                        absl::StrCat("does not answer (", report.status().ToString(), ")"));
  }
  std::vector<std::string> live;
  for (const DatanodeInfo& dn : *report) {
    if (!dn.dead()) live.push_back(absl::StrCat(dn.id().host(), ":", dn.id().rpc_port()));
  }
  std::string out;
  for (const Daemon& d : c.daemons) {
    if (d.role != "datanode" || std::find(live.begin(), live.end(), d.address) != live.end()) {
      continue;
    }
    absl::StrAppend(&out, DaemonFailed(c, d, "has not registered with the namenode").message(),
                    "\n");
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "after ", absl::FormatDuration(kReadyTimeout), " the namenode reports ", live.size(),
      " of ", c.datanodes, " datanodes live.\n", out));
}

// True while the namenode is in safe mode (or cannot say).
bool InSafeMode(NamenodeService::Stub& stub) {
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, absl::Seconds(5));
  SetSafeModeRequest req;
  SetSafeModeResponse resp;
  return !stub.SetSafeMode(&ctx, req, &resp).ok() || resp.safe_mode();
}

absl::Status WaitForDatanodes(const Cluster& c, std::map<std::string, Subprocess>& started) {
  std::unique_ptr<NamenodeService::Stub> stub =
      NamenodeService::NewStub(rpc::MakeChannel(c.namenode().address));
  const absl::Time deadline = absl::Now() + kReadyTimeout;
  absl::StatusOr<std::vector<DatanodeInfo>> report = absl::UnavailableError("not asked");
  while (absl::Now() < deadline) {
    HL_RETURN_IF_ERROR(CheckStartedAlive(c, started));
    report = DatanodeReport(*stub);
    if (report.ok()) {
      int live = static_cast<int>(std::count_if(
          report->begin(), report->end(), [](const DatanodeInfo& dn) { return !dn.dead(); }));
      if (live >= c.datanodes && !InSafeMode(*stub)) return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(250));
  }
  return DescribeMissingDatanodes(c, report);
}

// ---------------------------------------------------------------------------
// Subcommands

void PrintSummary(const Cluster& c) {
  std::cout << "\nHayloft cluster is up (" << c.root << ")\n"
            << "  namenode RPC   " << c.namenode().address << "\n"
            << "  namenode web   http://" << c.namenode().http_address
            << "/  (WebHDFS: http://" << c.namenode().http_address << "/webhdfs/v1/)\n";
  for (const Daemon& d : c.daemons) {
    if (d.role == "datanode") {
      std::cout << "  datanode " << d.index << "     " << d.address << "  "
                << LocalClusterRack(d.index, c.datanodes, c.racks) << "  web http://"
                << d.http_address << "/\n";
    } else if (d.role == "jobtracker") {
      std::cout << "  jobtracker     " << d.address << "  web http://" << d.http_address
                << "/\n";
    } else if (d.role == "worker") {
      std::cout << "  worker " << d.index << "       " << d.address << "  web http://"
                << d.http_address << "/\n";
    }
  }
  std::cout << "Metrics: /metrics on every web address above (Prometheus text)\n";
  if (!c.mapreduce) {
    std::cout << "  MapReduce      not started: the jobtracker and the " << c.workers
              << " worker(s) come in a later issue (no hayloft-worker binary in "
              << c.bin_dir << ")\n";
  }
  std::cout << "Logs:    " << c.Path("logs") << "/<role>-<index>.log\n";
  if (c.namenode().address != "127.0.0.1:8020") {
    std::cout << "Clients: hayloft --conf " << c.client_conf()
              << " fs -ls /   (or export HAYLOFT_CONF=" << c.client_conf() << ")\n";
  }
  const std::string dir_flag =
      c.root == absl::StrCat(HomeDir(), "/.hayloft/local") ? "" : absl::StrCat(" --dir ", c.root);
  std::cout << "Try:     hayloft fs -mkdir -p /user/" << ClusterUser() << "; hayloft fs -put FILE; "
            << "hayloft fs -ls; hayloft fsck / -files -blocks -racks; hayloft dfsadmin -report\n"
            << "Status:  hayloft cluster status" << dir_flag << "\n"
            << "Stop:    hayloft cluster down" << dir_flag << std::endl;
}

absl::Status Up(const ClusterFlags& flags, const Configuration& conf) {
  HL_ASSIGN_OR_RETURN(Cluster c, OpenCluster(flags, conf, /*create=*/true));
  for (const char* bin : {"hayloft-namenode", "hayloft-datanode"}) {
    if (!FileExists(absl::StrCat(c.bin_dir, "/", bin))) {
      return absl::NotFoundError(absl::StrCat(bin, " is not in ", c.bin_dir,
                                              ": build everything first (deploy/test.sh, or "
                                              "ninja -C build)"));
    }
  }
  HL_RETURN_IF_ERROR(PrepareDirs(c));
  HL_RETURN_IF_ERROR(UpdateDaemonConf(c, conf));
  std::cout << "Starting the Hayloft cluster in " << c.root << std::endl;
  std::map<std::string, Subprocess> started;
  HL_RETURN_IF_ERROR(StartMissing(c, started));
  HL_RETURN_IF_ERROR(WriteClientConf(c));
  std::cout << "Waiting for " << c.datanodes << " datanode(s) to register..." << std::endl;
  HL_RETURN_IF_ERROR(WaitForDatanodes(c, started));
  PrintSummary(c);
  return absl::OkStatus();
}

absl::Status Down(const ClusterFlags& flags, const Configuration& conf) {
  HL_ASSIGN_OR_RETURN(Cluster c, OpenCluster(flags, conf, /*create=*/false));
  std::vector<std::pair<const Daemon*, pid_t>> stopping;
  for (const Daemon& d : c.daemons) {
    std::optional<pid_t> pid = RunningPid(c, d);
    if (!pid.has_value()) continue;
    ::kill(*pid, SIGTERM);
    std::cout << "  stopping " << d.label() << " (pid " << *pid << ")" << std::endl;
    stopping.emplace_back(&d, *pid);
  }
  const absl::Time deadline = absl::Now() + kStopTimeout;
  for (const auto& [d, pid] : stopping) {
    while (IsProcessAlive(pid) && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
    if (IsProcessAlive(pid)) {
      ::kill(pid, SIGKILL);
      std::cout << "  " << d->label() << " did not stop within "
                << absl::FormatDuration(kStopTimeout) << ": killed it" << std::endl;
    }
  }
  for (const Daemon& d : c.daemons) {
    std::error_code ec;
    std::filesystem::remove(c.pid_file(d), ec);
  }
  std::cout << (stopping.empty() ? "Nothing was running" : "Stopped the cluster") << " in "
            << c.root << "; its data stays there (`hayloft cluster up` starts it again)."
            << std::endl;
  return absl::OkStatus();
}

absl::StatusOr<bool> PrintStatus(const ClusterFlags& flags, const Configuration& conf) {
  HL_ASSIGN_OR_RETURN(Cluster c, OpenCluster(flags, conf, /*create=*/false));
  // Worker pid files from a build that had them count too.
  if (!c.mapreduce && FileExists(c.Path("pids/jobtracker-0.pid"))) {
    c.mapreduce = true;
    c.daemons.clear();
    HL_RETURN_IF_ERROR(BuildDaemons(c, conf));
  }
  bool all_running = true;
  for (const Daemon& d : c.daemons) {
    std::optional<pid_t> pid = RunningPid(c, d);
    all_running = all_running && pid.has_value();
    std::cout << d.role << " " << d.index << " " << d.address << " "
              << (pid.has_value() ? absl::StrCat(*pid) : "-") << " "
              << (pid.has_value() ? "running" : "stopped") << "\n";
  }
  std::cout.flush();
  return all_running;
}

}  // namespace

int RunClusterCommand(const std::vector<std::string>& args, const Configuration& conf) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    (args.empty() ? std::cerr : std::cout) << kUsage;
    return args.empty() ? 1 : 0;
  }
  if (args[0] != "up" && args[0] != "down" && args[0] != "status") {
    std::cerr << "hayloft cluster: unknown command '" << args[0] << "'\n" << kUsage;
    return 1;
  }
  absl::StatusOr<ClusterFlags> flags = ParseFlags(args);
  if (!flags.ok()) {
    std::cerr << "hayloft cluster " << args[0] << ": " << flags.status().message() << "\n"
              << kUsage;
    return 1;
  }
  absl::Status s;
  if (flags->subcommand == "up") {
    s = Up(*flags, conf);
  } else if (flags->subcommand == "down") {
    s = Down(*flags, conf);
  } else {
    absl::StatusOr<bool> all_running = PrintStatus(*flags, conf);
    if (all_running.ok()) return *all_running ? 0 : 1;
    s = all_running.status();
  }
  if (s.ok()) return 0;
  std::cerr << "hayloft cluster " << flags->subcommand << ": " << s.message() << std::endl;
  if (flags->subcommand == "up") {
    std::cerr << "Fix that and run `hayloft cluster up` again: it starts only what is not "
                 "running. `hayloft cluster down` stops what did start."
              << std::endl;
  }
  return 1;
}

}  // namespace hayloft
