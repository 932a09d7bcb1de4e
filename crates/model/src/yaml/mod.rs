//! YAML in and out, the way kubectl does it: the stream is split into
//! documents on `---` lines (apimachinery `yaml.YAMLReader`), each document is
//! parsed like go-yaml v2 (`sigs.k8s.io/yaml`), and errors carry go-yaml's
//! texts with the line relative to the document. Every key and value records
//! its file-absolute line and column so later stages can point at fields.
//!
//! Printing (`to_yaml`) lives in `emit`.

mod emit;
mod kyaml;
mod parser;
mod resolve;
mod scanner;

pub use emit::to_yaml;
pub use kyaml::to_kyaml;
pub use resolve::{resolve_plain, Resolved};

use crate::value::Value;
use parser::{Node, NodeKind, Parser, SyntaxError};
use scanner::Style;
use std::collections::BTreeMap;

/// Largest manifest accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
/// Most documents accepted in one stream.
pub const MAX_DOCUMENTS: usize = 200;
/// Deepest nesting of collections accepted.
pub const MAX_DEPTH: usize = 100;
/// Most nodes that aliases may expand to in one document.
pub const MAX_ALIAS_EXPANSION: usize = 10_000;

/// A 1-based line and column in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

/// Where a field's key and value were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The key's position; `None` for list items and the root.
    pub key: Option<Pos>,
    /// The value's position.
    pub value: Pos,
}

/// Positions of every field of a document, by path
/// (`spec.template.spec.containers[0].image`; the root is `""`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spans {
    entries: BTreeMap<String, Span>,
}

impl Spans {
    /// The span recorded for `path`.
    pub fn span(&self, path: &str) -> Option<Span> {
        self.entries.get(path).copied()
    }

    /// Where the key of `path` is (or the value, for list items).
    pub fn key(&self, path: &str) -> Option<Pos> {
        self.span(path).map(|s| s.key.unwrap_or(s.value))
    }

    /// Where the value of `path` is.
    pub fn value(&self, path: &str) -> Option<Pos> {
        self.span(path).map(|s| s.value)
    }

    /// The closest recorded ancestor of `path` (itself included): its path and span.
    pub fn nearest(&self, path: &str) -> Option<(&str, Span)> {
        let mut p = path;
        loop {
            if let Some((k, s)) = self.entries.get_key_value(p) {
                return Some((k.as_str(), *s));
            }
            if p.is_empty() {
                return None;
            }
            let cut = p.rfind(['.', '[']).unwrap_or(0);
            p = &p[..cut];
        }
    }

    /// All recorded paths with their spans.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Span)> {
        self.entries.iter().map(|(k, s)| (k.as_str(), *s))
    }

    /// Records a span (used when documents are unpacked from a `List`).
    pub fn insert(&mut self, path: String, span: Span) {
        self.entries.insert(path, span);
    }
}

/// One parsed document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document as a JSON-shaped tree.
    pub value: Value,
    /// Positions of its fields.
    pub spans: Spans,
    /// The file line (1-based) the document's text starts on.
    pub first_line: usize,
}

/// A syntax error, as kubectl prints it, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// go-yaml's text, e.g. `yaml: line 7: mapping values are not allowed in this context`
    /// (line relative to the document), or the stream reader's own text.
    pub message: String,
    /// File-absolute position of the problem.
    pub pos: Pos,
    /// True when the text comes from the YAML-to-JSON conversion (kubectl
    /// prefixes it with `error converting YAML to JSON: `).
    pub conversion: bool,
}

/// The documents of a stream up to the first error, and that error.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stream {
    /// Documents before the broken one (empty documents are skipped, as kubectl does).
    pub docs: Vec<Document>,
    /// The error that stopped parsing, if any.
    pub error: Option<YamlError>,
}

/// One `---`-separated chunk of the stream.
struct Chunk {
    text: String,
    first_line: usize,
}

/// kubectl's `LineReader` hands each line over with exactly one `\n`
/// (`\r\n` becomes `\n`, a missing final newline is added).
fn normalize_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for line in text.split_inclusive('\n') {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Splits like apimachinery's `YAMLReader`: any line starting with `---` ends a
/// chunk; text after the dashes must be blank or a comment.
fn split_chunks(text: &str) -> Result<Vec<Chunk>, YamlError> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError {
                    message: format!("invalid Yaml document separator: {trimmed}"),
                    pos: Pos {
                        line: i + 1,
                        column: 1,
                    },
                    conversion: false,
                });
            }
            // A separator ends a non-empty chunk and is dropped; one that
            // starts a chunk stays in it (go-yaml then reads `---` itself).
            if offset > start {
                chunks.push(Chunk {
                    text: normalize_lines(&text[start..offset]),
                    first_line: start_line,
                });
                start = offset + line.len();
                start_line = i + 2;
            }
        }
        offset += line.len();
    }
    if offset > start {
        chunks.push(Chunk {
            text: normalize_lines(&text[start..offset]),
            first_line: start_line,
        });
    }
    Ok(chunks)
}

