#include "client/dfs_client.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/datanode_channels.h"
#include "client/dfs_input_stream.h"
#include "client/dfs_output_stream.h"
#include "client/file_checksum.h"
#include "client/namenode_client.h"
#include "common/base/host_port.h"
#include "common/base/logging.h"
#include "common/base/path.h"
#include "common/base/status_macros.h"
#include "common/fs/trash_policy.h"

namespace hayloft {
namespace {

using Stub = NamenodeService::Stub;

std::string CurrentUser() {
  if (const char* u = std::getenv("HAYLOFT_USER"); u != nullptr && *u != '\0') return u;
  if (struct passwd* pw = getpwuid(geteuid()); pw != nullptr) return pw->pw_name;
  return "hayloft";
}

class DfsClientImpl final : public DfsClient {
 public:
  explicit DfsClientImpl(DfsClientOptions options)
      : options_(std::move(options)),
        namenode_(options_.namenode_address, options_.rpc_timeout, options_.connect_timeout),
        client_name_(absl::StrCat("DFSClient_", getpid(), "_",
                                  absl::Uniform<uint64_t>(absl::BitGen()))) {}

  ~DfsClientImpl() override {
    stop_.Notify();
    absl::MutexLock lock(&renewer_mu_);
    if (lease_renewer_.joinable()) lease_renewer_.join();
  }

  const DfsClientOptions& options() const override { return options_; }
  std::string working_dir() const override { return absl::StrCat("/user/", options_.user); }

  absl::StatusOr<FileStatus> GetFileInfo(const std::string& p) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    GetFileInfoRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    HL_ASSIGN_OR_RETURN(GetFileInfoResponse resp, namenode_.Call(&Stub::GetFileInfo, req, true));
    if (!resp.exists()) return absl::NotFoundError(absl::StrCat("File does not exist: ", path));
    return resp.status();
  }

  absl::StatusOr<std::vector<FileStatus>> ListStatus(const std::string& p) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    std::vector<FileStatus> out;
    ListStatusRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    while (true) {
      HL_ASSIGN_OR_RETURN(ListStatusResponse resp, namenode_.Call(&Stub::ListStatus, req, true));
      for (FileStatus& s : *resp.mutable_entries()) out.push_back(std::move(s));
      if (resp.remaining() <= 0 || resp.entries_size() == 0) break;
      req.set_start_after(out.back().path());
    }
    return out;
  }

