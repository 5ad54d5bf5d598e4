// Host-to-rack map, as Hadoop's TableMapping reads it (net.topology.table.file.name):
// one "host rack" pair per line, whitespace separated, '#' starts a comment. Hosts
// not listed are on /default-rack.
#ifndef HAYLOFT_COMMON_BASE_TOPOLOGY_H_
#define HAYLOFT_COMMON_BASE_TOPOLOGY_H_

#include <map>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace hayloft {

inline constexpr absl::string_view kDefaultRack = "/default-rack";

// Immutable after construction; thread-safe to read.
class Topology {
 public:
  Topology() = default;
  static absl::StatusOr<Topology> LoadFile(const std::string& path);
  static absl::StatusOr<Topology> Parse(absl::string_view text);

  std::string RackOf(absl::string_view host) const;
  const std::map<std::string, std::string, std::less<>>& racks() const { return racks_; }

 private:
  std::map<std::string, std::string, std::less<>> racks_;
};

}  // namespace hayloft

#endif  // HAYLOFT_COMMON_BASE_TOPOLOGY_H_
