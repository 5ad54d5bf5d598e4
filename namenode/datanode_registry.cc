#include "namenode/datanode_registry.h"

#include <set>

namespace hayloft {

DatanodeDescriptor* DatanodeRegistry::Register(const DatanodeId& id, const std::string& rack,
                                               absl::Time now,
                                               std::vector<uint64_t>* dropped_blocks) {
  std::unique_ptr<DatanodeDescriptor>& slot = nodes_[id.uuid()];
  if (slot == nullptr) slot = std::make_unique<DatanodeDescriptor>();
  DatanodeDescriptor* d = slot.get();
  dropped_blocks->assign(d->blocks.begin(), d->blocks.end());
  d->blocks.clear();
  d->pending_deletes.clear();
  d->pending_commands.clear();
  *d->info.mutable_id() = id;
  d->info.set_rack(rack);
  d->info.set_dead(false);
  d->info.set_num_blocks(0);
  d->last_contact = now;
  d->info.set_last_contact_unix_ms(absl::ToUnixMillis(now));
  return d;
}

DatanodeDescriptor* DatanodeRegistry::Find(const std::string& uuid) {
  auto it = nodes_.find(uuid);
  return it == nodes_.end() ? nullptr : it->second.get();
}

std::vector<DatanodeDescriptor*> DatanodeRegistry::MarkDeadSince(absl::Time now,
                                                                 absl::Duration timeout) {
  std::vector<DatanodeDescriptor*> newly_dead;
  for (auto& [uuid, d] : nodes_) {
    if (!d->dead() && now - d->last_contact > timeout) {
      d->info.set_dead(true);
      newly_dead.push_back(d.get());
    }
  }
  return newly_dead;
}

std::vector<DatanodeDescriptor*> DatanodeRegistry::All() {
  std::vector<DatanodeDescriptor*> out;
  for (auto& [uuid, d] : nodes_) out.push_back(d.get());
  return out;
}

std::vector<DatanodeDescriptor*> DatanodeRegistry::Live() {
  std::vector<DatanodeDescriptor*> out;
  for (auto& [uuid, d] : nodes_) {
    if (!d->dead()) out.push_back(d.get());
  }
  return out;
}

int DatanodeRegistry::num_live() const {
  int n = 0;
  for (const auto& [uuid, d] : nodes_) n += d->dead() ? 0 : 1;
  return n;
}

int DatanodeRegistry::num_racks() const {
  std::set<std::string> racks;
  for (const auto& [uuid, d] : nodes_) {
    if (!d->dead()) racks.insert(d->info.rack());
  }
  return static_cast<int>(racks.size());
}

}  // namespace hayloft
