#!/usr/bin/env python3
"""Regenerates crates/kubectl/docs/docs.txt: the texts `kubectl --help` and
`kubectl explain` print, loaded apart from the simulator (the web page fetches
them only when a learner asks for help).

    scripts/gen-docs.py KUBECTL OPENAPI

KUBECTL is the real kubectl v1.36.3 (scripts/install-real-kubectl.sh puts it in
.tools/real-kubectl/kubectl); every help text is its exact `--help` output.

OPENAPI is upstream's OpenAPI of v1.36: either a v2 swagger.json holding every
group (kubernetes-sigs/reference-docs gen-apidocs/config/v1_36/swagger.json,
or kubernetes/kubernetes api/openapi-spec/swagger.json at the v1.36.3 tag), or a
directory of v3 documents named as in kubernetes/kubernetes
api/openapi-spec/v3/ (api__v1_openapi.json, apis__apps__v1_openapi.json, ...).
Both carry the same descriptions. Every type reachable from the served kinds
(crates/model/src/kinds.rs) is written with its fields, their types,
descriptions and enums: what `kubectl explain` walks and `ordinal serve`
publishes as its OpenAPI.

Format (crates/kubectl/src/docs.rs parses it): a line starting with `@@`
opens a section, its body runs to the next such line, and the body's last
newline is not part of the text.
    @@help WORDS...          `kubectl WORDS... --help` ("@@help" alone: `kubectl --help`,
                             "@@help options": `kubectl options`)
    @@kind GROUP/KIND        the full name of the kind's schema (api.apps.v1.StatefulSet)
    @@type NAME              description of a schema, by its full name without
                             `io.k8s.` (api.apps.v1.StatefulSetSpec)
    @@prim NAME              its type, for a schema that is not an object (string)
    @@fields NAME            its fields, sorted, one a line: `name<TAB>TYPE[<TAB>-required-]`,
                             TYPE `@NAME`, `[]TYPE`, `map[string]TYPE`, `Object` or a JSON type
    @@field NAME FIELD       description of a field
    @@enum NAME FIELD        its enum values, one a line
"""

import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Every command and subcommand the emulation accepts, plus kubectl's other
# top-level commands (their help is harmless and tells what they would do).
HELP = [
    [],
    ["options"],
    ["create"], ["create", "configmap"], ["create", "deployment"], ["create", "namespace"],
    ["create", "secret"], ["create", "secret", "generic"],
    ["create", "service"], ["create", "service", "clusterip"],
    ["create", "service", "nodeport"], ["create", "service", "loadbalancer"],
    ["expose"], ["run"], ["set"], ["set", "image"], ["set", "env"],
    ["set", "resources"], ["explain"], ["get"], ["edit"],
    ["delete"], ["rollout"], ["rollout", "history"], ["rollout", "pause"],
    ["rollout", "restart"], ["rollout", "resume"], ["rollout", "status"],
    ["rollout", "undo"], ["scale"], ["autoscale"], ["certificate"], ["cluster-info"],
    ["top"], ["top", "node"], ["top", "pod"], ["cordon"], ["uncordon"], ["drain"],
    ["taint"], ["describe"], ["logs"], ["attach"], ["exec"], ["port-forward"],
    ["proxy"], ["cp"], ["auth"], ["auth", "can-i"], ["auth", "whoami"], ["debug"],
    ["events"], ["diff"], ["apply"], ["patch"], ["replace"], ["wait"], ["kustomize"],
    ["label"], ["annotate"], ["completion"], ["alpha"], ["api-resources"],
    ["api-versions"], ["config"], ["config", "current-context"],
    ["config", "get-contexts"], ["config", "get-clusters"], ["config", "view"],
    ["plugin"], ["version"], ["help"],
]

def served_kinds():
    """(kind, group) of every kind served, from kinds.rs."""
    src = open(os.path.join(ROOT, "crates/model/src/kinds.rs")).read()
    return re.findall(r'info\(\s*"(\w+)",\s*"([\w.]*)"', src)


def openapi_definitions(source):
    """Every definition by its full name (io.k8s.api.apps.v1.StatefulSetSpec)."""
    if os.path.isdir(source):
        definitions = {}
        for path in sorted(glob.glob(os.path.join(source, "*_openapi.json"))):
            definitions.update(json.load(open(path))["components"]["schemas"])
        return definitions
    return json.load(open(source))["definitions"]


def short(name):
    """The key a type has in docs.txt: its full name without `io.k8s.`."""
    return name.removeprefix("io.k8s.")


def ref_name(schema):
    """The definition a schema refers to (directly or through a one-element allOf)."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    all_of = schema.get("allOf", [])
    if len(all_of) == 1 and "properties" not in schema:
        return ref_name(all_of[0])
    return None


def spec(schema):
    """A field's type in docs.txt: `@TYPE`, `[]SPEC`, `map[string]SPEC` or
    the schema's own type (`Object` for an object or none), as kubectl's
    plaintext template's `typeGuess` reads."""
    if "items" in schema:
        return "[]" + spec(schema["items"])
    if "additionalProperties" in schema:
        return "map[string]" + spec(schema["additionalProperties"])
    name = ref_name(schema)
    if name is not None:
        return "@" + short(name)
    kind = schema.get("type", "object")
    return "Object" if kind == "object" else kind


def closure(definitions, roots):
    """The definitions reachable from `roots`, sorted."""
    seen, stack = set(), list(roots)

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    stack.append(value.rsplit("/", 1)[-1])
                else:
                    refs(value)
        elif isinstance(node, list):
            for value in node:
                refs(value)

    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            refs(definitions[name])
    return sorted(seen)


def section(out, header, body):
    for line in body.split("\n"):
        assert not line.startswith("@@"), (header, line)
    out.append(f"@@{header}\n{body}\n")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    kubectl, openapi = sys.argv[1], sys.argv[2]
    out = []
    env = dict(os.environ, KUBECONFIG="/dev/null", COLUMNS="0")
    for words in HELP:
        # `kubectl options` prints the global flags; its `--help` prints nothing.
        flag = [] if words == ["options"] else ["--help"]
        text = subprocess.run([kubectl, *words, *flag], env=env, check=True,
                              capture_output=True, text=True).stdout
        section(out, " ".join(["help", *words]), text)

    definitions = openapi_definitions(openapi)
    by_gvk = {}
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            by_gvk[(gvk["group"], gvk["version"], gvk["kind"])] = name
    tops = [by_gvk[(group, "v1", kind)] for kind, group in served_kinds()]
    for kind, name in zip(served_kinds(), tops):
        section(out, f"kind {kind[1]}/{kind[0]}", short(name))
    for name in closure(definitions, tops):
        schema, key = definitions[name], short(name)
        if schema.get("description"):
            section(out, f"type {key}", schema["description"])
        # v3 documents leave Quantity and IntOrString untyped, so explain
        # prints their names; other non-object types print their type.
        untyped = name.endswith((".Quantity", ".IntOrString"))
        if schema.get("type", "object") != "object" and not untyped:
            section(out, f"prim {key}", schema["type"])
        props = schema.get("properties", {})
        if not props:
            continue
        required = set(schema.get("required", []))
        section(out, f"fields {key}", "\n".join(
            f"{field}\t{spec(props[field])}" + ("\t-required-" if field in required else "")
            for field in sorted(props)))
        for field in sorted(props):
            prop = props[field]
            if prop.get("description"):
                section(out, f"field {key} {field}", prop["description"])
            if prop.get("enum"):
                section(out, f"enum {key} {field}", "\n".join(prop["enum"]))
    target = os.path.join(ROOT, "crates/kubectl/docs/docs.txt")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main()
