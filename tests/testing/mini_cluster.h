// MiniCluster: a real Hayloft cluster for integration tests, in the style of Kudu's
// ExternalMiniCluster. The namenode and every datanode are separate processes
// started from the built binaries (bin/hayloft-namenode, bin/hayloft-datanode), so
// kills and restarts are real. Every daemon binds port 0 and reports the port it
// got through a port file, so tests can run in parallel.
//
// Datanode indices are 1-based, as hosts are: datanode i runs on 127.0.1.i, and
// `hayloft cluster status` numbers them the same way. The namenode runs on
// 127.0.0.1.
//
// Layout of dir():
//   conf/racks              rack map (net.topology.table.file.name): "host /rack"
//   conf/client.conf        written by WriteClientConfFile()
//   namenode/               the namenode's name dir (LevelDB)
//   datanode-<i>/data       datanode i's data dir (replicas are blk_<id> under it)
//   logs/namenode-0.log     each daemon's stdout + stderr, appended across restarts
//   logs/datanode-<i>.log
//   pids/<role>-<i>.port    the port file each daemon writes once it serves
//   pids/<role>-<i>.http    its HTTP address (pages, /metrics, WebHDFS), written first
//
// Typical use:
//   MiniCluster cluster;                       // 3 datanodes on 2 racks
//   ASSERT_OK(cluster.Start());
//   ASSERT_OK_AND_ASSIGN(auto client, cluster.NewDfsClient());
//   ASSERT_OK(cluster.KillDatanode(1));
//   ASSERT_OK(cluster.WaitForLiveDatanodes(2));
//   ASSERT_OK(cluster.RestartDatanode(1));
//
// When the current gtest test has failed, the destructor keeps the cluster's
// directory (and logs) and says where; HAYLOFT_KEEP_TEST_DIRS=1 always keeps it.
#ifndef HAYLOFT_TESTS_TESTING_MINI_CLUSTER_H_
#define HAYLOFT_TESTS_TESTING_MINI_CLUSTER_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/dfs_client.h"
#include "client/job_client.h"
#include "common/base/config.h"
#include "common/base/subprocess.h"
#include "proto/namenode.grpc.pb.h"
#include "tests/testing/temp_dir.h"

namespace hayloft::testing {

struct MiniClusterOptions {
  int num_datanodes = 3;
  // Datanodes go onto racks in contiguous groups of ceil(num_datanodes / num_racks):
  // with 3 datanodes and 2 racks, 127.0.1.1-2 on /rack1 and 127.0.1.3 on /rack2.
  int num_racks = 2;
  // If not empty: racks[i - 1] is datanode i's rack (e.g. "/rack1"); overrides
  // num_racks and must have num_datanodes entries.
  std::vector<std::string> racks;
  int replication = 3;                // dfs.replication
  int64_t block_size = 1 << 20;       // dfs.blocksize: small, so tests see many blocks
  absl::Duration heartbeat_interval = absl::Seconds(1);  // dfs.heartbeat.interval
  // dfs.namenode.heartbeat.recheck-interval. A datanode is dead after
  // 2 * recheck + 10 * heartbeat: 12 s with the defaults.
  absl::Duration heartbeat_recheck_interval = absl::Seconds(1);
  // Extra settings (-D key=value) for the namenode and for every datanode; they
  // win over the settings above.
  std::map<std::string, std::string> namenode_conf;
  std::map<std::string, std::string> datanode_conf;
  // MapReduce: with num_workers > 0, a jobtracker (on 127.0.0.1) and worker i on
  // 127.0.1.i, beside datanode i (so num_workers <= num_datanodes keeps every
  // worker next to data).
  int num_workers = 0;
  int worker_map_slots = 2;     // mapreduce.tasktracker.map.tasks.maximum
  int worker_reduce_slots = 1;  // mapreduce.tasktracker.reduce.tasks.maximum
  absl::Duration worker_heartbeat_interval = absl::Milliseconds(300);
  // mapred.tasktracker.expiry.interval: a silent worker is lost after this.
  absl::Duration worker_expiry = absl::Seconds(6);
  std::map<std::string, std::string> jobtracker_conf;
  std::map<std::string, std::string> worker_conf;
  // How long Start() and the restarts wait for daemons to serve and register.
  absl::Duration start_timeout = absl::Seconds(60);
  // How long Shutdown() and Stop*() wait after SIGTERM before SIGKILL.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Where the cluster lives. Empty: a fresh temporary directory.
  std::string dir;
  // The user every daemon runs as (their HAYLOFT_USER), so the namenode's
  // superuser; also the user of NewDfsClient() and of the cluster's own admin
  // calls. Empty: $HAYLOFT_USER, else the OS user, as for any process.
  std::string user;
};

// Not thread-safe; used by one test thread. Start daemons only from a thread that
// lives as long as they do (they get SIGKILL when their starting thread exits, so
// a crashed test leaves no daemons behind).
class MiniCluster {
 public:
  explicit MiniCluster(MiniClusterOptions options = {});
  // Shuts the cluster down (SIGTERM, then SIGKILL).
  ~MiniCluster();
  MiniCluster(const MiniCluster&) = delete;
  MiniCluster& operator=(const MiniCluster&) = delete;

