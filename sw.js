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
// fetched from the network, assets it no longer names are dropped. An area's bundle
// (its modules in one file) is never kept whole: it is cut into the modules, kept.

const CACHE = 'lianjie-shell';
const SHELL = '/';
const NAVIGATION_WAIT_MS = 4000;
const PASS_THROUGH = /^\/(api|c|s|chat|files|channels|customer)(\/|$)/;
// Trunk names build outputs `name-<hex>.ext` (up to 16 digits: leading zeros go).
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.[a-z]+$/;
const BUNDLE = /^\/bundle_\w+-[0-9a-f]{8,16}\.bin$/;
// Root-relative asset paths a page names: its script, wasm, styles and icons.
const ASSET = /["'](\/[^"'\s?#]+\.(?:js|wasm|css|json|svg|png|webmanifest))["']/g;

// The workbench's split-off areas (scripts/trunk-split.mjs writes them, the page names
// them in its `lianjie-areas` meta): `{ areas: [{ name, server, files, sizes, bundle }] }`,
// each area's shared modules then its own (and their sizes), fetched (and kept) when a
// page first needs them, and the bundle holding them all, which a first visit fetches.
const AREAS = /<meta name="lianjie-areas" content="([^"]+)"/;

function assetsOf(html) {
  const found = new Set();
  for (const m of html.matchAll(ASSET)) {
    if (!PASS_THROUGH.test(m[1])) found.add(m[1]);
  }
  return [...found];
}

/** The areas the kept page `html` names, `[]` for a build of one module. */
async function areasOf(cache, html) {
  const path = AREAS.exec(html)?.[1];
  const kept = path ? await cache.match(path) : undefined;
  if (!kept) return [];
  try {
    return (await kept.json()).areas ?? [];
  } catch {
    return [];
  }
}

/** The areas a workbench may open (`server`: on the reference server, which never
 * opens the in-browser backend's). */
function openable(areas, server) {
  return areas.filter((area) => !server || area.server);
}

/** The modules of `areas`, in the order to keep them. */
function modulesOf(areas) {
  return [...new Set(areas.flatMap((area) => area.files.map((file) => `/${file}`)))];
}

/** The modules of `area` the cache lacks. */
async function missingOf(cache, area) {
  const missing = [];
  for (const module of modulesOf([area])) {
    if (!(await cache.match(module))) missing.push(module);
  }
  return missing;
}

// The shell being kept after a navigation: the modules to keep are those of its areas,
// so a request to keep them waits for it.
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
  const areas = openable(await areasOf(cache, html), server);
  // First what the browser has in a bundle already, so no module of it is fetched
  // again for another area that shares it; then, area by area, the bundle of one that
  // is mostly missing (one request, not one a module: there are some 140), its
  // modules fetched on their own when most are kept already.
  for (const mode of ['only-if-cached', 'default']) {
    for (const area of areas) {
      const missing = await missingOf(cache, area);
      if (missing.length > 0 && (mode === 'only-if-cached' || mostly(area, missing))) {
        await keepFromBundle(cache, area, missing, mode);
      }
    }
  }
  for (const module of modulesOf(areas)) {
    // A module that fails now is fetched (and kept) when a page needs it.
    if (!(await cache.match(module))) await keepAsset(cache, module).catch(() => {});
  }
}

/** Whether `missing` is at least three quarters of `area`'s bytes: then its bundle
 * costs a quarter more bytes at most, against a request for each module. */
function mostly(area, missing) {
  if (!area.sizes) return false;
  const bytes = (pick) => area.files.reduce((total, file, i) => total + (pick(`/${file}`) ? area.sizes[i] : 0), 0);
  return 4 * bytes((file) => missing.includes(file)) >= 3 * bytes(() => true);
}

/** Keeps `missing` (modules of `area`) from the area's bundle, fetched with the
 * `cache` mode given. `only-if-cached`: only if the browser has it already (a first
 * visit on the reference server fetched its area as the bundle, so its modules are
 * nowhere else, and fetching them again would download them twice). */
async function keepFromBundle(cache, area, missing, mode) {
  if (!area.bundle || !area.sizes) return;
  try {
    const response = await fetch(`/${area.bundle}`, { cache: mode, mode: 'same-origin' });
    if (response.ok) await cutBundle(cache, area, missing, await response.arrayBuffer());
  } catch {
    // Not kept now: fetched (and kept) module by module, or when a page needs it.
  }
}

/** Keeps `missing` (modules of `area`) cut from `bundle`, the area's bundle. */
async function cutBundle(cache, area, missing, bundle) {
  if (bundle.byteLength !== area.sizes.reduce((total, size) => total + size, 0)) return;
  let at = 0;
  for (const [i, file] of area.files.entries()) {
    const from = at;
    at += area.sizes[i];
    if (!missing.includes(`/${file}`)) continue;
    const headers = { 'content-type': 'application/wasm' };
    await cache.put(`/${file}`, new Response(bundle.slice(from, at), { headers }));
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
 * names, except split-off modules of its areas. */
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
  const wanted = new Set([...assets, ...modulesOf(await areasOf(cache, html))]);
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

/** An area's bundle, which a page fetches for an area it opens: from the network,
 * and the modules it holds kept (not the bundle: kept whole too, it would be held
 * twice), so the area opens offline too. */
async function bundle(event) {
  const response = await fetch(event.request);
  if (response.ok) {
    const path = new URL(event.request.url).pathname;
    const copy = response.clone();
    event.waitUntil((async () => {
      const cache = await caches.open(CACHE);
      const shell = await cache.match(SHELL);
      const area = shell && (await areasOf(cache, await shell.text())).find((a) => `/${a.bundle}` === path);
      if (!area?.sizes) return;
      await cutBundle(cache, area, await missingOf(cache, area), await copy.arrayBuffer());
    })().catch(() => {}));
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || PASS_THROUGH.test(url.pathname)) {
    return;
  }
  if (request.mode === 'navigate') event.respondWith(navigate(event));
  else event.respondWith(BUNDLE.test(url.pathname) ? bundle(event) : asset(request));
});
