// The jobtracker's and workers' status pages in a real browser: a cluster with two
// workers runs a wordcount whose job name and input path hold markup, and a job
// with one failed and retried attempt. `hayloft job -status` tells what each job
// counted; tests/web/jobtracker_ui_test.js (Node.js, playwright-core driving
// Debian's chromium headless) opens the jobs list, each job page, an attempt page,
// the workers table and each worker's page, and checks that they show the same
// numbers as the CLI, that the markup shows as text, and that no script ran.
// Screenshots land in <build>/test-artifacts/web/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/status_matchers.h"

namespace hayloft::testing {
namespace {

using nlohmann::json;

const std::string kSourceDir = HAYLOFT_SOURCE_DIR;
const std::string kWebDir = kSourceDir + "/tests/web";
const std::string kChromium = "/usr/bin/chromium";

std::string Library(const std::string& name) { return HayloftBinary("../lib/" + name); }

std::string ArtifactDir() {
  return std::filesystem::weakly_canonical(HayloftBinary("../test-artifacts/web")).string();
}

// Words with a skewed distribution, so the counts differ per word.
std::string MakeText(size_t bytes) {
  static const char* kWords[] = {"hay", "loft", "barn", "bale", "straw", "field", "tractor",
                                 "harvest", "map", "reduce", "shuffle", "sort", "block"};
  std::mt19937 rng(7);
  std::string out;
  while (out.size() < bytes) {
    int n = 1 + static_cast<int>(rng() % 10);
    for (int i = 0; i < n; ++i) {
      out += kWords[std::min(rng() % 13, rng() % 13)];
      out += i + 1 < n ? " " : "\n";
    }
  }
  return out;
}

// What `hayloft job -status ID` prints, as JSON: state, maps, reduces and the
// counters ({group: {name: value}}).
json ParseJobStatus(const std::string& out) {
  json j = {{"counters", json::object()}};
  std::string group;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&line, "Job state: ")) j["state"] = std::string(line);
    if (absl::ConsumePrefix(&line, "Number of maps: ")) j["maps"] = std::stoi(std::string(line));
    if (absl::ConsumePrefix(&line, "Number of reduces: ")) {
      j["reduces"] = std::stoi(std::string(line));
    }
    if (absl::ConsumePrefix(&line, "\t\t")) {
      std::vector<std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
      int64_t v = 0;
      if (kv.size() == 2 && absl::SimpleAtoi(kv[1], &v)) j["counters"][group][kv[0]] = v;
    } else if (absl::ConsumePrefix(&line, "\t")) {
      group = std::string(line);
    }
  }
  return j;
}

class JobtrackerUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Say what is missing rather than fail obscurely later.
    ASSERT_TRUE(std::filesystem::exists(kWebDir + "/node_modules/playwright-core"))
        << "tests/web/node_modules is missing: run `npm ci` in tests/web "
           "(deploy/test.sh does), after deploy/install-deps.sh";
    ASSERT_EQ(::access(kChromium.c_str(), X_OK), 0)
        << kChromium << " is missing: run deploy/install-deps.sh (Debian package chromium)";
    absl::StatusOr<CommandResult> node = RunCommand({"node", "--version"});
    ASSERT_TRUE(node.ok() && node->exit_code == 0)
        << "node is missing: run deploy/install-deps.sh (Debian packages nodejs npm)";
  }

  // Runs `hayloft --conf CONF -D ... jar LIB ARGS` and returns the job id.
  std::string RunJob(const std::string& conf, const std::string& lib,
                     const std::vector<std::string>& defines,
                     const std::vector<std::string>& args) {
    std::vector<std::string> argv = {HayloftBinary("hayloft"), "--conf", conf};
    for (const std::string& d : defines) argv.insert(argv.end(), {"-D", d});
    argv.insert(argv.end(), {"jar", lib});
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> r = RunCommand(argv, {.timeout = absl::Seconds(300)});
    EXPECT_OK(r);
    if (!r.ok()) return "";
    EXPECT_EQ(r->exit_code, 0) << r->err;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r->err, m, std::regex("Running job: (job_[0-9_]+)"))) << r->err;
    return m.size() > 1 ? m[1].str() : "";
  }

  json JobStatusFromCli(const std::string& conf, const std::string& job_id) {
    absl::StatusOr<CommandResult> r =
        RunCommand({HayloftBinary("hayloft"), "--conf", conf, "job", "-status", job_id});
    EXPECT_OK(r);
    if (!r.ok()) return json::object();
    EXPECT_EQ(r->exit_code, 0) << r->err;
    return ParseJobStatus(r->out);
  }
};

