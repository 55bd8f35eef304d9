// Trunk's post-build hook (Trunk.toml): takes the modules scripts/wasm-link.sh split
// off the app into the build, for an app whose wasm-bindgen script imports their
// loader; any other build is left as it is.
//
// Every file gets a name from its content, as Trunk names its own, so a browser or the
// service worker never keeps an old file under a new build's name:
// - each split-off module: `<name>-<hash>.wasm` (optimised as Trunk does the app's);
// - the loader, which names the modules, and the app's script and wasm, which import
//   each other: one hash of all three (`__wasm_split-<h>.js`, `<app>-<h>.js`,
//   `<app>-<h>_bg.wasm`), and the page's integrity attributes computed again;
// - the areas (`areas-<hash>.json`, named by the page's `lianjie-areas` meta): each
//   split point's module and the shared modules it needs, read from the loader here
//   once for the service worker (sw.js) and bench/size.mjs, with the sizes of the
//   modules and the area's bundle (`bundle_<area>-<hash>.bin`, its modules in one).
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
const profile = process.env.TRUNK_PROFILE === 'release' ? 'release' : 'debug';
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const target = process.env.CARGO_TARGET_DIR ?? join(source, 'target');
if (!staging) throw new Error('TRUNK_STAGING_DIR is not set: run this as a Trunk hook');

const LOADER = './__wasm_split.js';
const hash = (...parts) => {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part);
  return digest.digest('hex').slice(0, 16);
};
const integrity = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
// The flags Trunk's wasm-opt gets for the app (index.html).
const WASM_OPT = ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types',
  '--enable-multivalue'];
const wasmOpt = join(source, 'node_modules', '.bin', 'wasm-opt');
const run = promisify(execFile);
const binaryen = JSON.parse(readFileSync(join(source, 'node_modules', 'binaryen', 'package.json'), 'utf8')).version;
// The loader's areas: `export const __wasm_split_load_<area> = ... "./<module>" ...
// [<shared module variables>]`, the shared ones declared `const __chunk_<n> = ...`.
const SHARED = /const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = __part\(new URL\("\.\/([^"]+)"/g;
const AREA = /export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = __part\(new URL\("\.\/([^"]+)"[\s\S]*?, \[([^\]]*)\]\)\)/g;
// The loader fetches each module through this: the page's head script may have it
// already, from its area's bundle (see `preloadScript`); taken once, so a load tried
// again after a failure fetches the module itself.
const PART = 'const __part = (url) => globalThis.__lianjieParts?.take(url.href) ?? fetch(url);\n' +
  // Each area's load tells the page's head script first, which may fetch it whole.
  'const __inArea = (name, load) => async () => { await Promise.resolve(globalThis.__lianjieParts?.area?.(name)).catch(() => {}); return load(); };\n';

/** Each area the loader names: `{ name, server, files }`, the files being the shared
 * modules it needs, then its own (so a copy kept in that order is whole once the last
 * arrives). `server` is false for areas named `embedded_*` (src/split.rs): a workbench on
 * the reference server never opens them. Every module must belong to an area. */
function areasOf(loader, modules) {
  const shared = new Map([...loader.matchAll(SHARED)].map((m) => [m[1], m[2]]));
  const areas = [...loader.matchAll(AREA)].map(([, name, module, deps]) => {
    const files = deps.split(',').map((d) => d.trim()).filter(Boolean).map((d) => {
      if (!shared.has(d)) throw new Error(`trunk-split: the loader's area ${name} needs ${d}, which it never declares`);
      return shared.get(d);
    });
    return { name, server: !name.startsWith('embedded_'), files: [...files, module] };
  });
  const named = new Set(areas.flatMap((a) => a.files));
  const missing = modules.filter((m) => !named.has(m));
  if (areas.length === 0 || missing.length > 0) {
    throw new Error(`trunk-split: the loader's areas were not read (${areas.length} areas; no area for ${missing.join(', ')})`);
  }
  return areas;
}

/** Which area each of the workbench's routes opens: `[path, area]`, read from the
 * router (src/lib.rs, `<Route path=path!("radar") ... lazy_pages::lead_radar`) and the
 * split points (src/lazy_pages.rs, `split_fn!(radar, pub fn lead_radar(`). */
