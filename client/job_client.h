// JobClient: typed wrapper over the jobtracker's JobtrackerService, for
// `hayloft jar`, `hayloft streaming`, `hayloft job` and tests. Every call has a
// deadline; UNAVAILABLE is retried for idempotent calls until connect_timeout.
#ifndef HAYLOFT_CLIENT_JOB_CLIENT_H_
#define HAYLOFT_CLIENT_JOB_CLIENT_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/base/config.h"
#include "proto/jobtracker.grpc.pb.h"

namespace hayloft {

inline constexpr int kDefaultJobtrackerPort = 8021;

struct JobClientOptions {
  std::string jobtracker_address = "127.0.0.1:8021";  // mapreduce.jobtracker.address
  absl::Duration rpc_timeout = absl::Seconds(60);      // SubmitJob lists the input
  absl::Duration connect_timeout = absl::Seconds(3);

  static absl::StatusOr<JobClientOptions> FromConfig(const Configuration& conf);
};

// Thread-safe.
class JobClient {
 public:
  explicit JobClient(JobClientOptions options);

  const std::string& address() const { return options_.jobtracker_address; }

  absl::StatusOr<std::string> GetNewJobId(const std::string& user);
  // Errors as the jobtracker gives them: NotFound "Input path does not exist: ...",
  // AlreadyExists "Output directory ... already exists", InvalidArgument.
  absl::StatusOr<JobStatus> SubmitJob(const std::string& job_id, const std::string& user,
                                      const std::map<std::string, std::string>& conf);
  absl::StatusOr<JobStatus> GetJobStatus(const std::string& job_id);
  absl::StatusOr<std::vector<JobStatus>> ListJobs(bool all);
  absl::StatusOr<JobStatus> KillJob(const std::string& job_id);

 private:
  absl::Status Invoke(const std::function<grpc::Status(grpc::ClientContext*)>& call,
                      bool idempotent);

  const JobClientOptions options_;
  std::unique_ptr<JobtrackerService::Stub> stub_;
};

// "RUNNING", "SUCCEEDED", ... as Hadoop prints job states.
std::string JobStateName(JobState state);
bool IsFinished(JobState state);

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_JOB_CLIENT_H_
