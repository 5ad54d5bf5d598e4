#include "datanode/block_scanner.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/metrics/metrics.h"

namespace hayloft::datanode {
namespace {

metrics::Counter* const kReplicasScanned = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_scanner_replicas_verified_total",
    "Replicas the block scanner read and found intact.");
metrics::Counter* const kBytesScanned = metrics::DefaultRegistry().GetCounter(
    "dfs_datanode_scanner_bytes_verified_total", "Bytes the block scanner verified.");

}  // namespace

BlockScanner::BlockScanner(BlockScannerOptions options, BlockStore* store,
                           BadReplicaCallback report)
    : options_(std::move(options)), store_(store), report_(std::move(report)) {
  absl::MutexLock lock(&mu_);
  progress_.resize(static_cast<size_t>(store_->num_volumes()));
}

BlockScanner::~BlockScanner() { Shutdown(); }

void BlockScanner::Start() {
  if (options_.bytes_per_second <= 0) {
    LOG(INFO) << "Block scanner disabled (dfs.block.scanner.volume.bytes.per.second <= 0)";
    return;
  }
  LOG(INFO) << "Block scanner: verifying every replica every "
            << absl::FormatDuration(options_.scan_period) << " at up to "
            << options_.bytes_per_second << " bytes/s per volume";
  for (int v = 0; v < store_->num_volumes(); ++v) {
    threads_.emplace_back(&BlockScanner::Run, this, v);
  }
}

void BlockScanner::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

bool BlockScanner::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

int64_t BlockScanner::passes_completed() const {
  absl::MutexLock lock(&mu_);
  return passes_;
}

std::vector<ScanProgress> BlockScanner::GetProgress() const {
  absl::MutexLock lock(&mu_);
  return progress_;
}

void BlockScanner::Run(int volume) {
  while (!stopping()) {
    if (store_->volume_failed(volume)) return;
    const absl::Time start = absl::Now();
    ScanPassResult r = ScanVolume(volume);
    if (stopping()) return;
    std::vector<std::string> names;
    for (const ReplicaInfo& c : r.corrupt) {
      names.push_back(absl::StrCat("blk_", c.block_id, "_", c.generation_stamp));
    }
    LOG(INFO) << "Block scanner: volume " << store_->data_dirs()[volume] << ": verified "
              << r.replicas_verified << " replica(s), " << r.bytes_verified << " bytes in "
              << absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1)))
              << "; " << r.corrupt.size() << " corrupt"
              << (names.empty() ? "" : absl::StrCat(": ", absl::StrJoin(names, ", ")));
    absl::MutexLock lock(&mu_);
    ++passes_;
    ++progress_[volume].passes_completed;
    mu_.AwaitWithDeadline(absl::Condition(this, &BlockScanner::StoppingLocked),
                          start + options_.scan_period);
  }
}

ScanPassResult BlockScanner::ScanVolume(int volume) {
  ScanPassResult result;
  const absl::Time start = absl::Now();
  int64_t bytes = 0;
  const std::vector<ReplicaInfo> replicas = store_->GetFinalizedReplicasOnVolume(volume);
  BeginPass(volume, static_cast<int64_t>(replicas.size()), start);
  absl::Cleanup pass_done = [&] { EndPass(volume); };
  for (const ReplicaInfo& r : replicas) {
    if (stopping() || store_->volume_failed(volume)) break;
    int64_t before = bytes;
    absl::Status s = VerifyReplica(r, start, &bytes);
    NoteReplicaDone(volume, bytes);
    if (s.ok()) {
      ++result.replicas_verified;
      result.bytes_verified += bytes - before;
      kReplicasScanned->Increment();
      kBytesScanned->Increment(static_cast<double>(bytes - before));
      continue;
    }
    if (!absl::IsDataLoss(s)) continue;  // gone meanwhile, or an I/O error (volume checked)
    // A replica replaced or recovered while we read it is not corrupt.
    std::optional<ReplicaInfo> now = store_->GetReplica(r.block_id);
    if (!now || !now->finalized || now->generation_stamp != r.generation_stamp) continue;
    result.corrupt.push_back(r);
    {
      absl::MutexLock lock(&mu_);
      if (!reported_.insert({r.block_id, r.generation_stamp}).second) continue;
      ++progress_[volume].corrupt_found;
    }
    LOG(ERROR) << "Block scanner found a corrupt replica: " << s.message() << " (data dir "
               << store_->data_dirs()[volume] << "); reporting it to the namenode";
    if (report_) report_(r);
  }
  // Forget reports of replicas that have since been deleted or replaced.
  std::vector<std::pair<uint64_t, uint64_t>> reported;
  {
    absl::MutexLock lock(&mu_);
    reported.assign(reported_.begin(), reported_.end());
  }
  for (const std::pair<uint64_t, uint64_t>& k : reported) {
    std::optional<ReplicaInfo> r = store_->GetReplica(k.first);
    if (r && r->generation_stamp == k.second) continue;
    absl::MutexLock lock(&mu_);
    reported_.erase(k);
  }
  return result;
}

void BlockScanner::BeginPass(int volume, int64_t replicas, absl::Time start) {
  absl::MutexLock lock(&mu_);
  ScanProgress& p = progress_[volume];
  p.scanning = true;
  p.pass_replicas = replicas;
  p.pass_replicas_done = 0;
  p.pass_bytes_verified = 0;
  p.pass_started = start;
}

void BlockScanner::NoteReplicaDone(int volume, int64_t pass_bytes) {
  absl::MutexLock lock(&mu_);
  ++progress_[volume].pass_replicas_done;
  progress_[volume].pass_bytes_verified = pass_bytes;
}

void BlockScanner::EndPass(int volume) {
  absl::MutexLock lock(&mu_);
  progress_[volume].scanning = false;
  progress_[volume].last_pass_finished = absl::Now();
}

absl::Status BlockScanner::VerifyReplica(const ReplicaInfo& replica, absl::Time pass_start,
                                         int64_t* pass_bytes) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<ReplicaReader> reader,
                      store_->OpenReplica(replica.block_id, replica.generation_stamp));
  uint64_t pos = 0;
  ChunkedData chunk;  // one buffer for the whole replica
  while (pos < reader->num_bytes()) {
    if (!Throttle(pass_start, *pass_bytes)) return absl::CancelledError("shutting down");
    HL_ASSIGN_OR_RETURN(chunk, reader->Read(pos, options_.read_bytes, std::move(chunk)));
    if (chunk.data.empty()) break;
    pos += chunk.data.size();
    *pass_bytes += static_cast<int64_t>(chunk.data.size());
  }
  return absl::OkStatus();
}

bool BlockScanner::Throttle(absl::Time start, int64_t bytes) {
  const absl::Time allowed =
      start + absl::Seconds(static_cast<double>(bytes) /
                            static_cast<double>(std::max<int64_t>(1, options_.bytes_per_second)));
  absl::MutexLock lock(&mu_);
  if (allowed > absl::Now()) {
    mu_.AwaitWithDeadline(absl::Condition(this, &BlockScanner::StoppingLocked), allowed);
  }
  return !stopping_;
}

}  // namespace hayloft::datanode
