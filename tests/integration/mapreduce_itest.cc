// MapReduce on a real cluster of separate processes (namenode, 3 datanodes, a
// jobtracker and 3 workers): jobs run through `hayloft jar` as users run them, and
// their output is compared with a plain local computation over the same input.
// One cluster serves the whole suite (SHARED_CLUSTER) to keep it fast.
#include <signal.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <set>
#include <random>
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/job_client.h"
#include "hayloft/mapreduce.h"
#include "common/base/subprocess.h"
#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/wait_for.h"

namespace hayloft {
namespace {

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::HayloftBinary;
using ::hayloft::testing::MiniCluster;
using ::hayloft::testing::MiniClusterOptions;
using ::hayloft::testing::RunCommand;
using ::testing::HasSubstr;

using Counts = std::map<std::string, int64_t>;

std::string Library(const std::string& name) { return HayloftBinary("../lib/" + name); }

// Deterministic text: words from a small vocabulary with a skewed distribution,
// varied spacing and line lengths.
std::string MakeText(size_t bytes, uint32_t seed) {
  static const char* kWords[] = {"the",  "quick", "brown", "fox",   "jumps",  "over",
                                 "lazy", "dog",   "hay",   "loft",  "map",    "reduce",
                                 "a",    "b",     "xyzzy",    "block", "shuffle", "sort"};
  std::mt19937 rng(seed);
  std::string out;
  while (out.size() < bytes) {
    int words = static_cast<int>(rng() % 12);
    for (int i = 0; i < words; ++i) {
      size_t w = std::min<size_t>(rng() % 18, rng() % 18);
      out += kWords[w];
      if (rng() % 7 == 0) absl::StrAppend(&out, rng() % 100);
      out += (rng() % 9 == 0) ? "\t" : " ";
    }
    out += "\n";
  }
  return out;
}

Counts LocalWordCount(const std::vector<std::string>& texts) {
  Counts c;
  for (const std::string& t : texts) {
    for (absl::string_view w : absl::StrSplit(t, absl::ByAnyChar(" \t\n\r\f\v"), absl::SkipEmpty())) {
      ++c[std::string(w)];
    }
  }
  return c;
}

class MapReduceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new MiniCluster(MiniClusterOptions{
        .num_datanodes = 3,
        .num_workers = 3,
        .jobtracker_conf = {{"hayloft.speculative.lag", "3s"}}});
    absl::Status s = cluster_->Start();
    ASSERT_TRUE(s.ok()) << s;
    absl::StatusOr<std::string> conf = cluster_->WriteClientConfFile();
    ASSERT_TRUE(conf.ok()) << conf.status();
    conf_ = new std::string(*conf);
    auto dfs = cluster_->NewDfsClient();
    ASSERT_TRUE(dfs.ok());
    dfs_ = dfs->release();
    texts_ = new std::vector<std::string>{MakeText((2 << 20) + 12345, 1), MakeText(300000, 2)};
    ASSERT_OK(dfs_->WriteFile("/in/text/a.txt", (*texts_)[0]));
    ASSERT_OK(dfs_->WriteFile("/in/text/b.txt", (*texts_)[1]));
    ASSERT_OK(dfs_->WriteFile("/in/empty/e.txt", ""));
  }
  static void TearDownTestSuite() {
    delete cluster_;
    delete dfs_;
    delete texts_;
    delete conf_;
  }

  // Runs `hayloft [-D ...] jar LIB ARGS...`.
  static CommandResult Jar(const std::string& lib, const std::vector<std::string>& args,
                           const std::vector<std::string>& defines = {}) {
    std::vector<std::string> argv = {HayloftBinary("hayloft"), "--conf", *conf_};
    for (const std::string& d : defines) argv.insert(argv.end(), {"-D", d});
    argv.push_back("jar");
    argv.push_back(lib);
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> r = RunCommand(argv);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : CommandResult{};
  }

