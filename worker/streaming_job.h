// The built-in job behind `hayloft streaming`: mapper, reducer and combiner are
// shell commands (Hadoop Streaming semantics). Each task starts its command with
// /bin/sh -c in the attempt dir (where -file files are), feeds it records as
// lines ("value" for maps reading text, "key<TAB>value" otherwise) and reads its
// stdout lines back, split at the first TAB into key and value. The map's command
// sees mapreduce_map_input_file (and map_input_file) in its environment. A command
// that exits non-zero fails the attempt.
#ifndef HAYLOFT_WORKER_STREAMING_JOB_H_
#define HAYLOFT_WORKER_STREAMING_JOB_H_

#include <memory>
#include <string>

#include "hayloft/mapreduce.h"

namespace hayloft::worker {

// `attempt_dir` is the commands' working directory.
std::unique_ptr<mr::Job> NewStreamingJob(const std::string& attempt_dir);

}  // namespace hayloft::worker

#endif  // HAYLOFT_WORKER_STREAMING_JOB_H_
