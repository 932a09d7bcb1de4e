//! The API server's strict JSON decoding of an object against the schema
//! table (`sigs.k8s.io/json` with `DisallowUnknownFields` as the apiserver
//! runs it): the first wrong type wins, otherwise every unknown field is
//! reported, each with a did-you-mean.

use super::closest;
use crate::json;
use crate::schema::{self, Struct, Ty};
use crate::value::Value;

/// What strict decoding found.
pub(super) struct Strict {
    /// The first type error and the path it is at.
    pub(super) type_error: Option<(String, String)>,
    /// Unknown field paths with a hint for each.
    pub(super) unknown: Vec<(String, Option<String>)>,
}

/// A hint for a field written one level too high (`resources` next to `spec`).
fn belongs_under(s: &Struct, key: &str) -> Option<String> {
    s.fields.iter().find_map(|f| match f.ty {
        Ty::Struct(inner) if inner.field(key).is_some() => Some(format!(
            "{key:?} belongs under {:?}: indent it one level further",
            f.name
        )),
        _ => None,
    })
}

pub(super) fn walk_strict(value: &Value, kind: &str) -> Option<Strict> {
    let top = schema::for_kind(kind)?;
    let mut strict = Strict {
        type_error: None,
        unknown: Vec::new(),
    };
    strict.object(value, top, "", "");
    Some(strict)
}

/// The API server's decoding problem for an object of `kind` (also used on
/// the patch path): the first type error, else `strict decoding error:
/// unknown field "..."` for every unknown field; `None` when it decodes.
pub fn strict_problem(value: &Value, kind: &str) -> Option<String> {
    let strict = walk_strict(value, kind)?;
    match strict.type_error {
        Some((message, _)) => Some(message),
        None => strict.unknown_fields_error(),
    }
}

/// What a client's (non-strict) decoding of an object of `kind` into its Go
/// type fails on: the first type error; unknown fields are no error there.
pub fn type_problem(value: &Value, kind: &str) -> Option<String> {
    walk_strict(value, kind)?
        .type_error
        .map(|(message, _)| message)
}

/// Drops every field the Go type of `kind` does not have, as decoding into
/// it does (kubectl reads its generated objects back that way).
pub fn drop_unknown_fields(value: &mut Value, kind: &str) {
    if let Some(top) = schema::for_kind(kind) {
        prune(value, top);
    }
}

fn prune(value: &mut Value, s: &Struct) {
    let Value::Object(map) = value else { return };
    map.retain(|key, _| s.field(key).is_some());
    for (key, child) in map.iter_mut() {
        match s.field(key).map(|f| &f.ty) {
            Some(Ty::Struct(inner)) => prune(child, inner),
            Some(Ty::List(inner)) => {
                if let Value::Array(items) = child {
                    for item in items {
                        prune(item, inner);
                    }
                }
            }
            _ => {}
        }
    }
}

impl Strict {
    /// `strict decoding error: unknown field "a", unknown field "b"`, or `None`
    /// when every field is known.
    pub(super) fn unknown_fields_error(&self) -> Option<String> {
        if self.unknown.is_empty() {
            return None;
        }
        let list: Vec<String> = self
            .unknown
            .iter()
            .map(|(p, _)| format!("unknown field {p:?}"))
            .collect();
        Some(format!("strict decoding error: {}", list.join(", ")))
    }
}

