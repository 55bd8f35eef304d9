// Writes NAME.br (brotli 11) and NAME.gz (gzip 9) beside every .wasm, .js, .css, .svg
// and .bin (the workbench's bundles of modules, scripts/trunk-split.mjs)
// under the given folder; the reference server sends them to browsers that accept them.
// Usage: node scripts/precompress.mjs dist
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (/\.(wasm|js|css|svg|bin)$/.test(entry.name)) yield path;
  }
}

for await (const path of files(process.argv[2] ?? 'dist')) {
  const body = await readFile(path);
  await writeFile(`${path}.br`, brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  }));
  await writeFile(`${path}.gz`, gzipSync(body, { level: 9 }));
}
