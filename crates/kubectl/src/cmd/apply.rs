//! `kubectl apply`, `create` and `replace`: reading manifests from the
//! virtual directory or stdin, client-side checks, the last-applied
//! annotation, `created` / `configured` / `unchanged` lines, and error
//! framing with `error when creating "file"`. Mirrors kubectl
//! pkg/cmd/apply/apply.go, pkg/cmd/create/create.go, pkg/cmd/replace/replace.go.

use ordinal_core::ApplyOutcome;
use ordinal_model::kinds;
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{client_error, flag_error, format_api_error, namespace_of};
use crate::shell::Session;
use crate::transcript::CommandOutput;

/// The annotation client-side apply stores the applied manifest in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

const SPECS: &[FlagSpec] = &[
    value("filename", Some('f')),
    value("output", Some('o')),
    value("dry-run", None),
    value("validate", None),
    switch("server-side", None),
    switch("force", None),
    switch("save-config", None),
    switch("recursive", Some('R')),
    value("field-manager", None),
];

/// Which command is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `kubectl apply`.
    Apply,
    /// `kubectl create -f`.
    Create,
    /// `kubectl replace -f`.
    Replace,
}

/// Reads and decodes the manifests of `-f FILE` (`-` = stdin), printing kubectl's errors.
/// Documents before a broken one are returned together with the error text.
pub(crate) fn read_manifests(
    session: &Session,
    file: &str,
    stdin: Option<&str>,
    out: &mut CommandOutput,
) -> Option<Vec<Value>> {
    let (docs, error) = decode(session, file, stdin);
    if let Some(e) = error {
        client_error(&e, out);
        if docs.is_empty() {
            return None;
        }
    }
    Some(docs)
}

