#include "worker/shuffle_fetcher.h"

#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/crc32c.h"
#include "common/base/grpc_status.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"
#include "proto/worker.grpc.pb.h"

namespace hayloft::worker {

bool ShuffleFetcher::ReserveMemory(uint64_t bytes) {
  absl::MutexLock lock(&mu_);
  // One segment may take at most a quarter of the budget (as Hadoop's
  // mapreduce.reduce.shuffle.memory.limit.percent).
  if (static_cast<int64_t>(bytes) > options_.memory_bytes / 4) return false;
  if (memory_used_ + static_cast<int64_t>(bytes) > options_.memory_bytes) return false;
  memory_used_ += static_cast<int64_t>(bytes);
  return true;
}

absl::StatusOr<FetchedSegment> ShuffleFetcher::TryFetch(const MapOutputLocation& map) {
  auto stub = ShuffleService::NewStub(rpc::MakeChannel(map.worker_address()));
  grpc::ClientContext ctx;
  rpc::SetDeadline(&ctx, options_.rpc_timeout);
  GetMapOutputRequest req;
  req.set_job_id(options_.job_id);
  req.set_map_attempt_id(map.attempt_id());
  req.set_partition(options_.partition);
  std::unique_ptr<grpc::ClientReader<MapOutputChunk>> reader = stub->GetMapOutput(&ctx, req);
  FetchedSegment seg;
  seg.map_index = map.map_index();
  MapOutputChunk chunk;
  bool first = true, in_memory = true;
  uint64_t total = 0;
  uint32_t expected_crc = 0, crc = 0;
  FILE* file = nullptr;
  absl::Status error;
  while (reader->Read(&chunk)) {
    if (first) {
      first = false;
      total = chunk.total_bytes();
      expected_crc = chunk.crc32c();
      in_memory = ReserveMemory(total);
      if (!in_memory) {
        seg.path = absl::StrCat(options_.dir, "/map_", map.map_index(), ".seg");
        file = std::fopen(seg.path.c_str(), "wb");
        if (file == nullptr) error = absl::InternalError(absl::StrCat("create ", seg.path));
      } else {
        seg.data.reserve(total);
      }
    }
    if (!error.ok()) continue;
    crc = crc32c::Extend(crc, chunk.data().data(), chunk.data().size());
    seg.length += chunk.data().size();
    if (in_memory) {
      seg.data.append(chunk.data());
    } else if (std::fwrite(chunk.data().data(), 1, chunk.data().size(), file) !=
               chunk.data().size()) {
      error = absl::InternalError(absl::StrCat("write ", seg.path));
    }
  }
  grpc::Status gs = reader->Finish();
  if (file != nullptr && std::fclose(file) != 0 && error.ok()) {
    error = absl::InternalError(absl::StrCat("close ", seg.path));
  }
  if (in_memory && !first) {
    absl::MutexLock lock(&mu_);
    if (!gs.ok() || !error.ok() || seg.length != total || crc != expected_crc) {
      memory_used_ -= static_cast<int64_t>(total);
    }
  }
  if (!gs.ok()) return FromGrpcStatus(gs);
  HL_RETURN_IF_ERROR(error);
  if (first) return absl::DataLossError("empty shuffle stream");
  if (seg.length != total || crc != expected_crc) {
    return absl::DataLossError(absl::StrCat("map output of map ", map.map_index(),
                                            " arrived damaged (", seg.length, " of ", total,
                                            " bytes, checksum mismatch)"));
  }
  return seg;
}

absl::StatusOr<FetchedSegment> ShuffleFetcher::FetchOne(const MapOutputLocation& map) {
  absl::Status last;
  absl::Duration backoff = absl::Milliseconds(200);
  for (int attempt = 0; attempt < options_.attempts_per_map; ++attempt) {
    absl::StatusOr<FetchedSegment> seg = TryFetch(map);
    if (seg.ok()) return seg;
    last = seg.status();
    LOG(WARNING) << "fetching map " << map.map_index() << " (" << map.attempt_id() << ") from "
                 << map.worker_address() << " failed: " << last;
    if (last.code() == absl::StatusCode::kNotFound) break;  // gone for good
    absl::SleepFor(backoff);
    backoff *= 2;
  }
  return last;
}

ShuffleResult ShuffleFetcher::FetchAll(const std::vector<MapOutputLocation>& maps) {
  ShuffleResult result;
  std::vector<std::optional<FetchedSegment>> got(maps.size());
  std::vector<bool> failed(maps.size(), false);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < maps.size(); i = next++) {
      absl::StatusOr<FetchedSegment> seg = FetchOne(maps[i]);
      if (seg.ok()) {
        got[i] = std::move(*seg);
      } else {
        failed[i] = true;
      }
      ++fetched_;
    }
  };
  std::vector<std::thread> threads;
  int n = std::max(1, std::min<int>(options_.parallel_copies, static_cast<int>(maps.size())));
  for (int t = 0; t < n; ++t) threads.emplace_back(work);
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < maps.size(); ++i) {
    if (failed[i]) {
      result.failed_maps.push_back(maps[i].map_index());
    } else if (got[i].has_value()) {
      result.bytes += static_cast<int64_t>(got[i]->length);
      result.segments.push_back(std::move(*got[i]));
    }
  }
  return result;
}

absl::StatusOr<std::vector<std::unique_ptr<RecordStream>>> ShuffleFetcher::OpenStreams(
    const std::vector<FetchedSegment>& segments) {
  std::vector<std::unique_ptr<RecordStream>> out;
  for (const FetchedSegment& s : segments) {
    if (s.length == 0) continue;
    if (s.path.empty()) {
      out.push_back(NewMemorySegmentStream(s.data));
    } else {
      HL_ASSIGN_OR_RETURN(std::unique_ptr<RecordStream> in,
                          NewFileSegmentStream(s.path, 0, s.length));
      out.push_back(std::move(in));
    }
  }
  return out;
}

}  // namespace hayloft::worker
