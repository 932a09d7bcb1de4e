//! The `cmp.Diff(oldPod.Spec, newPod.Spec)` report the API server appends to
//! `pod updates may not change fields other than ...`
//! (`github.com/google/go-cmp/cmp` v0.7: `report_compare.go` for the choice of
//! records, two records of context and `... // N identical fields`;
//! `report_reflect.go` for values; `report_text.go` for the one-line versus
//! expanded layout, the 80-column rule and key alignment).
//!
//! The real report walks Go's internal `core.PodSpec`; Ordinal has JSON-shaped
//! trees, so the Go field order and types are known only for the structs a
//! learner edits (pod spec, container, port, env var, mount, toleration,
//! resources; `go_types`). Other structs list their JSON keys in sorted order with the
//! first letter capitalised, and inline Go-only wrappers (`VolumeSource`,
//! `ProbeHandler`) are not reproduced. cmp randomly uses non-breaking spaces
//! after the `-`/`+` markers on half of all servers; this report always uses
//! plain spaces (cmp's deterministic mode).

use super::go_quote;
use super::go_text::{compact, expanded, Rec, Text};
use super::go_types::{field_value, map_type_of, struct_fields};
use crate::quantity::{Format, Quantity};
use crate::value::Value;

/// Records of unchanged context printed around each change.
const CONTEXT: usize = 2;
/// Records shown for an identical value before `...` (cmp verbosity 1).
const SAME_RECORDS: usize = 4;
/// Records shown for a removed or inserted value (cmp verbosity 3).
const CHANGED_RECORDS: usize = 16;

/// A Go field name for a JSON key of a struct whose layout is not known.
fn go_name(json: &str) -> String {
    let mut chars = json.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Diff,
    Same,
    Removed,
    Inserted,
}

/// One record of a struct, slice or map pair.
struct Child<'a> {
    key: String,
    x: Option<&'a Value>,
    y: Option<&'a Value>,
    ty: &'static str,
    /// Struct fields always exist (as zero values); elements may be absent.
    field: bool,
}

enum Shape<'a> {
    Leaf,
    Ptr(Box<Child<'a>>),
    List(&'static str, Vec<Child<'a>>),
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

fn is_struct_value(ty: &str) -> bool {
    !ty.starts_with('*') && struct_fields(ty).is_some()
}

fn shape<'a>(x: Option<&'a Value>, y: Option<&'a Value>, ty: &'static str) -> Shape<'a> {
    let (x, y) = (present(x), present(y));
    if let Some(elem) = ty.strip_prefix('*') {
        return match (x, y) {
            (Some(_), Some(_)) => Shape::Ptr(Box::new(Child {
                key: String::new(),
                x,
                y,
                ty: elem,
                field: true,
            })),
            _ => Shape::Leaf,
        };
    }
    if let Some(fields) = struct_fields(ty) {
        let children = fields
            .iter()
            .map(|(go, fty)| Child {
                x: field_value(x, go, fty),
                y: field_value(y, go, fty),
                key: go.to_string(),
                ty: fty.trim_start_matches('='),
                field: true,
            })
            .collect();
        return Shape::List("field", children);
    }
    let map_elem = match ty {
        "core.ResourceList" => Some("resource.Quantity"),
        t if t.starts_with("map[") => Some("string"),
        _ => None,
    };
    match (x, y) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            let is_map = map_elem.is_some();
            let children = keys
                .into_iter()
                .map(|k| Child {
                    key: if is_map { map_key(ty, k) } else { go_name(k) },
                    x: a.get(k),
                    y: b.get(k),
                    ty: map_elem.unwrap_or_else(|| map_type_of(k)),
                    field: !is_map,
                })
                .collect();
            Shape::List(if is_map { "entry" } else { "field" }, children)
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if !(a.is_empty() && b.is_empty()) => {
            let elem = ty.strip_prefix("[]").unwrap_or("");
            let children = (0..a.len().max(b.len()))
                .map(|i| Child {
                    key: String::new(),
                    x: a.get(i),
                    y: b.get(i),
                    ty: elem,
                    field: false,
                })
                .collect();
            Shape::List("element", children)
        }
        _ => Shape::Leaf,
    }
}

