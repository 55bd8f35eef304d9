// Lianjie's service worker: keeps the workbench's shell (the page, its script,
// WebAssembly, styles and icons) on the device, so after the first visit the app
// opens without downloading it again, and opens at all without a network. With the
// in-browser backend everything then works offline; with a server, the pages say
// they cannot reach it and offer Retry.
//
// Never cached: API answers (`/api/`), and whatever a server renders or serves per
// request (customer links, files, channel callbacks, the slim customer build).
//
// Pages: network first (a new version arrives with its page), the cached page when
// the network fails or takes longer than NAVIGATION_WAIT_MS. Build assets (hashed
// names, never changed): from the cache, fetched and kept on a miss; the pages' split-off
// modules too, all of them once the app says its first page has arrived. After each page
// fetched from the network, assets it no longer names are dropped.

const CACHE = 'lianjie-shell';
const SHELL = '/';
const NAVIGATION_WAIT_MS = 4000;
const PASS_THROUGH = /^\/(api|c|s|chat|files|channels|customer)(\/|$)/;
// Trunk names build outputs `name-<hex>.ext` (up to 16 digits: leading zeros go).
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.[a-z]+$/;
// Root-relative asset paths a page names: its script, wasm, styles and icons.
const ASSET = /["'](\/[^"'\s?#]+\.(?:js|wasm|css|svg|png|webmanifest))["']/g;

// The split-off modules' loader (scripts/trunk-split.mjs) and the modules it names,
// which are fetched (and kept) when a page first needs them.
const LOADER = /\/__wasm_split-[0-9a-f]{16}\.js$/;
const LOADED_LATER = /"\.\/([^"/]+-[0-9a-f]{16}\.wasm)"/g;

function assetsOf(html) {
  const found = new Set();
  for (const m of html.matchAll(ASSET)) {
    if (!PASS_THROUGH.test(m[1])) found.add(m[1]);
  }
  return [...found];
}

/** The split-off modules named by the loader among `assets` (as kept in `cache`). */
async function modulesOf(cache, assets) {
  const modules = [];
  for (const path of assets.filter((p) => LOADER.test(p))) {
    const loader = await cache.match(path);
    const text = loader ? await loader.text() : '';
    for (const m of text.matchAll(LOADED_LATER)) modules.push(`/${m[1]}`);
  }
  return modules;
}

// The loader's areas: `export const __wasm_split_load_<area> = ... "./<module>" ...
// [<shared module variables>]`, the shared ones declared `const __chunk_<n> = ...`.
const SHARED = /const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g;
const AREA = /export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[\s\S]*?, \[([^\]]*)\]\)\)/g;
// Areas a workbench on the reference server never opens (src/lazy_pages.rs, src/lib.rs):
// the in-browser backend, and the whole app's customer pages (the server serves its
// slim build for those).
const LOCAL_ONLY = new Set(['local_backend', 'customer_pages']);

/** The modules of every area the workbench may open (`server`: on the reference
 * server), from the loader's text. */
function modulesToKeep(loader, server) {
  const shared = new Map([...loader.matchAll(SHARED)].map((m) => [m[1], m[2]]));
  const modules = new Set();
  for (const [, area, module, deps] of loader.matchAll(AREA)) {
    if (server && LOCAL_ONLY.has(area)) continue;
    // The shared modules first: once an area's own module is kept, all it needs is.
    for (const dep of deps.split(',')) if (shared.has(dep.trim())) modules.add(shared.get(dep.trim()));
    modules.add(module);
  }
  // A loader of another shape: every module it names.
  if (modules.size === 0) for (const m of loader.matchAll(LOADED_LATER)) modules.add(m[1]);
  return [...modules].map((m) => `/${m}`);
}

// The shell being kept after a navigation: the modules to keep are the ones its loader
// names, so a request to keep them waits for it.
let keeping = Promise.resolve();

/** Keeps the split-off modules the kept shell's pages need and the cache lacks, one at
 * a time: the app asks once its first page has arrived, so they never compete with
 * it, and every page then opens offline too. */
async function keepModules() {
  await keeping.catch(() => {});
  const cache = await caches.open(CACHE);
  const shell = await cache.match(SHELL);
  if (!shell) return;
  const html = await shell.text();
  const server = /name="lianjie-backend" content="http"/.test(html);
  for (const path of assetsOf(html).filter((p) => LOADER.test(p))) {
    const loader = await cache.match(path);
    if (!loader) continue;
    for (const module of modulesToKeep(await loader.text(), server)) {
      // A module that fails now is fetched (and kept) when a page needs it.
      if (!(await cache.match(module))) await keepAsset(cache, module).catch(() => {});
    }
  }
}

/** Fetches and keeps a build file, never a page in its place (a server answering an
 * unknown path with the app's page). */
async function keepAsset(cache, path) {
  const response = await fetch(path);
  if (keepable(response)) await cache.put(path, response.clone());
  return response;
}

function keepable(response) {
  return response.ok && !(response.headers.get('content-type') ?? '').includes('text/html');
}

/** Keeps `page` (the shell) and every asset it names; drops hashed assets it no longer
 * names, except split-off modules its loader still names. */
async function keepShell(cache, page) {
  const html = await page.clone().text();
  const assets = assetsOf(html);
  await Promise.all(
    // Hashed assets never change; the others (icons, manifest) are fetched again.
    assets.map(async (path) => {
      if (!(HASHED.test(path) && (await cache.match(path)))) await cache.add(path);
    }),
  );
  await cache.put(SHELL, page);
  const wanted = new Set([...assets, ...(await modulesOf(cache, assets))]);
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (HASHED.test(path) && !wanted.has(path)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const page = await fetch(SHELL, { cache: 'no-cache' });
      if (page.ok) await keepShell(await caches.open(CACHE), page);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'keep-modules') event.waitUntil(keepModules());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

/** The page from the network within NAVIGATION_WAIT_MS, else the kept shell. A page from
 * the network is kept as the shell afterwards (its new assets are fetched then, not
 * before the page is shown). */
function navigate(event) {
  const network = fetch(event.request);
  event.waitUntil(
    network
      .then(async (response) => {
        const html = (response.headers.get('content-type') ?? '').includes('text/html');
        if (!response.ok || !html) return;
        // Cloned at once: the page's own copy is being read.
        const page = response.clone();
        keeping = keepShell(await caches.open(CACHE), page);
        await keeping;
      })
      .catch(() => {}),
  );
  const late = new Promise((resolve) => setTimeout(resolve, NAVIGATION_WAIT_MS));
  return (async () => {
    const first = await Promise.race([network.catch(() => undefined), late]);
    if (first) return first;
    const kept = await caches.match(SHELL);
    // Nothing kept yet: the network's answer (or its failure) is all there is.
    return kept ?? network;
  })();
}

/** Hashed build assets from the cache (kept on a miss); anything else from the
 * network, or as kept when the network fails. */
async function asset(request) {
  const path = new URL(request.url).pathname;
  if (HASHED.test(path)) {
    const kept = await caches.match(request);
    if (kept) return kept;
    const response = await fetch(request);
    if (keepable(response)) await (await caches.open(CACHE)).put(request, response.clone());
    return response;
  }
  try {
    return await fetch(request);
  } catch (offline) {
    return (await caches.match(request)) ?? Promise.reject(offline);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || PASS_THROUGH.test(url.pathname)) {
    return;
  }
  event.respondWith(request.mode === 'navigate' ? navigate(event) : asset(request));
});
