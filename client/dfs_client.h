// The DFS client library: namespace calls to the namenode, block writes through
// the datanode pipeline, verified reads with failover between replicas. Used by the
// `hayloft` command, the MapReduce workers and the tests.
#ifndef HAYLOFT_CLIENT_DFS_CLIENT_H_
#define HAYLOFT_CLIENT_DFS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/base/config.h"
#include "proto/namenode.grpc.pb.h"

namespace hayloft {

inline constexpr int kDefaultNamenodePort = 8020;

struct DfsClientOptions {
  std::string namenode_address = "127.0.0.1:8020";   // fs.defaultFS
  std::string user;                                   // HAYLOFT_USER or the OS user
  std::string client_host;                            // hayloft.client.host: for placement
  uint64_t block_size = 0;                            // dfs.blocksize; 0: namenode default
  uint32_t replication = 0;                           // dfs.replication; 0: namenode default
  uint64_t packet_bytes = 1 << 20;                    // dfs.client-write-packet-size
  absl::Duration rpc_timeout = absl::Seconds(20);     // per namenode call
  absl::Duration connect_timeout = absl::Seconds(3);  // to find the namenode at all
  absl::Duration lease_renew_interval = absl::Seconds(30);  // half the soft limit
  // fs.trash.interval / fs.trash.checkpoint.interval (minutes, fractions allowed):
  // the shell's -rm moves to the trash unless 0; a namenode whose own interval is
  // not 0 overrides this one, as in HDFS.
  absl::Duration trash_interval = absl::Minutes(1440);
  absl::Duration trash_checkpoint_interval = absl::ZeroDuration();

  // Reads fs.defaultFS, dfs.blocksize, dfs.replication, ... InvalidArgument for a
  // malformed value (the message names the key).
  static absl::StatusOr<DfsClientOptions> FromConfig(const Configuration& conf);
};

struct CreateOptions {
  bool overwrite = false;
  bool create_parent = true;
  uint32_t replication = 0;   // 0: client default, then namenode default
  uint64_t block_size = 0;    // 0: client default, then namenode default
  uint32_t permission = 0;    // 0: default (0644 after umask)
  // Use `permission` as given (0 included) without the umask, as WebHDFS does.
  bool exact_permission = false;
};

// A file's checksum as Hadoop's FileChecksum carries it (see client/file_checksum.h
// for HDFS's default, MD5-of-MD5-of-CRC32C).
struct FileChecksum {
  std::string algorithm;  // getAlgorithmName(): "MD5-of-0MD5-of-512CRC32C"
  std::string bytes;      // getBytes(): the serialized checksum
  uint32_t length = 0;    // getLength(): bytes.size()
};

// Writes a file block by block. Not thread-safe; one writer per stream.
class DfsOutputStream {
 public:
  virtual ~DfsOutputStream() = default;
  virtual absl::Status Write(absl::string_view data) = 0;
  // HDFS's hflush: sends what is buffered and waits until every datanode of the
  // pipeline has acknowledged it. Readers that open the file afterwards see those
  // bytes (the namenode's length does not change until the block or file closes).
  virtual absl::Status Hflush() = 0;
  // Flushes, waits for every ack and closes the file on the namenode. The file's
  // bytes are durable on every pipeline datanode when this returns OK.
  virtual absl::Status Close() = 0;
  virtual uint64_t bytes_written() const = 0;
};

// Reads a file, verifying every chunk, moving to another replica on any error.
// Not thread-safe.
class DfsInputStream {
 public:
  virtual ~DfsInputStream() = default;
  // Reads up to n bytes; returns 0 at end of file.
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;
  // Reads up to n bytes without copying them out of the stream's buffer (at most
  // one packet, about 1 MiB): for callers that only pass the bytes on. The view is
  // valid until the next call on this stream; empty at end of file.
  virtual absl::StatusOr<absl::string_view> ReadView(size_t n) = 0;
  virtual absl::Status Seek(uint64_t offset) = 0;
  virtual uint64_t length() const = 0;
};

// Thread-safe.
class DfsClient {
 public:
  virtual ~DfsClient() = default;

  // Does not contact the namenode; the first call does.
  static absl::StatusOr<std::unique_ptr<DfsClient>> Create(DfsClientOptions options);

  virtual const DfsClientOptions& options() const = 0;
  // /user/<name>: where relative paths start.
  virtual std::string working_dir() const = 0;

  // NotFound if the path does not exist.
  virtual absl::StatusOr<FileStatus> GetFileInfo(const std::string& path) = 0;
  // All children (paged under the hood), sorted by name; a file lists itself.
  virtual absl::StatusOr<std::vector<FileStatus>> ListStatus(const std::string& path) = 0;
  // `permission` 0: the default (0755 after umask).
  virtual absl::Status Mkdirs(const std::string& path, bool create_parent,
                              uint32_t permission = 0) = 0;
  virtual absl::StatusOr<std::unique_ptr<DfsOutputStream>> Create(
      const std::string& path, const CreateOptions& options) = 0;
  // Reopens a closed file to add bytes at its end (HDFS append): a partly filled
  // last block is continued on its replicas under a new generation stamp.
  virtual absl::StatusOr<std::unique_ptr<DfsOutputStream>> Append(const std::string& path) = 0;
  virtual absl::StatusOr<std::unique_ptr<DfsInputStream>> Open(const std::string& path) = 0;
  virtual absl::Status Rename(const std::string& src, const std::string& dst) = 0;
  // Returns false if nothing was there.
  virtual absl::StatusOr<bool> Delete(const std::string& path, bool recursive) = 0;
  virtual absl::Status SetReplication(const std::string& path, uint32_t replication) = 0;
  // chmod: `permission` holds the mode bits and the sticky bit (01000).
  virtual absl::Status SetPermission(const std::string& path, uint32_t permission) = 0;
  // chown/chgrp: an empty owner or group stays as it is (not both empty).
  virtual absl::Status SetOwner(const std::string& path, const std::string& owner,
                                const std::string& group) = 0;
  virtual absl::StatusOr<GetContentSummaryResponse> GetContentSummary(
      const std::string& path) = 0;
  virtual absl::StatusOr<GetBlockLocationsResponse> GetBlockLocations(
      const std::string& path) = 0;
  virtual absl::StatusOr<std::vector<DatanodeInfo>> GetDatanodeReport() = 0;
  virtual absl::StatusOr<GetFsStatsResponse> GetFsStats() = 0;
  virtual absl::StatusOr<FsckResponse> Fsck(const std::string& path) = 0;
  virtual absl::StatusOr<SetSafeModeResponse> SetSafeMode(SetSafeModeRequest::Action action) = 0;
  virtual absl::Status RefreshNodes() = 0;
  virtual absl::StatusOr<GetServerDefaultsResponse> GetServerDefaults() = 0;
  // HDFS's file checksum (hdfs dfs -checksum, WebHDFS GETFILECHECKSUM): asks a
  // datanode per block. NotFound; FailedPrecondition for a directory;
  // Unavailable when no replica of a block answers.
  virtual absl::StatusOr<FileChecksum> GetFileChecksum(const std::string& path) = 0;

  // Whole-file conveniences.
  absl::Status WriteFile(const std::string& path, absl::string_view data,
                         const CreateOptions& options = {});
  absl::StatusOr<std::string> ReadFile(const std::string& path);
};

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_DFS_CLIENT_H_
