#!/usr/bin/env bash
# Screenshots of every page (zh-CN and en, desktop 1440x900 and phone 390x844) into
# docs/screens/ with an index (docs/screens/README.md), plus the README's two images
# (docs/screenshot-workbench.png, docs/screenshot-card.png), from the build in dist/
# (a release build is best: `trunk build --release`). On the in-browser backend, with
# a fixed clock; about two minutes, stopped after ten. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/index.html ] || { echo "no dist/index.html: build the app first (trunk build --release)" >&2; exit 1; }
# Chromium and playwright-core (scripts/setup.sh), CJK fonts (else the Chinese pages
# show boxes) and pngquant, from Debian, when missing. The fonts are for screenshots
# alone (a person's own browser has its own), so the test command goes without them.
if ! command -v "${CHROMIUM:-chromium}" >/dev/null || [ ! -d node_modules/playwright-core ]; then
  bash scripts/setup.sh
fi
for pkg in fonts-noto-cjk pngquant; do
  dpkg -s "$pkg" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$pkg"; }
done
timeout 600 node scripts/screenshots.mjs
# Smaller files for the repository: lossy palette PNGs.
pngquant --force --ext .png --skip-if-larger --quality 65-90 --speed 1 \
  docs/screens/*.png docs/design/*.png docs/screenshot-*.png || true