/// cmp's `formatMapKey`: `ResourceName` has a `String` method (`s"cpu"`).
fn map_key(ty: &str, key: &str) -> String {
    if ty == "core.ResourceList" {
        format!("s{}", go_quote(key))
    } else {
        go_quote(key)
    }
}

/// `apiequality.Semantic.DeepEqual`: zero values equal absent ones and
/// quantities (resource lists, `sizeLimit`) compare by amount.
pub(super) fn same(x: Option<&Value>, y: Option<&Value>) -> bool {
    same_values(x, y, false)
}

fn same_values(x: Option<&Value>, y: Option<&Value>, quantities: bool) -> bool {
    let (x, y) = (present(x), present(y));
    if is_zero(x) && is_zero(y) {
        return true;
    }
    match (x, y) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => a.keys().chain(b.keys()).all(|k| {
            let holds_quantities = map_type_of(k) == "core.ResourceList";
            let child = if quantities { false } else { holds_quantities };
            let is_quantity = quantities || k == "sizeLimit";
            if is_quantity {
                same_quantity(a.get(k), b.get(k))
            } else {
                same_values(a.get(k), b.get(k), child)
            }
        }),
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(p, q)| same_values(Some(p), Some(q), false))
        }
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn same_quantity(x: Option<&Value>, y: Option<&Value>) -> bool {
    let parse = |v: Option<&Value>| match present(v) {
        Some(Value::String(s)) => Quantity::parse(s).ok(),
        Some(Value::Int(i)) => Quantity::parse(&i.to_string()).ok(),
        _ => None,
    };
    match (parse(x), parse(y)) {
        (Some(p), Some(q)) => p == q,
        _ => present(x) == present(y),
    }
}

fn is_zero(v: Option<&Value>) -> bool {
    match present(v) {
        None => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Int(0)) | Some(Value::Bool(false)) => true,
        Some(Value::Float(f)) => *f == 0.0,
        _ => false,
    }
}

/// Go's `IsZero` for a struct field (a value struct with only zero fields is zero).
fn field_is_zero(v: Option<&Value>, ty: &str) -> bool {
    match present(v) {
        Some(Value::Object(m)) if is_struct_value(ty) => {
            m.values().all(|v| field_is_zero(Some(v), ""))
        }
        other => is_zero(other),
    }
}

/// `(descendants, height)` of cmp's value node for the pair.
fn stats(x: Option<&Value>, y: Option<&Value>, ty: &'static str) -> (usize, usize) {
    match shape(x, y, ty) {
        Shape::Leaf => (0, 0),
        Shape::Ptr(c) => {
            let (n, d) = stats(c.x, c.y, c.ty);
            (n + 1, d + 1)
        }
        Shape::List(_, children) => children.iter().fold((0, 0), |(n, d), c| {
            let (cn, cd) = stats(c.x, c.y, c.ty);
            (n + cn + 1, d.max(cd + 1))
        }),
    }
}

