//! `-o` output formats shared by get, apply, create and scale: table and
//! wide (with `--show-labels`, `-L`, `NAMESPACE`, kind prefixes), `name`,
//! `yaml`, `json`, `jsonpath=`, `custom-columns=` and Go templates
//! (`go-template=`, `template=`, their `-file` forms and `--template`).
//! Mirrors cli-runtime pkg/printers (tableprinter.go, name.go, jsonpath.go,
//! customcolumn.go, template.go) and pkg/genericclioptions
//! (print_flags.go, template_flags.go).

use ordinal_model::Value;

use super::flags::Parsed;
use super::gotemplate;
use crate::printers::{self, PrintContext};
use crate::shell::Session;
use crate::transcript::CommandOutput;

/// What a command that creates or changes an object prints, as cli-runtime's
/// printers do for `kubectl create|run|expose|apply`: with `-o yaml`, `json`
/// or `name` the object (the server's, or under `--dry-run` the one that
/// would be sent), otherwise `KIND/NAME VERB`, with ` (dry run)` or
/// ` (server dry run)` under `--dry-run=client|server`.
/// `apply` holds objects as read from files (unstructured), so `-o json`
/// sorts their keys.
pub fn print_result(
    output: Option<&str>,
    dry_run: Option<&str>,
    qualified: &str,
    obj: &Value,
    verb: &str,
    out: &mut CommandOutput,
) {
    print_object(output, dry_run, (qualified, verb), obj, false, out);
}

/// Like [`print_result`], for an object kubectl holds as its Go type
/// (`create GENERATOR`, `run`, `expose`): `-o json` writes its fields in the
/// Go struct's order.
pub fn print_typed_result(
    output: Option<&str>,
    dry_run: Option<&str>,
    qualified: &str,
    obj: &Value,
    verb: &str,
    out: &mut CommandOutput,
) {
    print_object(output, dry_run, (qualified, verb), obj, true, out);
}

fn print_object(
    output: Option<&str>,
    dry_run: Option<&str>,
    (qualified, verb): (&str, &str),
    obj: &Value,
    typed: bool,
    out: &mut CommandOutput,
) {
    let name = obj.str_at(&["metadata", "name"]);
    match output {
        Some("yaml") => out.out(&ordinal_model::yaml::to_yaml(obj)),
        Some("kyaml") => out.out(&ordinal_model::yaml::to_kyaml(obj)),
        Some("json") if typed => out.out(&ordinal_model::json::to_pretty_typed(obj)),
        Some("json") => out.out(&ordinal_model::json::to_pretty(obj)),
        Some("name") => out.outln(&format!("{qualified}/{name}")),
        Some(f) if is_jsonpath(f) => print_jsonpath(f, obj, out),
        // Resolved by `object_format`: every Go template format, its text
        // (possibly empty, from an empty file).
        Some(f) if f.starts_with("go-template=") => {
            print_template(&f["go-template=".len()..], obj, false, out)
        }
        _ => {
            let suffix = dry_run_suffix(dry_run);
            out.outln(&format!("{qualified}/{name} {verb}{suffix}"));
        }
    }
}

/// What a result line ends with under `--dry-run=client|server`.
pub fn dry_run_suffix(dry_run: Option<&str>) -> &'static str {
    match dry_run {
        Some("server") => " (server dry run)",
        Some(_) => " (dry run)",
        None => "",
    }
}

