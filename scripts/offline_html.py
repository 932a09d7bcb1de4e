#!/usr/bin/env python3
"""Build dist/ordinal-offline.html: one self-contained file that works from file://.

Browsers block module scripts and wasm fetches on file:// origins, so this runs
wasm-bindgen with --target no-modules on the release .wasm, optimises it with
wasm-opt as index.html tells Trunk to (data-wasm-opt, data-wasm-opt-params),
base64-inlines it with the stylesheet, and instantiates it from the inlined
bytes (no fetch, no network). The kubectl help texts (--docs), which
the served page fetches on demand, are inlined as
<script type="text/plain" id="ordinal-docs">, `</` written `<\/` and `<!--`
written `<\!--` so they cannot end the element (web/src/docs.rs undoes both).

Usage: offline_html.py --wasm target/wasm32-unknown-unknown/release/ordinal-web.wasm \
                       --html index.html --css web/style.css \
                       --docs crates/kubectl/docs/docs.txt --out dist/ordinal-offline.html
Needs wasm-bindgen (the crate's pinned version) and wasm-opt on PATH. Stdlib only.
"""
import argparse
import base64
import pathlib
import re
import subprocess
import sys
import tempfile

from inline_glue import ON_START_FAILURE


def run(*cmd):
    print("+", " ".join(map(str, cmd)), file=sys.stderr)
    subprocess.run(list(map(str, cmd)), check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm", required=True)
    ap.add_argument("--html", required=True)
    ap.add_argument("--css", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    html = pathlib.Path(a.html).read_text()
    # The wasm-opt level and flags index.html gives Trunk, so both builds
    # are optimised alike.
    level = re.search(r'\bdata-wasm-opt="([^"]*)"', html)
    params = re.search(r'\bdata-wasm-opt-params="([^"]*)"', html)
    if not level:
        sys.exit("template has no data-wasm-opt")
    opt_flags = ["-O" + level.group(1)] + (params.group(1).split() if params else [])

    with tempfile.TemporaryDirectory() as td:
        td = pathlib.Path(td)
        run("wasm-bindgen", "--target", "no-modules", "--no-typescript", "--out-dir", td, a.wasm)
        (bg,) = td.glob("*_bg.wasm")
        run("wasm-opt", *opt_flags,
            "--enable-bulk-memory", "--enable-nontrapping-float-to-int", bg, "-o", bg)
        glue = bg.with_name(bg.name[: -len("_bg.wasm")] + ".js").read_text()
        data = base64.b64encode(bg.read_bytes()).decode("ascii")

    html = re.sub(r"<link\b[^>]*\bdata-trunk\b[^>]*>\s*", "", html)
    css = pathlib.Path(a.css).read_text().replace("</style", "<\\/style")
    html = html.replace("</head>", "<style>\n" + css + "</style>\n  </head>", 1)
    glue = glue.replace("</script", "<\\/script")
    boot = (
        "<script>\n" + glue + "\n</script>\n"
        "<script>\n"
        f'const ordinalWasm = "{data}";\n'
        # Uint8Array.from with a map function takes ~250 ms for the 1.6 MB
        # module; fromBase64 (where the browser has it) ~2 ms, the loop ~15.
        "let bytes;\n"
        "if (Uint8Array.fromBase64) {\n"
        "  bytes = Uint8Array.fromBase64(ordinalWasm);\n"
        "} else {\n"
        "  const text = atob(ordinalWasm);\n"
        "  bytes = new Uint8Array(text.length);\n"
        "  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);\n"
        "}\n"
        "wasm_bindgen({ module_or_path: bytes })"
        + ON_START_FAILURE
        + "</script>\n"
    )
    docs = pathlib.Path(a.docs).read_text()
    if "<\\/" in docs or "<\\!--" in docs:
        sys.exit("docs hold an escape sequence; pick another escape")
    docs = docs.replace("</", "<\\/").replace("<!--", "<\\!--")
    # In <head>: Yew empties <body> when it mounts the page.
    inline = '<script type="text/plain" id="ordinal-docs">' + docs + "</script>\n  </head>"
    html = html.replace("</head>", inline, 1)
    if "</body>" not in html:
        sys.exit("template has no </body>")
    html = html.replace("</body>", boot + "</body>", 1)
    out = pathlib.Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html)
    print(f"wrote {out} ({out.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
