//! `kubectl get`: lists and single objects in every output format, label and
//! field selection, all namespaces, `get all`, and watch mode (`-w`,
//! `--watch-only`, `--output-watch-events`). Mirrors kubectl pkg/cmd/get/get.go.

use ordinal_core::apiserver::watch::{WatchEventKind, WatchId};
use ordinal_model::kinds::ResourceInfo;
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::output::{self, TableOptions};
use super::{api_error, client_error, flag_error, namespace_of, resolve, watch, Selectors};
use crate::printers::PrintContext;
use crate::shell::Session;
use crate::tabwriter::{TabWriter, KUBECTL_TABLE};
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
    value("output", Some('o')),
    value("selector", Some('l')),
    switch("watch", Some('w')),
    switch("watch-only", None),
    switch("all-namespaces", Some('A')),
    switch("show-labels", None),
    value("label-columns", Some('L')),
    value("sort-by", None),
    switch("no-headers", None),
    switch("output-watch-events", None),
    switch("show-kind", None),
    value("filename", Some('f')),
    value("field-selector", None),
    value("chunk-size", None),
    switch("ignore-not-found", None),
    value("template", None),
    switch("allow-missing-template-keys", None),
];

/// The kinds `kubectl get all` lists, in kubectl's order.
const ALL: &[&str] = &[
    "pods",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
];

const NO_TYPE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n";

/// One requested resource type and the names asked for (empty = list).
struct Request {
    info: &'static ResourceInfo,
    names: Vec<String>,
    /// The namespace of each name when they come from manifests (`-f`);
    /// empty otherwise.
    namespaces: Vec<String>,
}

fn requests(args: &[String], out: &mut CommandOutput) -> Option<Vec<Request>> {
    let mut requests: Vec<Request> = Vec::new();
    if args.iter().any(|a| a.contains('/')) {
        for arg in args {
            let Some((kind, name)) = arg.split_once('/') else {
                client_error("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'", out);
                return None;
            };
            let info = resolve(kind, out)?;
            match requests.iter_mut().find(|r| r.info.kind == info.kind) {
                Some(r) => r.names.push(name.to_string()),
                None => requests.push(Request {
                    info,
                    names: vec![name.to_string()],
                    namespaces: Vec::new(),
                }),
            }
        }
        return Some(requests);
    }
    let types: Vec<&str> = args[0].split(',').filter(|t| !t.is_empty()).collect();
    for t in types {
        if t == "all" {
            for plural in ALL {
                if let Some(info) = ordinal_model::kinds::by_name(plural) {
                    requests.push(Request {
                        info,
                        names: Vec::new(),
                        namespaces: Vec::new(),
                    });
                }
            }
            continue;
        }
        let info = resolve(t, out)?;
        requests.push(Request {
            info,
            names: args[1..].to_vec(),
            namespaces: Vec::new(),
        });
    }
    Some(requests)
}

/// The objects of `-f` manifests as requests: one per run of objects of
/// one kind, in file order (a table each).
fn file_requests(targets: Vec<super::Target>) -> Vec<Request> {
    let mut requests: Vec<Request> = Vec::new();
    for (info, ns, name) in targets {
        match requests.last_mut() {
            Some(last) if last.info.kind == info.kind => {
                last.names.push(name);
                last.namespaces.push(ns);
            }
            _ => requests.push(Request {
                info,
                names: vec![name],
                namespaces: vec![ns],
            }),
        }
    }
    requests
}

