// Customer pages' first load on a phone on a slow network: headless Chromium through
// the Chrome DevTools protocol with slow-4G conditions (1.6 Mbps down, 750 kbps up,
// 150 ms round trip) and a 4x CPU slowdown, cache empty, on the reference server.
// Four pages, each sent with the reader (src/reader/): the card (/c/wang-lei), a
// shared article (/s/{token}), and the article shared with a form for the reader's
// details; and, as the yardstick, the card's own first paint saved as a static HTML
// page (no scripts) served by the same server in the same run.
//
// Printed per page, from the navigation's start (medians of RUNS cold loads):
//   visible  the page's heading is painted;
//   usable   a working link (save contact, call, message) is painted: the server's
//            first paint has real links, so this is normally the same frame;
//   ran      the page's script runs: the reader has opened the view, or the app
//            has taken the page over (the first paint is gone);
//   tracking the view session is issued (the open request answered): tracking runs;
//   counted  the first snapshot is sent (a view counts from 2 s of visible time);
//   shift    cumulative layout shift;
// and every asset of the last load as transferred (the server sends the brotli files
// made at build time). Then the card opened a second time in the same browser, once
// its copies of the files are past the freshness a browser guesses from their age:
// what of them is asked of the server again.
import { chromium } from 'playwright-core';
import { readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHROMIUM_ARGS, DIST, SLOW_4G, shareAsRep, startReferenceServer } from '../tests/e2e/support.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };
const STATIC = 'bench-static-card.html';

const server = await startReferenceServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

/** A rep's link to the pricing article, made over the API (`soft_end`: with a form for
 * the reader's details at its end). */
async function articleLink(leadCapture = { mode: 'off' }) {
  const share = await shareAsRep(server.url, { target: { type: 'content', id: 'c-pricing' }, lead_capture: leadCapture });
  return `/s/${share.token}`;
}

/** The card's first paint as a page of its own: the server's HTML without scripts. */
async function staticCard() {
  const html = await (await fetch(`${server.url}/c/wang-lei`)).text();
  const bare = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<link[^>]*rel="(modulepreload|preload)"[^>]*>/g, '');
  await writeFile(join(DIST, STATIC), bare);
  return `/${STATIC}`;
}

/** One load of `path`, timed: cold (cache empty), or with `revisit` the second of two
 * in one browser, as a customer opening the link again. */
async function load(path, { revisit = false } = {}) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !revisit });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  if (revisit) {
    // The files as just built (Last-Modified now): the browser's own guess of how long
    // its copies stay fresh (a tenth of their age) has run out by the second visit.
    for (const f of await readdir(join(DIST, 'customer'), { recursive: true })) {
      const now = new Date();
      await utimes(join(DIST, 'customer', f), now, now);
    }
    await page.goto(server.url + path, { waitUntil: 'load', timeout: 60_000 });
    await page.locator('#first-paint[data-view="open"]').waitFor({ timeout: 60_000 });
  }
  const assets = new Map(); // requestId -> { url, bytes }
  cdp.on('Network.responseReceived', (e) => assets.set(e.requestId, { url: e.response.url, status: e.response.status, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '', bytes: 0 }));
  cdp.on('Network.loadingFinished', (e) => { const a = assets.get(e.requestId); if (a) a.bytes = e.encodedDataLength; });
  const since = (wall) => page.evaluate((w) => w - performance.timeOrigin, wall);
  let opened; let counted;
  page.on('response', (r) => {
    // Opening a card or a link issues the view session (GET, see the contract).
    if (opened === undefined && /\/api\/v1\/public\/(cards|shares)\/[^/]+$/.test(new URL(r.url()).pathname)) opened = Date.now();
  });
  page.on('request', (r) => { if (counted === undefined && new URL(r.url()).pathname.endsWith('/public/track')) counted = Date.now(); });
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
      .observe({ type: 'layout-shift', buffered: true });
    // Polled every frame; each moment is stamped on the frame after it is true.
    const marks = {};
    window.__marks = marks;
    const stamp = (key) => { if (marks[key] === undefined) { marks[key] = -1; requestAnimationFrame(() => { marks[key] = performance.now(); }); } };
    const look = () => {
      if (document.querySelector('h1')?.textContent) stamp('visible');
      if (document.querySelector('.card-actions a[href], .rep-card a[href]')) stamp('usable');
      // The page's script runs: the reader has opened the view, or the app has taken
      // over the first paint.
      const paint = document.querySelector('#first-paint');
      if (paint?.dataset.view === 'open' || (document.querySelector('.customer') && !paint)) stamp('ran');
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.goto(server.url + path, { waitUntil: 'load', timeout: 60_000 });
  const isStatic = path.endsWith('.html');
  await page.waitForFunction((s) => (window.__marks.visible ?? -1) > 0 && (s || (window.__marks.ran ?? -1) > 0), isStatic, { timeout: 60_000 });
  if (!isStatic) {
    const until = Date.now() + 15_000;
    while (counted === undefined && Date.now() < until) await page.waitForTimeout(100);
  }
  const marks = await page.evaluate(() => ({ ...window.__marks, shift: window.__shift }));
  const out = {
    visible: marks.visible, usable: marks.usable, ran: marks.ran, shift: marks.shift,
    tracking: opened === undefined ? undefined : await since(opened),
    counted: counted === undefined ? undefined : await since(counted),
    list: [...assets.values()].filter((a) => a.bytes > 0),
  };
  await context.close();
  return out;
}

