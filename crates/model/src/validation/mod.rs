//! API validation with apimachinery's exact messages: `field.Error`
//! (`k8s.io/apimachinery/pkg/util/validation/field/errors.go`, v1.34+ value
//! rendering), the `The <Kind> "<name>" is invalid` framing kubectl prints,
//! and per-kind rules from `pkg/apis/{apps,core,storage}/validation`.
//!
//! Validation runs on defaulted objects (as in the API server). Pod-spec
//! rules live in `pod` and `pod_rules`, the update rules of pods in
//! `pod_update` (with the `cmp.Diff` report in `go_diff`), workload rules in
//! `workloads`, the rest in `objects`.

mod go_diff;
mod go_text;
mod go_types;
mod objects;
mod pod;
mod pod_rules;
mod pod_update;
mod workloads;

use crate::json;
use crate::names;
use crate::value::Value;
use std::fmt;

pub use objects::prepare_service_update;
pub use pod::validate_pod_spec;

/// apimachinery's `field.ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// `Not found`
    NotFound,
    /// `Required value`
    Required,
    /// `Duplicate value`
    Duplicate,
    /// `Invalid value`
    Invalid,
    /// `Unsupported value`
    NotSupported,
    /// `Forbidden`
    Forbidden,
    /// `Too long`
    TooLong,
    /// `Too many`
    TooMany,
    /// `Internal error`
    Internal,
}

impl ErrorType {
    /// The text apimachinery prints for the type.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::Internal => "Internal error",
        }
    }
}

/// One validation failure (apimachinery `field.Error`).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// `spec.replicas`
    pub path: String,
    /// The error type.
    pub kind: ErrorType,
    /// The offending value (`None` prints no value).
    pub value: Option<Value>,
    /// Extra explanation.
    pub detail: String,
    /// The value already rendered, for Go structs whose JSON keeps field order.
    pub rendered: Option<String>,
}

impl FieldError {
    fn new(path: &str, kind: ErrorType, value: Option<Value>, detail: &str) -> FieldError {
        FieldError {
            path: path.to_string(),
            kind,
            value,
            detail: detail.to_string(),
            rendered: None,
        }
    }

    /// `field.Required`
    pub fn required(path: &str, detail: &str) -> FieldError {
        Self::new(path, ErrorType::Required, None, detail)
    }

    /// `field.Invalid`
    pub fn invalid(path: &str, value: Value, detail: &str) -> FieldError {
        Self::new(path, ErrorType::Invalid, Some(value), detail)
    }

    /// `field.Duplicate`
    pub fn duplicate(path: &str, value: Value) -> FieldError {
        Self::new(path, ErrorType::Duplicate, Some(value), "")
    }

    /// `field.NotFound`
    pub fn not_found(path: &str, value: Value) -> FieldError {
        Self::new(path, ErrorType::NotFound, Some(value), "")
    }

    /// `field.Forbidden`
    pub fn forbidden(path: &str, detail: &str) -> FieldError {
        Self::new(path, ErrorType::Forbidden, None, detail)
    }

    /// `field.NotSupported` with its `supported values: ...` detail.
    pub fn not_supported(path: &str, value: Value, supported: &[&str]) -> FieldError {
        let list: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
        let detail = format!("supported values: {}", list.join(", "));
        Self::new(path, ErrorType::NotSupported, Some(value), &detail)
    }

    /// An Invalid error whose value is a Go struct rendered by the caller.
    pub fn invalid_rendered(path: &str, rendered: String, detail: &str) -> FieldError {
        let mut e = Self::new(path, ErrorType::Invalid, Some(Value::Null), detail);
        e.rendered = Some(rendered);
        e
    }
}

/// apimachinery's value rendering: numbers and booleans bare, strings quoted,
/// everything else as JSON.
pub fn render_value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => json::go_float_g(*f),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => go_quote(s),
        other => json::to_compact(other),
    }
}