fn json_kind(v: &Value) -> String {
    match v {
        Value::Int(i) => format!("number {i}"),
        Value::Float(f) => format!("number {}", json::go_float_json(*f)),
        other => other.json_type().to_string(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Strict {
    fn type_error(&mut self, v: &Value, go_struct: &str, go_path: &str, ty: &str, path: &str) {
        if self.type_error.is_some() {
            return;
        }
        let what = match v {
            Value::Int(_) | Value::Float(_) if matches!(ty, "int32" | "int64") => json_kind(v),
            other => other.json_type().to_string(),
        };
        self.type_error = Some((
            format!("json: cannot unmarshal {what} into Go struct field {go_struct}.{go_path} of type {ty}"),
            path.to_string(),
        ));
    }

    fn raw_error(&mut self, message: String, path: &str) {
        if self.type_error.is_none() {
            self.type_error = Some((message, path.to_string()));
        }
    }

    /// Walks the fields of an object against struct `s`.
    fn object(&mut self, v: &Value, s: &Struct, path: &str, go_path: &str) {
        let Some(map) = v.as_object() else { return };
        for (key, child) in map {
            let child_path = join(path, key);
            match s.field(key) {
                None => {
                    let hint = closest(key, s.fields.iter().map(|f| f.name))
                        .map(|name| format!("did you mean {name:?}?"))
                        .or_else(|| belongs_under(s, key));
                    self.unknown.push((child_path, hint));
                }
                Some(field) => {
                    let child_go = join(go_path, key);
                    self.value(child, &field.ty, s.name, &child_go, &child_path);
                }
            }
        }
    }

    fn value(&mut self, v: &Value, ty: &Ty, go_struct: &str, go_path: &str, path: &str) {
        if v.is_null() {
            return;
        }
        let mismatch = |this: &mut Self, name: String| {
            this.type_error(v, go_struct, go_path, &name, path);
        };
        match ty {
            Ty::Any => {}
            Ty::Str(_) if v.as_str().is_some() => {}
            Ty::Bool if v.as_bool().is_some() => {}
            Ty::Int32 | Ty::Int64 => {
                let (lo, hi) = if matches!(ty, Ty::Int32) {
                    (i32::MIN as i64, i32::MAX as i64)
                } else {
                    (i64::MIN, i64::MAX)
                };
                let ok = matches!(v, Value::Int(i) if (lo..=hi).contains(i));
                if !ok {
                    mismatch(self, ty.go_name());
                }
            }
            Ty::Quantity => self.quantity(v, path),
            Ty::IntOrString => match v {
                Value::String(_) | Value::Int(_) => {}
                other => self.raw_error(
                    format!(
                        "json: cannot unmarshal {} into Go value of type int32",
                        json_kind(other)
                    ),
                    path,
                ),
            },
            Ty::StrMap | Ty::QuantityMap => match v.as_object() {
                None => mismatch(self, ty.go_name()),
                Some(map) => {
                    for (k, item) in map {
                        let item_path = join(path, k);
                        if matches!(ty, Ty::QuantityMap) {
                            self.quantity(item, &item_path);
                        } else if !item.is_null() && item.as_str().is_none() {
                            self.type_error(item, go_struct, go_path, "string", &item_path);
                        }
                    }
                }
            },
            Ty::StrList(elem) => match v.as_array() {
                None => mismatch(self, ty.go_name()),
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if !item.is_null() && item.as_str().is_none() {
                            let item_path = format!("{path}[{i}]");
                            self.type_error(item, go_struct, go_path, elem, &item_path);
                        }
                    }
                }
            },
            Ty::Struct(s) => match v.as_object() {
                None => mismatch(self, ty.go_name()),
                Some(_) => self.object(v, s, path, go_path),
            },
            Ty::List(s) => match v.as_array() {
                None => mismatch(self, ty.go_name()),
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let item_path = format!("{path}[{i}]");
                        if item.is_null() {
                            continue;
                        }
                        if item.as_object().is_none() {
                            let name = format!("{}.{}", s.package, s.name);
                            self.type_error(item, go_struct, go_path, &name, &item_path);
                        } else {
                            self.object(item, s, &item_path, go_path);
                        }
                    }
                }
            },
            Ty::Str(_) | Ty::Bool => mismatch(self, ty.go_name()),
        }
    }

    fn quantity(&mut self, v: &Value, path: &str) {
        let text = match v {
            Value::Null => return,
            Value::String(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => json::go_float_json(*f),
            other => json::to_compact(other),
        };
        if let Err(e) = crate::quantity::Quantity::parse(&text) {
            self.raw_error(e.to_string(), path);
        }
    }
}