fn allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Parses a stream of YAML (or JSON) documents as `kubectl apply -f` reads it.
pub fn parse_stream(text: &str) -> Stream {
    let mut stream = Stream::default();
    if text.len() > MAX_DOCUMENT_BYTES {
        stream.error = Some(YamlError {
            message: format!("the manifest is larger than {MAX_DOCUMENT_BYTES} bytes"),
            pos: Pos { line: 1, column: 1 },
            conversion: false,
        });
        return stream;
    }
    if text.trim_start().starts_with('{') {
        return parse_json_stream(text);
    }
    parse_yaml_stream(text, 0)
}

/// The `---`-separated YAML path; `line_offset` shifts line numbers when the
/// text is the tail of a file.
fn parse_yaml_stream(text: &str, line_offset: usize) -> Stream {
    let mut stream = Stream::default();
    let chunks = match split_chunks(text) {
        Ok(c) => c,
        Err(e) => {
            stream.error = Some(e);
            return stream;
        }
    };
    for chunk in chunks {
        if stream.docs.len() >= MAX_DOCUMENTS {
            stream.error = Some(too_many_documents(chunk.first_line));
            return stream;
        }
        match parse_document(&chunk.text, chunk.first_line + line_offset) {
            Ok(Some(doc)) => stream.docs.push(doc),
            Ok(None) => {}
            Err(e) => {
                stream.error = Some(e);
                return stream;
            }
        }
    }
    stream
}

/// A stream that starts with `{` is read as kubectl's YAML-or-JSON decoder
/// does: JSON values one after another; a value that is not valid JSON is
/// retried as YAML from there on (so trailing commas still work), and if
/// YAML fails too the JSON error is reported.
fn parse_json_stream(text: &str) -> Stream {
    let mut stream = Stream::default();
    let line_of = |byte: usize| 1 + text[..byte].matches('\n').count();
    let (ranges, error) = crate::json::value_ranges(text);
    for range in &ranges {
        if stream.docs.len() >= MAX_DOCUMENTS {
            stream.error = Some(too_many_documents(line_of(range.start)));
            return stream;
        }
        match parse_document(&text[range.clone()], line_of(range.start)) {
            Ok(Some(doc)) => stream.docs.push(doc),
            Ok(None) => {}
            Err(e) => {
                stream.error = Some(e);
                return stream;
            }
        }
    }
    let Some(json_error) = error else {
        return stream;
    };
    let rest_start = ranges.last().map_or(0, |r| r.end);
    let rest_start = rest_start
        + text[rest_start..]
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(0);
    let line_start = text[..rest_start].rfind('\n').map_or(0, |i| i + 1);
    let tail = parse_yaml_stream(&text[line_start..], line_of(line_start) - 1);
    if tail.error.is_none() {
        stream.docs.extend(tail.docs);
    } else {
        stream.error = Some(YamlError {
            message: json_error.stream_message(),
            pos: json_error.pos,
            conversion: false,
        });
    }
    stream
}

fn too_many_documents(line: usize) -> YamlError {
    YamlError {
        message: format!("the manifest has more than {MAX_DOCUMENTS} documents"),
        pos: Pos { line, column: 1 },
        conversion: false,
    }
}

/// Parses one document's text (no `---` splitting); `None` when it is empty.
pub fn parse_document(text: &str, first_line: usize) -> Result<Option<Document>, YamlError> {
    let abs = |line0: usize, col0: usize| Pos {
        line: first_line + line0,
        column: col0 + 1,
    };
    if let Some((i, _)) = text.char_indices().find(|(_, c)| !allowed_char(*c)) {
        let line0 = text[..i].matches('\n').count();
        let col0 = text[..i]
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count());
        return Err(YamlError {
            message: "yaml: control characters are not allowed".to_string(),
            pos: abs(line0, col0),
            conversion: true,
        });
    }
    let mut parser = Parser::new(text);
    let node = match parser.parse_document() {
        Ok(Some(node)) => node,
        Ok(None) => return Ok(None),
        Err(e) => return Err(syntax_error(&e, first_line)),
    };
    let mut composer = Composer {
        anchors: BTreeMap::new(),
        expanded: 0,
        spans: Spans::default(),
        first_line,
    };
    let value = composer.compose(&node, String::new(), None)?;
    if value.is_null() {
        return Ok(None);
    }
    Ok(Some(Document {
        value,
        spans: composer.spans,
        first_line,
    }))
}

/// go-yaml v2's `fail()` line arithmetic: scanner errors report the problem
/// line 1-based, parser errors 0-based (falling back to the context line).
fn syntax_error(e: &SyntaxError, first_line: usize) -> YamlError {
    let pos = Pos {
        line: first_line + e.problem_mark.line,
        column: e.problem_mark.column + 1,
    };
    if e.bare {
        return YamlError {
            message: format!("yaml: {}", e.problem),
            pos,
            conversion: true,
        };
    }
    let line = if e.problem_mark.line != 0 {
        e.problem_mark.line + usize::from(e.scanner)
    } else {
        e.context_mark.line
    };
    let message = if line != 0 {
        format!("yaml: line {line}: {}", e.problem)
    } else {
        format!("yaml: {}", e.problem)
    };
    YamlError {
        message,
        pos,
        conversion: true,
    }
}

