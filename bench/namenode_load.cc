#include "bench/namenode_load.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/base/status_macros.h"

namespace hayloft::bench {
namespace {

// The order the phases must run in: each uses what the one before made.
constexpr const char* kPhaseOrder[] = {"mkdir", "create", "getfileinfo", "liststatus",
                                       "rename", "delete"};

std::string JsonEscape(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
      continue;
    }
    out.push_back(c);
  }
  return out;
}

double Micros(absl::Duration d) { return absl::ToDoubleMicroseconds(d); }

}  // namespace

double PhaseResult::ops_per_second() const {
  const double s = absl::ToDoubleSeconds(elapsed);
  return s > 0 ? static_cast<double>(ops) / s : 0;
}

std::string PhaseResult::ToJson() const {
  return absl::StrFormat(
      "{\"op\": \"%s\", \"threads\": %d, \"ops\": %d, \"errors\": %d, \"seconds\": %.3f, "
      "\"ops_per_sec\": %.1f, \"mean_us\": %.1f, \"p50_us\": %.1f, \"p90_us\": %.1f, "
      "\"p99_us\": %.1f, \"max_us\": %.1f, \"first_error\": \"%s\"}",
      op, threads, ops, errors, absl::ToDoubleSeconds(elapsed), ops_per_second(),
      Micros(latency.mean()), Micros(latency.Percentile(0.50)), Micros(latency.Percentile(0.90)),
      Micros(latency.Percentile(0.99)), Micros(latency.max()), JsonEscape(first_error));
}

NamenodeLoad::NamenodeLoad(NamenodeLoadOptions options)
    : options_(std::move(options)), created_(options_.threads), renamed_(options_.threads) {}

std::string NamenodeLoad::ThreadDir(absl::string_view phase, int t) const {
  return absl::StrCat(options_.base_dir, "/", phase, "/w", t);
}

absl::Status NamenodeLoad::Prepare() {
  for (int i = 0; i < std::max(1, options_.clients); ++i) {
    HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsClient> c, DfsClient::Create(options_.client));
    clients_.push_back(std::move(c));
  }
  // A leftover tree from an interrupted run would make creates fail.
  HL_RETURN_IF_ERROR(clients_[0]->Delete(options_.base_dir, /*recursive=*/true).status());
  for (int t = 0; t < options_.threads; ++t) {
    for (const char* phase : {"mkdir", "create", "rename"}) {
      HL_RETURN_IF_ERROR(client(t).Mkdirs(ThreadDir(phase, t), /*create_parent=*/true));
    }
  }
  return MakeListDir();
}

// The directory liststatus reads: list_entries empty files, made by every thread.
absl::Status NamenodeLoad::MakeListDir() {
  const std::string& dir = options_.list_dir;
  absl::StatusOr<std::vector<FileStatus>> have = clients_[0]->ListStatus(dir);
  if (have.ok() && have->size() == static_cast<size_t>(options_.list_entries)) {
    return absl::OkStatus();
  }
  HL_RETURN_IF_ERROR(clients_[0]->Delete(dir, /*recursive=*/true).status());
  HL_RETURN_IF_ERROR(clients_[0]->Mkdirs(dir, true));
  std::vector<absl::Status> status(options_.threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < options_.threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < options_.list_entries && status[t].ok(); i += options_.threads) {
        absl::StatusOr<std::unique_ptr<DfsOutputStream>> out =
            client(t).Create(absl::StrFormat("%s/entry%06d", dir, i), {.create_parent = false});
        status[t] = out.ok() ? (*out)->Close() : out.status();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const absl::Status& s : status) HL_RETURN_IF_ERROR(s);
  return absl::OkStatus();
}

