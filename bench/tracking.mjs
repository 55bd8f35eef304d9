// Tracking accuracy: drives headless Chromium through a scripted reading session of a
// shared article on the reference server, with known ground truth, and prints the
// measured vs true visible time, per-section error, and lost / re-sent snapshots.
//
// Ground truth is computed here, independently of the app, from what the script did:
// the page is "read" while visible and within 30 s of the last input; a section is on
// screen while at least half of it (or half the viewport) is visible, read from the
// page's layout after every scroll.
//
// Headless Chromium never hides a page (switching tabs or minimising changes nothing),
// so hidden stretches set document.visibilityState and fire visibilitychange, which is
// exactly what a browser does when the reader switches apps.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, DEMO_LOGIN, startReferenceServer } from '../tests/e2e/support.mjs';

const IDLE_MS = 30_000;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = await startReferenceServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const events = []; // { t, kind: 'input' | 'visible' | 'hidden' | 'sections' | 'end', set? }
const generated = new Map(); // session -> newest snapshot seen in the outbox
const delivered = []; // { session, seq, via }
let page;

try {
  const api = `${server.url}/api/v1`;
  const { token: staff } = await (await fetch(`${api}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_LOGIN),
  })).json();
  const auth = { authorization: `Bearer ${staff}` };
  const share = await (await fetch(`${api}/shares`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ target: { type: 'content', id: 'c-pricing' }, contact_id: 'k-000' }),
  })).json();
  // The demo seeds a month of readings of the article: what this run adds is measured
  // against them.
  const figures = async () => (await fetch(`${api}/contents/c-pricing/analytics`, { headers: auth })).json();
  const seeded = await figures();
  const seededDwell = new Map(seeded.sections.map((s) => [s.block_id, s.dwell_ms]));

  const context = await browser.newContext(PHONE);
  context.on('requestfinished', async (req) => {
    if (!req.url().endsWith('/public/track')) return;
    const res = await req.response().catch(() => null);
    if (res?.status() !== 204) return;
    const s = JSON.parse(req.postData() ?? '{}');
    delivered.push({ session: s.session_id, seq: s.seq, via: req.resourceType() });
  });

  // Samples the outbox: every snapshot the tracker saved passes through it.
  const sampleOutbox = async () => {
    const raw = await page.evaluate(() => localStorage.getItem('lianjie.track.outbox')).catch(() => null);
    for (const s of JSON.parse(raw ?? '[]')) {
      if ((generated.get(s.session_id)?.seq ?? 0) < s.seq) generated.set(s.session_id, s);
    }
  };
  let sampler;
  const startSampling = () => { sampler = setInterval(() => { sampleOutbox(); }, 250); };
  const stopSampling = () => clearInterval(sampler);

  const sections = async () => page.evaluate(() => {
    const vh = window.innerHeight;
    const on = [];
    for (const el of document.querySelectorAll('[data-block]')) {
      const r = el.getBoundingClientRect();
      const px = Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
      if (r.height > 0 && (px / r.height >= 0.5 || px >= vh / 2)) on.push(el.dataset.block);
    }
    return on;
  });
  const at = (kind, t, set) => events.push({ t, kind, set });
  // Scrolls by `dy`, or the other way at the end of the page; only a real scroll is
  // an input, as for a person.
  const scroll = async (dy) => {
    const { t, moved } = await page.evaluate((dy) => {
      const before = window.scrollY;
      window.scrollBy({ top: dy, behavior: 'instant' });
      if (window.scrollY === before) window.scrollBy({ top: -dy, behavior: 'instant' });
      return { t: Date.now(), moved: window.scrollY !== before };
    }, dy);
    if (moved) at('input', t);
    await sleep(50);
    at('sections', t, await sections());
  };
  const visibility = async (hidden) => {
    const t = await page.evaluate((hidden) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
      document.dispatchEvent(new Event('visibilitychange'));
      return Date.now();
    }, hidden);
    at(hidden ? 'hidden' : 'visible', t);
    // Coming back is an interaction, as in the product's rule.
    if (!hidden) at('input', t);
  };
  const read = async (ms, { scrollBy = 60, every = 2000 } = {}) => {
    const end = Date.now() + ms;
    while (Date.now() + every <= end) {
      await sleep(every);
      await scroll(scrollBy);
    }
    await sleep(Math.max(0, end - Date.now()));
  };
  const open = async (url) => {
    page = await context.newPage();
    await page.goto(url);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const t = Date.now();
    at('visible', t);
    at('input', t); // the tap that opened the link
    at('sections', t, await sections());
    startSampling();
  };

  const log = (what) => console.error(`  ${(Date.now() - started) / 1000}s ${what}`);
  const started = Date.now();
  console.error('scripted session (about two minutes):');
  await open(`${server.url}/s/${share.token}`);
  log('opened; reading and scrolling 20 s');
  await read(20_000, { scrollBy: 250 });
  log('hidden 12 s');
  await visibility(true);
  await sleep(12_000);
  await visibility(false);
  log('back; reading 10 s');
  await read(10_000);
  log('idle 38 s (counts 30 s)');
  await sleep(38_000);
  log('reading 10 s');
  await scroll(200);
  await read(10_000, { scrollBy: 200 });
  log('offline: reading 7 s, hidden 3 s, reading 5 s');
  await context.setOffline(true);
  await read(7_000, { scrollBy: -150 });
  await visibility(true);
  await sleep(3_000);
  await visibility(false);
  await read(5_000, { scrollBy: 150 });
  log('online again; reading 7 s, then the tab crashes');
  await context.setOffline(false);
  await read(7_000);
  const readerUrl = page.url();
  stopSampling();
  await sampleOutbox();
  const cdp = await context.newCDPSession(page);
  const crashed = new Promise((r) => page.once('crash', r));
  cdp.send('Page.crash').catch(() => {});
  await crashed;
  at('end', Date.now());
  log('reopened from the chat: reading 6 s, then closed');
  await open(readerUrl);
  await read(6_000, { scrollBy: 100 });
  stopSampling();
  await sampleOutbox();
  await page.close();
  at('end', Date.now());
  await sleep(3_000);

  // Ground truth, integrated at 1 ms over the recorded events.
  events.sort((a, b) => a.t - b.t);
  const truth = { visible: 0, sections: new Map() };
  let visible = false;
  let lastInput = -Infinity;
  let onScreen = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.kind === 'visible') visible = true;
    if (e.kind === 'hidden' || e.kind === 'end') visible = false;
    if (e.kind === 'input') lastInput = e.t;
    if (e.kind === 'sections') onScreen = e.set;
    const next = events[i + 1]?.t ?? e.t;
    if (!visible) continue;
    const active = Math.max(0, Math.min(next, lastInput + IDLE_MS) - e.t);
    truth.visible += active;
    for (const id of onScreen) truth.sections.set(id, (truth.sections.get(id) ?? 0) + active);
  }

  const analytics = await figures();
  const opens = analytics.stats.opens - seeded.stats.opens;
  const measured = analytics.stats.total_visible_ms - seeded.stats.total_visible_ms;
  const err = measured - truth.visible;
  const allowed = Math.max(1000, truth.visible * 0.03);
  console.log('\nTracking accuracy (reference server, headless Chromium, phone viewport)');
  console.log(`  views recorded:      ${opens} (expected 2: before the crash, after reopening)`);
  console.log(`  visible time:        measured ${(measured / 1000).toFixed(2)} s, true ${(truth.visible / 1000).toFixed(2)} s, error ${(err / 1000).toFixed(2)} s (${(100 * err / truth.visible).toFixed(2)}%); allowed ±${(allowed / 1000).toFixed(2)} s`);
  let worst = 0;
  console.log('  per section (measured / true / error, s):');
  for (const s of analytics.sections) {
    const t = truth.sections.get(s.block_id) ?? 0;
    const dwell = s.dwell_ms - (seededDwell.get(s.block_id) ?? 0);
    if (!t && !dwell) continue;
    const e = dwell - t;
    worst = Math.max(worst, Math.abs(e));
    console.log(`    ${s.block_id.padEnd(14)} ${s.label.padEnd(18)} ${(dwell / 1000).toFixed(2).padStart(7)} ${(t / 1000).toFixed(2).padStart(7)} ${(e / 1000).toFixed(2).padStart(6)}`);
  }
  console.log(`  worst section error: ${(worst / 1000).toFixed(2)} s (allowed 1 s)`);

  // Snapshots: every session's newest saved snapshot must be what the server holds.
  const radar = await (await fetch(`${api}/radar`, { headers: auth })).json();
  const held = new Map(radar.map((r) => [r.session_id, r.visible_ms]));
  let lost = 0;
  for (const [session, snap] of generated) if ((held.get(session) ?? 0) < snap.totals.visible_ms) lost += 1;
  const seen = new Set();
  let resent = 0;
  for (const d of delivered) {
    const key = `${d.session}/${d.seq}`;
    if (seen.has(key)) resent += 1;
    seen.add(key);
  }
  const saved = [...generated.values()].reduce((a, s) => a + s.seq, 0);
  const beacons = delivered.filter((d) => d.via === 'ping').length;
  console.log(`  snapshots: ${generated.size} sessions, ${saved} saved, ${delivered.length} reports seen acknowledged (${beacons} by beacon), newest snapshot missing on the server: ${lost}, re-sent: ${resent} (merged by maximum, never counted twice)`);
  if (process.env.DEBUG) console.log(JSON.stringify({ generated: [...generated].map(([k, v]) => [k, v.seq, v.totals.visible_ms]), held: [...held], delivered: delivered.map((d) => `${d.session.slice(0, 4)}/${d.seq}/${d.via}`) }));
  const doubled = measured > truth.visible + allowed;
  console.log(`  double counted: ${doubled ? 'YES' : 'no'}`);
  const ok = Math.abs(err) <= allowed && worst <= 1000 && lost === 0 && !doubled && opens === 2;
  console.log(`  verdict: ${ok ? 'within target' : 'OUTSIDE TARGET'}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  await browser.close();
  await server.close();
}
