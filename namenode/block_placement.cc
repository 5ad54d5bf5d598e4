#include "namenode/block_placement.h"

#include <algorithm>
#include <functional>

namespace hayloft {
namespace {

using Pred = std::function<bool(const PlacementCandidate&)>;

}  // namespace

std::vector<PlacementCandidate> BlockPlacement::ChooseTargets(
    int num_replicas, const std::string& writer_host,
    const std::vector<PlacementCandidate>& candidates,
    const std::vector<PlacementCandidate>& already_chosen) {
  std::vector<PlacementCandidate> pool = candidates;
  std::shuffle(pool.begin(), pool.end(), rng_);
  std::vector<PlacementCandidate> chosen = already_chosen;
  std::vector<PlacementCandidate> result;
  auto taken = [&](const PlacementCandidate& c) {
    return std::any_of(chosen.begin(), chosen.end(),
                       [&](const PlacementCandidate& x) { return x.uuid == c.uuid; });
  };
  // Takes the first free candidate matching `pred`; false if none.
  auto pick = [&](const Pred& pred) {
    for (const PlacementCandidate& c : pool) {
      if (!taken(c) && pred(c)) {
        chosen.push_back(c);
        result.push_back(c);
        return true;
      }
    }
    return false;
  };
  auto any = [](const PlacementCandidate&) { return true; };
  while (static_cast<int>(result.size()) < num_replicas) {
    bool ok = false;
    switch (chosen.size()) {
      case 0:
        ok = pick([&](const PlacementCandidate& c) { return c.host == writer_host; }) ||
             pick(any);
        break;
      case 1: {
        const std::string rack0 = chosen[0].rack;
        ok = pick([&](const PlacementCandidate& c) { return c.rack != rack0; }) || pick(any);
        break;
      }
      case 2: {
        // Replica 3 joins replica 2's rack when 1 and 2 are on different racks;
        // otherwise (one rack so far) it goes to another rack if there is one.
        const std::string rack0 = chosen[0].rack, rack1 = chosen[1].rack;
        if (rack0 != rack1) {
          ok = pick([&](const PlacementCandidate& c) { return c.rack == rack1; }) || pick(any);
        } else {
          ok = pick([&](const PlacementCandidate& c) { return c.rack != rack0; }) || pick(any);
        }
        break;
      }
      default:
        ok = pick(any);
    }
    if (!ok) break;
  }
  return result;
}

}  // namespace hayloft
