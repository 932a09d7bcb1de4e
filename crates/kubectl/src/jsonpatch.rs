//! JSON patch (RFC 6902) as the API server applies `--type=json` patches:
//! the operation list decoded as apiserver `handlers/patch.go` does, then
//! applied with the semantics and error texts of `gopkg.in/evanphx/json-patch.v4`
//! (v4.13.0, `patch.go`), quirks included: `replace` of a missing object key
//! adds it, a `null` member counts as missing, negative array indices count
//! from the end. Shared by `kubectl patch` and the CLI's API server.

use ordinal_core::error::{ApiError, Reason};
use ordinal_core::Sim;
use ordinal_model::Value;

/// The most operations one patch may hold (apiserver `maxJSONPatchOperations`).
pub const MAX_OPERATIONS: usize = 10_000;
/// The most bytes `copy` operations may add (apiserver `JSONPatchMaxCopyBytes`).
pub const MAX_COPY_BYTES: usize = 3 * 1024 * 1024;

/// The API server's message for every failed patch application (422).
pub const REJECTED: &str = "the server rejected our request due to an error in our request";

/// Why a JSON patch was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonPatchError {
    /// The body is not a list of operations (400 BadRequest, this message).
    Decode(String),
    /// More than [`MAX_OPERATIONS`] operations (413); holds the count.
    TooManyOperations(usize),
    /// An operation failed; json-patch's own text. The API server does not
    /// send it: the client sees only [`REJECTED`] (422 Invalid).
    Apply(String),
    /// Reading or writing the stored object failed.
    Api(ApiError),
}

impl JsonPatchError {
    /// The status the API server answers with (413 maps to BadRequest's
    /// framing since the simulator has no RequestEntityTooLarge reason).
    pub fn to_api_error(&self) -> ApiError {
        match self {
            JsonPatchError::Decode(message) => ApiError::bad_request(message.clone()),
            JsonPatchError::TooManyOperations(n) => ApiError::bad_request(too_many(*n)),
            JsonPatchError::Apply(_) => ApiError {
                code: 422,
                reason: Reason::Invalid,
                message: REJECTED.to_string(),
                kind: String::new(),
                name: String::new(),
                causes: Vec::new(),
            },
            JsonPatchError::Api(err) => err.clone(),
        }
    }
}

/// Patches the stored object `resource`/`ns`/`name` as the API server's
/// JSON-patch handler does: the patched document replaces the object
/// unconditionally (no resourceVersion precondition).
pub fn patch_stored(
    sim: &mut Sim,
    resource: &str,
    ns: &str,
    name: &str,
    patch: &Value,
) -> Result<Value, JsonPatchError> {
    let before = sim.get(resource, ns, name).map_err(JsonPatchError::Api)?;
    let mut patched = apply(&before, patch)?;
    patched.set(&["metadata", "resourceVersion"], Value::from(""));
    sim.update(resource, ns, patched)
        .map_err(JsonPatchError::Api)
}

/// The 413 message for an over-long patch.
pub fn too_many(count: usize) -> String {
    format!("The allowed maximum operations in a JSON patch is {MAX_OPERATIONS}, got {count}")
}

/// One decoded operation (apiserver `jsonPatchOp`); `None` = field absent.
struct Operation<'a> {
    op: Option<&'a str>,
    path: Option<&'a str>,
    from: Option<&'a str>,
    value: Option<&'a Value>,
}

/// Applies the RFC 6902 `patch` (a JSON array of operations) to `doc`.
pub fn apply(doc: &Value, patch: &Value) -> Result<Value, JsonPatchError> {
    let ops = decode(patch)?;
    if ops.len() > MAX_OPERATIONS {
        return Err(JsonPatchError::TooManyOperations(ops.len()));
    }
    let mut doc = doc.clone();
    let mut copied = 0usize;
    for op in &ops {
        apply_one(&mut doc, op, &mut copied).map_err(JsonPatchError::Apply)?;
    }
    Ok(doc)
}

