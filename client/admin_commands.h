// `hayloft fsck` and `hayloft dfsadmin`: HDFS's reports, from the namenode's
// Fsck, GetFsStats and GetDatanodeReport calls.
#ifndef HAYLOFT_CLIENT_ADMIN_COMMANDS_H_
#define HAYLOFT_CLIENT_ADMIN_COMMANDS_H_

#include <string>
#include <vector>

#include "client/dfs_client.h"
#include "client/fs_shell.h"

namespace hayloft {

// hayloft fsck PATH [-files] [-blocks] [-locations] [-racks]; exit 0 HEALTHY,
// 1 CORRUPT, 255 usage error.
int RunFsck(DfsClient* client, const std::vector<std::string>& args, ShellIo io);

// hayloft dfsadmin -report | -safemode get.
int RunDfsAdmin(DfsClient* client, const std::vector<std::string>& args, ShellIo io);

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_ADMIN_COMMANDS_H_
