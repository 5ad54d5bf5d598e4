// /metrics on every daemon of a real cluster: served, strictly valid Prometheus text
// (checked by promtool, Prometheus's own parser and linter), and counting what
// happened (RPCs by method, requests served).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/testing/command.h"
#include "tests/testing/http_client.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/status_matchers.h"

namespace hayloft::testing {
namespace {

using ::testing::HasSubstr;

struct Endpoint {
  std::string daemon;
  std::string address;
};

// promtool reads the exposition from stdin and exits 0 only if it parses and
// passes Prometheus's lint rules (naming, _total suffixes, HELP present, ...).
void ExpectPromtoolAccepts(const Endpoint& e, const std::string& text) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       RunCommand({"promtool", "check", "metrics"}, {.stdin_data = text}));
  EXPECT_EQ(r.exit_code, 0) << e.daemon << " /metrics rejected by promtool:\n"
                            << r.out << r.err << "\n--- text ---\n"
                            << text.substr(0, 4000);
}

// The value of the sample line that starts with `series` ("name{labels}").
double SampleValue(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, series + " ")) {
      return std::stod(std::string(line.substr(series.size() + 1)));
    }
  }
  return -1;
}

class MetricsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new MiniCluster({.num_datanodes = 2, .num_racks = 1, .replication = 2,
                                .num_workers = 1});
    ASSERT_OK(cluster_->Start());
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  std::vector<Endpoint> Endpoints() const {
    return {{"namenode", cluster_->namenode_http_address()},
            {"datanode 1", cluster_->datanode_http_address(1)},
            {"datanode 2", cluster_->datanode_http_address(2)},
            {"jobtracker", cluster_->jobtracker_http_address()},
            {"worker 1", cluster_->worker_http_address(1)}};
  }

  static MiniCluster* cluster_;
};

MiniCluster* MetricsTest::cluster_ = nullptr;

TEST_F(MetricsTest, EveryDaemonServesValidPrometheusText) {
  // Some traffic first, so histograms and labelled counters have samples.
  ASSERT_OK_AND_ASSIGN(auto client, cluster_->NewDfsClient());
  ASSERT_OK(client->WriteFile("/metrics-test/a", std::string(300000, 'x')));
  ASSERT_OK(client->ReadFile("/metrics-test/a").status());
  for (const Endpoint& e : Endpoints()) {
    SCOPED_TRACE(e.daemon);
    ASSERT_OK_AND_ASSIGN(HttpResult r, HttpGet(e.address, "/metrics"));
    ASSERT_EQ(r.status, 200);
    EXPECT_THAT(r.Header("Content-Type"), HasSubstr("text/plain; version=0.0.4"));
    EXPECT_THAT(r.body, HasSubstr("# TYPE process_start_time_seconds gauge"));
    EXPECT_GT(SampleValue(r.body, "process_resident_memory_bytes"), 0);
    if (e.daemon != "worker 1") {  // a worker serves RPCs only once a reduce fetches
      EXPECT_THAT(r.body, HasSubstr("# TYPE rpc_server_handled_total counter"));
    }
    ExpectPromtoolAccepts(e, r.body);
  }
}

TEST_F(MetricsTest, NamenodeCountsRpcsPerMethod) {
  ASSERT_OK_AND_ASSIGN(auto client, cluster_->NewDfsClient());
  const std::string series =
      "rpc_server_handled_total{service=\"NamenodeService\",method=\"Mkdirs\",code=\"OK\"}";
  ASSERT_OK_AND_ASSIGN(HttpResult before, HttpGet(cluster_->namenode_http_address(), "/metrics"));
  double n0 = std::max(0.0, SampleValue(before.body, series));
  for (int i = 0; i < 3; ++i) ASSERT_OK(client->Mkdirs(absl::StrCat("/metrics-mkdir/", i), true));
  ASSERT_OK_AND_ASSIGN(HttpResult after, HttpGet(cluster_->namenode_http_address(), "/metrics"));
  EXPECT_EQ(SampleValue(after.body, series), n0 + 3) << after.body.substr(0, 3000);
  EXPECT_THAT(after.body, HasSubstr("rpc_server_handling_seconds_count{service=\"NamenodeService\","
                                    "method=\"Mkdirs\"}"));
}

TEST_F(MetricsTest, HealthzAnswersOk) {
  for (const Endpoint& e : Endpoints()) {
    ASSERT_OK_AND_ASSIGN(HttpResult r, HttpGet(e.address, "/healthz"));
    EXPECT_EQ(r.status, 200) << e.daemon;
    EXPECT_EQ(r.body, "ok\n") << e.daemon;
  }
}

}  // namespace
}  // namespace hayloft::testing
