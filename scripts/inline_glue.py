#!/usr/bin/env python3
"""Put the wasm-bindgen glue into dist/index.html instead of a file of its own.

Trunk writes the glue (an ES module) beside the page and imports it from a
<script type="module">: the browser then waits for a second request before it
can start instantiating the wasm, which has been preloading all the while.
On a loaded two-core machine that request took 30-80 ms of the first frame.
This replaces the import with the module's text (an inline module script may
hold `export` declarations; nothing imports them), removes the modulepreload
link and the file, and keeps the wasm's preload link; the template's HTML
comments are dropped from the page (they explain the template). The stylesheet is
inlined by Trunk itself (`rel="inline"` in index.html). A module that fails to
load or instantiate says so on the page instead of leaving the placeholder up
(ON_START_FAILURE, which scripts/offline_html.py appends to its loader too).

Usage: inline_glue.py DIST_DIR      (after `trunk build --release`). Stdlib only.
"""
import pathlib
import re
import sys

LOADER = re.compile(
    r"<script type=\"module\">\s*"
    r"import init, \* as bindings from '\./(?P<js>[\w.-]+\.js)';\s*"
    r"const wasm = await init\(\{ module_or_path: '\./(?P<wasm>[\w.-]+_bg\.wasm)' \}\);"
    r".*?</script>",
    re.S,
)

# Appended to the promise that instantiates the wasm, in both pages.
ON_START_FAILURE = (
    ".catch((e) => {\n"
    "  document.body.textContent = 'Ordinal could not start: ' + e;\n"
    "});\n"
)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: inline_glue.py DIST_DIR")
    dist = pathlib.Path(sys.argv[1])
    page = dist / "index.html"
    html = page.read_text()
    # The template's comments are for its readers, not the learner's
    # download (stripped before the glue goes in, which has none of its own).
    html = re.sub(r"<!--.*?-->\s*", "", html, flags=re.S)
    m = LOADER.search(html)
    if not m:
        sys.exit(f"{page}: no Trunk module loader found (already inlined, or Trunk changed its template)")
    js = dist / m.group("js")
    glue = js.read_text()
    if "async function __wbg_init(" not in glue:
        sys.exit(f"{js}: no __wbg_init (wasm-bindgen changed its glue)")
    glue = glue.replace("</script", "<\\/script")
    wasm = m.group("wasm")
    loader = (
        '<script type="module">\n'
        + glue
        + f"\n__wbg_init({{ module_or_path: './{wasm}' }})"
        + ON_START_FAILURE
        + "</script>"
    )
    html = html[: m.start()] + loader + html[m.end() :]
    html, preloads = re.subn(r'<link rel="modulepreload" href="\./' + re.escape(js.name) + r'"[^>]*>', "", html)
    if preloads != 1:
        sys.exit(f"{page}: expected one modulepreload link for {js.name}, found {preloads}")
    page.write_text(html)
    js.unlink()
    print(f"inlined {js.name} into {page}", file=sys.stderr)


if __name__ == "__main__":
    main()
