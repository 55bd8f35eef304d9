#!/usr/bin/env bash
# Property-based fuzzing of the contract: schemathesis (PyPI, in a venv setup.sh
# makes) generates requests for every operation in docs/openapi.yaml and sends them to
# the reference server (demo mode, a fresh database, loopback only), signed in as the
# admin, who may reach every operation. All four phases run: the documented examples
# (real demo ids, so requests reach real records), coverage (boundaries and invalid
# values), fuzzing, and stateful sequences along the contract's links (a share made,
# opened, tracked; a credential created, revoked, rotated). Strict: a run fails on
# any 5xx, a status code the operation does not document, an undocumented content
# type, a documented response header missing (Retry-After on 429), and a body that
# breaks its schema. Bounded in cases (FUZZ_EXAMPLES per operation and phase,
# FUZZ_SCENARIOS stateful sequences of at most FUZZ_STEPS calls) and in time
# (FUZZ_TIMEOUT seconds); what it generates is fixed by the seed.
#
# Before it starts, the run makes what random ids keep out of a static contract: real
# share links (a card's and a content item's, each opened once), whose tokens,
# readers' links and view sessions most generated requests to the customer-facing
# operations use (schemathesis dictionaries); the ids of some customers (owned and
# pooled), deals, pools and stages, used by most requests on one of them; two files
# (a picture and a document) kept in the run's database, as an email's attachments
# are, for GET /files/{id}; and one channel adapter credential per
# channel, with which a hook signs about seven in eight requests to
# POST /channels/{channel}/inbound (HMAC headers, or WeChat's query signature) and
# GET /channels/wechat/inbound (WeChat's URL check), so both the accepted and the
# refused deliveries are fuzzed; the SMS credential has a gateway, and about seven in
# eight of its receipts (POST /channels/sms/receipts) carry its receipt token, so they
# are read past the token to their reply. The hook also drops `role` from changes to
# the run's own admin: demoted (once the fuzzer has made another admin) they would
# answer 403 to everything admins alone may do for the rest of the run. And it gives
# about seven in eight timeline writes a log id of their own (see unique_log_id).
#
# Sign-out, ending a session and the password change are left out (they end the
# session the run uses), as are the event stream (it never ends) and the demo reset
# (a 20,000-conversation reset takes longer than a request may); the permission
# matrix and the server tests cover all four.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
VENV="${LIANJIE_TOOLS:-$HOME/.cache/lianjie}/venv"
EXAMPLES="${FUZZ_EXAMPLES:-100}"
TIMEOUT="${FUZZ_TIMEOUT:-420}"
[ -x "$VENV/bin/schemathesis" ] || bash scripts/setup.sh

cargo build -q -p lianjie-server --locked
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
LIANJIE_DEMO=1 LIANJIE_ADDR=127.0.0.1:0 LIANJIE_DB="$dir/fuzz.db" \
  LIANJIE_PUBLIC_RATE=1000000 LIANJIE_LOGIN_RATE=1000000 \
  LIANJIE_VIEW_RATE=1000000 LIANJIE_READER_LINK_RATE=1000000 \
  target/debug/lianjie-server >"$dir/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  grep -q "listening on" "$dir/server.log" && break
  sleep 0.1
done
base=$(grep -o 'http://[0-9.:]*' "$dir/server.log" | head -1)
[ -n "$base" ] || { cat "$dir/server.log"; echo "the server did not start" >&2; exit 1; }

# Sign in as the admin, make the credentials and links (see above), and write the
# run's configuration: deeper stateful sequences and the dictionaries.
"$VENV/bin/python" - "$base" "$dir" "${FUZZ_STEPS:-10}" "${FUZZ_SCENARIOS:-300}" <<'PY'
import json, sys, urllib.request
base, out, steps, scenarios = sys.argv[1] + "/api/v1", sys.argv[2], sys.argv[3], sys.argv[4]
def call(path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    data = None if body is None else json.dumps(body).encode()
    return json.load(urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers)))
session = call("/auth/login", {"email": "admin@lianjie.example", "password": "lianjie-demo"})
token = session["token"]
keys = {}
for channel in ["wechat", "wecom", "qq", "weibo", "douyin", "email", "sms"]:
    new = {"channel": channel, "label": "fuzz " + channel}
    if channel == "sms":
        # A gateway, so that receipts are read past their token (replies sent to it
        # fail on a closed loopback port and wait in the outbox).
        new["sms"] = {"url": "http://127.0.0.1:9/send?to={to}&text={text}&ref={ref}", "method": "GET"}
    issued = call("/channel-keys", new, token)
    keys[channel] = {"id": issued["key"]["id"], "secret": issued["secret"],
                     "receipt_token": issued.get("receipt_token")}
