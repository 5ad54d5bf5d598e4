#include "client/job_library.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"

namespace hayloft {

absl::StatusOr<std::unique_ptr<JobLibrary>> JobLibrary::Load(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("job library ", path, " does not exist"));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("job library ", path, " is not a file"));
  }
  // dlopen needs a path with a '/' or it searches the library path instead.
  std::string open_path = path.find('/') == std::string::npos ? absl::StrCat("./", path) : path;
  void* handle = ::dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = ::dlerror();
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is not a Hayloft job library: it cannot be loaded as a shared object (",
        err != nullptr ? err : "unknown error", ")"));
  }
  using EntryFn = const HayloftJobLibraryEntry* (*)();
  auto entry_fn = reinterpret_cast<EntryFn>(::dlsym(handle, HAYLOFT_JOB_ENTRY_SYMBOL));
  if (entry_fn == nullptr) {
    ::dlclose(handle);
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is not a Hayloft job library: it has no ", HAYLOFT_JOB_ENTRY_SYMBOL,
        " entry point (define one with HAYLOFT_JOB_LIBRARY from hayloft/mapreduce.h)"));
  }
  const HayloftJobLibraryEntry* entry = entry_fn();
  if (entry == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a Hayloft job library: its entry point returned null"));
  }
  if (entry->api_version != mr::kApiVersion) {
    // Nothing but the version is read from a mismatched library: its layout may differ.
    return absl::FailedPreconditionError(absl::StrCat(
        path, " was built against Hayloft MapReduce API version ", entry->api_version,
        ", but this Hayloft supports version ", mr::kApiVersion,
        "; rebuild the library against this Hayloft's include/hayloft/mapreduce.h"));
  }
  if (entry->create_job == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a Hayloft job library: it has no create_job function"));
  }
  return std::unique_ptr<JobLibrary>(
      new JobLibrary(path, entry->name != nullptr ? entry->name : "", entry->create_job));
}

std::unique_ptr<mr::Job> JobLibrary::NewJob() const { return std::unique_ptr<mr::Job>(create_()); }

}  // namespace hayloft
