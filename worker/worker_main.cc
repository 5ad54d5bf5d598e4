// hayloft-worker: runs task attempts for the jobtracker and serves map output.
// Configured with -D key=value / --conf FILE.
#include <cstdlib>

#include "common/base/logging.h"
#include "common/server/daemon_util.h"
#include "worker/worker.h"
#include "worker/worker_options.h"

namespace {
constexpr char kUsage[] =
    "usage: hayloft-worker [--conf FILE] [-D key=value ...]\n"
    "  keys: hayloft.worker.address, hayloft.worker.local.dir, mapreduce.jobtracker.address,\n"
    "        fs.defaultFS, mapreduce.tasktracker.map.tasks.maximum,\n"
    "        mapreduce.tasktracker.reduce.tasks.maximum, hayloft.port.file";
}  // namespace

int main(int argc, char** argv) {
  hayloft::daemon::BlockTerminationSignals();
  hayloft::logging::Init(argv[0]);
  hayloft::Configuration conf = hayloft::daemon::ParseDaemonArgs(argc, argv, kUsage);
  absl::StatusOr<hayloft::worker::WorkerOptions> options =
      hayloft::worker::WorkerOptions::FromConfig(conf);
  if (!options.ok()) {
    LOG(ERROR) << "Bad configuration: " << options.status();
    return EXIT_FAILURE;
  }
  hayloft::worker::Worker worker(*options);
  absl::Status s = worker.Init();
  if (s.ok()) s = worker.Start();
  if (!s.ok()) {
    LOG(ERROR) << "Worker failed to start: " << s;
    worker.Shutdown();
    return EXIT_FAILURE;
  }
  int sig = hayloft::daemon::WaitForTermination();
  LOG(INFO) << "Received signal " << sig << ", stopping";
  worker.Shutdown();
  return EXIT_SUCCESS;
}
