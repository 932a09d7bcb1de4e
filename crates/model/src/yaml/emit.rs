//! `to_yaml`: prints a value exactly as `kubectl -o yaml` does
//! (sigs.k8s.io/yaml: JSON round trip, then go-yaml v2's emitter). Keys are
//! sorted, lists under a key are not indented, strings are quoted only when
//! go-yaml would read them back as something else, multi-line strings use
//! `|` block style with go-yaml's chomping and indentation hints, and long
//! scalars are folded past column 80. Mirrors `gopkg.in/yaml.v2/emitterc.go`
//! (`analyze_scalar`, `select_scalar_style`, the `write_*_scalar` functions).

use super::resolve::{is_base60_float, resolve_plain, Resolved};
use crate::json::{go_float_g, go_float_json};
use crate::value::Value;

/// go-yaml's preferred line width.
const BEST_WIDTH: usize = 80;

/// Prints a value as `kubectl get -o yaml` would.
pub fn to_yaml(value: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
    };
    match value {
        Value::Object(m) if !m.is_empty() => e.mapping(value, 0),
        Value::Array(a) if !a.is_empty() => e.sequence(value, 0),
        _ => {
            e.scalar_value(value, 0, false);
            e.newline();
        }
    }
    e.out
}

struct Emitter {
    out: String,
    column: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum ScalarStyle {
    Plain,
    Single,
    Double,
    Literal,
}

fn is_printable(c: char) -> bool {
    c == '\n'
        || ('\u{20}'..='\u{7e}').contains(&c)
        || ('\u{a0}'..='\u{d7ff}').contains(&c)
        || (('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}')
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars
            .get(i + 1)
            .is_none_or(|n| *n == ' ' || *n == '\t' || is_break(*n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        let last = i + 1 == chars.len();
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The style go-yaml v2 picks for a string (encode.go `stringv` plus
/// emitterc.go `select_scalar_style`), in block context.
fn select_style(s: &str, key: bool) -> ScalarStyle {
    let can_use_plain =
        matches!(resolve_plain(s), Resolved::Str | Resolved::Merge) && !is_base60_float(s);
    let mut style = if s.contains('\n') {
        ScalarStyle::Literal
    } else if can_use_plain {
        ScalarStyle::Plain
    } else {
        ScalarStyle::Double
    };
    let a = analyze(s);
    if key && a.multiline {
        style = ScalarStyle::Double;
    }
    if style == ScalarStyle::Plain && (!a.block_plain_allowed || (s.is_empty() && key)) {
        style = ScalarStyle::Single;
    }
    if style == ScalarStyle::Single && !a.single_quoted_allowed {
        style = ScalarStyle::Double;
    }
    if style == ScalarStyle::Literal && (!a.block_allowed || key) {
        style = ScalarStyle::Double;
    }
    style
}

/// How a number prints after the JSON round trip sigs.k8s.io/yaml does.
fn number_text(f: f64) -> String {
    let json = go_float_json(f);
    match resolve_plain(&json) {
        Resolved::Int(i) => i.to_string(),
        Resolved::Uint(u) => u.to_string(),
        Resolved::Float(g) => go_float_g(g),
        _ => json,
    }
}

impl Emitter {
    fn put(&mut self, s: &str) {
        self.out.push_str(s);
        self.column += s.chars().count();
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn indent_to(&mut self, indent: usize) {
        if self.column > 0 {
            self.newline();
        }
        while self.column < indent {
            self.put(" ");
        }
    }

    /// A mapping whose keys sit at column `indent`; the cursor is either at
    /// the start of a line or right after `- `.
    fn mapping(&mut self, value: &Value, indent: usize) {
        let Some(map) = value.as_object() else { return };
        for (i, (k, v)) in map.iter().enumerate() {
            if i > 0 || self.column > indent {
                self.indent_to(indent);
            } else {
                while self.column < indent {
                    self.put(" ");
                }
            }
            self.string(k, indent + 2, true);
            self.put(":");
            match v {
                Value::Object(m) if !m.is_empty() => {
                    self.newline();
                    self.mapping(v, indent + 2);
                }
                Value::Array(a) if !a.is_empty() => {
                    self.newline();
                    self.sequence(v, indent);
                }
                _ => {
                    self.put(" ");
                    self.scalar_value(v, indent + 2, false);
                    if !self.out.ends_with('\n') {
                        self.newline();
                    }
                }
            }
        }
        if self.column != 0 {
            self.newline();
        }
    }

    /// A sequence whose `- ` markers sit at column `indent`.
    fn sequence(&mut self, value: &Value, indent: usize) {
        let Some(items) = value.as_array() else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            if i > 0 || self.column > indent {
                self.indent_to(indent);
            } else {
                while self.column < indent {
                    self.put(" ");
                }
            }
            self.put("- ");
            match item {
                Value::Object(m) if !m.is_empty() => self.mapping(item, indent + 2),
                Value::Array(a) if !a.is_empty() => self.sequence(item, indent + 2),
                _ => {
                    self.scalar_value(item, indent + 2, false);
                    if !self.out.ends_with('\n') {
                        self.newline();
                    }
                }
            }
        }
        if self.column != 0 {
            self.newline();
        }
    }

    /// A scalar or empty collection at the cursor; `indent` is the scalar's
    /// indentation for folded continuation lines and block content.
    fn scalar_value(&mut self, v: &Value, indent: usize, key: bool) {
        match v {
            Value::Null => self.put("null"),
            Value::Bool(b) => self.put(if *b { "true" } else { "false" }),
            Value::Int(i) => self.put(&i.to_string()),
            Value::Float(f) => self.put(&number_text(*f)),
            Value::String(s) => self.string(s, indent, key),
            Value::Array(_) => self.put("[]"),
            Value::Object(_) => self.put("{}"),
        }
    }

    fn string(&mut self, s: &str, indent: usize, key: bool) {
        match select_style(s, key) {
            ScalarStyle::Plain => self.plain(s, indent, !key),
            ScalarStyle::Single => self.single(s, indent, !key),
            ScalarStyle::Double => self.double(s, indent, !key),
            ScalarStyle::Literal => self.literal(s, indent),
        }
    }

    fn fold(&mut self, indent: usize) {
        self.newline();
        while self.column < indent {
            self.put(" ");
        }
    }

    fn plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.fold(indent);
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                self.put(c.encode_utf8(&mut [0; 4]));
                spaces = false;
            }
        }
    }

    fn single(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        self.put("'");
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                    && !next_space
                {
                    self.fold(indent);
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                if c == '\'' {
                    self.put("'");
                }
                self.put(c.encode_utf8(&mut [0; 4]));
                spaces = false;
            }
        }
        self.put("'");
    }

    fn double(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        self.put("\"");
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                let escaped = match c {
                    '\0' => "\\0".to_string(),
                    '\x07' => "\\a".to_string(),
                    '\x08' => "\\b".to_string(),
                    '\t' => "\\t".to_string(),
                    '\n' => "\\n".to_string(),
                    '\x0b' => "\\v".to_string(),
                    '\x0c' => "\\f".to_string(),
                    '\r' => "\\r".to_string(),
                    '\x1b' => "\\e".to_string(),
                    '"' => "\\\"".to_string(),
                    '\\' => "\\\\".to_string(),
                    '\u{85}' => "\\N".to_string(),
                    '\u{a0}' => "\\_".to_string(),
                    '\u{2028}' => "\\L".to_string(),
                    '\u{2029}' => "\\P".to_string(),
                    c if (c as u32) <= 0xff => format!("\\x{:02X}", c as u32),
                    c if (c as u32) <= 0xffff => format!("\\u{:04X}", c as u32),
                    c => format!("\\U{:08X}", c as u32),
                };
                self.put(&escaped);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i + 1 != chars.len()
                {
                    self.fold(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put("\\");
                    }
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                self.put(c.encode_utf8(&mut [0; 4]));
                spaces = false;
            }
        }
        self.put("\"");
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.put("|");
        let first = s.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.put("2");
        }
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        let chomp = if n == 0 || !is_break(chars[n - 1]) {
            "-"
        } else if n == 1 || is_break(chars[n - 2]) {
            "+"
        } else {
            ""
        };
        self.put(chomp);
        self.newline();
        let mut at_line_start = true;
        for &c in &chars {
            if is_break(c) {
                self.newline();
                at_line_start = true;
            } else {
                if at_line_start {
                    while self.column < indent {
                        self.put(" ");
                    }
                    at_line_start = false;
                }
                self.put(c.encode_utf8(&mut [0; 4]));
            }
        }
        if !at_line_start {
            self.newline();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_matches_go_yaml_v2() {
        let cases = [
            ("80", "\"80\""),
            ("true", "\"true\""),
            ("yes", "\"yes\""),
            ("y", "\"y\""),
            ("1.0", "\"1.0\""),
            ("", "\"\""),
            ("null", "\"null\""),
            ("1:20", "\"1:20\""),
            ("2001-12-14", "\"2001-12-14\""),
            ("tRue", "tRue"),
            ("- x", "'- x'"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            ("@x", "'@x'"),
            ("x'y", "x'y"),
            ("'x", "'''x'"),
            ("trail ", "'trail '"),
            ("a\tb", "\"a\\tb\""),
            ("a:b", "a:b"),
            ("NaN", "NaN"),
            ("😀", "\"\\U0001F600\""),
            ("\u{1}", "\"\\x01\""),
        ];
        for (input, want) in cases {
            let got = to_yaml(&Value::from([("k", Value::from(input))]));
            assert_eq!(got, format!("k: {want}\n"), "{input:?}");
        }
    }

    #[test]
    fn multi_line_strings_use_block_style_with_hints() {
        let y = |s: &str| to_yaml(&Value::from([("k", Value::from(s))]));
        assert_eq!(y("line1\nline2\n"), "k: |\n  line1\n  line2\n");
        assert_eq!(y("x\ny"), "k: |-\n  x\n  y\n");
        assert_eq!(y("x\n\ny\n\n"), "k: |+\n  x\n\n  y\n\n");
        assert_eq!(y("  x\ny"), "k: |2-\n    x\n  y\n");
        assert_eq!(y("abc  \nx"), "k: \"abc  \\nx\"\n");
    }

    #[test]
    fn lists_under_keys_are_not_indented() {
        let v = Value::from([(
            "spec",
            Value::from([(
                "containers",
                Value::Array(vec![Value::from([
                    ("name", Value::from("a")),
                    (
                        "ports",
                        Value::Array(vec![Value::from([("containerPort", Value::Int(80))])]),
                    ),
                ])]),
            )]),
        )]);
        assert_eq!(
            to_yaml(&v),
            "spec:\n  containers:\n  - name: a\n    ports:\n    - containerPort: 80\n"
        );
    }

    #[test]
    fn nested_sequences_and_empty_collections() {
        let v = Value::from([(
            "list",
            Value::Array(vec![
                Value::Array(vec!["b".into(), "c".into()]),
                Value::object(),
                Value::Array(vec![]),
                Value::from(""),
            ]),
        )]);
        assert_eq!(to_yaml(&v), "list:\n- - b\n  - c\n- {}\n- []\n- \"\"\n");
    }

    #[test]
    fn long_scalars_fold_past_column_80() {
        let long = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu";
        let v = Value::from([("data", Value::from([("long", Value::from(long))]))]);
        assert_eq!(
            to_yaml(&v),
            "data:\n  long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n    pppp qqqq rrrr ssss tttt uuuu\n"
        );
    }

    #[test]
    fn numbers_print_after_a_json_round_trip() {
        let v = Value::from([
            ("a", Value::Float(1e20)),
            ("b", Value::Float(123456789.5)),
            ("c", Value::Float(1.5e-7)),
            ("d", Value::Float(1.2345678901234567e19)),
            ("e", Value::Float(0.5)),
        ]);
        assert_eq!(
            to_yaml(&v),
            "a: 1e+20\nb: 1.234567895e+08\nc: 1.5e-07\nd: 12345678901234567000\ne: 0.5\n"
        );
    }
}
