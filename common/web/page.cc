#include "common/web/page.h"

#include "absl/strings/str_cat.h"

namespace hayloft::web {
namespace {

constexpr char kStyle[] = R"css(
:root { --fg:#1d2733; --muted:#5b6b7c; --line:#d9e0e7; --bg:#f6f8fa; --accent:#2b6cb0;
        --ok:#2f855a; --warn:#b7791f; --bad:#c53030; --run:#3182ce; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
       color:var(--fg); background:var(--bg); }
header { background:#1f2d3d; color:#fff; padding:10px 24px; display:flex; gap:24px;
         align-items:center; }
header .brand { font-weight:700; font-size:16px; letter-spacing:.3px; }
header .daemon { color:#a9bbd0; font-size:13px; }
header nav a { color:#dce7f3; text-decoration:none; margin-right:16px; }
header nav a:hover { color:#fff; text-decoration:underline; }
main { padding:18px 24px 40px; max-width:1400px; }
h1 { font-size:20px; margin:4px 0 14px; }
h2 { font-size:16px; margin:22px 0 8px; }
.cards { display:flex; flex-wrap:wrap; gap:12px; }
.card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:10px 14px;
        min-width:150px; }
.card .k { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.4px; }
.card .v { font-size:20px; font-weight:600; }
table { border-collapse:collapse; background:#fff; border:1px solid var(--line); width:100%; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line);
         vertical-align:top; }
th { background:#eef2f6; font-weight:600; font-size:13px; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
a { color:var(--accent); }
.bar { position:relative; background:#e2e8f0; border-radius:4px; height:16px; min-width:120px; }
.bar > span { position:absolute; left:0; top:0; bottom:0; background:var(--run);
              border-radius:4px; }
.bar > em { position:absolute; left:6px; top:0; font-size:11px; font-style:normal;
            line-height:16px; color:#102a43; }
.stack { display:flex; height:22px; border-radius:4px; overflow:hidden; background:#e2e8f0; }
.stack > span { height:100%; }
.legend { display:flex; flex-wrap:wrap; gap:16px; margin-top:8px; font-size:12px;
          color:var(--muted); }
.legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:5px;
            vertical-align:-1px; }
.legend b { color:var(--fg); font-weight:600; margin-left:4px; }
.panel { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 16px;
         margin-bottom:14px; }
.card .sub { color:var(--muted); font-size:12px; }
.mono { font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12.5px; }
.chip { display:inline-block; background:#edf2f7; border:1px solid var(--line); border-radius:10px;
        padding:0 8px; margin:1px 4px 1px 0; font-size:12px; white-space:nowrap; }
.chip .where { color:var(--muted); margin-left:6px; }
.card a { text-decoration:none; }
.btn { display:inline-block; background:var(--accent); color:#fff; border-radius:4px;
       padding:4px 12px; text-decoration:none; font-weight:600; }
.btn:hover { filter:brightness(1.1); }
.state-ok, .state-SUCCEEDED, .state-live, .state-In\ Service { color:var(--ok); font-weight:600; }
.state-bad, .state-FAILED, .state-KILLED, .state-dead { color:var(--bad); font-weight:600; }
.state-warn, .state-decommissioning { color:var(--warn); font-weight:600; }
.state-RUNNING { color:var(--run); font-weight:600; }
.muted { color:var(--muted); }
pre.log { background:#0f1720; color:#d6e2ee; padding:12px; border-radius:6px; overflow:auto;
          max-height:640px; font-size:12px; }
#hl-error { display:none; background:#fff5f5; color:var(--bad); border:1px solid #feb2b2;
            padding:8px 12px; border-radius:6px; margin-bottom:12px; }
.rack { background:#fff; border:1px solid var(--line); border-radius:6px; padding:10px 14px;
        margin-bottom:10px; }
.crumbs a { margin-right:4px; }
)css";

// A hay bale, inline: the browser asks for no /favicon.ico.
constexpr char kFavicon[] =
    "<link rel=\"icon\" href=\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' "
    "viewBox='0 0 16 16'><rect width='16' height='16' rx='3' fill='%231f2d3d'/>"
    "<path d='M3 5h10M3 8h10M3 11h10' stroke='%23e2b04a' stroke-width='1.7'/></svg>\">";

// The page script library. Every string reaches the DOM through textContent.
constexpr char kLibrary[] = R"js(
const hl = {
  el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  },
  svg(tag, attrs, ...children) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  },
  fill(id, ...children) {
    const e = document.getElementById(id);
    e.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined)
        .map(c => c instanceof Node ? c : document.createTextNode(String(c))));
    return e;
  },
  async get(url) {
    const r = await fetch(url, {cache: 'no-store'});
    if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
    return r.json();
  },
  bytes(n) {
    const u = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
    let i = 0; n = Number(n);
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n.toFixed(0) : n.toFixed(1)) + ' ' + u[i];
  },
  pct(f) { return (100 * (Number(f) || 0)).toFixed(1) + '%'; },
  bar(fraction, label, color) {
    const f = Math.max(0, Math.min(1, Number(fraction) || 0));
    const fillEl = hl.el('span');
    fillEl.style.width = (100 * f).toFixed(1) + '%';
    if (color) fillEl.style.background = color;
    return hl.el('div', {class: 'bar', title: label || hl.pct(f)}, fillEl,
                 hl.el('em', {}, label || hl.pct(f)));
  },
  // A bar split between parts [{value, label, color}] in proportion to their values,
  // with a legend ("label value" per part; fmt formats the values).
  stack(parts, fmt) {
    const f = fmt || String;
    const total = parts.reduce((t, p) => t + Math.max(0, Number(p.value) || 0), 0);
    const bar = hl.el('div', {class: 'stack'}, parts.map(p => {
      const s = hl.el('span', {title: p.label + ': ' + f(p.value)});
      s.style.width = (total > 0 ? 100 * Math.max(0, Number(p.value) || 0) / total : 0) + '%';
      s.style.background = p.color;
      return s;
    }));
    const legend = hl.el('div', {class: 'legend'}, parts.map(p => {
      const swatch = hl.el('i');
      swatch.style.background = p.color;
      return hl.el('span', {}, swatch, p.label, hl.el('b', {}, f(p.value)));
    }));
    return hl.el('div', {}, bar, legend);
  },
  time(ms) { return ms ? new Date(Number(ms)).toLocaleString() : '-'; },
  dur(ms) {
    let s = Math.round(Number(ms) / 1000);
    if (s < 60) return s + 's';
    const m = Math.floor(s / 60); s %= 60;
    if (m < 60) return m + 'm ' + s + 's';
    return Math.floor(m / 60) + 'h ' + (m % 60) + 'm';
  },
  card(k, v, id) {
    return hl.el('div', {class: 'card'}, hl.el('div', {class: 'k'}, k),
                 hl.el('div', id ? {class: 'v', id: id} : {class: 'v'}, v));
  },
  // headers: [label or {label, num}], rows: arrays of cells (string, number or Node).
  table(headers, rows, attrs) {
    const head = hl.el('tr', {}, headers.map(h => typeof h === 'object'
        ? hl.el('th', {class: h.num ? 'num' : ''}, h.label) : hl.el('th', {}, h)));
    const body = rows.map(r => hl.el('tr', {}, r.map(c =>
        typeof c === 'number' ? hl.el('td', {class: 'num'}, String(c)) : hl.el('td', {}, c))));
    return hl.el('table', attrs || {}, hl.el('thead', {}, head), hl.el('tbody', {}, body));
  },
  error(msg) {
    const e = document.getElementById('hl-error');
    e.textContent = msg || '';
    e.style.display = msg ? 'block' : 'none';
  },
  // Calls async fn now and every ms milliseconds; shows fetch errors in a banner.
  poll(fn, ms) {
    const run = async () => {
      try { await fn(); hl.error(''); document.body.dataset.loaded = '1'; }
      catch (e) { hl.error('Could not refresh: ' + e.message); }
    };
    run();
    return setInterval(run, ms || 3000);
  },
  param(name) { return new URLSearchParams(location.search).get(name); },
};
)js";

}  // namespace

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderPage(const PageOptions& page) {
  std::string nav;
  for (const auto& [href, label] : page.nav) {
    absl::StrAppend(&nav, "<a href=\"", HtmlEscape(href), "\">", HtmlEscape(label), "</a>");
  }
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>", HtmlEscape(page.title), " - Hayloft</title>", kFavicon, "<style>", kStyle,
      "</style></head><body><header><span class=\"brand\">Hayloft</span>"
      "<span class=\"daemon\">", HtmlEscape(page.daemon), "</span><nav>", nav,
      "</nav></header><main><div id=\"hl-error\"></div><h1>", HtmlEscape(page.title), "</h1>",
      page.body_html, "</main><script>", kLibrary, "\n", page.script,
      "</script></body></html>\n");
}

void SendJson(httplib::Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  // Replace invalid UTF-8 (a path is bytes) rather than throw.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void SendPage(httplib::Response& res, const PageOptions& page) {
  res.set_content(RenderPage(page), "text/html; charset=utf-8");
}

}  // namespace hayloft::web
