// JobLibrary: a job library (.so built against include/hayloft/mapreduce.h),
// loaded with dlopen after checking that it is one and that its API version is
// ours. Used by `hayloft jar` (to configure the job) and by task attempts.
#ifndef HAYLOFT_CLIENT_JOB_LIBRARY_H_
#define HAYLOFT_CLIENT_JOB_LIBRARY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "hayloft/mapreduce.h"

namespace hayloft {

// Not thread-safe. Keeps the library loaded for the life of the process (objects
// it created may outlive this handle, and unloading user code is never safe).
class JobLibrary {
 public:
  // NotFound: no such file. InvalidArgument: not a shared object, or not a job
  // library (no entry point). FailedPrecondition: built against another API
  // version; the message names both versions.
  static absl::StatusOr<std::unique_ptr<JobLibrary>> Load(const std::string& path);

  // A new Job from the library's entry point.
  std::unique_ptr<mr::Job> NewJob() const;
  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }

 private:
  JobLibrary(std::string path, std::string name, mr::Job* (*create)())
      : path_(std::move(path)), name_(std::move(name)), create_(create) {}

  std::string path_;
  std::string name_;
  mr::Job* (*create_)();
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_JOB_LIBRARY_H_
