// The workbench's shell kept on the device by the service worker (sw.js): after one
// visit the app opens without a network, while API answers are never kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AXE_BLOCKING, BACKEND, OFFLINE_ERRORS, axe, axeReport, browserSuite, enterAsStaff, heading, unreachableAlert,
} from './support.mjs';

const { url, withPage } = browserSuite();

/** Every path the page's origin keeps in Cache Storage. */
function keptPaths(page) {
  return page.evaluate(async () => {
    const paths = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
}

/** Polls `check(paths kept, controlled)` until it holds (an async predicate is not
 * awaited by `waitForFunction`). */
async function until(page, check, what) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
    if (check(await keptPaths(page), controlled)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await page.waitForTimeout(250);
  }
}

/** Waits until the service worker controls the page and has kept the shell. */
function shellKept(page) {
  return until(page, (kept, controlled) => controlled && kept.includes('/') && kept.some((p) => p.endsWith('.wasm')),
    'the shell is kept');
}

/** The modules only the in-browser default opens (`embedded_*` areas, src/split.rs). */
const localOnly = /\/split_embedded_/;

/** The split-off modules (one per area of pages) the kept loader names. */
function splitModules(page) {
  return page.evaluate(async () => {
    const cache = await caches.open('lianjie-shell');
    for (const request of await cache.keys()) {
      if (!/\/__wasm_split-[0-9a-f]+\.js$/.test(new URL(request.url).pathname)) continue;
      const loader = await (await cache.match(request)).text();
      return [...loader.matchAll(/"\.\/([^"/]+\.wasm)"/g)].map((m) => `/${m[1]}`);
    }
    return [];
  });
}

test(`after one visit the workbench opens without a network, its data never kept by the worker (${BACKEND})`, () =>
  withPage(async (page) => {
    const requested = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    const byWorker = [];
    page.context().on('request', (request) => {
      if (request.serviceWorker()) byWorker.push(new URL(request.url()).pathname);
    });
    await enterAsStaff(page, url('/radar'));
    await heading(page, 'Lead radar');
    await shellKept(page);
    const kept = await keptPaths(page);
    for (const asset of ['.js', '.wasm', '.css']) {
      assert.ok(kept.some((p) => p.endsWith(asset)), `a ${asset} file is kept: ${kept}`);
    }
    assert.deepEqual(kept.filter((p) => p.startsWith('/api/')), [], 'no API answer is kept');
    // The radar's area was asked for as the app's wasm came or once it had (the
    // page's head script, scripts/trunk-split.mjs), and that request was the one the
    // loader used: on the reference server the area's bundle, one request, its
    // modules never fetched by the page on their own; on the in-browser default, with the in-browser
    // backend's area, module by module.
    const preloaded = await page.evaluate(() =>
      [...document.querySelectorAll('link[rel="preload"][href$=".wasm"]:not([href$="_bg.wasm"])')].map((l) => new URL(l.href).pathname));
    if (BACKEND === 'http') {
      assert.deepEqual(preloaded, [], 'no module is asked for on its own');
      const bundles = requested.filter((p) => p.startsWith('/bundle_'));
      assert.equal(bundles.length, 1, `one bundle: ${bundles}`);
      assert.match(bundles[0], /^\/bundle_radar-[0-9a-f]+\.bin$/);
      const modules = requested.filter((p) => /\/(split_|chunk_)/.test(p));
      assert.deepEqual(modules, [], 'the radar\'s modules came in it');
    } else {
      assert.equal(preloaded.filter((p) => p.includes('/split_radar-')).length, 1, `the radar is preloaded: ${preloaded}`);
      assert.equal(preloaded.some((p) => p.includes('/split_inbox-')), false, 'no other area is');
      assert.equal(preloaded.some((p) => localOnly.test(p)), true, 'the in-browser backend is');
      assert.equal(new Set(preloaded).size, preloaded.length, 'each file is asked for once');
      for (const p of preloaded) {
        assert.equal(requested.filter((r) => r === p).length, 1, `${p} is fetched once`);
      }
    }
    // The radar's area came with it; the worker keeps the other areas' modules once
    // the first page is up (each after the modules it shares with others), so a page
    // never opened before opens offline too. On the reference server the in-browser
    // backend and the whole app's customer pages are never needed, nor kept.
    const modules = await splitModules(page);
    assert.ok(modules.some((m) => m.includes('split_inbox')), `the inbox is a module of its own: ${modules}`);
    const areas = modules.filter((m) => m.includes('/split_') && !(BACKEND === 'http' && localOnly.test(m)));
    await until(page, (paths) => areas.every((m) => paths.includes(m)), 'every area of pages is kept');
    // Areas mostly missing came as their bundles: a few requests, not one a module.
    const fetched = byWorker.filter((p) => /\/(split_|chunk_)/.test(p));
    assert.equal(new Set(fetched).size, fetched.length, `the worker fetched each module once: ${fetched}`);
    assert.ok(4 * fetched.length < modules.length, `${fetched.length} of ${modules.length} modules fetched one by one`);
    if (BACKEND === 'http') {
      assert.deepEqual((await keptPaths(page)).filter((p) => localOnly.test(p)), [], 'nothing of the in-browser backend');
      assert.deepEqual(requested.filter((p) => localOnly.test(p)), [], 'the page never asks for it either');
      // What came in the radar's bundle is kept from it, not downloaded again.
      const radar = await page.evaluate(async () => {
        const { areas } = await (await fetch(document.querySelector('meta[name="lianjie-areas"]').content)).json();
        return areas.find((a) => a.name === 'radar').files.map((f) => `/${f}`);
      });
      assert.deepEqual(byWorker.filter((p) => radar.includes(p)), [], 'the worker fetched none of the radar\'s modules');
    }

    const conversations = page.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await page.context().setOffline(true);
    await page.goto(url('/inbox'));
    if (BACKEND === 'http') {
      // The shell runs (its navigation is there); the data needs the server, and the
      // page says so.
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
      const alert = unreachableAlert(page);
      await alert.waitFor();
      await page.context().setOffline(false);
      await alert.getByRole('button', { name: 'Retry' }).click();
    }
    await heading(page, 'Inbox');
    // On the in-browser backend the data is on the device too: the inbox works offline.
    await conversations.first().waitFor();
    assert.deepEqual((await keptPaths(page)).filter((p) => p.startsWith('/api/')), []);
  }, { expectedErrors: OFFLINE_ERRORS }));

test(`a new version of the app arrives with its page, and the old one's files are dropped (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/'));
    await heading(page, 'Dashboard');
    await shellKept(page);
    // An asset of a build that is gone: kept under a hashed name no page names.
    const stale = '/lianjie-0123456789abcdef_bg.wasm';
    await page.evaluate(async (path) => {
      await (await caches.open('lianjie-shell')).put(path, new Response('old build'));
    }, stale);
    assert.ok((await keptPaths(page)).includes(stale));
    // Reloading fetches the page from the network first and keeps what it names.
    await page.reload();
    await heading(page, 'Dashboard');
    await until(page, (kept) => !kept.includes(stale), 'the old build is dropped');
  }));

test(`an area's bundle that does not arrive leaves its modules to be fetched one by one (${BACKEND})`,
  { skip: BACKEND !== 'http' && 'a first visit of the in-browser default fetches its modules one by one anyway' }, () =>
    withPage(async (page) => {
      const requested = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await page.route((u) => /\/bundle_\w+-[0-9a-f]+\.bin$/.test(u.pathname), (route) => route.abort('internetdisconnected'));
      await enterAsStaff(page, url('/inbox'));
      await heading(page, 'Inbox');
      assert.equal(requested.filter((p) => /^\/bundle_inbox-/.test(p)).length, 1, `the bundle was asked for: ${requested}`);
      assert.equal(requested.filter((p) => /^\/split_inbox-[0-9a-f]+\.wasm$/.test(p)).length, 1, 'then the module on its own');
    }, { serviceWorkers: 'block', expectedErrors: OFFLINE_ERRORS }));

test(`a page opened in the app before the worker has kept it comes as its area's bundle, each module once (${BACKEND})`, () =>
  withPage(async (page) => {
    const requested = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await enterAsStaff(page, url('/radar'));
    await heading(page, 'Lead radar');
    const before = requested.length;
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^Inbox/ }).click();
    await heading(page, 'Inbox');
    const later = requested.slice(before);
    assert.deepEqual(later.filter((p) => p.startsWith('/bundle_')).filter((p) => !/^\/bundle_inbox-/.test(p)), [],
      `no other area's bundle: ${later}`);
    assert.equal(later.filter((p) => /^\/bundle_inbox-[0-9a-f]+\.bin$/.test(p)).length, 1, `the inbox's bundle: ${later}`);
    assert.deepEqual(later.filter((p) => /\/(split_|chunk_)/.test(p)), [], 'no module on its own');
    const modules = requested.filter((p) => /\.(wasm|bin)$/.test(p));
    assert.equal(new Set(modules).size, modules.length, `each file once: ${modules}`);
  }, { serviceWorkers: 'block' }));

