//! kubectl's command tree: dispatch, resource-name resolution, and the way
//! kubectl frames errors (`cmdutil.CheckErr` in kubectl pkg/cmd/util/helpers.go
//! and cobra's unknown-command text with `Did you mean this?`).

mod apply;
mod attach;
mod delete;
mod describe;
mod diff;
mod drain;
pub mod edit;
mod events;
mod exec;
mod explain;
mod expose;
pub mod flags;
mod generate;
pub(crate) mod get;
mod gotemplate;
mod misc;
pub use misc::{ADMIN_GROUPS, ADMIN_USER};
mod node;
mod output;
mod rollout;
mod run_generator;
mod set;
mod wait;
pub mod watch;

pub use apply::LAST_APPLIED;
pub use exec::{
    container_first, container_not_running, pod_log, remove_run_pod, tail_lines, LogFollow,
    RunAttach,
};

use ordinal_core::error::{ApiError, Reason};
use ordinal_model::kinds::{self, ResourceInfo};
use ordinal_model::Value;

use crate::shell::Session;
use crate::transcript::CommandOutput;

/// Prints `kubectl WORDS... --help` from the session's docs; false when
/// `words` name no command there.
#[inline(never)]
fn print_help(session: &Session, words: &[&str], out: &mut CommandOutput) -> bool {
    let Some(docs) = session.docs() else {
        client_error(crate::docs::NOT_LOADED, out);
        return true;
    };
    docs.help(words).map(|text| out.out(text)).is_some()
}

/// kubectl's top-level commands in registration order (cobra suggests in this order).
const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "alpha",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
    "options",
];

/// Runs `kubectl ARGS` in the session. Every command's function is
/// `#[inline(never)]`: in the browser, V8 compiles a wasm function whole on
/// its first call, and this dispatcher with all commands inlined (about
/// 130 KB) would be compiled in full by the page's first `kubectl apply`.
pub fn run(session: &mut Session, args: &[String], stdin: Option<&str>) -> CommandOutput {
    let mut out = CommandOutput::default();
    let Some(position) = command_position(args) else {
        print_help(session, &[], &mut out);
        return out;
    };
    let command = args[position].as_str();
    let before_dash_dash = args.iter().take_while(|a| a.as_str() != "--");
    let wants_help = before_dash_dash.clone().any(|a| a == "--help" || a == "-h");
    if command == "options" {
        // Its `--help` prints nothing, as kubectl v1.36.3's does.
        if !wants_help {
            print_help(session, &["options"], &mut out);
        }
        return out;
    }
    if command == "help" {
        help_command(session, &args[position + 1..], wants_help, &mut out);
        return out;
    }
    if wants_help && COMMANDS.contains(&command) {
        // cobra finds the deepest subcommand; the remaining words are arguments.
        let words: Vec<&str> = before_dash_dash
            .skip(position)
            .filter(|a| !a.starts_with('-'))
            .map(String::as_str)
            .collect();
        if print_help(session, &words, &mut out) {
            return out;
        }
    }
    let rest: Vec<String> = args[..position]
        .iter()
        .chain(&args[position + 1..])
        .cloned()
        .collect();
    if !session.sim.api_server_up()
        && COMMANDS.contains(&command)
        && misc::refuse_without_server(session, command, &rest, &mut out)
    {
        return out;
    }
    match command {
        "get" => get::run(session, &rest, &mut out),
        "describe" => describe::run(session, &rest, &mut out),
        "apply" => apply::run(session, &rest, stdin, apply::Mode::Apply, &mut out),
        "create" => apply::create(session, &rest, stdin, &mut out),
        "replace" => apply::run(session, &rest, stdin, apply::Mode::Replace, &mut out),
        "delete" => delete::run(session, &rest, stdin, &mut out),
        "scale" => misc::scale(session, &rest, &mut out),
        "rollout" => rollout::run(session, &rest, &mut out),
        "exec" => exec::exec(session, &rest, &mut out),
        "run" => exec::run_pod(session, &rest, &mut out),
        "logs" => exec::logs(session, &rest, &mut out),
        "version" => misc::version(session, &rest, &mut out),
        "label" | "annotate" => misc::label(session, command, &rest, &mut out),
        "patch" => misc::patch(session, &rest, &mut out),
        "set" => set::set(session, &rest, &mut out),
        "cordon" | "uncordon" => misc::cordon(session, command, &rest, &mut out),
        "taint" => node::taint(session, &rest, &mut out),
        "drain" => drain::drain(session, &rest, &mut out),
        "expose" => expose::expose(session, &rest, &mut out),
        "explain" => explain::explain(session, &rest, &mut out),
        "edit" => edit::edit(session, &rest, &mut out),
        "attach" => attach::attach(session, &rest, &mut out),
        "cp" => attach::cp(session, &rest, &mut out),
        "wait" => wait::wait(session, &rest, &mut out),
        "events" => events::events(session, &rest, &mut out),
        "api-versions" => misc::api_versions(&mut out),
        "cluster-info" => misc::cluster_info(&rest, &mut out),
        "diff" => diff::diff(session, &rest, stdin, &mut out),
        "config" => misc::config(&rest, &mut out),
        "auth" => misc::auth(&rest, &mut out),
        "api-resources" => misc::api_resources(&rest, &mut out),
        // The simulated cluster, like a fresh kind cluster, runs no metrics-server.
        "top" => client_error("Metrics API not available", &mut out),
        known if COMMANDS.contains(&known) => {
            client_error(
                &format!("\"kubectl {known}\" is not available in this simulated cluster"),
                &mut out,
            );
        }
        _ => unknown_command(command, &mut out),
    }
    out
}

