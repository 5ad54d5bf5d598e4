// Configuration: string keys with Hadoop's names (dfs.blocksize, dfs.replication,
// ...) mapped to string values, read from a file and from -D overrides.
//
// File format: one `key=value` per line; blank lines and lines starting with '#'
// are ignored. A file starting with '<' is read as Hadoop's XML
// (<property><name>k</name><value>v</value></property>).
#ifndef HAYLOFT_COMMON_BASE_CONFIG_H_
#define HAYLOFT_COMMON_BASE_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hayloft {

// Not thread-safe; build it once, then share it read-only.
class Configuration {
 public:
  Configuration() = default;

  // Adds every setting of `path` (later settings win).
  absl::Status LoadFile(const std::string& path);
  // Parses "key=value" (as given after -D).
  absl::Status SetFromArg(absl::string_view arg);
  void Set(std::string key, std::string value) { values_[std::move(key)] = std::move(value); }

  std::optional<std::string> Get(absl::string_view key) const;
  std::string GetString(absl::string_view key, absl::string_view default_value) const;
  // Integers accept Hadoop's size suffixes k, m, g, t, p (binary, case-insensitive).
  absl::StatusOr<int64_t> GetInt64(absl::string_view key, int64_t default_value) const;
  absl::StatusOr<bool> GetBool(absl::string_view key, bool default_value) const;
  // Durations accept the suffixes ns, us, ms, s, m, h, d; a bare number is in
  // `default_unit` (Hadoop's getTimeDuration).
  absl::StatusOr<absl::Duration> GetDuration(absl::string_view key,
                                             absl::Duration default_value,
                                             absl::Duration default_unit) const;

  const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// Parses a size such as "128m" or "1048576". InvalidArgument names `what`.
absl::StatusOr<int64_t> ParseSize(absl::string_view text, absl::string_view what);

// Hadoop's generic options, which come before the command: -D key=value,
// -Dkey=value, --conf FILE / -conf FILE, -fs URI. The file named by HAYLOFT_CONF is
// read first. Returns the remaining arguments.
struct GenericOptions {
  Configuration conf;
  std::vector<std::string> args;
};
absl::StatusOr<GenericOptions> ParseGenericOptions(const std::vector<std::string>& args);

}  // namespace hayloft

#endif  // HAYLOFT_COMMON_BASE_CONFIG_H_
