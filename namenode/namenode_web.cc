#include "namenode/namenode_web.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "namenode/namenode_web_scripts.h"

namespace hayloft {
namespace {

// Entries per explorer page; the page links to the next.
constexpr int kExplorerPageSize = 500;

int64_t UnixMillis(absl::Time t) { return absl::ToUnixMillis(t); }

std::string Address(const DatanodeId& id) { return absl::StrCat(id.host(), ":", id.rpc_port()); }

const char* StateName(const DatanodeInfo& d) {
  if (d.dead()) return "dead";
  switch (d.admin_state()) {
    case DatanodeInfo::DECOMMISSION_IN_PROGRESS: return "decommissioning";
    case DatanodeInfo::DECOMMISSIONED: return "decommissioned";
    default: return "live";
  }
}

nlohmann::json DatanodeJson(const DatanodeInfo& d) {
  return {{"uuid", d.id().uuid()},
          {"host", d.id().host()},
          {"address", Address(d.id())},
          {"http_port", d.id().http_port()},
          {"rack", d.rack()},
          {"state", StateName(d)},
          {"dead", d.dead()},
          {"last_contact_ms", d.last_contact_unix_ms()},
          {"last_block_report_ms", d.last_block_report_unix_ms()},
          {"capacity", d.capacity_bytes()},
          {"dfs_used", d.dfs_used_bytes()},
          {"non_dfs_used", d.non_dfs_used_bytes()},
          {"remaining", d.remaining_bytes()},
          {"blocks", d.num_blocks()},
          {"failed_volumes", d.failed_volumes()},
          {"active_transfers", d.active_transfers()}};
}

nlohmann::json FileStatusJson(const FileStatus& s) {
  return {{"name", s.path()},
          {"is_dir", s.is_dir()},
          {"length", s.length()},
          {"replication", s.replication()},
          {"block_size", s.block_size()},
          {"mtime_ms", s.mtime_ms()},
          {"permission", s.permission()},
          {"owner", s.owner()},
          {"group", s.group()},
          {"children", s.children_num()},
          {"under_construction", s.under_construction()}};
}

nlohmann::json LocatedBlockJson(const LocatedBlock& b) {
  nlohmann::json locations = nlohmann::json::array();
  for (const DatanodeInfo& d : b.locations()) {
    locations.push_back({{"address", Address(d.id())},
                         {"host", d.id().host()},
                         {"http_port", d.id().http_port()},
                         {"rack", d.rack()},
                         {"state", StateName(d)}});
  }
  // Ids as strings: a JavaScript number holds only 53 bits.
  return {{"name", absl::StrCat("blk_", b.block().block_id(), "_",
                                b.block().generation_stamp())},
          {"block_id", absl::StrCat(b.block().block_id())},
          {"generation_stamp", absl::StrCat(b.block().generation_stamp())},
          {"num_bytes", b.block().num_bytes()},
          {"offset", b.offset()},
          {"corrupt", b.corrupt()},
          {"locations", std::move(locations)}};
}

int HttpStatusOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kFailedPrecondition: return 409;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

void SendError(httplib::Response& res, const absl::Status& s) {
  web::SendJson(res, {{"error", std::string(s.message())}}, HttpStatusOf(s));
}

}  // namespace

NamenodeWeb::NamenodeWeb(NamenodeWebOptions options, Namesystem* namesystem)
    : options_(std::move(options)), namesystem_(namesystem) {}

void NamenodeWeb::Register(httplib::Server& server) {
  auto page = [this](const std::string& title, const char* body, const char* script) {
    return [this, title, body, script](const httplib::Request&, httplib::Response& res) {
      web::SendPage(res, Page(title, body, script));
    };
  };
  server.Get("/", page("Overview", kOverviewBody, kOverviewScript));
  server.Get("/datanodes", page("Datanodes", kDatanodesBody, kDatanodesScript));
  server.Get("/racks", page("Racks", kRacksBody, kRacksScript));
  server.Get("/explorer", page("Browse the file system", kExplorerBody, kExplorerScript));
  server.Get("/api/overview", [this](const httplib::Request&, httplib::Response& res) {
    web::SendJson(res, OverviewJson());
  });
  server.Get("/api/datanodes", [this](const httplib::Request&, httplib::Response& res) {
    web::SendJson(res, DatanodesJson());
  });
  server.Get("/api/racks", [this](const httplib::Request&, httplib::Response& res) {
    web::SendJson(res, RacksJson());
  });
  server.Get("/api/explorer", [this](const httplib::Request& req, httplib::Response& res) {
    absl::StatusOr<nlohmann::json> j = ExplorerJson(
        req.has_param("path") ? req.get_param_value("path") : "/", req.get_param_value("after"));
    if (!j.ok()) return SendError(res, j.status());
    web::SendJson(res, *j);
  });
}

web::PageOptions NamenodeWeb::Page(const std::string& title, const char* body,
                                   const char* script) const {
  return {.title = title,
          .daemon = absl::StrCat("Namenode ", options_.rpc_address),
          .nav = {{"/", "Overview"},
                  {"/datanodes", "Datanodes"},
                  {"/racks", "Racks"},
                  {"/explorer", "Browse"},
                  {"/metrics", "Metrics"}},
          .body_html = body,
          .script = absl::StrCat(kCommonScript, script)};
}

nlohmann::json NamenodeWeb::OverviewJson() {
  const NamesystemSummary s = namesystem_->GetSummary();
  const GetFsStatsResponse& st = s.stats;
  const absl::Time now = absl::Now();
  return {{"version", options_.version},
          {"rpc_address", options_.rpc_address},
          {"started_ms", UnixMillis(s.started_at)},
          {"now_ms", UnixMillis(now)},
          {"uptime_ms", absl::ToInt64Milliseconds(now - s.started_at)},
          {"safe_mode", st.safe_mode()},
          {"safe_mode_status", s.safe_mode_status},
          {"capacity",
           {{"total", st.capacity_bytes()},
            {"dfs_used", st.dfs_used_bytes()},
            {"non_dfs_used", st.non_dfs_used_bytes()},
            {"remaining", st.remaining_bytes()}}},
          {"files", st.total_files()},
          {"directories", st.total_dirs()},
          {"blocks", st.total_blocks()},
          {"under_replicated", st.under_replicated_blocks()},
          {"corrupt", st.corrupt_blocks()},
          {"missing", st.missing_blocks()},
          {"pending_replications", s.pending_replications},
          {"datanodes",
           {{"live", s.live_datanodes},
            {"dead", s.dead_datanodes},
            {"decommissioning", s.decommissioning_datanodes},
            {"decommissioned", s.decommissioned_datanodes}}},
          {"racks", s.num_racks}};
}

// The operator's view: a request with no user is the superuser's.
GetDatanodeReportResponse NamenodeWeb::DatanodeReport() {
  absl::StatusOr<GetDatanodeReportResponse> report =
      namesystem_->GetDatanodeReport(GetDatanodeReportRequest());
  if (!report.ok()) {
    LOG(WARNING) << "datanode report for the status page failed: " << report.status();
    return {};
  }
  return *std::move(report);
}

nlohmann::json NamenodeWeb::DatanodesJson() {
  const GetDatanodeReportResponse report = DatanodeReport();
  nlohmann::json nodes = nlohmann::json::array();
  for (const DatanodeInfo& d : report.datanodes()) {
    nodes.push_back(DatanodeJson(d));
  }
  return {{"now_ms", UnixMillis(absl::Now())}, {"datanodes", std::move(nodes)}};
}

nlohmann::json NamenodeWeb::RacksJson() {
  const GetDatanodeReportResponse report = DatanodeReport();
  std::map<std::string, nlohmann::json> racks;  // sorted by rack name
  for (const DatanodeInfo& d : report.datanodes()) {
    nlohmann::json& nodes = racks[d.rack()];
    if (nodes.is_null()) nodes = nlohmann::json::array();
    nodes.push_back(DatanodeJson(d));
  }
  nlohmann::json out = nlohmann::json::array();
  for (auto& [rack, nodes] : racks) {
    out.push_back({{"rack", rack}, {"datanodes", std::move(nodes)}});
  }
  return {{"now_ms", UnixMillis(absl::Now())}, {"racks", std::move(out)}};
}

absl::StatusOr<nlohmann::json> NamenodeWeb::ExplorerJson(const std::string& path,
                                                        const std::string& after) {
  ListStatusRequest list_req;
  list_req.set_path(path);
  list_req.set_start_after(after);
  list_req.set_limit(kExplorerPageSize);
  HL_ASSIGN_OR_RETURN(ListStatusResponse list, namesystem_->ListStatus(list_req));
  if (list.is_dir()) {
    nlohmann::json entries = nlohmann::json::array();
    for (const FileStatus& e : list.entries()) entries.push_back(FileStatusJson(e));
    return nlohmann::json{{"path", path},
                          {"is_dir", true},
                          {"entries", std::move(entries)},
                          {"remaining", list.remaining()}};
  }
  HL_ASSIGN_OR_RETURN(FsckFile file, namesystem_->GetFileBlocks(path));
  nlohmann::json blocks = nlohmann::json::array();
  for (const LocatedBlock& b : file.blocks()) blocks.push_back(LocatedBlockJson(b));
  nlohmann::json status = FileStatusJson(file.status());
  status["name"] = path;
  return nlohmann::json{{"path", path},
                        {"is_dir", false},
                        {"status", std::move(status)},
                        {"blocks", std::move(blocks)}};
}

}  // namespace hayloft
