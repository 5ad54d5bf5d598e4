// hayloft [generic options] COMMAND ...: the user's command.
//   fs -CMD ...            the HDFS shell
//   fsck PATH [...]        block report and verdict
//   dfsadmin -report       cluster report
//   cluster up|down|status the local cluster
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "client/admin_commands.h"
#include "client/cluster_command.h"
#include "client/dfs_client.h"
#include "client/fs_shell.h"
#include "client/job_commands.h"
#include "common/base/config.h"
#include "common/base/logging.h"

namespace {

constexpr char kUsage[] =
    "Usage: hayloft [generic options] COMMAND\n"
    "  fs -CMD ...                          the file system shell (hayloft fs for the list)\n"
    "  fsck PATH [-files [-blocks [-locations | -racks]]]\n"
    "  dfsadmin -report | -safemode get\n"
    "  cluster up [--datanodes N] [--workers N] [--racks N] [--dir DIR] | down | status\n"
    "  jar LIB.so [-D key=value ...] ARGS... run a MapReduce job library\n"
    "  streaming -input P -output P -mapper CMD [-reducer CMD] ...  Hadoop Streaming\n"
    "  job -list [all] | -status ID | -kill ID\n"
    "Generic options: -D key=value, --conf FILE (also HAYLOFT_CONF), -fs hdfs://host:port\n";

int RunDfsCommand(const std::string& command, const hayloft::Configuration& conf,
                  const std::vector<std::string>& args) {
  absl::StatusOr<hayloft::DfsClientOptions> options =
      hayloft::DfsClientOptions::FromConfig(conf);
  if (!options.ok()) {
    std::cerr << command << ": " << options.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<hayloft::DfsClient>> client =
      hayloft::DfsClient::Create(*options);
  if (!client.ok()) {
    std::cerr << command << ": " << client.status().message() << "\n";
    return 1;
  }
  hayloft::ShellIo io{&std::cin, &std::cout, &std::cerr, /*in_fd=*/0};
  if (command == "fsck") return hayloft::RunFsck(client->get(), args, io);
  if (command == "dfsadmin") return hayloft::RunDfsAdmin(client->get(), args, io);
  hayloft::FsShell shell(client->get(), io);
  return shell.Run(args);
}

}  // namespace

int main(int argc, char** argv) {
  hayloft::logging::Init(argv[0]);
  std::ios::sync_with_stdio(false);
  std::vector<std::string> argv_words(argv + 1, argv + argc);
  absl::StatusOr<hayloft::GenericOptions> generic = hayloft::ParseGenericOptions(argv_words);
  if (!generic.ok()) {
    std::cerr << "hayloft: " << generic.status().message() << "\n" << kUsage;
    return 255;
  }
  std::vector<std::string>& args = generic->args;
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cerr << kUsage;
    return args.empty() ? 255 : 0;
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "cluster") return hayloft::RunClusterCommand(rest, generic->conf);
  if (command == "jar") return hayloft::RunJarCommand(rest, generic->conf);
  if (command == "streaming") return hayloft::RunStreamingCommand(rest, generic->conf);
  if (command == "job") return hayloft::RunJobCommand(rest, generic->conf);
  if (command == "fs" || command == "dfs" || command == "fsck" || command == "dfsadmin") {
    // Generic options may also follow "fs", as in `hadoop fs -D k=v -put ...`.
    absl::StatusOr<hayloft::GenericOptions> more = hayloft::ParseGenericOptions(rest);
    if (!more.ok()) {
      std::cerr << command << ": " << more.status().message() << "\n";
      return 255;
    }
    for (const auto& [k, v] : more->conf.values()) generic->conf.Set(k, v);
    return RunDfsCommand(command, generic->conf, more->args);
  }
  std::cerr << "hayloft: unknown command '" << command << "'\n" << kUsage;
  return 255;
}
