#include "datanode/packet_prefetcher.h"

#include <utility>

#include "datanode/block_receiver.h"

namespace hayloft::datanode {

PacketPrefetcher::PacketPrefetcher(PacketStream* upstream, int depth)
    : upstream_(upstream), depth_(depth < 1 ? 1 : static_cast<size_t>(depth)) {
  reader_ = std::thread([this] { ReadLoop(); });
}

PacketPrefetcher::~PacketPrefetcher() {
  {
    absl::MutexLock lock(&mu_);
    consumer_gone_ = true;
  }
  reader_.join();
}

void PacketPrefetcher::ReadLoop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return ready_.size() < depth_ || consumer_gone_;
      };
      mu_.Await(absl::Condition(&room));
      if (consumer_gone_) return;
    }
    std::optional<WritePacket> packet = upstream_->Read();
    const bool end = !packet.has_value() || packet->last();
    absl::MutexLock lock(&mu_);
    ready_.push_back(std::move(packet));
    if (end) {
      reader_done_ = true;
      return;
    }
  }
}

std::optional<WritePacket> PacketPrefetcher::Next() {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !ready_.empty() || reader_done_;
  };
  mu_.Await(absl::Condition(&ready));
  if (ready_.empty()) return std::nullopt;
  std::optional<WritePacket> packet = std::move(ready_.front());
  ready_.pop_front();
  return packet;
}

}  // namespace hayloft::datanode
