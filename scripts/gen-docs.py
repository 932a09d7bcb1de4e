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
Both carry the same descriptions. The descriptions and enums of the kinds and
fields in the model's field table (crates/model/src/schema.rs) are taken from it.

Format (crates/kubectl/src/docs.rs parses it): a line starting with `@@`
opens a section, its body runs to the next such line, and the body's last
newline is not part of the text.
    @@help WORDS...          `kubectl WORDS... --help` ("@@help" alone: `kubectl --help`,
                             "@@help options": `kubectl options`)
    @@type NAME              description of a named schema (StatefulSetSpec, Quantity)
    @@field STRUCT FIELD     description of a field
    @@enum STRUCT FIELD      its enum values, one a line
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
    ["expose"], ["run"], ["set"], ["set", "image"], ["explain"], ["get"], ["edit"],
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
    ["plugin"], ["version"],
]

# Named schemas the served documents reference besides the model's structs.
EXTRA_TYPES = ["Quantity", "IntOrString", "Time", "ManagedFieldsEntry"]


def model_structs():
    """(struct name -> field names) and the top-level kinds from schema.rs,
    and every kind served from kinds.rs."""
    src = open(os.path.join(ROOT, "crates/model/src/schema.rs")).read()
    structs = {}
    for m in re.finditer(r'structure!\(\s*\w+,\s*"(\w+)",\s*\[(.*?)\]\s*\);', src, re.S):
        structs[m.group(1)] = re.findall(r'f\("(\w+)"', m.group(2))
    tops = []
    for m in re.finditer(r'top!\(\s*\w+,\s*"(\w+)",', src):
        structs[m.group(1)] = ["apiVersion", "kind", "metadata", "spec", "status"]
        tops.append(m.group(1))
    kinds_src = open(os.path.join(ROOT, "crates/model/src/kinds.rs")).read()
    kinds = re.findall(r'info\(\s*"(\w+)"', kinds_src)
    return structs, tops, kinds


def openapi_schemas(source):
    """Schemas by their short name (StatefulSetSpec), io.k8s.api.* first."""
    if os.path.isdir(source):
        documents = [json.load(open(p))["components"]["schemas"]
                     for p in sorted(glob.glob(os.path.join(source, "*_openapi.json")))]
    else:
        documents = [json.load(open(source))["definitions"]]
    schemas = {}
    for document in documents:
        for key in sorted(document):
            schemas.setdefault(key.rsplit(".", 1)[-1], document[key])
    return schemas


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

    structs, tops, kinds = model_structs()
    schemas = openapi_schemas(openapi)
    names = list(structs) + kinds + EXTRA_TYPES + [f"{k}Status" for k in tops] + [f"{k}Spec" for k in tops]
    missing = []
    for name in dict.fromkeys(names):
        schema = schemas.get(name)
        if schema is not None:
            if schema.get("description"):
                section(out, f"type {name}", schema["description"])
            props = schema.get("properties", {})
            for field in structs.get(name, []):
                prop = props.get(field)
                if prop is None:
                    missing.append(f"{name}.{field}")
                    continue
                if prop.get("description"):
                    section(out, f"field {name} {field}", prop["description"])
                if prop.get("enum"):
                    section(out, f"enum {name} {field}", "\n".join(prop["enum"]))
        elif name in structs:
            missing.append(name)
    if missing:
        print("no description for: " + ", ".join(missing), file=sys.stderr)
    target = os.path.join(ROOT, "crates/kubectl/docs/docs.txt")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main()
