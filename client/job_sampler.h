// Input sampling for total-order partitioning (TeraSort's sampled partitioner):
// reads runs of fixed-length records at evenly spaced places of the input and
// picks num_reduces - 1 split points among their keys.
#ifndef HAYLOFT_CLIENT_JOB_SAMPLER_H_
#define HAYLOFT_CLIENT_JOB_SAMPLER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/dfs_client.h"

namespace hayloft {

struct SamplerOptions {
  int record_length = 100;
  int key_length = 10;
  int num_partitions = 1;
  int num_windows = 10;             // places sampled
  int records_per_window = 1000;
};

// `inputs` are normalized DFS paths (files, or directories of files). Returns the
// sorted split points (num_partitions - 1 keys, fewer if the input has fewer keys).
absl::StatusOr<std::vector<std::string>> SampleSplitPoints(DfsClient* dfs,
                                                           const std::vector<std::string>& inputs,
                                                           const SamplerOptions& options);

// Hex encoding of split points for the job configuration, and back.
std::string EncodeSplitPoints(const std::vector<std::string>& keys);
std::vector<std::string> DecodeSplitPoints(const std::string& text);

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_JOB_SAMPLER_H_