/// The long flags `kubectl COMMAND` takes (its own, then every command's),
/// each with whether it takes a value, for completing a command line.
pub fn flags_of(command: &str) -> Vec<(&'static str, bool)> {
    let own: &[&[flags::FlagSpec]] = match command {
        "get" => &[get::SPECS],
        "describe" => &[describe::SPECS],
        "apply" | "replace" => &[apply::SPECS],
        "create" => &[apply::SPECS, generate::SPECS],
        "delete" => &[delete::SPECS],
        "scale" => &[misc::SCALE_SPECS],
        "rollout" => &[rollout::SPECS],
        "exec" => &[exec::EXEC_SPECS],
        "run" => &[exec::RUN_SPECS],
        "logs" => &[exec::LOGS_SPECS],
        "label" | "annotate" => &[misc::LABEL_SPECS],
        "patch" => &[misc::PATCH_SPECS],
        "set" => &[
            set::IMAGE_SPECS,
            set::ENV_SPECS,
            set::RESOURCES_SPECS,
            set::SELECTOR_SPECS,
            set::SERVICE_ACCOUNT_SPECS,
        ],
        "taint" => &[node::TAINT_SPECS],
        "cordon" | "uncordon" => &[misc::CORDON_SPECS],
        "drain" => &[drain::DRAIN_SPECS],
        "expose" => &[expose::SPECS],
        "explain" => &[explain::SPECS],
        "edit" => &[edit::EDIT_SPECS],
        "attach" => &[attach::ATTACH_SPECS],
        "cp" => &[attach::CP_SPECS],
        "wait" => &[wait::SPECS],
        "events" => &[events::SPECS],
        "diff" => &[diff::SPECS],
        _ => &[],
    };
    let mut names: Vec<(&'static str, bool)> = Vec::new();
    for spec in own.iter().copied().flatten().chain(flags::GLOBAL) {
        if !names.iter().any(|(n, _)| *n == spec.long) {
            names.push((spec.long, spec.takes_value));
        }
    }
    names
}

/// `kubectl help [COMMAND...]`, cobra's help command: the help of the
/// deepest command the words name (further words ignored), the root help
/// for none, and for words that name no command `Unknown help topic` and
/// the root usage on stderr, exit code 0 (cobra's `InitDefaultHelpCmd`).
#[inline(never)]
fn help_command(session: &Session, args: &[String], wants_help: bool, out: &mut CommandOutput) {
    let parsed = match flags::parse(args, &[]) {
        Ok(parsed) => parsed,
        Err(e) => return flag_error("help", &e, out),
    };
    let words: Vec<&str> = parsed.args.iter().map(String::as_str).collect();
    if wants_help {
        print_help(session, &["help"], out);
    } else if !print_help(session, &words, out) {
        let Some(root) = session.docs().and_then(|docs| docs.help(&[])) else {
            return;
        };
        // The usage template is the root help without its long description.
        let usage = root.split_once("kubectl/\n").map_or(root, |(_, rest)| rest);
        let topics: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
        out.err(&format!(
            "Unknown help topic [{}]\n\n{usage}",
            topics.join(" ")
        ));
    }
}

/// Index of the subcommand word, skipping global flags and their values (`-n demo get`).
pub(crate) fn command_position(args: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if !arg.starts_with('-') {
            return Some(i);
        }
        let takes_value = flags::GLOBAL.iter().any(|f| {
            f.takes_value
                && (arg.strip_prefix("--") == Some(f.long)
                    || f.short.is_some_and(|c| arg.as_str() == format!("-{c}")))
        });
        i += if takes_value { 2 } else { 1 };
    }
    None
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

fn unknown_command(command: &str, out: &mut CommandOutput) {
    let suggestions: Vec<&str> = COMMANDS
        .iter()
        .copied()
        .filter(|c| levenshtein(command, c) <= 2 || c.starts_with(&command.to_lowercase()))
        .collect();
    let mut text = format!("error: unknown command \"{command}\" for \"kubectl\"");
    if !suggestions.is_empty() {
        text.push_str("\n\nDid you mean this?\n");
        for s in suggestions {
            text.push('\t');
            text.push_str(s);
            text.push('\n');
        }
    } else {
        text.push('\n');
    }
    out.err(&text);
    out.exit_code = 1;
}

/// The warning a v1.33+ API server attaches to every v1 Endpoints request,
/// which kubectl prints on stderr.
pub(crate) fn warn_if_endpoints(kind: &str, out: &mut CommandOutput) {
    if kind == "Endpoints" {
        out.errln(
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
        );
    }
}

/// Prints a flag-parsing error the way cobra does and sets exit code 1.
pub(crate) fn flag_error(command: &str, message: &str, out: &mut CommandOutput) {
    out.errln(&format!("error: {message}"));
    out.errln(&format!("See 'kubectl {command} --help' for usage."));
    out.exit_code = 1;
}

/// Prints a client-side error (`error: ` prefix added if missing) and sets exit code 1.
/// The resource builder's error when a command names no object
/// (`expose`, `set selector`, `set serviceaccount`), with its examples.
pub(crate) const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

pub(crate) fn client_error(message: &str, out: &mut CommandOutput) {
    if message.starts_with("error: ") {
        out.errln(message);
    } else {
        out.errln(&format!("error: {message}"));
    }
    out.exit_code = 1;
}

/// An API error as kubectl's `CheckErr` prints it.
pub fn format_api_error(err: &ApiError) -> String {
    if err.reason == Reason::Invalid && !err.causes.is_empty() {
        let header = if err.kind.is_empty() && err.name.is_empty() {
            "The request is invalid".to_string()
        } else {
            format!("The {} \"{}\" is invalid", err.kind, err.name)
        };
        let mut causes: Vec<String> = Vec::new();
        for c in &err.causes {
            let line = if c.field.is_empty() {
                c.message.clone()
            } else {
                format!("{}: {}", c.field, c.message)
            };
            if !causes.contains(&line) {
                causes.push(line);
            }
        }
        if causes.len() == 1 {
            return format!("{header}: {}", causes[0]);
        }
        let mut text = format!("{header}: ");
        for c in causes {
            text.push_str("\n* ");
            text.push_str(&c);
        }
        return text;
    }
    if err.reason == Reason::Invalid {
        // helpers.go: no causes and no kind/name → the server's message follows.
        return if err.kind.is_empty() && err.name.is_empty() {
            format!("The request is invalid: {}", err.message)
        } else {
            format!("The {} \"{}\" is invalid", err.kind, err.name)
        };
    }
    if err.reason == Reason::Unknown {
        return format!("Error from server: {}", err.message);
    }
    format!(
        "Error from server ({}): {}",
        err.reason.as_str(),
        err.message
    )
}

/// Prints an API error and sets exit code 1.
pub(crate) fn api_error(err: &ApiError, out: &mut CommandOutput) {
    out.errln(&format_api_error(err));
    out.exit_code = 1;
}

/// A command's `-l` and `--field-selector`, trimmed as the resource
/// builder's `LabelSelectorParam` / `FieldSelectorParam` keep them (empty =
/// not given). Mirrors cli-runtime pkg/resource/{builder.go,selector.go}.
pub(crate) struct Selectors {
    pub labels: String,
    pub fields: String,
}

impl Selectors {
    pub fn of(parsed: &flags::Parsed) -> Selectors {
        let trimmed = |flag: &str| parsed.get(flag).unwrap_or("").trim().to_string();
        Selectors {
            labels: trimmed("selector"),
            fields: trimmed("field-selector"),
        }
    }

    /// True when either selector is given.
    pub fn any(&self) -> bool {
        !self.labels.is_empty() || !self.fields.is_empty()
    }

    /// The builder's refusal of selectors next to names
    /// (`visitBySelector`), if the arguments draw one.
    pub fn conflict(&self, args: &[String]) -> Option<&'static str> {
        if !self.any() {
            None
        } else if args.iter().any(|a| a.contains('/')) {
            Some("selectors and the all flag cannot be used when passing resource/name arguments")
        } else if args.len() > 1 {
            Some("name cannot be provided when a selector is specified")
        } else {
            None
        }
    }

    /// A failed list as the builder reports it (`Selector.Visit`): a
    /// BadRequest or NotFound names the resource and both selectors.
    pub fn list_error(&self, info: &ResourceInfo, mut err: ApiError) -> ApiError {
        if matches!(err.reason, Reason::BadRequest | Reason::NotFound) {
            use ordinal_model::validation::go_quote;
            let gvr = go_quote(&format!(
                "{}/{}, Resource={}",
                info.group, info.version, info.plural
            ));
            err.message = if self.any() {
                format!(
                    "Unable to find {gvr} that match label selector {}, field selector {}: {}",
                    go_quote(&self.labels),
                    go_quote(&self.fields),
                    err.message
                )
            } else {
                format!("Unable to list {gvr}: {}", err.message)
            };
        }
        err
    }
}

