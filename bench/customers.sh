#!/usr/bin/env bash
# The customer list at 2,000 and 20,000 customers on the in-browser backend in
# headless Chromium: first render, a saved view, a sort, opening a profile, and a
# CSV import of 10,000 rows (see bench/customers.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/env.sh
trunk build --release --locked >/dev/null
node bench/customers.mjs
