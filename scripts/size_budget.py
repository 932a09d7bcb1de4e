#!/usr/bin/env python3
"""Fail when the page Ordinal serves is larger than its size budget.

Measures gzip -9 of everything the page loads from dist/ (html, js, wasm, css)
and prints the figure on every run. The offline single-file page is reported
too (it inlines the same wasm as base64, so it is larger and not budgeted), and
so is docs.txt, the kubectl help texts the page loads only when a learner asks
for help or explain (not budgeted either).

Usage: size_budget.py DIST_DIR --budget-kb 180
"""
import argparse
import gzip
import pathlib
import sys

PAGE_SUFFIXES = (".html", ".js", ".wasm", ".css")
OFFLINE_PAGE = "ordinal-offline.html"
DOCS_ASSET = "docs.txt"


def gz(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dist")
    ap.add_argument("--budget-kb", type=float, required=True)
    a = ap.parse_args()
    dist = pathlib.Path(a.dist)
    files = sorted(p for p in dist.iterdir() if p.suffix in PAGE_SUFFIXES and p.name != OFFLINE_PAGE)
    if not any(p.suffix == ".wasm" for p in files):
        sys.exit(f"size budget: no .wasm in {dist}; build first")
    total = 0
    for p in files:
        size = gz(p)
        total += size
        print(f"  {p.name:<40} {p.stat().st_size:>9} bytes  {size:>8} gzip -9")
    offline = dist / OFFLINE_PAGE
    if offline.exists():
        print(f"  {OFFLINE_PAGE:<40} {offline.stat().st_size:>9} bytes  {gz(offline):>8} gzip -9 (not budgeted)")
    docs = dist / DOCS_ASSET
    if docs.exists():
        print(f"docs asset ({DOCS_ASSET}, loaded on demand): {gz(docs) / 1000:.1f} KB gzip -9 (not budgeted)")
    budget = int(a.budget_kb * 1000)
    verdict = "within" if total <= budget else "OVER"
    print(f"page size: {total / 1000:.1f} KB gzip -9, budget {a.budget_kb:.0f} KB: {verdict}")
    sys.exit(0 if total <= budget else 1)


if __name__ == "__main__":
    main()
