#!/usr/bin/env bash
# The two quick-start commands: `bash scripts/village.sh demo` and `bash scripts/village.sh test`.
# Each installs only what is missing (Debian packages as root, npm packages from the lock file).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
want() { have "$1" || need_apt+=("$2"); }

want influxd influxdb
# Text-to-speech for commune-radio bulletins (Vietnamese voice: espeak-ng -v vi).
want espeak-ng espeak-ng
# The monthly report's PDF is the report page printed by Debian's Chromium.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ "${1:-}" = test ]; then
  want mosquitto_pub mosquitto-clients
  want mosquitto mosquitto
  # pdftotext and pdftoppm read the report's PDF back.
  want pdftotext poppler-utils
  # Running at scale: two broker processes on Redis; the InfluxDB 2.x writer against /api/v2/write.
  want redis-server redis-server
  want victoria-metrics victoria-metrics
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.lock-hash ] || [ "$(cat node_modules/.lock-hash)" != "$lock_hash" ]; then
  echo "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.lock-hash
fi

case "${1:-}" in
  demo)
    node --import tsx scripts/build-app.ts
    exec node --import tsx scripts/demo.ts ;;
  test)
    rm -f .test-results.json
    status=0
    npm test || status=$?
    [ -f .test-results.json ] && node scripts/test-summary.mjs
    exit $status ;;
  *) echo "usage: bash scripts/village.sh demo|test" >&2; exit 2 ;;
esac
