#include "client/dfs_input_stream.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/base/crc32c.h"
#include "common/base/grpc_status.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"

namespace hayloft {
namespace {

// Block locations are fetched again this many times when no replica works (a
// restarted namenode learns them from block reports within a heartbeat or two).
constexpr int kLocationRetries = 4;

}  // namespace

absl::Status ResolveUnderConstructionLength(GetBlockLocationsResponse* locations,
                                            DatanodeChannels* channels, absl::Duration timeout) {
  if (!locations->under_construction() || locations->blocks_size() == 0) return absl::OkStatus();
  LocatedBlock* last = locations->mutable_blocks(locations->blocks_size() - 1);
  // Just allocated, no datanode yet: nothing written to it.
  if (last->locations_size() == 0) return absl::OkStatus();
  std::string errors;
  for (const DatanodeInfo& dn : last->locations()) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    GetReplicaInfoRequest req;
    req.set_block_id(last->block().block_id());
    GetReplicaInfoResponse resp;
    grpc::Status s = channels->StubFor(dn.id())->GetReplicaInfo(&ctx, req, &resp);
    if (s.ok() && resp.exists() && resp.generation_stamp() >= last->block().generation_stamp()) {
      last->mutable_block()->set_num_bytes(resp.num_bytes());
      last->mutable_block()->set_generation_stamp(resp.generation_stamp());
      locations->set_file_length(last->offset() + resp.num_bytes());
      return absl::OkStatus();
    }
    absl::StrAppend(&errors, "; ", AddressOf(dn.id()), ": ",
                    s.ok() ? "no current replica" : s.error_message());
  }
  // Unlike HDFS, do not fail the open: the bytes the namenode knows stay readable
  // (a writer whose pipeline died is recovered by the namenode later).
  LOG(WARNING) << "Cannot obtain block length for blk_" << last->block().block_id()
               << " of a file being written" << errors << "; reading its committed bytes only";
  return absl::OkStatus();
}

DfsInputStreamImpl::DfsInputStreamImpl(NamenodeClient* namenode, DatanodeChannels* channels,
                                       const DfsClientOptions* options, std::string path,
                                       GetBlockLocationsResponse locations)
    : namenode_(namenode),
      channels_(channels),
      options_(options),
      path_(std::move(path)),
      locations_(std::move(locations)) {}

DfsInputStreamImpl::~DfsInputStreamImpl() { CloseReader(); }

void DfsInputStreamImpl::CloseReader() {
  if (reader_ == nullptr) return;
  if (!reader_->finished) {
    reader_->ctx->TryCancel();
    reader_->stream->Finish();
  }
  reader_.reset();
}

absl::Status DfsInputStreamImpl::Seek(uint64_t offset) {
  if (offset > length()) {
    return absl::OutOfRangeError(absl::StrCat("Cannot seek after EOF: ", offset, " > ", length()));
  }
  if (reader_ != nullptr && offset != pos_) CloseReader();
  pos_ = offset;
  return absl::OkStatus();
}

int DfsInputStreamImpl::BlockIndexFor(uint64_t offset) const {
  for (int i = 0; i < locations_.blocks_size(); ++i) {
    const LocatedBlock& b = locations_.blocks(i);
    if (offset >= b.offset() && offset < b.offset() + b.block().num_bytes()) return i;
  }
  return -1;
}

absl::Status DfsInputStreamImpl::RefetchLocations() {
  GetBlockLocationsRequest req;
  req.mutable_header()->set_user(options_->user);
  req.set_path(path_);
  req.set_client_host(options_->client_host);
  HL_ASSIGN_OR_RETURN(GetBlockLocationsResponse locations,
                      namenode_->Call(&NamenodeService::Stub::GetBlockLocations, req, true));
  HL_RETURN_IF_ERROR(
      ResolveUnderConstructionLength(&locations, channels_, options_->rpc_timeout));
  locations_ = std::move(locations);
  return absl::OkStatus();
}

