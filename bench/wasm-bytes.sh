#!/usr/bin/env bash
# Where the slim customer build's bytes go: the release wasm built with its function
# names kept, through wasm-bindgen and wasm-opt -Oz as Trunk does, then twiggy's list
# of every function summed by crate (bench/wasm-bytes.mjs). Raw bytes of code and
# data; the shipped file is the same build without names (its brotli size is printed
# too). Installs twiggy with cargo when missing.
#   bash bench/wasm-bytes.sh [bin]   # customer (default), reader, or lianjie (the whole app)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/env.sh
bin=${1:-customer}
command -v twiggy >/dev/null || cargo install --locked twiggy@0.8.0
CARGO_PROFILE_RELEASE_STRIP=none cargo build --release --locked \
  --target wasm32-unknown-unknown --bin "$bin" >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
wasm-bindgen --target web --keep-debug --out-dir "$dir" "target/wasm32-unknown-unknown/release/$bin.wasm"
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue"
# shellcheck disable=SC2086 # one word per feature flag
node_modules/binaryen/bin/wasm-opt -Oz -g $features "$dir/${bin}_bg.wasm" -o "$dir/named.wasm"
# shellcheck disable=SC2086
node_modules/binaryen/bin/wasm-opt -Oz --strip-debug $features "$dir/${bin}_bg.wasm" -o "$dir/shipped.wasm"
twiggy top -n 1000000 --format csv "$dir/named.wasm" > "$dir/top.csv"
node bench/wasm-bytes.mjs "$dir/top.csv" "$dir/shipped.wasm"