NamenodeLoad::OpFn NamenodeLoad::MakeOp(const std::string& op) {
  auto file = [this](absl::string_view phase, int t, int64_t i) {
    return absl::StrCat(ThreadDir(phase, t), "/f", i);
  };
  if (op == "mkdir") {
    return [=, this](int t, int64_t i) -> absl::StatusOr<bool> {
      HL_RETURN_IF_ERROR(client(t).Mkdirs(absl::StrCat(ThreadDir("mkdir", t), "/d", i), true));
      return true;
    };
  }
  if (op == "create") {
    return [=, this](int t, int64_t i) -> absl::StatusOr<bool> {
      HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsOutputStream> out,
                          client(t).Create(file("create", t, i), {.create_parent = false}));
      HL_RETURN_IF_ERROR(out->Close());
      created_[t] = i + 1;
      return true;
    };
  }
  if (op == "getfileinfo") {
    return [=, this](int t, int64_t i) -> absl::StatusOr<bool> {
      const std::string path = created_[t] > 0 ? file("create", t, i % created_[t])
                                               : ThreadDir("create", t);
      HL_RETURN_IF_ERROR(client(t).GetFileInfo(path).status());
      return true;
    };
  }
  if (op == "liststatus") {
    const std::string dir = options_.list_dir;
    const size_t want = static_cast<size_t>(options_.list_entries);
    return [=, this](int t, int64_t) -> absl::StatusOr<bool> {
      HL_ASSIGN_OR_RETURN(std::vector<FileStatus> entries, client(t).ListStatus(dir));
      if (entries.size() != want) {
        return absl::InternalError(absl::StrCat("listed ", entries.size(), " entries, not ", want));
      }
      return true;
    };
  }
  if (op == "rename") {
    return [=, this](int t, int64_t i) -> absl::StatusOr<bool> {
      if (i >= created_[t]) return false;
      HL_RETURN_IF_ERROR(client(t).Rename(file("create", t, i), file("rename", t, i)));
      renamed_[t] = i + 1;
      return true;
    };
  }
  return [=, this](int t, int64_t i) -> absl::StatusOr<bool> {  // delete
    if (i >= renamed_[t]) return false;
    HL_ASSIGN_OR_RETURN(bool deleted, client(t).Delete(file("rename", t, i), false));
    if (!deleted) return absl::NotFoundError(absl::StrCat(file("rename", t, i), " was not there"));
    return true;
  };
}

PhaseResult NamenodeLoad::RunPhase(const std::string& op, const OpFn& fn) {
  const int n = options_.threads;
  std::vector<LatencyHistogram> latency(n);
  std::vector<int64_t> ops(n), errors(n);
  std::vector<std::string> first_error(n);
  absl::Notification go;
  absl::Time start, deadline;
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      go.WaitForNotification();
      for (int64_t i = 0; i < options_.max_ops_per_thread && absl::Now() < deadline; ++i) {
        const absl::Time t0 = absl::Now();
        absl::StatusOr<bool> more = fn(t, i);
        if (more.ok() && !*more) break;
        if (!more.ok()) {
          if (errors[t]++ == 0) first_error[t] = more.status().ToString();
          continue;
        }
        latency[t].Record(absl::Now() - t0);
        ++ops[t];
      }
    });
  }
  start = absl::Now();
  deadline = start + options_.phase_duration;
  go.Notify();
  for (std::thread& th : threads) th.join();
  PhaseResult r{.op = op, .threads = n, .elapsed = absl::Now() - start};
  for (int t = 0; t < n; ++t) {
    r.ops += ops[t];
    r.errors += errors[t];
    r.latency.Merge(latency[t]);
    if (r.first_error.empty()) r.first_error = first_error[t];
  }
  return r;
}

absl::StatusOr<std::vector<PhaseResult>> NamenodeLoad::Run() {
  std::vector<PhaseResult> results;
  for (const char* op : kPhaseOrder) {
    if (std::find(options_.ops.begin(), options_.ops.end(), op) == options_.ops.end()) continue;
    results.push_back(RunPhase(op, MakeOp(op)));
  }
  return results;
}

absl::Status NamenodeLoad::Cleanup() {
  return clients_[0]->Delete(options_.base_dir, /*recursive=*/true).status();
}

}  // namespace hayloft::bench
