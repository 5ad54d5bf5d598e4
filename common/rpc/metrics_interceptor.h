// A gRPC server interceptor that records, for every method of every service a daemon
// serves, how many calls finished with which code and how long they took:
//   rpc_server_handled_total{service, method, code}
//   rpc_server_handling_seconds{service, method}   (histogram)
// StartServer() installs it, so no service records these by hand.
#ifndef HAYLOFT_COMMON_RPC_METRICS_INTERCEPTOR_H_
#define HAYLOFT_COMMON_RPC_METRICS_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace hayloft::rpc {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewMetricsInterceptorFactory();

}  // namespace hayloft::rpc

#endif  // HAYLOFT_COMMON_RPC_METRICS_INTERCEPTOR_H_
