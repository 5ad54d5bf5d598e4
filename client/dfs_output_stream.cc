#include "client/dfs_output_stream.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/crc32c.h"
#include "common/base/grpc_status.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/rpc/rpc_util.h"

namespace hayloft {
namespace {

constexpr uint32_t kBytesPerChecksum = 512;
constexpr int kMaxUnackedPackets = 8;
constexpr int kBlockAllocationAttempts = 4;
constexpr absl::Duration kCompleteTimeout = absl::Seconds(60);

}  // namespace

std::string AddressOf(const DatanodeId& id) { return absl::StrCat(id.host(), ":", id.rpc_port()); }

std::unique_ptr<DatanodeService::Stub> DatanodeChannels::StubFor(const DatanodeId& id) {
  std::string address = AddressOf(id);
  absl::MutexLock lock(&mu_);
  std::shared_ptr<grpc::Channel>& ch = channels_[address];
  if (ch == nullptr) ch = rpc::MakeChannel(address);
  return DatanodeService::NewStub(ch);
}

DfsOutputStreamImpl::DfsOutputStreamImpl(OutputStreamContext ctx) : ctx_(std::move(ctx)) {}

DfsOutputStreamImpl::~DfsOutputStreamImpl() {
  if (!closed_) {
    absl::Status s = Close();
    if (!s.ok()) LOG(WARNING) << "closing " << ctx_.path << " failed: " << s.message();
  }
}

absl::Status DfsOutputStreamImpl::Fail(absl::Status s) {
  if (failure_.ok()) failure_ = s;
  if (pipeline_ != nullptr) {
    pipeline_->ctx->TryCancel();
    pipeline_.reset();
  }
  return s;
}

absl::Status DfsOutputStreamImpl::Write(absl::string_view data) {
  if (closed_) return absl::FailedPreconditionError(absl::StrCat(ctx_.path, " is closed"));
  HL_RETURN_IF_ERROR(failure_);
  while (!data.empty()) {
    uint64_t in_block = pipeline_ == nullptr ? 0 : pipeline_->bytes_sent;
    uint64_t block_room = ctx_.block_size - in_block - buffer_.size();
    uint64_t packet_room = ctx_.options->packet_bytes - buffer_.size();
    size_t n = static_cast<size_t>(std::min<uint64_t>({data.size(), block_room, packet_room}));
    buffer_.append(data.data(), n);
    data.remove_prefix(n);
    bytes_written_ += n;
    if (buffer_.size() == ctx_.options->packet_bytes || n == block_room) {
      HL_RETURN_IF_ERROR(SendPacket(n == block_room));
    }
  }
  return absl::OkStatus();
}

absl::Status DfsOutputStreamImpl::SendPacket(bool last_in_block) {
  if (pipeline_ == nullptr) {
    if (absl::Status s = OpenBlock(); !s.ok()) return Fail(s);
  }
  Pipeline& p = *pipeline_;
  WritePacket pkt;
  pkt.set_seqno(p.next_seqno++);
  pkt.set_offset_in_block(p.bytes_sent);
  std::vector<uint32_t> sums;
  crc32c::ChunkSums(buffer_, kBytesPerChecksum, &sums);
  pkt.mutable_checksums()->Add(sums.begin(), sums.end());
  pkt.set_data(std::move(buffer_));
  buffer_.clear();
  p.bytes_sent += pkt.data().size();
  if (!p.stream->Write(pkt)) {
    std::string failed;
    absl::Status s = ReadAck(&failed);
    return Fail(s.ok() ? absl::UnavailableError("the write pipeline closed") : s);
  }
  p.unacked.push_back(pkt.seqno());
  while (p.unacked.size() > kMaxUnackedPackets) {
    std::string failed;
    if (absl::Status s = ReadAck(&failed); !s.ok()) return Fail(s);
  }
  if (last_in_block) return FinishBlock();
  return absl::OkStatus();
}

absl::Status DfsOutputStreamImpl::OpenBlock() {
  std::vector<std::string> excluded;
  absl::Status last_error;
  for (int attempt = 0; attempt < kBlockAllocationAttempts; ++attempt) {
    AddBlockRequest req;
    req.mutable_header()->set_user(ctx_.options->user);
    req.set_path(ctx_.path);
    req.set_client_name(ctx_.client_name);
    req.set_client_host(ctx_.options->client_host);
    if (has_previous_) *req.mutable_previous() = previous_;
    for (const std::string& uuid : excluded) req.add_excluded_datanodes(uuid);
    HL_ASSIGN_OR_RETURN(AddBlockResponse resp,
                        ctx_.namenode->Call(&NamenodeService::Stub::AddBlock, req, false));
    std::string failed_uuid;
    last_error = ConnectPipeline(resp.block(), &failed_uuid);
    if (last_error.ok()) return absl::OkStatus();
    LOG(WARNING) << "could not set up the pipeline for blk_" << resp.block().block().block_id()
                 << " of " << ctx_.path << ": " << last_error.message()
                 << "; abandoning the block and excluding " << failed_uuid;
    AbandonBlockRequest abandon;
    abandon.mutable_header()->set_user(ctx_.options->user);
    abandon.set_path(ctx_.path);
    abandon.set_client_name(ctx_.client_name);
    *abandon.mutable_block() = resp.block().block();
    HL_RETURN_IF_ERROR(
        ctx_.namenode->Call(&NamenodeService::Stub::AbandonBlock, abandon, true).status());
    if (!failed_uuid.empty()) excluded.push_back(failed_uuid);
  }
  return Annotate(last_error, absl::StrCat("Unable to create a write pipeline for ", ctx_.path));
}

absl::Status DfsOutputStreamImpl::ConnectPipeline(const LocatedBlock& block,
                                                  std::string* failed_uuid) {
  if (block.locations_size() == 0) return absl::UnavailableError("no datanodes for the block");
  auto p = std::make_unique<Pipeline>();
  p->block = block;
  p->stub = ctx_.channels->StubFor(block.locations(0).id());
  p->ctx = std::make_unique<grpc::ClientContext>();
  p->stream = p->stub->WriteBlock(p->ctx.get());
  // The first packet carries the header and no data; its ack proves the whole
  // pipeline is connected before any data is committed to it.
  WritePacket first;
  WriteBlockHeader* h = first.mutable_header();
  *h->mutable_block() = block.block();
  for (int i = 1; i < block.locations_size(); ++i) *h->add_downstream() = block.locations(i).id();
  h->set_client_name(ctx_.client_name);
  h->set_bytes_per_checksum(kBytesPerChecksum);
  first.set_seqno(p->next_seqno++);
  pipeline_ = std::move(p);
  if (!pipeline_->stream->Write(first)) {
    *failed_uuid = block.locations(0).id().uuid();
  }
  pipeline_->unacked.push_back(first.seqno());
  absl::Status s = ReadAck(failed_uuid);
  if (!s.ok()) {
    pipeline_->ctx->TryCancel();
    pipeline_.reset();
  }
  return s;
}

absl::Status DfsOutputStreamImpl::ReadAck(std::string* failed_uuid) {
  Pipeline& p = *pipeline_;
  const auto& locs = p.block.locations();
  WriteAck ack;
  if (!p.stream->Read(&ack)) {
    grpc::Status gs = p.stream->Finish();
    if (failed_uuid->empty() && !locs.empty()) *failed_uuid = locs[0].id().uuid();
    return Annotate(FromGrpcStatus(gs.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                                          "stream ended early")
                                           : gs),
                    absl::StrCat("writing blk_", p.block.block().block_id(), " to datanode ",
                                 AddressOf(locs[0].id())));
  }
  for (int i = 0; i < ack.node_status_size(); ++i) {
    if (ack.node_status(i) != 0) {
      if (i < locs.size()) *failed_uuid = locs[i].id().uuid();
      return absl::UnavailableError(absl::StrCat(
          "datanode ", i < locs.size() ? AddressOf(locs[i].id()) : "?",
          " failed while writing blk_", p.block.block().block_id(), ": ", ack.error()));
    }
  }
  if (p.unacked.empty() || ack.seqno() != p.unacked.front()) {
    return absl::InternalError(absl::StrCat("out-of-order ack ", ack.seqno(), " for blk_",
                                            p.block.block().block_id()));
  }
  p.unacked.pop_front();
  return absl::OkStatus();
}

