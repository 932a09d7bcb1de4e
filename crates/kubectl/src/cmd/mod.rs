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
mod misc;
pub use misc::{ADMIN_GROUPS, ADMIN_USER};
mod node;
mod output;
mod rollout;
mod wait;
pub mod watch;

pub use apply::LAST_APPLIED;
pub use exec::{container_not_running, pod_log, remove_run_pod, tail_lines};
pub use explain::required as required_field;

use ordinal_core::error::{ApiError, Reason};
use ordinal_model::kinds::{self, ResourceInfo};

use crate::shell::Session;
use crate::transcript::CommandOutput;

/// `kubectl --help` (kubectl v1.36.3).
const ROOT_HELP: &str = include_str!("help/kubectl.txt");

/// The real `--help` text of the commands learners use most (kubectl v1.36.3).
fn help_text(command: &str, sub: Option<&str>) -> Option<&'static str> {
    Some(match (command, sub) {
        ("get", _) => include_str!("help/get.txt"),
        ("apply", _) => include_str!("help/apply.txt"),
        ("delete", _) => include_str!("help/delete.txt"),
        ("describe", _) => include_str!("help/describe.txt"),
        ("scale", _) => include_str!("help/scale.txt"),
        ("exec", _) => include_str!("help/exec.txt"),
        ("logs", _) => include_str!("help/logs.txt"),
        ("rollout", Some("status")) => include_str!("help/rollout-status.txt"),
        ("rollout", _) => include_str!("help/rollout.txt"),
        _ => return None,
    })
}

/// The `Usage:` line of the commands without a bundled `--help` text (kubectl v1.36.3).
const USAGES: &[(&str, &str)] = &[
    ("taint", "kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]"),
    ("drain", "kubectl drain NODE [options]"),
    ("cordon", "kubectl cordon NODE [options]"),
    ("uncordon", "kubectl uncordon NODE [options]"),
    ("expose", "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]"),
    ("explain", "kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [-o|--output=plaintext|plaintext-openapiv2] [options]"),
    ("edit", "kubectl edit (RESOURCE/NAME | -f FILENAME) [options]"),
    ("attach", "kubectl attach (POD | TYPE/NAME) -c CONTAINER [options]"),
    ("cp", "kubectl cp <file-spec-src> <file-spec-dest> [options]"),
    ("wait", "kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]] [options]"),
    ("events", "kubectl events [(-o|--output=)json|yaml|kyaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning] [options]"),
    ("create", "kubectl create -f FILENAME [options]"),
    ("replace", "kubectl replace -f FILENAME [options]"),
    ("patch", "kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]"),
    ("label", "kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]"),
    ("annotate", "kubectl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]"),
    ("set", "kubectl set SUBCOMMAND [options]"),
    ("run", "kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...] [options]"),
    ("version", "kubectl version [flags] [options]"),
    ("api-resources", "kubectl api-resources [flags] [options]"),
    ("api-versions", "kubectl api-versions [options]"),
    ("cluster-info", "kubectl cluster-info [flags] [options]"),
    ("config", "kubectl config SUBCOMMAND [options]"),
    ("auth", "kubectl auth [flags] [options]"),
    ("top", "kubectl top [flags] [options]"),
];

/// An abbreviated `--help`: the command's summary from `kubectl --help`, then
/// its real `Usage:` block. Never runs the command (a `drain --help` must not drain).
fn short_help(command: &str) -> Option<String> {
    let usage = USAGES.iter().find(|(c, _)| *c == command)?.1;
    let summary = ROOT_HELP
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix("  ")?.strip_prefix(command)?;
            rest.starts_with(' ').then(|| rest.trim())
        })
        .unwrap_or("");
    Some(format!(
        "{summary}.\n\nUsage:\n  {usage}\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n"
    ))
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

/// Runs `kubectl ARGS` in the session.
pub fn run(session: &mut Session, args: &[String], stdin: Option<&str>) -> CommandOutput {
    let mut out = CommandOutput::default();
    let Some(position) = command_position(args) else {
        out.out(ROOT_HELP);
        return out;
    };
    let command = args[position].as_str();
    let before_dash_dash = args.iter().take_while(|a| a.as_str() != "--");
    if before_dash_dash.clone().any(|a| a == "--help" || a == "-h") {
        let sub = args.get(position + 1).map(String::as_str);
        if let Some(text) = help_text(command, sub) {
            out.out(text);
            return out;
        }
        if let Some(text) = short_help(command) {
            out.out(&text);
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
        "set" => misc::set(session, &rest, &mut out),
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

/// Index of the subcommand word, skipping global flags and their values (`-n demo get`).
fn command_position(args: &[String]) -> Option<usize> {
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

/// Prints a flag-parsing error the way cobra does and sets exit code 1.
/// The warning a v1.33+ API server attaches to every v1 Endpoints request,
/// which kubectl prints on stderr.
pub(crate) fn warn_if_endpoints(kind: &str, out: &mut CommandOutput) {
    if kind == "Endpoints" {
        out.errln(
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
        );
    }
}

pub(crate) fn flag_error(command: &str, message: &str, out: &mut CommandOutput) {
    out.errln(&format!("error: {message}"));
    out.errln(&format!("See 'kubectl {command} --help' for usage."));
    out.exit_code = 1;
}

/// Prints a client-side error (`error: ` prefix added if missing) and sets exit code 1.
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
    fn help_never_runs_the_command() {
        let mut session = Session::new(ordinal_core::SimConfig::default());
        let args: Vec<String> = ["drain", "kind-control-plane", "--help"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        let out = run(&mut session, &args, None);
        assert!(out
            .stdout()
            .starts_with("Drain node in preparation for maintenance.\n\nUsage:\n  kubectl drain NODE [options]\n"));
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