/// The `--dry-run` mode (cmdutil `GetDryRunStrategy`): `None` for `none`
/// or no flag, kubectl's error for anything but `client` and `server`.
pub fn dry_run(parsed: &super::flags::Parsed) -> Result<Option<&str>, String> {
    match parsed.get("dry-run") {
        None | Some("none") => Ok(None),
        Some(mode @ ("client" | "server")) => Ok(Some(mode)),
        Some(other) => Err(format!(
            "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// The `-o` formats that take a Go template (cli-runtime `templateFormats`).
const TEMPLATE_FORMATS: [&str; 4] = [
    "go-template",
    "go-template-file",
    "template",
    "templatefile",
];

/// The output format with `--template` folded in, as cli-runtime's
/// `PrintFlags.ToPrinter` reads the flags: `--template` alone means
/// `go-template`, and with a template or jsonpath `-o` it is the template.
/// Every Go template format comes back as `go-template=TEXT`, the `-file`
/// forms read from the session's files; the error is kubectl's, reported
/// when something is printed.
pub fn output_format(session: &Session, parsed: &Parsed) -> Result<String, String> {
    let template = parsed.get("template").unwrap_or("");
    let format = match parsed.get("output") {
        Some(f) => f,
        None if !template.is_empty() => "go-template",
        None => "",
    };
    let (name, value) = if template.is_empty() {
        format.split_once('=').unwrap_or((format, ""))
    } else {
        (format, template)
    };
    if TEMPLATE_FORMATS.contains(&name) || name == "jsonpath-file" {
        if value.is_empty() {
            return Err("template format specified but no template given".to_string());
        }
        let printer = if name == "jsonpath-file" {
            "jsonpath"
        } else {
            "go-template"
        };
        if !name.ends_with("file") {
            return Ok(format!("{printer}={value}"));
        }
        return match session.files.get(value) {
            Some(text) => Ok(format!("{printer}={text}")),
            None => Err(format!(
                "error reading --template {value}, open {value}: no such file or directory"
            )),
        };
    }
    if !template.is_empty() && matches!(name, "jsonpath" | "jsonpath-as-json") {
        return Ok(format!("{name}={template}"));
    }
    let inline = format.split_once('=').map_or("", |(n, _)| n);
    if !template.is_empty()
        && (TEMPLATE_FORMATS.contains(&inline) || inline.starts_with("jsonpath"))
    {
        // `-o go-template=A --template=B`: the template printers take
        // `--template` and no longer recognise the `-o` value.
        return Err(no_printer(format));
    }
    Ok(format.to_string())
}

/// Whether `-o FORMAT` names a printer a command that prints the object it
/// sent or got back has (`create`, `run`, `expose`, `apply`, `patch`):
/// cli-runtime's `PrintFlags` without the table printers, checked before
/// anything is sent.
fn check_object_format(format: Option<&str>) -> Result<(), String> {
    let Some(format) = format else {
        return Ok(());
    };
    let (name, value) = format.split_once('=').unwrap_or((format, ""));
    match name {
        "yaml" | "json" | "name" | "kyaml" if value.is_empty() => Ok(()),
        "jsonpath" | "jsonpath-as-json" | "jsonpath-file" | "go-template"
        | "go-template-file" | "template" | "templatefile" => {
            if value.is_empty() {
                Err("template format specified but no template given".to_string())
            } else {
                Ok(())
            }
        }
        _ => Err(format!("unable to match a printer suitable for the output format \"{format}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml")),
    }
}

/// The `-o` format of a command that prints the object it sent or got back,
/// checked ([`check_object_format`]) and resolved ([`output_format`]: the
/// `-file` forms read); `None` without `-o`.
pub fn object_format(session: &Session, parsed: &Parsed) -> Result<Option<String>, String> {
    check_object_format(parsed.get("output"))?;
    output_format(session, parsed).map(|f| (!f.is_empty()).then_some(f))
}

/// `--dry-run` then `-o` ([`dry_run`], [`object_format`]), checked in that
/// order as kubectl's Complete does, for a command that sends an object.
pub fn send_options<'a>(
    session: &Session,
    parsed: &'a Parsed,
) -> Result<(Option<&'a str>, Option<String>), String> {
    Ok((dry_run(parsed)?, object_format(session, parsed)?))
}

/// kubectl's error for an `-o` value no printer takes.
pub fn no_printer(format: &str) -> String {
    format!("unable to match a printer suitable for the output format \"{format}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml")
}

/// Prints `document` through a Go template, as `GoTemplatePrinter.PrintObj`
/// does: a parse error alone, or on an execution error the output so far,
/// the debugging dump and the error.
pub fn print_template(source: &str, document: &Value, strict_keys: bool, out: &mut CommandOutput) {
    let template = match gotemplate::parse(source) {
        Ok(t) => t,
        Err(e) => {
            return super::client_error(&format!("error parsing template {source}, {e}"), out)
        }
    };
    match template.execute(document, strict_keys) {
        Ok(text) => out.out(&text),
        Err((partial, error)) => {
            let (dump, message) = gotemplate::failure(source, document, &partial, &error);
            out.out(&dump);
            super::client_error(&message, out);
        }
    }
}

/// Most items a `{range}` in a jsonpath template may visit.
const MAX_JSONPATH_ITEMS: usize = 10_000;

/// How `kubectl get` should print.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// `-o wide`.
    pub wide: bool,
    /// Prefix names with `kind/` (several kinds requested).
    pub with_kind: bool,
    /// Add a NAMESPACE column (`-A`).
    pub with_namespace: bool,
    /// `--show-labels`.
    pub show_labels: bool,
    /// `-L key` columns.
    pub label_columns: Vec<String>,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `--allow-missing-template-keys=false`: a missing key fails a Go template.
    pub strict_template_keys: bool,
}

/// The header cells of a kind's table under these options.
pub fn header(kind: &str, opts: &TableOptions) -> Vec<String> {
    let def = printers::table_for(kind);
    let mut cells: Vec<String> = Vec::new();
    if opts.with_namespace {
        cells.push("NAMESPACE".to_string());
    }
    for c in def.columns.iter().filter(|c| c.priority == 0 || opts.wide) {
        cells.push(c.name.to_uppercase());
    }
    for key in &opts.label_columns {
        let short = key.rsplit('/').next().unwrap_or(key);
        cells.push(short.to_uppercase());
    }
    if opts.show_labels {
        cells.push("LABELS".to_string());
    }
    cells
}

/// One object's row cells under these options.
pub fn row(
    obj: &Value,
    qualified_kind: &str,
    opts: &TableOptions,
    ctx: &PrintContext,
) -> Vec<String> {
    let kind = obj.str_at(&["kind"]);
    let def = printers::table_for(kind);
    let all = (def.row)(obj, ctx);
    let mut cells = Vec::new();
    if opts.with_namespace {
        cells.push(printers::namespace(obj).to_string());
    }
    for (i, (cell, column)) in all.into_iter().zip(def.columns).enumerate() {
        if column.priority > 0 && !opts.wide {
            continue;
        }
        if i == 0 && opts.with_kind && column.name == "Name" {
            cells.push(format!("{qualified_kind}/{cell}"));
        } else {
            cells.push(cell);
        }
    }
    let labels = obj.at(&["metadata", "labels"]);
    for key in &opts.label_columns {
        cells.push(
            labels
                .and_then(|l| l.get(key))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        );
    }
    if opts.show_labels {
        cells.push(printers::format_labels(labels));
    }
    cells
}

/// Joins cells with tabs and a trailing newline, ready for the tabwriter.
pub fn tab_line(cells: &[String]) -> String {
    let mut line = cells.join("\t");
    line.push('\n');
    line
}

/// A `kind: List` wrapping `items`, as kubectl prints several objects in yaml/json.
pub fn list_of(items: Vec<Value>) -> Value {
    Value::from([
        ("apiVersion", Value::from("v1")),
        ("items", Value::Array(items)),
        ("kind", Value::from("List")),
        (
            "metadata",
            Value::from([("resourceVersion", Value::from(""))]),
        ),
    ])
}

/// A value as jsonpath prints it: strings raw, everything else as JSON.
fn jsonpath_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => ordinal_model::json::to_compact(other),
    }
}

