#!/usr/bin/env bash
# Builds the release app and prints the size of every asset (raw, gzip -9, brotli 11).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/env.sh
trunk build --release --locked >/dev/null
node bench/size.mjs dist
