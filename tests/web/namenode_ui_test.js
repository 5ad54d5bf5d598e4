#!/usr/bin/env node
// Browser test of the namenode's pages and a datanode's page, run by
// tests/integration/web_ui_itest.cc against a real cluster:
//
//   node tests/web/namenode_ui_test.js EXPECTED.json
//
// EXPECTED.json holds the addresses and what the CLI reported (see the C++ test):
// namenode, datanode (base URLs), datanode_address, live_datanodes, racks
// ({rack: ["host:port"]}), files, file + file_blocks ([{name, locations:
// ["/rack/host:port"]}]), hostile_dirs, hostile_file, artifacts (screenshot dir).
//
// Drives Debian's chromium headless through playwright-core. Every page must load
// its data (body[data-loaded], set by hl.poll) and show the expected numbers; a
// path holding markup must show as text and run nothing. Exits 1 with every
// mismatch listed.
'use strict';

const fs = require('fs');
const path = require('path');

const CHROMIUM = '/usr/bin/chromium';
const TIMEOUT_MS = 30000;

function die(msg) {
  console.error('namenode_ui_test: ' + msg);
  process.exit(1);
}

if (process.argv.length !== 3) die('usage: node namenode_ui_test.js EXPECTED.json');
if (!fs.existsSync(CHROMIUM)) die(CHROMIUM + ' is missing: run deploy/install-deps.sh');
let playwright;
try {
  playwright = require(path.join(__dirname, 'node_modules', 'playwright-core'));
} catch (e) {
  die('playwright-core is not installed: run `npm ci` in tests/web (' + e.message + ')');
}
const want = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

const failures = [];
const fail = msg => { failures.push(msg); console.log('FAIL ' + msg); };
const pass = msg => console.log('ok   ' + msg);
const check = (cond, msg) => (cond ? pass(msg) : fail(msg));
const sameSet = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const explorer = p => want.namenode + '/explorer?path=' + encodeURIComponent(p);

// Pages refresh every few seconds: wait until fn() (run in the page) returns a
// value satisfying ok, and return the last value seen either way.
async function settle(page, fn, arg, ok) {
  const deadline = Date.now() + TIMEOUT_MS;
  let v;
  for (;;) {
    v = await page.evaluate(fn, arg);
    if (ok(v) || Date.now() > deadline) return v;
    await page.waitForTimeout(250);
  }
}

async function open(page, url, name) {
  await page.goto(url, {waitUntil: 'load', timeout: TIMEOUT_MS});
  try {
    await page.waitForSelector('body[data-loaded]', {timeout: TIMEOUT_MS});
  } catch (e) {
    const banner = await page.textContent('#hl-error').catch(() => '');
    fail(name + ': data never loaded from ' + url + (banner ? ' (' + banner + ')' : ''));
    return false;
  }
  pass(name + ': loaded ' + url);
  return true;
}

async function shoot(page, name) {
  const file = path.join(want.artifacts, name + '.png');
  await page.screenshot({path: file, fullPage: true});
  console.log('     screenshot ' + file);
}

const text = id => (document.getElementById(id) || {}).textContent;

async function overview(page) {
  if (!await open(page, want.namenode + '/', 'overview')) return;
  const live = await settle(page, text, 'live-datanodes', v => v === String(want.live_datanodes));
  check(live === String(want.live_datanodes),
        `overview: live datanodes ${live}, dfsadmin -report says ${want.live_datanodes}`);
  const files = await settle(page, text, 'files', v => v === String(want.files));
  check(files === String(want.files), `overview: files ${files}, fsck / says ${want.files}`);
  const version = await page.evaluate(text, 'version');
  check(/^hayloft \d+\.\d+\.\d+$/.test(version), `overview: version "${version}"`);
  const safe = await page.evaluate(text, 'safe-mode');
  check(safe === 'OFF', `overview: safe mode ${safe}`);
  for (const id of ['dead-datanodes', 'under-replicated', 'corrupt', 'missing']) {
    const v = await settle(page, text, id, x => x === '0');
    check(v === '0', `overview: ${id} ${v}`);
  }
  const used = await page.evaluate(text, 'capacity-used');
  check(/^[\d.]+ [KMGTP]?B$/.test(used || ''), `overview: capacity used "${used}"`);
  // The page refreshes itself: uptime moves on without a reload.
  const before = await page.evaluate(text, 'uptime');
  const after = await settle(page, text, 'uptime', v => v !== before);
  check(after !== before, `overview: refreshed in place (uptime ${before} -> ${after})`);
  await shoot(page, 'namenode-overview');
}

async function datanodes(page) {
  if (!await open(page, want.namenode + '/datanodes', 'datanodes')) return;
  const live = await settle(page, text, 'live-datanodes', v => v === String(want.live_datanodes));
  check(live === String(want.live_datanodes),
        `datanodes: live ${live}, dfsadmin -report says ${want.live_datanodes}`);
  const rows = await page.$$eval('#datanodes tbody tr', trs => trs.map(
      tr => [...tr.cells].slice(0, 3).map(c => c.textContent)));
  const wantRack = {};
  for (const [rack, nodes] of Object.entries(want.racks)) nodes.forEach(n => wantRack[n] = rack);
  check(rows.length === want.live_datanodes, `datanodes: ${rows.length} rows`);
  for (const [addr, rack, state] of rows) {
    check(wantRack[addr] === rack && state === 'In service',
          `datanodes: ${addr} on ${rack} (${state}); report says ${wantRack[addr]}`);
  }
  await shoot(page, 'namenode-datanodes');
}

