// A signed-in workbench opening on the reference server: the viewer's reads leave
// with the page (index.html's head script), while the app downloads, and the app
// takes each answer once, with the token it was asked with (src/api/http/early.rs);
// the live events start from what the first answers held, so nothing falls between.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, OFFLINE_ERRORS, SLOW_4G, STAFF, browserSuite, heading, shareAsRep } from './support.mjs';

const { url, withPage } = browserSuite();
const skip = BACKEND !== 'http' && 'only the reference server sends reads early';
const VIEWER = ['/api/v1/me', '/api/v1/org', '/api/v1/users'];

/** A session token of `who` (a key of STAFF). */
async function tokenOf(who) {
  const login = await fetch(url('/api/v1/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: STAFF[who].email, password: 'lianjie-demo' }),
  });
  return (await login.json()).token;
}

/** Records what the page asks the server for, in order (`asked <path>`, `got <path>`). */
function record(page) {
  const seen = [];
  const path = (r) => new URL(r.url()).pathname;
  page.on('request', (r) => seen.push(`asked ${path(r)}`));
  page.on('requestfinished', (r) => seen.push(`got ${path(r)}`));
  return seen;
}

/** [`record`], holding the app's wasm back 1.5 s, as a phone's network would. */
async function slowWasm(page) {
  const seen = record(page);
  await page.route(/_bg\.wasm$/, async (route) => {
    await new Promise((done) => setTimeout(done, 1500));
    await route.continue();
  });
  return seen;
}

/** Opens the lead radar as whoever `token` is, signed in on an earlier visit, and
 * waits for its first line. */
async function openRadar(page, token) {
  await page.addInitScript((t) => localStorage.setItem('lianjie.http.token', t), token);
  await page.goto(url('/radar'));
  await heading(page, 'Lead radar');
  await page.getByRole('listitem').filter({ has: page.getByText(/^visit \d+$/) }).first().waitFor();
}

const count = (seen, entry) => seen.filter((s) => s === entry).length;

/** A customer opens the pricing article the rep shared and reads it for `visibleMs`. */
async function customerReads(visibleMs) {
  const share = await shareAsRep(url(''), { target: { type: 'content', id: 'c-pricing' }, contact_id: 'k-000', channel: 'wechat' });
  const opened = await (await fetch(url(`/api/v1/public/shares/${share.token}`))).json();
  const tracked = await fetch(url('/api/v1/public/track'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      session_id: opened.session_id, share_token: opened.share.token, reader_token: opened.child_token, seq: 1,
      totals: { visible_ms: visibleMs, max_scroll_pct: 64, video_ms: 0, sections: {}, actions: [] },
    }),
  });
  assert.ok(tracked.ok, `tracked: ${tracked.status}`);
}

const wasmArrived = (seen) => seen.findIndex((s) => /^got \/lianjie-[0-9a-f]+_bg\.wasm$/.test(s));

test('a signed-in rep\'s viewer reads leave before the app has downloaded, each once', { skip }, () =>
  withPage(async (page) => {
    const seen = await slowWasm(page);
    await openRadar(page, await tokenOf('rep'));
    const wasm = wasmArrived(seen);
    assert.ok(wasm > 0, `the app's wasm was fetched: ${seen.join(', ')}`);
    for (const read of VIEWER) {
      assert.equal(count(seen, `asked ${read}`), 1, `${read} asked once: ${seen.join(', ')}`);
      assert.ok(seen.indexOf(`asked ${read}`) < wasm, `${read} asked before the wasm arrived: ${seen.join(', ')}`);
    }
    // The radar's own reads leave with them, and are taken.
    for (const read of ['/api/v1/radar', '/api/v1/contents']) {
      assert.equal(count(seen, `asked ${read}`), 1, `${read} asked once: ${seen.join(', ')}`);
      assert.ok(seen.indexOf(`asked ${read}`) < wasm, `${read} asked before the wasm arrived: ${seen.join(', ')}`);
    }
  }));

