// The markup and scripts of the namenode's pages (namenode_web.cc), embedded in the
// binary. Markup is static containers only; the scripts fill them from /api JSON
// with the `hl` library (common/web/page.cc), which writes every string as text, so
// a path or host name can never become markup.
#ifndef HAYLOFT_NAMENODE_NAMENODE_WEB_SCRIPTS_H_
#define HAYLOFT_NAMENODE_NAMENODE_WEB_SCRIPTS_H_

namespace hayloft {

// Helpers every namenode page script starts with (Page() prepends them).
inline constexpr char kCommonScript[] = R"js(
const num = n => Number(n).toLocaleString('en-US');
const STATE = {live: ['In service', 'state-ok'], dead: ['Dead', 'state-bad'],
               decommissioning: ['Decommissioning', 'state-warn'],
               decommissioned: ['Decommissioned', 'muted']};
const stateEl = s => hl.el('span', {class: (STATE[s] || ['', ''])[1]}, (STATE[s] || [s])[0]);
const ago = (now, t) => t > 0 ? hl.dur(Math.max(0, now - t)) + ' ago' : 'never';
const nodeLink = d => d.http_port > 0
    ? hl.el('a', {href: 'http://' + d.host + ':' + d.http_port + '/'}, d.address)
    : d.address;
const capBar = d => hl.bar(d.capacity > 0 ? (d.dfs_used + d.non_dfs_used) / d.capacity : 0,
    hl.bytes(d.dfs_used + d.non_dfs_used) + ' of ' + hl.bytes(d.capacity));
)js";

inline constexpr char kOverviewBody[] = R"html(
<div class="cards" id="summary"></div>
<div id="safemode"></div>
<h2>Capacity</h2>
<div class="panel" id="capacity"></div>
<h2>Datanodes</h2>
<div class="cards" id="nodes"></div>
<h2>Namespace and blocks</h2>
<div class="cards" id="blocks"></div>
)html";

inline constexpr char kOverviewScript[] = R"js(
const count = (label, n, id, bad, href) => {
  const v = hl.el(href ? 'a' : 'span', href ? {href} : {}, num(n));
  if (bad && n > 0) v.className = 'state-bad';
  return hl.card(label, v, id);
};
hl.poll(async () => {
  const o = await hl.get('/api/overview');
  hl.fill('summary',
    hl.card('Version', 'hayloft ' + o.version, 'version'),
    hl.card('Started', hl.time(o.started_ms), 'started'),
    hl.card('Uptime', hl.dur(o.uptime_ms), 'uptime'),
    hl.card('Safe mode', hl.el('span', {class: o.safe_mode ? 'state-warn' : 'state-ok'},
                               o.safe_mode ? 'ON' : 'OFF'), 'safe-mode'),
    hl.card('RPC address', hl.el('span', {class: 'mono'}, o.rpc_address)));
  hl.fill('safemode', o.safe_mode
      ? hl.el('div', {class: 'panel'}, hl.el('b', {}, 'Safe mode is ON. '),
              hl.el('span', {style: 'white-space: pre-wrap'}, o.safe_mode_status))
      : null);
  const c = o.capacity;
  const used = c.dfs_used + c.non_dfs_used;
  hl.fill('capacity',
    hl.el('div', {style: 'margin-bottom: 8px'},
          hl.el('b', {id: 'capacity-used'}, hl.bytes(used)), ' used of ',
          hl.el('b', {id: 'capacity-total'}, hl.bytes(c.total)), ' (',
          hl.pct(c.total > 0 ? used / c.total : 0), '), ',
          hl.el('b', {id: 'capacity-free'}, hl.bytes(c.remaining)), ' free'),
    hl.stack([{value: c.dfs_used, label: 'DFS used', color: '#3182ce'},
              {value: c.non_dfs_used, label: 'Non-DFS used', color: '#a0aec0'},
              {value: c.remaining, label: 'Free', color: '#c6f6d5'}], hl.bytes));
  const dn = o.datanodes;
  hl.fill('nodes',
    count('Live', dn.live, 'live-datanodes', false, '/datanodes'),
    count('Dead', dn.dead, 'dead-datanodes', true, '/datanodes'),
    count('Decommissioning', dn.decommissioning, 'decommissioning-datanodes'),
    count('Decommissioned', dn.decommissioned, 'decommissioned-datanodes'),
    count('Racks', o.racks, 'racks', false, '/racks'));
  hl.fill('blocks',
    count('Files', o.files, 'files', false, '/explorer'),
    count('Directories', o.directories, 'directories'),
    count('Blocks', o.blocks, 'blocks'),
    count('Under-replicated', o.under_replicated, 'under-replicated', true),
    count('Corrupt', o.corrupt, 'corrupt', true),
    count('Missing', o.missing, 'missing', true),
    count('Pending copies', o.pending_replications, 'pending-replications'));
}, 3000);
)js";

