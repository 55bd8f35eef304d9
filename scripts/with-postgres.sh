#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster: `initdb` in a temporary
# folder, the server on a free loopback port (no other access), deleted on exit
# whatever the command's outcome. The command finds the cluster in
#   LIANJIE_TEST_POSTGRES  an admin URL (database `postgres`, user `postgres`)
# Uses Debian's PostgreSQL (scripts/setup.sh installs it). As root, the cluster
# runs as the `postgres` account, since PostgreSQL refuses to run as root.
#   bash scripts/with-postgres.sh cargo test --workspace
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed: run scripts/setup.sh" >&2; exit 1; }

dir=$(mktemp -d /tmp/lianjie-pg.XXXXXX)
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
stop() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }

export LIANJIE_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
echo "throwaway PostgreSQL at $LIANJIE_TEST_POSTGRES" >&2
"$@"
