// What the Chromium tests (browser.mjs, serve.mjs) share: Debian's chromium launched headless
// through playwright-core, a skip (exit 77) when either is missing, and checks that are all run
// and counted rather than stopping at the first failure.
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.FLOWGAP_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The browser, or exit 77 (ctest: skipped; run-reports.sh fails it under CI=true).
export async function launchChromium() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    console.error(`SKIP: playwright-core is not installed (${e.message}); run scripts/install-test-js.sh`);
    process.exit(77);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`SKIP: ${CHROMIUM} not found (Debian package chromium; scripts/install-deps.sh installs it)`);
    process.exit(77);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

const failures = [];

export function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
  if (!ok) failures.push(what);
  return ok;
}

// Exits 1 when any check failed.
export function finish() {
  if (failures.length) {
    console.error(`${failures.length} check(s) failed`);
    process.exit(1);
  }
}