/// One object a command acts on: its type, namespace and name.
pub(crate) type Target = (&'static ResourceInfo, String, String);

/// The objects of the manifests `-f FILE` names, as targets (kind,
/// namespace: the manifest's or `namespace`, name), in file order; kinds
/// the cluster does not serve are skipped.
pub(crate) fn file_targets(
    session: &Session,
    file: &str,
    stdin: Option<&str>,
    namespace: &str,
    out: &mut CommandOutput,
) -> Option<Vec<Target>> {
    let objects = apply::read_manifests(session, file, stdin, out)?;
    Some(
        objects
            .iter()
            .filter_map(|obj| {
                let info = kinds::by_kind(obj.str_at(&["apiVersion"]), obj.str_at(&["kind"]))?;
                let ns = match obj.str_at(&["metadata", "namespace"]) {
                    "" => namespace.to_string(),
                    n => n.to_string(),
                };
                Some((info, ns, obj.str_at(&["metadata", "name"]).to_string()))
            })
            .collect(),
    )
}

/// The objects `TYPE[,TYPE...] NAME...`, `TYPE/NAME...`, or `TYPE` with a
/// selector or `--all` name, resolved as cli-runtime's resource builder
/// does (pkg/resource/builder.go): named objects are not fetched here (the
/// command reports a missing one), listed ones come from `namespace` (every
/// namespace with `all_namespaces`). Lists that fail come back as printed
/// errors, which commands report after acting on what was found. `None`
/// when the arguments draw one of the builder's refusals (printed).
pub(crate) fn resource_targets(
    session: &Session,
    args: &[String],
    namespace: &str,
    all_namespaces: bool,
    selectors: &Selectors,
    all: bool,
    out: &mut CommandOutput,
) -> Option<(Vec<Target>, Vec<String>)> {
    let mut targets = Vec::new();
    let mut list_errors = Vec::new();
    if let Some(conflict) = selectors.conflict(args) {
        client_error(conflict, out);
        return None;
    }
    if args.iter().any(|a| a.contains('/')) {
        for arg in args {
            let Some((kind, name)) = arg.split_once('/') else {
                client_error("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'", out);
                return None;
            };
            targets.push((resolve(kind, out)?, namespace.to_string(), name.to_string()));
        }
        return Some((targets, list_errors));
    }
    let infos = args[0]
        .split(',')
        .map(|t| resolve(t, out))
        .collect::<Option<Vec<_>>>()?;
    let names = &args[1..];
    if !names.is_empty() {
        for info in infos {
            for name in names {
                targets.push((info, namespace.to_string(), name.clone()));
            }
        }
        return Some((targets, list_errors));
    }
    if !selectors.any() && !all {
        client_error("resource(s) were provided, but no name was specified", out);
        return None;
    }
    let list_ns = (!all_namespaces).then_some(namespace);
    for info in infos {
        match session
            .sim
            .list(info.plural, list_ns, &selectors.labels, &selectors.fields)
        {
            Ok(items) => targets.extend(items.into_iter().map(|obj| {
                let ns = obj.str_at(&["metadata", "namespace"]).to_string();
                (info, ns, obj.str_at(&["metadata", "name"]).to_string())
            })),
            Err(e) => list_errors.push(format_api_error(&selectors.list_error(info, e))),
        }
    }
    Some((targets, list_errors))
}

/// Resolves a resource name typed on the command line, or prints kubectl's error.
pub(crate) fn resolve(name: &str, out: &mut CommandOutput) -> Option<&'static ResourceInfo> {
    match kinds::by_name(name) {
        Some(info) => Some(info),
        None => {
            client_error(
                &format!("the server doesn't have a resource type \"{name}\""),
                out,
            );
            None
        }
    }
}

