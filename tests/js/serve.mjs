// Drives the page of `flowgap serve` in headless Chromium (Debian's /usr/bin/chromium) the way a
// user would: pick the demo's files, submit, wait for the report, read the verdicts off it.
//
//   node serve.mjs FLOWGAP_BINARY SOURCE_DIR [--screenshot OUT.png]
//
// Three runs against two servers, each started on a free loopback port and always killed:
//   audit:     no --deployment; upload fixtures/demo/deployment.yaml and both demo configs (one
//              named in its firewall box, one left to match by file name). The report in the
//              iframe, the banner and the downloads must give the verdicts `flowgap audit` gives.
//   malformed: the same with a broken core-router export: the page shows the file:line:col.
//   diff:      --deployment fixtures/demo/deployment.yaml --token; the page is reached through
//              /?token=, and a candidate core-router without the rule that lets Tanium clients in
//              must come back as worse, as `flowgap diff` says.
// Every page must log no console errors, fail no requests and reach nothing but the server.
//
// Exit 0: pass; 1: a check failed; 77: Chromium or playwright-core is missing (ctest: skipped,
// except under CI=true where run-reports.sh turns it into a failure).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { check, finish, launchChromium } from './harness.mjs';

const TOKEN = 'flowgap-browser-test-token';
const WAIT = 60_000;  // ms for one audit of the demo, with room for a loaded CI machine

const [flowgap, src, ...rest] = process.argv.slice(2);
const shotIndex = rest.indexOf('--screenshot');
const screenshot = shotIndex >= 0 ? rest[shotIndex + 1] : null;
if (!flowgap || !src) {
  console.error('usage: node serve.mjs FLOWGAP_BINARY SOURCE_DIR [--screenshot OUT.png]');
  process.exit(2);
}
const demo = join(src, 'fixtures/demo');
const configs = [join(demo, 'core-router.rules'), join(demo, 'branch-linux-37.rules')];

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- the servers: started here, killed on every way out --------------------------------------

const servers = new Set();
const scratch = mkdtempSync(join(tmpdir(), 'flowgap-serve-'));
function killAll() {
  for (const child of servers) child.kill('SIGKILL');
  servers.clear();
  rmSync(scratch, { recursive: true, force: true });
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => { killAll(); process.exit(1); });
}

// Resolves to the server's base URL once it prints that it listens.
function startServer(args) {
  const child = spawn(flowgap, ['serve', '--listen', '127.0.0.1:0', ...args],
    { cwd: src, stdio: ['ignore', 'pipe', 'pipe'] });
  servers.add(child);
  let out = '';
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`flowgap serve did not listen in 10 s: ${log}`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^flowgap serve: listening on (http:\/\/127\.0\.0\.1:\d+\/)$/m);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`flowgap serve exited ${code}: ${log}`)); });
  });
  return { child, ready, log: () => log };
}

function stopServer(server) {
  server.child.kill('SIGTERM');
  servers.delete(server.child);
}

// ---- what the command line says about the same files ---------------------------------------

