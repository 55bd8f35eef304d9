#!/usr/bin/env bash
# Screenshots of every page (zh-CN and en, desktop 1440x900 and phone 390x844) into
# docs/screens/ with an index (docs/screens/README.md), plus the README's two images
# (docs/screenshot-workbench.png, docs/screenshot-card.png), from the build in dist/
# (a release build is best: `trunk build --release`). On the in-browser backend, with
# a fixed clock; about two minutes, stopped after ten. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/index.html ] || { echo "no dist/index.html: build the app first (trunk build --release)" >&2; exit 1; }
# Chromium, playwright-core, and CJK fonts (else the Chinese pages show boxes):
# scripts/setup.sh installs whichever is missing.
if ! command -v "${CHROMIUM:-chromium}" >/dev/null || [ ! -d node_modules/playwright-core ] \
   || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
timeout 600 node scripts/screenshots.mjs
# Smaller files for the repository: lossy palette PNGs (pngquant, Debian), when present.
if command -v pngquant >/dev/null; then
  pngquant --force --ext .png --skip-if-larger --quality 65-90 --speed 1 \
    docs/screens/*.png docs/design/*.png docs/screenshot-*.png || true
fi
