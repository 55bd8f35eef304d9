#!/usr/bin/env bash
# The linker for wasm32 builds (see .cargo/config.toml): rust-lld, and when the linked
# module calls lazy-loaded code (Leptos's `#[lazy]`, which links to a placeholder
# module), wasm-split-cli splits it at those calls. The main module replaces the linked
# file, so Trunk's wasm-bindgen and wasm-opt run on it as before; the split-off modules
# and their loader go to wasm-split/<name>-<main module's hash>/ beside it, where scripts/trunk-split.mjs
# (Trunk's post-build hook) takes them into the build. Relocations are what lets the
# splitter move functions between modules, so they are kept for such builds.
set -euo pipefail
host="$(rustc -vV | sed -n 's/^host: //p')"
lld="$(rustc --print sysroot)/lib/rustlib/$host/bin/rust-lld"
out=""
prev=""
for arg in "$@"; do
  [ "$prev" = "-o" ] && out="$arg"
  prev="$arg"
done
"$lld" "$@"
[ -n "$out" ] && grep -qF "__wasm_split_placeholder__" "$out" || exit 0
# Linked again with relocations kept (the first link tells whether it is needed),
# which stripping all symbols would drop (wasm-bindgen and wasm-opt strip them later).
args=()
for arg in "$@"; do
  case "$arg" in --strip-all | -s) ;; *) args+=("$arg") ;; esac
done
"$lld" "${args[@]}" --emit-relocs
name="$(basename "$out" .wasm)"
name="${name%-*}" # cargo's hash
parts="$(dirname "$out")/../wasm-split"
work="$parts/.$name"
rm -rf "$work"
mkdir -p "$work"
wasm-split-cli --out-name "$name" "$out" "$work"
mv "$work/$name.wasm" "$out"
# The split-off modules reach the main module's function table through its export;
# wasm-bindgen removes an export of that name (one of lld's own), so it gets another of
# the same length, everywhere it is named.
perl -0777 -pi -e 's/__indirect_function_table/__wasm_split_shared_table/g' "$out" "$work"/*
# Kept under the main module's hash, which the hook finds them by: another link of
# the same name (a test binary) cannot pass its modules off as this one's.
rm -rf "$parts/$name"-*
mv "$work" "$parts/$name-$(sha256sum "$out" | cut -c1-16)"
