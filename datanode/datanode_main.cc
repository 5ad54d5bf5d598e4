// hayloft-datanode: stores blocks, serves the write pipeline and reads, and keeps
// the namenode informed. Configured with -D key=value / --conf FILE (Hadoop keys).
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "common/base/logging.h"
#include "common/server/daemon_util.h"
#include "datanode/datanode.h"
#include "datanode/datanode_options.h"

namespace {
constexpr char kUsage[] =
    "usage: hayloft-datanode [--conf FILE] [-D key=value ...]\n"
    "  keys: dfs.datanode.address, dfs.datanode.data.dir, fs.defaultFS,\n"
    "        dfs.datanode.failed.volumes.tolerated, dfs.blocksize,\n"
    "        dfs.block.scanner.volume.bytes.per.second, dfs.datanode.scan.period.hours,\n"
    "        dfs.heartbeat.interval, dfs.blockreport.intervalMsec, hayloft.port.file";
}  // namespace

int main(int argc, char** argv) {
  hayloft::daemon::BlockTerminationSignals();
  hayloft::logging::Init(argv[0]);
  hayloft::Configuration conf = hayloft::daemon::ParseDaemonArgs(argc, argv, kUsage);
  absl::StatusOr<hayloft::datanode::DatanodeOptions> options =
      hayloft::datanode::DatanodeOptions::FromConfig(conf);
  if (!options.ok()) {
    LOG(ERROR) << "Bad configuration: " << options.status();
    return EXIT_FAILURE;
  }
  hayloft::datanode::Datanode datanode(*options);
  // SIGTERM is blocked in every thread, so this wakes WaitForTermination below.
  datanode.SetFatalErrorHandler([] { ::kill(::getpid(), SIGTERM); });
  absl::Status s = datanode.Init();
  if (s.ok()) s = datanode.Start();
  if (!s.ok()) {
    LOG(ERROR) << "Datanode failed to start: " << s;
    datanode.Shutdown();
    return EXIT_FAILURE;
  }
  int sig = hayloft::daemon::WaitForTermination();
  absl::Status fatal = datanode.fatal_error();
  if (fatal.ok()) LOG(INFO) << "Received signal " << sig << ", stopping";
  datanode.Shutdown();
  if (!fatal.ok()) {
    LOG(ERROR) << "Datanode stopped: " << fatal.message();
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