struct Composer {
    anchors: BTreeMap<String, (Value, usize)>,
    expanded: usize,
    spans: Spans,
    first_line: usize,
}

fn node_count(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(node_count).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(node_count).sum::<usize>(),
        _ => 1,
    }
}

/// The JSON key sigs.k8s.io/yaml makes of a non-string YAML key.
fn key_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(crate::json::go_float_g(*f)),
        Value::Null => Some("null".to_string()),
        _ => None,
    }
}

impl Composer {
    fn pos(&self, node: &Node) -> Pos {
        Pos {
            line: self.first_line + node.mark.line,
            column: node.mark.column + 1,
        }
    }

    fn error(&self, node: &Node, message: String) -> YamlError {
        YamlError {
            message,
            pos: self.pos(node),
            conversion: true,
        }
    }

    fn compose(&mut self, node: &Node, path: String, key: Option<Pos>) -> Result<Value, YamlError> {
        self.spans.entries.insert(
            path.clone(),
            Span {
                key,
                value: self.pos(node),
            },
        );
        let value = match &node.kind {
            NodeKind::Alias(name) => {
                let Some((value, count)) = self.anchors.get(name) else {
                    return Err(
                        self.error(node, format!("yaml: unknown anchor '{name}' referenced"))
                    );
                };
                self.expanded += count;
                if self.expanded > MAX_ALIAS_EXPANSION {
                    return Err(self.error(
                        node,
                        "yaml: document contains excessive aliasing".to_string(),
                    ));
                }
                value.clone()
            }
            NodeKind::Scalar(text, style) => self.scalar(node, text, *style)?,
            NodeKind::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.compose(item, format!("{path}[{i}]"), None)?);
                }
                Value::Array(out)
            }
            NodeKind::Mapping(pairs) => self.mapping(pairs, &path)?,
        };
        if let Some(anchor) = &node.anchor {
            let count = node_count(&value);
            self.anchors.insert(anchor.clone(), (value.clone(), count));
        }
        Ok(value)
    }

    fn mapping(&mut self, pairs: &[(Node, Node)], path: &str) -> Result<Value, YamlError> {
        // In document order, merged keys included; the last of equal keys wins.
        let mut entries: Vec<(String, Value)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let key_value = self.key_value(k)?;
            let is_merge = matches!(&k.kind, NodeKind::Scalar(s, Style::Plain) if s == "<<")
                && k.tag.is_none();
            if is_merge {
                let merged = self.compose(v, format!("{path}.<<"), None)?;
                let sources = match merged {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for source in sources {
                    let Value::Object(m) = source else {
                        return Err(self.error(
                            v,
                            "yaml: map merge requires map or sequence of maps as the value"
                                .to_string(),
                        ));
                    };
                    entries.extend(m);
                }
                continue;
            }
            let Some(key) = key_string(&key_value) else {
                return Err(self.error(k, format!("yaml: invalid map key: {key_value:?}")));
            };
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let key_pos = self.pos(k);
            let value = self.compose(v, child, Some(key_pos))?;
            entries.push((key, value));
        }
        Ok(Value::Object(entries.into_iter().collect()))
    }

    /// A key's value; keys are scalars or aliases of scalars.
    fn key_value(&mut self, node: &Node) -> Result<Value, YamlError> {
        match &node.kind {
            NodeKind::Scalar(text, style) => self.scalar(node, text, *style),
            NodeKind::Alias(name) => match self.anchors.get(name) {
                Some((value, _)) => Ok(value.clone()),
                None => Err(self.error(node, format!("yaml: unknown anchor '{name}' referenced"))),
            },
            _ => Ok(Value::Array(Vec::new())),
        }
    }

    fn scalar(&self, node: &Node, text: &str, style: Style) -> Result<Value, YamlError> {
        let tag = node.tag.as_deref().unwrap_or("");
        if style != Style::Plain || tag == "!!str" || tag == "!" {
            return Ok(Value::String(text.to_string()));
        }
        let value = match resolve_plain(text) {
            Resolved::Null => Value::Null,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) => Value::Int(i),
            Resolved::Uint(u) => Value::Float(u as f64),
            Resolved::Float(f) => {
                if f.is_nan() || f.is_infinite() {
                    let shown = if f.is_nan() {
                        "NaN"
                    } else if f > 0.0 {
                        "+Inf"
                    } else {
                        "-Inf"
                    };
                    return Err(self.error(node, format!("json: unsupported value: {shown}")));
                }
                float_value(f)
            }
            Resolved::Timestamp | Resolved::Merge | Resolved::Str => {
                Value::String(text.to_string())
            }
        };
        Ok(value)
    }
}

/// A float as it comes back from a JSON round trip: whole numbers that Go
/// prints without an exponent and that fit in 64 bits become integers.
pub fn float_value(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        Value::Int(f as i64)
    } else {
        Value::Float(f)
    }
}

#[cfg(test)]
mod tests;
