#!/usr/bin/env bash
# Where the reference server's memory goes at scale: the data set of bench/scale.sh
# read back as a start reads it, and the heap each kind of record and core's lookups
# and running tallies hold (see crates/server/examples/memory.rs).
#   bash bench/memory.sh 100000   # one size
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
cargo run --profile server --locked -p lianjie-server --example memory -- "$@"
