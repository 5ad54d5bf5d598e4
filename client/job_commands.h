// The job commands of `hayloft`: jar (run a job library), streaming (Hadoop
// Streaming: shell commands as mapper/reducer/combiner) and job (-list, -status,
// -kill). Each prints to stdout/stderr and returns the process exit code.
#ifndef HAYLOFT_CLIENT_JOB_COMMANDS_H_
#define HAYLOFT_CLIENT_JOB_COMMANDS_H_

#include <string>
#include <vector>

#include "common/base/config.h"

namespace hayloft {

// `hayloft jar LIB.so [-D k=v ...] ARGS...`: `args` starts with LIB.so. Exit 0 if
// the job succeeds, 1 if it fails or is refused, 2 for usage errors.
int RunJarCommand(const std::vector<std::string>& args, const Configuration& conf);
// `hayloft streaming -input P -output P -mapper CMD [-reducer CMD] ...`.
int RunStreamingCommand(const std::vector<std::string>& args, const Configuration& conf);
// `hayloft job -list [all] | -status ID | -kill ID`.
int RunJobCommand(const std::vector<std::string>& args, const Configuration& conf);

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_JOB_COMMANDS_H_