fn decode(session: &Session, file: &str, stdin: Option<&str>) -> (Vec<Value>, Option<String>) {
    let text = if file == "-" {
        stdin.unwrap_or("").to_string()
    } else {
        match session.files.get(file) {
            Some(t) => t.clone(),
            None => {
                return (
                    Vec::new(),
                    Some(format!("the path \"{file}\" does not exist")),
                )
            }
        }
    };
    let stream = ordinal_model::yaml::parse_stream(&text);
    let mut docs = Vec::new();
    for doc in stream.docs {
        let v = doc.value;
        let missing: Vec<&str> = ["apiVersion", "kind"]
            .into_iter()
            .filter(|k| v.str_at(&[k]).is_empty())
            .collect();
        if !missing.is_empty() {
            let what = if missing.len() == 1 {
                format!("{} not set", missing[0])
            } else {
                format!(
                    "[{}]",
                    missing
                        .iter()
                        .map(|m| format!("{m} not set"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return (
                docs,
                Some(format!("error validating \"{file}\": error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false")),
            );
        }
        docs.push(v);
    }
    let error = stream.error.map(|e| {
        if e.conversion {
            format!(
                "error parsing {file}: error converting YAML to JSON: {}",
                e.message
            )
        } else {
            format!("error parsing {file}: {}", e.message)
        }
    });
    (docs, error)
}

fn last_applied(obj: &Value) -> String {
    let mut copy = obj.clone();
    copy.remove(&["metadata", "annotations", LAST_APPLIED]);
    if copy
        .at(&["metadata", "annotations"])
        .and_then(Value::as_object)
        .is_some_and(|m| m.is_empty())
    {
        copy.remove(&["metadata", "annotations"]);
    }
    format!("{}\n", ordinal_model::json::to_compact(&copy))
}

/// Runs `kubectl apply` / `create -f` / `replace -f`.
pub fn run(
    session: &mut Session,
    args: &[String],
    stdin: Option<&str>,
    mode: Mode,
    out: &mut CommandOutput,
) {
    let command = match mode {
        Mode::Apply => "apply",
        Mode::Create => "create",
        Mode::Replace => "replace",
    };
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error(command, &e, out),
    };
    let files = parsed.all("filename");
    if files.is_empty() {
        client_error("must specify one of -f and -k", out);
        out.errln("");
        return;
    }
    let namespace = namespace_of(&parsed);
    let dry_run = parsed.get("dry-run").filter(|d| *d != "none");
    let mut errors: Vec<String> = Vec::new();
    for file in files {
        let (docs, parse_error) = decode(session, &file, stdin);
        if let Some(e) = &parse_error {
            if docs.is_empty() && errors.is_empty() {
                return client_error(e, out);
            }
        }
        for mut obj in docs {
            let api_version = obj.str_at(&["apiVersion"]).to_string();
            let kind = obj.str_at(&["kind"]).to_string();
            let name = obj.str_at(&["metadata", "name"]).to_string();
            let Some(info) = kinds::by_kind(&api_version, &kind) else {
                let ns = obj.str_at(&["metadata", "namespace"]).to_string();
                errors.push(format!("resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{file}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first"));
                continue;
            };
            let obj_ns = obj.str_at(&["metadata", "namespace"]).to_string();
            if info.namespaced
                && !obj_ns.is_empty()
                && parsed.get("namespace").is_some_and(|n| n != obj_ns)
            {
                errors.push(format!("the namespace from the provided object \"{obj_ns}\" does not match the namespace \"{namespace}\". You must pass '--namespace={obj_ns}' to perform this operation."));
                continue;
            }
            let ns = if obj_ns.is_empty() {
                namespace.clone()
            } else {
                obj_ns
            };
            let qualified = info.qualified_singular();
            if let Some(mode) = dry_run {
                let suffix = if mode == "server" {
                    " (server dry run)"
                } else {
                    " (dry run)"
                };
                match parsed.get("output") {
                    Some("yaml") => out.out(&ordinal_model::yaml::to_yaml(&obj)),
                    Some("json") => out.outln(&ordinal_model::json::to_pretty(&obj)),
                    _ => out.outln(&format!("{qualified}/{name} created{suffix}")),
                }
                continue;
            }
            let result = match mode {
                Mode::Apply => {
                    let annotation = last_applied(&obj);
                    obj.set(
                        &["metadata", "annotations", LAST_APPLIED],
                        Value::from(annotation),
                    );
                    let existed = session.sim.object(info.plural, &ns, &name).cloned();
                    if let Some(existing) = &existed {
                        if existing
                            .at(&["metadata", "annotations", LAST_APPLIED])
                            .is_none()
                        {
                            out.errln(&format!("Warning: resource {}/{name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.", info.plural));
                        }
                    }
                    session
                        .sim
                        .apply_object(obj, &ns)
                        .map(|(_, outcome)| match outcome {
                            ApplyOutcome::Created => "created",
                            ApplyOutcome::Configured => "configured",
                            ApplyOutcome::Unchanged => "unchanged",
                        })
                }
                Mode::Create => session.sim.create(info.plural, &ns, obj).map(|_| "created"),
                Mode::Replace => session
                    .sim
                    .update(info.plural, &ns, obj)
                    .map(|_| "replaced"),
            };
            match result {
                Ok(verb) => out.outln(&format!("{qualified}/{name} {verb}")),
                Err(e) => {
                    let text = format_api_error(&e);
                    let verb = if mode == Mode::Replace {
                        "replacing"
                    } else {
                        "creating"
                    };
                    let framed = match text
                        .strip_prefix(&format!("Error from server ({}): ", e.reason.as_str()))
                    {
                        Some(message) if e.reason != ordinal_core::Reason::Invalid => format!(
                            "Error from server ({}): error when {verb} \"{file}\": {message}",
                            e.reason.as_str()
                        ),
                        _ => text,
                    };
                    errors.push(framed);
                }
            }
        }
        if let Some(e) = parse_error {
            errors.insert(0, e);
        }
    }
    match errors.len() {
        0 => {}
        1 => {
            let e = &errors[0];
            if e.starts_with("Error from server") || e.starts_with("The ") {
                out.errln(e);
            } else {
                out.errln(&format!("error: {e}"));
            }
            out.exit_code = 1;
        }
        _ => {
            for e in errors {
                out.errln(&e);
            }
            out.exit_code = 1;
        }
    }
}

/// Runs `kubectl create`: `-f FILE`, or `create namespace NAME`.
pub fn create(
    session: &mut Session,
    args: &[String],
    stdin: Option<&str>,
    out: &mut CommandOutput,
) {
    let first = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    match first {
        Some("namespace" | "ns") => {
            let Some(name) = args.iter().filter(|a| !a.starts_with('-')).nth(1) else {
                return client_error("exactly one NAME is required, got 0", out);
            };
            let ns = Value::from([
                ("apiVersion", Value::from("v1")),
                ("kind", Value::from("Namespace")),
                (
                    "metadata",
                    Value::from([("name", Value::from(name.as_str()))]),
                ),
            ]);
            match session.sim.create("namespaces", "", ns) {
                Ok(_) => out.outln(&format!("namespace/{name} created")),
                Err(e) => super::api_error(&e, out),
            }
        }
        _ => run(session, args, stdin, Mode::Create, out),
    }
}