absl::Status DfsOutputStreamImpl::FinishBlock() {
  Pipeline& p = *pipeline_;
  WritePacket last;
  last.set_seqno(p.next_seqno++);
  last.set_offset_in_block(p.bytes_sent);
  last.set_last(true);
  if (!p.stream->Write(last)) {
    std::string failed;
    absl::Status s = ReadAck(&failed);
    return Fail(s.ok() ? absl::UnavailableError("the write pipeline closed") : s);
  }
  p.unacked.push_back(last.seqno());
  while (!p.unacked.empty()) {
    std::string failed;
    if (absl::Status s = ReadAck(&failed); !s.ok()) return Fail(s);
  }
  p.stream->WritesDone();
  grpc::Status gs = p.stream->Finish();
  if (!gs.ok()) return Fail(FromGrpcStatus(gs));
  previous_ = p.block.block();
  previous_.set_num_bytes(p.bytes_sent);
  has_previous_ = true;
  pipeline_.reset();
  return absl::OkStatus();
}

absl::Status DfsOutputStreamImpl::Close() {
  if (closed_) return failure_;
  closed_ = true;
  HL_RETURN_IF_ERROR(failure_);
  if (!buffer_.empty()) HL_RETURN_IF_ERROR(SendPacket(false));
  if (pipeline_ != nullptr) HL_RETURN_IF_ERROR(FinishBlock());
  CompleteRequest req;
  req.mutable_header()->set_user(ctx_.options->user);
  req.set_path(ctx_.path);
  req.set_client_name(ctx_.client_name);
  if (has_previous_) *req.mutable_last() = previous_;
  absl::Time give_up = absl::Now() + kCompleteTimeout;
  absl::Duration backoff = absl::Milliseconds(5);
  while (true) {
    HL_ASSIGN_OR_RETURN(CompleteResponse resp,
                        ctx_.namenode->Call(&NamenodeService::Stub::Complete, req, true));
    if (resp.complete()) return absl::OkStatus();
    if (absl::Now() > give_up) {
      return failure_ = absl::UnavailableError(absl::StrCat(
                 "Unable to close file ", ctx_.path,
                 " because the last block does not have enough number of replicas"));
    }
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Milliseconds(400));
  }
}

}  // namespace hayloft