inline constexpr char kDatanodesBody[] = R"html(
<div class="cards" id="counts"></div>
<h2>All datanodes</h2>
<div id="table"></div>
)html";

inline constexpr char kDatanodesScript[] = R"js(
hl.poll(async () => {
  const r = await hl.get('/api/datanodes');
  const nodes = r.datanodes;
  const n = s => nodes.filter(d => d.state === s).length;
  hl.fill('counts',
    hl.card('Live', num(nodes.filter(d => !d.dead).length), 'live-datanodes'),
    hl.card('Dead', num(n('dead')), 'dead-datanodes'),
    hl.card('Decommissioning', num(n('decommissioning')), 'decommissioning-datanodes'),
    hl.card('Decommissioned', num(n('decommissioned')), 'decommissioned-datanodes'));
  const rows = nodes.map(d => [
    nodeLink(d), d.rack, stateEl(d.state), ago(r.now_ms, d.last_contact_ms), capBar(d),
    hl.bytes(d.dfs_used), hl.bytes(d.remaining), d.blocks, d.failed_volumes,
    d.active_transfers]);
  hl.fill('table', rows.length === 0
      ? hl.el('p', {class: 'muted'}, 'No datanode has registered yet.')
      : hl.table(['Datanode', 'Rack', 'State', 'Last contact', 'Capacity used',
                  {label: 'DFS used'}, {label: 'Free'}, {label: 'Blocks', num: true},
                  {label: 'Failed volumes', num: true}, {label: 'Transfers', num: true}],
                 rows, {id: 'datanodes'}));
}, 3000);
)js";

inline constexpr char kRacksBody[] = R"html(
<div id="racks"></div>
)html";

inline constexpr char kRacksScript[] = R"js(
hl.poll(async () => {
  const r = await hl.get('/api/racks');
  hl.fill('racks', r.racks.length === 0
      ? hl.el('p', {class: 'muted'}, 'No datanode has registered yet.')
      : r.racks.map(rack => {
    const live = rack.datanodes.filter(d => !d.dead);
    const cap = live.reduce((t, d) => t + d.capacity, 0);
    const used = live.reduce((t, d) => t + d.dfs_used + d.non_dfs_used, 0);
    return hl.el('div', {class: 'rack', 'data-rack': rack.rack},
      hl.el('h2', {style: 'margin-top: 0'}, rack.rack),
      hl.el('p', {class: 'muted'}, live.length + ' of ' + rack.datanodes.length +
            ' datanodes live, ' + hl.bytes(used) + ' used of ' + hl.bytes(cap)),
      hl.table(['Datanode', 'State', 'Last contact', 'Capacity used',
                {label: 'Blocks', num: true}],
               rack.datanodes.map(d => [nodeLink(d), stateEl(d.state),
                                        ago(r.now_ms, d.last_contact_ms), capBar(d),
                                        d.blocks])));
  }));
}, 3000);
)js";

inline constexpr char kExplorerBody[] = R"html(
<form class="panel" method="get" action="/explorer" style="display:flex; gap:8px">
  <input id="goto" name="path" style="flex:1; padding:5px 8px" class="mono"
         aria-label="Path">
  <button type="submit">Go</button>
</form>
<div class="crumbs" id="crumbs"></div>
<h2 id="path" class="mono"></h2>
<div id="content"></div>
)html";

inline constexpr char kExplorerScript[] = R"js(
// Tolerate what people type: trailing slashes, a missing leading one.
const here = ('/' + (hl.param('path') || '')).replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
const after = hl.param('after') || '';
const child = (dir, name) => (dir === '/' ? '' : dir) + '/' + name;
const explore = (p, a) => '/explorer?path=' + encodeURIComponent(p) +
    (a ? '&after=' + encodeURIComponent(a) : '');
const download = p => '/webhdfs/v1' + p.split('/').map(encodeURIComponent).join('/') +
    '?op=OPEN';