/// Evaluates a jsonpath field expression (`.items[*].metadata.name`, `.spec.replicas`) on `root`.
pub fn select<'a>(root: &'a Value, expr: &str) -> Result<Vec<&'a Value>, String> {
    let mut current: Vec<&Value> = vec![root];
    let expr = expr.trim();
    let expr = expr.strip_prefix('$').unwrap_or(expr);
    let mut rest = expr;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            // A backslash escapes the next character (`kubernetes\.io/name`)
            // and is dropped from the field name (parser.go `parseField`).
            let mut end = r.len();
            let mut escaped = false;
            for (i, c) in r.char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '.' | '[' => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let key = r[..end].replace('\\', "");
            rest = &r[end..];
            if key.is_empty() {
                continue;
            }
            current = current.into_iter().filter_map(|v| v.get(&key)).collect();
        } else if let Some(r) = rest.strip_prefix("[?(") {
            let end = r
                .find(")]")
                .ok_or_else(|| format!("unterminated filter in {expr}"))?;
            let filter = Filter::parse(&r[..end])?;
            rest = &r[end + 2..];
            let mut next = Vec::new();
            for v in current {
                let items: Vec<&Value> = match v {
                    Value::Array(items) => items.iter().collect(),
                    Value::Object(map) => map.values().collect(),
                    _ => continue,
                };
                for item in items {
                    if filter.matches(item)? {
                        next.push(item);
                    }
                }
            }
            current = next;
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r
                .find(']')
                .ok_or_else(|| format!("unterminated array notation in {expr}"))?;
            let index = &r[..end];
            rest = &r[end + 1..];
            let mut next = Vec::new();
            for v in current {
                if let Some(key) = index.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')) {
                    next.extend(v.get(key));
                    continue;
                }
                let Some(items) = v.as_array() else { continue };
                if index == "*" {
                    next.extend(items.iter());
                } else if let Ok(i) = index.parse::<i64>() {
                    let i = if i < 0 { items.len() as i64 + i } else { i };
                    if let Some(item) = usize::try_from(i).ok().and_then(|i| items.get(i)) {
                        next.push(item);
                    } else {
                        return Err("array index out of bounds".to_string());
                    }
                }
            }
            current = next;
        } else {
            return Err(format!("unrecognized character in action: {rest}"));
        }
    }
    Ok(current)
}