opened = []
for target in [{"type": "card", "id": "wang-lei"}, {"type": "content", "id": "c-pricing"}]:
    share = call("/shares", {"target": target, "contact_id": "k-001", "lead_capture": {"mode": "soft_end"}}, token)
    opened.append(call("/public/shares/" + share["token"]))
values = lambda key: json.dumps([o[key] if key != "share" else o["share"]["token"] for o in opened])
# Real records for the operations on one: customers (owned ones and some waiting in
# a pool, for claims), deals and the organization's stages, so that generated
# requests get past "not found" and "no such stage" to the rules behind them.
contacts = call("/contacts", token=token)
owned = [c["id"] for c in contacts if c.get("owner_id")][:12]
pooled = [c["id"] for c in contacts if not c.get("owner_id")][:6]
deals = [d["deal"]["id"] for column in call("/pipeline", token=token) for d in column["deals"]][:12]
pools = [p["pool"]["id"] for p in call("/pools", token=token)]
stages = [s["id"] for s in call("/org", token=token).get("stages") or []] or \
    ["lead", "to_follow", "following", "opportunity", "won", "lost", "churned"]
# Files come only from channels' media (an email's attachments); the run has no
# mailbox, so it keeps two itself, as the adapters do: a picture served inline and
# a document downloaded under its name.
import sqlite3, time
files = ["%032x" % (0xf0220 + i) for i in range(2)]
db = sqlite3.connect(out + "/fuzz.db", timeout=30)
png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
with db:
    db.executemany("INSERT INTO files (id, org_id, name, content_type, bytes, created_ns) VALUES (?, ?, ?, ?, ?, ?)",
                   [(files[0], "lianjie", "名片.png", "image/png", png, time.time_ns()),
                    (files[1], "lianjie", "报价单 2026.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n", time.time_ns())])
db.close()
config = f"""
[phases.stateful]
max-steps = {steps}
[phases.stateful.generation]
max-examples = {scenarios}

[dictionaries.shares]
values = {values("share")}
[dictionaries.readers]
values = {values("child_token")}
[dictionaries.sessions]
values = {values("session_id")}
[dictionaries.contacts]
values = {json.dumps(owned + pooled)}
[dictionaries.deals]
values = {json.dumps(deals)}
[dictionaries.stages]
values = {json.dumps(stages)}
[dictionaries.pools]
values = {json.dumps(pools)}
[dictionaries.files]
values = {json.dumps(files)}

[[operations]]
include-path-regex = '^/public/shares/[{{]token[}}](/messages)?$'
parameters = {{ "path.token" = {{ dictionary = "shares", probability = 0.8 }} }}

[[operations]]
include-path-regex = '^/public/shares/[{{]token[}}]/(lead|featured/.*)$'
parameters = {{ "path.token" = {{ dictionary = "readers", probability = 0.8 }} }}

[[operations]]
include-path-regex = '^/contacts/[{{]id[}}]/(stage|follow-ups)$'
parameters = {{ "path.id" = {{ dictionary = "contacts", probability = 0.7 }}, "body.stage" = {{ dictionary = "stages", probability = 0.7 }} }}

[[operations]]
include-path = "/contacts/{{id}}/release"
parameters = {{ "path.id" = {{ dictionary = "contacts", probability = 0.7 }}, "body.pool_id" = {{ dictionary = "pools", probability = 0.7 }} }}

[[operations]]
include-path-regex = '^/contacts/[{{]id[}}]'
parameters = {{ "path.id" = {{ dictionary = "contacts", probability = 0.7 }} }}

[[operations]]
include-path-regex = '^/deals/[{{]id[}}]'
parameters = {{ "path.id" = {{ dictionary = "deals", probability = 0.8 }} }}

[[operations]]
include-path = "/files/{{id}}"
parameters = {{ "path.id" = {{ dictionary = "files", probability = 0.8 }} }}

[[operations]]
include-path = "/public/track"
parameters = {{ "body.session_id" = {{ dictionary = "sessions", probability = 0.9 }}, "body.share_token" = {{ dictionary = "shares", probability = 0.9 }}, "body.reader_token" = {{ dictionary = "readers", probability = 0.9 }} }}
"""
open(out + "/schemathesis.toml", "w").write(config)
open(out + "/token", "w").write(token)
open(out + "/run.json", "w").write(json.dumps({"admin": session["user"]["id"], "keys": keys}))
PY
token=$(cat "$dir/token")
# docs/channels.md's runnable adapter example, run as an adapter author would: it
# must deliver (exit 0) with the SMS credential just made.
read -r sms_key sms_secret < <("$VENV/bin/python" -c 'import json, sys; k = json.load(open(sys.argv[1]))["keys"]["sms"]; print(k["id"], k["secret"])' "$dir/run.json")
LIANJIE_URL="$base" LIANJIE_KEY="$sms_key" LIANJIE_SECRET="$sms_secret" \
  "$VENV/bin/python" docs/examples/deliver.py sms +8613800000000 "张先生" "想了解一下报价" >/dev/null
