// The jobtracker pages' markup and scripts (see jobtracker_web.h), embedded in the
// binary. Scripts run after the `hl` library of common/web/page.cc and build every
// node with hl.el / hl.svg, so job names, paths, counter names and log lines stay text.
#ifndef HAYLOFT_JOBTRACKER_JOBTRACKER_WEB_SCRIPTS_H_
#define HAYLOFT_JOBTRACKER_JOBTRACKER_WEB_SCRIPTS_H_

namespace hayloft::jobtracker {

// Styles the shared stylesheet lacks: state pills, panels, the timeline.
inline constexpr char kStyle[] = R"css(<style>
.pill { display:inline-block; padding:1px 9px; border-radius:10px; font-size:12px;
        font-weight:600; color:#fff; background:#718096; letter-spacing:.2px; }
.pill-SUCCEEDED, .pill-live { background:#38a169; }
.pill-FAILED, .pill-lost { background:#e53e3e; }
.pill-KILLED { background:#a0aec0; }
.pill-RUNNING, .pill-PREP { background:#3182ce; }
.legend { display:flex; flex-wrap:wrap; gap:16px; margin:6px 0; font-size:13px; color:#5b6b7c; }
.legend i { display:inline-block; width:12px; height:12px; border-radius:3px; margin-right:6px;
            vertical-align:-1px; }
.panel { background:#fff; border:1px solid #d9e0e7; border-radius:6px; padding:12px 14px;
         margin:12px 0; }
.panel h3 { margin:0 0 10px; font-size:12px; color:#5b6b7c; text-transform:uppercase;
            letter-spacing:.4px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:12px; }
.grid2 .panel { margin:12px 0 0; }
.prow { display:grid; grid-template-columns:60px 1fr; gap:10px; align-items:center;
        margin:8px 0; }
.prow .bar { height:18px; }
.prow .bar > em { line-height:18px; }
.stack { display:flex; height:18px; border-radius:4px; overflow:hidden; background:#e2e8f0;
         margin-top:4px; }
.subtitle { font-size:15px; margin:-6px 0 14px; color:#3c4a5a; word-break:break-all; }
.subtitle:empty { display:none; }
dl.kv { display:grid; grid-template-columns:max-content 1fr; gap:4px 18px; margin:0; }
dl.kv dt { color:#5b6b7c; }
dl.kv dd { margin:0; word-break:break-all; font-family:ui-monospace, monospace; font-size:13px; }
tr.group th { background:#f7fafc; color:#5b6b7c; font-weight:600; }
svg.timeline { display:block; }
svg.timeline text { font:11px system-ui, sans-serif; fill:#4a5568; }
svg.timeline text.host { fill:#8a99a8; }
svg.timeline rect.bar:hover { opacity:.8; }
pre.diag { white-space:pre-wrap; background:#fff5f5; color:#9b2c2c; border:1px solid #feb2b2;
           padding:10px 12px; border-radius:6px; font-size:12px; }
.logname { font-weight:600; margin:12px 0 4px; }
.logname .muted { font-weight:400; margin-left:6px; }
</style>)css";

inline constexpr char kJobsBody[] = R"html(
<div id="cards" class="cards"></div>
<h2>Running</h2><div id="running"></div>
<h2>Succeeded</h2><div id="succeeded"></div>
<h2>Failed and killed</h2><div id="failed"></div>
)html";

inline constexpr char kJobBody[] = R"html(
<div id="jobname" class="subtitle"></div>
<div id="cards" class="cards"></div>
<div id="diagnostics"></div>
<div class="grid2">
  <div class="panel"><h3>Progress</h3><div id="progress"></div></div>
  <div class="panel"><h3>Map locality</h3><div id="locality"></div></div>
</div>
<div class="panel"><dl class="kv" id="paths"></dl></div>
<h2>Task timeline</h2>
<div id="legend" class="legend"></div>
<div id="timeline" class="panel"></div>
<h2>Counters</h2><div id="counters"></div>
<h2>Attempts</h2><div id="attempts"></div>
)html";

inline constexpr char kAttemptBody[] = R"html(
<div class="subtitle">of job <a id="crumb-job" href="/"></a></div>
<div id="cards" class="cards"></div>
<div id="diagnostics"></div>
<h2>Log</h2><div id="log"></div>
<h2>Counters</h2><div id="counters"></div>
)html";

inline constexpr char kWorkersBody[] = R"html(
<div id="cards" class="cards"></div>
<h2>Workers</h2><div id="workers"></div>
)html";

// Helpers every jobtracker page uses.
inline constexpr char kCommonScript[] = R"js(
const STATE_COLOR = {SUCCEEDED: '#38a169', FAILED: '#e53e3e', KILLED: '#a0aec0',
                     RUNNING: '#3182ce'};
// Light fills keep the label inside a bar readable.
const FILL = {RUNNING: '#90cdf4', PREP: '#90cdf4', SUCCEEDED: '#9ae6b4', FAILED: '#feb2b2',
              KILLED: '#cbd5e0'};
// Like hl.get, but a failed request reports the server's own error message.
async function getJson(url) {
  const r = await fetch(url, {cache: 'no-store'});
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || url + ': HTTP ' + r.status);
  return body;
}
function stateEl(s) { return hl.el('span', {class: 'pill pill-' + s}, s); }
function jobLink(id) { return hl.el('a', {href: '/job?id=' + encodeURIComponent(id)}, id); }
function attemptLink(id, text) {
  return hl.el('a', {href: '/attempt?id=' + encodeURIComponent(id)}, text || id);
}
function workerLink(id, http) {
  return http ? hl.el('a', {href: 'http://' + http + '/'}, id) : id;
}
function num(v) { return Number(v).toLocaleString('en-US'); }
function secs(ms) {
  ms = Math.max(0, Number(ms) || 0);
  return ms < 60000 ? (ms / 1000).toFixed(1) + 's' : hl.dur(ms);
}
function ago(ms, now) { return ms ? secs(now - ms) + ' ago' : 'never'; }
function empty(text) { return hl.el('p', {class: 'muted'}, text); }
function firstLine(s) { return (s || '').split('\n')[0]; }
function taskName(a) { return (a.type === 'MAP' ? 'map ' : 'reduce ') + a.task; }
// "m_000003 #1" from attempt_<start>_<seq>_m_000003_1.
function shortAttempt(id) {
  const p = id.split('_');
  return p.length === 6 ? p[3] + '_' + p[4] + ' #' + p[5] : id;
}
function countersTable(counters) {
  if (!counters.length) return empty('No counters yet.');
  const rows = [];
  let group = null;
  for (const c of counters) {
    if (c.group !== group) {
      group = c.group;
      rows.push(hl.el('tr', {class: 'group'}, hl.el('th', {colspan: '2'}, group)));
    }
    rows.push(hl.el('tr', {'data-group': c.group, 'data-name': c.name},
                    hl.el('td', {}, c.name), hl.el('td', {class: 'num'}, num(c.value))));
  }
  return hl.el('table', {id: 'counters-table'},
               hl.el('thead', {}, hl.el('tr', {}, hl.el('th', {}, 'Counter'),
                                        hl.el('th', {class: 'num'}, 'Value'))),
               hl.el('tbody', {}, rows));
}
)js";

inline constexpr char kJobsScript[] = R"js(
const JOB_HEADERS = ['Job', 'Name', 'User', 'State', 'Submitted', 'Duration', 'Maps',
                     'Reduces'];
function progress(frac, done, total, state) {
  return hl.bar(frac, done + ' / ' + total + '  ·  ' + hl.pct(frac), FILL[state]);
}
function jobRows(jobs, now) {
  return jobs.map(j => [jobLink(j.id), j.name || hl.el('span', {class: 'muted'}, '(unnamed)'),
                        j.user, stateEl(j.state), hl.time(j.submit_ms),
                        secs((j.finish_ms || now) - j.submit_ms),
                        progress(j.map_progress, j.completed_maps, j.num_maps, j.state),
                        progress(j.reduce_progress, j.completed_reduces, j.num_reduces,
                                 j.state)]);
}
function section(id, jobs, now, none) {
  hl.fill(id, jobs.length ? hl.table(JOB_HEADERS, jobRows(jobs, now), {id: id + '-jobs'})
                          : empty(none));
}
hl.poll(async () => {
  const d = await hl.get('/api/jobs');
  const jobs = d.jobs.slice().reverse();  // ids sort by age: newest first
  const running = jobs.filter(j => j.state === 'RUNNING' || j.state === 'PREP');
  const ok = jobs.filter(j => j.state === 'SUCCEEDED');
  const bad = jobs.filter(j => j.state === 'FAILED' || j.state === 'KILLED');
  const live = d.workers.filter(w => !w.lost);
  const sum = f => live.reduce((n, w) => n + f(w), 0);
  hl.fill('cards',
          hl.card('Running jobs', running.length, 'card-running'),
          hl.card('Succeeded', ok.length, 'card-succeeded'),
          hl.card('Failed / killed', bad.length, 'card-failed'),
          hl.card('Live workers', live.length + ' / ' + d.workers.length, 'card-workers'),
          hl.card('Map slots in use',
                  sum(w => w.map_slots - w.free_map_slots) + ' / ' + sum(w => w.map_slots)),
          hl.card('Reduce slots in use',
                  sum(w => w.reduce_slots - w.free_reduce_slots) + ' / ' +
                  sum(w => w.reduce_slots)));
  section('running', running, d.now_ms, 'No job is running.');
  section('succeeded', ok, d.now_ms, 'No job has succeeded yet.');
  section('failed', bad, d.now_ms, 'No job has failed.');
}, 3000);
)js";

// drawTimeline(id, attempts, job, now): one SVG row per attempt (maps, then
// reduces; retries of a task on adjacent rows), x = time since submission.
inline constexpr char kTimelineScript[] = R"js(
function niceStep(span, ticks) {
  const steps = [100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5,
                 18e5, 36e5, 72e5];
  for (const s of steps) if (span / s <= ticks) return s;
  return 36e5 * Math.ceil(span / ticks / 36e5);
}
function tickLabel(ms) {
  return ms < 6e4 ? (ms / 1000) + 's' : hl.dur(ms);
}
function drawTimeline(id, attempts, job, now) {
  const box = document.getElementById(id);
  if (!attempts.length) {
    hl.fill(id, empty(job.from_history
        ? 'This job ended before the jobtracker started: its attempts are not kept.'
        : 'No attempt has started yet.'));
    return;
  }
  const order = t => (t === 'MAP' ? 0 : 1);
  const rows = attempts.slice().sort((a, b) =>
      order(a.type) - order(b.type) || a.task - b.task || a.start_ms - b.start_ms);
  const t0 = Math.min(job.submit_ms || Infinity, ...rows.map(a => a.start_ms));
  let t1 = job.finish_ms || now;
  for (const a of rows) t1 = Math.max(t1, a.finish_ms || now);
  const span = Math.max(1000, t1 - t0);
  const W = Math.max(640, box.clientWidth - 30);
  const labelW = 200, right = 14, rowH = 18, gap = 5, top = 6, axisH = 24;
  const plotW = W - labelW - right;
  const x = t => labelW + (t - t0) / span * plotW;
  const maps = rows.filter(a => a.type === 'MAP').length;
  const sep = maps > 0 && maps < rows.length ? 10 : 0;
  const yOf = i => top + i * (rowH + gap) + (i >= maps ? sep : 0);
  const plotH = yOf(rows.length - 1) + rowH + gap;
  const H = plotH + axisH;
  const svg = hl.svg('svg', {class: 'timeline', width: W, height: H, viewBox: `0 0 ${W} ${H}`,
                             role: 'img', 'aria-label': 'Timeline of the task attempts'});
  rows.forEach((a, i) => {
    if (i % 2 === 0) {
      svg.appendChild(hl.svg('rect', {x: 0, y: yOf(i) - gap / 2, width: W,
                                      height: rowH + gap, fill: '#f7fafc'}));
    }
  });
  const step = niceStep(span, Math.max(3, Math.floor(plotW / 90)));
  for (let t = 0; t <= span; t += step) {
    const gx = x(t0 + t);
    svg.appendChild(hl.svg('line', {x1: gx, x2: gx, y1: 0, y2: plotH, stroke: '#e2e8f0'}));
    svg.appendChild(hl.svg('text', {x: gx, y: plotH + 16, 'text-anchor': 'middle'},
                           tickLabel(t)));
  }
  svg.appendChild(hl.svg('line', {x1: labelW, x2: W - right, y1: plotH, y2: plotH,
                                  stroke: '#a0aec0'}));
  if (job.finish_ms) {
    const fx = x(job.finish_ms);
    svg.appendChild(hl.svg('line', {x1: fx, x2: fx, y1: 0, y2: plotH, stroke: '#4a5568',
                                    'stroke-dasharray': '4 3'},
                           hl.svg('title', {}, 'job ended ' + secs(job.finish_ms - t0) +
                                               ' after submission')));
  }
  rows.forEach((a, i) => {
    const y = yOf(i);
    const end = a.finish_ms || now;
    const bx = x(a.start_ms);
    const tip = a.id + '\n' + a.state + (a.speculative ? ' (speculative)' : '') + ' on worker ' +
                a.worker + '\n' + (a.finish_ms ? 'ran ' : 'running for ') +
                secs(end - a.start_ms) + (a.locality ? ', ' + a.locality : '') +
                (a.diagnostics ? '\n' + firstLine(a.diagnostics) : '');
    const g = hl.svg('g', {class: 'attempt-row', 'data-attempt': a.id, 'data-state': a.state});
    g.appendChild(hl.svg('text', {x: 8, y: y + rowH - 5}, shortAttempt(a.id)));
    g.appendChild(hl.svg('text', {x: labelW - 10, y: y + rowH - 5, 'text-anchor': 'end',
                                  class: 'host'}, a.worker.split(':')[0]));
    const bar = hl.svg('rect', {class: 'bar', x: bx, y: y + 2,
                                width: Math.max(3, x(end) - bx), height: rowH - 4, rx: 3,
                                fill: STATE_COLOR[a.state] || '#718096'},
                       hl.svg('title', {}, tip));
    g.appendChild(hl.svg('a', {href: '/attempt?id=' + encodeURIComponent(a.id)}, bar));
    svg.appendChild(g);
  });
  hl.fill(id, svg);
}
function drawLegend(id) {
  hl.fill(id, Object.entries(STATE_COLOR).map(([s, c]) =>
      hl.el('span', {}, hl.el('i', {style: 'background:' + c}), s)),
      hl.el('span', {}, 'Hover a bar for details; click it for the attempt and its log.'));
}
)js";

inline constexpr char kJobScript[] = R"js(
const jobId = hl.param('id') || '';
document.querySelector('h1').textContent = 'Job ' + jobId;
drawLegend('legend');
function progressRow(label, frac, done, total, state) {
  return hl.el('div', {class: 'prow'}, hl.el('span', {}, label),
               hl.bar(frac, done + ' / ' + total + ' tasks  ·  ' + hl.pct(frac), FILL[state]));
}
function localityView(l) {
  const total = l.data_local + l.rack_local + l.off_rack;
  const kinds = [['Data-local', l.data_local, '#38a169', 'loc-data'],
                 ['Rack-local', l.rack_local, '#d69e2e', 'loc-rack'],
                 ['Off-rack', l.off_rack, '#e53e3e', 'loc-off']];
  const segs = kinds.map(([name, n, color]) => {
    const s = hl.el('span', {title: name + ': ' + n});
    s.style.width = (total ? 100 * n / total : 0) + '%';
    s.style.background = color;
    return s;
  });
  return [hl.el('div', {class: 'stack'}, segs),
          hl.el('div', {class: 'legend'}, kinds.map(([name, n, color, id]) =>
              hl.el('span', {}, hl.el('i', {style: 'background:' + color}), name + ' ',
                    hl.el('b', {id: id}, String(n)))))];
}
function attemptRows(attempts, now) {
  return attempts.map(a => [attemptLink(a.id, shortAttempt(a.id)), taskName(a),
                            workerLink(a.worker, a.worker_http), stateEl(a.state),
                            hl.time(a.start_ms), secs((a.finish_ms || now) - a.start_ms),
                            a.locality || '', hl.bar(a.progress, null, FILL[a.state]),
                            firstLine(a.diagnostics)]);
}
let timer = null;
timer = hl.poll(async () => {
  const d = await getJson('/api/job?id=' + encodeURIComponent(jobId));
  const j = d.job;
  document.title = 'Job ' + j.id + (j.name ? ' (' + j.name + ')' : '') + ' - Hayloft';
  hl.fill('jobname', j.name || '');
  hl.fill('cards',
          hl.card('State', stateEl(j.state), 'job-state'),
          hl.card('User', j.user),
          hl.card('Submitted', hl.time(j.submit_ms)),
          hl.card('Finished', hl.time(j.finish_ms)),
          hl.card('Duration', secs((j.finish_ms || d.now_ms) - j.submit_ms)),
          hl.card('Attempts', d.attempts.length, 'job-attempts'));
  hl.fill('diagnostics', j.diagnostics ? hl.el('pre', {class: 'diag'}, j.diagnostics) : null);
  hl.fill('progress',
          progressRow('Map', j.map_progress, j.completed_maps, j.num_maps, j.state),
          progressRow('Reduce', j.reduce_progress, j.completed_reduces, j.num_reduces, j.state));
  hl.fill('locality', localityView(j.locality));
  hl.fill('paths', hl.el('dt', {}, 'Input'),
          hl.el('dd', {id: 'input-paths'}, j.input_paths.join(', ') || '-'),
          hl.el('dt', {}, 'Output'), hl.el('dd', {id: 'output-path'}, j.output_path || '-'));
  drawTimeline('timeline', d.attempts, j, d.now_ms);
  hl.fill('counters', countersTable(j.counters));
  hl.fill('attempts', d.attempts.length
      ? hl.table(['Attempt', 'Task', 'Worker', 'State', 'Started', 'Duration', 'Locality',
                  'Progress', 'Diagnostics'], attemptRows(d.attempts, d.now_ms),
                 {id: 'attempts-table'})
      : empty('No attempts.'));
  if (j.state !== 'RUNNING' && j.state !== 'PREP' && timer !== null) clearInterval(timer);
}, 3000);
)js";

inline constexpr char kAttemptScript[] = R"js(
const attemptId = hl.param('id') || '';
document.querySelector('h1').textContent = 'Attempt ' + attemptId;
function logBlock(name, text, size) {
  const note = size > text.length ? ' (last ' + hl.bytes(text.length) + ' of ' +
                                    hl.bytes(size) + ')' : ' (' + hl.bytes(size) + ')';
  const pre = hl.el('pre', {class: 'log', id: 'log-' + name}, text || '(empty)');
  return [hl.el('div', {class: 'logname'}, name, hl.el('span', {class: 'muted'}, note)), pre];
}
let timer = null;
timer = hl.poll(async () => {
  const d = await getJson('/api/attempt?id=' + encodeURIComponent(attemptId));
  const a = d.attempt;
  const crumb = document.getElementById('crumb-job');
  crumb.href = '/job?id=' + encodeURIComponent(d.job_id);
  crumb.textContent = d.job_name ? d.job_id + ' (' + d.job_name + ')' : d.job_id;
  const end = a.finish_ms || d.now_ms;
  hl.fill('cards',
          hl.card('State', stateEl(a.state), 'attempt-state'),
          hl.card('Task', taskName(a) + (a.speculative ? ' (speculative)' : '')),
          hl.card('Worker', workerLink(a.worker, a.worker_http)),
          hl.card('Started', hl.time(a.start_ms)),
          hl.card('Duration', secs(end - a.start_ms)),
          hl.card('Progress', hl.pct(a.progress)),
          a.locality ? hl.card('Locality', a.locality) : null);
  hl.fill('diagnostics', a.diagnostics ? hl.el('pre', {class: 'diag'}, a.diagnostics) : null);
  hl.fill('log', d.log_error ? empty(d.log_error)
                             : [...logBlock('stderr', d.log.stderr, d.log.stderr_size),
                                ...logBlock('stdout', d.log.stdout, d.log.stdout_size)]);
  for (const pre of document.querySelectorAll('pre.log')) pre.scrollTop = pre.scrollHeight;
  hl.fill('counters', countersTable(a.counters));
  if (a.state !== 'RUNNING' && timer !== null) clearInterval(timer);
}, 3000);
)js";

inline constexpr char kWorkersScript[] = R"js(
function slotBar(used, total) {
  return hl.bar(total ? used / total : 0, used + ' / ' + total, FILL.RUNNING);
}
hl.poll(async () => {
  const d = await hl.get('/api/workers');
  const live = d.workers.filter(w => !w.lost);
  const sum = f => live.reduce((n, w) => n + f(w), 0);
  hl.fill('cards',
          hl.card('Live workers', live.length, 'card-live'),
          hl.card('Lost workers', d.workers.length - live.length, 'card-lost'),
          hl.card('Map slots in use',
                  sum(w => w.map_slots - w.free_map_slots) + ' / ' + sum(w => w.map_slots)),
          hl.card('Reduce slots in use',
                  sum(w => w.reduce_slots - w.free_reduce_slots) + ' / ' +
                  sum(w => w.reduce_slots)),
          hl.card('Running attempts', sum(w => w.running_attempts)));
  hl.fill('workers', d.workers.length
      ? hl.table(['Worker', 'Host', 'Rack', 'Health', 'Map slots', 'Reduce slots',
                  {label: 'Running attempts', num: true}, 'Last heartbeat', 'Status page'],
                 d.workers.map(w => [w.id, w.host, w.rack, stateEl(w.lost ? 'lost' : 'live'),
                                     slotBar(w.map_slots - w.free_map_slots, w.map_slots),
                                     slotBar(w.reduce_slots - w.free_reduce_slots,
                                             w.reduce_slots),
                                     w.running_attempts, ago(w.last_heartbeat_ms, d.now_ms),
                                     w.http_address
                                         ? hl.el('a', {href: 'http://' + w.http_address + '/'},
                                                 w.http_address)
                                         : '-']),
                 {id: 'workers-table'})
      : empty('No worker has registered yet.'));
}, 3000);
)js";

}  // namespace hayloft::jobtracker

#endif  // HAYLOFT_JOBTRACKER_JOBTRACKER_WEB_SCRIPTS_H_