  // Reads every part file of `dir` as "key<TAB>count" lines; checks each part is
  // sorted by key.
  static Counts ReadCounts(const std::string& dir, const std::string& prefix = "part-r-") {
    Counts c;
    absl::StatusOr<std::vector<FileStatus>> files = dfs_->ListStatus(dir);
    EXPECT_TRUE(files.ok()) << files.status();
    if (!files.ok()) return c;
    for (const FileStatus& f : *files) {
      if (f.path().rfind(prefix, 0) != 0) continue;
      absl::StatusOr<std::string> data = dfs_->ReadFile(dir + "/" + f.path());
      EXPECT_TRUE(data.ok()) << data.status();
      std::string last;
      for (absl::string_view line : absl::StrSplit(*data, '\n', absl::SkipEmpty())) {
        std::vector<std::string> kv = absl::StrSplit(line, '\t');
        EXPECT_EQ(kv.size(), 2u) << line;
        if (kv.size() != 2) continue;
        EXPECT_LT(last, kv[0]) << "part file " << f.path() << " is not sorted";
        last = kv[0];
        int64_t n = 0;
        EXPECT_TRUE(absl::SimpleAtoi(kv[1], &n)) << line;
        c[kv[0]] += n;
      }
    }
    return c;
  }

  static bool Exists(const std::string& p) { return dfs_->GetFileInfo(p).ok(); }

  static int64_t CounterValue(const JobStatus& s, const std::string& name) {
    for (const Counter& c : s.counters()) {
      if (c.name() == name) return c.value();
    }
    return 0;
  }

  static JobStatus LastJob() {
    auto jobs = cluster_->NewJobClient();
    EXPECT_TRUE(jobs.ok());
    auto list = (*jobs)->ListJobs(true);
    return list.ok() && !list->empty() ? list->back() : JobStatus();
  }

  static MiniCluster* cluster_;
  static DfsClient* dfs_;
  static std::vector<std::string>* texts_;
  static std::string* conf_;
};

MiniCluster* MapReduceTest::cluster_ = nullptr;
DfsClient* MapReduceTest::dfs_ = nullptr;
std::vector<std::string>* MapReduceTest::texts_ = nullptr;
std::string* MapReduceTest::conf_ = nullptr;

