#include "worker/worker_web.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/web/page.h"
#include "worker/worker.h"

namespace hayloft::worker {
namespace {

using nlohmann::json;

int64_t Ms(absl::Time t) {
  return t == absl::InfinitePast() || t == absl::Time() ? 0 : absl::ToUnixMillis(t);
}

const char* StateName(AttemptState s) {
  switch (s) {
    case ATTEMPT_RUNNING: return "RUNNING";
    case ATTEMPT_SUCCEEDED: return "SUCCEEDED";
    case ATTEMPT_FAILED: return "FAILED";
    case ATTEMPT_KILLED: return "KILLED";
    default: return "UNKNOWN";
  }
}

json ViewToJson(const AttemptView& a) {
  return {{"id", a.attempt_id},
          {"job_id", a.job_id},
          {"type", a.type == MAP ? "MAP" : "REDUCE"},
          {"task", a.task_index},
          {"state", StateName(a.state)},
          {"progress", a.progress},
          {"start_ms", Ms(a.start_time)},
          {"finish_ms", Ms(a.finish_time)},
          {"diagnostics", a.diagnostics}};
}

constexpr char kBody[] = R"html(<style>
.pill { display:inline-block; padding:1px 9px; border-radius:10px; font-size:12px;
        font-weight:600; color:#fff; background:#718096; }
.pill-SUCCEEDED { background:#38a169; } .pill-FAILED { background:#e53e3e; }
.pill-KILLED { background:#a0aec0; } .pill-RUNNING { background:#3182ce; }
</style>
<div id="uptime" class="muted" style="margin:-8px 0 14px"></div>
<div id="heartbeat"></div>
<div id="cards" class="cards"></div>
<h2>Running attempts</h2><div id="running"></div>
<h2>Recent attempts</h2><div id="recent"></div>
)html";

constexpr char kScript[] = R"js(
function secs(ms) {
  ms = Math.max(0, Number(ms) || 0);
  return ms < 60000 ? (ms / 1000).toFixed(1) + 's' : hl.dur(ms);
}
function stateEl(s) { return hl.el('span', {class: 'pill pill-' + s}, s); }
function taskName(a) { return (a.type === 'MAP' ? 'map ' : 'reduce ') + a.task; }
// Attempts and jobs have their pages on the jobtracker.
function jtLink(d, path, id, text) {
  return d.jobtracker_http_address
      ? hl.el('a', {href: 'http://' + d.jobtracker_http_address + path +
                          (id ? encodeURIComponent(id) : '')}, text)
      : text;
}
hl.poll(async () => {
  const d = await hl.get('/api/status');
  document.querySelector('h1').textContent = 'Worker ' + d.id;
  const used = t => d.running.filter(a => a.type === t).length;
  hl.fill('heartbeat', d.heartbeat_error
      ? hl.el('pre', {class: 'log'}, 'Heartbeats to the jobtracker fail: ' + d.heartbeat_error)
      : null);
  hl.fill('cards',
          hl.card('Host', d.host, 'card-host'),
          hl.card('Jobtracker', jtLink(d, '/', '', d.jobtracker_address)),
          hl.card('Map slots in use', used('MAP') + ' / ' + d.map_slots, 'card-map-slots'),
          hl.card('Reduce slots in use', used('REDUCE') + ' / ' + d.reduce_slots,
                  'card-reduce-slots'),
          hl.card('Shuffle bytes served', hl.bytes(d.shuffle_bytes_served), 'card-served'),
          hl.card('Shuffle bytes fetched', hl.bytes(d.shuffle_bytes_fetched), 'card-fetched'),
          hl.card('Last heartbeat', d.last_heartbeat_ms
                  ? secs(d.now_ms - d.last_heartbeat_ms) + ' ago' : 'never'));
  hl.fill('uptime', 'up ' + secs(d.now_ms - d.start_ms) + ', started ' + hl.time(d.start_ms));
  hl.fill('running', d.running.length
      ? hl.table(['Attempt', 'Job', 'Task', 'Progress', 'Started', 'Running for'],
                 d.running.map(a => [jtLink(d, '/attempt?id=', a.id, a.id),
                                     jtLink(d, '/job?id=', a.job_id, a.job_id), taskName(a),
                                     hl.bar(a.progress, null, '#90cdf4'), hl.time(a.start_ms),
                                     secs(d.now_ms - a.start_ms)]),
                 {id: 'running-table'})
      : hl.el('p', {class: 'muted'}, 'No attempt is running.'));
  hl.fill('recent', d.recent.length
      ? hl.table(['Attempt', 'Job', 'Task', 'State', 'Started', 'Duration', 'Diagnostics'],
                 d.recent.map(a => [jtLink(d, '/attempt?id=', a.id, a.id),
                                    jtLink(d, '/job?id=', a.job_id, a.job_id), taskName(a),
                                    stateEl(a.state), hl.time(a.start_ms),
                                    secs(a.finish_ms - a.start_ms),
                                    (a.diagnostics || '').split('\n')[0]]),
                 {id: 'recent-table'})
      : hl.el('p', {class: 'muted'}, 'No attempt has finished here since the worker started.'));
}, 3000);
)js";

}  // namespace

void WorkerWeb::Register(httplib::Server& server) const {
  server.Get("/", [this](const httplib::Request&, httplib::Response& res) { StatusPage(res); });
  server.Get("/api/status",
             [this](const httplib::Request&, httplib::Response& res) { StatusJson(res); });
}

void WorkerWeb::StatusPage(httplib::Response& res) const {
  web::SendPage(res, {"Worker", absl::StrCat("Worker ", worker_->address()),
                      {{"/", "Status"}, {"/metrics", "Metrics"}}, kBody, kScript});
}

void WorkerWeb::StatusJson(httplib::Response& res) const {
  WorkerStatus s = worker_->Status();
  json out = {{"now_ms", Ms(absl::Now())},
              {"id", s.id},
              {"host", s.host},
              {"jobtracker_address", s.jobtracker_address},
              {"jobtracker_http_address", s.jobtracker_http_address},
              {"map_slots", s.map_slots},
              {"reduce_slots", s.reduce_slots},
              {"start_ms", Ms(s.start_time)},
              {"last_heartbeat_ms", Ms(s.last_heartbeat)},
              {"heartbeat_error", s.heartbeat_error},
              {"shuffle_bytes_served", s.shuffle_bytes_served},
              {"shuffle_bytes_fetched", s.shuffle_bytes_fetched},
              {"running", json::array()},
              {"recent", json::array()}};
  for (const AttemptView& a : s.running) out["running"].push_back(ViewToJson(a));
  for (const AttemptView& a : s.recent) out["recent"].push_back(ViewToJson(a));
  web::SendJson(res, out);
}

}  // namespace hayloft::worker
