//! JSON in and out with Go's `encoding/json` conventions: `to_compact` is
//! `json.Marshal` (sorted keys, `<`, `>`, `&`, U+2028/U+2029 escaped; used for
//! the last-applied-configuration annotation and error values), `to_pretty` is
//! `kubectl -o json` (4-space indent). Numbers print like Go's float64
//! formatting. `parse` reads JSON manifests with line/column errors.

use crate::value::{Map, Value};
use crate::yaml::Pos;

/// Deepest nesting accepted by `parse`.
pub const MAX_JSON_DEPTH: usize = 100;

/// A JSON syntax error and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    /// Go's `encoding/json` text, e.g. `invalid character '}' looking for beginning of value`.
    pub message: String,
    /// 1-based position.
    pub pos: Pos,
    /// Bytes read up to and including the offending one (Go's `SyntaxError.Offset`).
    pub offset: usize,
}

impl JsonError {
    /// How kubectl's stream decoder words it: `json: offset N: ...`, or
    /// `unexpected EOF` for a truncated value.
    pub fn stream_message(&self) -> String {
        if self.message == "unexpected end of JSON input" {
            "unexpected EOF".to_string()
        } else {
            format!("json: offset {}: {}", self.offset, self.message)
        }
    }
}

/// Parses one JSON value (the whole text).
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut p = JsonParser {
        chars: text.chars().collect(),
        i: 0,
        line: 1,
        column: 1,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.chars.len() {
        let c = p.chars[p.i];
        return Err(p.err(format!(
            "invalid character {} after top-level value",
            quote_char(c)
        )));
    }
    Ok(v)
}

/// The values of a stream of concatenated JSON values (`{...} {...}`), as
/// byte ranges, and the error that stopped reading, if any.
pub fn value_ranges(text: &str) -> (Vec<std::ops::Range<usize>>, Option<JsonError>) {
    let mut p = JsonParser {
        chars: text.chars().collect(),
        i: 0,
        line: 1,
        column: 1,
    };
    let mut ranges = Vec::new();
    let mut byte = 0;
    loop {
        let before = p.i;
        p.ws();
        byte += p.chars[before..p.i]
            .iter()
            .map(|c| c.len_utf8())
            .sum::<usize>();
        if p.i >= p.chars.len() {
            return (ranges, None);
        }
        let start = p.i;
        if let Err(e) = p.value(0) {
            return (ranges, Some(e));
        }
        let len: usize = p.chars[start..p.i].iter().map(|c| c.len_utf8()).sum();
        ranges.push(byte..byte + len);
        byte += len;
    }
}

fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".to_string(),
        '"' => "'\"'".to_string(),
        c if c.is_control() => format!("{:?}", c),
        c => format!("'{c}'"),
    }
}

struct JsonParser {
    chars: Vec<char>,
    i: usize,
    line: usize,
    column: usize,
}

