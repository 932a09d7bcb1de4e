#!/usr/bin/env bash
# bench-web.sh — browser benchmark of the release build: time to first
# interactive render and frame times with 1,000 pods animating, in Debian's
# headless Chromium. A measurement, not a test: it prints figures and never fails
# on them. Builds dist/ first unless BENCH_SKIP_BUILD=1. BENCH_COMPARE=DIR
# (another build's dist/, e.g. from a clone of an earlier commit) compares the
# two builds' first render, loads alternating, instead.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || bash scripts/build-release.sh
PORT="${BENCH_PORT:-8781}"
mkdir -p target/e2e
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory dist >/dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
sleep 0.5
if [ -n "${BENCH_COMPARE:-}" ]; then
  python3 -m http.server $((PORT + 1)) --bind 127.0.0.1 --directory "$BENCH_COMPARE" >/dev/null 2>&1 &
  other=$!
  trap 'kill $srv $other 2>/dev/null' EXIT
  sleep 0.5
  node bench/frames.mjs "http://127.0.0.1:$((PORT + 1))/" "http://127.0.0.1:$PORT/"
else
  node bench/frames.mjs "http://127.0.0.1:$PORT/"
fi
