// DatanodeChannels: one gRPC channel per datanode address, reused across blocks.
#ifndef HAYLOFT_CLIENT_DATANODE_CHANNELS_H_
#define HAYLOFT_CLIENT_DATANODE_CHANNELS_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "proto/datanode.grpc.pb.h"

namespace hayloft {

// Thread-safe.
class DatanodeChannels {
 public:
  std::unique_ptr<DatanodeService::Stub> StubFor(const DatanodeId& id);

 private:
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(mu_);
};

std::string AddressOf(const DatanodeId& id);

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_DATANODE_CHANNELS_H_
