//! Request bodies in the Kubernetes protobuf encoding.
//!
//! kubectl 1.36 sends the objects it builds itself (`create namespace`,
//! `create configmap|secret|service|deployment`, drain's evictions and
//! deletes) as
//! `application/vnd.kubernetes.protobuf` and does not retry with JSON on a
//! 415. This decodes those kinds into the JSON shape the API layer takes.
//!
//! Envelope (`k8s.io/apimachinery/pkg/runtime/serializer/protobuf`): the
//! magic `k8s\0`, then a `runtime.Unknown` {1: typeMeta {1: apiVersion,
//! 2: kind}, 2: raw}. Field numbers come from the `generated.proto` files of
//! `k8s.io/api/{core,apps,policy}/v1` and `apimachinery/pkg/apis/meta/v1`.
//! Fields not listed are skipped; like the Go JSON encoder with `omitempty`,
//! empty strings, zero non-pointer integers and false non-pointer booleans
//! are left out.

use ordinal_model::{Map, Value};

/// The four bytes every Kubernetes protobuf body starts with.
const MAGIC: &[u8] = b"k8s\0";
/// Deepest message nesting decoded (the schemas below nest less than this).
const MAX_DEPTH: usize = 16;

/// How one field is turned into JSON.
#[derive(Clone, Copy)]
enum Kind {
    /// A string, left out when empty.
    Str,
    /// An integer, left out when zero.
    Int,
    /// An integer behind a pointer in Go: kept when present.
    PtrInt,
    /// A boolean, left out when false.
    Bool,
    /// A boolean behind a pointer in Go: kept when present.
    PtrBool,
    /// A repeated string.
    Strings,
    /// A `map<string, string>`.
    StringMap,
    /// A `map<string, bytes>`, as base64 strings.
    BytesMap,
    /// `intstr.IntOrString` {1: type, 2: intVal, 3: strVal}.
    IntOrString,
    /// A nested message.
    Msg(&'static [Field]),
    /// A repeated nested message.
    Msgs(&'static [Field]),
}

/// Field number, JSON name, kind.
type Field = (u64, &'static str, Kind);

const OBJECT_META: &[Field] = &[
    (1, "name", Kind::Str),
    (2, "generateName", Kind::Str),
    (3, "namespace", Kind::Str),
    (11, "labels", Kind::StringMap),
    (12, "annotations", Kind::StringMap),
    (14, "finalizers", Kind::Strings),
];
const NAMESPACE: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "spec", Kind::Msg(&[(1, "finalizers", Kind::Strings)])),
];
const CONFIG_MAP: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "data", Kind::StringMap),
    (3, "binaryData", Kind::BytesMap),
    (4, "immutable", Kind::PtrBool),
];
const SECRET: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "data", Kind::BytesMap),
    (3, "type", Kind::Str),
    (4, "stringData", Kind::StringMap),
    (5, "immutable", Kind::PtrBool),
];
const SERVICE_PORT: &[Field] = &[
    (1, "name", Kind::Str),
    (2, "protocol", Kind::Str),
    (3, "port", Kind::Int),
    (4, "targetPort", Kind::IntOrString),
    (5, "nodePort", Kind::Int),
    (6, "appProtocol", Kind::Str),
];
const SERVICE_SPEC: &[Field] = &[
    (1, "ports", Kind::Msgs(SERVICE_PORT)),
    (2, "selector", Kind::StringMap),
    (3, "clusterIP", Kind::Str),
    (4, "type", Kind::Str),
    (5, "externalIPs", Kind::Strings),
    (7, "sessionAffinity", Kind::Str),
    (11, "externalName", Kind::Str),
    (20, "clusterIPs", Kind::Strings),
];
const SERVICE: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "spec", Kind::Msg(SERVICE_SPEC)),
];
const CONTAINER_PORT: &[Field] = &[
    (1, "name", Kind::Str),
    (2, "hostPort", Kind::Int),
    (3, "containerPort", Kind::Int),
    (4, "protocol", Kind::Str),
];
const ENV_VAR: &[Field] = &[(1, "name", Kind::Str), (2, "value", Kind::Str)];
const RESOURCES: &[Field] = &[];
const CONTAINER: &[Field] = &[
    (1, "name", Kind::Str),
    (2, "image", Kind::Str),
    (3, "command", Kind::Strings),
    (4, "args", Kind::Strings),
    (5, "workingDir", Kind::Str),
    (6, "ports", Kind::Msgs(CONTAINER_PORT)),
    (7, "env", Kind::Msgs(ENV_VAR)),
    (8, "resources", Kind::Msg(RESOURCES)),
    (14, "imagePullPolicy", Kind::Str),
];
const POD_SPEC: &[Field] = &[
    (2, "containers", Kind::Msgs(CONTAINER)),
    (3, "restartPolicy", Kind::Str),
    (7, "nodeSelector", Kind::StringMap),
    (20, "initContainers", Kind::Msgs(CONTAINER)),
];
const POD_TEMPLATE: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "spec", Kind::Msg(POD_SPEC)),
];
const LABEL_SELECTOR: &[Field] = &[(1, "matchLabels", Kind::StringMap)];
const DEPLOYMENT_SPEC: &[Field] = &[
    (1, "replicas", Kind::PtrInt),
    (2, "selector", Kind::Msg(LABEL_SELECTOR)),
    (3, "template", Kind::Msg(POD_TEMPLATE)),
    (4, "strategy", Kind::Msg(&[(1, "type", Kind::Str)])),
    (5, "minReadySeconds", Kind::Int),
    (6, "revisionHistoryLimit", Kind::PtrInt),
    (7, "paused", Kind::Bool),
    (9, "progressDeadlineSeconds", Kind::PtrInt),
];
const DEPLOYMENT: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "spec", Kind::Msg(DEPLOYMENT_SPEC)),
];
const SERVICE_ACCOUNT: &[Field] = &[(1, "metadata", Kind::Msg(OBJECT_META))];
const DELETE_OPTIONS: &[Field] = &[
    (1, "gracePeriodSeconds", Kind::PtrInt),
    (3, "orphanDependents", Kind::PtrBool),
    (4, "propagationPolicy", Kind::Str),
    (5, "dryRun", Kind::Strings),
];
const EVICTION: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "deleteOptions", Kind::Msg(DELETE_OPTIONS)),
];

