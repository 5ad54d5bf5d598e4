// DfsClientCache: one DfsClient per user, for daemons that touch the DFS on
// behalf of the users whose jobs they run (the jobtracker, the workers), as
// Hadoop's services do with a proxy user: the namenode checks the job's user,
// not the daemon's. Clients are made on first use and live as long as the cache.
#ifndef HAYLOFT_CLIENT_DFS_CLIENT_CACHE_H_
#define HAYLOFT_CLIENT_DFS_CLIENT_CACHE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "client/dfs_client.h"

namespace hayloft {

// Thread-safe.
class DfsClientCache {
 public:
  // `base` is used for every client, with its user replaced.
  explicit DfsClientCache(DfsClientOptions base) : base_(std::move(base)) {}

  // The client acting as `user` (an empty user: the base options' user). Does not
  // contact the namenode.
  absl::StatusOr<DfsClient*> For(const std::string& user);

 private:
  const DfsClientOptions base_;
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<DfsClient>> clients_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_DFS_CLIENT_CACHE_H_
