#include "namenode/webhdfs_json.h"

#include "absl/strings/str_format.h"

namespace hayloft::webhdfs {

std::string PermissionString(uint32_t mode) {
  // FsPermission.toShort(): the sticky bit and rwx for user, group, other.
  return absl::StrFormat("%o", mode & 01777);
}

nlohmann::json FileStatusProperties(const FileStatus& s, absl::string_view path_suffix) {
  return {
      {"accessTime", s.atime_ms()},
      {"blockSize", s.is_dir() ? 0 : s.block_size()},
      {"childrenNum", s.is_dir() ? s.children_num() : 0},
      {"fileId", s.inode_id()},
      {"group", s.group()},
      {"length", s.is_dir() ? 0 : s.length()},
      {"modificationTime", s.mtime_ms()},
      {"owner", s.owner()},
      {"pathSuffix", std::string(path_suffix)},
      {"permission", PermissionString(s.permission())},
      {"replication", s.is_dir() ? 0 : s.replication()},
      // HdfsConstants.BLOCK_STORAGE_POLICY_ID_UNSPECIFIED: Hayloft has no policies.
      {"storagePolicy", 0},
      {"type", s.is_dir() ? "DIRECTORY" : "FILE"},
  };
}

nlohmann::json FileStatusJson(const FileStatus& s) {
  return {{"FileStatus", FileStatusProperties(s, "")}};
}

nlohmann::json FileStatusesJson(const std::vector<FileStatus>& entries) {
  nlohmann::json list = nlohmann::json::array();
  for (const FileStatus& s : entries) list.push_back(FileStatusProperties(s, s.path()));
  return {{"FileStatuses", {{"FileStatus", std::move(list)}}}};
}

nlohmann::json ContentSummaryJson(const GetContentSummaryResponse& s) {
  return {{"ContentSummary",
           {{"directoryCount", s.directory_count()},
            {"fileCount", s.file_count()},
            {"length", s.length()},
            {"quota", -1},
            {"spaceConsumed", s.space_consumed()},
            {"spaceQuota", -1}}}};
}

}  // namespace hayloft::webhdfs
