#include "namenode/group_mapping.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/time/clock.h"

namespace hayloft {
namespace {

// Size for the *_r lookups' string buffers; grown on ERANGE.
constexpr size_t kInitialBuffer = 1024;
constexpr size_t kMaxBuffer = 1 << 20;

bool LookupUser(const std::string& user, gid_t* primary) {
  std::vector<char> buf(kInitialBuffer);
  struct passwd pw;
  struct passwd* found = nullptr;
  while (true) {
    int rc = getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < kMaxBuffer) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc != 0 || found == nullptr) return false;
    *primary = pw.pw_gid;
    return true;
  }
}

bool GroupName(gid_t gid, std::string* name) {
  std::vector<char> buf(kInitialBuffer);
  struct group gr;
  struct group* found = nullptr;
  while (true) {
    int rc = getgrgid_r(gid, &gr, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < kMaxBuffer) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc != 0 || found == nullptr) return false;
    *name = gr.gr_name;
    return true;
  }
}

}  // namespace

GroupMapping::GroupMapping(absl::Duration ttl, Resolver resolver)
    : ttl_(ttl), resolver_(resolver ? std::move(resolver) : Resolver(&GroupMapping::OsGroups)) {}

std::vector<std::string> GroupMapping::GroupsOf(const std::string& user) {
  absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(user);
    if (it != cache_.end() && it->second.expires > now) return it->second.groups;
  }
  std::vector<std::string> groups = resolver_(user);
  absl::MutexLock lock(&mu_);
  cache_[user] = Entry{groups, now + ttl_};
  return groups;
}

std::vector<std::string> GroupMapping::OsGroups(const std::string& user) {
  gid_t primary;
  if (user.empty() || !LookupUser(user, &primary)) return {};
  std::vector<gid_t> gids(32);
  while (true) {
    int n = static_cast<int>(gids.size());
    if (getgrouplist(user.c_str(), primary, gids.data(), &n) >= 0) {
      gids.resize(static_cast<size_t>(n));
      break;
    }
    // Too small: n now holds the number needed.
    gids.resize(std::max(static_cast<size_t>(n), gids.size() * 2));
  }
  // getgrouplist lists the primary group too, usually first; keep it first.
  std::stable_partition(gids.begin(), gids.end(), [&](gid_t g) { return g == primary; });
  std::vector<std::string> names;
  for (gid_t g : gids) {
    std::string name;
    if (GroupName(g, &name) && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

}  // namespace hayloft
