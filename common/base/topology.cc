#include "common/base/topology.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hayloft {

absl::StatusOr<Topology> Topology::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read rack map file ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return Parse(buf.str());
}

absl::StatusOr<Topology> Topology::Parse(absl::string_view text) {
  Topology t;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    std::vector<absl::string_view> f =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (f.empty()) continue;
    if (f.size() != 2 || f[1].empty() || f[1][0] != '/') {
      return absl::InvalidArgumentError(absl::StrCat(
          "rack map line ", line_no, ": expected 'host /rack', got '", line, "'"));
    }
    t.racks_[std::string(f[0])] = std::string(f[1]);
  }
  return t;
}

std::string Topology::RackOf(absl::string_view host) const {
  auto it = racks_.find(host);
  return it == racks_.end() ? std::string(kDefaultRack) : it->second;
}

}  // namespace hayloft