/// Go's `%q`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind.as_str())?;
        let shows_value = !matches!(
            self.kind,
            ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong | ErrorType::Internal
        );
        if shows_value {
            if let Some(rendered) = &self.rendered {
                write!(f, ": {rendered}")?;
            } else if let Some(v) = &self.value {
                write!(f, ": {}", render_value(v))?;
            }
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

fn dedup(errs: &[FieldError]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        let s = e.to_string();
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen
}

/// What kubectl prints for an Invalid status: `The StatefulSet "db" is invalid: ...`
/// (one cause inline, several as `* ` lines after a header ending in `: `).
pub fn invalid_status_message(kind: &str, name: &str, errs: &[FieldError]) -> String {
    let causes = dedup(errs);
    let header = format!("The {kind} \"{name}\" is invalid");
    match causes.as_slice() {
        [] => header,
        [one] => format!("{header}: {one}"),
        many => {
            let lines: Vec<String> = many.iter().map(|c| format!("* {c}")).collect();
            format!("{header}: \n{}", lines.join("\n"))
        }
    }
}

/// The Status message the server returns (`StatefulSet.apps "db" is invalid:
/// ...`, several causes as `[a, b]`), seen when kubectl lists several errors.
pub fn status_message(qualified_kind: &str, name: &str, errs: &[FieldError]) -> String {
    let causes = dedup(errs);
    match causes.as_slice() {
        [one] => format!("{qualified_kind} \"{name}\" is invalid: {one}"),
        many => format!(
            "{qualified_kind} \"{name}\" is invalid: [{}]",
            many.join(", ")
        ),
    }
}

/// Validates a (defaulted) object for creation.
pub fn validate(obj: &Value) -> Vec<FieldError> {
    let kind = obj.str_at(&["kind"]);
    let mut errs = object_meta(obj, kind);
    match kind {
        "StatefulSet" => errs.extend(workloads::stateful_set_spec(obj)),
        "Deployment" | "ReplicaSet" => errs.extend(workloads::replicated_spec(obj, kind)),
        "Pod" => errs.extend(validate_pod_spec(
            obj.get("spec").unwrap_or(&Value::Null),
            "spec",
        )),
        "Service" => errs.extend(objects::service(obj)),
        "PersistentVolumeClaim" => errs.extend(objects::pvc_spec(
            obj.get("spec").unwrap_or(&Value::Null),
            "spec",
        )),
        "ConfigMap" | "Secret" => errs.extend(objects::config_keys(obj)),
        _ => {}
    }
    errs
}

/// Validates an update of `old` to `new` (immutable fields and the new object).
pub fn validate_update(old: &Value, new: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for field in ["name", "namespace"] {
        let (o, n) = (
            old.str_at(&["metadata", field]),
            new.str_at(&["metadata", field]),
        );
        if o != n {
            errs.push(FieldError::invalid(
                &format!("metadata.{field}"),
                n.into(),
                "field is immutable",
            ));
        }
    }
    let kind = new.str_at(&["kind"]);
    errs.extend(labels_and_annotations(new, "metadata"));
    match kind {
        "StatefulSet" => {
            errs.extend(workloads::stateful_set_spec(new));
            errs.extend(workloads::stateful_set_immutable(old, new));
        }
        _ => {
            let mut prepared = new.clone();
            if kind == "Service" {
                prepare_service_update(old, &mut prepared);
                errs.extend(objects::service_update(old, &prepared));
            }
            let new = &prepared;
            let mut full = validate(new);
            full.retain(|e| e.path != "metadata.name" && !e.path.starts_with("metadata.labels"));
            full.retain(|e| !e.path.starts_with("metadata.annotations"));
            errs.extend(full);
            errs.extend(immutable_fields(kind, old, new));
            if kind == "Pod" {
                errs.extend(pod_update::pod_update(old, new));
            }
        }
    }
    errs
}

/// Update rules of kinds other than StatefulSet.
fn immutable_fields(kind: &str, old: &Value, new: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    match kind {
        "Deployment" | "ReplicaSet" => {
            let selector = new.at(&["spec", "selector"]);
            if selector != old.at(&["spec", "selector"]) {
                errs.push(FieldError::invalid(
                    "spec.selector",
                    selector.cloned().unwrap_or(Value::Null),
                    "field is immutable",
                ));
            }
        }
        "PersistentVolumeClaim" => {
            let strip = |v: &Value| {
                let mut spec = v.get("spec").cloned().unwrap_or(Value::Null);
                spec.remove(&["resources", "requests"]);
                spec.remove(&["volumeAttributesClassName"]);
                if old.str_at(&["spec", "volumeName"]).is_empty() {
                    spec.remove(&["volumeName"]);
                }
                spec
            };
            if strip(old) != strip(new) {
                errs.push(FieldError::forbidden(
                    "spec",
                    "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
                ));
            }
        }
        _ => {}
    }
    errs
}

/// How a kind's names are checked.
fn name_rule(kind: &str) -> fn(&str) -> Vec<String> {
    match kind {
        "StatefulSet" | "Namespace" => names::dns1123_label,
        "Service" => names::dns1035_label,
        _ => names::dns1123_subdomain,
    }
}

fn object_meta(obj: &Value, kind: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = obj.str_at(&["metadata", "name"]);
    if name.is_empty() {
        if obj.str_at(&["metadata", "generateName"]).is_empty() {
            errs.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        for msg in name_rule(kind)(name) {
            errs.push(FieldError::invalid("metadata.name", name.into(), &msg));
        }
    }
    errs.extend(labels_and_annotations(obj, "metadata"));
    errs
}

/// Maximum total size of annotations.
pub const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

/// `ValidateLabels` and `ValidateAnnotations` for the metadata at `path`.
pub(crate) fn labels_and_annotations(obj: &Value, path: &str) -> Vec<FieldError> {
    let meta_path: Vec<&str> = path.split('.').collect();
    let meta = obj.at(&meta_path);
    let mut errs = Vec::new();
    if let Some(labels) = meta
        .and_then(|m| m.get("labels"))
        .and_then(Value::as_object)
    {
        let p = format!("{path}.labels");
        for (k, v) in labels {
            for msg in names::qualified_name(k) {
                errs.push(FieldError::invalid(&p, k.as_str().into(), &msg));
            }
            let value = v.as_str().unwrap_or("");
            for msg in names::label_value(value) {
                errs.push(FieldError::invalid(&p, value.into(), &msg));
            }
        }
    }
    if let Some(ann) = meta
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_object)
    {
        let p = format!("{path}.annotations");
        let mut total = 0;
        for (k, v) in ann {
            for msg in names::qualified_name(&k.to_lowercase()) {
                errs.push(FieldError::invalid(&p, k.as_str().into(), &msg));
            }
            total += k.len() + v.as_str().map_or(0, str::len);
        }
        if total > MAX_ANNOTATIONS_BYTES {
            errs.push(FieldError::new(
                &p,
                ErrorType::TooLong,
                None,
                &format!("may not be more than {MAX_ANNOTATIONS_BYTES} bytes"),
            ));
        }
    }
    errs
}

/// `ValidateNonnegativeField`
pub(crate) fn nonnegative(v: &Value, path: &[&str], field: &str, errs: &mut Vec<FieldError>) {
    if let Some(n) = v.i64_at(path) {
        if n < 0 {
            errs.push(FieldError::invalid(
                field,
                Value::Int(n),
                "must be greater than or equal to 0",
            ));
        }
    }
}

#[cfg(test)]
mod tests;
