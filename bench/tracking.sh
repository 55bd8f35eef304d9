#!/usr/bin/env bash
# Tracking accuracy against ground truth: a scripted two-minute reading session in
# headless Chromium on the reference server (see bench/tracking.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/env.sh
trunk build --release --locked >/dev/null
cargo build --locked -p lianjie-server >/dev/null
node bench/tracking.mjs