impl JsonParser {
    fn err(&self, message: String) -> JsonError {
        let consumed: usize = self.chars[..self.i.min(self.chars.len())]
            .iter()
            .map(|c| c.len_utf8())
            .sum();
        JsonError {
            message,
            pos: Pos {
                line: self.line,
                column: self.column,
            },
            offset: consumed + 1,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn unexpected(&self, context: &str) -> JsonError {
        match self.peek() {
            None => self.err("unexpected end of JSON input".to_string()),
            Some(c) => self.err(format!("invalid character {} {context}", quote_char(c))),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_JSON_DEPTH {
            return Err(self.err(format!("exceeded max depth of {MAX_JSON_DEPTH}")));
        }
        match self.peek() {
            Some('{') => self.object(depth),
            Some('[') => self.array(depth),
            Some('"') => self.string().map(Value::String),
            Some('t') => self.literal("true", Value::Bool(true)),
            Some('f') => self.literal("false", Value::Bool(false)),
            Some('n') => self.literal("null", Value::Null),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            _ => Err(self.unexpected("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, JsonError> {
        for expected in word.chars() {
            if self.peek() != Some(expected) {
                return Err(self.unexpected(&format!("in literal {word} (expecting '{expected}')")));
            }
            self.bump();
        }
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        if self.peek() == Some('-') {
            self.bump();
        }
        if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
            return Err(self.unexpected("in numeric literal"));
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || "+-.eE".contains(c))
        {
            self.bump();
        }
        let text: String = self.chars[start..self.i].iter().collect();
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        match text.parse::<f64>() {
            Ok(f) => Ok(Value::Float(f)),
            Err(_) => Err(self.err(format!("invalid number literal {text:?}"))),
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.bump();
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return Err(self.err("unexpected end of JSON input".to_string())),
                Some('"') => return Ok(s),
                Some('\\') => match self.bump() {
                    Some('"') => s.push('"'),
                    Some('\\') => s.push('\\'),
                    Some('/') => s.push('/'),
                    Some('b') => s.push('\x08'),
                    Some('f') => s.push('\x0c'),
                    Some('n') => s.push('\n'),
                    Some('r') => s.push('\r'),
                    Some('t') => s.push('\t'),
                    Some('u') => {
                        let code = self.hex4()?;
                        if (0xd800..0xdc00).contains(&code) && self.peek() == Some('\\') {
                            self.bump();
                            self.bump();
                            let low = self.hex4()?;
                            let c = 0x10000 + ((code - 0xd800) << 10) + (low.wrapping_sub(0xdc00));
                            s.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                        } else {
                            s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                    }
                    _ => {
                        return Err(self.err("invalid character in string escape code".to_string()))
                    }
                },
                Some(c) if (c as u32) < 0x20 => {
                    return Err(self.err("invalid character in string literal".to_string()))
                }
                Some(c) => s.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.unexpected("in \\u hexadecimal character escape"))?;
            self.bump();
            v = v * 16 + d;
        }
        Ok(v)
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.bump();
        // In document order; the last of equal keys wins.
        let mut entries: Vec<(String, Value)> = Vec::new();
        self.ws();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(Value::Object(Map::new()));
        }
        loop {
            self.ws();
            if self.peek() != Some('"') {
                return Err(self.unexpected("looking for beginning of object key string"));
            }
            let key = self.string()?;
            self.ws();
            if self.peek() != Some(':') {
                return Err(self.unexpected("after object key"));
            }
            self.bump();
            self.ws();
            let v = self.value(depth + 1)?;
            entries.push((key, v));
            self.ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {
                    self.bump();
                    return Ok(Value::Object(entries.into_iter().collect()));
                }
                _ => return Err(self.unexpected("after object key:value pair")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.bump();
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {
                    self.bump();
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected("after array element")),
            }
        }
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
pub fn go_float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let sci = format!("{f:e}");
    let exp: i32 = sci
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if !(-4..6).contains(&exp) {
        go_exponent(&sci)
    } else {
        format!("{f}")
    }
}

/// Rust's `1.5e-7` as Go's `1.5e-07`.
fn go_exponent(sci: &str) -> String {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    let digits = if digits.len() < 2 {
        format!("0{digits}")
    } else {
        digits.to_string()
    };
    format!("{mantissa}e{sign}{digits}")
}

/// Go's `encoding/json` float64 text (`1e+21`, `0.000001`, `1.5e-7`).
pub fn go_float_json(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = go_exponent(&format!("{f:e}"));
        let bytes = s.as_bytes();
        let n = bytes.len();
        if n >= 4 && bytes[n - 4] == b'e' && bytes[n - 3] == b'-' && bytes[n - 2] == b'0' {
            return format!("{}{}", &s[..n - 2], &s[n - 1..]);
        }
        s
    } else {
        format!("{f}")
    }
}

/// Go's `fmt` `%v` of a decoded JSON value (`map[a:1 b:[x y]]`), as the API
/// server prints a patch in `The request is invalid: patch: Invalid value: ...`.
pub fn go_fmt_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => go_float_g(*f),
        Value::String(s) => s.clone(),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(go_fmt_value).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_fmt_value(v)))
                .collect();
            format!("map[{}]", items.join(" "))
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_scalar(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&go_float_json(*f)),
        Value::String(s) => write_string(out, s),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// `json.Marshal`: compact, keys sorted.
pub fn to_compact(v: &Value) -> String {
    let mut out = String::new();
    compact(&mut out, v, Fields::Sorted);
    out
}

/// `json.Marshal` of an object kubectl holds as its Go type: compact, in
/// the order of [`to_pretty_typed`].
pub fn to_compact_typed(v: &Value) -> String {
    let mut out = String::new();
    compact(&mut out, v, Fields::of(v));
    out
}

fn compact(out: &mut String, v: &Value, fields: Fields) {
    match v {
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                compact(out, item, fields);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, k) in fields.keys(m).iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                if let Some(item) = m.get(*k) {
                    compact(out, item, fields.child(k));
                }
            }
            out.push('}');
        }
        _ => write_scalar(out, v),
    }
}

