#!/usr/bin/env bash
# Tracking-ingest throughput and latency of the reference server on loopback.
#   READERS=open bash bench/ingest.sh   # links shared to no one (readers known by their own links)
# Target (issue 3): at least 5,000 snapshots/s with p99 under 50 ms on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
cargo run --profile server --locked -p lianjie-server --example ingest_bench
