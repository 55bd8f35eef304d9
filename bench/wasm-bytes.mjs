// Sums twiggy's per-item sizes by crate (see bench/wasm-bytes.sh) and prints the
// shipped file's raw and brotli size.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const [csvPath, shippedPath] = process.argv.slice(2);
const lines = readFileSync(csvPath, 'utf8').trim().split('\n').slice(1);
const byCrate = new Map();
let total = 0;
for (const line of lines) {
  // Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent: the name
  // may hold commas (and is then quoted), the numbers never do.
  const cells = line.split(',');
  const bytes = Number(cells[cells.length - 4]);
  const name = cells.slice(0, -4).join(',').replace(/^"|"$/g, '');
  if (name.startsWith('custom section') || name.includes('function names')) continue;
  // The crate of the item's path: `<T as a::B>::f` and `<a::B as C>::f` both count
  // for the first path's crate; data segments, imports and tables keep their names.
  const crate = name.match(/^<?(?:&(?:mut )?)?(?:\w+ as )?([a-z_][a-z0-9_]*)(?:\[\w+\])?::/)?.[1]
    ?? (name.startsWith('data segment') ? 'data segments' : name.split(/[\s:]/)[0]);
  byCrate.set(crate, (byCrate.get(crate) ?? 0) + bytes);
  total += bytes;
}
const rows = [...byCrate].sort((a, b) => b[1] - a[1]);
console.log('crate'.padEnd(28), 'raw B'.padStart(9), '   share');
for (const [crate, bytes] of rows.slice(0, 25)) {
  console.log(crate.padEnd(28), String(bytes).padStart(9), `${(100 * bytes / total).toFixed(1).padStart(7)} %`);
}
const rest = rows.slice(25).reduce((sum, [, bytes]) => sum + bytes, 0);
console.log(`${rows.length - 25} more`.padEnd(28), String(rest).padStart(9));
console.log('code and data'.padEnd(28), String(total).padStart(9));
const shipped = readFileSync(shippedPath);
const brotli = brotliCompressSync(shipped, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
console.log(`shipped wasm: ${shipped.length} B raw, ${brotli.length} B brotli 11`);
