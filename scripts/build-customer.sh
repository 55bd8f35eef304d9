#!/usr/bin/env bash
# The slim customer build: the card, shared-content and web-chat pages alone (no staff
# pages, no in-browser backend or demo data), into dist/customer/, which the reference
# server serves for /c/, /s/ and /chat/ links; and beside it, in dist/customer/reader/,
# the reader (reader.html), which it serves instead with a card or an article that needs
# nothing the app adds. Run after the main `trunk build`, which empties dist/. Then
# precompresses the static assets (brotli 11, gzip 9) so the server sends the smallest
# bytes without compressing on every request.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
trunk build --release --locked=true customer.html --dist dist/customer --public-url /customer/ "$@"
# The reader (src/reader/), for pages whose script needs no app; after the app, whose build
# empties dist/customer/.
trunk build --release --locked=true reader.html --dist dist/customer/reader --public-url /customer/reader/ "$@"
# Its stylesheets are the app's (the same files, so the same hashed names): the reader's
# page links the app's copies, so a reader going on to the chat has them cached already.
for css in dist/customer/reader/*.css; do
  name=$(basename "$css")
  if cmp -s "$css" "dist/customer/$name"; then
    sed -i "s|/customer/reader/$name|/customer/$name|" dist/customer/reader/index.html
    rm "$css"
  fi
done
node scripts/precompress.mjs dist