/// The schema of a kind kubectl sends as protobuf.
fn schema(kind: &str) -> Option<&'static [Field]> {
    Some(match kind {
        "Namespace" => NAMESPACE,
        "ConfigMap" => CONFIG_MAP,
        "Secret" => SECRET,
        "Service" => SERVICE,
        "ServiceAccount" => SERVICE_ACCOUNT,
        "Deployment" => DEPLOYMENT,
        "Eviction" => EVICTION,
        "DeleteOptions" => DELETE_OPTIONS,
        _ => return None,
    })
}

/// Decodes a protobuf request body into the object's JSON shape, with
/// `apiVersion` and `kind` from the envelope.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let raw_envelope = body.strip_prefix(MAGIC).ok_or(
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    )?;
    let mut api_version = String::new();
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for (tag, value) in Reader(raw_envelope) {
        match (tag, value?) {
            (1, Wire::Bytes(meta)) => {
                for (tag, value) in Reader(meta) {
                    match (tag, value?) {
                        (1, Wire::Bytes(b)) => api_version = text(b)?,
                        (2, Wire::Bytes(b)) => kind = text(b)?,
                        _ => {}
                    }
                }
            }
            (2, Wire::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    let fields = schema(&kind).ok_or_else(|| format!("no protobuf decoding for kind {kind:?}"))?;
    let mut object = message(raw, fields, 0)?;
    object.set(&["apiVersion"], Value::from(api_version));
    object.set(&["kind"], Value::from(kind));
    Ok(object)
}

fn message(bytes: &[u8], fields: &[Field], depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("protobuf message nested too deeply".to_string());
    }
    let mut out = Map::new();
    for (tag, value) in Reader(bytes) {
        let value = value?;
        let Some(&(_, name, kind)) = fields.iter().find(|(t, _, _)| *t == tag) else {
            continue;
        };
        match (kind, value) {
            (Kind::Str, Wire::Bytes(b)) if !b.is_empty() => {
                out.insert(name.to_string(), Value::from(text(b)?));
            }
            (Kind::Int, Wire::Varint(0)) | (Kind::Bool, Wire::Varint(0)) => {}
            (Kind::Int | Kind::PtrInt, Wire::Varint(n)) => {
                out.insert(name.to_string(), Value::Int(n as i64));
            }
            (Kind::Bool | Kind::PtrBool, Wire::Varint(n)) => {
                out.insert(name.to_string(), Value::Bool(n != 0));
            }
            (Kind::Strings, Wire::Bytes(b)) => push(&mut out, name, Value::from(text(b)?)),
            (Kind::StringMap, Wire::Bytes(b)) => {
                let (key, value) = map_entry(b)?;
                entry(&mut out, name).insert(key, Value::from(text(value)?));
            }
            (Kind::BytesMap, Wire::Bytes(b)) => {
                let (key, value) = map_entry(b)?;
                entry(&mut out, name).insert(key, Value::from(base64(value)));
            }
            (Kind::IntOrString, Wire::Bytes(b)) => {
                let parts = message(
                    b,
                    &[
                        (1, "type", Kind::Int),
                        (2, "int", Kind::Int),
                        (3, "str", Kind::Str),
                    ],
                    depth + 1,
                )?;
                let value = if parts.i64_at(&["type"]) == Some(1) {
                    Value::from(parts.str_at(&["str"]))
                } else {
                    Value::Int(parts.i64_at(&["int"]).unwrap_or(0))
                };
                out.insert(name.to_string(), value);
            }
            (Kind::Msg(inner), Wire::Bytes(b)) => {
                out.insert(name.to_string(), message(b, inner, depth + 1)?);
            }
            (Kind::Msgs(inner), Wire::Bytes(b)) => {
                push(&mut out, name, message(b, inner, depth + 1)?)
            }
            _ => {}
        }
    }
    Ok(Value::Object(out))
}

fn push(out: &mut Map, name: &str, item: Value) {
    match out
        .entry(name.to_string())
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(items) => items.push(item),
        other => *other = Value::Array(vec![item]),
    }
}

