#include "common/metrics/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hayloft::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, CounterRendersHelpTypeAndLabelledSamples) {
  Registry r;
  r.GetCounter("dfs_bytes_written_total", "Bytes written.", {{"volume", "/d1"}})->Increment(5);
  r.GetCounter("dfs_bytes_written_total", "Bytes written.", {{"volume", "/d1"}})->Increment(2);
  r.GetCounter("dfs_bytes_written_total", "Bytes written.", {{"volume", "/d2"}})->Increment();
  EXPECT_EQ(r.RenderPrometheusText(),
            "# HELP dfs_bytes_written_total Bytes written.\n"
            "# TYPE dfs_bytes_written_total counter\n"
            "dfs_bytes_written_total{volume=\"/d1\"} 7\n"
            "dfs_bytes_written_total{volume=\"/d2\"} 1\n");
}

TEST(MetricsTest, ValueReadsRegisteredSeries) {
  Registry r;
  r.GetCounter("reads_total", "Reads.", {{"kind", "a"}})->Increment(4);
  r.GetGauge("queue_length", "Queue.")->Set(7);
  EXPECT_EQ(r.Value("reads_total", {{"kind", "a"}}), 4);
  EXPECT_EQ(r.Value("reads_total", {{"kind", "b"}}), 0);
  EXPECT_EQ(r.Value("queue_length"), 7);
  EXPECT_EQ(r.Value("never_registered_total"), 0);
}

TEST(MetricsTest, CounterIgnoresNegativeIncrements) {
  Registry r;
  Counter* c = r.GetCounter("x_total", "x");
  c->Increment(3);
  c->Increment(-10);
  EXPECT_EQ(c->value(), 3);
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  Histogram* h = r.GetHistogram("lat_seconds", "Latency.", {0.1, 1}, {{"method", "Get"}});
  h->Observe(0.05);
  h->Observe(0.5);
  h->Observe(5);
  EXPECT_EQ(r.RenderPrometheusText(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{method=\"Get\",le=\"0.1\"} 1\n"
            "lat_seconds_bucket{method=\"Get\",le=\"1\"} 2\n"
            "lat_seconds_bucket{method=\"Get\",le=\"+Inf\"} 3\n"
            "lat_seconds_sum{method=\"Get\"} 5.55\n"
            "lat_seconds_count{method=\"Get\"} 3\n");
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.GetGauge("g", "a \\ b\nc", {{"path", "/a\"b\\c\nd"}})->Set(1);
  std::string text = r.RenderPrometheusText();
  EXPECT_THAT(text, HasSubstr("# HELP g a \\\\ b\\nc\n"));
  EXPECT_THAT(text, HasSubstr("g{path=\"/a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST(MetricsTest, CallbacksReportAtScrapeAndStopWhenHandleDies) {
  Registry r;
  double queue = 4;
  {
    Registry::CallbackHandle h = r.AddCallback(
        "under_replicated_blocks", "Blocks below their replication.", MetricType::kGauge,
        [&] { return std::vector<CallbackSample>{{{}, queue}}; });
    EXPECT_THAT(r.RenderPrometheusText(), HasSubstr("under_replicated_blocks 4\n"));
    queue = 9;
    EXPECT_THAT(r.RenderPrometheusText(), HasSubstr("under_replicated_blocks 9\n"));
  }
  EXPECT_THAT(r.RenderPrometheusText(), Not(HasSubstr("under_replicated_blocks")));
}

TEST(MetricsTest, ValuesFormatAsPrometheusExpects) {
  EXPECT_EQ(FormatValue(12), "12");
  EXPECT_EQ(FormatValue(1e18), "1e+18");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(MetricsDeathTest, SameNameWithTwoTypesIsAProgrammingError) {
  Registry r;
  r.GetCounter("m_total", "m");
  EXPECT_DEATH(r.GetGauge("m_total", "m"), "two types");
}

}  // namespace
}  // namespace hayloft::metrics
