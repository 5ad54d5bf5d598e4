// A fresh temporary directory per test, removed (with everything in it) when the
// TempDir is destroyed, unless HAYLOFT_KEEP_TEST_DIRS is set to a non-empty value
// other than "0", which keeps it for a post-mortem (its path is logged then).
// It is created under $TEST_TMPDIR, else $TMPDIR, else /tmp.
#ifndef HAYLOFT_TESTS_TESTING_TEMP_DIR_H_
#define HAYLOFT_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/logging.h"

namespace hayloft::testing {

// Movable, not copyable. Not thread-safe.
class TempDir {
 public:
  // Makes <base>/<prefix>.XXXXXX (mode 0700).
  static absl::StatusOr<TempDir> Create(absl::string_view prefix = "hayloft") {
    std::string tmpl = absl::StrCat(BaseDir(), "/", prefix, ".XXXXXX");
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("mkdtemp ", tmpl, ": ", std::strerror(errno)));
    }
    return TempDir(std::move(tmpl));
  }

  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, "")) {}
  TempDir& operator=(TempDir&& other) noexcept {
    if (this != &other) {
      Remove();
      path_ = std::exchange(other.path_, "");
    }
    return *this;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { Remove(); }

  const std::string& path() const { return path_; }
  // Stops owning the directory, which then stays on disk. Returns its path.
  std::string Release() { return std::exchange(path_, ""); }
  // path() + "/" + name.
  std::string Join(absl::string_view name) const { return absl::StrCat(path_, "/", name); }

  static bool KeepDirs() {
    const char* keep = std::getenv("HAYLOFT_KEEP_TEST_DIRS");
    return keep != nullptr && *keep != '\0' && std::string(keep) != "0";
  }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}

  static std::string BaseDir() {
    for (const char* var : {"TEST_TMPDIR", "TMPDIR"}) {
      const char* v = std::getenv(var);
      if (v != nullptr && *v != '\0') return v;
    }
    return "/tmp";
  }

  void Remove() {
    if (path_.empty()) return;
    if (KeepDirs()) {
      LOG(INFO) << "HAYLOFT_KEEP_TEST_DIRS is set: keeping " << path_;
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    if (ec) LOG(WARNING) << "cannot remove " << path_ << ": " << ec.message();
    path_.clear();
  }

  std::string path_;
};

}  // namespace hayloft::testing

#endif  // HAYLOFT_TESTS_TESTING_TEMP_DIR_H_
