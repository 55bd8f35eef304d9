#!/usr/bin/env bash
# First command of the README: installs what is missing, then serves the app on the
# embedded in-browser backend at http://127.0.0.1:8080 with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
echo "Lianjie is starting: open http://127.0.0.1:8080 once the first build finishes"
exec trunk serve "$@"
