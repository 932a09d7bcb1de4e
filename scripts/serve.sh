#!/usr/bin/env bash
# serve.sh — build the playground and serve it on http://127.0.0.1:8080
# (installs any missing tool first; Ctrl-C stops the server).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh --no-browser
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
PORT="${PORT:-8080}"
echo "Ordinal will be served at http://127.0.0.1:$PORT/ once built."
exec trunk serve --release --offline --skip-version-check --address 127.0.0.1 --port "$PORT"
