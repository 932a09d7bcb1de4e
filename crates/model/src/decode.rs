//! `decode_manifest`: what happens to a pasted manifest between `kubectl apply
//! -f` and admission. Client side (kubectl's resource builder,
//! `cli-runtime/pkg/resource/visitor.go`): split and parse the stream, unpack
//! `kind: List`, check `apiVersion`/`kind` are set, map the kind to a served
//! resource. Server side (the apiserver's strict JSON decoder,
//! `sigs.k8s.io/json`): the first wrong type, then every unknown field.
//!
//! Each problem becomes a [`Diagnostic`] whose `message` is what kubectl prints
//! and whose pointer (`render_pointer`) shows the offending line, caret and a
//! did-you-mean. Defaulting and validation are separate steps (`defaults`,
//! `validation`).

use crate::kinds;
use crate::value::Value;
use crate::yaml::{self, Pos, Span, Spans};

/// One problem found in a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Exactly what kubectl prints when this is the only error.
    pub message: String,
    /// The text without kubectl's `error: ` prefix (client errors), as kubectl
    /// prints it in a list of several errors.
    pub body: String,
    /// `Some("BadRequest")` for errors the API server returns.
    pub server_reason: Option<&'static str>,
    /// True when kubectl stops reading the stream at this error.
    pub stops_stream: bool,
    /// The file name the manifest came from.
    pub source: String,
    /// Where the problem is.
    pub pos: Option<Pos>,
    /// The text of the line at `pos`.
    pub source_line: Option<String>,
    /// How many characters the caret underlines.
    pub width: usize,
    /// A suggestion such as `did you mean "replicas"?`.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// The line kubectl prints for this error among several (client errors
    /// lose their `error: ` prefix).
    pub fn aggregate_line(&self) -> &str {
        if self.server_reason.is_some() {
            &self.message
        } else {
            &self.body
        }
    }

    /// Ordinal's pointer at the problem, printed after kubectl's text:
    ///
    /// ```text
    ///   --> web.yaml:7:3
    ///    |
    ///  7 |   replica: 3
    ///    |   ^^^^^^^ did you mean "replicas"?
    /// ```
    pub fn render_pointer(&self) -> String {
        let Some(pos) = self.pos else {
            return String::new();
        };
        let number = pos.line.to_string();
        let gutter = " ".repeat(number.len() + 2);
        let mut out = format!(
            "{}--> {}:{}:{}\n",
            " ".repeat(number.len() + 1),
            self.source,
            pos.line,
            pos.column
        );
        if let Some(line) = &self.source_line {
            out.push_str(&format!("{gutter}|\n"));
            out.push_str(&format!(" {number} | {line}\n"));
            // Copy tabs so the caret lines up under the source in a terminal.
            let pad: String = line
                .chars()
                .chain(std::iter::repeat(' '))
                .take(pos.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let mut caret = format!("{gutter}| {pad}{}", "^".repeat(self.width.max(1)));
            if let Some(hint) = &self.hint {
                caret.push(' ');
                caret.push_str(hint);
            }
            out.push_str(&caret);
            out.push('\n');
        }
        out
    }

    /// kubectl's text followed by the pointer.
    pub fn render(&self) -> String {
        let pointer = self.render_pointer();
        if pointer.is_empty() {
            format!("{}\n", self.message)
        } else {
            format!("{}\n{pointer}", self.message)
        }
    }
}

/// Builds a diagnostic for a problem found later (e.g. a validation error
/// from the API server) at field `path` of a decoded object: `message` is
/// kubectl's text, the pointer shows the field's value, or the closest
/// enclosing field that was written when the field itself is missing.
pub fn field_diagnostic(
    message: &str,
    text: &str,
    source: &str,
    spans: &Spans,
    path: &str,
    hint: Option<String>,
) -> Diagnostic {
    let ctx = Context {
        source,
        lines: text.lines().collect(),
    };
    let normalized = normalize_field_path(path);
    let (pos, width) = match spans.nearest(&normalized) {
        Some((found, span)) if found == normalized => {
            (Some(span.value), ctx.token_width(span.value))
        }
        Some((_, span)) => {
            let p = span.key.unwrap_or(span.value);
            (Some(p), ctx.token_width(p))
        }
        None => (None, 1),
    };
    Diagnostic {
        message: message.to_string(),
        body: message.to_string(),
        server_reason: None,
        stops_stream: false,
        source: source.to_string(),
        pos,
        source_line: pos.and_then(|p| ctx.lines.get(p.line - 1).map(|l| l.to_string())),
        width,
        hint,
    }
}

