#!/usr/bin/env bash
# The inbox at 1,000 and 10,000 conversations (10,000 and 100,000 messages) on the
# in-browser backend in headless Chromium: first render, open, filter, scrolling
# (see bench/inbox.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/env.sh
trunk build --release --locked >/dev/null
node bench/inbox.mjs
