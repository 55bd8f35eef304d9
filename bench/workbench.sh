#!/usr/bin/env bash
# The rep's workbench on an emulated phone on slow 4G + 4x CPU (see
# bench/workbench.mjs): the lead radar (PAGE=home: home) on a first visit, on a later
# one with the browser's HTTP cache, and on a later one with the service worker's app
# shell.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/env.sh
trunk build --release --locked >/dev/null
bash scripts/build-customer.sh >/dev/null
cargo build --locked -p lianjie-server >/dev/null
node bench/workbench.mjs