/// The report for two pod specs, as `cmp.Diff` prints it (without its final newline).
pub fn pod_spec_diff(old: &Value, new: &Value) -> String {
    let text = format_diff(
        Some(old),
        Some(new),
        "core.PodSpec",
        Mode::Diff,
        TypeMode::Emit,
    )
    .unwrap_or(Text::Line(String::new()));
    let text = compact(text, b' ').1;
    let mut out = String::from("  ");
    expanded(&text, b' ', 0, &mut out);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum TypeMode {
    Emit,
    Elide,
    Auto,
}

fn with_type(ty: &str, body: Text, mode: Mode, types: TypeMode) -> Text {
    let nil = matches!(&body, Text::Line(l) if l == "nil");
    let show = match types {
        TypeMode::Emit => true,
        TypeMode::Elide => false,
        TypeMode::Auto => !nil && mode != Mode::Same && !ty.is_empty(),
    };
    let composite = ty.starts_with("[]") || ty.starts_with("map[") || ty.starts_with("core.");
    if show && composite && !ty.starts_with('*') {
        Text::Wrap(ty.to_string(), Box::new(body), String::new())
    } else {
        body
    }
}

fn format_diff(
    x: Option<&Value>,
    y: Option<&Value>,
    ty: &'static str,
    mode: Mode,
    types: TypeMode,
) -> Option<Text> {
    match shape(x, y, ty) {
        Shape::Leaf => match mode {
            Mode::Removed => format_value(x, y, ty, 3, types, true),
            Mode::Inserted => format_value(y, x, ty, 3, types, true),
            _ => format_value(x, y, ty, 1, types, true),
        },
        Shape::Ptr(c) => {
            let inner = format_diff(c.x, c.y, c.ty, mode, types)?;
            Some(Text::Wrap("&".into(), Box::new(inner), String::new()))
        }
        Shape::List(name, children) => {
            let list = format_list(name, children, mode);
            Some(with_type(ty, list, mode, types))
        }
    }
}

fn format_list(name: &str, children: Vec<Child>, mode: Mode) -> Text {
    let types = if name == "field" {
        TypeMode::Auto
    } else {
        TypeMode::Elide
    };
    let mut list = Vec::new();
    if mode != Mode::Diff {
        let max = if mode == Mode::Same {
            SAME_RECORDS
        } else {
            CHANGED_RECORDS
        };
        let mut truncated = false;
        for c in &children {
            if list.len() == max {
                truncated = true;
                break;
            }
            let zero = match mode {
                Mode::Same => field_is_zero(c.x, c.ty) || field_is_zero(c.y, c.ty),
                Mode::Removed => field_is_zero(c.x, c.ty),
                _ => field_is_zero(c.y, c.ty),
            };
            if name == "field" && zero {
                continue;
            }
            if let Some(out) = format_diff(c.x, c.y, c.ty, mode, types) {
                list.push(Rec::new(b' ', c.key.clone(), out));
            }
        }
        if truncated {
            list.push(Rec::ellipsis(String::new()));
        }
        return Text::Wrap("{".into(), Box::new(Text::List(list)), "}".into());
    }
    let groups = group_children(&children);
    let count = groups.len();
    let mut rest = &children[..];
    for (i, (equal, n)) in groups.into_iter().enumerate() {
        let (run, tail) = rest.split_at(n);
        rest = tail;
        if equal {
            let lo = if i == 0 { 0 } else { CONTEXT.min(n) };
            let mut hi = if i == count - 1 {
                0
            } else {
                CONTEXT.min(n - lo)
            };
            if n - lo - hi == 1 {
                hi += 1;
            }
            let same = |c: &Child| format_diff(c.x, c.y, c.ty, Mode::Same, types);
            for c in &run[..lo] {
                if let Some(out) = same(c) {
                    list.push(Rec::new(b' ', c.key.clone(), out));
                }
            }
            if n > lo + hi {
                list.push(Rec::ellipsis(identical_comment(name, n - lo - hi)));
            }
            for c in &run[n - hi..] {
                if let Some(out) = same(c) {
                    list.push(Rec::new(b' ', c.key.clone(), out));
                }
            }
            continue;
        }
        for c in run {
            let (kids, depth) = stats(c.x, c.y, c.ty);
            if kids == depth {
                let absent = |v: Option<&Value>| !c.field && v.is_none();
                if !absent(c.x) {
                    if let Some(out) = format_diff(c.x, c.y, c.ty, Mode::Removed, types) {
                        list.push(Rec::new(b'-', c.key.clone(), out));
                    }
                }
                if !absent(c.y) {
                    if let Some(out) = format_diff(c.x, c.y, c.ty, Mode::Inserted, types) {
                        list.push(Rec::new(b'+', c.key.clone(), out));
                    }
                }
            } else if let Some(out) = format_diff(c.x, c.y, c.ty, Mode::Diff, types) {
                list.push(Rec::new(b' ', c.key.clone(), out));
            }
        }
    }
    Text::Wrap("{".into(), Box::new(Text::List(list)), "}".into())
}

/// Runs of equal (`true`) and differing records, with their lengths.
fn group_children(children: &[Child]) -> Vec<(bool, usize)> {
    let mut groups: Vec<(bool, usize)> = Vec::new();
    for c in children {
        let equal = same(c.x, c.y);
        match groups.last_mut() {
            Some((e, n)) if *e == equal => *n += 1,
            _ => groups.push((equal, 1)),
        }
    }
    groups
}

fn identical_comment(name: &str, n: usize) -> String {
    let plural = match (name, n) {
        (_, 1) => name.to_string(),
        ("entry", _) => "entries".to_string(),
        _ => format!("{name}s"),
    };
    format!("{n} identical {plural}")
}

/// cmp's `FormatValue` for a value with no further structure in the diff
/// (`other` gives the shape of a zero value when `v` is absent).
fn format_value(
    v: Option<&Value>,
    other: Option<&Value>,
    ty: &'static str,
    verbosity: u32,
    types: TypeMode,
    field: bool,
) -> Option<Text> {
    let mode = if verbosity == 1 {
        Mode::Same
    } else {
        Mode::Removed
    };
    let Some(v) = present(v) else {
        if !field {
            return None;
        }
        return Some(Text::Line(zero_text(ty, present(other))));
    };
    let max = ((1usize << verbosity) >> 1) << 2;
    let next = verbosity.saturating_sub(1);
    if let Some(elem) = ty.strip_prefix('*') {
        let inner = format_value(Some(v), None, elem, verbosity, types, true)?;
        return Some(Text::Wrap("&".into(), Box::new(inner), String::new()));
    }
    if ty == "resource.Quantity" {
        return Some(quantity_text(v, verbosity));
    }
    let text = match v {
        Value::String(s) => return Some(Text::Line(string_text(s, verbosity))),
        Value::Int(i) => return Some(Text::Line(i.to_string())),
        Value::Float(f) => return Some(Text::Line(crate::json::go_float_g(*f))),
        Value::Bool(b) => return Some(Text::Line(b.to_string())),
        Value::Null => return Some(Text::Line("nil".into())),
        Value::Array(items) => {
            let elem = ty.strip_prefix("[]").unwrap_or("");
            let mut list = Vec::new();
            for item in items {
                if list.len() == max {
                    list.push(Rec::ellipsis(String::new()));
                    break;
                }
                let out = format_value(Some(item), None, elem, next, TypeMode::Elide, true)?;
                list.push(Rec::new(b' ', String::new(), out));
            }
            list
        }
        Value::Object(map) => {
            let mut list = Vec::new();
            let entries: Vec<(String, &Value, &'static str)> = match struct_fields(ty) {
                Some(fields) => fields
                    .iter()
                    .filter_map(|(go, fty)| {
                        let item = field_value(Some(v), go, fty)?;
                        Some((go.to_string(), item, fty.trim_start_matches('=')))
                    })
                    .collect(),
                None if ty == "core.ResourceList" || ty.starts_with("map[") => {
                    let elem = if ty == "core.ResourceList" {
                        "resource.Quantity"
                    } else {
                        "string"
                    };
                    map.iter().map(|(k, v)| (map_key(ty, k), v, elem)).collect()
                }
                None => map
                    .iter()
                    .map(|(k, v)| (go_name(k), v, map_type_of(k)))
                    .collect(),
            };
            let is_map = ty == "core.ResourceList" || ty.starts_with("map[");
            for (key, item, ity) in entries {
                if !is_map && field_is_zero(Some(item), ity) {
                    continue;
                }
                if list.len() == max {
                    list.push(Rec::ellipsis(String::new()));
                    break;
                }
                let child_types = if is_map {
                    TypeMode::Elide
                } else {
                    TypeMode::Auto
                };
                let out = format_value(Some(item), None, ity, next, child_types, true)?;
                list.push(Rec::new(b' ', key, out));
            }
            list
        }
    };
    let body = Text::Wrap("{".into(), Box::new(Text::List(text)), "}".into());
    Some(with_type(ty, body, mode, types))
}

fn zero_text(ty: &str, other: Option<&Value>) -> String {
    let composite = ty.starts_with('*')
        || ty.starts_with("[]")
        || ty.starts_with("map[")
        || ty == "core.ResourceList";
    match (ty, other) {
        _ if composite => "nil".into(),
        ("bool", _) | ("", Some(Value::Bool(_))) => "false".into(),
        ("int32" | "int64", _) | ("", Some(Value::Int(_) | Value::Float(_))) => "0".into(),
        (_, _) if is_struct_value(ty) => "{}".into(),
        ("", Some(Value::Object(_) | Value::Array(_))) => "nil".into(),
        _ => "\"\"".into(),
    }
}

/// cmp's `formatString`: quoted, or raw when quoting would escape, cut at
/// the verbosity's length.
fn string_text(s: &str, verbosity: u32) -> String {
    let max = (1usize << verbosity) << 5;
    let (shown, cut) = if s.len() > max + 3 {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        (&s[..end], "...")
    } else {
        (s, "")
    };
    let quoted = go_quote(shown);
    let raw_ok = !shown.contains('`') && !shown.chars().any(|c| c.is_control());
    if quoted.len() == shown.len() + 2 || !raw_ok {
        format!("{quoted}{cut}")
    } else {
        format!("`{shown}`{cut}")
    }
}

/// `resource.Quantity` as cmp prints the struct (`{i: resource.int64Amount{value: 2147483648}, s: "2Gi", Format: "BinarySI"}`).
fn quantity_text(v: &Value, verbosity: u32) -> Text {
    let raw = match v {
        Value::String(s) => s.clone(),
        other => crate::json::to_compact(other),
    };
    let Ok(q) = Quantity::parse(&raw) else {
        return Text::Line(string_text(&raw, verbosity));
    };
    let canonical = q.to_string();
    let format = match q.format() {
        Format::BinarySI => "BinarySI",
        Format::DecimalSI => "DecimalSI",
        Format::DecimalExponent => "DecimalExponent",
    };
    let amount = if verbosity <= 1 {
        "{...}".to_string()
    } else {
        let (value, scale) = int64_amount(&canonical);
        let scale = if scale == 0 {
            String::new()
        } else {
            format!(", scale: {scale}")
        };
        format!("resource.int64Amount{{value: {value}{scale}}}")
    };
    Text::Line(format!(
        "{{i: {amount}, s: {}, Format: {}}}",
        go_quote(&canonical),
        go_quote(format)
    ))
}

/// The `int64Amount` `ParseQuantity` builds from a canonical quantity string.
fn int64_amount(canonical: &str) -> (i128, i32) {
    let split = canonical
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(canonical.len());
    let (number, suffix) = canonical.split_at(split);
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let mantissa: i128 = format!("{whole}{frac}").parse().unwrap_or(0);
    let frac_len = frac.len() as i32;
    let binary = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    if let Some(i) = binary.iter().position(|b| *b == suffix) {
        let shift = 10 * (i as u32 + 1);
        return (mantissa.saturating_mul(1i128 << shift), -frac_len);
    }
    let exponent = match suffix {
        "n" => -9,
        "u" => -6,
        "m" => -3,
        "k" => 3,
        "M" => 6,
        "G" => 9,
        "T" => 12,
        "P" => 15,
        "E" => 18,
        s => s.trim_start_matches(['e', 'E']).parse::<i32>().unwrap_or(0),
    };
    (mantissa, exponent - frac_len)
}
