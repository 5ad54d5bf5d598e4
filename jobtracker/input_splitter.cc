#include "jobtracker/input_splitter.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/job_conf.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"

namespace hayloft::jobtracker {
namespace {

std::string Get(const std::map<std::string, std::string>& conf, absl::string_view key) {
  auto it = conf.find(std::string(key));
  return it == conf.end() ? "" : it->second;
}

// Hadoop's hidden-file filter: names starting with '_' or '.' are not input.
bool IsHidden(const std::string& name) {
  std::string base = path::Basename(name);
  return !base.empty() && (base[0] == '_' || base[0] == '.');
}

absl::Status AddFileSplits(DfsClient* dfs, const std::string& file,
                           std::vector<InputSplit>& out) {
  HL_ASSIGN_OR_RETURN(GetBlockLocationsResponse locs, dfs->GetBlockLocations(file));
  if (locs.file_length() == 0 || locs.blocks_size() == 0) {
    InputSplit s;
    s.set_path(file);
    out.push_back(s);
    return absl::OkStatus();
  }
  for (const LocatedBlock& b : locs.blocks()) {
    InputSplit s;
    s.set_path(file);
    s.set_offset(b.offset());
    s.set_length(b.block().num_bytes());
    for (const DatanodeInfo& dn : b.locations()) s.add_hosts(dn.id().host());
    if (s.length() > 0) out.push_back(s);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<InputSplit>> ComputeSplits(
    DfsClient* dfs, const std::map<std::string, std::string>& conf,
    const std::string& default_fs) {
  const std::string output = Get(conf, jobconf::kOutputDir);
  if (output.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("Output directory not set (",
                                                   jobconf::kOutputDir, ")"));
  }
  absl::StatusOr<FileStatus> out_status = dfs->GetFileInfo(output);
  if (out_status.ok()) {
    return absl::AlreadyExistsError(
        absl::StrCat("Output directory ", default_fs, output, " already exists"));
  }
  if (out_status.status().code() != absl::StatusCode::kNotFound) return out_status.status();

  HL_ASSIGN_OR_RETURN(mr::InputFormat format,
                      jobconf::ParseInputFormat(Get(conf, jobconf::kInputFormat)));
  std::vector<InputSplit> splits;
  if (format == mr::InputFormat::kGenerated) {
    int n = 1;
    std::string text = Get(conf, jobconf::kGeneratedSplits);
    if (!text.empty() && (!absl::SimpleAtoi(text, &n) || n < 1 || n > 100000)) {
      return absl::InvalidArgumentError(absl::StrCat("invalid ", jobconf::kGeneratedSplits,
                                                     ": '", text, "'"));
    }
    for (int i = 0; i < n; ++i) splits.emplace_back().set_generated_index(i);
    return splits;
  }
  std::vector<std::string> inputs =
      absl::StrSplit(Get(conf, jobconf::kInputDirs), ',', absl::SkipEmpty());
  if (inputs.empty()) return absl::InvalidArgumentError("No input paths specified in job");
  for (const std::string& in : inputs) {
    absl::StatusOr<FileStatus> st = dfs->GetFileInfo(in);
    if (!st.ok() && st.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat("Input path does not exist: ", default_fs, in));
    }
    HL_RETURN_IF_ERROR(st.status());
    if (!st->is_dir()) {
      HL_RETURN_IF_ERROR(AddFileSplits(dfs, in, splits));
      continue;
    }
    HL_ASSIGN_OR_RETURN(std::vector<FileStatus> children, dfs->ListStatus(in));
    for (const FileStatus& c : children) {
      if (c.is_dir() || IsHidden(c.path())) continue;
      HL_RETURN_IF_ERROR(AddFileSplits(dfs, path::Join(in, c.path()), splits));
    }
  }
  return splits;
}

}  // namespace hayloft::jobtracker