/// Runs `kubectl get`.
#[inline(never)]
pub fn run(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("get", &e, out),
    };
    let namespace = namespace_of(&parsed);
    let selectors = Selectors::of(&parsed);
    let requests = match parsed.get("filename") {
        Some(file) => {
            let Some(targets) = super::file_targets(session, file, None, &namespace, out) else {
                return;
            };
            file_requests(targets)
        }
        None if parsed.args.is_empty() => {
            out.err(NO_TYPE);
            out.exit_code = 1;
            return;
        }
        None => {
            if let Some(conflict) = selectors.conflict(&parsed.args) {
                return client_error(conflict, out);
            }
            let Some(requests) = requests(&parsed.args, out) else {
                return;
            };
            requests
        }
    };
    if requests.iter().any(|r| r.info.kind == "Endpoints") {
        super::warn_if_endpoints("Endpoints", out);
    }
    let all_namespaces = parsed.has("all-namespaces");
    let printer = output::output_format(session, &parsed);
    let format = printer.clone().unwrap_or_default();
    let mut opts = TableOptions {
        wide: format == "wide",
        with_kind: parsed.has("show-kind"),
        with_namespace: all_namespaces,
        show_labels: parsed.has("show-labels"),
        label_columns: parsed.all("label-columns"),
        no_headers: parsed.has("no-headers"),
        strict_template_keys: parsed.get("allow-missing-template-keys") == Some("false"),
    };
    if parsed.has("watch") || parsed.has("watch-only") {
        let Some(request) = requests.first() else {
            return;
        };
        return watch_objects(
            session,
            request.info,
            &request.names,
            &namespace,
            all_namespaces,
            &selectors,
            &parsed,
            &opts,
            out,
        );
    }
    let mut groups: Vec<(&'static ResourceInfo, Vec<Value>)> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let single_named = requests.len() == 1 && requests[0].names.len() == 1;
    for request in &requests {
        let list_ns = if all_namespaces {
            None
        } else {
            Some(namespace.as_str())
        };
        let mut objects = Vec::new();
        if request.names.is_empty() {
            match session.sim.list(
                request.info.plural,
                list_ns,
                &selectors.labels,
                &selectors.fields,
            ) {
                Ok(items) => objects.extend(items),
                Err(e) => errors.push(super::format_api_error(
                    &selectors.list_error(request.info, e),
                )),
            }
        } else {
            for (i, name) in request.names.iter().enumerate() {
                let ns = request.namespaces.get(i).unwrap_or(&namespace);
                match session.sim.get(request.info.plural, ns, name) {
                    Ok(obj) => objects.push(obj),
                    Err(e) if parsed.has("ignore-not-found") && e.code == 404 => {}
                    Err(e) => errors.push(super::format_api_error(&e)),
                }
            }
        }
        // The server's Tables (the human-readable formats) are sorted one
        // by one; kubectl v1.36 prints a Table none of whose rows has the
        // field as if nothing were found (exit 0).
        let table = format.is_empty() || format == "wide";
        if let Some(path) = parsed.get("sort-by").filter(|_| table && objects.len() > 1) {
            if sort_by(&mut objects, path, |o| o).is_err() {
                objects.clear();
            }
        }
        groups.push((request.info, objects));
    }
    // Objects (the other formats) are sorted all together, kinds mixed.
    let table = format.is_empty() || format == "wide";
    let found: usize = groups.iter().map(|(_, o)| o.len()).sum();
    if let Some(path) = parsed.get("sort-by").filter(|_| !table && found > 1) {
        let mut all: Vec<(&'static ResourceInfo, Value)> = groups
            .drain(..)
            .flat_map(|(info, objects)| objects.into_iter().map(move |o| (info, o)))
            .collect();
        if let Err(e) = sort_by(&mut all, path, |(_, o)| o) {
            return client_error(&e, out);
        }
        // Consecutive objects of one kind make one group, in the new order.
        for (info, obj) in all {
            match groups.last_mut() {
                Some((last, objects)) if std::ptr::eq(*last, info) => objects.push(obj),
                _ => groups.push((info, vec![obj])),
            }
        }
    }
    let total: usize = groups.iter().map(|(_, o)| o.len()).sum();
    // Rows name their kind when the objects found are of several kinds
    // (`multipleGVKsRequested` over the results, not the request).
    let mut kinds_found = groups
        .iter()
        .filter(|(_, o)| !o.is_empty())
        .map(|(i, _)| i.kind);
    if let Some(first) = kinds_found.next() {
        opts.with_kind |= kinds_found.any(|k| k != first);
    }
    let ctx = PrintContext {
        now_ms: session.sim.now(),
    };
    // Only the human-readable printer reports an empty result; the others
    // print the empty List, and nothing at all when every lookup failed.
    if total == 0
        && errors.is_empty()
        && !parsed.has("ignore-not-found")
        && (format.is_empty() || format == "wide")
    {
        let namespaced = groups.iter().any(|(i, _)| i.namespaced);
        if all_namespaces || !namespaced {
            out.errln("No resources found");
        } else {
            out.errln(&format!("No resources found in {namespace} namespace."));
        }
    } else if total > 0 || errors.is_empty() || !single_named {
        // A single named object that could not be fetched prints nothing;
        // anything else prints its (possibly empty) List (get.go's
        // singleItemImplied).
        match printer {
            Ok(format) => print_groups(&groups, &format, &opts, single_named, &ctx, out),
            Err(e) => client_error(&e, out),
        }
    }
    for e in errors {
        out.errln(&e);
        out.exit_code = 1;
    }
}

/// `--sort-by`: kubectl's `RuntimeSort` under Go's `sort.Sort` (ties fall
/// as they do in kubectl), an object without the field less than any other,
/// numbers by value and everything else as text (kubectl sorts the
/// unstructured objects it decoded).
fn sort_by<T>(items: &mut [T], path: &str, object: impl Fn(&T) -> &Value) -> Result<(), String> {
    let path = path
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_string();
    let first = |item: &T| {
        output::select(object(item), &path)
            .ok()
            .and_then(|v| v.first().map(|x| (*x).clone()))
    };
    if !items.is_empty() && items.iter().all(|o| first(o).is_none()) {
        return Err(format!(
            "couldn't find any field with path \"{{{path}}}\" in the list of objects"
        ));
    }
    ordinal_model::order::go_sort_by(items, |a, b| match (first(a), first(b)) {
        (None, _) => true,
        (_, None) => false,
        (Some(Value::Int(x)), Some(Value::Int(y))) => x < y,
        (Some(Value::Float(x)), Some(Value::Float(y))) => x < y,
        (Some(x), Some(y)) => jsonish(&x) < jsonish(&y),
    });
    Ok(())
}

fn jsonish(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => ordinal_model::json::to_compact(other),
    }
}

