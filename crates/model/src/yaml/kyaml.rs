//! KYAML, the strict YAML dialect `kubectl -o kyaml` prints. Mirrors
//! sigs.k8s.io/yaml kyaml/kyaml.go (`Encoder.FromObject`): a `---` header;
//! maps as `{`, one `key: value,` a line, `}`; sequences of maps or
//! sequences cuddled (`[{`, `}, {`, `}]`), others one item a line with a
//! trailing comma; string values always double-quoted, with a multi-line
//! string folded one line a line; keys quoted only where YAML would read
//! them as something else (`"y"`, `"1"`) or they hold other characters.

use super::super::json::go_float_json;
use crate::Value;

/// `Encoder.FromObject`: the document with its header and final newline.
pub fn to_kyaml(value: &Value) -> String {
    let mut out = String::from("---\n");
    node(value, 0, &mut out);
    out.push('\n');
    out
}

fn indent(level: usize, out: &mut String) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn node(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&go_float_json(*f)),
        Value::String(s) => string(s, level + 1, false, out),
        Value::Array(items) => sequence(items, level, out),
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{\n");
            for (key, child) in map.iter() {
                indent(level + 1, out);
                string(key, level + 1, true, out);
                out.push_str(": ");
                node(child, level + 1, out);
                out.push_str(",\n");
            }
            indent(level, out);
            out.push('}');
        }
    }
}

fn sequence(items: &[Value], level: usize, out: &mut String) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    let cuddled = items
        .iter()
        .all(|i| matches!(i, Value::Array(_) | Value::Object(_)));
    if cuddled {
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            node(item, level, out);
        }
        out.push(']');
        return;
    }
    out.push_str("[\n");
    indent(level, out);
    for item in items {
        indent(1, out);
        node(item, level + 1, out);
        out.push_str(",\n");
        indent(level, out);
    }
    out.push(']');
}

/// `renderString`: a key (`key`: lazily quoted, compact) or a value.
fn string(text: &str, level: usize, key: bool, out: &mut String) {
    let multi = text.contains('\n');
    if key && !multi && !needs_quotes(text) {
        out.push_str(text);
        return;
    }
    let fold = multi && !key;
    let mut buf = String::from("\"");
    if fold {
        buf.push_str("\\\n");
    }
    for c in text.chars() {
        if buf.ends_with('\n') {
            indent(level, &mut buf);
            buf.push(if c.is_whitespace() && c != '\n' {
                '\\'
            } else {
                ' '
            });
        }
        escaped(c, fold, &mut buf);
    }
    if fold {
        if !buf.ends_with('\n') {
            buf.push_str("\\\n");
        }
        indent(level, &mut buf);
    }
    buf.push('"');
    out.push_str(&buf);
}

/// Go's `unicode.IsPrint`: graphic characters and the ASCII space.
fn is_print(c: char) -> bool {
    c == ' ' || !(c.is_control() || c.is_whitespace() || ('\u{fff9}'..='\u{fffb}').contains(&c))
}

