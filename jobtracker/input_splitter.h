// Input checks and splits for a new job, from the DFS: one split per block of
// every input file (an empty file gives one empty split), each with the hosts
// holding the block; the output directory must not exist.
#ifndef HAYLOFT_JOBTRACKER_INPUT_SPLITTER_H_
#define HAYLOFT_JOBTRACKER_INPUT_SPLITTER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/dfs_client.h"
#include "proto/jobtracker.pb.h"

namespace hayloft::jobtracker {

// AlreadyExists "Output directory hdfs://.../out already exists" if it does;
// NotFound "Input path does not exist: hdfs://..." for a missing input.
// `default_fs` prefixes paths in messages.
absl::StatusOr<std::vector<InputSplit>> ComputeSplits(
    DfsClient* dfs, const std::map<std::string, std::string>& conf,
    const std::string& default_fs);

}  // namespace hayloft::jobtracker

#endif  // HAYLOFT_JOBTRACKER_INPUT_SPLITTER_H_
