// Opens an HTML report in headless Chromium (Debian's /usr/bin/chromium) and checks that it
// renders with no console errors, fetches nothing and fits an A4 page when printed; for the
// audit's gap report, that the severity and firewall filter hides and shows findings; for the
// diff's change report (--diff), that before and after sit side by side with the removed rules
// as written on the before side. Optionally writes a screenshot.
//
//   node browser.mjs REPORT.html [--diff] [--screenshot OUT.png]
//
// Exit 0: pass; 1: a check failed; 77: Chromium or playwright-core is missing (ctest reports
// that as skipped, except under CI=true where run-node.sh turns it into a failure).
import { pathToFileURL } from 'node:url';

import { check, finish, launchChromium } from './harness.mjs';

const [report, ...rest] = process.argv.slice(2);
const shotIndex = rest.indexOf('--screenshot');
const screenshot = shotIndex >= 0 ? rest[shotIndex + 1] : null;
const diff = rest.includes('--diff');
if (!report) {
  console.error('usage: node browser.mjs REPORT.html [--diff] [--screenshot OUT.png]');
  process.exit(2);
}

const visibleCount = async (page, selector) => {
  const all = page.locator(selector);
  let n = 0;
  for (let i = 0; i < await all.count(); ++i) n += (await all.nth(i).isVisible()) ? 1 : 0;
  return n;
};

async function checkAudit(page) {
  check(await page.locator('svg.diagram').isVisible(), 'the deployment diagram renders');
  check((await page.locator('table.matrix tbody tr').count()) > 0, 'the flow matrix has rows');

  const items = page.locator('article.item');
  const total = await items.count();
  check(total > 0, `the report lists findings (${total})`);
  const visible = (selector) => visibleCount(page, selector);
  check(await visible('article.item') === total, 'every finding is visible before filtering');

  // Severity: unticking "high" hides exactly the high findings.
  const high = await page.locator('article.item[data-severity=high]').count();
  await page.locator('input[name=severity][value=high]').click();
  check(await visible('article.item[data-severity=high]') === 0, 'unticking high hides the high findings');
  check(await visible('article.item') === total - high, 'the other findings stay visible');
  check((await page.locator('#shown').textContent()).startsWith(`${total - high} of ${total}`), 'the count follows');
  await page.locator('input[name=severity][value=high]').click();
  check(await visible('article.item') === total, 'ticking high again shows them all');

  // Firewall: choosing one hides the other firewalls' findings and matrix columns.
  const options = await page.locator('select[name=firewall] option').evaluateAll((o) => o.map((x) => x.value));
  const firewall = options.find((v) => v !== '*');
  await page.locator('select[name=firewall]').selectOption(firewall);
  const mine = await page.locator(`article.item[data-firewall="${firewall}"]`).count();
  check(await visible('article.item') === mine, `choosing ${firewall} shows only its ${mine} findings`);
  check(await visible(`table.matrix th[data-firewall="${firewall}"]`) === 1, 'its matrix column stays');
  check(await visible('table.matrix th.fw-scoped') === 1, 'the other firewalls\' columns are hidden');
  await page.locator('select[name=firewall]').selectOption('*');
  check(await visible('article.item') === total, 'all firewalls again shows every finding');
}

// Every change's before and after: two boxes on one row, before on the left.
async function checkSideBySide(page, when) {
  const pairs = await page.locator('.sides').evaluateAll((all) => all.map((el) => {
    const [b, a] = [el.querySelector('.side.before'), el.querySelector('.side.after')].map((x) => x.getBoundingClientRect());
    return Math.abs(b.top - a.top) < 1 && b.right <= a.left;
  }));
  check(pairs.length > 0 && pairs.every(Boolean), `before and after sit side by side ${when} (${pairs.length} changes)`);
}

async function checkDiff(page) {
  check(await page.locator('header.banner').isVisible(), 'the gate banner renders');
  const changes = await page.locator('article.item').count();
  check(changes > 0, `the report lists changes (${changes})`);
  check(await visibleCount(page, 'article.item') === changes, 'every change is visible');
  await checkSideBySide(page, 'on screen');
  // The rule the change removed is shown as written, marked, on the before side only.
  const removed = page.locator('.side.before li.removed');
  check(await removed.count() > 0 && await removed.first().isVisible(), 'a removed rule is marked on the before side');
  const pre = removed.first().locator('pre');
  const text = (await pre.count()) ? await pre.textContent() : '';
  check(text.trim().length > 0, `the removed rule is shown as written (${text.trim().split('\n')[0]})`);
  check(await page.locator('.side.after li.removed').count() === 0, 'the after side marks no rule as removed');
}

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });

  check(errors.length === 0, `no console errors (${errors.join(' | ')})`);
  check(requests.length === 0, `no network requests (${requests.join(' ')})`);
  await (diff ? checkDiff : checkAudit)(page);

  // A4: the print layout fits the page width (no horizontal overflow at 210 mm - margins).
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 706, height: 1000 });  // 186 mm at 96 dpi
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `the print layout fits an A4 width (overflow ${overflow}px)`);
  if (diff) await checkSideBySide(page, 'in print');
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  check(pdf.length > 1000, 'prints to an A4 PDF');

  if (screenshot) {
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  }
} finally {
  await browser.close();
}
finish();
