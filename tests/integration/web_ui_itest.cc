// The namenode's and a datanode's status pages in a real browser: a cluster of 3
// datanodes on 2 racks, files written through the client, the expected numbers taken
// from the CLI (`dfsadmin -report`, `fsck -files -blocks -locations -racks`), then
// tests/web/namenode_ui_test.js (Node.js + playwright-core driving Debian's chromium
// headless) opens every page and checks what it shows against them, including that
// user-controlled paths show as text and run nothing. Screenshots are kept in
// <build>/test-artifacts/web/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/status_matchers.h"

namespace hayloft::testing {
namespace {

// A directory whose name is markup: '/' splits it into two components, both of
// which still hold a tag; and a component that is an <img> tag without a slash.
constexpr char kScriptDir[] = "/ui/a <script>alert(1)</script> b";
constexpr char kImgDir[] = "/ui/<img src=x onerror=alert(1)>";
constexpr char kBigFile[] = "/ui/data/big.bin";

std::string SourcePath(const std::string& rel) { return absl::StrCat(HAYLOFT_SOURCE_DIR, "/", rel); }

// Fails (never skips) when the browser test cannot run, saying how to fix it.
void CheckBrowserTestPrerequisites() {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "/usr/bin/chromium is missing: run deploy/install-deps.sh";
  ASSERT_TRUE(std::filesystem::exists(SourcePath("tests/web/node_modules/playwright-core")))
      << "tests/web/node_modules is missing: run `npm ci` in tests/web (deploy/test.sh does)";
  absl::StatusOr<CommandResult> node = RunCommand({"node", "--version"});
  ASSERT_TRUE(node.ok() && node->exit_code == 0)
      << "node is missing: run deploy/install-deps.sh";
}

// "Live datanodes (3):" and each node's "Name:" and "Rack:" lines of -report.
struct Report {
  int live = -1;
  std::map<std::string, std::vector<std::string>> racks;  // rack -> "host:port"
};

Report ParseReport(const std::string& out) {
  Report r;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(Live datanodes \((\d+)\):)"))) {
    r.live = std::stoi(m[1]);
  }
  std::string name;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::ConsumePrefix(&line, "Name: ")) name = std::string(line.substr(0, line.find(' ')));
    if (absl::ConsumePrefix(&line, "Rack: ")) r.racks[std::string(line)].push_back(name);
  }
  return r;
}

// "0. BP-...:blk_1073741825_1001 len=1048576 Live_repl=3  [/rack1/127.0.1.1:p, ...]"
nlohmann::json ParseFsckBlocks(const std::string& out) {
  nlohmann::json blocks = nlohmann::json::array();
  std::regex line(R"(\d+\. \S+:(blk_\d+_\d+) len=\d+ Live_repl=\d+\s+\[([^\]]*)\])");
  for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it) {
    std::vector<std::string> locations = absl::StrSplit((*it)[2].str(), ", ");
    blocks.push_back({{"name", (*it)[1].str()}, {"locations", locations}});
  }
  return blocks;
}

class WebUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CheckBrowserTestPrerequisites();
    if (HasFatalFailure()) return;
    ASSERT_OK(cluster_.Start());
    ASSERT_OK_AND_ASSIGN(conf_, cluster_.WriteClientConfFile());
  }

  CommandResult Hayloft(std::vector<std::string> args) {
    std::vector<std::string> argv = {HayloftBinary("hayloft"), "--conf", conf_};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> r = RunCommand(argv);
    EXPECT_OK(r.status());
    return r.ok() ? *r : CommandResult{};
  }

  MiniCluster cluster_{{.num_datanodes = 3, .num_racks = 2, .replication = 3}};
  std::string conf_;
};

TEST_F(WebUiTest, PagesShowWhatTheCliReports) {
  ASSERT_OK_AND_ASSIGN(auto client, cluster_.NewDfsClient());
  // 2.5 blocks (1 MiB blocks), so the file view lists several blocks.
  ASSERT_OK(client->WriteFile(kBigFile, std::string((5 << 20) / 2, 'b')));
  ASSERT_OK(client->WriteFile("/ui/data/small.txt", "hello, web\n"));
  ASSERT_OK(client->WriteFile(absl::StrCat(kScriptDir, "/inner.txt"), "<b>not bold</b>\n"));
  ASSERT_OK(client->Mkdirs(kImgDir, true));

  CommandResult report = Hayloft({"dfsadmin", "-report"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  Report parsed = ParseReport(report.out);
  ASSERT_EQ(parsed.live, 3) << report.out;
  CommandResult fsck = Hayloft({"fsck", kBigFile, "-files", "-blocks", "-locations", "-racks"});
  ASSERT_EQ(fsck.exit_code, 0) << fsck.out << fsck.err;
  nlohmann::json blocks = ParseFsckBlocks(fsck.out);
  ASSERT_EQ(blocks.size(), 3u) << fsck.out;
  CommandResult all = Hayloft({"fsck", "/"});
  std::smatch files;
  ASSERT_TRUE(std::regex_search(all.out, files, std::regex(R"(Total files:\s+(\d+))")))
      << all.out;

  const std::string artifacts = absl::StrCat(HAYLOFT_BUILD_DIR, "/test-artifacts/web");
  std::filesystem::create_directories(artifacts);
  nlohmann::json expected = {
      {"namenode", absl::StrCat("http://", cluster_.namenode_http_address())},
      {"datanode", absl::StrCat("http://", cluster_.datanode_http_address(1))},
      {"datanode_address", cluster_.datanode_address(1)},
      {"live_datanodes", parsed.live},
      {"racks", parsed.racks},
      {"files", std::stoi(files[1])},
      {"file", kBigFile},
      {"file_blocks", blocks},
      {"hostile_dirs", {kScriptDir, kImgDir}},
      {"hostile_file", absl::StrCat(kScriptDir, "/inner.txt")},
      {"artifacts", artifacts}};
  const std::string expected_path = absl::StrCat(cluster_.dir(), "/web-expected.json");
  std::ofstream(expected_path) << expected.dump(2);

  absl::StatusOr<CommandResult> r =
      RunCommand({"node", SourcePath("tests/web/namenode_ui_test.js"), expected_path},
                 {.timeout = absl::Minutes(4)});
  ASSERT_OK(r.status());
  EXPECT_EQ(r->exit_code, 0) << "browser test failed:\n" << r->out << r->err;
  std::cout << r->out;
}

}  // namespace
}  // namespace hayloft::testing