/// `kubectl -o json`: 4-space indent, trailing newline.
pub fn to_pretty(v: &Value) -> String {
    let mut out = String::new();
    pretty(&mut out, v, 0, Fields::Sorted);
    out.push('\n');
    out
}

/// `kubectl -o json` of an object kubectl holds as its Go type (one it built,
/// or a typed client's answer): struct fields in the Go struct's order —
/// `kind`, `apiVersion`, then as the schema lists them — and map keys
/// sorted, as `encoding/json` writes them. Kinds without a schema, and parts
/// the schema does not model, print sorted.
pub fn to_pretty_typed(v: &Value) -> String {
    let mut out = String::new();
    pretty(&mut out, v, 0, Fields::of(v));
    out.push('\n');
    out
}

/// How an object's keys are ordered.
#[derive(Clone, Copy)]
enum Fields {
    /// Sorted (a map, or an object not modelled).
    Sorted,
    /// A Go struct's fields.
    Struct(&'static crate::schema::Struct),
    /// A top-level object: `TypeMeta` (`kind`, `apiVersion`), then the struct.
    Top(&'static crate::schema::Struct),
}

impl Fields {
    /// The order of a whole object of its `kind`.
    fn of(v: &Value) -> Fields {
        match crate::schema::for_kind(v.str_at(&["kind"])) {
            Some(top) => Fields::Top(top),
            None => Fields::Sorted,
        }
    }

    /// The keys of `m` in this order; keys the struct lacks come last, sorted.
    fn keys(self, m: &crate::value::Map) -> Vec<&str> {
        let (fields, first): (&[crate::schema::Field], &[&str]) = match self {
            Fields::Sorted => return m.iter().map(|(k, _)| k.as_str()).collect(),
            Fields::Struct(s) => (s.fields, &[]),
            Fields::Top(s) => (s.fields, &["kind", "apiVersion"]),
        };
        let known = first
            .iter()
            .copied()
            .chain(fields.iter().map(|f| f.name).filter(|n| !first.contains(n)));
        let mut keys: Vec<&str> = known.filter_map(|name| m.get(name).map(|_| name)).collect();
        let unknown: Vec<&str> = m
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !keys.contains(k))
            .collect();
        keys.extend(unknown);
        keys
    }

    /// The order of the value under `key`.
    fn child(self, key: &str) -> Fields {
        let s = match self {
            Fields::Sorted => return Fields::Sorted,
            Fields::Struct(s) | Fields::Top(s) => s,
        };
        match s.field(key).map(|f| &f.ty) {
            Some(crate::schema::Ty::Struct(inner) | crate::schema::Ty::List(inner)) => {
                Fields::Struct(inner)
            }
            _ => Fields::Sorted,
        }
    }
}

fn pretty(out: &mut String, v: &Value, level: usize, fields: Fields) {
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n * 4));
    match v {
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, item) in a.iter().enumerate() {
                pad(out, level + 1);
                pretty(out, item, level + 1, fields);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            pad(out, level);
            out.push(']');
        }
        Value::Object(m) if !m.is_empty() => {
            out.push_str("{\n");
            let keys = fields.keys(m);
            for (i, k) in keys.iter().enumerate() {
                pad(out, level + 1);
                write_string(out, k);
                out.push_str(": ");
                if let Some(item) = m.get(*k) {
                    pretty(out, item, level + 1, fields.child(k));
                }
                out.push_str(if i + 1 < keys.len() { ",\n" } else { "\n" });
            }
            pad(out, level);
            out.push('}');
        }
        _ => write_scalar(out, v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_matches_go_json_marshal() {
        let v = parse(r#"{"b":[1,2.5,"<&>"],"a":{"x":null,"y":true},"c":{}}"#).unwrap();
        assert_eq!(
            to_compact(&v),
            r#"{"a":{"x":null,"y":true},"b":[1,2.5,"\u003c\u0026\u003e"],"c":{}}"#
        );
    }

    #[test]
    fn typed_objects_print_in_go_struct_order() {
        // What kubectl v1.36 prints for `kubectl run tool --image=busybox:1.36
        // --privileged -o json` (its projected service account volume and
        // container), keys in the Go structs' order; maps and unmodelled
        // parts sorted.
        let pod = parse(
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"tool","labels":{"run":"tool","a":"b"}},
            "spec":{"volumes":[{"name":"kube-api-access","projected":{"defaultMode":420,"sources":[
            {"serviceAccountToken":{"path":"token","expirationSeconds":3607}},
            {"configMap":{"name":"kube-root-ca.crt","items":[{"path":"ca.crt","key":"ca.crt"}]}},
            {"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"fieldPath":"metadata.namespace","apiVersion":"v1"}}]}}]}}],
            "containers":[{"securityContext":{"privileged":true},"name":"tool","image":"busybox:1.36","resources":{}}],
            "restartPolicy":"Always","dnsPolicy":"ClusterFirst"},"status":{}}"#,
        )
        .unwrap();
        let compact: String = to_pretty_typed(&pod)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("");
        assert_eq!(
            compact,
            concat!(
                r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"tool","labels":{"a":"b","run":"tool"}},"#,
                r#""spec":{"volumes":[{"name":"kube-api-access","projected":{"sources":["#,
                r#"{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},"#,
                r#"{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},"#,
                r#"{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"#,
                r#""defaultMode":420}}],"#,
                r#""containers":[{"name":"tool","image":"busybox:1.36","resources":{},"securityContext":{"privileged":true}}],"#,
                r#""restartPolicy":"Always","dnsPolicy":"ClusterFirst"},"status":{}}"#
            )
        );
        // A kind without a schema prints sorted, as `to_pretty` does.
        let other = parse(r#"{"kind":"Lease","apiVersion":"coordination.k8s.io/v1"}"#).unwrap();
        assert_eq!(to_pretty_typed(&other), to_pretty(&other));
    }

    #[test]
    fn pretty_uses_four_spaces_and_compact_empties() {
        let v = parse(r#"{"a":[],"b":{"c":[1]}}"#).unwrap();
        assert_eq!(
            to_pretty(&v),
            "{\n    \"a\": [],\n    \"b\": {\n        \"c\": [\n            1\n        ]\n    }\n}\n"
        );
    }

    #[test]
    fn floats_print_like_go() {
        assert_eq!(go_float_json(1e21), "1e+21");
        assert_eq!(go_float_json(1e20), "100000000000000000000");
        assert_eq!(go_float_json(1.5e-7), "1.5e-7");
        assert_eq!(go_float_json(0.000001), "0.000001");
        assert_eq!(go_float_g(1e20), "1e+20");
        assert_eq!(go_float_g(123456789.5), "1.234567895e+08");
        assert_eq!(go_float_g(1.5), "1.5");
        assert_eq!(go_float_g(1.5e-7), "1.5e-07");
    }

    #[test]
    fn streams_report_go_decoder_offsets() {
        let (ranges, err) = value_ranges("{\"a\": 1}\n{\"b\": [2]}\n");
        assert_eq!(ranges, vec![0..8, 9..19]);
        assert!(err.is_none());
        let (_, err) = value_ranges("{a: 1}");
        assert_eq!(
            err.unwrap().stream_message(),
            "json: offset 2: invalid character 'a' looking for beginning of object key string"
        );
        let (_, err) = value_ranges("{\"a\": {");
        assert_eq!(err.unwrap().stream_message(), "unexpected EOF");
    }

    #[test]
    fn go_fmt_prints_maps_like_a_patch_error() {
        let v = parse(r#"{"spec":{"foo":1,"list":["a","b"],"x":null,"f":2.5}}"#).unwrap();
        assert_eq!(
            go_fmt_value(&v),
            "map[spec:map[f:2.5 foo:1 list:[a b] x:<nil>]]"
        );
    }

    #[test]
    fn syntax_errors_have_go_texts_and_positions() {
        let e = parse("{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(
            e.message,
            "invalid character '}' looking for beginning of object key string"
        );
        assert_eq!(e.pos, Pos { line: 3, column: 1 });
        assert_eq!(
            parse("[1").unwrap_err().message,
            "unexpected end of JSON input"
        );
    }
}