/// `spec.resources[storage]` → `spec.resources.storage`; list indices stay.
fn normalize_field_path(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let inner = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        if inner.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&rest[open..=close]);
        } else {
            out.push('.');
            out.push_str(inner);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The objects a manifest decodes to and the problems found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decoded {
    /// Objects that passed decoding, in file order, with their field positions.
    pub objects: Vec<(Value, Spans)>,
    /// Problems: a stream-stopping one (if any) comes first, then per-object ones in file order.
    pub errors: Vec<Diagnostic>,
}

const VALIDATE_HINT: &str =
    "; if you choose to ignore these errors, turn validation off with --validate=false";

struct Context<'a> {
    source: &'a str,
    lines: Vec<&'a str>,
}

impl Context<'_> {
    fn diagnostic(
        &self,
        body: String,
        server_reason: Option<&'static str>,
        pos: Option<Pos>,
        width: usize,
        hint: Option<String>,
    ) -> Diagnostic {
        let message = match server_reason {
            Some(reason) => format!("Error from server ({reason}): {body}"),
            None => format!("error: {body}"),
        };
        Diagnostic {
            message,
            body,
            server_reason,
            stops_stream: false,
            source: self.source.to_string(),
            pos,
            source_line: pos.and_then(|p| self.lines.get(p.line - 1).map(|l| l.to_string())),
            width,
            hint,
        }
    }

    /// Width of the token starting at `pos` (a key or a scalar).
    fn token_width(&self, pos: Pos) -> usize {
        let Some(line) = self.lines.get(pos.line.wrapping_sub(1)) else {
            return 1;
        };
        let rest: String = line.chars().skip(pos.column - 1).collect();
        let end = rest.find(" #").unwrap_or(rest.len());
        let token = rest[..end].trim_end();
        let token = token.split(": ").next().unwrap_or(token);
        let token = token.strip_suffix(':').unwrap_or(token);
        token.chars().count().max(1)
    }
}

/// Decodes a manifest as `kubectl apply -f <source>` and the API server would,
/// up to (not including) defaulting and validation.
pub fn decode_manifest(text: &str, source: &str) -> Decoded {
    let ctx = Context {
        source,
        lines: text.lines().collect(),
    };
    let stream = yaml::parse_stream(text);
    let mut decoded = Decoded::default();
    let mut stop: Option<Diagnostic> = None;
    'docs: for doc in stream.docs {
        for (value, spans) in unpack_list(doc.value, doc.spans) {
            if let Some(d) = check_type_meta(&ctx, &value, &spans, doc.first_line) {
                stop = Some(d);
                break 'docs;
            }
            match check_object(&ctx, &value, &spans) {
                Some(d) => decoded.errors.push(d),
                None => decoded.objects.push((value, spans)),
            }
        }
    }
    if stop.is_none() {
        if let Some(e) = stream.error {
            let body = if e.conversion {
                format!(
                    "error parsing {source}: error converting YAML to JSON: {}",
                    e.message
                )
            } else {
                format!("error parsing {source}: {}", e.message)
            };
            let line = ctx.lines.get(e.pos.line.wrapping_sub(1)).copied();
            let hint = syntax_hint(&e.message, line);
            stop = Some(ctx.diagnostic(body, None, Some(e.pos), 1, hint));
        }
    }
    if let Some(mut d) = stop {
        d.stops_stream = true;
        decoded.errors.insert(0, d);
    }
    decoded
}

/// A `kind: List` (or `*List`) becomes its items, with spans re-rooted.
fn unpack_list(value: Value, spans: Spans) -> Vec<(Value, Spans)> {
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && value.get("items").is_some_and(|i| i.as_array().is_some());
    if !is_list {
        return vec![(value, spans)];
    }
    let items = value.array_at(&["items"]).to_vec();
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let prefix = format!("items[{i}]");
            let mut item_spans = Spans::default();
            for (path, span) in spans.iter() {
                if let Some(rest) = path.strip_prefix(&prefix) {
                    if rest.is_empty() {
                        item_spans.insert(String::new(), Span { key: None, ..span });
                    } else if let Some(rest) = rest.strip_prefix('.') {
                        item_spans.insert(rest.to_string(), span);
                    }
                }
            }
            (item, item_spans)
        })
        .collect()
}

/// kubectl's client-side `apiVersion`/`kind` check; it stops the stream.
fn check_type_meta(
    ctx: &Context,
    value: &Value,
    spans: &Spans,
    first_line: usize,
) -> Option<Diagnostic> {
    let doc_pos = spans.value("").unwrap_or(Pos {
        line: first_line,
        column: 1,
    });
    let problem = if value.as_object().is_none() {
        "invalid object to validate".to_string()
    } else {
        let api_version = value
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
        match (api_version.is_empty(), kind.is_empty()) {
            (false, false) => return None,
            (true, true) => "[apiVersion not set, kind not set]".to_string(),
            (true, false) => "apiVersion not set".to_string(),
            (false, true) => "kind not set".to_string(),
        }
    };
    let body = format!(
        "error validating {:?}: error validating data: {problem}{VALIDATE_HINT}",
        ctx.source
    );
    Some(ctx.diagnostic(body, None, Some(doc_pos), 1, None))
}