echo "docs/examples/deliver.py delivered a signed message"

cat >"$dir/lianjie_fuzz_hooks.py" <<'PY'
"""Signs channel adapters' deliveries with the credentials fuzz.sh made, and keeps
the run's admin an admin (a generated change of their role would leave the rest of
the run without the operations only admins reach)."""
import hashlib, hmac, json, os, time, zlib
import schemathesis
from schemathesis.core import NotSet

RUN = json.load(open(os.environ["LIANJIE_FUZZ_RUN"]))
KEYS = RUN["keys"]
INBOUND = "/channels/{channel}/inbound"
RECEIPTS = "/channels/sms/receipts"

def raw_body(case):
    """The bytes that will be sent: the body serialized once, here, and sent as is."""
    if isinstance(case.body, NotSet):
        return b""
    if isinstance(case.body, bytes):
        return case.body
    try:
        raw = json.dumps(case.body, allow_nan=False).encode()
    except (TypeError, ValueError):
        return None  # not JSON: sent unsigned, as generated
    case.body = raw
    return raw

SEQ = iter(range(1 << 62))

def unique_log_id(case):
    """A timeline entry's id names one entry of one customer by one author, and the
    generator draws the same few ids again and again: most would be refused as
    `taken` before reaching the rules behind them. About seven in eight get an id of
    their own; the rest keep theirs, so replays and collisions are fuzzed too."""
    for key in ("log_id", "id"):
        value = case.body.get(key)
        if key == "id" and case.operation.path != "/contacts/{id}/follow-ups":
            continue
        if isinstance(value, str) and zlib.crc32(value.encode()) % 8 != 0:
            case.body[key] = "%s-f%d" % (value[:40], next(SEQ))

@schemathesis.hook
def before_call(ctx, case, kwargs):
    if (case.operation.path == "/users/{id}" and case.path_parameters.get("id") == RUN["admin"]
            and isinstance(case.body, dict)):
        case.body.pop("role", None)
    if isinstance(case.body, dict):
        unique_log_id(case)
    if case.operation.path == RECEIPTS:
        # The address is the credential: most receipts carry the right one.
        query = dict(case.query or {})
        if zlib.crc32(repr(sorted(query.items())).encode()) % 8 != 0:
            sms = KEYS["sms"]
            query.update(key=sms["id"], token=sms["receipt_token"])
            case.query = query
        return
    if case.operation.path != INBOUND:
        return
    key = KEYS.get(str(case.path_parameters.get("channel")))
    if key is None:
        return
    now = str(int(time.time()))
    secret = key["secret"].encode()
    if case.method.upper() == "GET":
        query = dict(case.query or {})
        nonce = str(query.get("nonce", ""))
        if zlib.crc32(nonce.encode()) % 8 == 0:
            return
        parts = sorted([secret, now.encode(), nonce.encode()])
        query.update(key=key["id"], timestamp=now, nonce=nonce,
                     signature=hashlib.sha1(b"".join(parts)).hexdigest())
        case.query = query
        return
    body = raw_body(case)
    coin = 0 if body is None else zlib.crc32(body)
    if coin % 8 == 0:
        return
    headers = dict(case.headers or {})
    for name in ("X-Lianjie-Key", "X-Lianjie-Timestamp", "X-Lianjie-Signature"):
        headers.pop(name, None)
    if case.path_parameters.get("channel") == "wechat" and coin % 2:
        nonce = "n%08x" % coin
        parts = sorted([secret, now.encode(), nonce.encode(), body])
        case.query = dict(case.query or {}, key=key["id"], timestamp=now, nonce=nonce,
                          msg_signature=hashlib.sha1(b"".join(parts)).hexdigest())
    else:
        mac = hmac.new(secret, now.encode() + b"." + body, hashlib.sha256).hexdigest()
        headers.update({"X-Lianjie-Key": key["id"], "X-Lianjie-Timestamp": now,
                        "X-Lianjie-Signature": "v1=" + mac})
    case.headers = headers
PY

PYTHONPATH="$dir" SCHEMATHESIS_HOOKS=lianjie_fuzz_hooks LIANJIE_FUZZ_RUN="$dir/run.json" \
timeout "$TIMEOUT" "$VENV/bin/schemathesis" --config-file "$dir/schemathesis.toml" run docs/openapi.yaml \
  --url "$base/api/v1" \
  --header "Authorization: Bearer $token" \
  --phases examples,coverage,fuzzing,stateful \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --exclude-path /auth/logout --exclude-path /me/password --exclude-path /events \
  --exclude-path /demo/reset --exclude-path "/me/sessions/{id}" \
  --max-examples "$EXAMPLES" \
  --seed 20261130 \
  --generation-database none \
  --request-timeout 10 \
  --continue-on-failure \
  "$@"
