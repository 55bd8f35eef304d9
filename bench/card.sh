#!/usr/bin/env bash
# Customer pages' first load on an emulated phone on slow 4G + 4x CPU (see
# bench/card.mjs): the card, a shared article and the article with a form for details
# (each with the reader), and a static copy of the card's first paint as the yardstick;
# time to visible, usable, ran, tracking, counted; layout shift; bytes of every asset
# as sent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/env.sh
trunk build --release --locked >/dev/null
bash scripts/build-customer.sh >/dev/null
cargo build --locked -p lianjie-server >/dev/null
echo "the reader (dist/customer/reader), brotli 11:"
node bench/size.mjs dist/customer/reader
echo "slim customer app (dist/customer), brotli 11:"
node bench/size.mjs dist/customer reader
node bench/card.mjs
