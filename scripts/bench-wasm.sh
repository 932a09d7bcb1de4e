#!/usr/bin/env bash
# bench-wasm.sh — the simulator's benchmarks compiled to wasm as the page is
# (release profile) and run in Debian's headless Chromium by wasm-bindgen-test's
# runner (crates/core/benches/wasm_scale.rs). A measurement, not a test: it
# prints criterion's figures and never fails on them.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
# One ramp takes seconds in the browser; criterion takes ten of them.
export WASM_BINDGEN_TEST_TIMEOUT=1800
# Criterion's last figures, which the next run compares itself with.
export WASM_BINDGEN_BENCH_RESULT="$ROOT/target/wasm-bench.json"
mkdir -p target
cargo bench --target wasm32-unknown-unknown -p ordinal-core --bench wasm_scale "$@"