async function racks(page) {
  if (!await open(page, want.namenode + '/racks', 'racks')) return;
  const shown = await page.$$eval('.rack', els => Object.fromEntries(els.map(el => [
    el.dataset.rack, [...el.querySelectorAll('tbody tr td:first-child')].map(td => td.textContent)])));
  check(sameSet(Object.keys(shown), Object.keys(want.racks)),
        `racks: ${Object.keys(shown)} vs report ${Object.keys(want.racks)}`);
  for (const [rack, nodes] of Object.entries(want.racks)) {
    check(sameSet(shown[rack] || [], nodes), `racks: ${rack} holds ${shown[rack]} (want ${nodes})`);
  }
  await shoot(page, 'namenode-racks');
}

async function fileView(page) {
  if (!await open(page, explorer(want.file), 'explorer file')) return;
  await page.waitForSelector('#blocks', {timeout: TIMEOUT_MS}).catch(() => {});
  const blocks = await page.$$eval('#blocks tbody tr', trs => trs.map(tr => ({
    name: tr.querySelector('.block-name').textContent,
    locations: [...tr.querySelectorAll('.replica')].map(
        r => r.dataset.rack + '/' + r.dataset.address)})));
  check(blocks.length === want.file_blocks.length,
        `explorer: ${blocks.length} blocks of ${want.file}, fsck lists ${want.file_blocks.length}`);
  want.file_blocks.forEach((b, i) => {
    const got = blocks[i] || {name: '(none)', locations: []};
    check(got.name === b.name && sameSet(got.locations, b.locations),
          `explorer: block ${i} ${got.name} at ${got.locations}; fsck: ${b.name} at ${b.locations}`);
  });
  const href = await page.getAttribute('#download', 'href');
  check(href === '/webhdfs/v1' + want.file + '?op=OPEN', `explorer: download link ${href}`);
  await shoot(page, 'namenode-explorer-file');
}

// Markup in paths must show as the same characters and create no element.
async function hostilePaths(page) {
  if (!await open(page, explorer('/ui'), 'explorer /ui')) return;
  const names = await page.$$eval('#listing a.entry', as => as.map(a => a.dataset.path));
  const top = want.hostile_dirs.map(d => d.split('/').slice(0, 3).join('/'));
  for (const p of top) check(names.includes(p), `explorer: /ui lists ${JSON.stringify(p)}`);
  const shownText = await page.$$eval('#listing a.entry', as => as.map(a => a.textContent));
  check(shownText.includes('<img src=x onerror=alert(1)>/'),
        'explorer: the <img> name shows as text');
  await shoot(page, 'namenode-explorer-markup');
  for (const dir of want.hostile_dirs) {
    if (!await open(page, explorer(dir), 'explorer ' + dir)) continue;
    const title = await page.evaluate(text, 'path');
    check(title === dir, `explorer: heading shows ${JSON.stringify(title)} for ${dir}`);
  }
  if (await open(page, explorer(want.hostile_file), 'explorer ' + want.hostile_file)) {
    const title = await page.evaluate(text, 'path');
    check(title === want.hostile_file, `explorer: file heading ${JSON.stringify(title)}`);
    const href = await page.getAttribute('#download', 'href');
    check(href && !/[<> ]/.test(href) && href.includes('%3Cscript%3E'),
          `explorer: download link percent-encoded: ${href}`);
  }
  const injected = await page.evaluate(() => ({
    scripts: document.scripts.length,
    imgs: document.querySelectorAll('img').length,
  }));
  check(injected.scripts === 1 && injected.imgs === 0,
        `explorer: no element made from a path (${JSON.stringify(injected)})`);
}

async function datanodePage(page) {
  if (!await open(page, want.datanode + '/', 'datanode')) return;
  const addr = await page.evaluate(text, 'address');
  check(addr === want.datanode_address, `datanode: address ${addr}`);
  const state = await settle(page, text, 'state', v => v === 'Registered');
  check(state === 'Registered', `datanode: state ${state}`);
  const vols = await page.$$eval('#volumes-table tbody tr', trs => trs.length);
  check(vols >= 1, `datanode: ${vols} volume(s)`);
  const written = await page.evaluate(text, 'bytes-written');
  check(written && written !== '0 B', `datanode: bytes written ${written}`);
  await shoot(page, 'datanode');
}

(async () => {
  fs.mkdirSync(want.artifacts, {recursive: true});
  const browser = await playwright.chromium.launch(
      {executablePath: CHROMIUM, headless: true, args: ['--no-sandbox']});
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  const dialogs = [];
  const errors = [];
  page.on('dialog', d => { dialogs.push(d.type() + ': ' + d.message()); d.dismiss(); });
  page.on('pageerror', e => errors.push(e.message));
  try {
    for (const step of [overview, datanodes, racks, fileView, hostilePaths, datanodePage]) {
      await step(page);
    }
  } catch (e) {
    fail('exception: ' + (e.stack || e));
  } finally {
    await browser.close();
  }
  check(dialogs.length === 0, 'no alert or dialog fired' + (dialogs.length ? ': ' + dialogs : ''));
  check(errors.length === 0, 'no script error' + (errors.length ? ': ' + errors : ''));
  if (failures.length > 0) die(failures.length + ' check(s) failed:\n  ' + failures.join('\n  '));
  console.log('namenode_ui_test: all checks passed');
})();
