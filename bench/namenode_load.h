// NamenodeLoad: drives one namenode with N client threads through the real DFS
// client (gRPC), one operation kind at a time, and measures operations per second
// and the latency of every operation. The phases run in this order, each for
// NamenodeLoadOptions::phase_duration at most, because the later ones use what the
// earlier ones made:
//   mkdir        Mkdirs(<base>/mkdir/w<t>/d<i>)
//   create       Create(<base>/create/w<t>/f<i>) + Close(): an empty file, two RPCs
//   getfileinfo  GetFileInfo of the files create made, round robin
//   liststatus   ListStatus of `list_dir`, a directory of `list_entries` empty files
//                (made first if it is not there, untimed); one operation is the
//                whole listing, however many pages
//   rename       Rename(<base>/create/w<t>/f<i>, <base>/rename/w<t>/f<i>), each file once
//   delete       Delete(<base>/rename/w<t>/f<i>), each renamed file once
// Every mutation is durable when it returns (the namenode syncs its edit log).
//
// Not thread-safe; used by one main().
#ifndef HAYLOFT_BENCH_NAMENODE_LOAD_H_
#define HAYLOFT_BENCH_NAMENODE_LOAD_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/latency_histogram.h"
#include "client/dfs_client.h"

namespace hayloft::bench {

struct NamenodeLoadOptions {
  DfsClientOptions client;
  int threads = 1;
  // Client objects (each its own gRPC channel, so its own TCP connection) the
  // threads share round robin; 1 models one multi-threaded client process.
  int clients = 1;
  std::string base_dir = "/bench/nnload";
  std::vector<std::string> ops = {"mkdir", "create", "getfileinfo", "liststatus", "rename",
                                  "delete"};
  absl::Duration phase_duration = absl::Seconds(5);
  int64_t max_ops_per_thread = 1'000'000;
  std::string list_dir = "/bench/nnload-list";
  int list_entries = 1000;
};

struct PhaseResult {
  std::string op;
  int threads = 0;
  int64_t ops = 0;     // that succeeded
  int64_t errors = 0;  // that failed (not in `ops`, not in the latencies)
  std::string first_error;
  absl::Duration elapsed;
  LatencyHistogram latency;

  double ops_per_second() const;
  std::string ToJson() const;
};

class NamenodeLoad {
 public:
  explicit NamenodeLoad(NamenodeLoadOptions options);

  // Makes the clients and the directories every phase needs (untimed).
  absl::Status Prepare();
  // Runs the phases named in options.ops, in the fixed order above.
  absl::StatusOr<std::vector<PhaseResult>> Run();
  // Removes <base_dir> recursively (untimed); list_dir stays for the next run.
  absl::Status Cleanup();

 private:
  // One operation of thread `t`, its `i`-th; returns false when the thread has
  // nothing left to do (rename and delete run out of files).
  using OpFn = std::function<absl::StatusOr<bool>(int t, int64_t i)>;

  PhaseResult RunPhase(const std::string& op, const OpFn& fn);
  OpFn MakeOp(const std::string& op);
  DfsClient& client(int t) { return *clients_[t % clients_.size()]; }
  std::string ThreadDir(absl::string_view phase, int t) const;
  absl::Status MakeListDir();

  const NamenodeLoadOptions options_;
  std::vector<std::unique_ptr<DfsClient>> clients_;
  // Files each thread's create phase made, renamed so far, deleted so far.
  std::vector<int64_t> created_, renamed_;
};

}  // namespace hayloft::bench

#endif  // HAYLOFT_BENCH_NAMENODE_LOAD_H_
