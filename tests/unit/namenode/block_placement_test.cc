#include "namenode/block_placement.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hayloft {
namespace {

std::vector<PlacementCandidate> Nodes(const std::vector<std::pair<int, std::string>>& spec) {
  std::vector<PlacementCandidate> out;
  for (const auto& [i, rack] : spec) {
    out.push_back({"dn" + std::to_string(i), "127.0.1." + std::to_string(i), rack});
  }
  return out;
}

std::set<std::string> Racks(const std::vector<PlacementCandidate>& chosen) {
  std::set<std::string> racks;
  for (const auto& c : chosen) racks.insert(c.rack);
  return racks;
}

TEST(BlockPlacementTest, ThreeReplicasOnTwoRacksAreNeverAllOnOneRack) {
  BlockPlacement placement;
  auto nodes = Nodes({{1, "/rack1"}, {2, "/rack1"}, {3, "/rack2"}, {4, "/rack2"}, {5, "/rack1"}});
  for (int trial = 0; trial < 500; ++trial) {
    auto chosen = placement.ChooseTargets(3, "", nodes);
    ASSERT_EQ(chosen.size(), 3u);
    EXPECT_EQ(Racks(chosen).size(), 2u);
    std::set<std::string> uuids;
    for (const auto& c : chosen) uuids.insert(c.uuid);
    EXPECT_EQ(uuids.size(), 3u) << "replicas must be on distinct nodes";
    // HDFS's rule: replica 2 on another rack than replica 1, replica 3 with replica 2.
    EXPECT_NE(chosen[0].rack, chosen[1].rack);
    EXPECT_EQ(chosen[1].rack, chosen[2].rack);
  }
}

TEST(BlockPlacementTest, FirstReplicaOnTheWriterWhenItIsADatanode) {
  BlockPlacement placement;
  auto nodes = Nodes({{1, "/rack1"}, {2, "/rack1"}, {3, "/rack2"}});
  for (int trial = 0; trial < 100; ++trial) {
    auto chosen = placement.ChooseTargets(3, "127.0.1.2", nodes);
    ASSERT_EQ(chosen.size(), 3u);
    EXPECT_EQ(chosen[0].host, "127.0.1.2");
    EXPECT_EQ(chosen[1].rack, "/rack2");
  }
}

TEST(BlockPlacementTest, WriterThatIsNotADatanodeGetsAnyNodeFirst) {
  BlockPlacement placement;
  auto nodes = Nodes({{1, "/rack1"}, {2, "/rack1"}, {3, "/rack2"}});
  std::set<std::string> firsts;
  for (int trial = 0; trial < 200; ++trial) {
    firsts.insert(placement.ChooseTargets(1, "10.9.9.9", nodes)[0].uuid);
  }
  EXPECT_EQ(firsts.size(), 3u) << "the first replica should be spread over all nodes";
}

TEST(BlockPlacementTest, OneRackOnlyStillGivesDistinctNodes) {
  BlockPlacement placement;
  auto nodes = Nodes({{1, "/default-rack"}, {2, "/default-rack"}, {3, "/default-rack"}});
  auto chosen = placement.ChooseTargets(3, "", nodes);
  ASSERT_EQ(chosen.size(), 3u);
  std::set<std::string> uuids;
  for (const auto& c : chosen) uuids.insert(c.uuid);
  EXPECT_EQ(uuids.size(), 3u);
}

TEST(BlockPlacementTest, FewerNodesThanReplicasGivesEveryNode) {
  BlockPlacement placement;
  auto nodes = Nodes({{1, "/rack1"}, {2, "/rack2"}});
  EXPECT_EQ(placement.ChooseTargets(3, "", nodes).size(), 2u);
  EXPECT_TRUE(placement.ChooseTargets(3, "", {}).empty());
}

TEST(BlockPlacementTest, ReReplicationHonoursTheRackRuleWithExistingReplicas) {
  BlockPlacement placement;
  auto nodes = Nodes({{1, "/rack1"}, {2, "/rack1"}, {3, "/rack1"}, {4, "/rack2"}});
  auto existing = Nodes({{1, "/rack1"}, {2, "/rack1"}});
  std::vector<PlacementCandidate> candidates = Nodes({{3, "/rack1"}, {4, "/rack2"}});
  for (int trial = 0; trial < 50; ++trial) {
    auto chosen = placement.ChooseTargets(1, "", candidates, existing);
    ASSERT_EQ(chosen.size(), 1u);
    EXPECT_EQ(chosen[0].rack, "/rack2") << "two replicas on rack1 already: the third goes elsewhere";
  }
}

}  // namespace
}  // namespace hayloft
