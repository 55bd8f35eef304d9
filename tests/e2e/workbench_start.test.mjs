// A signed-in workbench opening on the reference server: the viewer's reads leave
// with the page (index.html's head script), while the app downloads, and the app
// takes each answer once, with the token it was asked with (src/api/http/early.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, OFFLINE_ERRORS, STAFF, browserSuite, heading } from './support.mjs';

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

/** Records what the page asks the server for, in order (`asked <path>`, `got <path>`),
 * and holds the app's wasm back 1.5 s, as a phone's network would. */
async function slowWasm(page) {
  const seen = [];
  const path = (r) => new URL(r.url()).pathname;
  page.on('request', (r) => seen.push(`asked ${path(r)}`));
  page.on('requestfinished', (r) => seen.push(`got ${path(r)}`));
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
    // The page's own data is read by the app, once the live events are open.
    assert.equal(count(seen, 'asked /api/v1/radar'), 1, seen.join(', '));
    assert.ok(seen.indexOf('asked /api/v1/radar') > wasm, seen.join(', '));
  }));

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