const median = (xs) => {
  const s = xs.filter((x) => x !== undefined && x >= 0).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
};
const ms = (x) => (x === undefined ? '—' : `${x.toFixed(0)} ms`);
const name = (u) => new URL(u).pathname;
const total = (l) => l.reduce((t, a) => t + a.bytes, 0);

try {
  const pages = {
    card: '/c/wang-lei',
    article: await articleLink(),
    'article with a form for details': await articleLink({ mode: 'soft_end' }),
    'static card (yardstick)': await staticCard(),
  };
  const results = {};
  for (const [label, path] of Object.entries(pages)) {
    results[label] = [];
    for (let run = 0; run < RUNS; run++) results[label].push(await load(path));
  }
  for (const [label, runs] of Object.entries(results)) {
    const last = runs.at(-1);
    const assets = last.list.filter((a) => !a.url.includes('/api/v1/'));
    console.log(`\n${label} (${pages[label].replace(/[0-9a-f]{32}/, '{token}')}), ${RUNS} cold loads, slow 4G + 4x CPU, medians:`);
    for (const key of ['visible', 'usable', 'ran', 'tracking', 'counted']) {
      console.log(`  ${key.padEnd(9)} ${ms(median(runs.map((r) => r[key])))}   (all: ${runs.map((r) => ms(r[key])).join(', ')})`);
    }
    console.log(`  ${'shift'.padEnd(9)} ${Math.max(...runs.map((r) => r.shift)).toFixed(3)} (largest)`);
    console.log(`  first load, bytes on the wire incl. headers:`);
    for (const a of last.list) console.log(`    ${name(a.url).replace(/[0-9a-f]{32}/, '{token}').padEnd(46)} ${String(a.bytes).padStart(8)}  ${a.encoding || 'identity'}`);
    console.log(`    ${'assets (page, css, js, wasm, icon)'.padEnd(46)} ${String(total(assets)).padStart(8)}`);
  }
  // The card opened again: what of the page's files still goes over the network.
  const again = [];
  for (let run = 0; run < RUNS; run++) again.push(await load(pages.card, { revisit: true }));
  console.log(`\ncard opened again (${pages.card}), ${RUNS} runs, the browser's copies past their guessed freshness, medians:`);
  for (const key of ['visible', 'ran', 'tracking']) {
    console.log(`  ${key.padEnd(9)} ${ms(median(again.map((r) => r[key])))}   (all: ${again.map((r) => ms(r[key])).join(', ')})`);
  }
  const asked = again.at(-1).list.filter((a) => !a.url.includes('/api/v1/'));
  console.log(`  files asked of the server (status, bytes on the wire):`);
  for (const a of asked) console.log(`    ${name(a.url).padEnd(46)} ${String(a.status).padStart(4)} ${String(a.bytes).padStart(8)}`);

  const card = median(results.card.map((r) => r.visible));
  const yardstick = median(results['static card (yardstick)'].map((r) => r.visible));
  console.log(`\ncard visible / static card visible: ${(card / yardstick).toFixed(2)}x (target <= 1.2x)`);
} finally {
  await rm(join(DIST, STATIC), { force: true });
  await browser.close();
  await server.close();
}
