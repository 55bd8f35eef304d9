#!/usr/bin/env bash
# A customer whose article was forwarded far, while new readers keep opening pages:
# what each counted snapshot below them costs the single writer as the tree grows
# (see crates/server/examples/forwards.rs). Each should cost about the same.
#   bash bench/forwards.sh 1000 50000   # chosen sizes
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
cargo run --profile server --locked -p lianjie-server --example forwards -- "$@"