test('home\'s reads leave with the page too, and are taken', { skip }, () =>
  withPage(async (page) => {
    const seen = await slowWasm(page);
    await page.addInitScript((t) => localStorage.setItem('lianjie.http.token', t), await tokenOf('rep'));
    await page.goto(url('/'));
    await heading(page, 'Dashboard');
    await page.getByRole('region', { name: 'Summary' }).waitFor();
    const wasm = wasmArrived(seen);
    for (const read of ['/api/v1/today', '/api/v1/customers/due-back']) {
      assert.equal(count(seen, `asked ${read}`), 1, `${read} asked once: ${seen.join(', ')}`);
      assert.ok(seen.indexOf(`asked ${read}`) < wasm, `${read} asked before the wasm arrived: ${seen.join(', ')}`);
    }
    // Only the page the address opens: not the radar's.
    assert.equal(count(seen, 'asked /api/v1/radar'), 0, seen.join(', '));
  }));

test('on a slow network the radar\'s bundle is asked for before the app\'s wasm has arrived, each once', { skip }, () =>
  withPage(async (page) => {
    const seen = record(page);
    // A phone's slow 4G, as the benches have it: the wasm takes about two seconds.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await openRadar(page, await tokenOf('rep'));
    const wasm = seen.filter((s) => /^asked \/lianjie-[0-9a-f]+_bg\.wasm$/.test(s));
    const bundle = seen.filter((s) => /^asked \/bundle_radar-[0-9a-f]+\.bin$/.test(s));
    assert.equal(wasm.length, 1, `the wasm fetched once: ${seen.join(', ')}`);
    assert.equal(bundle.length, 1, `the bundle fetched once: ${seen.join(', ')}`);
    // Its first bytes follow the wasm's last: asked near the end of the wasm's
    // download, not once it was done, nor at its start, where the two would share the
    // network (scripts/trunk-split.mjs, preloadScript).
    const [app, area] = await page.evaluate(() => [/_bg\.wasm$/, /\/bundle_radar-/]
      .map((re) => performance.getEntriesByType('resource').find((e) => re.test(e.name))));
    const when = `the bundle asked at ${area.startTime} ms, the wasm from ${app.startTime} to ${app.responseEnd} ms`;
    assert.ok(area.startTime < app.responseEnd, when);
    assert.ok(area.startTime > app.startTime + 0.7 * (app.responseEnd - app.startTime), when);
  }));

test('the radar\'s early read is asked again when live events overtook it before the radar showed', { skip }, () =>
  withPage(async (page) => {
    const seen = await slowWasm(page);
    // The radar's own module is held back, so the rep moves on before it shows (its
    // bundle fails: the modules it shares with the inbox come one by one).
    let release;
    const held = new Promise((done) => { release = done; });
    await page.route(/\/bundle_radar-[0-9a-f]+\.bin$/, (route) => route.abort());
    await page.route(/\/split_radar-[0-9a-f]+\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.addInitScript((t) => localStorage.setItem('lianjie.http.token', t), await tokenOf('rep'));
      // What the app's event stream delivers, seen from the page.
      await page.addInitScript(() => {
        globalThis.__heard = [];
        const Source = globalThis.EventSource;
        globalThis.EventSource = class extends Source {
          constructor(...args) {
            super(...args);
            this.addEventListener('message', (e) => globalThis.__heard.push(e.data));
          }
        };
      });
      await page.goto(url('/radar'));
      await page.getByRole('link', { name: 'Inbox', exact: true }).first().click();
      await heading(page, 'Inbox');
      // Meanwhile a customer reads: the event reaches the app while no radar listens.
      await customerReads(4_261_000);
      // The app hears it (the reading's own event, the last), then the rep goes back.
      await page.waitForFunction(() => globalThis.__heard.some((e) => e.includes('"visible_ms":4261000')), null, { timeout: 10_000 });
      // Past the hub's burst window (src/api/event_hub.rs, 500 ms): the radar, once
      // there, gets no held event to read again on.
      await page.waitForTimeout(600);
      release();
      await page.getByRole('link', { name: 'Lead radar', exact: true }).first().click();
      await page.getByRole('listitem').filter({ hasText: 'Read time 1h 11m' }).waitFor({ timeout: 10_000 });
    } finally {
      release();
    }
    assert.equal(count(seen, 'asked /api/v1/radar'), 2, seen.join(', '));
  }, { expectedErrors: [/ERR_FAILED/] }));

