#!/usr/bin/env python3
"""Delivers one customer message to Lianjie as a channel adapter would, signed with
an adapter credential (docs/channels.md). Standard library only.

    LIANJIE_URL=http://127.0.0.1:8080 LIANJIE_KEY=ck-... LIANJIE_SECRET=... \
        python3 docs/examples/deliver.py sms +8613800000000 "张先生" "想了解一下报价"

Prints the stored message; exits 1 with the server's error when it is refused.
"""
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """v1= and the hex HMAC-SHA256 of "{timestamp}.{body}" with the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def deliver(base: str, key: str, secret: str, channel: str, message: dict) -> dict:
    # Sign exactly the bytes sent: serialize once, then sign and send those.
    body = json.dumps(message, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        f"{base}/api/v1/channels/{channel}/inbound",
        data=body,
        method="POST",
        headers={
            "content-type": "application/json",
            "x-lianjie-key": key,
            "x-lianjie-timestamp": timestamp,
            "x-lianjie-signature": sign(secret, timestamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main() -> int:
    channel, handle, name, text = sys.argv[1:5]
    message = {
        "handle": handle,
        "name": name,
        "body": text,
        # The platform's own message id is the best key: a retried delivery of the
        # same message is then stored once. Re-sign every retry (new timestamp).
        "idempotency_key": os.environ.get("MESSAGE_ID", uuid.uuid4().hex),
    }
    try:
        stored = deliver(
            os.environ.get("LIANJIE_URL", "http://127.0.0.1:8080"),
            os.environ["LIANJIE_KEY"],
            os.environ["LIANJIE_SECRET"],
            channel,
            message,
        )
    except urllib.error.HTTPError as e:
        print(e.code, e.read().decode(), file=sys.stderr)
        return 1
    print(json.dumps(stored, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
