#!/usr/bin/env node
// Browser test of the jobtracker's and workers' status pages, run by
// tests/integration/jobtracker_ui_itest.cc against a real cluster:
//   node jobtracker_ui_test.js CONFIG.json
// CONFIG names the jobtracker's web address, the finished jobs with what
// `hayloft job -status` reported for them, the workers, and where screenshots go.
// Drives Debian's chromium headless with playwright-core. Checks every page against
// the CLI's numbers, that markup in job names and paths shows as text, and that no
// script of ours or anybody's raised a dialog or an error. Exits 1 listing every
// mismatch.
'use strict';

const fs = require('fs');
const path = require('path');

const CHROMIUM = process.env.HAYLOFT_CHROMIUM || '/usr/bin/chromium';

function die(msg) {
  console.error('jobtracker_ui_test: ' + msg);
  process.exit(1);
}

let chromium;
try {
  ({chromium} = require('playwright-core'));
} catch (e) {
  die('playwright-core is not installed: run `npm ci` in tests/web (deploy/test.sh does)');
}
if (!fs.existsSync(CHROMIUM)) die(CHROMIUM + ' is missing: run deploy/install-deps.sh');
if (process.argv.length !== 3) die('usage: node jobtracker_ui_test.js CONFIG.json');
const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

const failures = [];
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures.push(what);
}
function eq(actual, expected, what) {
  const ok = JSON.stringify(actual) === JSON.stringify(expected);
  check(ok, what + (ok ? '' : ': got ' + JSON.stringify(actual) + ', want ' +
                              JSON.stringify(expected)));
}
const counter = (job, group, name) => ((job.counters[group] || {})[name]) || 0;
const digits = s => Number(String(s).replace(/[^0-9-]/g, ''));

