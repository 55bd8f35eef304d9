#!/usr/bin/env bash
# Property-based fuzzing of the contract: schemathesis (PyPI, in a venv setup.sh
# makes) generates requests for every operation in docs/openapi.yaml and sends them to
# the reference server (demo mode, a fresh database, loopback only), signed in as the
# admin, who may reach every operation. Bounded in cases (FUZZ_EXAMPLES per
# operation) and time; fails on any 5xx and on a response that breaks its schema.
# Sign-out, ending a session and the password change are left out (they end the session the run
# uses), as are the event stream (it never ends) and the demo reset (a 20,000-
# conversation reset takes longer than a request may); the permission matrix and the
# server tests cover all four.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
VENV="${LIANJIE_TOOLS:-$HOME/.cache/lianjie}/venv"
EXAMPLES="${FUZZ_EXAMPLES:-10}"
[ -x "$VENV/bin/schemathesis" ] || bash scripts/setup.sh

cargo build -q -p lianjie-server --locked
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
LIANJIE_DEMO=1 LIANJIE_ADDR=127.0.0.1:0 LIANJIE_DB="$dir/fuzz.db" \
  LIANJIE_PUBLIC_RATE=1000000 LIANJIE_LOGIN_RATE=1000000 \
  target/debug/lianjie-server >"$dir/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  grep -q "listening on" "$dir/server.log" && break
  sleep 0.1
done
base=$(grep -o 'http://[0-9.:]*' "$dir/server.log" | head -1)
[ -n "$base" ] || { cat "$dir/server.log"; echo "the server did not start" >&2; exit 1; }
token=$("$VENV/bin/python" - "$base" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/api/v1/auth/login",
    data=json.dumps({"email": "admin@lianjie.example", "password": "lianjie-demo"}).encode(),
    headers={"content-type": "application/json"})
print(json.load(urllib.request.urlopen(req))["token"])
PY
)
timeout 900 "$VENV/bin/schemathesis" run docs/openapi.yaml \
  --url "$base/api/v1" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance \
  --exclude-path /auth/logout --exclude-path /me/password --exclude-path /events \
  --exclude-path /demo/reset --exclude-path "/me/sessions/{id}" \
  --max-examples "$EXAMPLES" \
  --seed 20261130 \
  --generation-database none \
  --request-timeout 10 \
  --continue-on-failure \
  "$@"
