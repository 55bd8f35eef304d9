#!/usr/bin/env bash
# Second command of the README: every check and every test, in three layers.
#   1. formatting and clippy (native and wasm32), deny warnings
#   2. native cargo tests: crates/core, crates/server (on SQLite, then again on a
#      throwaway PostgreSQL cluster; both beside a throwaway Dovecot for the email
#      channel), the app's pure modules; then property-based
#      fuzzing of the contract (scripts/fuzz.sh)
#   3. wasm-bindgen-test in headless Chromium
#   4. release build with Trunk, then Playwright end-to-end tests against it
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native, whole workspace)"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo clippy (wasm32, app)"
cargo clippy -p lianjie --all-targets --target wasm32-unknown-unknown --locked -- -D warnings
step "cargo clippy (wasm32, app split into areas)"
cargo clippy -p lianjie --target wasm32-unknown-unknown --features split --locked -- -D warnings

# The email test needs a real IMAP server: a throwaway Dovecot (scripts/with-mail.sh);
# required here, so it cannot pass by skipping.
export LIANJIE_TEST_MAIL_REQUIRED=1

step "native tests (the server's on SQLite, beside a throwaway IMAP server)"
bash scripts/with-mail.sh cargo test --workspace --locked

step "the server's tests again, on a throwaway PostgreSQL cluster"
# --workspace, as above: with -p alone cargo resolves dependency features for
# the server by itself and builds every crate a second time.
bash scripts/with-postgres.sh bash scripts/with-mail.sh cargo test --workspace --locked

step "contract fuzzing (schemathesis over docs/openapi.yaml against the reference server)"
bash scripts/fuzz.sh

step "browser tests (wasm-bindgen-test, headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p lianjie --target wasm32-unknown-unknown --tests --locked

step "release build (the whole app, then the slim customer pages)"
trunk build --release --locked
bash scripts/build-customer.sh

step "end-to-end tests (Playwright + Chromium), in-browser backend"
node --test --test-concurrency=1 tests/e2e/*.test.mjs

step "end-to-end journeys against the reference server (http backend)"
cargo build -p lianjie-server --locked
LIANJIE_E2E_BACKEND=http node --test --test-concurrency=1 tests/e2e/journey.test.mjs tests/e2e/tracking.test.mjs tests/e2e/card.test.mjs tests/e2e/inbox.test.mjs tests/e2e/team.test.mjs tests/e2e/customers.test.mjs tests/e2e/tasks.test.mjs tests/e2e/pipeline.test.mjs tests/e2e/customer_import.test.mjs tests/e2e/crm_settings.test.mjs tests/e2e/pool.test.mjs tests/e2e/leaderboard.test.mjs tests/e2e/team_board.test.mjs tests/e2e/playbook.test.mjs tests/e2e/adapters.test.mjs tests/e2e/wechat.test.mjs tests/e2e/play.test.mjs tests/e2e/first_paint.test.mjs tests/e2e/offline.test.mjs tests/e2e/workbench_start.test.mjs

step "all tests passed"