function routeAreas(areas) {
  const lib = readFileSync(join(source, 'src', 'lib.rs'), 'utf8');
  const lazy = readFileSync(join(source, 'src', 'lazy_pages.rs'), 'utf8');
  const areaOf = new Map([...lazy.matchAll(/split_fn!\(\s*(\w+),\s*pub fn (\w+)\(/g)].map((m) => [m[2], m[1]]));
  const known = new Set(areas.map((a) => a.name));
  const routes = [...lib.matchAll(/<Route path=path!\("([^"]*)"\)[^\n]*?lazy_pages::(\w+)/g)].map(([, path, page]) => {
    const area = areaOf.get(page);
    if (!known.has(area)) throw new Error(`trunk-split: route "${path}" opens ${page}, whose area was not found`);
    return [path, area];
  });
  // Every page the router names must have been read with its route (one line each).
  const pages = (lib.match(/lazy_pages::\w+/g) ?? []).length;
  if (routes.length === 0 || routes.length !== pages) {
    throw new Error(`trunk-split: ${routes.length} routes read from src/lib.rs, which names ${pages} pages: write each <Route ...> on one line`);
  }
  return routes;
}

/** Writes each area's files in one, `bundle_<area>-<hash>.bin` (its files one after
 * another, in the area's order): a first visit fetches the area it opens as one
 * request, not one per module (home's was 48, and on HTTP/1.1 the API calls queued
 * behind them), and brotli compresses the modules together. Returns the areas with
 * their `bundle` and their files' `sizes`, which the page's head script and the
 * service worker cut it by. */
function bundled(areas) {
  return areas.map((area) => {
    const bodies = area.files.map((f) => readFileSync(join(staging, f)));
    const body = Buffer.concat(bodies);
    const bundle = `bundle_${area.name}-${hash(body)}.bin`;
    writeFileSync(join(staging, bundle), body);
    return { ...area, bundle, sizes: bodies.map((b) => b.length) };
  });
}

/** A script for the page's head that asks for the modules of the area the address
 * opens one round trip before the app's own wasm is due to have arrived, so their
 * first bytes follow its last and they download while it starts. Not at once: sharing
 * a slow network with the app's wasm, they put off the navigation by more than they
 * bring the page forward (bench/workbench.mjs). Not once it has arrived: the network
 * then idles for a round trip. Where the wasm stands is read from a copy of its body as
 * it comes (the page's script fetches it and hands the app the answer,
 * `__lianjieParts.app`); the wasm's arrival still asks, if nothing else did.
 * On the in-browser default, the `embedded_*` areas no route opens (the in-browser
 * backend, which the app asks for as soon as it runs) are asked for at once: asked for
 * later, the app's own request may come first, and then each is fetched twice. The
 * requests are the loader's (`fetch`, same-origin credentials), which then finds them
 * done. */
function preloadScript(areas, base, wasmSize) {
  const files = [...new Set(areas.flatMap((a) => a.files))];
  const byArea = Object.fromEntries(areas.map((a) => [a.name, a.files.map((f) => files.indexOf(f))]));
  const sizeOf = new Map(areas.flatMap((a) => a.files.map((f, i) => [f, a.sizes[i]])));
  const sizes = files.map((f) => sizeOf.get(f));
  const bundles = Object.fromEntries(areas.map((a) => [a.name, a.bundle]));
  const routes = routeAreas(areas);
  const always = areas.filter((a) => !a.server && !routes.some(([, r]) => r === a.name)).map((a) => a.name);
  const data = JSON.stringify({ base, files, sizes, areas: byArea, bundles, routes, always, wasm: wasmSize });
  return `<script>(()=>{const d=${data};` +
    `const path=location.pathname.replace(/\\/+$/,'')||'/';` +
    // Chosen by index.html's head script, as src/api/mod.rs `configured_backend` does.
    `const http=globalThis.__lianjieHttp===true;` +
    // Areas share modules: each file once.
    `const asked=new Set();` +
    `const link=(i)=>{const l=document.createElement('link');l.rel='preload';l.as='fetch';l.crossOrigin='anonymous';l.href=d.base+d.files[i];document.head.append(l);};` +
    // On the reference server, with no service worker's copies yet, the area comes as
    // its bundle, cut into the modules the loader takes (`__part`); if the bundle fails,
    // each module is fetched on its own. The in-browser default asks for two areas at
    // once, which share modules: file by file, each once.
    // A module is cut from the bundle when the loader takes it, so the bundle is held
    // once, until its last module is taken; a bundle of the wrong length counts as failed.
    // `arrived`: the app's glue says its wasm is here, before the app starts (which
    // keeps the page busy past the wasm's load event, and would ask for a module first).
    // `take` also marks what the loader fetched itself, so no bundle brings it again.
    // `area`: the app is about to load an area (the loader's `__inArea`); see below.
    `const hrefOf=(i)=>new URL(d.base+d.files[i],location.href).href;const index=new Map(d.files.map((_,i)=>[hrefOf(i),i]));` +
    `const parts=new Map();globalThis.__lianjieParts={arrived:()=>go(),area:(a)=>later(a),take:(href)=>{const i=index.get(href);if(i!==undefined)asked.add(i);const p=parts.get(href);parts.delete(href);return p?.();}};` +
    `const bytes=(l)=>l.reduce((t,i)=>t+d.sizes[i],0);` +
    `const whole=(a)=>{if(d.areas[a].every((i)=>asked.has(i)))return;const total=bytes(d.areas[a]);` +
    `const got=fetch(d.base+d.bundles[a]).then((r)=>{if(!r.ok)throw new Error(r.status);return r.arrayBuffer();})` +
    `.then((b)=>{if(b.byteLength!==total)throw new Error('bundle length');return b;});got.catch(()=>{});let at=0;` +
    `for(const i of d.areas[a]){const from=at;at+=d.sizes[i];if(asked.has(i))continue;asked.add(i);const href=hrefOf(i);` +
    `parts.set(href,()=>got.then((b)=>new Response(b.slice(from,from+d.sizes[i]),{headers:{'content-type':'application/wasm'}}),()=>fetch(href)));}};` +
    `const ask=(names)=>{for(const a of names){if(http&&!navigator.serviceWorker?.controller&&d.bundles[a]){whole(a);continue;}` +
    `for(const i of d.areas[a]??[]){if(asked.has(i))continue;asked.add(i);link(i);}}};` +
    `if(!http)ask(d.always);` +
    // An area the app opens later (a page, or a part of one, opened in the app): as
    // its bundle when most of it is neither loaded nor kept by the service worker,
    // one request rather than one a module (a hundred for the inbox); otherwise the
    // loader fetches what is missing on its own.
    // What is wanted is read again after the worker's answer: another area may have
    // been asked for meanwhile.
    `const later=async(a)=>{const want=()=>(d.areas[a]??[]).filter((i)=>!asked.has(i));if(!want().length||!d.bundles[a])return;let kept=new Set();` +
    `if(navigator.serviceWorker?.controller){try{kept=new Set((await (await caches.open('lianjie-shell')).keys()).map((r)=>r.url));}catch{}}` +
    `if(4*bytes(want().filter((i)=>!kept.has(hrefOf(i))))>=3*bytes(d.areas[a]))whole(a);};` +
    `const page=d.routes.filter(([p])=>new RegExp('^/'+p.replace(/:[^/]+/g,'[^/]+')+'$').test(path)).slice(0,1).map(([,a])=>a);` +
    `const go=()=>ask(page);` +
    `const app=document.querySelector('link[rel="preload"][href$="_bg.wasm"]');` +
    // The app's wasm, fetched here as the glue would (taking over the preload's
    // request; the app gets this answer, a copy of its body is read here as it comes):
    // once the rest is no more than what came in the last round trip, the area is
    // asked for. The round trip is the browser's estimate of this network's, or else
    // the page's stylesheets' (this script ran once they had come). The window starts
    // a round trip after the first piece, so what had come before this script ran is
    // not counted as if it had just arrived. Only over a network: when the stylesheets
    // came from a cache, or a service worker answers, the wasm is near at hand too, and
    // its arrival asks soon enough.
    `const net=performance.getEntriesByType('resource').filter((e)=>/\\.css$/.test(e.name)&&e.transferSize>0);` +
    `if(app&&page.length&&net.length&&!navigator.serviceWorker?.controller){const rtt=navigator.connection?.rtt||Math.min(...net.map((e)=>e.responseStart-e.requestStart));` +
    `const got=fetch(app.href).then((r)=>{if(!r.ok||!r.body)return r;const reader=r.clone().body.getReader();const seen=[];let all=0;` +
    `const next=()=>reader.read().then(({done,value})=>{if(done)return;const t=performance.now();all+=value.byteLength;seen.push([t,all]);` +
    `while(seen.length>1&&seen[1][0]<=t-rtt)seen.shift();` +
    `if(seen[0][0]<=t-rtt&&d.wasm-all<=all-seen[0][1]){go();return reader.cancel();}return next();});` +
    `next().catch(()=>{});return r;});` +
    // A fetch that failed before any answer is made once more; if that fails too, the
    // app's start fails on it, as it would on the glue's own fetch.
    `const wasm=got.catch(()=>fetch(app.href));wasm.catch(()=>{});globalThis.__lianjieParts.app=wasm;}` +
    // The wasm may be done before this script runs (from a cache, with the parser
    // yielding between the two elements): then its load event is gone, and only its
    // timing entry tells. `ask` takes each file once, so every path may run.
    `if(app){app.addEventListener('load',go,{once:true});app.addEventListener('error',go,{once:true});` +
    `if(performance.getEntriesByName(app.href).length)go();}else go();})();</script>`;
}

/** `text.replaceAll(from, to)`, which must find `from`: a generated file of another
 * shape fails the build here rather than in the browser. */
function replaceAll(text, from, to, what) {
  if (!text.includes(from)) throw new Error(`trunk-split: ${what}: "${from}" not found`);
  // A function, so that `$` in `to` is taken as it is.
  return text.replaceAll(from, () => to);
}

for (const file of readdirSync(staging)) {
  const app = /^(.+)-([0-9a-f]{8,})\.js$/.exec(file);
  if (!app) continue;
  const glue = readFileSync(join(staging, file), 'utf8');
  if (glue.includes('__wasm_split_placeholder__')) {
    throw new Error(`${file} imports split code that was not split: is scripts/wasm-link.sh the linker?`);
  }
  if (!glue.includes(LOADER)) continue;
  const [, name, built] = app;
  const builtDir = join(target, 'wasm32-unknown-unknown', profile);
  const main = readFileSync(join(builtDir, `${name}.wasm`));
  const split = join(builtDir, 'wasm-split', `${name}-${createHash('sha256').update(main).digest('hex').slice(0, 16)}`);
  if (!existsSync(join(split, '__wasm_split.js'))) {
    throw new Error(`${file} loads split modules, but ${split} is not there: build it again`);
  }
  let loader = readFileSync(join(split, '__wasm_split.js'), 'utf8');
  const optimisedDir = join(target, 'wasm-split-opt', profile);
  mkdirSync(optimisedDir, { recursive: true });
  const modules = readdirSync(split).filter((f) => f.endsWith('.wasm'));
  // wasm-opt takes most of this hook's time: a module unchanged since the last build
  // is taken from the last build's output, and two run at once (this machine's cores).
  const optimised = (module) =>
    join(optimisedDir, `${hash(readFileSync(join(split, module)), WASM_OPT.join(' '), binaryen)}.wasm`);
  // Two modules of the same bytes are optimised once.
  const pending = [...new Map(modules.map((m) => [optimised(m), m])).values()]
    .filter((m) => profile === 'release' && !existsSync(optimised(m)));
  const worker = async () => {
    for (let module = pending.shift(); module; module = pending.shift()) {
      // Renamed once whole: a build stopped midway leaves no half-written module behind.
      await run(wasmOpt, [...WASM_OPT, join(split, module), '-o', `${optimised(module)}.part`]);
      renameSync(`${optimised(module)}.part`, optimised(module));
    }
  };
  await Promise.all([worker(), worker()]);
  const used = new Set(modules.map((m) => optimised(m)));
  for (const kept of readdirSync(optimisedDir).map((f) => join(optimisedDir, f))) {
    if (!used.has(kept)) rmSync(kept);
  }
  const names = [];
  for (const module of modules) {
    const bytes = profile === 'release' ? readFileSync(optimised(module)) : readFileSync(join(split, module));
    const named = `${module.slice(0, -'.wasm'.length)}-${hash(bytes)}.wasm`;
    writeFileSync(join(staging, named), bytes);
    names.push(named);
    loader = replaceAll(loader, `"./${module}"`, `"./${named}"`, 'the loader');
  }
  loader = PART + replaceAll(loader, 'const src = fetch(new URL(', 'const src = __part(new URL(', 'the loader');
  // The worker keeps a first visit's modules from the bundle the page fetched (sw.js).
  const areaList = bundled(areasOf(loader, names));
  let hooked = 0;
  loader = loader.replace(AREA, (load, area) => {
    hooked += 1;
    return load.replace('wrapAsyncCb(makeLoad(', `wrapAsyncCb(__inArea("${area}", makeLoad(`).replace(/\)\)$/, ')))');
  });
  // Every area's load, whatever its shape: one the pattern missed would go unhooked.
  const loads = loader.split('export const __wasm_split_load_').length - 1;
  if (hooked !== loads || loader.includes('wrapAsyncCb(makeLoad(')) {
    throw new Error(`trunk-split: ${hooked} of the loader's ${loads} area loads were hooked`);
  }
  // The page's head script hears when the wasm is here (`arrived`, see preloadScript).
  const started = replaceAll(glue, 'wasm.__wbindgen_start();',
    'globalThis.__lianjieParts?.arrived();wasm.__wbindgen_start();', file);
  const wasm = readFileSync(join(staging, `${name}-${built}_bg.wasm`));
  const h = hash(started, loader, wasm);
  const renamed = `${name}-${h}`;
  const loaderFile = `__wasm_split-${h}.js`;
  loader = replaceAll(loader, `"./${name}.js"`, `"./${renamed}.js"`, 'the loader');
  writeFileSync(join(staging, loaderFile), loader);
  const areas = JSON.stringify({ areas: areaList });
  const areasFile = `areas-${hash(areas)}.json`;
  writeFileSync(join(staging, areasFile), areas);
  // Only the imports: the wasm's own import names stay `./__wasm_split.js`.
  const newGlue = replaceAll(started, `from "${LOADER}"`, `from "./${loaderFile}"`, file);
  writeFileSync(join(staging, `${renamed}.js`), newGlue);
  rmSync(join(staging, file));
  renameSync(join(staging, `${name}-${built}_bg.wasm`), join(staging, `${renamed}_bg.wasm`));

  const page = join(staging, 'index.html');
  let html = replaceAll(readFileSync(page, 'utf8'), `${name}-${built}`, renamed, 'index.html');
  // The app's wasm as the page's head script fetched it, if it did (see preloadScript).
  const base = process.env.TRUNK_PUBLIC_URL ?? '/';
  const wasmPath = `'${base}${renamed}_bg.wasm'`;
  html = replaceAll(html, `module_or_path: ${wasmPath}`,
    `module_or_path: globalThis.__lianjieParts?.app ?? ${wasmPath}`, 'index.html');
  const sums = {
    [`${renamed}.js`]: integrity(newGlue),
    [`${renamed}_bg.wasm`]: integrity(wasm),
  };
  for (const [asset, sum] of Object.entries(sums)) {
    const tag = new RegExp(`(href="[^"]*/${asset}"[^>]*integrity=")[^"]*"`);
    if (!tag.test(html)) throw new Error(`trunk-split: index.html has no integrity for ${asset}`);
    html = html.replace(tag, `$1${sum}"`);
  }
  // The loader is imported by the app's script at once: fetched beside it, and kept
  // with the shell by the service worker (sw.js keeps what the page names).
  const at = html.indexOf('<link rel="modulepreload"');
  const preload = `<link rel="modulepreload" href="${base}${loaderFile}" crossorigin="anonymous" integrity="${integrity(loader)}">`;
  html = at < 0 ? html.replace('</head>', `${preload}</head>`) : html.slice(0, at) + preload + html.slice(at);
  html = replaceAll(html, '</head>',
    `<meta name="lianjie-areas" content="${base}${areasFile}">${preloadScript(areaList, base, wasm.length)}</head>`, 'index.html');
  writeFileSync(page, html);
}
