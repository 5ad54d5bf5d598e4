// HDFS's default file checksum, MD5MD5CRC32FileChecksum ("MD5-of-<crcPerBlock>MD5-
// of-<bytesPerCRC>CRC32C"): each datanode hashes the big-endian CRC32C of its
// replica's chunks with MD5; the file's MD5 is over those block MD5s in order.
// Serialized as Hadoop writes it: int bytesPerCRC, long crcPerBlock (both
// big-endian), the 16 MD5 bytes. crcPerBlock is the first block's CRC count when
// the file has more than one block, else 0. An empty file gets HDFS's magic value,
// "MD5-of-0MD5-of-0CRC32" over 32 zero bytes.
#ifndef HAYLOFT_CLIENT_FILE_CHECKSUM_H_
#define HAYLOFT_CLIENT_FILE_CHECKSUM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/datanode_channels.h"
#include "client/dfs_client.h"
#include "proto/namenode.pb.h"

namespace hayloft {

// The checksum from the block MD5s (16 bytes each). `crc_type` is "CRC32C" or
// "CRC32".
FileChecksum MakeMd5Md5CrcChecksum(uint32_t bytes_per_crc, uint64_t crc_per_block,
                                   absl::string_view crc_type,
                                   const std::vector<std::string>& block_md5s);
FileChecksum EmptyFileChecksum();

// Asks a datanode holding each block (the next one if it fails) for the block's
// MD5, then combines them. Unavailable "Fail to get block MD5 for blk_N" if no
// replica answers; DataLoss if the blocks disagree on bytes per CRC.
absl::StatusOr<FileChecksum> ComputeFileChecksum(const std::string& path,
                                                 const GetBlockLocationsResponse& locations,
                                                 DatanodeChannels* channels,
                                                 absl::Duration timeout);

}  // namespace hayloft

#endif  // HAYLOFT_CLIENT_FILE_CHECKSUM_H_
