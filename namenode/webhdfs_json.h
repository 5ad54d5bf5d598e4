// The JSON shapes of Hadoop's WebHDFS (JsonUtil) for namespace objects. Keys come
// out sorted, as Hadoop's TreeMaps write them.
#ifndef HAYLOFT_NAMENODE_WEBHDFS_JSON_H_
#define HAYLOFT_NAMENODE_WEBHDFS_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "proto/namenode.pb.h"

namespace hayloft::webhdfs {

// Mode bits as WebHDFS writes them: octal without a leading 0, sticky bit
// included ("755", "1777").
std::string PermissionString(uint32_t mode);

// The properties of one FileStatus: accessTime, blockSize, childrenNum, fileId,
// group, length, modificationTime, owner, pathSuffix, permission, replication,
// storagePolicy, type ("FILE" or "DIRECTORY").
nlohmann::json FileStatusProperties(const FileStatus& s, absl::string_view path_suffix);

// {"FileStatus": {...}} for GETFILESTATUS (pathSuffix "").
nlohmann::json FileStatusJson(const FileStatus& s);

// {"FileStatuses": {"FileStatus": [...]}} for LISTSTATUS; `entries` hold their
// names in `path` (as ListStatus returns them).
nlohmann::json FileStatusesJson(const std::vector<FileStatus>& entries);

// {"ContentSummary": {"directoryCount", "fileCount", "length", "quota": -1,
// "spaceConsumed", "spaceQuota": -1}}: Hayloft has no quotas.
nlohmann::json ContentSummaryJson(const GetContentSummaryResponse& s);

}  // namespace hayloft::webhdfs

#endif  // HAYLOFT_NAMENODE_WEBHDFS_JSON_H_