// flowgap exits 1 when the gate fails, which the demo does on purpose; 2 and 3 are errors.
function cliJson(args) {
  const r = spawnSync(flowgap, [...args, '--format', 'json'], { cwd: src, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`flowgap ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// An audit report's verdicts, as sorted lines: per firewall, then end to end.
function auditVerdicts(report) {
  return {
    flows: report.flows.map((f) => `${f.flow} at ${f.firewall}: ${f.verdict}`).sort(),
    endToEnd: report.end_to_end.map((e) => `${e.flow}: ${e.verdict}`).sort(),
  };
}

// What a diff report says changed, as sorted lines.
function diffChanges(report) {
  return [
    ...report.flows.map((f) => `${f.flow} at ${f.firewall}: ${f.change} ${f.before.verdict} -> ${f.after.verdict}`),
    ...report.end_to_end.map((e) => `${e.flow} end to end: ${e.change} ${e.before.verdict} -> ${e.after.verdict}`),
  ].sort();
}

// ---- the browser side -----------------------------------------------------------------------

// Records what must not happen on a page: console errors, uncaught exceptions, failed or
// refused requests, and requests that leave the server.
// A link to a download is a navigation Chromium aborts (net::ERR_ABORTED) once the download
// starts, and a page's icon load is aborted when the page goes: neither is a failure. The
// returned check takes what else a step expects (regexes).
function watch(page, origin) {
  const problems = [];
  const aborted = [];
  const downloads = new Set();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e}`));
  page.on('download', (d) => downloads.add(d.url()));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText;
    if (why === 'net::ERR_ABORTED') aborted.push(r.url());
    else problems.push(`failed: ${r.url()} ${why}`);
  });
  page.on('request', (r) => { if (!r.url().startsWith(origin)) problems.push(`external: ${r.url()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return (what, expected = []) => {
    for (const url of aborted) {
      if (!downloads.has(url) && !url.endsWith('/favicon.svg')) problems.push(`aborted: ${url}`);
    }
    const left = problems.filter((p) => !expected.some((e) => e.test(p)));
    check(left.length === 0, `${what}: no console errors or failed requests (${left.join(' | ')})`);
    problems.length = aborted.length = 0;
  };
}

// The JSON report's gate with the files named as uploaded (the CLI names them by path).
const gateOf = (report) => JSON.parse(JSON.stringify(report.gate).replaceAll('fixtures/demo/', ''));

// Submits the form and waits for the banner or the error box; returns which one. The progress
// line's texts on the way are kept in window.stages.
async function submit(page) {
  await page.evaluate(() => {
    window.stages = [];
    new MutationObserver(() => window.stages.push(document.getElementById('stage').textContent))
      .observe(document.getElementById('stage'), { childList: true, characterData: true, subtree: true });
  });
  await page.locator('#run').click();
  const outcome = page.locator('#result:not([hidden]), #failure:not([hidden])');
  await outcome.first().waitFor({ timeout: WAIT });
  return (await page.locator('#failure').isVisible()) ? 'failure' : 'result';
}

// The flow matrix of the HTML report in the page's iframe, in the form auditVerdicts gives.
async function iframeVerdicts(page) {
  const report = page.frameLocator('#report');
  await report.locator('table.matrix tbody tr').first().waitFor({ timeout: WAIT });
  const rows = await report.locator('table.matrix tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    flow: tr.querySelector('td code').textContent,
    at: [...tr.querySelectorAll('td.fw-scoped')]
      .map((td) => [td.dataset.firewall, td.querySelector('.pill')?.textContent]),
    endToEnd: tr.querySelector('td:last-child .pill')?.textContent,
  })));
  return {
    flows: rows.flatMap((r) => r.at.filter(([, v]) => v).map(([fw, v]) => `${r.flow} at ${fw}: ${v}`)).sort(),
    endToEnd: rows.map((r) => `${r.flow}: ${r.endToEnd}`).sort(),
  };
}

// Clicks the download link with this label; the file's text.
async function download(page, label) {
  const link = page.locator('#links a', { hasText: label });
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), link.click()]);
  return readFileSync(await file.path(), 'utf8');
}

async function downloadLinks(page) {
  return page.locator('#links a').evaluateAll((as) => Object.fromEntries(as.map((a) => [a.textContent, a.href])));
}

async function checkBanner(page, passed, words) {
  const gate = page.locator('#gate');
  check(await gate.isVisible(), 'the pass/fail banner shows');
  await page.waitForFunction(() => document.getElementById('gate-detail').textContent !== '', null, { timeout: WAIT });
  const cls = await gate.getAttribute('class');
  const text = await gate.textContent();
  check(cls.includes(passed ? 'pass' : 'fail') && words.test(text),
    `the banner says ${passed ? 'pass' : 'fail'} as flowgap does ("${text}", class ${cls})`);
}

// ---- the three runs --------------------------------------------------------------------------

async function auditRun(browser, base) {
  const expected = cliJson(['audit', 'fixtures/demo/deployment.yaml']);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  const clean = watch(page, base);
  await page.goto(base, { waitUntil: 'load' });
  check(await page.locator('#server-deployment').isHidden(), 'a server without --deployment names none');
  await page.locator('#deployment').setInputFiles(join(demo, 'deployment.yaml'));
  await page.locator('#waivers').setInputFiles(join(demo, 'flowgap-waivers.yaml'));
  const suggested = () => page.locator('#firewall-names option').evaluateAll((os) => os.map((o) => o.value));
  await page.waitForFunction(() => document.querySelectorAll('#firewall-names option').length > 0);
  check(same(await suggested(), expected.firewalls.map((f) => f.name)),
    `the firewall boxes suggest the deployment's firewalls (${await suggested()})`);
  await page.locator('#configs').setInputFiles(configs);
  check(await page.locator('#configs-table tbody tr').count() === 2, 'the chosen configs are listed');
  await page.getByLabel('firewall for core-router.rules').fill('core-router');
  check(await page.locator('#run').textContent() === 'Audit', 'the button says Audit');

  check(await submit(page) === 'result', `the audit finishes (${await page.locator('#failure').textContent()})`);
  const stages = await page.evaluate(() => window.stages);
  check(stages.includes('queued'), `the progress line followed the job (${stages.join(' | ')})`);
  const shown = await iframeVerdicts(page);
  const want = auditVerdicts(expected);
  check(same(shown.flows, want.flows),
    `the report's verdicts at each firewall are the CLI's (${shown.flows.join('; ')})`);
  check(same(shown.endToEnd, want.endToEnd), `the end-to-end verdicts are the CLI's (${shown.endToEnd.join('; ')})`);
  await checkBanner(page, expected.gate.passed, expected.gate.passed ? /passes/ : /fails/);
  const failing = expected.gate.items.filter((i) => i.fails)
    .map((i) => `${i.kind === 'flow' ? i.subject : i.check} at ${i.firewall}`);
  const detail = await page.locator('#gate-detail').textContent();
  check(failing.length > 0 && failing.every((f) => detail.includes(f))
    && detail.includes(`${expected.gate.waived} waived`),
    `the banner names what fails the gate and what is waived (${detail})`);
  check(await page.locator('#bar').isHidden(), 'the progress bar is gone once the report is in');

  const links = await downloadLinks(page);
  check(same(Object.keys(links).sort(), ['HTML', 'JSON', 'JUnit', 'Markdown', 'SARIF', 'Text']),
    `every report format is offered (${Object.keys(links).join(', ')})`);
  const json = JSON.parse(await download(page, 'JSON'));
  check(same(auditVerdicts(json), want), 'the downloaded JSON has the same verdicts');
  check(same(gateOf(json), gateOf(expected)), 'and the same gate, waivers included');
  check(same(json.firewalls.map((f) => f.config), ['core-router.rules', 'branch-linux-37.rules']),
    'each firewall got the file meant for it (one named, one matched by file name)');
  check(JSON.parse(await download(page, 'SARIF')).version === '2.1.0', 'the SARIF link is SARIF 2.1.0');
  check(/<testsuites?[ >]/.test(await download(page, 'JUnit')), 'the JUnit link is JUnit XML');
  check((await download(page, 'Text')).includes('client-to-server'), 'the Text link is the text report');
  check((await download(page, 'Markdown')).includes('client-to-server'), 'the Markdown link is the Markdown report');
  const [tab] = await Promise.all([page.waitForEvent('popup'), page.locator('#links a', { hasText: 'HTML' }).click()]);
  await tab.waitForLoadState('load');
  check(await tab.locator('table.matrix').count() === 1, 'the HTML link opens the report in a new tab');
  await tab.close();

  if (screenshot) {
    await page.locator('#result').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  }
  clean('audit');
  return page;
}

// A core-router export with a rule that lost its port: the page must point where the CLI does.
async function malformedRun(page, base, scratch) {
  const lines = readFileSync(join(demo, 'core-router.rules'), 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes('--dport 3389'));
  lines[at] = lines[at].replace('--dport 3389', '--dport');
  const broken = join(scratch, 'core-router.rules');
  writeFileSync(broken, lines.join('\n'));
  for (const f of ['deployment.yaml', 'branch-linux-37.rules']) copyFileSync(join(demo, f), join(scratch, f));
  const cli = spawnSync(flowgap, ['audit', join(scratch, 'deployment.yaml')], { encoding: 'utf8' });
  const said = cli.stderr.match(/core-router\.rules:(\d+:\d+): error: (.*)/);
  check(cli.status === 2 && said && said[1].startsWith(`${at + 1}:`),
    `the CLI rejects it at line ${at + 1} (${cli.stderr.trim()})`);

  const clean = watch(page, base);
  await page.goto(base, { waitUntil: 'load' });
  await page.locator('#deployment').setInputFiles(join(demo, 'deployment.yaml'));
  await page.locator('#configs').setInputFiles([broken, join(demo, 'branch-linux-37.rules')]);
  check(await submit(page) === 'failure', 'a malformed export gets an error, not a report');
  check(await page.locator('#failure strong').textContent() === 'flowgap could not audit these files:',
    'the error says what failed');
  const box = await page.locator('#failure').textContent();
  check(said && box.includes(`core-router.rules:${said[1]}`) && box.includes(said[2]),
    `the page shows the CLI's file:line:col and message (${box})`);
  check(await page.locator('#result').isHidden(), 'no banner or report for it');
  check(await page.locator('#run').isEnabled(), 'the form can be sent again');

  // A firewall box that names no firewall is an error, not a hint to ignore.
  await page.locator('#configs').setInputFiles(configs);
  await page.getByLabel('firewall for core-router.rules').fill('core-routr');
  check(await submit(page) === 'failure', 'a misspelt firewall gets an error');
  const typo = await page.locator('#failure').textContent();
  check(typo.includes("'core-routr' is no firewall") && typo.includes('core-router, branch-linux-37'),
    `it names the deployment's firewalls (${typo})`);
  clean('malformed');
}

async function diffRun(browser, base, scratch) {
  // The demo's core-router without BRANCH_IN#2, the one rule that lets clients reach 17472.
  const candidate = join(scratch, 'core-router-candidate.rules');
  const rules = readFileSync(join(demo, 'core-router.rules'), 'utf8').split('\n');
  writeFileSync(candidate, rules.filter((l) => !l.includes('--dport 17472')).join('\n'));
  const expected = cliJson(['diff', 'fixtures/demo/deployment.yaml', '--candidate', `core-router=${candidate}`]);

  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const anonymous = await context.request.get(`${base}api/info`);
  check(anonymous.status() === 401, `the API wants the token (HTTP ${anonymous.status()})`);
  const page = await context.newPage();
  const clean = watch(page, base);
  const entry = await page.goto(base);
  check(entry.status() === 401 && (await page.textContent('body')).includes('token'),
    'the page without its token says so');
  clean('the page without its token', [/^HTTP 401: [^ ]*\/$/, /^console: .* 401 .*\/\)$/]);
  const icon = await context.request.get(`${base}favicon.ico`);
  check(icon.status() === 200 && icon.headers()['content-type'] === 'image/svg+xml', 'the icon needs no token');
  await page.goto(`${base}?token=${TOKEN}`, { waitUntil: 'load' });
  check(page.url() === base, `/?token= leaves the token out of the address (${page.url()})`);
  const cookie = (await context.cookies()).find((c) => c.name === 'flowgap_token');
  check(cookie?.httpOnly === true, 'the token is kept in an HttpOnly cookie');
  await page.locator('#server-deployment:not([hidden])').waitFor();
  check((await page.textContent('#server-deployment')).includes('fixtures/demo/deployment.yaml'),
    'the page names the server\'s deployment');

  await page.locator('#candidates').setInputFiles(candidate);
  await page.getByLabel('firewall for core-router-candidate.rules').fill('core-router');
  check(await page.locator('#run').textContent() === 'Compare', 'with a candidate the button says Compare');
  check(await submit(page) === 'result', `the diff finishes (${await page.locator('#failure').textContent()})`);
  await checkBanner(page, !expected.gate.failed, expected.gate.failed ? /worse/ : /nothing worse/);
  const why = await page.locator('#gate-detail').textContent();
  check(expected.gate.broken_flows.length > 0 && expected.gate.broken_flows.every((f) => why.includes(f)),
    `the banner names the broken flows (${why})`);
  // The diff's HTML report in the frame: client-to-server broken at core-router, the removed
  // rule on the before side.
  await page.locator('#report:not([hidden])').waitFor({ timeout: WAIT });
  const report = page.frameLocator('#report');
  const broken = report.locator('article[data-change="broken"][data-firewall="core-router"]');
  await broken.first().waitFor({ timeout: WAIT });
  const item = await broken.first().textContent();
  check(item.includes('client-to-server'), 'the diff report shows client-to-server broken at core-router');
  const removed = await broken.first().locator('.side.before li.removed').textContent();
  check(removed.includes('BRANCH_IN#2 (Tanium clients)') && removed.includes('--dport 17472'),
    `the before side marks the removed rule, as written (${removed.slice(0, 80)})`);

  const links = await downloadLinks(page);
  check(same(Object.keys(links).sort(), ['HTML', 'JSON', 'JUnit', 'Markdown', 'SARIF', 'Text']),
    `a diff offers every format (${Object.keys(links)})`);
  const json = JSON.parse(await download(page, 'JSON'));
  check(same(diffChanges(json), diffChanges(expected)),
    `the downloaded diff has the CLI's changes (${diffChanges(json).join('; ')})`);
  check(same(json.gate, expected.gate), 'and the same gate');
  clean('diff');
  await context.close();
}

// No deployment file: the exports drafted into one (POST /api/init), a TODO left in it refused
// at its line, then every TODO filled and one role edited, and the edited text audited as the
// CLI audits the same text beside the same exports.
async function draftRun(page, base, scratch) {
  const clean = watch(page, base);
  await page.goto(base, { waitUntil: 'load' });
  check(await page.locator('#draft').isVisible(), 'without a deployment file the page offers a draft');
  await page.locator('#configs').setInputFiles(configs);
  await page.locator('#draft').click();
  const area = page.locator('#draft-text');
  await area.waitFor({ state: 'visible', timeout: WAIT });
  const draft = await area.inputValue();
  check(draft.includes('server: [10.10.1.10]') && draft.includes('rule BRANCH_IN#2 (Tanium clients)'),
    'the draft names the Tanium Server with its evidence');

  check(await submit(page) === 'failure', 'a draft with TODOs left is refused');
  const todo = await page.locator('#failure').textContent();
  const line = draft.split('\n').findIndex((l) => l.startsWith('  database: TODO')) + 1;
  check(line > 0 && todo.includes(`deployment.yaml:${line}:13`) && todo.includes('roles.database is still TODO'),
    `the page shows where the TODO is and what to fill in (${todo})`);
  clean('draft with TODOs', [/^HTTP 400: /, /^console: .* 400 /]);

  const edited = draft
    .replace('database: TODO', 'database: [10.10.1.30]')
    .replace('console: TODO', 'console: [10.99.0.0/24]')
    .replace(/endpoints: \[[^\]]*\]/, 'endpoints: [10.20.0.0/16]')
    .replace('"eth1": TODO', '"eth1": [10.20.0.0/16]')
    .replace('"eth2": TODO', '"eth2": [10.99.0.0/24]')
    .replace('"eth3": TODO', '"eth3": [any]')
    .replace('host: TODO', 'host: [10.20.5.37]');
  check(!edited.includes(': TODO') && edited.includes('endpoints: [10.20.0.0/16]'), 'every TODO filled, one role edited');
  await area.fill(edited);
  check(await submit(page) === 'result', `the edited draft is audited (${await page.locator('#failure').textContent()})`);
  const dir = join(scratch, 'draft');
  mkdirSync(dir);
  for (const f of configs) copyFileSync(f, join(dir, basename(f)));
  writeFileSync(join(dir, 'deployment.yaml'), edited);
  const want = auditVerdicts(cliJson(['audit', join(dir, 'deployment.yaml')]));
  const shown = await iframeVerdicts(page);
  check(same(shown.flows, want.flows), `the edited draft's verdicts are the CLI's (${shown.flows.join('; ')})`);
  check(shown.flows.some((f) => f.startsWith('client-to-server at core-router')), 'with the edited endpoints');
  clean('draft');
}

// ---- main -------------------------------------------------------------------------------------

const browser = await launchChromium();
let current = null;
try {
  current = startServer([]);
  const open = await current.ready;
  const page = await auditRun(browser, open);
  await malformedRun(page, open, scratch);
  await draftRun(page, open, scratch);
  await page.close();
  stopServer(current);

  current = startServer(['--deployment', 'fixtures/demo/deployment.yaml', '--token', TOKEN]);
  await diffRun(browser, await current.ready, scratch);
  stopServer(current);
} catch (e) {
  check(false, `the run finished (${e.stack || e})`);
  if (current) console.error(`server log:\n${current.log()}`);
} finally {
  await browser.close();
  killAll();
}
finish();
