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

// The DFS families each daemon defines where it updates them, with values that
// follow what the cluster did.
TEST_F(MetricsTest, DfsDaemonsExportTheirFamilies) {
  ASSERT_OK_AND_ASSIGN(auto client, cluster_->NewDfsClient());
  ASSERT_OK(client->WriteFile("/metrics-test/dfs", std::string(200000, 'd')));
  ASSERT_OK(client->ReadFile("/metrics-test/dfs").status());
  ASSERT_OK_AND_ASSIGN(HttpResult nn, HttpGet(cluster_->namenode_http_address(), "/metrics"));
  for (const char* family :
       {"gauge dfs_namenode_files", "gauge dfs_namenode_directories", "gauge dfs_namenode_blocks",
        "gauge dfs_namenode_under_replicated_blocks", "gauge dfs_namenode_corrupt_blocks",
        "gauge dfs_namenode_missing_blocks", "gauge dfs_namenode_pending_replication_blocks",
        "gauge dfs_namenode_datanodes", "gauge dfs_namenode_safe_mode",
        "gauge dfs_namenode_capacity_bytes", "gauge dfs_namenode_capacity_remaining_bytes",
        "counter dfs_namenode_heartbeats_received_total",
        "counter dfs_namenode_block_reports_total",
        "counter dfs_namenode_replications_scheduled_total",
        "histogram dfs_namenode_edit_log_sync_seconds"}) {
    std::vector<std::string> type_name = absl::StrSplit(family, ' ');
    EXPECT_THAT(nn.body, HasSubstr(absl::StrCat("# TYPE ", type_name[1], " ", type_name[0])));
  }
  EXPECT_EQ(SampleValue(nn.body, "dfs_namenode_datanodes{state=\"live\"}"), 2);
  EXPECT_EQ(SampleValue(nn.body, "dfs_namenode_datanodes{state=\"dead\"}"), 0);
  EXPECT_EQ(SampleValue(nn.body, "dfs_namenode_safe_mode"), 0);
  EXPECT_EQ(SampleValue(nn.body, "dfs_namenode_under_replicated_blocks"), 0);
  EXPECT_GE(SampleValue(nn.body, "dfs_namenode_files"), 1);
  EXPECT_GT(SampleValue(nn.body, "dfs_namenode_heartbeats_received_total"), 0);
  EXPECT_GT(SampleValue(nn.body, "dfs_namenode_capacity_bytes"), 0);

  double written = 0, read = 0;
  for (int i = 1; i <= 2; ++i) {
    ASSERT_OK_AND_ASSIGN(HttpResult dn, HttpGet(cluster_->datanode_http_address(i), "/metrics"));
    for (const char* family :
         {"counter dfs_datanode_bytes_written_total", "counter dfs_datanode_bytes_read_total",
          "counter dfs_datanode_blocks_written_total", "counter dfs_datanode_blocks_read_total",
          "counter dfs_datanode_heartbeats_total", "counter dfs_datanode_pipeline_errors_total",
          "counter dfs_datanode_checksum_failures_total",
          "counter dfs_datanode_volume_failures_total", "gauge dfs_datanode_replicas",
          "gauge dfs_datanode_failed_volumes", "gauge dfs_datanode_capacity_bytes"}) {
      std::vector<std::string> type_name = absl::StrSplit(family, ' ');
      EXPECT_THAT(dn.body, HasSubstr(absl::StrCat("# TYPE ", type_name[1], " ", type_name[0])))
          << "datanode " << i;
    }
    // Replication 2 on 2 datanodes: each holds every block of the file.
    EXPECT_GE(SampleValue(dn.body, "dfs_datanode_bytes_written_total"), 200000) << i;
    EXPECT_GE(SampleValue(dn.body, "dfs_datanode_replicas"), 1) << i;
    EXPECT_GT(SampleValue(dn.body, "dfs_datanode_heartbeats_total"), 0) << i;
    EXPECT_EQ(SampleValue(dn.body, "dfs_datanode_checksum_failures_total"), 0) << i;
    EXPECT_EQ(SampleValue(dn.body, "dfs_datanode_failed_volumes"), 0) << i;
    written += SampleValue(dn.body, "dfs_datanode_bytes_written_total");
    read += SampleValue(dn.body, "dfs_datanode_bytes_read_total");
  }
  EXPECT_GE(written, 2 * 200000);
  EXPECT_GE(read, 200000);  // the read went to one of them
}