test('an early read that failed is asked again, and the page reads as usual', { skip }, () =>
  withPage(async (page) => {
    const seen = await slowWasm(page);
    let failed = 0;
    await page.route((u) => u.pathname === '/api/v1/org', (route) => {
      if (failed++ === 0) return route.fulfill({ status: 503, contentType: 'application/json', body: '{}' });
      return route.continue();
    });
    await openRadar(page, await tokenOf('rep'));
    const wasm = wasmArrived(seen);
    const asked = seen.flatMap((s, i) => (s === 'asked /api/v1/org' ? [i] : []));
    assert.equal(asked.length, 2, seen.join(', '));
    assert.ok(asked[0] < wasm && asked[1] > wasm, `the early read failed, the app's own succeeded: ${seen.join(', ')}`);
    // The early answers of the reads that succeeded were taken, not asked again.
    assert.equal(count(seen, 'asked /api/v1/me'), 1, seen.join(', '));
  }, { expectedErrors: [...OFFLINE_ERRORS, /503/] }));

test('a session that has ended is found by the early reads alone', { skip }, () =>
  withPage(async (page) => {
    const seen = await slowWasm(page);
    await page.addInitScript(() => localStorage.setItem('lianjie.http.token', 'ended-session-token-000000000000'));
    await page.goto(url('/radar'));
    await heading(page, 'Sign in');
    for (const read of VIEWER) assert.equal(count(seen, `asked ${read}`), 1, seen.join(', '));
    assert.ok(seen.indexOf('asked /api/v1/me') < wasmArrived(seen), seen.join(', '));
  }, { expectedErrors: [/401/] }));

test('early answers asked with another session\'s token are not taken', { skip }, () =>
  withPage(async (page) => {
    const seen = await slowWasm(page);
    const [rep, manager] = [await tokenOf('rep'), await tokenOf('manager')];
    // The rep's page asked early; before the app ran, another tab signed the manager in.
    page.on('requestfinished', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/users') {
        page.evaluate((t) => localStorage.setItem('lianjie.http.token', t), manager).catch(() => {});
      }
    });
    await openRadar(page, rep);
    await page.getByRole('group', { name: 'Account' }).getByText(STAFF.manager.name).waitFor();
    for (const read of VIEWER) assert.equal(count(seen, `asked ${read}`), 2, seen.join(', '));
  }));

test('the inbox reads who is signed in and their colleagues from the viewer, not again', { skip }, () =>
  withPage(async (page) => {
    const seen = await slowWasm(page);
    await openRadar(page, await tokenOf('rep'));
    const before = seen.length;
    await page.getByRole('link', { name: 'Inbox', exact: true }).first().click();
    await heading(page, 'Inbox');
    const list = page.getByRole('region', { name: 'Conversations' });
    await list.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().getByRole('link').click();
    // Staff to assign to come from the viewer: the whole team, the rep among them.
    const assignee = page.getByRole('toolbar', { name: 'Conversation actions' })
      .getByRole('combobox', { name: /^Assignee/ });
    await assignee.locator('option', { hasText: STAFF.rep.name }).waitFor({ state: 'attached' });
    const since = seen.slice(before);
    assert.ok(since.includes('asked /api/v1/conversations'), since.join(', '));
    for (const read of VIEWER) assert.equal(count(since, `asked ${read}`), 0, since.join(', '));
  }));

test('a reading between the radar\'s first read and its live events still reaches the radar', { skip }, () =>
  withPage(async (page) => {
    // The page's event stream is held back until a customer has read.
    let release;
    const held = new Promise((done) => { release = done; });
    const streams = [];
    await page.route((u) => u.pathname === '/api/v1/events', async (route) => {
      streams.push(new URL(route.request().url()));
      await held;
      await route.continue();
    });
    try {
      await openRadar(page, await tokenOf('rep'));
      await customerReads(4_321_000);
      release();
      // 72 minutes of reading, on no line before.
      await page.getByRole('listitem').filter({ hasText: 'Read time 1h 12m' }).waitFor({ timeout: 10_000 });
    } finally {
      release();
    }
    assert.match(streams[0].search, /[?&]last_event_id=\d+/);
  }));
