#include "common/rpc/rpc_util.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/metrics_interceptor.h"

namespace hayloft::rpc {
namespace {

// Handler threads a server keeps waiting for calls once a burst has made them.
constexpr int kMaxIdleHandlerThreads = 64;

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  // Reconnect quickly after a peer restarts instead of gRPC's default backoff of
  // up to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // Distinct channels to one target must not share a connection: a data stream
  // and control calls would queue behind each other.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Retries are ours (common/rpc/retry_policy.h); gRPC's own retry filter
  // buffers every call for a retry that never comes.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

void SetDeadline(grpc::ClientContext* ctx, absl::Duration timeout) {
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

absl::StatusOr<StartedServer> StartServer(const std::string& address,
                                          const std::vector<grpc::Service*>& services) {
  grpc::ServerBuilder builder;
  StartedServer out;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &out.port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // The sync server ends a handler thread when it finishes while 2 (gRPC's default)
  // others already wait for work, and starts a new one whenever none waits: with
  // handlers that block (a namenode waiting for its edit log sync), every call paid
  // for a thread start and exit, 30% of the namenode's CPU under 64 creating
  // clients. Keeping up to kMaxIdleHandlerThreads idle doubled durable creates per
  // second (bench/README.md).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kMaxIdleHandlerThreads);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  for (grpc::Service* s : services) builder.RegisterService(s);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(NewMetricsInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  out.server = builder.BuildAndStart();
  if (out.server == nullptr || out.port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", address,
        ": the address is in use (is another daemon running?) or not local"));
  }
  return out;
}

}  // namespace hayloft::rpc