test(`a part of the app that does not arrive says so in either language, and Retry loads it (${BACKEND})`, () =>
  withPage(async (page) => {
    await enterAsStaff(page, url('/'));
    await heading(page, 'Dashboard');
    // Without the worker, which would have kept the inbox's module by now (and past the
    // server's Content-Security-Policy, which would refuse axe's script). Its bundle
    // fails too: the page then fetches the module on its own, which fails.
    const inbox = (u) => /\/(split_inbox-[0-9a-f]+\.wasm|bundle_inbox-[0-9a-f]+\.bin)$/.test(u.pathname);
    const cutOff = () => page.route(inbox, (route) => route.abort('internetdisconnected'));
    await cutOff();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /^Inbox/ }).click();
    const says = async (text) => {
      const alert = page.getByRole('alert').filter({ hasText: text });
      await alert.waitFor();
      const blocking = (await axe(page)).filter((v) => AXE_BLOCKING.has(v.impact));
      assert.deepEqual(blocking, [], axeReport(blocking));
      return alert;
    };
    const failed = await says('This part of the app could not be loaded. Check your connection and try again.');
    // The connection back, Retry fetches the part in place: the app is not loaded again.
    await page.evaluate(() => { window.sameApp = true; });
    await page.unroute(inbox);
    await failed.getByRole('button', { name: 'Retry' }).click();
    await heading(page, 'Inbox');
    assert.equal(await page.evaluate(() => window.sameApp), true, 'the app was not loaded again');

    // Opened afresh in Chinese (the page's head asks for the module at once, and fails).
    await cutOff();
    await page.goto(url('/inbox?lang=zh'));
    const alert = await says('这部分应用未能加载，请检查网络后重试。');
    const retry = alert.getByRole('button', { name: '重试' });
    // Still failing, the first Retry asks again in place, and the next loads the app
    // again (a build replaced meanwhile is found only that way).
    await retry.click();
    await alert.waitFor();
    await Promise.all([page.waitForEvent('load'), retry.click()]);
    await alert.waitFor();
    await page.unroute(inbox);
    await retry.click();
    await heading(page, '收件箱');
  }, { serviceWorkers: 'block', bypassCSP: true, expectedErrors: OFFLINE_ERRORS }));
