// Chaos: concurrent puts, gets, appends and deletes while datanodes are killed (-9) and
// restarted at random, never more than replication - 1 down at once, and the
// namenode is killed once. At the end every acknowledged file must read back
// byte-exact and fsck must say HEALTHY. Prints one summary line.
//
// HAYLOFT_CHAOS_SECONDS sets the length of the storm (default 45; CI's limit is
// 180). HAYLOFT_CHAOS_SEED picks the random sequence.
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/testing/command.h"
#include "tests/testing/mini_cluster.h"
#include "tests/testing/random_bytes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/wait_for.h"

namespace hayloft {
namespace {

using ::hayloft::testing::CommandResult;
using ::hayloft::testing::HayloftBinary;
using ::hayloft::testing::MiniCluster;
using ::hayloft::testing::MiniClusterOptions;
using ::hayloft::testing::RunCommand;

constexpr int kDatanodes = 4;
constexpr int kReplication = 3;
constexpr int kWorkers = 3;

std::string Bytes(uint64_t seed, size_t size) { return testing::RandomBytes(size, seed); }

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::atoi(v);
}

// What the workload knows: files it was told were written (acknowledged), and
// files whose delete had an unknown outcome (may or may not exist).
struct File {
  std::vector<std::pair<uint64_t, size_t>> parts;  // (seed, size) written in order
  size_t size() const {
    size_t n = 0;
    for (const auto& p : parts) n += p.second;
    return n;
  }
};

std::string Content(const File& f) {
  std::string s;
  for (const auto& [seed, size] : f.parts) s += Bytes(seed, size);
  return s;
}

struct Ledger {
  std::mutex mu;
  std::map<std::string, File> acked;
  // A delete or append whose outcome is unknown: the file may be gone, but if it
  // is there its acknowledged bytes must be too (as a prefix).
  std::map<std::string, File> uncertain;
  std::atomic<int64_t> ops{0};
  std::atomic<int64_t> bad_reads{0};
  std::atomic<int64_t> appends{0};
  std::string first_bad;
};

void Workload(MiniCluster* cluster, Ledger* ledger, int worker, std::atomic<bool>* stop) {
  absl::StatusOr<std::unique_ptr<DfsClient>> client = cluster->NewDfsClient();
  ASSERT_TRUE(client.ok());
  std::mt19937_64 rng(1000 + worker);
  int next = 0;
  while (!stop->load()) {
    int op = static_cast<int>(rng() % 12);
    ledger->ops++;
    if (op < 5) {  // put a new file
      std::string path = absl::StrCat("/chaos/w", worker, "/f", next++);
      size_t size = rng() % 4 == 0 ? rng() % 4096 : rng() % (3 << 20);
      File f{{{rng(), size}}};
      if ((*client)->WriteFile(path, Content(f)).ok()) {
        std::lock_guard<std::mutex> l(ledger->mu);
        ledger->acked[path] = f;
      }
    } else if (op < 7) {  // append to one of this worker's files
      std::string prefix = absl::StrCat("/chaos/w", worker, "/");
      std::string path;
      File f;
      {
        std::lock_guard<std::mutex> l(ledger->mu);
        auto it = ledger->acked.lower_bound(absl::StrCat(prefix, "f", rng() % (next + 1)));
        if (it == ledger->acked.end() || it->first.rfind(prefix, 0) != 0) continue;
        path = it->first;
        f = it->second;
        ledger->acked.erase(it);
        ledger->uncertain[path] = f;
      }
      std::pair<uint64_t, size_t> part{rng(), rng() % (1 << 20)};
      absl::StatusOr<std::unique_ptr<DfsOutputStream>> out = (*client)->Append(path);
      absl::Status s = out.status();
      if (s.ok()) s = (*out)->Write(Bytes(part.first, part.second));
      if (out.ok()) {
        absl::Status closed = (*out)->Close();
        if (s.ok()) s = closed;
      }
      std::lock_guard<std::mutex> l(ledger->mu);
      if (s.ok()) {
        f.parts.push_back(part);
        ledger->uncertain.erase(path);
        ledger->acked[path] = f;
        ledger->appends++;
      }
    } else if (op < 11) {  // read an acknowledged file
      std::string path;
      File f;
      {
        std::lock_guard<std::mutex> l(ledger->mu);
        if (ledger->acked.empty()) continue;
        auto it = ledger->acked.begin();
        std::advance(it, static_cast<long>(rng() % ledger->acked.size()));
        path = it->first;
        f = it->second;
      }
      absl::StatusOr<std::string> got = (*client)->ReadFile(path);
      // A read may fail while nodes are down; it must never return wrong bytes.
      if (got.ok() && *got != Content(f)) {
        std::lock_guard<std::mutex> l(ledger->mu);
        if (ledger->acked.count(path) && ledger->bad_reads++ == 0) ledger->first_bad = path;
      }
    } else {  // delete one of this worker's files
      std::string path;
      File f;
      {
        std::lock_guard<std::mutex> l(ledger->mu);
        auto it = ledger->acked.lower_bound(absl::StrCat("/chaos/w", worker, "/"));
        if (it == ledger->acked.end() || it->first.rfind(absl::StrCat("/chaos/w", worker, "/"), 0) != 0) {
          continue;
        }
        path = it->first;
        f = it->second;
        ledger->acked.erase(it);
        ledger->uncertain[path] = f;
      }
      absl::StatusOr<bool> deleted = (*client)->Delete(path, false);
      if (deleted.ok()) {
        std::lock_guard<std::mutex> l(ledger->mu);
        ledger->uncertain.erase(path);
      }
    }
  }
}

TEST(ChaosTest, NoAcknowledgedByteIsLost) {
  const int seconds = EnvInt("HAYLOFT_CHAOS_SECONDS", 45);
  std::mt19937_64 rng(EnvInt("HAYLOFT_CHAOS_SEED", 7));
  MiniClusterOptions o;
  o.num_datanodes = kDatanodes;
  o.replication = kReplication;
  o.heartbeat_interval = absl::Milliseconds(300);
  o.heartbeat_recheck_interval = absl::Milliseconds(500);
  o.namenode_conf["dfs.namenode.redundancy.interval.seconds"] = "1";
  o.namenode_conf["dfs.namenode.lease-hard-limit-sec"] = "10";
  MiniCluster cluster(o);
  ASSERT_OK(cluster.Start());
  ASSERT_OK_AND_ASSIGN(auto admin, cluster.NewDfsClient());
  ASSERT_OK(admin->Mkdirs("/chaos", true));

  Ledger ledger;
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) workers.emplace_back(Workload, &cluster, &ledger, w, &stop);