/// A jsonpath filter, `?(@.type=="Ready")` or `?(@.status)` (client-go
/// util/jsonpath `evalFilter`): the left side relative to each element, an
/// operator and a quoted or numeric literal, or a bare path that must exist.
struct Filter<'a> {
    path: &'a str,
    test: Option<(&'a str, Value)>,
}

impl<'a> Filter<'a> {
    fn parse(text: &'a str) -> Result<Filter<'a>, String> {
        const OPERATORS: [&str; 6] = ["==", "!=", "<=", ">=", "<", ">"];
        let text = text.trim();
        let found = OPERATORS
            .iter()
            .filter_map(|op| text.find(op).map(|at| (at, *op)))
            .min_by_key(|(at, op)| (*at, std::cmp::Reverse(op.len())));
        let Some((at, op)) = found else {
            let path = text
                .strip_prefix('@')
                .ok_or_else(|| format!("unrecognized character in action: {text}"))?;
            return Ok(Filter { path, test: None });
        };
        let left = text[..at].trim();
        let right = text[at + op.len()..].trim();
        let path = left
            .strip_prefix('@')
            .ok_or_else(|| format!("unrecognized character in action: {left}"))?;
        let literal = match right.as_bytes().first() {
            Some(b'"') | Some(b'\'') if right.len() >= 2 => Value::from(&right[1..right.len() - 1]),
            _ => match right.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => right
                    .parse::<f64>()
                    .map(Value::Float)
                    .map_err(|_| format!("unrecognized character in action: {right}"))?,
            },
        };
        Ok(Filter {
            path,
            test: Some((op, literal)),
        })
    }

    fn matches(&self, item: &Value) -> Result<bool, String> {
        let found = select(item, self.path)?;
        let Some((op, literal)) = &self.test else {
            return Ok(!found.is_empty());
        };
        let number = |v: &Value| match v {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        };
        Ok(found.iter().any(|v| {
            let order = match (number(v), number(literal)) {
                (Some(a), Some(b)) => a.partial_cmp(&b),
                _ => Some(
                    jsonpath_text(v)
                        .as_str()
                        .cmp(jsonpath_text(literal).as_str()),
                ),
            };
            match *op {
                "==" => order == Some(std::cmp::Ordering::Equal),
                "!=" => order != Some(std::cmp::Ordering::Equal),
                "<" => order == Some(std::cmp::Ordering::Less),
                ">" => order == Some(std::cmp::Ordering::Greater),
                "<=" => matches!(
                    order,
                    Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
                ),
                _ => matches!(
                    order,
                    Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
                ),
            }
        }))
    }
}

/// Renders a kubectl jsonpath template (`{.items[*].metadata.name}`, `{range}`…`{end}`, `{"\n"}`).
pub fn jsonpath(template: &str, root: &Value) -> Result<String, String> {
    render_jsonpath(template, root, false)
}

/// Whether `-o FORMAT` is `jsonpath=T` or `jsonpath-as-json=T` (every
/// node's results as an indented JSON array, one array per node, text nodes
/// too, as client-go's JSONPath with `EnableJSONOutput` prints them).
pub fn is_jsonpath(format: &str) -> bool {
    format.starts_with("jsonpath=") || format.starts_with("jsonpath-as-json=")
}

/// Prints `root` through `-o jsonpath=T` or `-o jsonpath-as-json=T`, or
/// kubectl's error for the template.
pub fn print_jsonpath(format: &str, root: &Value, out: &mut CommandOutput) {
    let (name, template) = format.split_once('=').unwrap_or((format, ""));
    let printed = render_jsonpath(template, root, name == "jsonpath-as-json");
    match printed {
        Ok(text) => out.out(&text),
        Err(e) => super::client_error(&format!("error executing jsonpath {template:?}: {e}"), out),
    }
}

fn render_jsonpath(template: &str, root: &Value, json: bool) -> Result<String, String> {
    let template = template.trim_matches('\'');
    let mut out = String::new();
    let parts = split_template(template)?;
    render_parts(&parts, root, json, &mut out)?;
    Ok(out)
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Expr(String),
    Range(String, Vec<Part>),
}