fn decode(patch: &Value) -> Result<Vec<Operation<'_>>, JsonPatchError> {
    let cannot = |what: &str, target: &str| {
        JsonPatchError::Decode(format!(
            "error decoding patch: json: cannot unmarshal {what} into Go {target}"
        ))
    };
    let items: &[Value] = match patch {
        Value::Null => &[],
        Value::Array(items) => items,
        other => {
            return Err(cannot(
                other.json_type(),
                "value of type []handlers.jsonPatchOp",
            ))
        }
    };
    let mut ops = Vec::with_capacity(items.len().min(MAX_OPERATIONS + 1));
    for item in items {
        let fields = match item {
            Value::Null => None,
            Value::Object(map) => Some(map),
            other => {
                return Err(cannot(
                    other.json_type(),
                    "value of type handlers.jsonPatchOp",
                ))
            }
        };
        let text = |name: &str| -> Result<Option<&str>, JsonPatchError> {
            match fields.and_then(|m| m.get(name)) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(other) => Err(cannot(
                    other.json_type(),
                    &format!("struct field jsonPatchOp.{name} of type string"),
                )),
            }
        };
        ops.push(Operation {
            op: text("op")?,
            path: text("path")?,
            from: text("from")?,
            value: fields.and_then(|m| m.get("value")),
        });
    }
    Ok(ops)
}

fn apply_one(doc: &mut Value, op: &Operation, copied: &mut usize) -> Result<(), String> {
    const MISSING_PATH: &str = "operation missing path field: missing value";
    const MISSING_FROM: &str = "operation, missing from field: missing value";
    let value = || op.value.cloned().unwrap_or(Value::Null);
    match op.op.unwrap_or("unknown") {
        "add" => {
            let path = op
                .path
                .ok_or("add operation failed to decode path: missing value")?;
            let (con, key) = container(doc, path).ok_or_else(|| {
                format!(
                    "add operation does not apply: doc is missing path: \"{path}\": missing value"
                )
            })?;
            add(con, &key, value()).map_err(|e| format!("error in add for path: '{path}': {e}"))
        }
        "remove" => {
            let path = op
                .path
                .ok_or("remove operation failed to decode path: missing value")?;
            let (con, key) = container(doc, path).ok_or_else(|| {
                format!(
                    "remove operation does not apply: doc is missing path: \"{path}\": missing value"
                )
            })?;
            remove(con, &key)
                .map(|_| ())
                .map_err(|e| format!("error in remove for path: '{path}': {e}"))
        }
        "replace" => {
            let path = op.path.ok_or_else(|| {
                format!("replace operation failed to decode path: {MISSING_PATH}")
            })?;
            if path.is_empty() {
                return match op.value {
                    Some(v @ (Value::Object(_) | Value::Array(_))) => {
                        *doc = v.clone();
                        Ok(())
                    }
                    _ => Err("replace operation value must be object or array: %!w(<nil>)".into()),
                };
            }
            let (con, key) = container(doc, path).ok_or_else(|| {
                format!(
                    "replace operation does not apply: doc is missing path: {path}: missing value"
                )
            })?;
            if get(con, &key).is_err() {
                return Err(format!(
                    "replace operation does not apply: doc is missing key: {path}: missing value"
                ));
            }
            set(con, &key, value()).map_err(|e| format!("error in remove for path: '{path}': {e}"))
        }
        "move" => {
            let from = op
                .from
                .ok_or_else(|| format!("move operation failed to decode from: {MISSING_FROM}"))?;
            let (con, key) = container(doc, from).ok_or_else(|| {
                format!("move operation does not apply: doc is missing from path: {from}: missing value")
            })?;
            get(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
            let moved =
                remove(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
            let path = op
                .path
                .ok_or_else(|| format!("move operation failed to decode path: {MISSING_PATH}"))?;
            let (con, key) = container(doc, path).ok_or_else(|| {
                format!(
                    "move operation does not apply: doc is missing destination path: {path}: missing value"
                )
            })?;
            add(con, &key, moved).map_err(|e| format!("error in move for path: '{path}': {e}"))
        }
        "test" => {
            let path = op
                .path
                .ok_or_else(|| format!("test operation failed to decode path: {MISSING_PATH}"))?;
            let failed = || format!("testing value {path} failed: test failed");
            if path.is_empty() {
                return if op.value == Some(&*doc) {
                    Ok(())
                } else {
                    Err(failed())
                };
            }
            let (con, key) = container(doc, path).ok_or_else(|| {
                format!("test operation does not apply: is missing path: {path}: missing value")
            })?;
            let current =
                get(con, &key).map_err(|e| format!("error in test for path: '{path}': {e}"))?;
            let expected = op.value.filter(|v| !v.is_null());
            match (current.filter(|v| !v.is_null()), expected) {
                (None, None) => Ok(()),
                (Some(a), Some(b)) if a == b => Ok(()),
                _ => Err(failed()),
            }
        }
        "copy" => {
            let from = op
                .from
                .ok_or_else(|| format!("copy operation failed to decode from: {MISSING_FROM}"))?;
            let (con, key) = container(doc, from).ok_or_else(|| {
                format!("copy operation does not apply: doc is missing from path: {from}: missing value")
            })?;
            let copy = get(con, &key)
                .map_err(|e| format!("error in copy for from: '{from}': {e}"))?
                .cloned()
                .unwrap_or(Value::Null);
            let path = op
                .path
                .ok_or("copy operation failed to decode path: missing value")?;
            let (con, key) = container(doc, path).ok_or_else(|| {
                format!(
                    "copy operation does not apply: doc is missing destination path: {path}: missing value"
                )
            })?;
            *copied += ordinal_model::json::to_compact(&copy).len();
            if *copied > MAX_COPY_BYTES {
                return Err(format!(
                    "Unable to complete the copy, the accumulated size increase of copy is {copied}, exceeding the limit {MAX_COPY_BYTES}"
                ));
            }
            add(con, &key, copy).map_err(|e| format!("error while adding value during copy: {e}"))
        }
        other => Err(format!("Unexpected kind: {other}")),
    }
}

/// RFC 6901 token decoding (`~1` → `/`, then `~0` → `~`, in one pass).
fn decode_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// json-patch `findObject`: the object or array holding the last token of
/// `path`, and that token decoded. `None` when a parent is missing, `null`
/// or a scalar, or the path has no `/`.
fn container<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let tokens: Vec<&str> = path.split('/').collect();
    if tokens.len() < 2 {
        return None;
    }
    let mut current = doc;
    for token in &tokens[1..tokens.len() - 1] {
        let key = decode_token(token);
        let next = match current {
            Value::Object(map) => map.get_mut(&key)?,
            Value::Array(items) => {
                let index = resolve_index(&key, items.len()).ok()?;
                items.get_mut(index)?
            }
            _ => return None,
        };
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        current = next;
    }
    Some((current, decode_token(tokens[tokens.len() - 1])))
}

/// Go's `strconv.Atoi` with its error text.
fn atoi(key: &str) -> Result<i64, String> {
    let digits = key.strip_prefix(['+', '-']).unwrap_or(key);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing \"{key}\": invalid syntax"));
    }
    key.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing \"{key}\": value out of range"))
}

