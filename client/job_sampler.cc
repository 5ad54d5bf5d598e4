#include "client/job_sampler.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft {
namespace {

struct InputFile {
  std::string path;
  uint64_t records = 0;
};

absl::StatusOr<std::vector<InputFile>> ListInputs(DfsClient* dfs,
                                                  const std::vector<std::string>& inputs,
                                                  uint64_t record_length) {
  std::vector<InputFile> out;
  for (const std::string& in : inputs) {
    HL_ASSIGN_OR_RETURN(FileStatus st, dfs->GetFileInfo(in));
    if (!st.is_dir()) {
      out.push_back({in, st.length() / record_length});
      continue;
    }
    HL_ASSIGN_OR_RETURN(std::vector<FileStatus> children, dfs->ListStatus(in));
    for (const FileStatus& c : children) {
      if (c.is_dir() || c.path().empty() || c.path()[0] == '_' || c.path()[0] == '.') continue;
      out.push_back({path::Join(in, c.path()), c.length() / record_length});
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SampleSplitPoints(DfsClient* dfs,
                                                           const std::vector<std::string>& inputs,
                                                           const SamplerOptions& o) {
  if (o.record_length <= 0 || o.key_length <= 0 || o.key_length > o.record_length) {
    return absl::InvalidArgumentError("sampling needs fixed-length records with a key");
  }
  const uint64_t reclen = static_cast<uint64_t>(o.record_length);
  HL_ASSIGN_OR_RETURN(std::vector<InputFile> files, ListInputs(dfs, inputs, reclen));
  uint64_t total = 0;
  for (const InputFile& f : files) total += f.records;
  std::vector<std::string> keys;
  const uint64_t windows = static_cast<uint64_t>(std::max(1, o.num_windows));
  for (uint64_t w = 0; w < windows && total > 0; ++w) {
    // The window's first record, as an index into all records of all files.
    uint64_t at = total * w / windows;
    size_t fi = 0;
    while (fi < files.size() && at >= files[fi].records) at -= files[fi++].records;
    if (fi == files.size()) break;
    uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(o.records_per_window),
                                    files[fi].records - at);
    HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsInputStream> in, dfs->Open(files[fi].path));
    HL_RETURN_IF_ERROR(in->Seek(at * reclen));
    std::string buf(n * reclen, '\0');
    size_t got = 0;
    while (got < buf.size()) {
      HL_ASSIGN_OR_RETURN(size_t r, in->Read(buf.data() + got, buf.size() - got));
      if (r == 0) break;
      got += r;
    }
    for (size_t off = 0; off + reclen <= got; off += reclen) {
      keys.push_back(buf.substr(off, static_cast<size_t>(o.key_length)));
    }
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> cuts;
  for (int i = 1; i < o.num_partitions && !keys.empty(); ++i) {
    cuts.push_back(keys[keys.size() * static_cast<size_t>(i) / static_cast<size_t>(o.num_partitions)]);
  }
  return cuts;
}

std::string EncodeSplitPoints(const std::vector<std::string>& keys) {
  std::vector<std::string> hex;
  for (const std::string& k : keys) hex.push_back(absl::BytesToHexString(k));
  return absl::StrJoin(hex, ",");
}

std::vector<std::string> DecodeSplitPoints(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view h : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    out.push_back(absl::HexStringToBytes(h));
  }
  return out;
}

}  // namespace hayloft