/// `appendEscapedRune`, after the indentation.
fn escaped(c: char, fold: bool, buf: &mut String) {
    match c {
        '"' | '\\' => {
            buf.push('\\');
            buf.push(c);
        }
        c if is_print(c) => buf.push(c),
        '\u{7}' => buf.push_str("\\a"),
        '\u{8}' => buf.push_str("\\b"),
        '\u{c}' => buf.push_str("\\f"),
        '\n' if fold => buf.push_str("\\n\\\n"),
        '\n' => buf.push_str("\\n"),
        '\r' => buf.push_str("\\r"),
        '\t' => buf.push_str("\\t"),
        '\u{b}' => buf.push_str("\\v"),
        '\0' => buf.push_str("\\0"),
        '\u{1b}' => buf.push_str("\\e"),
        '\u{85}' => buf.push_str("\\N"),
        '\u{a0}' => buf.push_str("\\_"),
        '\u{2028}' => buf.push_str("\\L"),
        '\u{2029}' => buf.push_str("\\P"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            buf.push_str(&format!("\\x{:02x}", c as u32));
        }
        c if (c as u32) < 0x10000 => buf.push_str(&format!("\\u{:04x}", c as u32)),
        c => buf.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// `needsQuotes`: empty, read by YAML as another type, or holding a
/// character other than letters, digits and `_` (and `-`, `.`, `/` inside).
fn needs_quotes(text: &str) -> bool {
    if text.is_empty() || yaml_guesses_wrong(text) {
        return true;
    }
    let count = text.chars().count();
    !text.chars().enumerate().all(|(i, c)| {
        c.is_alphanumeric() || c == '_' || (i > 0 && i + 1 < count && matches!(c, '-' | '.' | '/'))
    })
}

/// `yamlGuessesWrong`: null, bool, number (Go's `ParseInt(s, 0, 64)` and
/// `ParseFloat` after dropping `_`), sexagesimal, infinity/NaN or
/// timestamp-like text.
fn yaml_guesses_wrong(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null"
            | "~"
            | "true"
            | "false"
            | "y"
            | "yes"
            | "on"
            | "n"
            | "no"
            | "off"
            | "1"
            | "0"
            | "t"
            | "f"
            | ".inf"
            | "-.inf"
            | "+.inf"
            | ".nan"
    ) {
        return true;
    }
    let plain = text.replace('_', "");
    is_go_int(&plain) || is_go_float(&plain) || is_sexagesimal(text) || is_timestamp(text)
}

/// `strconv.ParseInt(s, 0, 64)` succeeds or fails by range only.
fn is_go_int(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let lower = digits.to_ascii_lowercase();
    let (radix, rest) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    !rest.is_empty() && rest.chars().all(|c| c.is_digit(radix))
}

/// `strconv.ParseFloat(s, 64)` accepts it (decimal, exponent, hex float
/// and `inf`/`infinity`/`nan` spellings).
fn is_go_float(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return true;
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        return hex.contains('p')
            && hex
                .chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, '.' | 'p' | '+' | '-'));
    }
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (lower.as_str(), None),
    };
    let digits = mantissa.chars().filter(char::is_ascii_digit).count();
    let mantissa_ok = digits > 0
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.matches('.').count() <= 1;
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// YAML 1.1 sexagesimal numbers (`11:00`, `-1:30:00.5`).
fn is_sexagesimal(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    let mut parts = whole.split(':');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && first.starts_with(|c: char| ('1'..='9').contains(&c))
        && first.chars().all(|c| c.is_ascii_digit() || c == '_')
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 2
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n <= 59)
                && (p.len() == 1 || p.as_bytes()[0] <= b'5')
        })
        && fraction.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit() || c == '_'))
}

/// `parseTimestamp`: `YYYY-M-D`, optionally with a time (`T`, `t` or a
/// space) as its allowed formats read them.
fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 6 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return false;
    }
    let (date, time) = match text.find(['T', 't', ' ']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let fields: Vec<&str> = date.split('-').collect();
    let date_ok = fields.len() == 3
        && fields[1..]
            .iter()
            .all(|f| (1..=2).contains(&f.len()) && f.chars().all(|c| c.is_ascii_digit()))
        && fields[1]
            .parse::<u32>()
            .is_ok_and(|m| (1..=12).contains(&m))
        && fields[2]
            .parse::<u32>()
            .is_ok_and(|d| (1..=31).contains(&d));
    date_ok
        && time.is_none_or(|t| {
            let clock = t.trim_end_matches('Z');
            let clock = clock.split(['+', '-']).next().unwrap_or("");
            let mut hms = clock.split(':');
            let ok = |p: Option<&str>, max: u32| {
                p.is_some_and(|p| {
                    let whole = p.split('.').next().unwrap_or("");
                    (1..=2).contains(&whole.len()) && whole.parse::<u32>().is_ok_and(|n| n <= max)
                })
            };
            ok(hms.next(), 23) && ok(hms.next(), 59) && ok(hms.next(), 59)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn objects_print_as_kubectl_prints_them() {
        let pod = json::parse(
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"app":"x","y":"1"},"name":"a"},
                "spec":{"containers":[{"args":["sleep","3600"],"image":"nginx:1.27","name":"a","resources":{}}],
                "terminationGracePeriodSeconds":30},"status":{}}"#,
        )
        .expect("json");
        assert_eq!(
            to_kyaml(&pod),
            "---\n{\n  apiVersion: \"v1\",\n  kind: \"Pod\",\n  metadata: {\n    labels: {\n      app: \"x\",\n      \"y\": \"1\",\n    },\n    name: \"a\",\n  },\n  spec: {\n    containers: [{\n      args: [\n        \"sleep\",\n        \"3600\",\n      ],\n      image: \"nginx:1.27\",\n      name: \"a\",\n      resources: {},\n    }],\n    terminationGracePeriodSeconds: 30,\n  },\n  status: {},\n}\n"
        );
    }

    #[test]
    fn multi_line_strings_fold_and_keys_quote_only_when_needed() {
        let mut out = String::new();
        string("a\n  b\n", 1, false, &mut out);
        assert_eq!(out, "\"\\\n   a\\n\\\n  \\  b\\n\\\n  \"");
        for key in ["app", "kubernetes.io/name", "a_b", "x-1"] {
            assert!(!needs_quotes(key), "{key}");
        }
        for key in [
            "y",
            "No",
            "1",
            "0x1F",
            "1e5",
            "11:30",
            "2024-01-02",
            "-a",
            "a b",
            "",
            "nan",
        ] {
            assert!(needs_quotes(key), "{key}");
        }
    }
}
