#!/usr/bin/env bash
# The customer card page's first load on an emulated phone on slow 4G (see
# bench/card.mjs): bytes of every asset as sent, and time to visible content.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/env.sh
trunk build --release --locked >/dev/null
bash scripts/build-customer.sh >/dev/null
cargo build --locked -p lianjie-server >/dev/null
echo "slim customer build (dist/customer), brotli 11:"
node bench/size.mjs dist/customer
node bench/card.mjs
