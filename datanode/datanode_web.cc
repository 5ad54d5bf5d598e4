#include "datanode/datanode_web.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/metrics/metrics.h"
#include "common/web/page.h"
#include "datanode/datanode.h"

namespace hayloft::datanode {
namespace {

// 0 for "never" (InfinitePast), which the page shows as such.
int64_t UnixMillis(absl::Time t) {
  return t == absl::InfinitePast() ? 0 : absl::ToUnixMillis(t);
}

nlohmann::json VolumesJson(const DatanodeStatus& s) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < s.volumes.size(); ++i) {
    const VolumeReport& v = s.volumes[i];
    nlohmann::json j = {{"dir", v.dir},
                        {"failed", v.failed},
                        {"failure", v.failure},
                        {"capacity", v.capacity_bytes},
                        {"available", v.available_bytes},
                        {"dfs_used", v.dfs_used_bytes},
                        {"replicas", v.num_replicas}};
    if (i < s.scanner.size()) {
      const ScanProgress& p = s.scanner[i];
      j["scan"] = {{"passes", p.passes_completed},
                   {"scanning", p.scanning},
                   {"pass_replicas", p.pass_replicas},
                   {"pass_replicas_done", p.pass_replicas_done},
                   {"pass_bytes_verified", p.pass_bytes_verified},
                   {"pass_started_ms", UnixMillis(p.pass_started)},
                   {"last_pass_finished_ms", UnixMillis(p.last_pass_finished)},
                   {"corrupt_found", p.corrupt_found}};
    }
    out.push_back(std::move(j));
  }
  return out;
}

// Process totals, as /metrics exports them.
nlohmann::json TotalsJson() {
  const metrics::Registry& r = metrics::DefaultRegistry();
  nlohmann::json out = nlohmann::json::object();
  for (const char* name :
       {"bytes_read", "bytes_written", "blocks_read", "blocks_written", "blocks_replicated",
        "checksum_failures", "pipeline_errors", "heartbeats", "heartbeat_failures",
        "volume_failures"}) {
    out[name] = r.Value(absl::StrCat("dfs_datanode_", name, "_total"));
  }
  return out;
}

constexpr char kBody[] = R"html(
<div class="cards" id="identity"></div>
<div id="fatal"></div>
<h2>Data transfer</h2>
<div class="cards" id="totals"></div>
<h2>Volumes</h2>
<div id="volumes"></div>
<h2>Block scanner</h2>
<div id="scanner"></div>
<h2>Recent warnings and errors</h2>
<div id="problems"></div>
)html";