/// kubectl 1.34+ ends delete lines with `from <ns> namespace`; older ones do not.
pub(crate) fn deleted_names_namespace(session: &Session) -> bool {
    session.sim.config().minor_version >= 34
}

/// The namespace a command works in (`-n`, else `default`).
pub(crate) fn namespace_of(parsed: &flags::Parsed) -> String {
    parsed.get("namespace").unwrap_or("default").to_string()
}

/// `statefulset.apps/web` style name of an object.
/// Sends a new object as `--dry-run` says: created, checked by the API
/// server only (`server`), or not sent at all (`client`).
pub(crate) fn create_as(
    session: &mut Session,
    dry_run: Option<&str>,
    (resource, ns): (&str, &str),
    obj: Value,
) -> Result<Value, ApiError> {
    match dry_run {
        Some("server") => session.sim.create_dry_run(resource, ns, obj),
        Some(_) => Ok(obj),
        None => session.sim.create(resource, ns, obj),
    }
}

/// A changed object under `--dry-run=client|server` (`mode`): kept as it
/// is, or checked by the API server as an update. Without a dry run the
/// caller writes it its own way (an update, a patch, a scale).
pub(crate) fn dry_run_update(
    session: &mut Session,
    mode: &str,
    (resource, ns): (&str, &str),
    changed: Value,
) -> Result<Value, ApiError> {
    if mode == "server" {
        session.sim.update_dry_run(resource, ns, changed)
    } else {
        Ok(changed)
    }
}

