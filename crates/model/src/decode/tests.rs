//! Decoding errors with kubectl's framing and Ordinal's pointer.

use super::*;

const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replica: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx
        imagePullPolcy: Always
";

#[test]
fn unknown_fields_are_all_listed_with_a_pointer_at_the_first() {
    let d = decode_manifest(STS, "web.yaml");
    assert!(d.objects.is_empty());
    assert_eq!(d.errors.len(), 1);
    let e = &d.errors[0];
    assert_eq!(
        e.message,
        "Error from server (BadRequest): error when creating \"web.yaml\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagePullPolcy\""
    );
    assert_eq!(
        e.render_pointer(),
        "  --> web.yaml:7:3\n   |\n 7 |   replica: 3\n   |   ^^^^^^^ did you mean \"replicas\"?\n"
    );
}

#[test]
fn wrong_types_name_the_go_struct_field() {
    let text = STS.replace("  replica: 3", "  replicas: 3").replace(
        "        imagePullPolcy: Always\n",
        "        ports:\n        - containerPort: \"80\"\n",
    );
    let d = decode_manifest(&text, "web.yaml");
    assert_eq!(
        d.errors[0].body,
        "error when creating \"web.yaml\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32"
    );
    let three = STS.replace("  replica: 3", "  replicas: three");
    assert!(decode_manifest(&three, "web.yaml").errors[0].body.ends_with(
        "json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
    ));
    let labels = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    version: 1.0\n";
    let d = decode_manifest(labels, "p.yaml");
    assert!(d.errors[0].body.ends_with(
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
    ));
    assert_eq!(
        d.errors[0].pos,
        Some(Pos {
            line: 6,
            column: 14
        })
    );
}

#[test]
fn missing_kind_stops_the_stream_with_kubectl_text() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nmetadata:\n  name: db\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    let d = decode_manifest(text, "db.yaml");
    assert_eq!(d.objects.len(), 1);
    assert_eq!(d.errors.len(), 1);
    assert!(d.errors[0].stops_stream);
    assert_eq!(
        d.errors[0].message,
        "error: error validating \"db.yaml\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false"
    );
}

#[test]
fn unknown_kinds_suggest_the_served_one() {
    let text = "apiVersion: apps/v1\nkind: StatefullSet\nmetadata:\n  name: db\n";
    let d = decode_manifest(text, "db.yaml");
    let e = &d.errors[0];
    assert_eq!(
        e.message,
        "error: resource mapping not found for name: \"db\" namespace: \"\" from \"db.yaml\": no matches for kind \"StatefullSet\" in version \"apps/v1\"\nensure CRDs are installed first"
    );
    assert_eq!(e.hint.as_deref(), Some("did you mean \"StatefulSet\"?"));
    let old = "apiVersion: apps/v1beta1\nkind: StatefulSet\nmetadata:\n  name: db\n";
    let d = decode_manifest(old, "db.yaml");
    assert_eq!(
        d.errors[0].hint.as_deref(),
        Some("did you mean \"apps/v1\"?")
    );
}

#[test]
fn parse_errors_come_after_earlier_documents() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   x: y\n";
    let d = decode_manifest(text, "x.yaml");
    assert_eq!(d.objects.len(), 1);
    assert_eq!(
        d.errors[0].message,
        "error: error parsing x.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context"
    );
    assert_eq!(d.errors[0].pos.map(|p| p.line), Some(10));
}

#[test]
fn lists_are_unpacked() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n    bogus: 1\n";
    let d = decode_manifest(text, "l.yaml");
    assert_eq!(d.objects.len(), 1);
    assert_eq!(
        d.errors[0].pos,
        Some(Pos {
            line: 12,
            column: 5
        })
    );
}

#[test]
fn bad_quantities_use_apimachinery_text() {
    let text = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: d\nspec:\n  accessModes: [ \"ReadWriteOnce\" ]\n  resources:\n    requests:\n      storage: 1gb\n";
    let d = decode_manifest(text, "d.yaml");
    assert!(d.errors[0].body.ends_with(
        "cannot be handled as a PersistentVolumeClaim: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    ));
}

#[test]
fn validation_errors_point_at_the_field() {
    let text = STS
        .replace("  replica: 3", "  replicas: -1")
        .replace("        imagePullPolcy: Always\n", "");
    let d = decode_manifest(&text, "web.yaml");
    let (_, spans) = &d.objects[0];
    let msg = "The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0";
    let diag = field_diagnostic(msg, &text, "web.yaml", spans, "spec.replicas", None);
    assert_eq!(
        diag.render_pointer(),
        "  --> web.yaml:7:13\n   |\n 7 |   replicas: -1\n   |             ^^\n"
    );
    let missing = field_diagnostic(
        msg,
        &text,
        "web.yaml",
        spans,
        "spec.resources[storage]",
        None,
    );
    assert_eq!(missing.pos, Some(Pos { line: 5, column: 1 }));
}

#[test]
fn a_missing_name_fails_when_kubectl_looks_the_object_up() {
    let d = decode_manifest(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n",
        "cm.yaml",
    );
    assert_eq!(
        d.errors[0].message,
        "error: error when retrieving current configuration of:\nResource: \"/v1, Resource=configmaps\", GroupVersionKind: \"/v1, Kind=ConfigMap\"\nName: \"\", Namespace: \"default\"\nfrom server for: \"cm.yaml\": resource name may not be empty"
    );
}

#[test]
fn strict_problems_for_the_patch_path() {
    let patch = crate::yaml::parse_stream("spec:\n  foo: 1\n  replicas: 2\n")
        .docs
        .remove(0)
        .value;
    assert_eq!(
        strict_problem(&patch, "StatefulSet").as_deref(),
        Some("strict decoding error: unknown field \"spec.foo\"")
    );
    assert_eq!(strict_problem(&Value::object(), "StatefulSet"), None);
}
