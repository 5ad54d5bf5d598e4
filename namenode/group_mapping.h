// GroupMapping: the groups of a user as the namenode sees them. Like Hadoop's
// default ShellBasedUnixGroupsMapping, they are the OS groups of that user name
// on the namenode's host (getgrouplist); a name the host does not know has no
// groups. Answers are cached for `ttl`, as Hadoop's Groups cache does
// (hadoop.security.groups.cache.secs), because a lookup may be slow (NSS, LDAP).
#ifndef HAYLOFT_NAMENODE_GROUP_MAPPING_H_
#define HAYLOFT_NAMENODE_GROUP_MAPPING_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hayloft {

// Thread-safe.
class GroupMapping {
 public:
  using Resolver = std::function<std::vector<std::string>(const std::string& user)>;

  // `resolver` empty: OsGroups.
  GroupMapping(absl::Duration ttl, Resolver resolver);

  // Never blocks on mu_ while resolving, so one slow lookup holds up nobody else.
  std::vector<std::string> GroupsOf(const std::string& user);

  // The host's groups of `user`, primary group first; empty for an unknown user.
  static std::vector<std::string> OsGroups(const std::string& user);

 private:
  struct Entry {
    std::vector<std::string> groups;
    absl::Time expires;
  };

  const absl::Duration ttl_;
  const Resolver resolver_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_GROUP_MAPPING_H_