const RWX = ['---', '--x', '-w-', '-wx', 'r--', 'r-x', 'rw-', 'rwx'];
const perm = (dir, m) => {
  const s = (dir ? 'd' : '-') + RWX[(m >> 6) & 7] + RWX[(m >> 3) & 7] + RWX[m & 7];
  return (m & 0o1000) ? s.slice(0, 9) + ((m & 1) ? 't' : 'T') : s;
};
document.getElementById('goto').value = here;
hl.fill('path', here);
const crumbs = [hl.el('a', {href: explore('/')}, 'root')];
here.split('/').filter(c => c).reduce((dir, name) => {
  const p = child(dir, name);
  crumbs.push(hl.el('span', {class: 'muted'}, ' / '), hl.el('a', {href: explore(p)}, name));
  return p;
}, '/');
hl.fill('crumbs', crumbs);

function listing(r) {
  const rows = r.entries.map(e => [
    hl.el('span', {class: 'mono'}, perm(e.is_dir, e.permission)), e.owner, e.group,
    e.is_dir ? '' : hl.bytes(e.length), hl.time(e.mtime_ms),
    e.is_dir ? '' : String(e.replication), e.is_dir ? '' : hl.bytes(e.block_size),
    hl.el('a', {href: explore(child(r.path, e.name)), class: 'entry',
                'data-path': child(r.path, e.name)}, e.name + (e.is_dir ? '/' : ''))]);
  const parts = [rows.length === 0 && !after
      ? hl.el('p', {class: 'muted'}, 'This directory is empty.')
      : hl.table(['Permission', 'Owner', 'Group', 'Size', 'Last modified', 'Replication',
                  'Block size', 'Name'], rows, {id: 'listing'})];
  if (r.remaining > 0) {
    const last = r.entries[r.entries.length - 1].name;
    parts.push(hl.el('p', {}, hl.el('a', {href: explore(r.path, last), id: 'next'},
                                    'Next ' + num(r.remaining) + ' entries')));
  }
  return parts;
}

function file(r) {
  const s = r.status;
  const replicas = b => b.locations.length === 0
      ? hl.el('span', {class: 'state-bad'}, 'no live replica')
      : b.locations.map(l => hl.el('span', {class: 'chip replica', 'data-address': l.address,
                                            'data-rack': l.rack},
                                   l.address, hl.el('span', {class: 'where'}, l.rack)));
  const rows = r.blocks.map((b, i) => [
    i, hl.el('span', {class: 'mono block-name'}, b.name), hl.bytes(b.num_bytes),
    num(b.offset),
    b.corrupt ? hl.el('span', {class: 'state-bad'}, 'corrupt')
              : hl.el('span', {class: b.locations.length < s.replication ? 'state-warn'
                                                                         : 'state-ok'},
                      b.locations.length + ' of ' + s.replication),
    hl.el('div', {}, replicas(b))]);
  return [
    hl.el('div', {class: 'cards'},
      hl.card('Size', hl.bytes(s.length), 'file-size'),
      hl.card('Replication', s.replication), hl.card('Block size', hl.bytes(s.block_size)),
      hl.card('Owner', s.owner + ':' + s.group),
      hl.card('Permission', hl.el('span', {class: 'mono'}, perm(false, s.permission))),
      hl.card('Modified', hl.time(s.mtime_ms)),
      s.under_construction ? hl.card('State', hl.el('span', {class: 'state-warn'},
                                                    'being written')) : null),
    hl.el('p', {}, hl.el('a', {href: download(r.path), id: 'download', class: 'btn'},
                         'Download'),
          hl.el('span', {class: 'muted'}, '  through WebHDFS')),
    hl.el('h2', {}, r.blocks.length + ' block' + (r.blocks.length === 1 ? '' : 's')),
    rows.length === 0 ? hl.el('p', {class: 'muted'}, 'This file is empty.')
        : hl.table(['#', 'Block', 'Size', 'Offset', 'Live replicas', 'Replicas (rack)'],
                   rows, {id: 'blocks'})];
}

hl.poll(async () => {
  const resp = await fetch('/api/explorer?path=' + encodeURIComponent(here) +
                           (after ? '&after=' + encodeURIComponent(after) : ''),
                           {cache: 'no-store'});
  const r = await resp.json();
  if (!resp.ok) {
    hl.fill('content', hl.el('div', {class: 'panel state-bad', id: 'not-found'}, r.error));
    return;
  }
  hl.fill('content', r.is_dir ? listing(r) : file(r));
}, 5000);
)js";

}  // namespace hayloft

#endif  // HAYLOFT_NAMENODE_NAMENODE_WEB_SCRIPTS_H_
