// The rep's workbench on a phone on a slow network: the lead radar (/radar; or home,
// `/`, with PAGE=home) opened on the reference server by a signed-in rep, in
// headless Chromium through the Chrome DevTools protocol with slow-4G conditions (1.6 Mbps down, 750 kbps up, 150 ms
// round trip) and a 4x CPU slowdown. Three visits of each run, in the same browser
// profile:
//   first    nothing cached, no service worker yet;
//   http     a later visit with the browser's HTTP cache only (the worker blocked);
//   worker   a later visit with the service worker's shell (HTTP cache disabled).
// Printed per visit, from the navigation's start (medians of RUNS): when the main
// navigation is painted, when the radar's first line is (usable; home: its summary's
// figures), and the bytes the page moved over the network apart from API answers. For
// the radar, the first visit then opens the inbox from its navigation: the time from
// the click to its first conversation, and the requests and bytes that took.
//
// DevTools' emulation throttles the page's own requests, not the service worker's:
// its fetch of the page itself (about 1 KB) runs unthrottled, one round trip the
// worker rows do not pay.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, DEMO_LOGIN, SLOW_4G, startReferenceServer } from '../tests/e2e/support.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const PAGE = process.env.PAGE ?? 'radar';
if (!['radar', 'home'].includes(PAGE)) throw new Error(`PAGE is radar or home, not ${PAGE}`);
const PATH = PAGE === 'home' ? '/' : '/radar';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' };

const server = await startReferenceServer();

async function signedInToken() {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_LOGIN),
  });
  return (await res.json()).token;
}

/** One visit of the page in `context`; `cache` false disables the browser's HTTP cache.
 * `thenInbox`: then the inbox is opened from the page's navigation, and timed from the
 * click to its first conversation (`inbox`, with the requests and bytes it took). */
async function visit(context, cache, thenInbox = false) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const moved = new Map(); // requestId -> { url, bytes }
  cdp.on('Network.responseReceived', (e) => moved.set(e.requestId, { url: e.response.url, bytes: 0 }));
  cdp.on('Network.loadingFinished', (e) => { const r = moved.get(e.requestId); if (r) r.bytes = e.encodedDataLength; });
  await page.addInitScript((home) => {
    const marks = {};
    const usable = home
      ? () => document.querySelector('main section[aria-label="Summary"]')
      : () => [...document.querySelectorAll('main li')].some((li) => /visit \d+/.test(li.textContent));
    window.__marks = marks;
    const stamp = (key) => { if (marks[key] === undefined) { marks[key] = -1; requestAnimationFrame(() => { marks[key] = performance.now(); }); } };
    const look = () => {
      if (document.querySelector('nav[aria-label="Main navigation"] a')) stamp('nav');
      if (usable()) stamp('usable');
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  }, PAGE === 'home');
  await page.goto(`${server.url}${PATH}`, { timeout: 120_000 });
  await page.waitForFunction(() => (window.__marks.usable ?? -1) > 0, null, { timeout: 120_000 });
  const marks = await page.evaluate(() => ({ ...window.__marks }));
  const notApi = (list) => list.filter((r) => !new URL(r.url).pathname.startsWith('/api/'));
  const bytes = notApi([...moved.values()]).reduce((t, r) => t + r.bytes, 0);
  let inbox;
  if (thenInbox) {
    await page.waitForLoadState('networkidle');
    const before = new Set(moved.keys());
    const clicked = Date.now();
    // A click on the link (on a phone the navigation may be folded away).
    await page.evaluate(() => document.querySelector('nav[aria-label="Main navigation"] a[href="/inbox"]').click());
    await page.waitForFunction(() => document.querySelector('main ol.conversations li'), null, { timeout: 120_000, polling: 'raf' });
    const took = notApi([...moved.entries()].filter(([id]) => !before.has(id)).map(([, r]) => r));
    inbox = { ms: Date.now() - clicked, requests: took.length, bytes: took.reduce((t, r) => t + r.bytes, 0) };
  }
  await page.close();
  return { nav: marks.nav, usable: marks.usable, bytes, inbox };
}

/** A fresh profile signed in as the demo rep; the worker blocked when `worker` is false. */
async function profile(token, worker) {
  const dir = await mkdtemp(join(tmpdir(), 'lianjie-bench-'));
  const context = await chromium.launchPersistentContext(dir, {
    ...PHONE,
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    serviceWorkers: worker ? 'allow' : 'block',
  });
  await context.addInitScript((t) => localStorage.setItem('lianjie.http.token', t), token);
  return { context, close: async () => { await context.close(); await rm(dir, { recursive: true, force: true }); } };
}

/** Waits until the worker has kept the shell the first visit named and every area's
 * modules (it keeps them once a first page is up): a later visit finds them kept, and
 * its timing is not the worker's keeping them. */
async function shellKept(context) {
  const page = await context.newPage();
  await page.goto(`${server.url}${PATH}`);
  const modules = await page.evaluate(async () => {
    const { areas } = await (await fetch(document.querySelector('meta[name="lianjie-areas"]').content)).json();
    return [...new Set(areas.filter((a) => a.server).flatMap((a) => a.files.map((f) => `/${f}`)))];
  });
  for (let i = 0; ; i++) {
    const kept = await page.evaluate(async () =>
      (await (await caches.open('lianjie-shell')).keys()).map((r) => new URL(r.url).pathname));
    if (kept.includes('/') && kept.some((p) => p.endsWith('.wasm')) && modules.every((m) => kept.includes(m))) break;
    if (i === 1200) throw new Error('the worker did not keep every area within 2 minutes');
    await page.waitForTimeout(100);
  }
  await page.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const token = await signedInToken();
  const runs = { first: [], http: [], worker: [] };
  for (let i = 0; i < RUNS; i++) {
    const plain = await profile(token, false);
    runs.first.push(await visit(plain.context, true, PAGE === 'radar'));
    runs.http.push(await visit(plain.context, true));
    await plain.close();
    const kept = await profile(token, true);
    await visit(kept.context, true);
    await shellKept(kept.context);
    runs.worker.push(await visit(kept.context, false));
    await kept.close();
  }
  console.log(`${PATH} as the demo rep, reference server, slow 4G + 4x CPU, medians of ${RUNS}:`);
  console.log(`  visit                            navigation   ${(PAGE === 'home' ? 'home usable' : 'radar usable').padStart(12)}   bytes (not API)`);
  const label = { first: 'first (nothing cached)', http: 'later, browser HTTP cache', worker: 'later, service worker shell' };
  for (const [key, list] of Object.entries(runs)) {
    const ms = (f) => `${(median(list.map(f)) / 1000).toFixed(2)} s`;
    console.log(`  ${label[key].padEnd(32)} ${ms((r) => r.nav).padStart(10)} ${ms((r) => r.usable).padStart(14)} ${String(median(list.map((r) => r.bytes))).padStart(17)}`);
  }
  if (PAGE === 'radar') {
    const inbox = runs.first.map((r) => r.inbox);
    console.log(`  then the inbox, opened from the first visit's radar (no worker): first conversation ` +
      `${(median(inbox.map((i) => i.ms)) / 1000).toFixed(2)} s after the click, ` +
      `${median(inbox.map((i) => i.requests))} requests, ${median(inbox.map((i) => i.bytes))} bytes (not API)`);
  }
} finally {
  await server.close();
}
