#!/usr/bin/env bash
# Installs exactly the pinned tools this project needs, from package registries only
# (crates.io, npm, Debian). Idempotent: whatever is already there at the right version
# is skipped, so it is safe to run before every start and every test run.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_SPLIT_VERSION=0.2.4
log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; exit 1; fi
}
apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Rust comes with the machine (rustup); the registries cannot provide it.
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for c in clippy rustfmt; do
  rustup component list --installed | grep -q "^$c" || rustup component add "$c"
done

if ! trunk --version 2>/dev/null | grep -qF "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (about 10 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# Splits the workbench's wasm at its lazily loaded pages (scripts/wasm-link.sh).
# (It has no --version: cargo's list of installed crates tells.)
if ! command -v wasm-split-cli >/dev/null \
   || ! cargo install --list | grep -xF "wasm_split_cli_support v$WASM_SPLIT_VERSION:" >/dev/null; then
  log "installing wasm-split-cli $WASM_SPLIT_VERSION (about 2 minutes)"
  # --force: a binary of that name cargo did not install (copied by hand) is replaced.
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --locked --features build-binary --force
fi

# The CLI must match the library exactly or the generated glue is rejected.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
grep -qF "wasm_bindgen = \"$WB_VERSION\"" Trunk.toml || {
  echo "Trunk.toml pins a wasm_bindgen other than Cargo.lock's $WB_VERSION" >&2; exit 1; }
if ! wasm-bindgen --version 2>/dev/null | grep -qF "$WB_VERSION" \
   || ! command -v wasm-bindgen-test-runner >/dev/null; then
  log "installing wasm-bindgen-cli $WB_VERSION"
  # Not --locked: its lockfile names a yanked dependency (see shared/TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "installing node and npm"
  apt_install nodejs npm
fi
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  log "installing chromium and chromium-driver"
  apt_install chromium chromium-driver
fi

# npm packages: playwright-core (never a browser download) and binaryen's wasm-opt,
# which works where Debian's binaryen 108 produces broken modules.
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lock-sum 2>/dev/null)" != "$LOCK_SUM" ]; then
  log "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_SUM" > node_modules/.lock-sum
fi
# schemathesis (PyPI) fuzzes the contract in the test command; it lives in a venv
# outside the checkout so a clean clone stays small.
SCHEMATHESIS_VERSION=4.32.5
VENV="${LIANJIE_TOOLS:-$HOME/.cache/lianjie}/venv"
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  log "installing schemathesis $SCHEMATHESIS_VERSION (a Python venv in $VENV)"
  command -v python3 >/dev/null || apt_install python3
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    apt_install python3-venv
  fi
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
# PostgreSQL (Debian's) for the server's tests on the second database: the test
# command starts a throwaway cluster of its own (scripts/with-postgres.sh), so the
# package's default cluster is not created.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing PostgreSQL"
  as_root mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] \
    || echo 'create_main_cluster = false' | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  apt_install postgresql
fi
# Dovecot (Debian's) for the mail tests: the test command starts a throwaway IMAP
# server of its own (scripts/with-mail.sh), so the package's system service is not
# started (a policy-rc.d denies it during the install, where none is in place) nor
# enabled, and nothing listens on 143/993.
if [ ! -x /usr/sbin/dovecot ]; then
  log "installing Dovecot"
  policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
  fi
  status=0
  apt_install dovecot-imapd || status=$?
  if [ -n "$policy" ]; then as_root rm -f "$policy"; fi
  [ "$status" = 0 ] || exit "$status"
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now --quiet dovecot.service dovecot.socket || true
  else
    as_root update-rc.d dovecot disable >/dev/null 2>&1 || true
  fi
fi
log "tools ready"
