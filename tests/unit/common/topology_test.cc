#include "common/base/topology.h"

#include <gtest/gtest.h>

namespace hayloft {
namespace {

TEST(TopologyTest, MapsListedHostsAndDefaultsTheRest) {
  auto t = Topology::Parse("# local cluster\n127.0.1.1 /rack1\n127.0.1.2\t/rack1\n127.0.1.3 /rack2\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->RackOf("127.0.1.1"), "/rack1");
  EXPECT_EQ(t->RackOf("127.0.1.3"), "/rack2");
  EXPECT_EQ(t->RackOf("10.0.0.9"), "/default-rack");
}

TEST(TopologyTest, RejectsMalformedLines) {
  EXPECT_FALSE(Topology::Parse("127.0.1.1\n").ok());
  EXPECT_FALSE(Topology::Parse("127.0.1.1 rack1\n").ok());
  EXPECT_FALSE(Topology::Parse("a /r b\n").ok());
}

}  // namespace
}  // namespace hayloft
