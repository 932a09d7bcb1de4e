#!/usr/bin/env bash
# test.sh — every check Ordinal has, in the order a failure is cheapest to see.
# Installs missing tools first (scripts/setup.sh), runs each step, keeps going
# after a failure where later steps do not depend on it, and ends with a
# summary line `tests: N passed, M failed`. Exit status 0 only if all passed.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

# The foundation issue asked for 180 KB; the full simulator, kubectl emulation,
# YAML parser and UI measure about 650 KB today (see README, "Size budget").
# The help texts (dist/docs.txt, loaded on demand) print on their own line
# and are not counted.
# This budget stops regressions while the size work is open; lower it as it lands.
# (591 KB after the disruption controller, Leases, event correlator, probe
# timeouts, one-shot commands with CoreDNS and Deployment pods in the view;
# 593 KB with bare pods and an attached `kubectl run -it` in the page;
# 647 KB with Go templates, field selectors, kind's system pods and
# DaemonSets, curl/wget, pod files in the core and -o kyaml; 673 KB with
# kubectl run's full flags, typed objects' -o json in Go field order, the
# terminal completing each command's flags, and set env / set resources;
# 682 KB with GNU grep in pipelines, describe's prefix matching, --sort-by
# in Go's order and -o jsonpath-as-json; 687 KB with logs TYPE/NAME and
# --since, and shell variables with $((arithmetic)); 690.3 KB with set
# selector, set/create serviceaccount and ServiceAccount admission; 688.1 KB
# with two BTreeMap instantiations folded onto existing ones; 689.5 KB with
# the node, Service and volume buttons opening the inspector, the timeline
# slider reading out the time it points at, and names completing by type.)
SIZE_BUDGET_KB=690
E2E_PORT="${E2E_PORT:-18088}"

bash scripts/setup.sh || { echo "tests: 0 passed, 1 failed (setup)"; exit 1; }
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=180
export CARGO_TERM_COLOR=never

passed=0; failed=0; failures=()
step() {
  local name="$1"; shift
  local t0; t0=$(date +%s)
  printf '\n==> %s\n' "$name"
  if "$@"; then
    passed=$((passed + 1)); printf '<== %s: ok (%ss)\n' "$name" $(( $(date +%s) - t0 ))
  else
    failed=$((failed + 1)); failures+=("$name"); printf '<== %s: FAILED (%ss)\n' "$name" $(( $(date +%s) - t0 ))
    return 1
  fi
}

transcripts() {
  shopt -s nullglob
  local files=(tests/scenarios/*.txt)
  [ ${#files[@]} -gt 0 ] || { echo "no transcripts yet"; return 0; }
  cargo run -q -p ordinal-cli -- check "${files[@]}"
}

real_transcripts() {
  shopt -s nullglob
  cargo run -q -p ordinal-cli -- check --real-kubectl .tools/real-kubectl/kubectl tests/scenarios/*.txt
}

e2e() {
  python3 -m http.server "$E2E_PORT" --bind 127.0.0.1 --directory dist >/dev/null 2>&1 &
  local srv=$!
  node e2e/playground.mjs "http://127.0.0.1:$E2E_PORT/" "file://$ROOT/dist/ordinal-offline.html"
  local rc=$?
  kill "$srv" 2>/dev/null
  return $rc
}

step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy -D warnings" cargo clippy --workspace --all-targets -- -D warnings
step "cargo test (native)" cargo test --workspace
step "transcripts (ordinal check)" transcripts
step "transcripts through the real kubectl (ordinal check --real-kubectl)" real_transcripts
step "wasm tests in headless Chromium (web)" cargo test --target wasm32-unknown-unknown -p ordinal-web
step "wasm-pack test --headless --chrome (core crates)" bash -c '
  for crate in crates/model crates/core crates/kubectl; do
    wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver --mode no-install "$crate" || exit 1
  done'
if step "release build (dist/ and dist/ordinal-offline.html)" bash scripts/build-release.sh; then
  step "size budget (${SIZE_BUDGET_KB} KB gzip -9)" python3 scripts/size_budget.py dist --budget-kb "$SIZE_BUDGET_KB"
  step "end-to-end in headless Chromium" e2e
else
  failed=$((failed + 2)); failures+=("size budget (no build)" "end-to-end (no build)")
fi

echo
[ $failed -eq 0 ] || printf 'failed steps: %s\n' "$(IFS=';'; echo "${failures[*]}")"
echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