  absl::Status Mkdirs(const std::string& p, bool create_parent, uint32_t permission) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    MkdirsRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    req.set_create_parent(create_parent);
    req.set_permission(permission);
    return namenode_.Call(&Stub::Mkdirs, req, true).status();
  }

  absl::StatusOr<std::unique_ptr<DfsOutputStream>> Create(const std::string& p,
                                                          const CreateOptions& o) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    CreateRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    req.set_client_name(client_name_);
    req.set_client_host(options_.client_host);
    req.set_overwrite(o.overwrite);
    req.set_create_parent(o.create_parent);
    req.set_replication(o.replication != 0 ? o.replication : options_.replication);
    req.set_block_size(o.block_size != 0 ? o.block_size : options_.block_size);
    req.set_permission(o.permission);
    req.set_exact_permission(o.exact_permission);
    HL_ASSIGN_OR_RETURN(CreateResponse resp, namenode_.Call(&Stub::Create, req, false));
    StartLeaseRenewer();
    OutputStreamContext ctx{&namenode_, &channels_, &options_, client_name_, path,
                            resp.status().block_size()};
    return std::unique_ptr<DfsOutputStream>(new DfsOutputStreamImpl(std::move(ctx)));
  }

  absl::StatusOr<std::unique_ptr<DfsOutputStream>> Append(const std::string& p) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    AppendRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    req.set_client_name(client_name_);
    req.set_client_host(options_.client_host);
    HL_ASSIGN_OR_RETURN(AppendResponse resp, namenode_.Call(&Stub::Append, req, false));
    StartLeaseRenewer();
    OutputStreamContext ctx{&namenode_, &channels_, &options_, client_name_, path,
                            resp.status().block_size()};
    auto out = std::make_unique<DfsOutputStreamImpl>(std::move(ctx));
    if (resp.has_last()) HL_RETURN_IF_ERROR(out->ContinueBlock(resp.last()));
    return std::unique_ptr<DfsOutputStream>(std::move(out));
  }

  absl::StatusOr<std::unique_ptr<DfsInputStream>> Open(const std::string& p) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    HL_ASSIGN_OR_RETURN(GetBlockLocationsResponse locs, Locations(path));
    HL_RETURN_IF_ERROR(ResolveUnderConstructionLength(&locs, &channels_, options_.rpc_timeout));
    return std::unique_ptr<DfsInputStream>(
        new DfsInputStreamImpl(&namenode_, &channels_, &options_, path, std::move(locs)));
  }

  absl::Status Rename(const std::string& s, const std::string& d) override {
    HL_ASSIGN_OR_RETURN(std::string src, Resolve(s));
    HL_ASSIGN_OR_RETURN(std::string dst, Resolve(d));
    RenameRequest req;
    SetHeader(req.mutable_header());
    req.set_src(src);
    req.set_dst(dst);
    return namenode_.Call(&Stub::Rename, req, false).status();
  }

  absl::StatusOr<bool> Delete(const std::string& p, bool recursive) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    DeleteRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    req.set_recursive(recursive);
    HL_ASSIGN_OR_RETURN(DeleteResponse resp, namenode_.Call(&Stub::Delete, req, false));
    return resp.deleted();
  }

  absl::Status SetReplication(const std::string& p, uint32_t replication) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    SetReplicationRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    req.set_replication(replication);
    return namenode_.Call(&Stub::SetReplication, req, true).status();
  }

  absl::Status SetPermission(const std::string& p, uint32_t permission) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    SetPermissionRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    req.set_permission(permission);
    return namenode_.Call(&Stub::SetPermission, req, true).status();
  }

  absl::Status SetOwner(const std::string& p, const std::string& owner,
                        const std::string& group) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    SetOwnerRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    req.set_owner(owner);
    req.set_group(group);
    return namenode_.Call(&Stub::SetOwner, req, true).status();
  }

  absl::StatusOr<GetContentSummaryResponse> GetContentSummary(const std::string& p) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    GetContentSummaryRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    return namenode_.Call(&Stub::GetContentSummary, req, true);
  }

  absl::StatusOr<GetBlockLocationsResponse> GetBlockLocations(const std::string& p) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    return Locations(path);
  }

  absl::StatusOr<std::vector<DatanodeInfo>> GetDatanodeReport() override {
    GetDatanodeReportRequest req;
    SetHeader(req.mutable_header());
    HL_ASSIGN_OR_RETURN(GetDatanodeReportResponse resp,
                        namenode_.Call(&Stub::GetDatanodeReport, req, true));
    return std::vector<DatanodeInfo>(resp.datanodes().begin(), resp.datanodes().end());
  }

  absl::StatusOr<GetFsStatsResponse> GetFsStats() override {
    GetFsStatsRequest req;
    SetHeader(req.mutable_header());
    return namenode_.Call(&Stub::GetFsStats, req, true);
  }

  absl::StatusOr<FsckResponse> Fsck(const std::string& p) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    FsckRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    return namenode_.Call(&Stub::Fsck, req, true);
  }

  absl::StatusOr<SetSafeModeResponse> SetSafeMode(SetSafeModeRequest::Action action) override {
    SetSafeModeRequest req;
    SetHeader(req.mutable_header());
    req.set_action(action);
    return namenode_.Call(&Stub::SetSafeMode, req, action == SetSafeModeRequest::GET);
  }

  absl::Status RefreshNodes() override {
    RefreshNodesRequest req;
    SetHeader(req.mutable_header());
    return namenode_.Call(&Stub::RefreshNodes, req, true).status();
  }

  absl::StatusOr<FileChecksum> GetFileChecksum(const std::string& p) override {
    HL_ASSIGN_OR_RETURN(std::string path, Resolve(p));
    HL_ASSIGN_OR_RETURN(GetBlockLocationsResponse locs, Locations(path));
    return ComputeFileChecksum(path, locs, &channels_, options_.rpc_timeout);
  }

  absl::StatusOr<GetServerDefaultsResponse> GetServerDefaults() override {
    GetServerDefaultsRequest req;
    SetHeader(req.mutable_header());
    return namenode_.Call(&Stub::GetServerDefaults, req, true);
  }

 private:
  // Keeps this client's leases alive while it lives, renewing every half soft
  // limit as HDFS's LeaseRenewer does; a writer that dies stops renewing and the
  // namenode recovers its files after the hard limit.
  void StartLeaseRenewer() {
    absl::MutexLock lock(&renewer_mu_);
    if (lease_renewer_.joinable()) return;
    lease_renewer_ = std::thread([this] {
      while (!stop_.WaitForNotificationWithTimeout(options_.lease_renew_interval)) {
        RenewLeaseRequest req;
        SetHeader(req.mutable_header());
        req.set_client_name(client_name_);
        absl::Status s = namenode_.Call(&Stub::RenewLease, req, true).status();
        if (!s.ok()) LOG(WARNING) << "renewing the lease of " << client_name_ << ": " << s.message();
      }
    });
  }

  absl::StatusOr<std::string> Resolve(const std::string& p) const {
    return path::Normalize(p, working_dir());
  }
  void SetHeader(RequestHeader* h) const { h->set_user(options_.user); }

  absl::StatusOr<GetBlockLocationsResponse> Locations(const std::string& path) {
    GetBlockLocationsRequest req;
    SetHeader(req.mutable_header());
    req.set_path(path);
    req.set_client_host(options_.client_host);
    return namenode_.Call(&Stub::GetBlockLocations, req, true);
  }

  const DfsClientOptions options_;
  NamenodeClient namenode_;
  DatanodeChannels channels_;
  const std::string client_name_;
  absl::Notification stop_;
  absl::Mutex renewer_mu_;
  std::thread lease_renewer_ ABSL_GUARDED_BY(renewer_mu_);
};

}  // namespace