fn split_template(template: &str) -> Result<Vec<Part>, String> {
    let mut stack: Vec<(String, Vec<Part>)> = vec![(String::new(), Vec::new())];
    let mut rest = template;
    while !rest.is_empty() {
        let Some(open) = rest.find('{') else {
            if let Some(s) = stack.last_mut() {
                s.1.push(Part::Text(rest.to_string()));
            }
            break;
        };
        if open > 0 {
            if let Some(s) = stack.last_mut() {
                s.1.push(Part::Text(rest[..open].to_string()));
            }
        }
        let close = rest[open..].find('}').ok_or("unclosed action")? + open;
        let inner = rest[open + 1..close].trim();
        rest = &rest[close + 1..];
        if let Some(expr) = inner.strip_prefix("range ") {
            stack.push((expr.to_string(), Vec::new()));
        } else if inner == "end" {
            let (expr, body) = stack.pop().ok_or("not in range, nothing to end")?;
            stack
                .last_mut()
                .ok_or("not in range, nothing to end")?
                .1
                .push(Part::Range(expr, body));
        } else if let Some(lit) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            let text = lit.replace("\\n", "\n").replace("\\t", "\t");
            if let Some(s) = stack.last_mut() {
                s.1.push(Part::Text(text));
            }
        } else if let Some(s) = stack.last_mut() {
            s.1.push(Part::Expr(inner.to_string()));
        }
    }
    if stack.len() != 1 {
        return Err("unclosed range".to_string());
    }
    Ok(stack.pop().map(|s| s.1).unwrap_or_default())
}

fn render_parts(parts: &[Part], root: &Value, json: bool, out: &mut String) -> Result<(), String> {
    let array = |items: Vec<Value>| ordinal_model::json::to_pretty(&Value::Array(items));
    for part in parts {
        match part {
            Part::Text(t) if json => out.push_str(&array(vec![Value::from(t.as_str())])),
            Part::Text(t) => out.push_str(t),
            Part::Expr(e) => {
                let values = select(root, e)?;
                if json {
                    out.push_str(&array(values.into_iter().cloned().collect()));
                } else {
                    let texts: Vec<String> = values.iter().map(|v| jsonpath_text(v)).collect();
                    out.push_str(&texts.join(" "));
                }
            }
            Part::Range(e, body) => {
                for item in select(root, e)?.into_iter().take(MAX_JSONPATH_ITEMS) {
                    render_parts(body, item, json, out)?;
                }
            }
        }
    }
    Ok(())
}

/// Parses `custom-columns=NAME:.metadata.name,IP:.status.podIP` specs.
pub fn custom_columns(spec: &str) -> Result<Vec<(String, String)>, String> {
    spec.split(',')
        .map(|c| {
            c.split_once(':')
                .map(|(h, p)| (h.to_string(), p.to_string()))
                .ok_or_else(|| {
                    format!(
                        "unexpected custom-columns spec: {c}, expected <header>:<json-path-expr>"
                    )
                })
        })
        .collect()
}

/// One custom-columns row: each path's values joined by `,`, `<none>` when missing.
pub fn custom_row(obj: &Value, columns: &[(String, String)]) -> Vec<String> {
    columns
        .iter()
        .map(|(_, path)| {
            let path = path.trim_start_matches('{').trim_end_matches('}');
            let values = select(obj, path).unwrap_or_default();
            let texts: Vec<String> = values
                .iter()
                .map(|v| jsonpath_text(v))
                .filter(|t| !t.is_empty())
                .collect();
            if texts.is_empty() {
                "<none>".to_string()
            } else {
                texts.join(",")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pods() -> Value {
        let pod = |n: &str| Value::from([("metadata", Value::from([("name", Value::from(n))]))]);
        list_of(vec![pod("web-0"), pod("web-1")])
    }

    #[test]
    fn jsonpath_lists_and_ranges() {
        assert_eq!(
            jsonpath("{.items[*].metadata.name}", &pods()).unwrap(),
            "web-0 web-1"
        );
        assert_eq!(
            jsonpath("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &pods()).unwrap(),
            "web-0\nweb-1\n"
        );
        assert_eq!(
            jsonpath("{.items[1].metadata.name}", &pods()).unwrap(),
            "web-1"
        );
    }

    #[test]
    fn jsonpath_field_names_escape_dots() {
        let mut pod = Value::object();
        pod.set(
            &["metadata", "annotations", "kubernetes.io/config.source"],
            Value::from("file"),
        );
        let path = "{.metadata.annotations.kubernetes\\.io/config\\.source}";
        assert_eq!(jsonpath(path, &pod).unwrap(), "file");
    }

    #[test]
    fn custom_columns_print_none_for_missing_fields() {
        let cols = custom_columns("NAME:.metadata.name,IP:.status.podIP").unwrap();
        let items = pods();
        let first = &items.array_at(&["items"])[0];
        assert_eq!(custom_row(first, &cols), ["web-0", "<none>"]);
    }
}
