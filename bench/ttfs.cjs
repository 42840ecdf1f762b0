// Time to first screen: in headless Chromium, open the page in a fresh browser context (empty
// HTTP cache), wait until embed.js has run, press the first [data-zapis-book] button, and time
// until the widget lists services (inside <zapis-root>'s shadow root) and the next frame is drawn.
//
//   node bench/ttfs.cjs URL RUNS OUT.json
//
// Each run does it twice, each in a fresh context: "cold" presses as soon as embed.js has run
// (the widget is fetched because of the press), "idle" presses 1.5 s after the load event (by
// then embed.js has fetched the widget on idle, as it does on pages with a booking button).
//
// Run by `cargo xtask bench ttfs`; puppeteer-core comes from .ci/tools (pinned there), Chromium is
// Debian's (CHROME_PATH, default /usr/bin/chromium). Prints nothing; writes OUT.json.
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const puppeteer = require(path.join(__dirname, '..', '.ci', 'tools', 'node_modules', 'puppeteer-core'));

const [url, runsArg, out] = process.argv.slice(2);
const runs = Number(runsArg || 10);
// TOOLCHAIN.md §7.
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Runs in the page: click, then watch the shadow DOM. Returns times in ms since the click.
async function pressAndWait(timeoutMs) {
  const btn = document.querySelector('[data-zapis-book]');
  if (!btn) return { error: 'no [data-zapis-book] on the page' };
  const widgetFetched = () => performance.getEntriesByType('resource').some((e) => /\/widget\.[0-9a-f]+\.(js|wasm)$/.test(e.name));
  const preloaded = widgetFetched();
  const label = (btn.textContent || '').trim().slice(0, 40);
  const t0 = performance.now();
  btn.click();
  return await new Promise((resolve) => {
    const r = { preloaded, label, dialog: null, firstStep: null, firstStepName: null, services: null, items: 0, painted: null, end: null };
    let done = false;
    const check = () => {
      if (done) return;
      const now = performance.now() - t0;
      const host = document.querySelector('zapis-root');
      const root = host && host.shadowRoot;
      if (root) {
        if (r.dialog === null && root.querySelector('[role="dialog"], dialog')) r.dialog = now;
        const step = root.querySelector('[data-step]');
        if (r.firstStep === null && step && step.textContent.trim()) {
          r.firstStep = now;
          r.firstStepName = step.getAttribute('data-step');
        }
        const svc = root.querySelector('[data-step="services"]');
        const items = svc ? svc.querySelectorAll('[data-testid^="service-"], .zw-svc').length : 0;
        if (items > 0) {
          done = true;
          r.services = now;
          r.items = items;
          r.end = 'services';
          requestAnimationFrame(() => {
            r.painted = performance.now() - t0;
            resolve(r);
          });
          return;
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
  try {
    for (let i = 0; i < runs; i++) {
      // cold: press as soon as embed.js has run (nothing of the widget fetched yet);
      // idle: press 1.5 s after the load event (embed.js has prefetched the widget on idle).
      for (const mode of ['cold', 'idle']) {
        const context = await browser.createBrowserContext(); // its own empty cache
        const page = await context.newPage();
        await page.setViewport({ width: 412, height: 823, isMobile: true, hasTouch: true });
        const started = Date.now();
        await page.goto(url, { waitUntil: mode == 'cold' ? 'domcontentloaded' : 'load' });
        await page.waitForFunction(() => window.zapis && window.zapis.l === 1, { timeout: 15000, polling: 1 });
        if (mode == 'idle') await new Promise((r) => setTimeout(r, 1500));
        const r = await page.evaluate(pressAndWait, 10000);
        r.mode = mode;
        r.run = i + 1;
        r.loadToClickMs = Date.now() - started;
        results.push(r);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  fs.writeFileSync(out, JSON.stringify({ url, runs: results }, null, 2));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