pub(crate) fn kind_slash_name(info: &ResourceInfo, name: &str) -> String {
    format!("{}/{}", info.qualified_singular(), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_commands_get_cobra_suggestions() {
        let mut out = CommandOutput::default();
        unknown_command("gt", &mut out);
        assert_eq!(
            out.stderr(),
            "error: unknown command \"gt\" for \"kubectl\"\n\nDid you mean this?\n\tset\n\tget\n\tcp\n"
        );
        let mut out = CommandOutput::default();
        unknown_command("statefulset", &mut out);
        assert_eq!(
            out.stderr(),
            "error: unknown command \"statefulset\" for \"kubectl\"\n"
        );
    }

    #[test]
    fn every_command_has_its_help_text() {
        let docs = crate::docs::bundled();
        for command in COMMANDS {
            assert!(docs.help(&[command]).is_some(), "{command}");
        }
        let session = Session::new(ordinal_core::SimConfig::default());
        let mut out = CommandOutput::default();
        assert!(print_help(
            &session,
            &["create", "svc", "nodeport"],
            &mut out
        ));
        assert!(out
            .stdout()
            .starts_with("Create a NodePort service with the specified name.\n"));
    }

    #[test]
    fn help_never_runs_the_command() {
        let mut session = Session::new(ordinal_core::SimConfig::default());
        let args: Vec<String> = ["drain", "kind-control-plane", "--help"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        let out = run(&mut session, &args, None);
        assert!(out
            .stdout()
            .starts_with("Drain node in preparation for maintenance.\n"));
        assert!(out
            .stdout()
            .contains("\nUsage:\n  kubectl drain NODE [options]\n"));
        let node = session
            .sim
            .get("nodes", "", "kind-control-plane")
            .expect("node exists");
        assert!(node.at(&["spec", "unschedulable"]).is_none());
    }

    #[test]
    fn global_flags_before_the_command_are_skipped() {
        let args: Vec<String> = ["-n", "demo", "get", "pods"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(command_position(&args), Some(2));
        let args: Vec<String> = ["--namespace=demo", "get"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(command_position(&args), Some(1));
    }

    #[test]
    fn invalid_errors_list_causes() {
        let mut err = ApiError::invalid("StatefulSet", "StatefulSet.apps", "db", vec![]);
        err.causes = vec![ordinal_core::error::Cause {
            field: "spec.replicas".into(),
            message: "Invalid value: -1: must be greater than or equal to 0".into(),
        }];
        assert_eq!(
            format_api_error(&err),
            "The StatefulSet \"db\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
    }
}
