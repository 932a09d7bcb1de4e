#!/usr/bin/env bash
# setup.sh — install every tool Ordinal's build and tests need, idempotently.
#
# Each step first checks whether the pinned version is already there and skips
# it, so a repeat run takes a couple of seconds. Nothing is downloaded outside
# the package registries: Chromium and chromedriver come from Debian, Rust
# tools from crates.io, wasm-opt and the browser driver library from npm.
#
#   apt        chromium, chromium-driver      /usr/bin/chromium, /usr/bin/chromedriver
#   apt        fonts-wqy-microhei             a small CJK font, so Chinese screenshots render
#   rustup     target wasm32-unknown-unknown
#   cargo bin  trunk, wasm-bindgen-cli (== the wasm-bindgen pin in Cargo.toml and
#              Trunk.toml), wasm-pack         ~/.cargo/bin
#   npm        package.json + package-lock.json (binaryen's wasm-opt,
#              playwright-core)               ./node_modules
#
# Usage: scripts/setup.sh [--no-browser]   (--no-browser skips Chromium: enough to serve)
# Measured on 2 cores: about 17 minutes on a cold machine (cargo installs), 2 s warm.
set -euo pipefail

TRUNK_VERSION=0.21.14          # 0.22 needs rustc >= 1.96
WASM_BINDGEN_VERSION=0.2.130   # must equal `wasm-bindgen = "=..."` in Cargo.toml
WASM_PACK_VERSION=0.15.1
BINARYEN_VERSION=132.0.0       # must equal package.json and Trunk.toml (version_132)
WASM_TARGET=wasm32-unknown-unknown

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WANT_BROWSER=1
[ "${1:-}" = "--no-browser" ] && WANT_BROWSER=0

T0=$(date +%s)
log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH. $2"; }

need cargo "Install Rust with rustup first."
need rustup "Install rustup first (it adds the $WASM_TARGET target)."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  else command -v sudo >/dev/null 2>&1 || die "need root or sudo for: $*"; sudo "$@"; fi
}

apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# Node.js and npm (for wasm-opt and the browser tests); present on the Rust image.
if ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi

if [ "$WANT_BROWSER" = 1 ]; then
  apt_install chromium chromium-driver fonts-wqy-microhei
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after install"
  command -v chromedriver >/dev/null || die "chromedriver missing after install"
fi

if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
  log "rustup target add $WASM_TARGET"
  rustup target add "$WASM_TARGET" || die "rustup target add $WASM_TARGET failed"
fi

# cargo_tool BIN CRATE VERSION LOCKED? VERSION-COMMAND...
cargo_tool() {
  local bin="$1" crate="$2" ver="$3" locked="$4"; shift 4
  local have=""
  command -v "$bin" >/dev/null 2>&1 && have="$("$@" 2>/dev/null || true)"
  printf '%s' "$have" | grep -qw -- "$ver" && return 0
  local flags=(--version "$ver" --force)
  [ "$locked" = locked ] && flags+=(--locked)
  log "cargo install $crate ${flags[*]} (several minutes on a cold machine)"
  cargo install "$crate" "${flags[@]}" || die "cargo install $crate $ver failed"
  "$@" 2>/dev/null | grep -qw -- "$ver" || die "$bin does not report version $ver after install"
}
cargo_tool trunk trunk "$TRUNK_VERSION" locked trunk --version
# No --locked: wasm-bindgen-cli's own lock file pins a webpki-roots the registry no longer serves.
cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION" unlocked wasm-bindgen --version
command -v wasm-bindgen-test-runner >/dev/null || die "wasm-bindgen-test-runner missing (comes with wasm-bindgen-cli)"
if [ "$WANT_BROWSER" = 1 ]; then
  cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION" locked wasm-pack --version
fi

# npm: install exactly what package-lock.json says, unless it is already there.
npm_version() { node -p "require('$ROOT/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ "$(npm_version binaryen)" != "$BINARYEN_VERSION" ] \
  || [ "$(npm_version playwright-core)" != "$(node -p "require('$ROOT/package.json').devDependencies['playwright-core']")" ]; then
  log "npm ci"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
fi
"$ROOT/node_modules/.bin/wasm-opt" --version | grep -q "version ${BINARYEN_VERSION%%.*}" \
  || die "wasm-opt is not binaryen ${BINARYEN_VERSION%%.*}"

# The real kubectl v1.36.3, the judge every transcript also runs through.
bash "$ROOT/scripts/install-real-kubectl.sh" >/dev/null || die "installing the real kubectl failed"

log "tools ready in $(( $(date +%s) - T0 ))s"
