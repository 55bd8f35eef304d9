// Prints raw, gzip and brotli bytes of every asset in dist/ and their total: what a
// phone on a slow network actually downloads.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// Usage: node bench/size.mjs [dist] [folder to leave out...]. Precompressed copies
// (.br, .gz) are the same assets, so they are never counted.
const root = process.argv[2] ?? 'dist';
const skip = new Set(process.argv.slice(3).map((d) => join(root, d)));

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.has(path)) yield* files(path);
    } else if (!/\.(br|gz)$/.test(entry.name)) {
      yield path;
    }
  }
}

function measure(asset, body) {
  return {
    asset,
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }).length,
  };
}

const rows = [];
// The workbench's bundles hold its modules again (one per area, for a first visit on
// the reference server): shown with the areas below, not counted twice in the total.
const bundles = [];
for await (const path of files(root)) {
  const asset = relative(root, path);
  (/^bundle_.*\.bin$/.test(asset) ? bundles : rows).push(measure(asset, await readFile(path)));
}
// Stylesheets the folder's page links from elsewhere in the site (the reader shares the
// customer app's): part of its first load, so counted, under the path the page names.
const site = root.split('/')[0];
const page = await readFile(join(root, 'index.html'), 'utf8').catch(() => '');
for (const [, href] of page.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
  const path = join(site, href);
  if (!relative(root, path).startsWith('..')) continue;
  rows.push(measure(href, await readFile(path)));
}
rows.sort((a, b) => b.raw - a.raw);
const total = rows.reduce(
  (t, r) => ({ asset: 'TOTAL', raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
  { raw: 0, gzip: 0, brotli: 0 },
);
const width = Math.max(...rows.map((r) => r.asset.length), 5);
const line = (r) =>
  `${r.asset.padEnd(width)}  ${String(r.raw).padStart(9)}  ${String(r.gzip).padStart(9)}  ${String(r.brotli).padStart(9)}`;
console.log(`${'asset'.padEnd(width)}  ${'raw B'.padStart(9)}  ${'gzip B'.padStart(9)}  ${'brotli B'.padStart(9)}`);
rows.forEach((r) => console.log(line(r)));
console.log(line(total));

// The workbench split into areas (scripts/trunk-split.mjs writes them to
// `areas-<hash>.json`): what a first visit downloads to show one area is the page, its
// styles, script and wasm, the loader, then the area's files (brotli): on the reference
// server as the area's bundle, one file, on the in-browser default file by file.
const areasRow = rows.find((r) => /^areas-[0-9a-f]+\.json$/.test(r.asset));
if (areasRow) {
  const { areas } = JSON.parse(await readFile(join(root, areasRow.asset), 'utf8'));
  const brotli = (asset) => rows.find((r) => r.asset === asset)?.brotli ?? 0;
  const shell = rows
    .filter((r) => !r.asset.includes('/') && /\.(html|css|js)$|_bg\.wasm$/.test(r.asset) && r.asset !== 'sw.js')
    .reduce((sum, r) => sum + r.brotli, 0);
  console.log(`\nfirst load by area (brotli B; the shell, with its loader, is ${shell} B):`);
  const cols = ['module', 'shared', 'files', 'first load', 'bundle', 'first load (bundle)'];
  console.log(`${'area'.padEnd(24)}  ${cols.map((c) => c.padStart(Math.max(9, c.length))).join('  ')}`);
  for (const { name, files } of areas) {
    const own = brotli(files[files.length - 1]);
    const all = files.reduce((sum, f) => sum + brotli(f), 0);
    const bundle = bundles.find((b) => b.asset.startsWith(`bundle_${name}-`))?.brotli;
    const figures = [own, all - own, files.length, shell + all, bundle ?? '-', bundle === undefined ? '-' : shell + bundle];
    console.log(`${name.padEnd(24)}  ${figures.map((f, i) => String(f).padStart(Math.max(9, cols[i].length))).join('  ')}`);
  }
}