fn entry<'a>(out: &'a mut Map, name: &str) -> &'a mut Map {
    let slot = out.entry(name.to_string()).or_insert_with(Value::object);
    if !matches!(slot, Value::Object(_)) {
        *slot = Value::object();
    }
    match slot {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}

/// A map entry message {1: key, 2: value}.
fn map_entry(bytes: &[u8]) -> Result<(String, &[u8]), String> {
    let (mut key, mut value) = (String::new(), &[][..]);
    for (tag, field) in Reader(bytes) {
        match (tag, field?) {
            (1, Wire::Bytes(b)) => key = text(b)?,
            (2, Wire::Bytes(b)) => value = b,
            _ => {}
        }
    }
    Ok((key, value))
}

fn text(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| "protobuf string is not UTF-8".to_string())
}

/// Standard base64 with padding (also the WebSocket handshake's encoding).
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One decoded field value.
enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Iterates over the (field number, value) pairs of a message.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.0.split_first().ok_or("truncated protobuf varint")?;
            self.0 = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("protobuf varint too long".to_string())
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        if len > self.0.len() {
            return Err("truncated protobuf field".to_string());
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(head)
    }

    fn field(&mut self) -> Result<(u64, Wire<'a>), String> {
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => self.take(8).map(|_| Wire::Fixed)?,
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|e| e.to_string())?;
                Wire::Bytes(self.take(len)?)
            }
            5 => self.take(4).map(|_| Wire::Fixed)?,
            other => return Err(format!("unsupported protobuf wire type {other}")),
        };
        Ok((key >> 3, value))
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = (u64, Result<Wire<'a>, String>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        match self.field() {
            Ok((tag, value)) => Some((tag, Ok(value))),
            Err(e) => {
                self.0 = &[];
                Some((0, Err(e)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(tag: u64, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![(tag << 3 | 2) as u8, bytes.len() as u8];
        out.extend_from_slice(bytes);
        out
    }

    fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
        let meta = [field(1, api_version.as_bytes()), field(2, kind.as_bytes())].concat();
        [MAGIC.to_vec(), field(1, &meta), field(2, raw)].concat()
    }

    #[test]
    fn a_namespace_from_kubectl_create_namespace() {
        let meta = field(1, field(1, b"demo").as_slice());
        let body = envelope(
            "v1",
            "Namespace",
            &[meta, field(2, &[]), field(3, &[])].concat(),
        );
        let ns = decode(&body).expect("decodes");
        assert_eq!(ns.str_at(&["metadata", "name"]), "demo");
        assert_eq!(ns.str_at(&["kind"]), "Namespace");
        assert_eq!(ns.str_at(&["apiVersion"]), "v1");
    }

    #[test]
    fn a_configmap_keeps_its_data_and_base64_encodes_binary_data() {
        let meta = field(1, field(1, b"cfg").as_slice());
        let data = field(2, &[field(1, b"mode"), field(2, b"fast")].concat());
        let binary = field(3, &[field(1, b"bin"), field(2, b"hi!")].concat());
        let cm =
            decode(&envelope("v1", "ConfigMap", &[meta, data, binary].concat())).expect("decodes");
        assert_eq!(cm.str_at(&["data", "mode"]), "fast");
        assert_eq!(cm.str_at(&["binaryData", "bin"]), "aGkh");
    }

    #[test]
    fn bodies_without_the_magic_or_cut_short_are_errors() {
        assert!(decode(b"{}").is_err());
        let mut body = envelope("v1", "Namespace", &field(1, &field(1, b"demo")));
        body.truncate(body.len() - 2);
        assert!(decode(&body).is_err());
        assert!(decode(&envelope("v1", "Widget", &[])).is_err());
    }
}