/// Prints objects grouped by kind in the requested format.
pub(crate) fn print_groups(
    groups: &[(&'static ResourceInfo, Vec<Value>)],
    format: &str,
    opts: &TableOptions,
    single_named: bool,
    ctx: &PrintContext,
    out: &mut CommandOutput,
) {
    let all: Vec<Value> = groups
        .iter()
        .flat_map(|(_, objs)| objs.iter().cloned())
        .collect();
    let document = if single_named && all.len() == 1 {
        all[0].clone()
    } else {
        output::list_of(all.clone())
    };
    match format {
        "" | "wide" => {
            let mut first = true;
            for (info, objects) in groups.iter().filter(|(_, o)| !o.is_empty()) {
                if !first {
                    out.out("\n");
                }
                first = false;
                let kind = info.kind;
                let mut text = String::new();
                if !opts.no_headers {
                    text.push_str(&output::tab_line(&output::header(kind, opts)));
                }
                for obj in objects {
                    text.push_str(&output::tab_line(&output::row(
                        obj,
                        &info.qualified_singular(),
                        opts,
                        ctx,
                    )));
                }
                out.out(&TabWriter::new(KUBECTL_TABLE).format(&text));
            }
        }
        "name" => {
            for (info, objects) in groups {
                for obj in objects {
                    out.outln(&super::kind_slash_name(info, crate::printers::name(obj)));
                }
            }
        }
        "yaml" => out.out(&ordinal_model::yaml::to_yaml(&document)),
        "kyaml" => out.out(&ordinal_model::yaml::to_kyaml(&document)),
        "json" => {
            out.out(&ordinal_model::json::to_pretty(&document));
            out.out("\n");
        }
        f if output::is_jsonpath(f) => output::print_jsonpath(f, &document, out),
        f if f.starts_with("go-template=") => output::print_template(
            &f["go-template=".len()..],
            &document,
            opts.strict_template_keys,
            out,
        ),
        f if f.starts_with("custom-columns=") => {
            let spec = &f["custom-columns=".len()..];
            match output::custom_columns(spec) {
                Ok(columns) => {
                    let mut text = String::new();
                    if !opts.no_headers {
                        let header: Vec<String> = columns.iter().map(|(h, _)| h.clone()).collect();
                        text.push_str(&output::tab_line(&header));
                    }
                    for obj in &all {
                        text.push_str(&output::tab_line(&output::custom_row(obj, &columns)));
                    }
                    out.out(&TabWriter::new(KUBECTL_TABLE).format(&text));
                }
                Err(e) => client_error(&e, out),
            }
        }
        other => client_error(&output::no_printer(other), out),
    }
}

/// A `kubectl get -w` in progress: its watch, which objects it shows, and
/// the table writer whose column widths only grow. A terminal that keeps
/// running while time passes (the web page) holds one in the session and
/// polls it; elsewhere [`watch_objects`] drives it to the end at once.
#[derive(Debug, Clone)]
pub struct GetWatch {
    id: WatchId,
    info: &'static ResourceInfo,
    names: Vec<String>,
    opts: TableOptions,
    events_column: bool,
    writer: TabWriter,
    header_printed: bool,
}

impl GetWatch {
    fn wanted(&self, obj: &Value) -> bool {
        self.names.is_empty() || self.names.iter().any(|n| n == crate::printers::name(obj))
    }

    fn print(&mut self, out: &mut CommandOutput, obj: &Value, event: &str, now: u64) {
        let ctx = PrintContext { now_ms: now };
        let mut text = String::new();
        if !self.header_printed && !self.opts.no_headers {
            let mut header = output::header(self.info.kind, &self.opts);
            if self.events_column {
                header.insert(0, "EVENT".to_string());
            }
            text.push_str(&output::tab_line(&header));
        }
        self.header_printed = true;
        let mut cells = output::row(obj, &self.info.qualified_singular(), &self.opts, &ctx);
        if self.events_column {
            cells.insert(0, format!("{event:<8}"));
        }
        text.push_str(&output::tab_line(&cells));
        out.out(&self.writer.format(&text));
    }

    /// Prints a line for every change the watch saw since the last poll.
    pub fn poll(&mut self, session: &mut Session, out: &mut CommandOutput) {
        for event in session.sim.take_watch_events(self.id) {
            if !self.wanted(&event.object) {
                continue;
            }
            let name = match event.kind {
                WatchEventKind::Added => "ADDED",
                WatchEventKind::Modified => "MODIFIED",
                WatchEventKind::Deleted => "DELETED",
            };
            self.print(out, &event.object, name, event.at);
        }
    }

    /// Ends the watch.
    pub fn stop(self, session: &mut Session) {
        session.sim.unwatch(self.id);
    }
}

#[allow(clippy::too_many_arguments)]
fn watch_objects(
    session: &mut Session,
    info: &'static ResourceInfo,
    names: &[String],
    namespace: &str,
    all_namespaces: bool,
    selectors: &Selectors,
    parsed: &flags::Parsed,
    opts: &TableOptions,
    out: &mut CommandOutput,
) {
    let list_ns = if all_namespaces {
        None
    } else {
        Some(namespace)
    };
    let id = match session
        .sim
        .watch(info.plural, list_ns, &selectors.labels, &selectors.fields)
    {
        Ok(id) => id,
        Err(e) => return api_error(&selectors.list_error(info, e), out),
    };
    for name in names {
        if let Err(e) = session.sim.get(info.plural, namespace, name) {
            session.sim.unwatch(id);
            return api_error(&e, out);
        }
    }
    let mut stream = GetWatch {
        id,
        info,
        names: names.to_vec(),
        opts: TableOptions {
            with_kind: false,
            ..opts.clone()
        },
        events_column: parsed.has("output-watch-events"),
        writer: TabWriter::new(KUBECTL_TABLE),
        header_printed: false,
    };
    if !parsed.has("watch-only") {
        let now = session.sim.now();
        match session
            .sim
            .list(info.plural, list_ns, &selectors.labels, &selectors.fields)
        {
            Ok(items) => {
                for obj in &items {
                    if stream.wanted(obj) {
                        stream.print(out, obj, "ADDED", now);
                    }
                }
            }
            Err(e) => {
                stream.stop(session);
                return api_error(&selectors.list_error(info, e), out);
            }
        }
    }
    session.sim.take_watch_events(id);
    let Some(mut stream) = session.keep_streaming(stream) else {
        return;
    };
    let started = session.sim.now();
    while watch::step(session, started) {
        stream.poll(session, out);
    }
    stream.stop(session);
}