  // Creates the directory and the rack map, starts the namenode, then every
  // datanode, and waits until the namenode reports all datanodes live. On failure
  // the error names the daemon and quotes the tail of its log.
  absl::Status Start();
  // SIGTERM to every running daemon, SIGKILL to those still running after
  // shutdown_grace. Error if a daemon had died earlier, or did not exit with
  // status 0 on SIGTERM. Idempotent.
  absl::Status Shutdown();

  // SIGKILL and reap. FailedPrecondition if it is not running.
  absl::Status KillNamenode();
  // SIGTERM (SIGKILL after shutdown_grace); error unless it exits with status 0.
  absl::Status StopNamenode();
  // Stops the namenode if it runs, then starts it on the same name dir and port
  // and waits until it serves (it may still be in safe mode).
  absl::Status RestartNamenode();

  absl::Status KillWorker(int i);
  // Starts worker i again on the same host, port and local dir.
  absl::Status RestartWorker(int i);
  absl::Status KillJobtracker();

  absl::Status KillDatanode(int i);
  absl::Status StopDatanode(int i);
  // Stops datanode i if it runs, then starts it with the same data dir, host and
  // port, and waits until it serves. Does not wait for it to register: follow with
  // WaitForLiveDatanodes().
  absl::Status RestartDatanode(int i);

  // Polls the namenode's GetDatanodeReport until exactly `n` datanodes are live
  // (not dead). DeadlineExceeded after `timeout`, saying how many were live and
  // which daemons are not running.
  absl::Status WaitForLiveDatanodes(int n, absl::Duration timeout = absl::Seconds(60));
  // Polls until the namenode has left safe mode (after a restart it waits for
  // block reports). DeadlineExceeded with the namenode's reason.
  absl::Status WaitForSafeModeOff(absl::Duration timeout = absl::Seconds(60));
  // One GetDatanodeReport call.
  absl::StatusOr<std::vector<DatanodeInfo>> GetDatanodeReport();
  absl::StatusOr<int> NumLiveDatanodes();

  const MiniClusterOptions& options() const { return options_; }
  int num_datanodes() const { return options_.num_datanodes; }
  const std::string& dir() const { return dir_; }
  std::string rack_map_path() const;

  // "127.0.0.1:<port>". Valid after Start().
  std::string namenode_address() const;
  std::string namenode_name_dir() const;
  std::string namenode_log_path() const;
  // "host:port" of each daemon's HTTP server (status pages, /api, /metrics, WebHDFS
  // on the namenode). Valid after Start().
  std::string namenode_http_address() const;
  std::string datanode_http_address(int i) const;
  std::string jobtracker_http_address() const;
  std::string worker_http_address(int i) const;
  // -1 if it is not running.
  pid_t namenode_pid();

