// The customer card page's first load on a phone on a slow network: headless Chromium
// through the Chrome DevTools protocol with slow-4G conditions (1.6 Mbps down, 750 kbps
// up, 150 ms round trip) and a 4x CPU slowdown, cache empty, opening /c/wang-lei on the
// reference server. Prints every asset as transferred (the server sends the brotli
// files made at build time) and the time until the card's content is on screen.
//
// "Visible": the card's name heading is in the page and a frame has been painted
// after it, measured from the navigation's start (performance.timeOrigin). The server
// sends the card's text in the page itself, so this comes before the app has loaded;
// "app runs" is when the app's own card (with its working buttons) has replaced it.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, startReferenceServer } from '../tests/e2e/support.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };

const server = await startReferenceServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const results = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const assets = new Map(); // requestId -> { url, bytes }
    cdp.on('Network.responseReceived', (e) => assets.set(e.requestId, { url: e.response.url, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '', bytes: 0 }));
    cdp.on('Network.loadingFinished', (e) => { const a = assets.get(e.requestId); if (a) a.bytes = e.encodedDataLength; });
    await page.addInitScript(() => {
      // Polled every frame: when the card's name is on screen (from the server's first
      // paint or the app), and when the app itself runs (its "Save contact" link).
      const look = () => {
        if (window.__visibleAt === undefined && document.querySelector('h1.card-name')?.textContent) {
          requestAnimationFrame(() => { window.__visibleAt = performance.now(); });
        }
        if (document.querySelector('a[download]')) {
          requestAnimationFrame(() => { window.__appAt = performance.now(); });
        } else {
          requestAnimationFrame(look);
        }
      };
      requestAnimationFrame(look);
    });
    await page.goto(`${server.url}/c/wang-lei`, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => window.__appAt !== undefined, null, { timeout: 60_000 });
    await page.waitForTimeout(500);
    const { visibleMs, appMs } = await page.evaluate(() => ({ visibleMs: window.__visibleAt, appMs: window.__appAt }));
    const list = [...assets.values()].filter((a) => a.bytes > 0);
    const first = list.filter((a) => !a.url.includes('/api/v1/'));
    results.push({ visibleMs, appMs, list, first });
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const last = results.at(-1);
const name = (u) => new URL(u).pathname;
console.log('first load of /c/wang-lei (bytes on the wire, incl. headers):');
for (const a of last.list) console.log(`  ${name(a.url).padEnd(48)} ${String(a.bytes).padStart(8)}  ${a.encoding || 'identity'}`);
const total = (l) => l.reduce((t, a) => t + a.bytes, 0);
console.log(`  ${'assets (page, js, wasm, css, icon)'.padEnd(48)} ${String(total(last.first)).padStart(8)}`);
console.log(`  ${'everything incl. API calls'.padEnd(48)} ${String(total(last.list)).padStart(8)}`);
const summary = (what, key) => {
  const times = results.map((r) => r[key]).sort((a, b) => a - b);
  console.log(`${what} (${RUNS} runs, cold cache, slow 4G + 4x CPU): ` +
    `median ${times[Math.floor(times.length / 2)].toFixed(0)} ms; all ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
};
summary('time to visible content (the card on screen)', 'visibleMs');
summary('time until the app runs (buttons live, view tracked)', 'appMs');
