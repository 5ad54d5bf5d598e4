// hayloft-namenode [-D key=value]... [--conf FILE]
#include <cstdio>

#include "common/base/logging.h"
#include "common/server/daemon_util.h"
#include "namenode/namenode.h"

int main(int argc, char** argv) {
  hayloft::daemon::BlockTerminationSignals();
  hayloft::logging::Init(argv[0]);
  hayloft::Configuration conf = hayloft::daemon::ParseDaemonArgs(
      argc, argv, "usage: hayloft-namenode [-D key=value]... [--conf FILE]");
  absl::StatusOr<hayloft::NamenodeOptions> options = hayloft::NamenodeOptions::FromConfig(conf);
  if (!options.ok()) {
    LOG(ERROR) << "bad namenode configuration: " << options.status().message();
    return 1;
  }
  hayloft::Namenode namenode(*options);
  absl::Status s = namenode.Init();
  if (s.ok()) s = namenode.Start();
  if (!s.ok()) {
    LOG(ERROR) << "namenode failed to start: " << s.message();
    namenode.Shutdown();
    return 1;
  }
  int sig = hayloft::daemon::WaitForTermination();
  LOG(INFO) << "namenode stopping on signal " << sig;
  namenode.Shutdown();
  return 0;
}
