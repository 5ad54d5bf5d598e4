#include "client/dfs_client_cache.h"

#include "common/base/status_macros.h"

namespace hayloft {

absl::StatusOr<DfsClient*> DfsClientCache::For(const std::string& user) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<DfsClient>& client = clients_[user];
  if (client == nullptr) {
    DfsClientOptions options = base_;
    if (!user.empty()) options.user = user;
    // Creating a client is cheap and does no I/O, so holding mu_ is fine.
    HL_ASSIGN_OR_RETURN(client, DfsClient::Create(std::move(options)));
  }
  return client.get();
}

}  // namespace hayloft
