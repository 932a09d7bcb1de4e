//! OpenAPI v3 documents, as much of them as the real kubectl reads.
//!
//! `kubectl apply|create|replace` (validation on by default) fetches
//! `/openapi/v3`, then the group-version document of each object's kind, and
//! checks that the kind's PATCH operation accepts the `fieldValidation` query
//! parameter (`k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go`,
//! `supportsQueryParamV3`). When it does, kubectl leaves validation to the
//! server (`fieldValidation=Strict`), which the simulator's API layer does with
//! the real messages. The schemas are upstream's (fields, types, descriptions
//! and enums from ordinal-kubectl's docs), so the real `kubectl explain`
//! prints what the emulated `explain` prints; kubectl's
//! apply still computes its strategic merge patch from its compiled-in types,
//! as schemas carry no patch keys.

use ordinal_core::resources::{ResourceInfo, RESOURCES};
use ordinal_kubectl::docs::Docs;
use ordinal_model::{Map, Value};

/// The `/openapi/v3` index: one entry per served group version.
pub fn index() -> Value {
    let mut paths = Map::new();
    for info in RESOURCES {
        let key = group_version_path(info);
        let url = format!("/openapi/v3/{key}?hash={}", document_hash(info));
        paths.insert(key, Value::from([("serverRelativeURL", Value::from(url))]));
    }
    Value::from([("paths", Value::Object(paths))])
}

/// The document for `api/v1` or `apis/{group}/{version}` (`path` without the
/// `/openapi/v3/` prefix); `None` when that group version is not served.
pub fn group_version(path: &str) -> Option<Value> {
    let kinds: Vec<&ResourceInfo> = RESOURCES
        .iter()
        .filter(|r| group_version_path(r) == path)
        .collect();
    if kinds.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for info in kinds {
        kind_schemas(info, &mut schemas);
        let scope = if info.namespaced {
            "namespaces/{namespace}/"
        } else {
            ""
        };
        let patch = Value::from([
            ("operationId", Value::from(format!("patch{}", info.kind))),
            (
                "parameters",
                Value::from(vec![
                    query_parameter("dryRun"),
                    query_parameter("fieldManager"),
                    query_parameter("fieldValidation"),
                    query_parameter("force"),
                ]),
            ),
            ("responses", Value::object()),
            ("x-kubernetes-action", Value::from("patch")),
            (
                "x-kubernetes-group-version-kind",
                Value::from([
                    ("group", Value::from(info.group)),
                    ("version", Value::from(info.version)),
                    ("kind", Value::from(info.kind)),
                ]),
            ),
        ]);
        paths.insert(
            format!("/{path}/{scope}{}/{{name}}", info.plural),
            Value::from([("patch", patch)]),
        );
    }
    Some(Value::from([
        ("openapi", Value::from("3.0.0")),
        (
            "info",
            Value::from([
                ("title", Value::from("Kubernetes")),
                ("version", Value::from("v1.36.3")),
            ]),
        ),
        ("paths", Value::Object(paths)),
        (
            "components",
            Value::from([("schemas", Value::Object(schemas))]),
        ),
    ]))
}

/// Prefix of the schema names served: the docs name schemas by their full
/// OpenAPI name without it (`api.apps.v1.StatefulSetSpec`).
const SCHEMA_PREFIX: &str = "io.k8s.";

fn reference(name: &str) -> Value {
    Value::from([(
        "allOf",
        Value::from(vec![Value::from([(
            "$ref",
            Value::from(format!("#/components/schemas/{SCHEMA_PREFIX}{name}")),
        )])]),
    )])
}

fn typed(ty: &str) -> Value {
    Value::from([("type", Value::from(ty))])
}

/// The schema of a field type as the docs write it (`[]@NAME`,
/// `map[string]string`, `Object`, `integer`), adding the named schemas it
/// reaches to `schemas`.
fn type_schema(docs: &Docs, ty: &str, schemas: &mut Map) -> Value {
    if let Some(items) = ty.strip_prefix("[]") {
        return Value::from([
            ("type", Value::from("array")),
            ("items", type_schema(docs, items, schemas)),
        ]);
    }
    if let Some(values) = ty.strip_prefix("map[string]") {
        return Value::from([
            ("type", Value::from("object")),
            ("additionalProperties", type_schema(docs, values, schemas)),
        ]);
    }
    match ty.strip_prefix('@') {
        Some(name) => {
            named_schema(docs, name, schemas);
            reference(name)
        }
        None if ty == "Object" => typed("object"),
        None => typed(ty),
    }
}

