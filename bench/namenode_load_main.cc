// bench-namenode-load: namenode operations per second from a multi-threaded client.
//   bench-namenode-load --namenode 127.0.0.1:8020 --threads 1,4,16,64 --seconds 5
// For each thread count, runs the phases of NamenodeLoad (mkdir, create,
// getfileinfo, liststatus, rename, delete) and prints one JSON object per phase
// on stdout; a readable line per phase goes to stderr. Exit 1 if any operation
// failed.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/namenode_load.h"
#include "common/base/logging.h"

ABSL_FLAG(std::string, namenode, "127.0.0.1:8020", "namenode RPC address host:port");
ABSL_FLAG(std::string, threads, "1,4,16,64", "comma-separated client thread counts");
ABSL_FLAG(int, clients, 1, "DFS client objects (gRPC channels) the threads share");
ABSL_FLAG(std::string, ops, "mkdir,create,getfileinfo,liststatus,rename,delete",
          "phases to run (they always run in this order)");
ABSL_FLAG(double, seconds, 5, "longest time per phase");
ABSL_FLAG(int64_t, max_ops_per_thread, 1'000'000, "most operations per thread per phase");
ABSL_FLAG(int, list_entries, 1000, "entries of the directory liststatus reads");
ABSL_FLAG(std::string, base_dir, "/bench/nnload",
          "DFS directory to work under: t<threads>/ per thread count, list/ for liststatus");

namespace {

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

int RunForThreads(int threads, bool& any_error) {
  hayloft::bench::NamenodeLoadOptions o;
  o.client.namenode_address = absl::GetFlag(FLAGS_namenode);
  // The user who started the cluster (HAYLOFT_USER or the OS user), as the shell steps
  // of run.sh that make the directories: the DFS checks permissions.
  o.threads = threads;
  o.clients = absl::GetFlag(FLAGS_clients);
  o.base_dir = absl::StrCat(absl::GetFlag(FLAGS_base_dir), "/t", threads);
  o.ops = absl::StrSplit(absl::GetFlag(FLAGS_ops), ',', absl::SkipEmpty());
  o.phase_duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  o.max_ops_per_thread = absl::GetFlag(FLAGS_max_ops_per_thread);
  o.list_dir = absl::StrCat(absl::GetFlag(FLAGS_base_dir), "/list");
  o.list_entries = absl::GetFlag(FLAGS_list_entries);
  hayloft::bench::NamenodeLoad load(o);
  if (absl::Status s = load.Prepare(); !s.ok()) {
    std::cerr << "bench-namenode-load: preparing " << o.base_dir << ": " << s << "\n";
    return 1;
  }
  absl::StatusOr<std::vector<hayloft::bench::PhaseResult>> results = load.Run();
  if (!results.ok()) {
    std::cerr << "bench-namenode-load: " << results.status() << "\n";
    return 1;
  }
  for (const hayloft::bench::PhaseResult& r : *results) {
    std::cout << r.ToJson() << std::endl;
    std::cerr << absl::StrFormat(
        "%-12s threads %3d  %9.0f ops/s  p50 %7.3f ms  p99 %7.3f ms  (%d ops, %d errors)\n",
        r.op, r.threads, r.ops_per_second(), Ms(r.latency.Percentile(0.5)),
        Ms(r.latency.Percentile(0.99)), r.ops, r.errors);
    if (r.errors > 0) {
      any_error = true;
      std::cerr << "  first error: " << r.first_error << "\n";
    }
  }
  if (absl::Status s = load.Cleanup(); !s.ok()) {
    std::cerr << "bench-namenode-load: cleaning up " << o.base_dir << ": " << s << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  hayloft::logging::Init(argv[0]);  // as the hayloft command: no lock-order checking
  bool any_error = false;
  for (absl::string_view t : absl::StrSplit(absl::GetFlag(FLAGS_threads), ',', absl::SkipEmpty())) {
    int threads = 0;
    if (!absl::SimpleAtoi(t, &threads) || threads < 1) {
      std::cerr << "bench-namenode-load: bad thread count '" << t << "'\n";
      return 2;
    }
    if (RunForThreads(threads, any_error) != 0) return 1;
  }
  return any_error ? 1 : 0;
}
