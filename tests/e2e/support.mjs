// Shared helpers for the end-to-end tests: a static server for dist/ with the SPA
// fallback the app needs for deep links, and Debian's Chromium driven by playwright-core.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { after, before } from 'node:test';
import assert from 'node:assert/strict';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

export const DIST = resolve(process.env.LIANJIE_DIST ?? 'dist');

/** Serves `root` on an ephemeral loopback port; unknown paths get index.html. */
export async function serveDist(root = DIST) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    let file = join(root, path);
    if (!file.startsWith(root) || !(await stat(file).then((s) => s.isFile(), () => false))) {
      file = join(root, 'index.html');
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Which backend the app under test uses: `local` (default) or `http`. */
export const BACKEND = process.env.LIANJIE_E2E_BACKEND ?? 'local';
export const SERVER_BIN = resolve(process.env.LIANJIE_SERVER_BIN ?? 'target/debug/lianjie-server');
/** The demo staff the tests act as, by role (password `lianjie-demo` on the server). */
export const STAFF = {
  rep: { id: 'u-wanglei', email: 'wang-lei@lianjie.example', name: '王磊' },
  manager: { id: 'u-chengang', email: 'chen-gang@lianjie.example', name: '陈刚' },
  southManager: { id: 'u-sunyue', email: 'sun-yue@lianjie.example', name: '孙悦' },
  // Joined this month: the dashboard shows her where to start.
  newRep: { id: 'u-emily', email: 'emily-chen@lianjie.example', name: 'Emily Chen' },
  agent: { id: 'u-zhaomin', email: 'zhaomin@lianjie.example', name: '赵敏' },
  admin: { id: 'u-admin', email: 'admin@lianjie.example', name: 'Admin 管理员' },
};
export const DEMO_LOGIN = { email: STAFF.rep.email, password: 'lianjie-demo' };

/**
 * Starts the reference server on an ephemeral loopback port with a fresh database,
 * serving dist/ (which switches the app to the http backend).
 */
export async function startReferenceServer(root = DIST) {
  const dir = mkdtempSync(join(tmpdir(), 'lianjie-e2e-'));
  const child = spawn(SERVER_BIN, [], {
    env: { ...process.env, LIANJIE_DEMO: '1', LIANJIE_ADDR: '127.0.0.1:0', LIANJIE_DB: join(dir, 'e2e.db'), LIANJIE_DIST: root },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) ok(m[1]);
    });
    child.on('exit', (code) => fail(new Error(`server exited with ${code}: ${out}`)));
  });
  return {
    url,
    close: async () => {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A phone's slow 4G, for DevTools' `Network.emulateNetworkConditions` (the benches
 * and the e2e test of the workbench's first download): 1.6 Mbps down, 750 kbps up,
 * 150 ms round trip. */
export const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** The errors each page opened by `openPage` has logged, for a failure to name. */
const PAGE_ERRORS = new WeakMap();

/** Opens a page that records every console error and uncaught exception. */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  PAGE_ERRORS.set(page, errors);
  return { context, page, errors };
}

/** What `page` shows and has logged, for the message of a wait that ran out: a page
 * that never rendered is told apart from one that rendered something else. */
export async function pageState(page) {
  const shown = await page
    .evaluate(() => `${document.readyState}; ${document.title}; body: ${(document.body?.innerText ?? '').replace(/\s+/g, ' ').slice(0, 300)}`)
    .catch((e) => `unreadable (${e.message})`);
  const errors = (PAGE_ERRORS.get(page) ?? []).slice(-8);
  return `${page.url()}: ${shown}${errors.length ? `\nlogged:\n${errors.join('\n')}` : ''}`;
}

/** A link the demo rep makes over the API of the server at `base` (another device's
 * share: the test's page does not see it being made). */
export async function shareAsRep(base, share) {
  const api = `${base}/api/v1`;
  const { token } = await (await fetch(`${api}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_LOGIN),
  })).json();
  return (await fetch(`${api}/shares`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(share),
  })).json();
}

/** Signs in on the sign-in form as `who` (a key of STAFF). */
async function signIn(page, who) {
  await heading(page, 'Sign in');
  await page.getByLabel('Email').fill(STAFF[who].email);
  await page.getByLabel('Password').fill(DEMO_LOGIN.password);
  await page.getByRole('button', { name: 'Sign in now' }).click();
  // Signed in once the form has gone (the session is stored by then).
  await page.getByRole('heading', { level: 1, name: 'Sign in', exact: true })
    .waitFor({ state: 'detached', timeout: 15_000 });
}

/** Opens `href` as `who` (a key of STAFF, the rep by default): with the http backend
 * staff sign in; the in-browser backend acts as whoever this browser chose under
 * "Signed in as", set here before the first load (later switches are kept). */
export async function enterAsStaff(page, href, who = 'rep') {
  if (BACKEND === 'http') {
    await page.goto(href);
    await signIn(page, who);
    return;
  }
  await page.addInitScript(([key, id]) => {
    if (!sessionStorage.getItem('e2e.signed-in-as')) {
      localStorage.setItem(key, JSON.stringify(id));
      sessionStorage.setItem('e2e.signed-in-as', '1');
    }
  }, ['lianjie.local.me', STAFF[who].id]);
  await page.goto(href);
}

/** Becomes `who` in the page: signs out and in again over http, or picks them under
 * "Signed in as" on the in-browser backend (which reloads the page). */
export async function switchTo(page, who) {
  if (BACKEND === 'http') {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, who);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return;
  }
  const select = page.getByRole('combobox', { name: 'Signed in as' });
  await Promise.all([page.waitForEvent('load'), select.selectOption(STAFF[who].id)]);
  await page.waitForFunction((id) => document.querySelector('#signed-in-as option:checked')?.value === id
    && document.querySelector('#signed-in-as').options.length > 1, STAFF[who].id);
}

/** Waits for the page's single level-1 heading with exactly this name. */
export function heading(page, name) {
  return page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ timeout: 15_000 });
}

/**
 * Registers one static server and one browser for the calling test file, and returns
 * `{ url(path), withPage(fn, contextOptions) }`. `withPage` gives `fn` a fresh page in
 * a fresh context and fails the test if the page logged any console or page error.
 */
export function browserSuite() {
  let server;
  let browser;
  before(async () => {
    server = BACKEND === 'http' ? await startReferenceServer() : await serveDist();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    url: (path = '/') => server.url + path,
    browser: () => browser,
    /** `expectedErrors`: patterns of console errors the test provokes on purpose. */
    async withPage(fn, { expectedErrors = [], ...options } = {}) {
      const { context, page, errors } = await openPage(browser, options);
      try {
        await fn(page);
        const unexpected = errors.filter((e) => !expectedErrors.some((re) => re.test(e)));
        assert.deepEqual(unexpected, [], 'no console or page errors');
      } finally {
        await context.close();
      }
    },
  };
}

/** Console errors a page logs while a test cuts its network on purpose. */
export const OFFLINE_ERRORS = [/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/];

/** The alert inside `scope` saying the server could not be reached. */
export function unreachableAlert(scope) {
  return scope.getByRole('alert').filter({ hasText: 'Could not reach the server' });
}

/** Waits until the customer page in `page` runs its script: on the reference server,
 * the first paint (the page itself, working before any script) is either kept by the
 * reader, which has opened the view (`data-view="open"`), or taken over by the app;
 * in the in-browser backend the app renders the page. */
export async function customerPageRuns(page) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ran = await page.evaluate(() => {
      const paint = document.getElementById('first-paint');
      return !paint || paint.dataset.view === 'open';
    });
    if (ran) break;
    if (Date.now() > deadline) throw new Error('the customer page did not run its script within 15 s');
    await page.waitForTimeout(100);
  }
  await page.getByText('This page records viewing and reading time').waitFor();
}

export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** A customer's phone: another browser on the reference server; on the in-browser
 * backend the data lives in this browser, so another tab at a phone's size. */
export async function customerPhone(suite, staffPage) {
  if (BACKEND === 'http') {
    const { context, page } = await openPage(suite.browser(), PHONE);
    return { page, close: () => context.close() };
  }
  const page = await staffPage.context().newPage();
  await page.setViewportSize(PHONE.viewport);
  return { page, close: async () => {} };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** The impacts a test fails on. */
export const AXE_BLOCKING = new Set(['serious', 'critical']);

/** What axe-core finds on the page as it is (WCAG 2.x A/AA). */
export async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
  }).then((r) => r.violations.map(({ id, impact, help, nodes }) => ({
    id, impact, help, nodes: nodes.map((n) => ({ target: n.target })),
  }))), AXE_TAGS);
}

/** Violations, one paragraph per rule. */
export function axeReport(violations) {
  return violations.map((v) => {
    const targets = v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}`).join('\n');
    const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : '';
    return `  ${v.id} (${v.impact}, ${v.nodes.length} nodes): ${v.help}\n${targets}${more}`;
  }).join('\n');
}
