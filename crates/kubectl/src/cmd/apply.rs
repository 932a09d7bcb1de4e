//! `kubectl apply`, `create` and `replace`: reading manifests from the
//! virtual directory or stdin, client-side checks, the last-applied
//! annotation, `created` / `configured` / `unchanged` lines, and error
//! framing with `error when creating "file"`. Mirrors kubectl
//! pkg/cmd/apply/apply.go, pkg/cmd/create/create.go, pkg/cmd/replace/replace.go.

use ordinal_core::ApplyOutcome;
use ordinal_model::apply::with_last_applied;
pub use ordinal_model::apply::LAST_APPLIED;
use ordinal_model::kinds;
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::output;
use super::{client_error, flag_error, format_api_error, namespace_of};
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
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
    let (docs, errors) = decode(session, file, stdin);
    if let Some(e) = errors.first() {
        out.errln(&e.single);
        out.exit_code = 1;
        if docs.is_empty() {
            return None;
        }
    }
    Some(docs)
}

/// One error of an apply: the text printed when it is the only one, and its line among several.
struct ApplyError {
    single: String,
    aggregate: String,
}

impl ApplyError {
    fn client(text: String) -> ApplyError {
        ApplyError {
            single: format!("error: {text}"),
            aggregate: text,
        }
    }
}

fn read_text(session: &Session, file: &str, stdin: Option<&str>) -> Result<String, String> {
    if file == "-" {
        return Ok(stdin.unwrap_or("").to_string());
    }
    session
        .files
        .get(file)
        .cloned()
        .ok_or_else(|| format!("the path \"{file}\" does not exist"))
}

fn decode(session: &Session, file: &str, stdin: Option<&str>) -> (Vec<Value>, Vec<ApplyError>) {
    let text = match read_text(session, file, stdin) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), vec![ApplyError::client(e)]),
    };
    let decoded = ordinal_model::decode::decode_manifest(&text, file);
    let docs = decoded.objects.into_iter().map(|(v, _)| v).collect();
    let errors = decoded
        .errors
        .iter()
        .map(|d| ApplyError {
            single: d.message.clone(),
            aggregate: d.aggregate_line().to_string(),
        })
        .collect();
    (docs, errors)
}

/// The object `kubectl apply` would send for `new` over `live`: the
/// three-way merge with the last-applied manifest stored on `live`.
fn merge_for_apply(live: &Value, new: &Value) -> Value {
    let last_applied = live.str_at(&["metadata", "annotations", LAST_APPLIED]);
    let previous = ordinal_model::json::parse(last_applied).ok();
    ordinal_model::apply::three_way_merge(previous.as_ref(), live, new)
}

/// Client-side apply of an object that exists: the three-way merge of the
/// last-applied manifest, the live object and the new manifest, sent as an update.
fn apply_existing(
    session: &mut Session,
    plural: &str,
    ns: &str,
    live: &Value,
    new: &Value,
) -> Result<&'static str, ordinal_core::ApiError> {
    let merged = merge_for_apply(live, new);
    if &merged == live {
        return Ok("unchanged");
    }
    let updated = session.sim.update(plural, ns, merged)?;
    let same = updated.str_at(&["metadata", "resourceVersion"])
        == live.str_at(&["metadata", "resourceVersion"]);
    Ok(if same { "unchanged" } else { "configured" })
}

fn mode_is_apply(command: &str) -> bool {
    command == "apply"
}

/// Runs `kubectl apply` / `create -f` / `replace -f`.
#[inline(never)]
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
    let (dry_run, format) = match output::send_options(session, &parsed) {
        Ok(options) => options,
        Err(e) => return client_error(&e, out),
    };
    let mut errors: Vec<ApplyError> = Vec::new();
    for file in files {
        let (docs, decode_errors) = decode(session, &file, stdin);
        errors.extend(decode_errors);
        for mut obj in docs {
            let api_version = obj.str_at(&["apiVersion"]).to_string();
            let kind = obj.str_at(&["kind"]).to_string();
            let name = obj.str_at(&["metadata", "name"]).to_string();
            let Some(info) = kinds::by_kind(&api_version, &kind) else {
                let ns = obj.str_at(&["metadata", "namespace"]).to_string();
                errors.push(ApplyError::client(format!("resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{file}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first")));
                continue;
            };
            let obj_ns = obj.str_at(&["metadata", "namespace"]).to_string();
            if info.namespaced
                && !obj_ns.is_empty()
                && parsed.get("namespace").is_some_and(|n| n != obj_ns)
            {
                errors.push(ApplyError::client(format!("the namespace from the provided object \"{obj_ns}\" does not match the namespace \"{namespace}\". You must pass '--namespace={obj_ns}' to perform this operation.")));
                continue;
            }
            let ns = if obj_ns.is_empty() {
                namespace.clone()
            } else {
                obj_ns
            };
            let qualified = info.qualified_singular();
            if info.namespaced {
                obj.set(&["metadata", "namespace"], Value::from(ns.as_str()));
            }
            // `apply`, and `create --save-config`, send the last-applied
            // configuration with the object.
            if mode_is_apply(command) || mode == Mode::Create && parsed.has("save-config") {
                obj = with_last_applied(&obj);
            }
            if dry_run.is_some() {
                let live = session.sim.object(info.plural, &ns, &name);
                let verb = match live {
                    Some(live) if mode_is_apply(command) => {
                        if merge_for_apply(live, &obj) == *live {
                            "unchanged"
                        } else {
                            "configured"
                        }
                    }
                    _ => "created",
                };
                let output = format.as_deref();
                output::print_result(output, dry_run, &qualified, &obj, verb, out);
                continue;
            }
            let result = match mode {
                Mode::Apply => {
                    let existed = session.sim.object(info.plural, &ns, &name).cloned();
                    if let Some(existing) = &existed {
                        if existing
                            .at(&["metadata", "annotations", LAST_APPLIED])
                            .is_none()
                        {
                            out.errln(&format!("Warning: resource {}/{name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.", info.plural));
                        }
                    }
                    match existed {
                        Some(live) => apply_existing(session, info.plural, &ns, &live, &obj),
                        None => {
                            session
                                .sim
                                .apply_object(obj, &ns)
                                .map(|(_, outcome)| match outcome {
                                    ApplyOutcome::Created => "created",
                                    ApplyOutcome::Configured => "configured",
                                    ApplyOutcome::Unchanged => "unchanged",
                                })
                        }
                    }
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
                    let verb = if mode == Mode::Replace {
                        "replacing"
                    } else {
                        "creating"
                    };
                    let reason = e.reason.as_str();
                    let framed = format!(
                        "Error from server ({reason}): error when {verb} \"{file}\": {}",
                        e.message
                    );
                    let single = if e.reason == ordinal_core::Reason::Invalid {
                        format_api_error(&e)
                    } else {
                        framed.clone()
                    };
                    errors.push(ApplyError {
                        single,
                        aggregate: framed,
                    });
                }
            }
        }
    }
    match errors.as_slice() {
        [] => {}
        [only] => {
            out.errln(&only.single);
            out.exit_code = 1;
        }
        several => {
            for e in several {
                out.errln(&e.aggregate);
            }
            out.exit_code = 1;
        }
    }
}

/// Runs `kubectl create`: `-f FILE`, or a generator (`create namespace NAME`).
#[inline(never)]
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
        Some(word) if super::generate::is_generator(word) => {
            super::generate::run(session, args, out)
        }
        _ => run(session, args, stdin, Mode::Create, out),
    }
}