TEST_F(MapReduceTest, WordCountWithSeveralReducersMatchesLocalCount) {
  CommandResult r = Jar(Library("wordcount.so"), {"/in/text", "/out/wc3"},
                        {"mapreduce.job.reduces=3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("map 100% reduce 100%"));
  EXPECT_THAT(r.err, HasSubstr("completed successfully"));
  EXPECT_TRUE(Exists("/out/wc3/_SUCCESS"));
  EXPECT_FALSE(Exists("/out/wc3/_temporary"));
  for (const char* part : {"part-r-00000", "part-r-00001", "part-r-00002"}) {
    EXPECT_TRUE(Exists(absl::StrCat("/out/wc3/", part))) << part;
  }
  EXPECT_EQ(ReadCounts("/out/wc3"), LocalWordCount(*texts_));

  // Locality on the default cluster: every block has a replica beside a worker.
  JobStatus job = LastJob();
  EXPECT_EQ(job.state(), JOB_SUCCEEDED);
  int64_t maps = CounterValue(job, "Launched map tasks");
  int64_t local = CounterValue(job, "Data-local map tasks");
  EXPECT_GE(maps, 3);
  EXPECT_GE(local * 10, maps * 9) << local << " of " << maps << " maps were data-local";
  EXPECT_GT(CounterValue(job, "Combine input records"), CounterValue(job, "Combine output records"));
}

TEST_F(MapReduceTest, CombinerOffGivesTheSameResult) {
  CommandResult r = Jar(Library("wordcount.so"), {"/in/text/a.txt", "/in/text/b.txt", "/out/wc-nocombine"},
                        {"wordcount.combiner=false", "mapreduce.task.io.sort.mb=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadCounts("/out/wc-nocombine"), LocalWordCount(*texts_));
  JobStatus job = LastJob();
  EXPECT_EQ(CounterValue(job, "Combine input records"), 0);
  // A 1 MiB sort buffer makes the maps spill several times and merge.
  EXPECT_GT(CounterValue(job, "Spilled Records"), CounterValue(job, "Map output records"));
}

TEST_F(MapReduceTest, MapOnlyJobWritesPartMFiles) {
  CommandResult r = Jar(Library("wordcount.so"), {"/in/text/b.txt", "/out/maponly"},
                        {"mapreduce.job.reduces=0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Exists("/out/maponly/_SUCCESS"));
  EXPECT_TRUE(Exists("/out/maponly/part-m-00000"));
  EXPECT_FALSE(Exists("/out/maponly/part-r-00000"));
  absl::StatusOr<std::string> data = dfs_->ReadFile("/out/maponly/part-m-00000");
  ASSERT_OK(data);
  Counts got;
  for (absl::string_view line : absl::StrSplit(*data, '\n', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(line, '\t');
    ASSERT_EQ(kv.size(), 2u);
    ++got[kv[0]];
  }
  EXPECT_EQ(got, LocalWordCount({(*texts_)[1]}));
}

TEST_F(MapReduceTest, EmptyInputGivesEmptyOutput) {
  CommandResult r = Jar(Library("wordcount.so"), {"/in/empty", "/out/empty"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Exists("/out/empty/_SUCCESS"));
  absl::StatusOr<std::string> data = dfs_->ReadFile("/out/empty/part-r-00000");
  ASSERT_OK(data);
  EXPECT_EQ(*data, "");
}

TEST_F(MapReduceTest, GrepCountsRegexMatches) {
  // Generic options may also follow the library, as in Hadoop.
  CommandResult r = Jar(Library("grep.so"), {"-D", "mapreduce.job.reduces=2", "/in/text",
                                             "/out/grep", "[a-z]+[0-9]+"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Counts expected;
  std::regex re("[a-z]+[0-9]+");
  for (const std::string& t : *texts_) {
    for (auto it = std::sregex_iterator(t.begin(), t.end(), re); it != std::sregex_iterator(); ++it) {
      ++expected[it->str()];
    }
  }
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(ReadCounts("/out/grep"), expected);
}

TEST_F(MapReduceTest, RefusesMissingInputAndExistingOutputBeforeRunningTasks) {
  CommandResult missing = Jar(Library("wordcount.so"), {"/no/such/input", "/out/never"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("Input path does not exist: hdfs://"));
  EXPECT_THAT(missing.err, HasSubstr("/no/such/input"));
  EXPECT_FALSE(Exists("/out/never"));

  ASSERT_OK(dfs_->Mkdirs("/out/existing", true));
  CommandResult exists = Jar(Library("wordcount.so"), {"/in/text", "/out/existing"});
  EXPECT_EQ(exists.exit_code, 1);
  EXPECT_THAT(exists.err, HasSubstr(absl::StrCat("Output directory hdfs://",
                                                 cluster_->namenode_address(),
                                                 "/out/existing already exists")));
  EXPECT_FALSE(Exists("/out/existing/_temporary"));

  CommandResult bad = Jar(Library("wordcount.so"), {"/in/text", "/out/bad-d"},
                          {"mapreduce.job.reduces=lots"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("invalid value for mapreduce.job.reduces: 'lots'"));
}

TEST_F(MapReduceTest, RefusesWhatIsNotAJobLibrary) {
  CommandResult missing = Jar("/no/such/lib.so", {"a", "b"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("job library /no/such/lib.so does not exist"));

  CommandResult not_so = Jar(*conf_, {"a", "b"});
  EXPECT_EQ(not_so.exit_code, 1);
  EXPECT_THAT(not_so.err, HasSubstr("is not a Hayloft job library"));

  CommandResult no_entry = Jar(Library("testjobs/not_a_job.so"), {"a", "b"});
  EXPECT_EQ(no_entry.exit_code, 1);
  EXPECT_THAT(no_entry.err, HasSubstr("is not a Hayloft job library: it has no"));

  CommandResult version = Jar(Library("testjobs/wrong_version_job.so"), {"a", "b"});
  EXPECT_EQ(version.exit_code, 1);
  EXPECT_THAT(version.err, HasSubstr(absl::StrCat("built against Hayloft MapReduce API version ",
                                                  mr::kApiVersion + 998)));

  CommandResult usage = Jar(Library("wordcount.so"), {"only-one-arg"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err, HasSubstr("Usage: wordcount"));
}

TEST_F(MapReduceTest, SegfaultingMapperFailsTheJobAfterFourAttempts) {
  std::vector<pid_t> workers;
  for (int i = 1; i <= cluster_->num_workers(); ++i) workers.push_back(cluster_->worker_pid(i));
  CommandResult r = Jar(Library("testjobs/segv_job.so"), {"/in/text/b.txt", "/out/segv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("failed with state FAILED"));
  EXPECT_THAT(r.err, HasSubstr("failed 4 times"));
  EXPECT_THAT(r.err, HasSubstr("SIGSEGV"));
  EXPECT_THAT(r.err, HasSubstr("segv_job: about to crash"));  // the attempt's stderr
  EXPECT_FALSE(Exists("/out/segv/_SUCCESS"));
  for (int i = 1; i <= cluster_->num_workers(); ++i) {
    EXPECT_EQ(cluster_->worker_pid(i), workers[static_cast<size_t>(i - 1)]) << "worker " << i;
    EXPECT_TRUE(IsProcessAlive(workers[static_cast<size_t>(i - 1)])) << "worker " << i;
  }
  // The jobs still run afterwards.
  CommandResult after = Jar(Library("wordcount.so"), {"/in/text/b.txt", "/out/after-segv"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
}

TEST_F(MapReduceTest, JobCommandsListAndShowFinishedJobs) {
  CommandResult r = Jar(Library("wordcount.so"), {"/in/text/b.txt", "/out/for-status"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  JobStatus job = LastJob();
  absl::StatusOr<CommandResult> status = RunCommand(
      {HayloftBinary("hayloft"), "--conf", *conf_, "job", "-status", job.job_id()});
  ASSERT_OK(status);
  EXPECT_EQ(status->exit_code, 0) << status->err;
  EXPECT_THAT(status->out, HasSubstr("Job state: SUCCEEDED"));
  EXPECT_THAT(status->out, HasSubstr("Data-local map tasks="));
  absl::StatusOr<CommandResult> list =
      RunCommand({HayloftBinary("hayloft"), "--conf", *conf_, "job", "-list", "all"});
  ASSERT_OK(list);
  EXPECT_THAT(list->out, HasSubstr(job.job_id()));
  EXPECT_TRUE(Exists("/system/history/" + job.job_id()));
  absl::StatusOr<CommandResult> unknown = RunCommand(
      {HayloftBinary("hayloft"), "--conf", *conf_, "job", "-status", "job_1_0001"});
  ASSERT_OK(unknown);
  EXPECT_EQ(unknown->exit_code, 1);
  EXPECT_THAT(unknown->err, HasSubstr("Could not find job job_1_0001"));
}

// All part files of `dir`, concatenated in name order.
std::string ReadParts(DfsClient& dfs, const std::string& dir) {
  std::string out;
  auto files = dfs.ListStatus(dir);
  EXPECT_TRUE(files.ok()) << files.status();
  if (!files.ok()) return out;
  for (const FileStatus& f : *files) {
    if (f.path().rfind("part-", 0) != 0) continue;
    auto data = dfs.ReadFile(dir + "/" + f.path());
    EXPECT_TRUE(data.ok()) << data.status();
    if (data.ok()) out += *data;
  }
  return out;
}

std::multiset<std::string> Lines(const std::string& text) {
  std::multiset<std::string> out;
  for (absl::string_view l : absl::StrSplit(text, '\n', absl::SkipEmpty())) out.emplace(l);
  return out;
}

TEST_F(MapReduceTest, InvertedIndexListsTheFilesOfEveryWord) {
  CommandResult r = Jar(Library("invertedindex.so"), {"/in/text", "/out/index"},
                        {"mapreduce.job.reduces=2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Counts a = LocalWordCount({(*texts_)[0]}), b = LocalWordCount({(*texts_)[1]});
  std::multiset<std::string> expected;
  for (const auto& [w, n] : LocalWordCount(*texts_)) {
    std::string files = a.count(w) && b.count(w) ? "a.txt,b.txt" : a.count(w) ? "a.txt" : "b.txt";
    expected.insert(w + "\t" + files);
  }
  EXPECT_EQ(Lines(ReadParts(*dfs_, "/out/index")), expected);
}

TEST_F(MapReduceTest, ReduceSideJoinMatchesALocalJoin) {
  std::string left, right;
  std::multimap<std::string, std::string> l, rt;
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    std::string k = absl::StrCat("id", rng() % 700), v = absl::StrCat("name", i);
    absl::StrAppend(&left, k, "\t", v, "\n");
    l.emplace(k, v);
  }
  for (int i = 0; i < 1500; ++i) {
    std::string k = absl::StrCat("id", rng() % 900), v = absl::StrCat("order", i, "\textra");
    absl::StrAppend(&right, k, "\t", v, "\n");
    rt.emplace(k, v);
  }
  ASSERT_OK(dfs_->WriteFile("/in/join/left/people.txt", left));
  ASSERT_OK(dfs_->WriteFile("/in/join/orders.txt", right));
  CommandResult r = Jar(Library("join.so"), {"/in/join/left", "/in/join/orders.txt", "/out/join"},
                        {"mapreduce.job.reduces=2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::multiset<std::string> expected;
  for (const auto& [k, lv] : l) {
    auto [b, e] = rt.equal_range(k);
    for (auto it = b; it != e; ++it) expected.insert(absl::StrCat(k, "\t", lv, "\t", it->second));
  }
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(Lines(ReadParts(*dfs_, "/out/join")), expected);
}

TEST_F(MapReduceTest, TeraGenTeraSortTeraValidate) {
  constexpr int kRows = 30000;  // 3 MB: several blocks, several maps
  CommandResult gen = Jar(Library("teragen.so"), {absl::StrCat(kRows), "/tera/in"},
                          {"mapreduce.job.maps=3"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  ASSERT_TRUE(Exists("/tera/in/part-m-00002"));
  CommandResult sort = Jar(Library("terasort.so"), {"/tera/in", "/tera/out"},
                           {"mapreduce.job.reduces=3"});
  ASSERT_EQ(sort.exit_code, 0) << sort.err;
  std::string sorted = ReadParts(*dfs_, "/tera/out");
  ASSERT_EQ(sorted.size(), kRows * 100u);
  // The sampled split points give the reduces about a third of the records each.
  for (int i = 0; i < 3; ++i) {
    auto part = dfs_->GetFileInfo(absl::StrCat("/tera/out/part-r-0000", i));
    ASSERT_OK(part);
    EXPECT_GT(part->length(), kRows * 100u / 4) << "part " << i;
    EXPECT_LT(part->length(), kRows * 100u * 5 / 12) << "part " << i;
  }
  CommandResult check = Jar(Library("teravalidate.so"), {"/tera/out", "/tera/report"});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  CommandResult check_gen = Jar(Library("teravalidate.so"), {"/tera/in", "/tera/genreport"});
  ASSERT_EQ(check_gen.exit_code, 0) << check_gen.err;
  auto report = dfs_->ReadFile("/tera/report/part-r-00000");
  auto gen_report = dfs_->ReadFile("/tera/genreport/part-r-00000");
  ASSERT_OK(report);
  ASSERT_OK(gen_report);
  EXPECT_THAT(*report, ::testing::Not(HasSubstr("error")));
  EXPECT_THAT(*report, HasSubstr(absl::StrCat("records\t", kRows, "\n")));
  EXPECT_THAT(*gen_report, HasSubstr("error"));  // teragen output is not sorted
  auto checksum = [](const std::string& text) {
    size_t at = text.find("checksum\t");
    return at == std::string::npos ? std::string() : text.substr(at, 26);
  };
  EXPECT_FALSE(checksum(*report).empty());
  EXPECT_EQ(checksum(*report), checksum(*gen_report));
}

TEST_F(MapReduceTest, ManySmallFiles) {
  std::vector<std::string> texts;
  for (int i = 0; i < 24; ++i) {
    texts.push_back(MakeText(2000 + 97 * i, 100 + i));
    ASSERT_OK(dfs_->WriteFile(absl::StrCat("/in/small/f", i), texts.back()));
  }
  ASSERT_OK(dfs_->WriteFile("/in/small/_ignored", "hidden files are not input\n"));
  CommandResult r = Jar(Library("wordcount.so"), {"/in/small", "/out/small"},
                        {"mapreduce.job.reduces=2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadCounts("/out/small"), LocalWordCount(texts));
  EXPECT_EQ(LastJob().num_maps(), 24);
}

TEST_F(MapReduceTest, KilledJobStopsWithoutSuccessMarker) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir tmp, testing::TempDir::Create("killjob"));
  SubprocessOptions sp;
  sp.stdout_path = tmp.path() + "/out";
  sp.stderr_path = tmp.path() + "/err";
  sp.unset_env = {"HAYLOFT_CONF"};
  ASSERT_OK_AND_ASSIGN(
      Subprocess jar,
      Subprocess::Start({HayloftBinary("hayloft"), "--conf", *conf_, "-D",
                         "test.task.sleep.ms=30000", "jar", Library("testjobs/slow_wordcount.so"),
                         "/in/text/b.txt", "/out/killed-job"},
                        sp));
  std::string job_id;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        JobStatus job = LastJob();
        if (job.output_path() != "/out/killed-job") return false;
        job_id = job.job_id();
        return true;
      },
      absl::Seconds(30)));
  absl::StatusOr<CommandResult> kill =
      RunCommand({HayloftBinary("hayloft"), "--conf", *conf_, "job", "-kill", job_id});
  ASSERT_OK(kill);
  EXPECT_EQ(kill->exit_code, 0) << kill->err;
  EXPECT_THAT(kill->out, HasSubstr("Killed job " + job_id));
  absl::StatusOr<int> exit = jar.Wait(absl::Seconds(30));
  ASSERT_OK(exit);
  EXPECT_EQ(*exit, 1);
  EXPECT_THAT(testing::TailOfFile(tmp.path() + "/err"), HasSubstr("state KILLED"));
  EXPECT_FALSE(Exists("/out/killed-job/_SUCCESS"));
  // Its attempts are gone from the workers (killed on their next heartbeat).
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto ps = RunCommand({"pgrep", "-f", job_id});
        return ps.ok() && ps->exit_code == 1;
      },
      absl::Seconds(10)));
}

TEST_F(MapReduceTest, StreamingWordCountWithPythonMapperAndReducer) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir tmp, testing::TempDir::Create("streaming"));
  const std::string mapper = tmp.path() + "/mapper.py";
  const std::string reducer = tmp.path() + "/reducer.py";
  {
    std::ofstream m(mapper);
    m << "import os, sys\n"
         "assert os.environ['mapreduce_map_input_file'].startswith('/in/text/')\n"
         "for line in sys.stdin:\n"
         "    for w in line.split():\n"
         "        print(w + '\\t1')\n";
    std::ofstream r(reducer);
    r << "import sys\n"
         "cur, n = None, 0\n"
         "for line in sys.stdin:\n"
         "    k, v = line.rstrip('\\n').split('\\t')\n"
         "    if k != cur:\n"
         "        if cur is not None: print(cur + '\\t' + str(n))\n"
         "        cur, n = k, 0\n"
         "    n += int(v)\n"
         "if cur is not None: print(cur + '\\t' + str(n))\n";
  }
  absl::StatusOr<CommandResult> r = RunCommand(
      {HayloftBinary("hayloft"), "--conf", *conf_, "streaming", "-input", "/in/text/*.txt",
       "-output", "/out/streaming", "-mapper", "python3 mapper.py", "-reducer",
       "python3 reducer.py", "-combiner", "python3 reducer.py", "-file", mapper, "-file",
       reducer, "-numReduceTasks", "2"});
  ASSERT_OK(r);
  ASSERT_EQ(r->exit_code, 0) << r->err;
  EXPECT_TRUE(Exists("/out/streaming/_SUCCESS"));
  EXPECT_EQ(ReadCounts("/out/streaming"), LocalWordCount(*texts_));

  absl::StatusOr<CommandResult> missing = RunCommand(
      {HayloftBinary("hayloft"), "--conf", *conf_, "streaming", "-input", "/in/text", "-output",
       "/out/streaming-missing", "-mapper", "no-such-command-xyz", "-reducer", "cat"});
  ASSERT_OK(missing);
  EXPECT_EQ(missing->exit_code, 1);
  EXPECT_THAT(missing->err, HasSubstr("Cannot run program \"no-such-command-xyz\""));
}

TEST_F(MapReduceTest, StragglerGetsASpeculativeAttemptThatWins) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir tmp, testing::TempDir::Create("straggler"));
  const absl::Time start = absl::Now();
  CommandResult r = Jar(Library("testjobs/slow_wordcount.so"), {"/in/text", "/out/straggler"},
                        {"test.straggler.marker=" + tmp.path() + "/marker"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Without speculation the job would wait a minute for the straggler.
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  EXPECT_EQ(ReadCounts("/out/straggler"), LocalWordCount(*texts_));
  JobStatus job = LastJob();
  EXPECT_GE(CounterValue(job, "Speculative map tasks"), 1);
  EXPECT_EQ(CounterValue(job, "Data-local map tasks") + CounterValue(job, "Rack-local map tasks") +
                CounterValue(job, "Other local map tasks"),
            CounterValue(job, "Launched map tasks"));
}

// Runs slow_wordcount over /in/text into `out` and, as soon as some worker runs
// one of its attempts, kill -9s that worker (and restarts it at once if
// `restart`, else after the job). The job must still succeed.
void RunJobKillingAWorker(MiniCluster& cluster, const std::string& conf, const std::string& out,
                          bool restart, const std::function<JobStatus()>& last_job) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir tmp, testing::TempDir::Create("killworker"));
  SubprocessOptions sp;
  sp.stdout_path = tmp.path() + "/out";
  sp.stderr_path = tmp.path() + "/err";
  sp.unset_env = {"HAYLOFT_CONF"};
  ASSERT_OK_AND_ASSIGN(
      Subprocess jar,
      Subprocess::Start({HayloftBinary("hayloft"), "--conf", conf, "-D",
                         "test.task.sleep.ms=1500", "-D", "mapreduce.job.reduces=2", "jar",
                         Library("testjobs/slow_wordcount.so"), "/in/text", out},
                        sp));
  int victim = 0;
  auto runs_attempt = [&] {
    JobStatus job = last_job();
    if (job.output_path() != out) return false;
    for (int i = 1; i <= cluster.num_workers(); ++i) {
      std::error_code ec;
      std::string dir = absl::StrCat(cluster.worker_local_dir(i), "/jobs/", job.job_id());
      for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
        if (f.path().filename().string().rfind("attempt_", 0) == 0) {
          victim = i;
          return true;
        }
      }
    }
    return false;
  };
  ASSERT_TRUE(testing::WaitFor(runs_attempt, absl::Seconds(30)));
  ASSERT_OK(cluster.KillWorker(victim));
  if (restart) {
    ASSERT_OK(cluster.RestartWorker(victim));
  }
  absl::StatusOr<int> exit = jar.Wait(absl::Seconds(90));
  ASSERT_OK(exit);
  EXPECT_EQ(*exit, 0) << testing::TailOfFile(tmp.path() + "/err");
  if (!restart) {
    ASSERT_OK(cluster.RestartWorker(victim));
  }
}

// Some task of the job ran more than once.
bool SomeTaskRanTwice(const JobStatus& job) {
  auto value = [&](const std::string& name) {
    for (const Counter& c : job.counters()) {
      if (c.name() == name) return c.value();
    }
    return int64_t{0};
  };
  return value("Launched map tasks") + value("Launched reduce tasks") >
         job.num_maps() + job.num_reduces();
}

TEST_F(MapReduceTest, WorkerKilledAndRestartedMidJob) {
  RunJobKillingAWorker(*cluster_, *conf_, "/out/restarted", true, LastJob);
  EXPECT_EQ(ReadCounts("/out/restarted"), LocalWordCount(*texts_));
  EXPECT_TRUE(SomeTaskRanTwice(LastJob()));
}

TEST_F(MapReduceTest, WorkerKilledMidJobIsDeclaredLostAndItsTasksRerun) {
  RunJobKillingAWorker(*cluster_, *conf_, "/out/killed", false, LastJob);
  EXPECT_EQ(ReadCounts("/out/killed"), LocalWordCount(*texts_));
  EXPECT_TRUE(SomeTaskRanTwice(LastJob()));
}

// Runs `hayloft ARGS...` against the suite's cluster as `user` (HAYLOFT_USER).
CommandResult HayloftAs(const std::string& conf, const std::string& user,
                        std::vector<std::string> args, std::string stdin_data = "") {
  std::vector<std::string> argv = {HayloftBinary("hayloft"), "--conf", conf};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<CommandResult> r =
      RunCommand(argv, {.stdin_data = std::move(stdin_data), .env = {{"HAYLOFT_USER", user}}});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : CommandResult{};
}

// Jobs use the DFS as the user who submitted them: alice's job reads her private
// input and writes output she owns; bob's job cannot read her data; and the
// staging area takes both users' jobs.
TEST_F(MapReduceTest, JobsActAsTheirSubmitterTowardTheDfs) {
  for (const std::string user : {"alice", "bob"}) {
    std::string home = "/user/" + user;
    ASSERT_OK(dfs_->Mkdirs(home, true));
    ASSERT_OK(dfs_->SetOwner(home, user, ""));
    ASSERT_OK(dfs_->SetPermission(home, 0700));
    ASSERT_EQ(HayloftAs(*conf_, user, {"fs", "-mkdir", "in"}).exit_code, 0);
    CommandResult put = HayloftAs(*conf_, user, {"fs", "-put", "-", "in/text.txt"}, (*texts_)[1]);
    ASSERT_EQ(put.exit_code, 0) << put.err;
  }
  // Relative paths are under alice's home, which only she may enter.
  CommandResult r = HayloftAs(*conf_, "alice", {"jar", Library("wordcount.so"), "in", "out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadCounts("/user/alice/out"), LocalWordCount({(*texts_)[1]}));
  for (const char* f : {"/user/alice/out", "/user/alice/out/part-r-00000",
                        "/user/alice/out/_SUCCESS"}) {
    absl::StatusOr<FileStatus> st = dfs_->GetFileInfo(f);
    ASSERT_TRUE(st.ok()) << f << ": " << st.status();
    EXPECT_EQ(st->owner(), "alice") << f;
  }
  EXPECT_EQ(LastJob().user(), "alice");

  // Bob cannot use her input...
  r = HayloftAs(*conf_, "bob", {"jar", Library("wordcount.so"), "/user/alice/in", "out-of-alice"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("Permission denied: user=bob, access=EXECUTE, "
                               "inode=\"/user/alice\":alice:supergroup:drwx------"));
  // ...but runs his own job after hers: the staging root is open to every user.
  r = HayloftAs(*conf_, "bob", {"jar", Library("wordcount.so"), "in", "out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadCounts("/user/bob/out"), LocalWordCount({(*texts_)[1]}));
  absl::StatusOr<FileStatus> st = dfs_->GetFileInfo("/user/bob/out/part-r-00000");
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->owner(), "bob");
  r = HayloftAs(*conf_, "bob", {"fs", "-cat", "/user/alice/out/part-r-00000"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cat: Permission denied: user=bob"));
}

}  // namespace
}  // namespace hayloft
