#include "client/file_checksum.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/grpc_status.h"
#include "common/base/logging.h"
#include "common/base/md5.h"

namespace hayloft {
namespace {

void AppendBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

absl::StatusOr<GetBlockChecksumResponse> BlockChecksum(const LocatedBlock& lb,
                                                       DatanodeChannels* channels,
                                                       absl::Duration timeout) {
  std::string errors;
  for (const DatanodeInfo& dn : lb.locations()) {
    std::unique_ptr<DatanodeService::Stub> stub = channels->StubFor(dn.id());
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    GetBlockChecksumRequest req;
    *req.mutable_block() = lb.block();
    GetBlockChecksumResponse resp;
    grpc::Status s = stub->GetBlockChecksum(&ctx, req, &resp);
    if (s.ok() && resp.md5().size() == 16) return resp;
    std::string why = s.ok() ? "bad MD5 length" : s.error_message();
    LOG(WARNING) << "block checksum of blk_" << lb.block().block_id() << " from "
                 << AddressOf(dn.id()) << " failed: " << why;
    absl::StrAppend(&errors, errors.empty() ? "" : "; ", AddressOf(dn.id()), ": ", why);
  }
  return absl::UnavailableError(absl::StrCat("Fail to get block MD5 for blk_",
                                             lb.block().block_id(), "_",
                                             lb.block().generation_stamp(),
                                             errors.empty() ? "" : ": ", errors));
}

}  // namespace

FileChecksum MakeMd5Md5CrcChecksum(uint32_t bytes_per_crc, uint64_t crc_per_block,
                                   absl::string_view crc_type,
                                   const std::vector<std::string>& block_md5s) {
  Md5 file_md5;
  for (const std::string& m : block_md5s) file_md5.Update(m);
  FileChecksum c;
  c.algorithm = absl::StrCat("MD5-of-", crc_per_block, "MD5-of-", bytes_per_crc, crc_type);
  AppendBigEndian(&c.bytes, bytes_per_crc, 4);
  AppendBigEndian(&c.bytes, crc_per_block, 8);
  c.bytes += Md5::Bytes(file_md5.Finish());
  c.length = static_cast<uint32_t>(c.bytes.size());
  return c;
}

FileChecksum EmptyFileChecksum() {
  // DataOutputBuffer's initial 32 bytes, hashed as older HDFS versions did.
  return MakeMd5Md5CrcChecksum(0, 0, "CRC32", {std::string(32, '\0')});
}

absl::StatusOr<FileChecksum> ComputeFileChecksum(const std::string& /*path*/,
                                                 const GetBlockLocationsResponse& locations,
                                                 DatanodeChannels* channels,
                                                 absl::Duration timeout) {
  std::vector<const LocatedBlock*> blocks;
  for (const LocatedBlock& lb : locations.blocks()) {
    if (lb.block().num_bytes() > 0) blocks.push_back(&lb);
  }
  if (blocks.empty()) return EmptyFileChecksum();
  std::vector<std::string> md5s;
  uint32_t bytes_per_crc = 0;
  uint64_t crc_per_block = 0;
  std::string crc_type;
  for (size_t i = 0; i < blocks.size(); ++i) {
    absl::StatusOr<GetBlockChecksumResponse> r = BlockChecksum(*blocks[i], channels, timeout);
    if (!r.ok()) return r.status();
    if (i == 0) {
      bytes_per_crc = r->bytes_per_crc();
      crc_type = r->crc_type();
      if (blocks.size() > 1) crc_per_block = r->crc_per_block();
    } else if (r->bytes_per_crc() != bytes_per_crc) {
      return absl::DataLossError(absl::StrCat("Byte-per-checksum not matched: bpc=",
                                              r->bytes_per_crc(),
                                              " but bytesPerCRC=", bytes_per_crc));
    }
    md5s.push_back(r->md5());
  }
  return MakeMd5Md5CrcChecksum(bytes_per_crc, crc_per_block, crc_type, md5s);
}

}  // namespace hayloft