  // "127.0.1.<i>".
  std::string datanode_host(int i) const;
  // "127.0.1.<i>:<port>". Valid after Start().
  std::string datanode_address(int i) const;
  std::string datanode_rack(int i) const;
  std::string datanode_data_dir(int i) const;
  std::string datanode_log_path(int i) const;
  pid_t datanode_pid(int i);

  int num_workers() const { return options_.num_workers; }
  // "127.0.0.1:<port>". Valid after Start() with num_workers > 0.
  std::string jobtracker_address() const;
  std::string jobtracker_log_path() const;
  pid_t jobtracker_pid();
  // Worker i (1-based) on 127.0.1.i: its ShuffleService address, log, local dir.
  std::string worker_address(int i) const;
  std::string worker_log_path(int i) const;
  std::string worker_local_dir(int i) const;
  pid_t worker_pid(int i);

  // What a client or the shell should use: fs.defaultFS, dfs.blocksize,
  // dfs.replication (and mapreduce.jobtracker.address with workers).
  Configuration ClientConfiguration() const;
  // Writes ClientConfiguration() as a conf file (key=value lines), for
  // `hayloft --conf FILE fs ...`; empty `path` means dir()/conf/client.conf.
  // Returns the path written.
  absl::StatusOr<std::string> WriteClientConfFile(const std::string& path = "");
  // A DFS client for ClientConfiguration(), acting as user() (the superuser).
  absl::StatusOr<std::unique_ptr<DfsClient>> NewDfsClient() const;
  // The user the daemons run as: options().user or its default.
  std::string user() const;
  // A job client for the jobtracker. FailedPrecondition without workers.
  absl::StatusOr<std::unique_ptr<JobClient>> NewJobClient() const;

 private:
  // One daemon process and how to start it again.
  struct Daemon {
    std::string role;   // "namenode" or "datanode"
    int index = 0;      // 0 for the namenode, 1.. for datanodes
    std::string host;   // where it binds
    int port = 0;       // 0 until it first reports its port
    int http_port = 0;  // likewise for its HTTP server
    std::string log_path;
    std::string port_file;
    std::string http_port_file;
    std::optional<Subprocess> process;  // empty once stopped or killed

    std::string name() const;
    std::string address() const;
    std::string http_address() const;
  };

  absl::Status PrepareDir();
  absl::Status WriteRackMap();
  std::vector<std::string> NamenodeArgv() const;
  std::vector<std::string> DatanodeArgv(const Daemon& d) const;
  std::vector<std::string> JobtrackerArgv() const;
  std::vector<std::string> WorkerArgv(const Daemon& d) const;
  absl::Status StartMapReduce();
  Daemon& worker(int i);
  const Daemon& worker(int i) const;
  absl::Status StartDaemon(Daemon& d, std::vector<std::string> argv);
  absl::Status WaitForPortFile(Daemon& d);
  absl::Status KillDaemon(Daemon& d);
  absl::Status StopDaemon(Daemon& d);
  pid_t DaemonPid(Daemon& d);
  std::string DescribeStoppedDaemons();
  Daemon& datanode(int i);
  const Daemon& datanode(int i) const;
  NamenodeService::Stub* namenode_stub();

  const MiniClusterOptions options_;
  std::optional<TempDir> temp_dir_;  // set when options_.dir is empty
  std::string dir_;
  Daemon namenode_;
  std::vector<Daemon> datanodes_;    // datanodes_[i - 1] is datanode i
  Daemon jobtracker_;
  std::vector<Daemon> workers_;      // workers_[i - 1] is worker i
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<NamenodeService::Stub> stub_;
};

}  // namespace hayloft::testing

#endif  // HAYLOFT_TESTS_TESTING_MINI_CLUSTER_H_