constexpr char kScript[] = R"js(
const num = n => Number(n).toLocaleString('en-US');
const ago = (now, t) => t > 0 ? hl.dur(Math.max(0, now - t)) + ' ago' : 'never';
hl.poll(async () => {
  const s = await hl.get('/api/status');
  const state = s.fatal_error ? ['Failed', 'state-bad']
              : s.registered ? ['Registered', 'state-ok'] : ['Not registered', 'state-warn'];
  hl.fill('identity',
    hl.card('Datanode', hl.el('span', {class: 'mono'}, s.address), 'address'),
    hl.card('State', hl.el('span', {class: state[1]}, state[0]), 'state'),
    hl.card('Namenode', hl.el('span', {class: 'mono'}, s.namenode), 'namenode'),
    hl.card('Last heartbeat', ago(s.now_ms, s.last_heartbeat_ms)),
    hl.card('Uptime', hl.dur(s.uptime_ms)),
    hl.card('Version', 'hayloft ' + s.version),
    hl.card('Storage id', hl.el('span', {class: 'mono', style: 'font-size: 13px'}, s.uuid),
            'uuid'));
  hl.fill('fatal', s.fatal_error
      ? hl.el('div', {class: 'panel state-bad'}, s.fatal_error) : null);
  const t = s.totals;
  hl.fill('totals',
    hl.card('Replicas', num(s.replicas), 'replicas'),
    hl.card('Transfers now', num(s.active_transfers)),
    hl.card('Bytes written', hl.bytes(t.bytes_written), 'bytes-written'),
    hl.card('Bytes read', hl.bytes(t.bytes_read), 'bytes-read'),
    hl.card('Blocks written', num(t.blocks_written), 'blocks-written'),
    hl.card('Blocks read', num(t.blocks_read), 'blocks-read'),
    hl.card('Blocks copied out', num(t.blocks_replicated)),
    hl.card('Checksum failures', num(t.checksum_failures), 'checksum-failures'),
    hl.card('Pipeline errors', num(t.pipeline_errors)),
    hl.card('Heartbeats', num(t.heartbeats) + (t.heartbeat_failures > 0
        ? ' (' + num(t.heartbeat_failures) + ' failed)' : '')));
  hl.fill('volumes', hl.table(
    ['Data dir', 'State', 'Disk used', {label: 'DFS used'}, {label: 'Free'},
     {label: 'Replicas', num: true}],
    s.volumes.map(v => [
      hl.el('span', {class: 'mono'}, v.dir),
      v.failed ? hl.el('span', {class: 'state-bad', title: v.failure}, 'Failed: ' + v.failure)
               : hl.el('span', {class: 'state-ok'}, 'In service'),
      v.failed ? '-' : hl.bar(v.capacity > 0 ? (v.capacity - v.available) / v.capacity : 0,
                              hl.bytes(v.capacity - v.available) + ' of ' +
                              hl.bytes(v.capacity)),
      hl.bytes(v.dfs_used), v.failed ? '-' : hl.bytes(v.available), v.replicas]),
    {id: 'volumes-table'}));
  hl.fill('scanner', !s.scanner_enabled
      ? hl.el('p', {class: 'muted'},
              'Disabled (dfs.block.scanner.volume.bytes.per.second is 0).')
      : hl.table(['Data dir', {label: 'Passes', num: true}, 'This pass',
                  {label: 'Verified this pass'}, 'Last pass finished',
                  {label: 'Corrupt found', num: true}],
          s.volumes.filter(v => v.scan).map(v => [
            hl.el('span', {class: 'mono'}, v.dir), v.scan.passes,
            v.scan.scanning
                ? hl.bar(v.scan.pass_replicas > 0
                             ? v.scan.pass_replicas_done / v.scan.pass_replicas : 1,
                         num(v.scan.pass_replicas_done) + ' of ' +
                         num(v.scan.pass_replicas) + ' replicas')
                : hl.el('span', {class: 'muted'}, 'waiting for the next pass'),
            hl.bytes(v.scan.pass_bytes_verified), ago(s.now_ms, v.scan.last_pass_finished_ms),
            v.scan.corrupt_found])));
  hl.fill('problems', s.recent_problems.length === 0
      ? hl.el('p', {class: 'muted'}, 'None since the datanode started.')
      : hl.el('pre', {class: 'log', id: 'problem-lines'}, s.recent_problems.join('\n')));
}, 3000);
)js";

}  // namespace

DatanodeWeb::DatanodeWeb(DatanodeWebOptions options, const Datanode* datanode)
    : options_(std::move(options)), datanode_(datanode) {}

void DatanodeWeb::Register(httplib::Server& server) {
  server.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    absl::StatusOr<DatanodeStatus> s = datanode_->GetStatus();
    std::string who = s.ok() ? absl::StrCat("Datanode ", s->id.host(), ":", s->id.rpc_port())
                             : "Datanode (starting)";
    web::SendPage(res, {.title = "Datanode",
                        .daemon = who,
                        .nav = {{"/", "Overview"}, {"/metrics", "Metrics"}},
                        .body_html = kBody,
                        .script = kScript});
  });
  server.Get("/api/status", [this](const httplib::Request&, httplib::Response& res) {
    absl::StatusOr<nlohmann::json> j = StatusJson();
    if (!j.ok()) return web::SendJson(res, {{"error", std::string(j.status().message())}}, 503);
    web::SendJson(res, *j);
  });
}

absl::StatusOr<nlohmann::json> DatanodeWeb::StatusJson() const {
  absl::StatusOr<DatanodeStatus> status = datanode_->GetStatus();
  if (!status.ok()) return status.status();
  const DatanodeStatus& s = *status;
  const absl::Time now = absl::Now();
  return nlohmann::json{
      {"version", options_.version},
      {"uuid", s.id.uuid()},
      {"address", absl::StrCat(s.id.host(), ":", s.id.rpc_port())},
      {"http_port", s.id.http_port()},
      {"namenode", s.namenode_address},
      {"registered", s.registered},
      {"fatal_error", std::string(s.fatal_error.message())},
      {"started_ms", UnixMillis(s.started_at)},
      {"now_ms", UnixMillis(now)},
      {"uptime_ms", absl::ToInt64Milliseconds(now - s.started_at)},
      {"last_heartbeat_ms", UnixMillis(s.last_heartbeat)},
      {"replicas", s.num_replicas},
      {"active_transfers", s.active_transfers},
      {"scanner_enabled", s.scanner_enabled},
      {"volumes", VolumesJson(s)},
      {"totals", TotalsJson()},
      {"recent_problems", logging::RecentProblems()}};
}

}  // namespace hayloft::datanode