/// Mapping, name and strict-decoding checks for one object.
fn check_object(ctx: &Context, value: &Value, spans: &Spans) -> Option<Diagnostic> {
    let api_version = value.str_at(&["apiVersion"]);
    let kind = value.str_at(&["kind"]);
    let name = value.str_at(&["metadata", "name"]);
    let namespace = value.str_at(&["metadata", "namespace"]);
    let Some(info) = kinds::by_kind(api_version, kind) else {
        let body = format!(
            "resource mapping not found for name: {name:?} namespace: {namespace:?} from {:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first",
            ctx.source
        );
        let (pos, hint) = mapping_hint(kind, spans);
        let width = pos.map_or(1, |p| ctx.token_width(p));
        return Some(ctx.diagnostic(body, None, pos, width, hint));
    };
    if name.is_empty() && value.str_at(&["metadata", "generateName"]).is_empty() {
        let ns = if info.namespaced {
            if namespace.is_empty() {
                "default"
            } else {
                namespace
            }
        } else {
            ""
        };
        // GroupVersion prints as "/v1" for the core group.
        let group_version = format!("{}/{}", info.group, info.version);
        let body = format!(
            "error when retrieving current configuration of:\nResource: \"{group_version}, Resource={}\", GroupVersionKind: \"{group_version}, Kind={}\"\nName: \"\", Namespace: \"{ns}\"\nfrom server for: {:?}: resource name may not be empty",
            info.plural,
            info.kind,
            ctx.source
        );
        let pos = spans.key("metadata").or(spans.value(""));
        return Some(ctx.diagnostic(body, None, pos, 1, None));
    }
    strict_decode(ctx, value, spans, info)
}

/// Points at `kind` (or `apiVersion`) and suggests the closest served kind.
fn mapping_hint(kind: &str, spans: &Spans) -> (Option<Pos>, Option<String>) {
    let same_kind_elsewhere = kinds::RESOURCES.iter().find(|r| r.kind == kind);
    if let Some(r) = same_kind_elsewhere {
        let hint = format!("did you mean \"{}\"?", r.api_version());
        return (spans.value("apiVersion"), Some(hint));
    }
    let best = closest(kind, kinds::RESOURCES.iter().map(|r| r.kind));
    (
        spans.value("kind"),
        best.map(|k| format!("did you mean {k:?}?")),
    )
}

/// Levenshtein distance (for did-you-mean).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The API server's strict decoding: the first type error wins, otherwise
/// every unknown field is listed.
fn strict_decode(
    ctx: &Context,
    value: &Value,
    spans: &Spans,
    info: &kinds::ResourceInfo,
) -> Option<Diagnostic> {
    let strict = walk_strict(value, info.kind)?;
    let prefix = format!(
        "error when creating {:?}: {} in version {:?} cannot be handled as a {}: ",
        ctx.source, info.kind, info.version, info.kind
    );
    if let Some((message, path)) = strict.type_error {
        let pos = spans.value(&path);
        let width = pos.map_or(1, |p| ctx.token_width(p));
        return Some(ctx.diagnostic(
            format!("{prefix}{message}"),
            Some("BadRequest"),
            pos,
            width,
            None,
        ));
    }
    let error = strict.unknown_fields_error()?;
    let (first, hint) = &strict.unknown[0];
    let pos = spans.key(first);
    let width = pos.map_or(1, |p| ctx.token_width(p));
    Some(ctx.diagnostic(
        format!("{prefix}{error}"),
        Some("BadRequest"),
        pos,
        width,
        hint.clone(),
    ))
}

/// A hint for a go-yaml syntax error.
fn syntax_hint(message: &str, line: Option<&str>) -> Option<String> {
    if message.contains("found character that cannot start any token")
        && line.is_some_and(|l| l.contains('\t'))
        || message.contains("tab character")
    {
        return Some("YAML indentation must use spaces, not tabs".to_string());
    }
    if message.contains("mapping values are not allowed") {
        return Some(
            "check this line's indentation, or quote a value that contains \": \"".to_string(),
        );
    }
    if message.contains("did not find expected key") {
        return Some("this line is not aligned with the keys above it".to_string());
    }
    if message.contains("did not find expected '-' indicator") {
        return Some("this line is not aligned with the list items above it".to_string());
    }
    if message.contains("did not find expected ',' or ']'") {
        return Some("a `[` list is not closed".to_string());
    }
    if message.contains("found unexpected end of stream") {
        return Some("a quoted string is not closed".to_string());
    }
    None
}

mod strict;

use strict::walk_strict;
pub use strict::{drop_unknown_fields, strict_problem, type_problem};

#[cfg(test)]
mod tests;