absl::Status DfsInputStreamImpl::OpenReader() {
  std::vector<std::string> errors;
  absl::Duration backoff = absl::Seconds(1);
  for (int round = 0; round <= kLocationRetries; ++round) {
    int index = BlockIndexFor(pos_);
    if (index < 0) return absl::OutOfRangeError(absl::StrCat("no block at offset ", pos_));
    const LocatedBlock& lb = locations_.blocks(index);
    for (const DatanodeInfo& dn : lb.locations()) {
      std::string address = AddressOf(dn.id());
      if (dead_nodes_.count(address)) continue;
      auto r = std::make_unique<BlockReader>();
      r->block_index = index;
      r->address = address;
      r->stub = channels_->StubFor(dn.id());
      r->ctx = std::make_unique<grpc::ClientContext>();
      ReadBlockRequest req;
      *req.mutable_block() = lb.block();
      req.set_offset(pos_ - lb.offset());
      req.set_verify_checksum(true);
      r->stream = r->stub->ReadBlock(r->ctx.get(), req);
      r->next_offset_in_file = pos_;
      reader_ = std::move(r);
      absl::StatusOr<bool> got = Refill();
      if (got.ok() && *got) return absl::OkStatus();
      std::string why = got.ok() ? "no data" : std::string(got.status().message());
      LOG(WARNING) << "reading blk_" << lb.block().block_id() << " of " << path_ << " from "
                   << address << " failed (" << why << "); trying another replica";
      errors.push_back(absl::StrCat(address, ": ", why));
      dead_nodes_.insert(address);
      CloseReader();
    }
    // Every replica is known corrupt: waiting will not bring a good one back.
    if (round == kLocationRetries || lb.corrupt()) break;
    // Every known replica failed or none is known yet: ask the namenode again.
    absl::SleepFor(backoff);
    backoff *= 2;
    dead_nodes_.clear();
    HL_RETURN_IF_ERROR(RefetchLocations());
  }
  int index = BlockIndexFor(pos_);
  return absl::UnavailableError(absl::StrCat(
      "Could not obtain block blk_",
      index >= 0 ? locations_.blocks(index).block().block_id() : 0, " at offset ", pos_,
      " of ", path_, ": ",
      errors.empty() ? "no live datanode holds it" : absl::StrJoin(errors, "; ")));
}

absl::StatusOr<bool> DfsInputStreamImpl::Refill() {
  BlockReader& r = *reader_;
  ReadBlockResponse& resp = packet_;
  while (true) {
    if (!r.stream->Read(&resp)) {
      r.data_pos = resp.data().size();
      r.finished = true;
      grpc::Status s = r.stream->Finish();
      if (!s.ok()) return FromGrpcStatus(s);
      return false;
    }
    const std::string& data = resp.data();
    r.data_pos = data.size();  // none of it is returned until it is verified
    // Verify end to end: the datanode checked its disk, we check the wire.
    uint32_t bpc = resp.bytes_per_checksum() == 0 ? 512 : resp.bytes_per_checksum();
    size_t chunks = (data.size() + bpc - 1) / bpc;
    if (static_cast<size_t>(resp.checksums_size()) != chunks) {
      return absl::DataLossError("checksum count does not match the data");
    }
    size_t bad = crc32c::FirstMismatch(
        data, bpc, absl::MakeConstSpan(resp.checksums().data(), resp.checksums_size()));
    if (bad != chunks) {
      return absl::DataLossError(
          absl::StrCat("checksum error at block offset ", resp.offset() + bad * bpc));
    }
    const LocatedBlock& lb = locations_.blocks(r.block_index);
    uint64_t data_start_in_file = lb.offset() + resp.offset();
    // The datanode starts at a chunk boundary; skip to where we are.
    size_t skip = r.next_offset_in_file > data_start_in_file
                      ? static_cast<size_t>(r.next_offset_in_file - data_start_in_file)
                      : 0;
    if (skip > data.size()) return absl::DataLossError("datanode sent the wrong range");
    r.data_pos = skip;
    r.next_offset_in_file = data_start_in_file + data.size();
    if (r.data_pos < data.size()) return true;
  }
}

absl::StatusOr<size_t> DfsInputStreamImpl::Read(char* buf, size_t n) {
  HL_ASSIGN_OR_RETURN(absl::string_view view, ReadView(n));
  std::memcpy(buf, view.data(), view.size());
  return view.size();
}

absl::StatusOr<absl::string_view> DfsInputStreamImpl::ReadView(size_t n) {
  if (pos_ >= length() || n == 0) return absl::string_view();
  if (reader_ == nullptr) HL_RETURN_IF_ERROR(OpenReader());
  if (reader_->data_pos == packet_.data().size()) {
    absl::StatusOr<bool> more = Refill();
    if (!more.ok() || !*more) {
      // Mid-block failure or an early end: resume at pos_ on another replica.
      const LocatedBlock& lb = locations_.blocks(reader_->block_index);
      bool block_done = pos_ >= lb.offset() + lb.block().num_bytes();
      if (!block_done) dead_nodes_.insert(reader_->address);
      CloseReader();
      HL_RETURN_IF_ERROR(OpenReader());
    }
  }
  BlockReader& r = *reader_;
  size_t take = std::min(n, packet_.data().size() - r.data_pos);
  absl::string_view view(packet_.data().data() + r.data_pos, take);
  r.data_pos += take;
  pos_ += take;
  const LocatedBlock& lb = locations_.blocks(r.block_index);
  // packet_ outlives the reader, so the view stays valid.
  if (pos_ >= lb.offset() + lb.block().num_bytes()) CloseReader();
  return view;
}

}  // namespace hayloft