absl::StatusOr<DfsClientOptions> DfsClientOptions::FromConfig(const Configuration& conf) {
  DfsClientOptions o;
  HL_ASSIGN_OR_RETURN(
      HostPort nn, HostPort::Parse(conf.GetString("fs.defaultFS", "hdfs://127.0.0.1:8020"),
                                   kDefaultNamenodePort));
  o.namenode_address = nn.ToString();
  o.user = CurrentUser();
  o.client_host = conf.GetString("hayloft.client.host", "");
  HL_ASSIGN_OR_RETURN(int64_t bs, conf.GetInt64("dfs.blocksize", 0));
  HL_ASSIGN_OR_RETURN(int64_t repl, conf.GetInt64("dfs.replication", 0));
  HL_ASSIGN_OR_RETURN(int64_t packet, conf.GetInt64("dfs.client-write-packet-size", 1 << 20));
  if (bs < 0 || (conf.Get("dfs.blocksize") && bs == 0)) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid dfs.blocksize: ", bs));
  }
  if (bs % 512 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "io.bytes.per.checksum(512) and blockSize(", bs,
        ") do not match. blockSize should be a multiple of io.bytes.per.checksum"));
  }
  if (repl < 0 || repl > 32767 || (conf.Get("dfs.replication") && repl == 0)) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid dfs.replication: ", repl));
  }
  HL_ASSIGN_OR_RETURN(o.lease_renew_interval,
                      conf.GetDuration("hayloft.client.lease.renew.interval", absl::Seconds(30),
                                       absl::Seconds(1)));
  if (o.lease_renew_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("hayloft.client.lease.renew.interval must be positive");
  }
  if (packet < 512 || packet > (16 << 20)) {
    return absl::InvalidArgumentError("dfs.client-write-packet-size must be in [512, 16m]");
  }
  HL_ASSIGN_OR_RETURN(o.trash_interval, TrashIntervalFromConfig(conf, "fs.trash.interval", 1440));
  HL_ASSIGN_OR_RETURN(o.trash_checkpoint_interval,
                      TrashIntervalFromConfig(conf, "fs.trash.checkpoint.interval", 0));
  o.block_size = static_cast<uint64_t>(bs);
  o.replication = static_cast<uint32_t>(repl);
  o.packet_bytes = static_cast<uint64_t>(packet) / 512 * 512;
  return o;
}

absl::StatusOr<std::unique_ptr<DfsClient>> DfsClient::Create(DfsClientOptions options) {
  if (options.user.empty()) options.user = CurrentUser();
  if (options.namenode_address.empty()) return absl::InvalidArgumentError("no namenode address");
  return std::unique_ptr<DfsClient>(new DfsClientImpl(std::move(options)));
}

absl::Status DfsClient::WriteFile(const std::string& path, absl::string_view data,
                                  const CreateOptions& options) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsOutputStream> out, Create(path, options));
  HL_RETURN_IF_ERROR(out->Write(data));
  return out->Close();
}

absl::StatusOr<std::string> DfsClient::ReadFile(const std::string& path) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<DfsInputStream> in, Open(path));
  std::string out;
  out.resize(in->length());
  size_t done = 0;
  while (done < out.size()) {
    HL_ASSIGN_OR_RETURN(size_t n, in->Read(out.data() + done, out.size() - done));
    if (n == 0) break;
    done += n;
  }
  if (done != out.size()) {
    return absl::DataLossError(absl::StrCat("short read of ", path, ": ", done, " of ",
                                            out.size(), " bytes"));
  }
  return out;
}

}  // namespace hayloft
