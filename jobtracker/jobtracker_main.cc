// hayloft-jobtracker: accepts MapReduce jobs and schedules their tasks onto
// workers. Configured with -D key=value / --conf FILE.
#include <cstdlib>

#include "common/base/logging.h"
#include "common/server/daemon_util.h"
#include "jobtracker/jobtracker.h"
#include "jobtracker/jobtracker_options.h"

namespace {
constexpr char kUsage[] =
    "usage: hayloft-jobtracker [--conf FILE] [-D key=value ...]\n"
    "  keys: mapreduce.jobtracker.address, fs.defaultFS, net.topology.table.file.name,\n"
    "        mapred.tasktracker.expiry.interval, hayloft.scheduler.locality.delay,\n"
    "        mapreduce.jobtracker.http.address, hayloft.port.file";
}  // namespace

int main(int argc, char** argv) {
  hayloft::daemon::BlockTerminationSignals();
  hayloft::logging::Init(argv[0]);
  hayloft::Configuration conf = hayloft::daemon::ParseDaemonArgs(argc, argv, kUsage);
  absl::StatusOr<hayloft::jobtracker::JobtrackerOptions> options =
      hayloft::jobtracker::JobtrackerOptions::FromConfig(conf);
  if (!options.ok()) {
    LOG(ERROR) << "Bad configuration: " << options.status();
    return EXIT_FAILURE;
  }
  hayloft::jobtracker::Jobtracker jobtracker(*options);
  absl::Status s = jobtracker.Init();
  if (s.ok()) s = jobtracker.Start();
  if (!s.ok()) {
    LOG(ERROR) << "Jobtracker failed to start: " << s;
    jobtracker.Shutdown();
    return EXIT_FAILURE;
  }
  int sig = hayloft::daemon::WaitForTermination();
  LOG(INFO) << "Received signal " << sig << ", stopping";
  jobtracker.Shutdown();
  return EXIT_SUCCESS;
}