  // Faults, from this thread (daemons must be started by a long-lived thread).
  int faults = 0;
  std::set<int> down;
  bool namenode_killed = false;
  absl::Time start = absl::Now();
  absl::Time end = start + absl::Seconds(seconds);
  while (absl::Now() < end) {
    absl::SleepFor(absl::Milliseconds(1500 + static_cast<int>(rng() % 2000)));
    if (!namenode_killed && absl::Now() > start + absl::Seconds(seconds / 2)) {
      ASSERT_OK(cluster.KillNamenode());
      ++faults;
      absl::SleepFor(absl::Seconds(1));
      ASSERT_OK(cluster.RestartNamenode());
      namenode_killed = true;
      continue;
    }
    bool kill = down.size() < kReplication - 1 && (down.empty() || rng() % 2 == 0);
    if (kill) {
      int i = 1 + static_cast<int>(rng() % kDatanodes);
      if (down.count(i)) continue;
      ASSERT_OK(cluster.KillDatanode(i));
      down.insert(i);
      ++faults;
    } else if (!down.empty()) {
      auto it = down.begin();
      std::advance(it, static_cast<long>(rng() % down.size()));
      ASSERT_OK(cluster.RestartDatanode(*it));
      down.erase(it);
    }
  }
  stop = true;
  for (std::thread& t : workers) t.join();
  for (int i : down) ASSERT_OK(cluster.RestartDatanode(i));
  ASSERT_OK(cluster.WaitForLiveDatanodes(kDatanodes, absl::Seconds(120)));
  ASSERT_OK(cluster.WaitForSafeModeOff(absl::Seconds(120)));

  // Every acknowledged file reads back byte-exact; a file whose delete had an
  // unknown outcome is either gone or intact.
  ASSERT_OK_AND_ASSIGN(auto verifier, cluster.NewDfsClient());
  int64_t files = 0, bytes = 0, lost = 0;
  std::string first_lost;
  for (const auto& [path, f] : ledger.acked) {
    absl::StatusOr<std::string> got = verifier->ReadFile(path);
    if (!got.ok() || *got != Content(f)) {
      if (lost++ == 0) first_lost = absl::StrCat(path, ": ", got.ok() ? "wrong bytes" : got.status().ToString());
      continue;
    }
    ++files;
    bytes += static_cast<int64_t>(f.size());
  }
  for (const auto& [path, f] : ledger.uncertain) {
    absl::StatusOr<std::string> got = verifier->ReadFile(path);
    if (got.ok() && got->compare(0, f.size(), Content(f)) != 0) {
      if (lost++ == 0) first_lost = absl::StrCat(path, ": acknowledged prefix changed");
    }
  }
  ASSERT_OK_AND_ASSIGN(std::string conf, cluster.WriteClientConfFile());
  std::string fsck_out;
  bool healthy = testing::WaitFor(
      [&] {
        absl::StatusOr<CommandResult> r =
            RunCommand({HayloftBinary("hayloft"), "--conf", conf, "fsck", "/chaos"});
        fsck_out = r.ok() ? r->out : r.status().ToString();
        return r.ok() && r->exit_code == 0 &&
               r->out.find("is HEALTHY") != std::string::npos;
      },
      absl::Seconds(60));
  std::cout << "chaos: seconds=" << seconds << " operations=" << ledger.ops.load()
            << " appends=" << ledger.appends.load() << " faults=" << faults
            << " files_verified=" << files
            << " bytes_verified=" << bytes << " bad_reads=" << ledger.bad_reads.load()
            << " fsck=" << (healthy ? "HEALTHY" : "NOT-HEALTHY") << " lost=" << lost << std::endl;
  EXPECT_EQ(lost, 0) << "first lost: " << first_lost;
  EXPECT_EQ(ledger.bad_reads.load(), 0) << "a read returned wrong bytes: " << ledger.first_bad;
  EXPECT_TRUE(healthy) << fsck_out;
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace hayloft