fn invalid_index(index: i64) -> String {
    format!("Unable to access invalid index: {index}: invalid index referenced")
}

/// An existing element's position; negative indices count from the end.
fn resolve_index(key: &str, len: usize) -> Result<usize, String> {
    let index = atoi(key)?;
    let len = len as i64;
    let resolved = if index < 0 { index + len } else { index };
    if resolved < 0 || resolved >= len {
        return Err(invalid_index(index));
    }
    Ok(resolved as usize)
}

fn get<'a>(con: &'a Value, key: &str) -> Result<Option<&'a Value>, String> {
    match con {
        Value::Object(map) => Ok(map.get(key)),
        Value::Array(items) => Ok(Some(&items[resolve_index(key, items.len())?])),
        _ => Ok(None),
    }
}

fn add(con: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match con {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(items) => {
            if key == "-" {
                items.push(value);
                return Ok(());
            }
            let index = atoi(key)
                .map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            let len = items.len() as i64 + 1;
            let resolved = if index < 0 { index + len } else { index };
            if index >= len || resolved < 0 {
                return Err(invalid_index(index));
            }
            items.insert(resolved as usize, value);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn set(con: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match con {
        Value::Array(items) => {
            let index = resolve_index(key, items.len())?;
            items[index] = value;
            Ok(())
        }
        _ => add(con, key, value),
    }
}

fn remove(con: &mut Value, key: &str) -> Result<Value, String> {
    match con {
        Value::Object(map) => map
            .remove(key)
            .ok_or_else(|| format!("Unable to remove nonexistent key: {key}: missing value")),
        Value::Array(items) => {
            let index = resolve_index(key, items.len())?;
            Ok(items.remove(index))
        }
        _ => Err(format!(
            "Unable to remove nonexistent key: {key}: missing value"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        ordinal_model::json::parse(text).expect("test JSON parses")
    }

    fn run(doc: &str, patch: &str) -> Result<Value, JsonPatchError> {
        apply(&json(doc), &json(patch))
    }

    fn failure(doc: &str, patch: &str) -> String {
        match run(doc, patch) {
            Err(JsonPatchError::Apply(text)) | Err(JsonPatchError::Decode(text)) => text,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn the_six_operations_follow_rfc_6902() {
        let doc = r#"{"spec":{"replicas":3,"list":["a","b"]},"metadata":{"labels":{"app":"db"}}}"#;
        let patch = r#"[
            {"op":"test","path":"/spec/replicas","value":3},
            {"op":"replace","path":"/spec/replicas","value":5},
            {"op":"add","path":"/spec/list/1","value":"x"},
            {"op":"add","path":"/spec/list/-","value":"z"},
            {"op":"remove","path":"/spec/list/0"},
            {"op":"copy","from":"/metadata/labels/app","path":"/metadata/labels/copy"},
            {"op":"move","from":"/metadata/labels/app","path":"/metadata/labels/a~1b"}
        ]"#;
        assert_eq!(
            run(doc, patch).unwrap(),
            json(
                r#"{"spec":{"replicas":5,"list":["x","b","z"]},"metadata":{"labels":{"copy":"db","a/b":"db"}}}"#
            )
        );
    }

    #[test]
    fn failures_use_json_patch_texts() {
        let doc = r#"{"spec":{"replicas":3,"list":["a"]}}"#;
        assert_eq!(
            failure(doc, r#"[{"op":"remove","path":"/spec/foo"}]"#),
            "error in remove for path: '/spec/foo': Unable to remove nonexistent key: foo: missing value"
        );
        assert_eq!(
            failure(doc, r#"[{"op":"add","path":"/spec/foo/bar","value":1}]"#),
            "add operation does not apply: doc is missing path: \"/spec/foo/bar\": missing value"
        );
        assert_eq!(
            failure(doc, r#"[{"op":"replace","path":"/spec/list/4","value":1}]"#),
            "replace operation does not apply: doc is missing key: /spec/list/4: missing value"
        );
        assert_eq!(
            failure(doc, r#"[{"op":"test","path":"/spec/replicas","value":4}]"#),
            "testing value /spec/replicas failed: test failed"
        );
        assert_eq!(
            failure(doc, r#"[{"op":"add","path":"/spec/list/7","value":1}]"#),
            "error in add for path: '/spec/list/7': Unable to access invalid index: 7: invalid index referenced"
        );
        assert_eq!(
            failure(doc, r#"[{"op":"add","path":"/spec/list/x","value":1}]"#),
            "error in add for path: '/spec/list/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            failure(doc, r#"[{"op":"bump","path":"/spec"}]"#),
            "Unexpected kind: bump"
        );
        assert_eq!(
            failure(doc, r#"{"op":"add"}"#),
            "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"
        );
        assert_eq!(
            failure(doc, r#"[{"op":"add","path":3}]"#),
            "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string"
        );
    }

    #[test]
    fn replace_of_a_missing_key_adds_it_as_json_patch_v4_does() {
        let out = run(
            r#"{"spec":{}}"#,
            r#"[{"op":"replace","path":"/spec/paused","value":true}]"#,
        );
        assert_eq!(out.unwrap(), json(r#"{"spec":{"paused":true}}"#));
    }

    #[test]
    fn a_failed_operation_leaves_the_document_unchanged_and_is_a_422() {
        let err = run(
            r#"{"a":1}"#,
            r#"[{"op":"replace","path":"/a","value":2},{"op":"remove","path":"/b"}]"#,
        )
        .unwrap_err();
        let api = err.to_api_error();
        assert_eq!(api.code, 422);
        assert_eq!(api.message, REJECTED);
    }

    #[test]
    fn copies_are_limited() {
        let big = "x".repeat(1 << 20);
        let doc = format!(r#"{{"a":"{big}"}}"#);
        let patch = r#"[{"op":"copy","from":"/a","path":"/b"},{"op":"copy","from":"/a","path":"/c"},
            {"op":"copy","from":"/a","path":"/d"}]"#;
        assert!(failure(&doc, patch).starts_with("Unable to complete the copy"));
    }
}
