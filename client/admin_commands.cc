#include "client/admin_commands.h"

#include <iostream>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/shell_format.h"
#include "common/base/path.h"

namespace hayloft {
namespace {

constexpr char kBlockPool[] = "BP-hayloft";

struct FsckOptions {
  std::string path;
  bool files = false, blocks = false, locations = false, racks = false;
};

// The counters behind fsck's "Replicated Blocks:" section (NamenodeFsck's
// ReplicationResult).
struct ReplicationResult {
  uint64_t total_size = 0, total_files = 0, total_blocks = 0, total_replicas = 0;
  uint64_t min_replicated = 0, over = 0, under = 0, mis = 0, missing = 0, corrupt = 0;
  uint64_t missing_replicas = 0, expected_replicas = 0, open_files = 0, open_size = 0;
  uint64_t corrupt_files = 0;
  uint32_t default_replication = 3;

  bool healthy() const { return missing == 0 && corrupt == 0; }
  std::string Pct(uint64_t x) const {
    if (total_blocks == 0) return "";
    return absl::StrCat(" (", format::JavaFloat(static_cast<float>(x * 100) /
                                                static_cast<float>(total_blocks)),
                        " %)");
  }
  std::string ToString() const {
    std::string r = absl::StrCat(" Total size:\t", total_size, " B");
    if (open_size != 0) absl::StrAppend(&r, " (Total open files size: ", open_size, " B)");
    absl::StrAppend(&r, "\n Total files:\t", total_files);
    if (open_files != 0) absl::StrAppend(&r, " (Files currently being written: ", open_files, ")");
    absl::StrAppend(&r, "\n Total blocks (validated):\t", total_blocks);
    if (total_blocks > 0) absl::StrAppend(&r, " (avg. block size ", total_size / total_blocks, " B)");
    if (missing > 0 || corrupt > 0) {
      absl::StrAppend(&r, "\n  ********************************", "\n  CORRUPT FILES:\t",
                      corrupt_files);
      if (missing > 0) absl::StrAppend(&r, "\n  MISSING BLOCKS:\t", missing);
      if (corrupt > 0) absl::StrAppend(&r, "\n  CORRUPT BLOCKS: \t", corrupt);
      absl::StrAppend(&r, "\n  ********************************");
    }
    float avg = total_blocks == 0 ? 0.0f
                                  : static_cast<float>(total_replicas) /
                                        static_cast<float>(total_blocks);
    absl::StrAppend(&r, "\n Minimally replicated blocks:\t", min_replicated, Pct(min_replicated),
                    "\n Over-replicated blocks:\t", over, Pct(over),
                    "\n Under-replicated blocks:\t", under, Pct(under),
                    "\n Mis-replicated blocks:\t\t", mis, Pct(mis),
                    "\n Default replication factor:\t", default_replication,
                    "\n Average block replication:\t", format::JavaFloat(avg),
                    "\n Missing blocks:\t\t", missing, "\n Corrupt blocks:\t\t", corrupt,
                    "\n Missing replicas:\t\t", missing_replicas);
    if (total_replicas > 0 && expected_replicas > 0) {
      absl::StrAppend(&r, " (",
                      format::JavaFloat(static_cast<float>(missing_replicas * 100) /
                                        static_cast<float>(expected_replicas)),
                      " %)");
    }
    absl::StrAppend(&r, "\n Blocks queued for replication:\t0");
    return r;
  }
};

constexpr char kEcResult[] =
    " Total size:\t0 B\n Total files:\t0\n Total block groups (validated):\t0\n"
    " Minimally erasure-coded block groups:\t0\n Over-erasure-coded block groups:\t0\n"
    " Under-erasure-coded block groups:\t0\n Unsatisfactory placement block groups:\t0\n"
    " Average block group size:\t0.0\n Missing block groups:\t\t0\n"
    " Corrupt block groups:\t\t0\n Missing internal blocks:\t0\n"
    " Blocks queued for replication:\t0";

std::string ReplicaList(const LocatedBlock& b, const FsckOptions& o) {
  if (!o.locations && !o.racks) return "";
  std::string out = "  [";
  for (int i = 0; i < b.locations_size(); ++i) {
    const DatanodeInfo& d = b.locations(i);
    std::string addr = absl::StrCat(d.id().host(), ":", d.id().rpc_port());
    if (i > 0) out += ", ";
    out += o.racks ? absl::StrCat(d.rack(), "/", addr)
                   : absl::StrCat("DatanodeInfoWithStorage[", addr, ",DS-", d.id().uuid(),
                                  ",DISK]");
  }
  return out + "]";
}

void CheckFile(const FsckFile& f, int num_racks, const FsckOptions& o, ReplicationResult* res,
               std::ostream& out) {
  const FileStatus& st = f.status();
  if (st.under_construction()) {
    ++res->open_files;
    res->open_size += st.length();
    return;
  }
  ++res->total_files;
  res->total_size += st.length();
  if (o.files) {
    out << st.path() << " " << st.length() << " bytes, replicated: replication="
        << st.replication() << ", " << f.blocks_size() << " block(s): ";
  }
  std::string report;
  uint64_t missing = 0, missing_size = 0, under_here = 0, corrupt = 0, corrupt_size = 0;
  for (int i = 0; i < f.blocks_size(); ++i) {
    const LocatedBlock& b = f.blocks(i);
    uint32_t live = b.corrupt() ? 0 : static_cast<uint32_t>(b.locations_size());
    std::string name = absl::StrCat(kBlockPool, ":blk_", b.block().block_id(), "_",
                                    b.block().generation_stamp());
    ++res->total_blocks;
    res->total_replicas += live;
    res->expected_replicas += st.replication();
    if (live >= 1) ++res->min_replicated;
    if (live > st.replication()) ++res->over;
    if (live < st.replication()) res->missing_replicas += st.replication() - live;
    if (b.corrupt()) {
      ++res->corrupt;
      ++corrupt;
      corrupt_size += b.block().num_bytes();
      out << "\n" << st.path() << ": CORRUPT blockpool " << kBlockPool << " block blk_"
          << b.block().block_id() << "\n";
    } else if (live == 0) {
      ++res->missing;
      ++missing;
      missing_size += b.block().num_bytes();
    } else if (live < st.replication()) {
      ++res->under;
      ++under_here;
      if (!o.files) out << "\n" << st.path() << ": ";
      out << " Under replicated " << name << ". Target Replicas is " << st.replication()
          << " but found " << live << " live replica(s), 0 decommissioned replica(s), "
          << "0 decommissioning replica(s).\n";
    }
    std::set<std::string> racks;
    for (const DatanodeInfo& d : b.locations()) racks.insert(d.rack());
    bool mis = live > 1 && num_racks > 1 && racks.size() < 2;
    if (mis) {
      ++res->mis;
      if (!o.files) out << "\n" << st.path() << ": ";
      out << " Replica placement policy is violated for " << name
          << ". Block should be additionally replicated on 1 more rack(s).\n";
    }
    absl::StrAppend(&report, i, ". ", name, " len=", b.block().num_bytes());
    if (live == 0 && !b.corrupt()) {
      absl::StrAppend(&report, " MISSING!");
    } else {
      absl::StrAppend(&report, " Live_repl=", live, ReplicaList(b, o));
    }
    report += "\n";
  }
  if (missing > 0 && !o.files) {
    out << "\n" << st.path() << ": MISSING " << missing << " blocks of total size "
        << missing_size << " B.";
  }
  if (corrupt > 0 && !o.files) {
    out << "\n" << st.path() << ": CORRUPT " << corrupt << " blocks of total size "
        << corrupt_size << " B.";
  }
  if (o.files) {
    if (missing > 0 || corrupt > 0) {
      if (missing > 0) {
        out << " MISSING " << missing << " blocks of total size " << missing_size << " B\n";
      }
      if (corrupt > 0) {
        out << " CORRUPT " << corrupt << " blocks of total size " << corrupt_size << " B\n";
      }
    } else if (under_here == 0) {
      out << " OK\n";
    }
    if (o.blocks) out << report << "\n";
  }
  if (missing > 0 || corrupt > 0) ++res->corrupt_files;
}

}  // namespace

int RunFsck(DfsClient* client, const std::vector<std::string>& args, ShellIo io) {
  FsckOptions o;
  for (const std::string& a : args) {
    if (a == "-files") {
      o.files = true;
    } else if (a == "-blocks") {
      o.blocks = true;
    } else if (a == "-locations") {
      o.locations = true;
    } else if (a == "-racks") {
      o.racks = true;
    } else if (!a.empty() && a[0] == '-') {
      *io.err << "fsck: Illegal option '" << a << "'\n"
              << "Usage: hayloft fsck <path> [-files [-blocks [-locations | -racks]]]\n";
      return 255;
    } else if (!o.path.empty()) {
      *io.err << "fsck: can only operate on one path at a time '" << a << "'\n";
      return 255;
    } else {
      o.path = a;
    }
  }
  if (o.path.empty()) o.path = "/";
  std::ostream& out = *io.out;
  *io.err << "Connecting to namenode via " << client->options().namenode_address << "\n";
  absl::Time start = absl::Now();
  absl::StatusOr<FsckResponse> resp = client->Fsck(o.path);
  if (!resp.ok()) {
    if (absl::IsNotFound(resp.status())) {
      out << "\n\nPath '" << o.path << "' does not exist\n";
      return 0;
    }
    if (!absl::IsPermissionDenied(resp.status())) {
      *io.err << "fsck: " << resp.status().message() << "\n";
      return 1;
    }
  }
  std::string shown = *path::Normalize(o.path, client->working_dir());
  out << "FSCK started by " << client->options().user << " (auth:SIMPLE) from /"
      << (client->options().client_host.empty() ? "127.0.0.1" : client->options().client_host)
      << " for path " << shown << " at " << format::JavaDate(absl::ToUnixMillis(start)) << "\n";
  if (!resp.ok()) {
    // NamenodeFsck's failure report; DFSck exits -1 on a last line it does not know.
    out << "FSCK ended at " << format::JavaDate(absl::ToUnixMillis(absl::Now())) << " in "
        << absl::ToInt64Milliseconds(absl::Now() - start) << " milliseconds\n"
        << resp.status().message() << "\n\n\nFsck on path '" << shown << "' FAILED\n";
    return 255;
  }
  out << "\n";
  ReplicationResult res;
  res.default_replication = resp->default_replication();
  uint64_t dirs = 0;
  for (const FsckFile& f : resp->files()) {
    if (f.status().is_dir()) {
      ++dirs;
      if (o.files) out << f.status().path() << " <dir>\n";
      continue;
    }
    CheckFile(f, resp->num_racks(), o, &res, out);
  }
  bool healthy = res.healthy();
  out << "\nStatus: " << (healthy ? "HEALTHY" : "CORRUPT") << "\n"
      << " Number of data-nodes:\t" << resp->num_datanodes() << "\n"
      << " Number of racks:\t\t" << resp->num_racks() << "\n"
      << " Total dirs:\t\t\t" << dirs << "\n"
      << " Total symlinks:\t\t0\n"
      << "\nReplicated Blocks:\n" << res.ToString() << "\n"
      << "\nErasure Coded Block Groups:\n" << kEcResult << "\n"
      << "FSCK ended at " << format::JavaDate(absl::ToUnixMillis(absl::Now())) << " in "
      << absl::ToInt64Milliseconds(absl::Now() - start) << " milliseconds\n"
      << "\n\nThe filesystem under path '" << shown << "' is "
      << (healthy ? "HEALTHY" : "CORRUPT") << "\n";
  return healthy ? 0 : 1;
}

namespace {

std::string Bytes(int64_t n) { return absl::StrCat(n, " (", format::ByteDesc(n), ")"); }

std::string DatanodeReport(const DatanodeInfo& d) {
  std::string addr = absl::StrCat(d.id().host(), ":", d.id().rpc_port());
  std::string r = absl::StrCat("Name: ", addr, " (", d.id().host(), ")\n",
                               "Hostname: ", d.id().host(), "\n");
  if (d.rack() != "/default-rack") absl::StrAppend(&r, "Rack: ", d.rack(), "\n");
  const char* state = d.admin_state() == DatanodeInfo::DECOMMISSIONED ? "Decommissioned"
                      : d.admin_state() == DatanodeInfo::DECOMMISSION_IN_PROGRESS
                          ? "Decommission in progress"
                          : "Normal";
  double cap = static_cast<double>(d.capacity_bytes());
  double used_pct = cap <= 0 ? 100.0 : static_cast<double>(d.dfs_used_bytes()) * 100.0 / cap;
  double rem_pct = cap <= 0 ? 0.0 : static_cast<double>(d.remaining_bytes()) * 100.0 / cap;
  absl::StrAppend(&r, "Decommission Status : ", state, "\n",
                  "Configured Capacity: ", Bytes(d.capacity_bytes()), "\n",
                  "DFS Used: ", Bytes(d.dfs_used_bytes()), "\n",
                  "Non DFS Used: ", Bytes(d.non_dfs_used_bytes()), "\n",
                  "DFS Remaining: ", Bytes(d.remaining_bytes()), "\n",
                  "DFS Used%: ", format::Percent2(used_pct), "\n",
                  "DFS Remaining%: ", format::Percent2(rem_pct), "\n",
                  "Configured Cache Capacity: 0 (0 B)\nCache Used: 0 (0 B)\n"
                  "Cache Remaining: 0 (0 B)\nCache Used%: 100.00%\nCache Remaining%: 0.00%\n",
                  "Xceivers: ", d.active_transfers(), "\n",
                  "Last contact: ", format::JavaDate(d.last_contact_unix_ms()), "\n",
                  "Last Block Report: ",
                  d.last_block_report_unix_ms() != 0
                      ? format::JavaDate(d.last_block_report_unix_ms())
                      : "Never",
                  "\n", "Num of Blocks: ", d.num_blocks(), "\n");
  return r;
}

// DFSAdmin prints "<command>: <first line>" for an error and exits -1.
int AdminError(const std::string& command, const absl::Status& s, ShellIo io) {
  absl::string_view msg = s.message();
  *io.err << command << ": " << msg.substr(0, msg.find('\n')) << "\n";
  return 255;
}

int Report(DfsClient* client, ShellIo io) {
  absl::StatusOr<GetFsStatsResponse> stats = client->GetFsStats();
  if (!stats.ok()) return AdminError("report", stats.status(), io);
  std::ostream& out = *io.out;
  int64_t present = stats->dfs_used_bytes() + stats->remaining_bytes();
  double used_pct = present == 0 ? 0.0
                                 : static_cast<double>(stats->dfs_used_bytes()) * 100.0 /
                                       static_cast<double>(present);
  if (stats->safe_mode()) out << "Safe mode is ON\n";
  out << "Configured Capacity: " << Bytes(stats->capacity_bytes()) << "\n"
      << "Present Capacity: " << Bytes(present) << "\n"
      << "DFS Remaining: " << Bytes(stats->remaining_bytes()) << "\n"
      << "DFS Used: " << Bytes(stats->dfs_used_bytes()) << "\n"
      << "DFS Used%: " << format::Percent2(used_pct) << "\n"
      << "Replicated Blocks:\n"
      << "\tUnder replicated blocks: " << stats->under_replicated_blocks() << "\n"
      << "\tBlocks with corrupt replicas: " << stats->corrupt_blocks() << "\n"
      << "\tMissing blocks: " << stats->missing_blocks() << "\n"
      << "\tMissing blocks (with replication factor 1): 0\n"
      << "\tPending deletion blocks: 0\n"
      << "Erasure Coded Block Groups: \n"
      << "\tLow redundancy block groups: 0\n"
      << "\tBlock groups with corrupt internal blocks: 0\n"
      << "\tMissing block groups: 0\n"
      << "\tPending deletion blocks: 0\n\n"
      << "-------------------------------------------------\n";
  // The summary above is anyone's; the datanode list needs the superuser, as in HDFS.
  absl::StatusOr<std::vector<DatanodeInfo>> nodes = client->GetDatanodeReport();
  if (!nodes.ok()) return AdminError("report", nodes.status(), io);
  std::vector<const DatanodeInfo*> live, dead, decom;
  for (const DatanodeInfo& d : *nodes) {
    if (d.dead()) {
      dead.push_back(&d);
    } else {
      live.push_back(&d);
      if (d.admin_state() == DatanodeInfo::DECOMMISSION_IN_PROGRESS) decom.push_back(&d);
    }
  }
  for (auto [title, list] : {std::pair{"Live", &live}, std::pair{"Dead", &dead},
                             std::pair{"Decommissioning", &decom}}) {
    if (list->empty()) continue;
    out << title << " datanodes (" << list->size() << "):\n\n";
    for (const DatanodeInfo* d : *list) out << DatanodeReport(*d) << "\n\n";
  }
  return 0;
}

int SafeMode(DfsClient* client, const std::string& action_word, ShellIo io) {
  std::string word = absl::AsciiStrToLower(action_word);
  SetSafeModeRequest::Action action = SetSafeModeRequest::GET;
  if (word == "enter") {
    action = SetSafeModeRequest::ENTER;
  } else if (word == "leave") {
    action = SetSafeModeRequest::LEAVE;
  } else if (word != "get" && word != "wait") {
    *io.err << "Usage: hayloft dfsadmin [-safemode enter | leave | get | wait]\n";
    return 255;
  }
  while (true) {
    absl::StatusOr<SetSafeModeResponse> r = client->SetSafeMode(action);
    if (!r.ok()) return AdminError("safemode", r.status(), io);
    if (word != "wait" || !r->safe_mode()) {
      *io.out << "Safe mode is " << (r->safe_mode() ? "ON" : "OFF") << "\n";
      return 0;
    }
    absl::SleepFor(absl::Seconds(1));
  }
}

}  // namespace

int RunDfsAdmin(DfsClient* client, const std::vector<std::string>& args, ShellIo io) {
  if (args.size() == 1 && args[0] == "-report") return Report(client, io);
  if (args.size() == 2 && args[0] == "-safemode") return SafeMode(client, args[1], io);
  if (args.size() == 1 && args[0] == "-refreshNodes") {
    absl::Status s = client->RefreshNodes();
    if (!s.ok()) return AdminError("refreshNodes", s, io);
    *io.out << "Refresh nodes successful\n";
    return 0;
  }
  *io.err << "Usage: hayloft dfsadmin\n\t[-report]\n\t[-safemode <enter | leave | get | wait>]\n"
             "\t[-refreshNodes]\n";
  return 255;
}

}  // namespace hayloft
