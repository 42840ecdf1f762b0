// Time to first screen: in headless Chromium, open a demo-site page in a fresh browser context
// (empty HTTP cache, no stored visitor), wait until embed.js has run, press a booking button, and
// time until the widget's first screen is listed inside <zapis-root>'s shadow root and the next
// frame has run.
//
//   node bench/ttfs.cjs BASE_URL RUNS OUT.json
//
// Scenarios (each run does every scenario and mode, interleaved):
// - services: contacts.html, the Pokrovka branch button (data-branch, no service): the widget
//   opens on the services step; the time ends when service rows are listed.
// - home: index.html, the first booking button (no preset): the widget opens on its first step
//   (for the two-branch demo chain, the branch list); the time ends when that list is shown.
// Modes: "cold" presses as soon as embed.js has run, with embed.js's idle prefetch of the widget
// held back (requestIdleCallback stubbed), so the press fetches and compiles the widget; "idle"
// presses 1.5 s after the load event (embed.js has prefetched the widget on idle by then).
//
// Run by `cargo xtask bench ttfs`; puppeteer-core comes from .ci/tools (pinned there), Chromium is
// Debian's (CHROME_PATH, default /usr/bin/chromium). Writes OUT.json; errors go to stderr.
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const puppeteer = require(path.join(__dirname, '..', '.ci', 'tools', 'node_modules', 'puppeteer-core'));

const [base, runsArg, out] = process.argv.slice(2);
const runs = Number(runsArg || 10);
// TOOLCHAIN.md §7.
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCENARIOS = [
  { name: 'services', page: 'contacts.html', button: '[data-zapis-book][data-branch="410201"]:not([data-service]):not([data-staff])', modes: ['cold', 'idle'] },
  { name: 'home', page: '', button: '[data-zapis-book]', modes: ['cold'] },
];

// Runs in the page: click, then watch the shadow DOM. Times in ms since the click.
async function pressAndWait(selector, timeoutMs) {
  const btn = document.querySelector(selector);
  if (!btn) return { error: 'no ' + selector + ' on ' + location.pathname };
  const widgetFetched = () => performance.getEntriesByType('resource').some((e) => /\/widget\.[0-9a-f]+\.(js|wasm)$/.test(e.name));
  const preloaded = widgetFetched();
  const ITEMS = { services: '[data-testid^="service-"]', branch: '[data-testid^="branch-"]', staff: '[data-testid^="staff-"]' };
  const t0 = performance.now();
  btn.click();
  return await new Promise((resolve) => {
    const r = { preloaded, dialog: null, step: null, items: 0, listed: null, painted: null, end: null };
    let done = false;
    const check = () => {
      if (done) return;
      const now = performance.now() - t0;
      const host = document.querySelector('zapis-root');
      const root = host && host.shadowRoot;
      if (root) {
        if (r.dialog === null && root.querySelector('[role="dialog"], dialog')) r.dialog = now;
        for (const step of root.querySelectorAll('[data-step]')) {
          const name = step.getAttribute('data-step');
          const items = ITEMS[name] ? step.querySelectorAll(ITEMS[name]).length : 0;
          if (items > 0) {
            done = true;
            Object.assign(r, { step: name, items, listed: now, end: 'listed' });
            requestAnimationFrame(() => {
              r.painted = performance.now() - t0;
              resolve(r);
            });
            return;
          }
        }
      }
      if (now > timeoutMs) {
        done = true;
        r.end = r.dialog !== null ? 'dialog' : 'timeout';
        resolve(r);
        return;
      }
      setTimeout(check, 2);
    };
    // Mutations in the document and, once it exists, in the shadow root trigger a check at once;
    // the timer is the fallback.
    const watched = new WeakSet();
    new MutationObserver(() => {
      const host = document.querySelector('zapis-root');
      if (host && host.shadowRoot && !watched.has(host.shadowRoot)) {
        watched.add(host.shadowRoot);
        new MutationObserver(check).observe(host.shadowRoot, { childList: true, subtree: true, characterData: true });
      }
      check();
    }).observe(document.documentElement, { childList: true, subtree: true });
    check();
  });
}

(async () => {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zapis-ttfs-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    userDataDir,
  });
  const results = [];
  // The whole script stays within this time (the bench is bounded): runs left when it is
  // spent are skipped, and the output says so.
  const deadline = Date.now() + Number(process.env.TTFS_BUDGET_MS || 240000);
  let stoppedEarly = false;
  try {
    for (let i = 0; i < runs; i++) {
      if (i > 0 && Date.now() > deadline) {
        stoppedEarly = true;
        break;
      }
      for (const sc of SCENARIOS) {
        for (const mode of sc.modes) {
          const context = await browser.createBrowserContext(); // its own empty cache
          const page = await context.newPage();
          await page.setViewport({ width: 412, height: 823, isMobile: true, hasTouch: true });
          // cold: hold back embed.js's prefetch of the widget on idle, so the press itself fetches it.
          if (mode == 'cold') await page.evaluateOnNewDocument(() => { window.requestIdleCallback = () => 0; });
          await page.goto(base + sc.page, { waitUntil: mode == 'cold' ? 'domcontentloaded' : 'load' });
          await page.waitForFunction(() => window.zapis && window.zapis.l === 1, { timeout: 60000, polling: 1 });
          if (mode == 'idle') await new Promise((r) => setTimeout(r, 1500));
          const r = await page.evaluate(pressAndWait, sc.button, 30000);
          Object.assign(r, { scenario: sc.name, page: '/' + sc.page, button: sc.button, mode, run: i + 1 });
          results.push(r);
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  fs.writeFileSync(out, JSON.stringify({ base, planned: runs, stoppedEarly, runs: results }, null, 2));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