// The MapReduce families exist from start-up (every labelled series at 0), and a
// job moves them: jobs, attempts by type, their durations, shuffle bytes, slots.
TEST_F(MetricsTest, JobtrackerAndWorkerCountJobsTasksAndShuffleBytes) {
  const std::vector<std::string> jobtracker_families = {
      "mapreduce_jobtracker_jobs_submitted_total counter",
      "mapreduce_jobtracker_jobs_completed_total counter",
      "mapreduce_jobtracker_jobs_running gauge",
      "mapreduce_jobtracker_task_attempts_launched_total counter",
      "mapreduce_jobtracker_task_attempts_failed_total counter",
      "mapreduce_jobtracker_task_attempts_killed_total counter",
      "mapreduce_jobtracker_task_attempt_duration_seconds histogram",
      "mapreduce_jobtracker_workers gauge",
      "mapreduce_jobtracker_slots gauge",
      "mapreduce_jobtracker_slots_occupied gauge"};
  const std::vector<std::string> worker_families = {
      "mapreduce_worker_shuffle_bytes_served_total counter",
      "mapreduce_worker_shuffle_bytes_fetched_total counter",
      "mapreduce_worker_task_attempts_completed_total counter",
      "mapreduce_worker_slots gauge",
      "mapreduce_worker_slots_occupied gauge"};
  ASSERT_OK_AND_ASSIGN(HttpResult jt, HttpGet(cluster_->jobtracker_http_address(), "/metrics"));
  ASSERT_OK_AND_ASSIGN(HttpResult w, HttpGet(cluster_->worker_http_address(1), "/metrics"));
  for (const std::string& f : jobtracker_families) {
    EXPECT_THAT(jt.body, HasSubstr("# TYPE " + f + "\n")) << "jobtracker";
  }
  for (const std::string& f : worker_families) {
    EXPECT_THAT(w.body, HasSubstr("# TYPE " + f + "\n")) << "worker 1";
  }
  EXPECT_EQ(SampleValue(w.body, "mapreduce_worker_slots{type=\"map\"}"),
            cluster_->options().worker_map_slots);

  ASSERT_OK_AND_ASSIGN(auto client, cluster_->NewDfsClient());
  ASSERT_OK(client->WriteFile("/metrics-job/in.txt", "hay loft hay\nbarn hay\n"));
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster_->WriteClientConfFile());
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       RunCommand({HayloftBinary("hayloft"), "--conf", conf, "jar",
                                   HayloftBinary("../lib/wordcount.so"), "/metrics-job/in.txt",
                                   "/metrics-job/out"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_OK_AND_ASSIGN(jt, HttpGet(cluster_->jobtracker_http_address(), "/metrics"));
  ASSERT_OK_AND_ASSIGN(w, HttpGet(cluster_->worker_http_address(1), "/metrics"));
  EXPECT_GE(SampleValue(jt.body, "mapreduce_jobtracker_jobs_submitted_total"), 1);
  EXPECT_GE(SampleValue(jt.body, "mapreduce_jobtracker_jobs_completed_total{state=\"succeeded\"}"), 1);
  EXPECT_GE(SampleValue(jt.body, "mapreduce_jobtracker_task_attempts_launched_total{type=\"map\"}"), 1);
  EXPECT_GE(SampleValue(jt.body, "mapreduce_jobtracker_task_attempts_launched_total{type=\"reduce\"}"), 1);
  EXPECT_GE(SampleValue(jt.body, "mapreduce_jobtracker_task_attempt_duration_seconds_count{"
                                 "type=\"map\",state=\"succeeded\"}"), 1);
  EXPECT_EQ(SampleValue(jt.body, "mapreduce_jobtracker_jobs_running"), 0);
  EXPECT_EQ(SampleValue(jt.body, "mapreduce_jobtracker_workers{state=\"live\"}"), 1);
  // One worker: the reduce fetched the map's output from the worker it runs on.
  EXPECT_GT(SampleValue(w.body, "mapreduce_worker_shuffle_bytes_served_total"), 0);
  EXPECT_GT(SampleValue(w.body, "mapreduce_worker_shuffle_bytes_fetched_total"), 0);
  EXPECT_GE(SampleValue(w.body, "mapreduce_worker_task_attempts_completed_total{type=\"reduce\","
                                "state=\"succeeded\"}"), 1);
  ExpectPromtoolAccepts({"jobtracker", cluster_->jobtracker_http_address()}, jt.body);
  ExpectPromtoolAccepts({"worker 1", cluster_->worker_http_address(1)}, w.body);
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
