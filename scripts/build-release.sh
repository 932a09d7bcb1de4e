#!/usr/bin/env bash
# build-release.sh — the release web build: dist/ (Trunk, wasm-opt -Oz) and
# dist/ordinal-offline.html, one self-contained file that works from file://.
# Assumes scripts/setup.sh has run (the test and serve scripts call it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
trunk build --release --offline --skip-version-check
python3 scripts/inline_glue.py dist
python3 scripts/offline_html.py \
  --wasm "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/ordinal-web.wasm" \
  --html index.html --css web/style.css --docs crates/kubectl/docs/docs.txt \
  --out dist/ordinal-offline.html
