#!/usr/bin/env bash
# Builds the release app and prints the size of every asset (raw, gzip -9, brotli 11).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/env.sh
trunk build --release --locked >/dev/null
bash scripts/build-customer.sh >/dev/null
echo "whole app (dist):"
node bench/size.mjs dist customer
echo
echo "slim customer app (dist/customer):"
node bench/size.mjs dist/customer reader
echo "the customer pages' reader (dist/customer/reader):"
node bench/size.mjs dist/customer/reader

