// gRPC glue shared by every daemon and client: channels, server builders, deadlines.
#ifndef HAYLOFT_COMMON_RPC_RPC_UTIL_H_
#define HAYLOFT_COMMON_RPC_RPC_UTIL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hayloft::rpc {

// Largest message on any stream: data packets are ~1 MiB plus checksums.
inline constexpr int kMaxMessageBytes = 64 << 20;

// An insecure channel to "host:port" with large message limits and fast reconnects,
// so a restarted daemon is found again within about a second.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target);

// Sets a deadline `timeout` from now.
void SetDeadline(grpc::ClientContext* ctx, absl::Duration timeout);

// Builds and starts a server on `address` ("host:port", port 0 picks one). Turns off
// SO_REUSEPORT so a second daemon on the same port fails instead of sharing it.
// Returns the port actually bound.
struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};
absl::StatusOr<StartedServer> StartServer(const std::string& address,
                                          const std::vector<grpc::Service*>& services);

}  // namespace hayloft::rpc

#endif  // HAYLOFT_COMMON_RPC_RPC_UTIL_H_
