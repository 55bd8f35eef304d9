// A signed-in workbench opening on the reference server: its first reads leave with
// the page (index.html's head script), while the app downloads, and the app takes
// each answer once (src/api/http/early.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, DEMO_LOGIN, OFFLINE_ERRORS, browserSuite, heading } from './support.mjs';

const { url, withPage } = browserSuite();
const skip = BACKEND !== 'http' && 'only the reference server sends reads early';
const VIEWER = ['/api/v1/me', '/api/v1/org', '/api/v1/users'];

/** Opens `path` in `page` as the demo rep, signed in on an earlier visit. */
async function openSignedIn(page, path) {
  const login = await fetch(url('/api/v1/auth/login'), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_LOGIN),
  });
  const { token } = await login.json();
  await page.addInitScript((t) => localStorage.setItem('lianjie.http.token', t), token);
  await page.goto(url(path));
}

/** Waits until the radar shows its first line. */
async function radarShown(page) {
  await heading(page, 'Lead radar');
  await page.getByRole('listitem').filter({ has: page.getByText(/^visit \d+$/) }).first().waitFor();
}

/** Waits until the dashboard shows today's figures. */
async function dashboardShown(page) {
  await heading(page, 'Dashboard');
  await page.getByRole('region', { name: 'Summary' }).waitFor();
}

/** What the page asked the server for, in order: `asked <path>` and `got <path>`. */
function record(page) {
  const seen = [];
  const path = (r) => new URL(r.url()).pathname;
  page.on('request', (r) => seen.push(`asked ${path(r)}`));
  page.on('requestfinished', (r) => seen.push(`got ${path(r)}`));
  return seen;
}

for (const [path, shown, reads] of [
  ['/radar', radarShown, ['/api/v1/radar', '/api/v1/contents']],
  ['/', dashboardShown, ['/api/v1/today']],
]) {
  test(`${path}: a signed-in rep's first reads leave before the app has downloaded, each once`, { skip }, () =>
    withPage(async (page) => {
      const seen = record(page);
      // A phone's network: the app's wasm takes a while to arrive.
      await page.route(/_bg\.wasm$/, async (route) => {
        await new Promise((done) => setTimeout(done, 1500));
        await route.continue();
      });
      await openSignedIn(page, path);
      await shown(page);
      const wasm = seen.findIndex((s) => /^got \/lianjie-[0-9a-f]+_bg\.wasm$/.test(s));
      assert.ok(wasm > 0, `the app's wasm was fetched: ${seen.join(', ')}`);
      for (const read of [...VIEWER, ...reads]) {
        const asked = seen.filter((s) => s === `asked ${read}`);
        assert.equal(asked.length, 1, `${read} asked once: ${seen.join(', ')}`);
        assert.ok(seen.indexOf(`asked ${read}`) < wasm, `${read} asked before the wasm arrived: ${seen.join(', ')}`);
      }
    }));
}

test('an early read that failed is asked again, and the page reads as usual', { skip }, () =>
  withPage(async (page) => {
    const seen = record(page);
    let failed = 0;
    await page.route((u) => u.pathname === '/api/v1/radar', (route) => {
      if (failed++ === 0) return route.fulfill({ status: 503, contentType: 'application/json', body: '{}' });
      return route.continue();
    });
    await openSignedIn(page, '/radar');
    await radarShown(page);
    assert.equal(seen.filter((s) => s === 'asked /api/v1/radar').length, 2, seen.join(', '));
    // The early answers of the reads that succeeded were taken, not asked again.
    assert.equal(seen.filter((s) => s === 'asked /api/v1/me').length, 1, seen.join(', '));
  }, { expectedErrors: [...OFFLINE_ERRORS, /503/] }));