async function main() {
  fs.mkdirSync(cfg.artifacts, {recursive: true});
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({viewport: {width: 1360, height: 900}});
  const page = await context.newPage();
  const dialogs = [];
  const errors = [];
  page.on('dialog', d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', e => errors.push(page.url() + ': ' + e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(page.url() + ': ' + m.text()); });

  // Opens a page and waits for its first successful refresh from /api/.
  async function open(url) {
    const resp = await page.goto(url);
    check(resp.ok(), 'GET ' + url + ' answers ' + resp.status());
    await page.waitForFunction(() => document.body.dataset.loaded === '1', null,
                               {timeout: 30000});
  }
  async function shot(name, fullPage) {
    await page.screenshot({path: path.join(cfg.artifacts, name), fullPage: !!fullPage});
  }
  const text = sel => page.locator(sel).first().textContent();
  // Only the page's own script element: nothing a user wrote became markup.
  async function checkNoInjectedMarkup(where) {
    eq(await page.locator('script').count(), 1, where + ': one <script> element (the page\'s own)');
  }

  const jt = cfg.jobtracker;
  await jobsList(jt);
  for (const [i, job] of cfg.jobs.entries()) await jobPage(jt, job, i + 1);
  await attemptPages(jt);
  await workersPage(jt);
  for (const [i, w] of cfg.workers.entries()) await workerPage(w, i + 1);

  eq(dialogs, [], 'no dialog was opened by any page');
  eq(errors, [], 'no script error on any page');
  await browser.close();

  async function jobsList(jt) {
    await open(jt + '/');
    eq(digits(await text('#card-succeeded')), cfg.jobs.length, 'jobs list: succeeded count');
    eq(digits(await text('#card-running')), 0, 'jobs list: running count');
    eq(await text('#card-workers'), cfg.workers.length + ' / ' + cfg.workers.length,
       'jobs list: live workers');
    for (const job of cfg.jobs) {
      const row = page.locator('#succeeded-jobs tr', {has: page.locator('a', {hasText: job.id})});
      eq(await row.count(), 1, 'jobs list: one row for ' + job.id);
      const cells = await row.locator('td').allTextContents();
      eq(cells[1], job.name, 'jobs list: the name of ' + job.id + ' shows as text');
      eq(cells[3], job.state, 'jobs list: state of ' + job.id);
      check(cells[6].startsWith(job.maps + ' / ' + job.maps),
            'jobs list: maps of ' + job.id + ' are "' + cells[6] + '"');
      check(cells[7].startsWith(job.reduces + ' / ' + job.reduces),
            'jobs list: reduces of ' + job.id + ' are "' + cells[7] + '"');
      eq(await row.locator('a').getAttribute('href'), '/job?id=' + job.id,
         'jobs list: link to ' + job.id);
    }
    await checkNoInjectedMarkup('jobs list');
    await shot('jobs.png', true);
  }

  async function jobPage(jt, job, n) {
    await open(jt + '/job?id=' + encodeURIComponent(job.id));
    eq(await text('h1'), 'Job ' + job.id, 'job page: heading');
    eq(await text('#jobname'), job.name, 'job page: name shows as text');
    eq(await text('#job-state'), job.state, 'job page: state');
    eq(await text('#input-paths'), job.input, 'job page: input path shows as text');
    // Counters: the same set, the same values.
    const rows = await page.locator('#counters-table tr[data-name]').evaluateAll(trs =>
        trs.map(tr => [tr.dataset.group, tr.dataset.name, tr.cells[1].textContent]));
    const shown = {};
    for (const [g, n, v] of rows) (shown[g] = shown[g] || {})[n] = digits(v);
    eq(shown, job.counters, 'job page: counters of ' + job.id + ' equal `hayloft job -status`');
    // Locality breakdown.
    eq(digits(await text('#loc-data')), counter(job, 'Job Counters', 'Data-local map tasks'),
       'job page: data-local maps');
    eq(digits(await text('#loc-rack')), counter(job, 'Job Counters', 'Rack-local map tasks'),
       'job page: rack-local maps');
    eq(digits(await text('#loc-off')), counter(job, 'Job Counters', 'Other local map tasks'),
       'job page: off-rack maps');
    // Timeline: one row per attempt; failed ones among them.
    const launched = counter(job, 'Job Counters', 'Launched map tasks') +
                     counter(job, 'Job Counters', 'Launched reduce tasks');
    const rowsSel = 'svg.timeline g.attempt-row';
    eq(await page.locator(rowsSel).count(), launched,
       'job page: timeline has one row per launched attempt (' + launched + ')');
    const failed = counter(job, 'Job Counters', 'Failed map tasks') +
                   counter(job, 'Job Counters', 'Failed reduce tasks');
    eq(await page.locator(rowsSel + '[data-state="FAILED"]').count(), failed,
       'job page: failed attempts on the timeline');
    const succeeded = await page.locator(rowsSel + '[data-state="SUCCEEDED"]').count();
    eq(succeeded, job.maps + job.reduces, 'job page: one succeeded attempt per task');
    const tips = await page.locator(rowsSel).evaluateAll(gs =>
        gs.map(g => [g.dataset.attempt, g.querySelector('title').textContent]));
    check(tips.every(([id, tip]) => tip.startsWith(id + '\n') && / on worker 127\./.test(tip) &&
                                    /ran \d/.test(tip)),
          'job page: every bar has a tooltip with its attempt id, worker and duration');
    eq(await page.locator('#attempts-table tbody tr').count(), launched,
       'job page: attempts table');
    await checkNoInjectedMarkup('job page');
    await shot('job-' + n + '.png', true);
    if (job.id === cfg.screenshot_job) {
      // For the README: the top of the page, timeline included.
      await page.locator('#timeline').scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot('job-page.png', false);
    }
  }

  async function attemptPages(jt) {
    // The failed attempt of the flaky job, and the attempt that retried it.
    const job = cfg.jobs.find(j => j.id === cfg.screenshot_job);
    const api = await (await page.request.get(jt + '/api/job?id=' + job.id)).json();
    const failed = api.attempts.find(a => a.state === 'FAILED');
    const retry = api.attempts.find(a => a.type === failed.type && a.task === failed.task &&
                                         a.state === 'SUCCEEDED');
    check(failed && retry, 'the flaky job has a failed attempt and its successful retry');
    const log = (await (await page.request.get(jt + '/api/attempt?id=' + failed.id)).json());
    eq(log.log_error, '', 'the jobtracker read the log of ' + failed.id + ' from its worker');
    await open(jt + '/attempt?id=' + encodeURIComponent(failed.id));
    eq(await text('#attempt-state'), 'FAILED', 'attempt page: state');
    const stderr = await text('#log-stderr');
    check(stderr.includes('running ' + failed.id),
          'attempt page: the log tail holds the task\'s own log line');
    check(stderr.includes('aborting on purpose'),
          'attempt page: the log tail holds what the job wrote to stderr');
    check((await text('#diagnostics')).includes('SIGABRT'),
          'attempt page: diagnostics say how the attempt died');
    await shot('attempt-failed.png', true);
    await open(jt + '/attempt?id=' + encodeURIComponent(retry.id));
    eq(await text('#attempt-state'), 'SUCCEEDED', 'attempt page (retry): state');
    check((await text('#log-stderr')).includes('task ' + retry.id + ' succeeded'),
          'attempt page (retry): log tail');
    await checkNoInjectedMarkup('attempt page');
    await shot('attempt.png', true);
  }

  async function workersPage(jt) {
    await open(jt + '/workers');
    const rows = page.locator('#workers-table tbody tr');
    eq(await rows.count(), cfg.workers.length, 'workers page: one row per worker');
    eq(digits(await text('#card-live')), cfg.workers.length, 'workers page: live workers');
    for (const w of cfg.workers) {
      const row = page.locator('#workers-table tbody tr', {hasText: w.id});
      const cells = await row.locator('td').allTextContents();
      eq(cells[1], w.host, 'workers page: host of ' + w.id);
      eq(cells[3], 'live', 'workers page: health of ' + w.id);
      check(cells[4].endsWith(' / ' + w.map_slots), 'workers page: map slots of ' + w.id);
      check(cells[5].endsWith(' / ' + w.reduce_slots), 'workers page: reduce slots of ' + w.id);
      eq(await row.locator('a').getAttribute('href'), 'http://' + w.http + '/',
         'workers page: link to the page of ' + w.id);
    }
    await shot('workers.png', true);
  }

  async function workerPage(w, i) {
    await open('http://' + w.http + '/');
    eq(await text('h1'), 'Worker ' + w.id, 'worker page ' + i + ': heading');
    eq(await text('#card-host'), w.host, 'worker page ' + i + ': host');
    eq(await text('#card-map-slots'), '0 / ' + w.map_slots, 'worker page ' + i + ': map slots');
    eq(await text('#card-reduce-slots'), '0 / ' + w.reduce_slots,
       'worker page ' + i + ': reduce slots');
    await checkNoInjectedMarkup('worker page ' + i);
    await shot('worker-' + i + '.png', true);
  }
}

main().then(() => {
  if (failures.length) {
    console.error('\n' + failures.length + ' check(s) failed:\n  ' + failures.join('\n  '));
    process.exit(1);
  }
  console.log('\nall checks passed; screenshots in ' + cfg.artifacts);
}, e => die(e.stack || String(e)));