TEST_F(JobtrackerUiTest, PagesShowWhatTheCliReportsAndEscapeMarkup) {
  MiniCluster cluster({.num_datanodes = 3, .num_workers = 2});
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster.WriteClientConfFile());
  ASSERT_OK_AND_ASSIGN(auto dfs, cluster.NewDfsClient());
  // A directory name a browser would run if a page pasted it in as HTML.
  const std::string input = "/ui/<script>alert(2)</script>";
  ASSERT_OK(dfs->WriteFile(input + "/words.txt", MakeText((3 << 20) + 4321)));
  const std::string name = "wordcount <script>alert(1)</script>";
  // No speculation: on a loaded machine it would add attempts the checks below
  // do not expect (one success per task).
  const std::vector<std::string> common = {"mapreduce.job.reduces=2",
                                           "mapreduce.map.speculative=false",
                                           "mapreduce.reduce.speculative=false"};
  auto defines = [&](std::vector<std::string> more) {
    more.insert(more.end(), common.begin(), common.end());
    return more;
  };
  std::string wordcount = RunJob(conf, Library("wordcount.so"),
                                 defines({"mapreduce.job.name=" + name}),
                                 {input, "/ui/out-wordcount"});
  ASSERT_FALSE(wordcount.empty());
  std::string flaky = RunJob(
      conf, Library("testjobs/flaky_wordcount.so"),
      defines({"mapreduce.job.name=wordcount with a retried map",
               "test.flaky.marker=" + cluster.dir() + "/flaky-marker"}),
      {input, "/ui/out-flaky"});
  ASSERT_FALSE(flaky.empty());

  json jobs = json::array();
  for (const auto& [id, job_name] : {std::pair{wordcount, name},
                                     std::pair{flaky, std::string("wordcount with a retried map")}}) {
    json j = JobStatusFromCli(conf, id);
    ASSERT_EQ(j.value("state", ""), "SUCCEEDED") << j.dump();
    j["id"] = id;
    j["name"] = job_name;
    j["input"] = input;
    jobs.push_back(j);
  }
  ASSERT_EQ(jobs[1]["counters"]["Job Counters"].value("Failed map tasks", 0), 1)
      << "the flaky job should have failed exactly one map attempt: " << jobs[1].dump();

  json config = {{"jobtracker", "http://" + cluster.jobtracker_http_address()},
                 {"jobs", jobs},
                 {"screenshot_job", flaky},
                 {"workers", json::array()},
                 {"artifacts", ArtifactDir()}};
  for (int i = 1; i <= cluster.num_workers(); ++i) {
    config["workers"].push_back({{"id", cluster.worker_address(i)},
                                 {"host", cluster.datanode_host(i)},
                                 {"http", cluster.worker_http_address(i)},
                                 {"map_slots", cluster.options().worker_map_slots},
                                 {"reduce_slots", cluster.options().worker_reduce_slots}});
  }
  std::filesystem::create_directories(ArtifactDir());
  const std::string config_path = cluster.dir() + "/jobtracker_ui.json";
  std::ofstream(config_path) << config.dump(2);

  ASSERT_OK_AND_ASSIGN(
      CommandResult r,
      RunCommand({"node", kWebDir + "/jobtracker_ui_test.js", config_path},
                 {.timeout = absl::Seconds(240)}));
  EXPECT_EQ(r.exit_code, 0) << "the browser test failed:\n" << r.out << r.err;
  std::cout << r.out;
}

}  // namespace
}  // namespace hayloft::testing