/// Adds the named schema (and those under it) to `schemas`: an object with
/// its properties, a primitive with its type, `Quantity` and `IntOrString`
/// untyped as in upstream's v3 documents (so explain prints their names).
fn named_schema(docs: &Docs, name: &str, schemas: &mut Map) {
    let key = format!("{SCHEMA_PREFIX}{name}");
    if schemas.contains_key(&key) {
        return;
    }
    schemas.insert(key.clone(), Value::object());
    let fields = docs.fields(name);
    let mut schema = match docs.primitive(name) {
        Some(primitive) => typed(primitive),
        None if fields.is_empty() => Value::object(),
        None => typed("object"),
    };
    if let Some(description) = docs.type_description(name) {
        schema.set(&["description"], Value::from(description));
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in &fields {
        let mut property = type_schema(docs, field.ty, schemas);
        if let Some(description) = docs.field_description(name, field.name) {
            property.set(&["description"], Value::from(description));
        }
        let values = docs.field_enum(name, field.name);
        if !values.is_empty() {
            let values = values.into_iter().map(Value::from).collect();
            property.set(&["enum"], Value::Array(values));
        }
        properties.insert(field.name.to_string(), property);
        if field.required {
            required.push(Value::from(field.name));
        }
    }
    if !fields.is_empty() {
        schema.set(&["properties"], Value::Object(properties));
    }
    if !required.is_empty() {
        schema.set(&["required"], Value::Array(required));
    }
    schemas.insert(key, schema);
}

/// The schemas of `info`'s kind: the top-level one carries the
/// `x-kubernetes-group-version-kind` that `kubectl explain` looks up.
fn kind_schemas(info: &ResourceInfo, schemas: &mut Map) {
    let docs = ordinal_kubectl::docs::bundled();
    let Some(top) = docs.kind_schema(info.group, info.kind) else {
        return;
    };
    named_schema(&docs, top, schemas);
    if let Some(Value::Object(top_schema)) = schemas.get_mut(&format!("{SCHEMA_PREFIX}{top}")) {
        top_schema.insert("x-kubernetes-group-version-kind".to_string(), gvk(info));
    }
}

/// The `x-kubernetes-group-version-kind` that `kubectl explain` looks up.
fn gvk(info: &ResourceInfo) -> Value {
    Value::from(vec![Value::from([
        ("group", Value::from(info.group)),
        ("kind", Value::from(info.kind)),
        ("version", Value::from(info.version)),
    ])])
}

/// The media type of the OpenAPI v2 document kubectl asks for.
pub const V2_PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// `/openapi/v2`: a document with no definitions (`openapi_v2.Document`
/// {1: swagger, 2: info {1: title, 2: version}} in protobuf). kubectl falls
/// back to it for a group version the v3 index lacks (`apps/v1beta1`); with
/// no schema for the kind it skips client-side validation and reports the
/// missing resource mapping, as against a real server.
pub fn v2_document() -> Vec<u8> {
    fn string_field(tag: u8, text: &str) -> Vec<u8> {
        let mut out = vec![tag << 3 | 2, text.len() as u8];
        out.extend_from_slice(text.as_bytes());
        out
    }
    let info = [string_field(1, "Kubernetes"), string_field(2, "v1.36.3")].concat();
    let mut doc = string_field(1, "2.0");
    doc.push(2 << 3 | 2);
    doc.push(info.len() as u8);
    doc.extend_from_slice(&info);
    doc
}

fn query_parameter(name: &str) -> Value {
    Value::from([
        ("name", Value::from(name)),
        ("in", Value::from("query")),
        ("schema", Value::from([("type", Value::from("string"))])),
        ("uniqueItems", Value::from(true)),
    ])
}

fn group_version_path(info: &ResourceInfo) -> String {
    if info.group.is_empty() {
        format!("api/{}", info.version)
    } else {
        format!("apis/{}/{}", info.group, info.version)
    }
}

/// A stable content hash for a group version's document (FNV-1a of its path),
/// so clients may cache it like a real server's.
fn document_hash(info: &ResourceInfo) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in group_version_path(info).bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016X}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_lists_the_core_and_apps_group_versions() {
        let index = index();
        assert!(index
            .str_at(&["paths", "api/v1", "serverRelativeURL"])
            .starts_with("/openapi/v3/api/v1?hash="));
        assert!(!index
            .str_at(&["paths", "apis/apps/v1", "serverRelativeURL"])
            .is_empty());
    }

    #[test]
    fn statefulset_patch_accepts_field_validation() {
        let doc = group_version("apis/apps/v1").expect("apps/v1 served");
        let patch = doc
            .at(&[
                "paths",
                "/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}",
                "patch",
            ])
            .expect("statefulset patch operation");
        assert_eq!(
            patch.str_at(&["x-kubernetes-group-version-kind", "kind"]),
            "StatefulSet"
        );
        assert!(patch
            .array_at(&["parameters"])
            .iter()
            .any(|p| p.str_at(&["name"]) == "fieldValidation" && p.str_at(&["in"]) == "query"));
        assert!(group_version("apis/batch/v1").is_none());
    }
}
