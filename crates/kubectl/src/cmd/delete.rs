//! `kubectl delete`: by type and name, `type/name`, `-f`, `-l`,
//! `--field-selector`, `--all`,
//! `--grace-period`, `--force`, `--cascade`, `--wait`, with the v1.34+
//! `deleted from <ns> namespace` lines. Mirrors kubectl pkg/cmd/delete/delete.go.

use ordinal_core::{DeleteOptions, Propagation};

use super::flags::{self, switch, value, FlagSpec};
use super::{client_error, flag_error, format_api_error, namespace_of, watch, Selectors, Target};
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
    value("filename", Some('f')),
    value("selector", Some('l')),
    value("field-selector", None),
    switch("all", None),
    switch("all-namespaces", Some('A')),
    value("grace-period", None),
    switch("force", None),
    switch("now", None),
    value("cascade", None),
    value("wait", None),
    switch("ignore-not-found", None),
    value("output", Some('o')),
    switch("recursive", Some('R')),
    value("dry-run", None),
];

const NOTHING: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n";

const FORCE_WARNING: &str = "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.";

/// Runs `kubectl delete`.
#[inline(never)]
pub fn run(session: &mut Session, args: &[String], stdin: Option<&str>, out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("delete", &e, out),
    };
    let namespace = namespace_of(&parsed);
    let selectors = Selectors::of(&parsed);
    // Lists that failed, reported after the deletions that did happen.
    let mut list_errors: Vec<String> = Vec::new();
    let targets: Vec<Target>;
    if let Some(file) = parsed.get("filename") {
        let Some(found) = super::file_targets(session, file, stdin, &namespace, out) else {
            return;
        };
        targets = found;
    } else if parsed.args.is_empty() {
        out.err(NOTHING);
        out.exit_code = 1;
        return;
    } else {
        let Some((found, errors)) = super::resource_targets(
            session,
            &parsed.args,
            &namespace,
            parsed.has("all-namespaces"),
            &selectors,
            parsed.has("all"),
            out,
        ) else {
            return;
        };
        if found.is_empty() && errors.is_empty() {
            out.outln("No resources found");
            return;
        }
        targets = found;
        list_errors = errors;
    }
    let force = parsed.has("force");
    let grace = match parsed.get("grace-period").map(str::parse::<i64>) {
        Some(Ok(g)) => Some(g),
        Some(Err(_)) => return flag_error("delete", "invalid argument for --grace-period", out),
        None if parsed.has("now") => Some(1),
        None if force => Some(0),
        None => None,
    };
    let force_now = force && grace == Some(0);
    let propagation = match parsed.get("cascade").unwrap_or("background") {
        "background" | "true" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" | "false" => Propagation::Orphan,
        other => {
            return client_error(
                &format!("invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""),
                out,
            )
        }
    };
    let dry_run = match super::output::dry_run(&parsed) {
        Ok(d) => d,
        Err(e) => return client_error(&e, out),
    };
    if force_now {
        out.errln(FORCE_WARNING);
    }
    let opts = DeleteOptions {
        grace_period_seconds: grace,
        propagation,
        dry_run: dry_run == Some("server"),
    };
    let suffix = super::output::dry_run_suffix(dry_run);
    let mut waiting = Vec::new();
    for (info, ns, name) in targets {
        // A client dry run only reads the object.
        let result = match dry_run {
            Some("client") => session.sim.get(info.plural, &ns, &name),
            _ => session.sim.delete(info.plural, &ns, &name, &opts),
        };
        match result {
            Ok(deleted) => {
                if parsed.get("output") == Some("name") {
                    out.outln(&format!("{}/{name}", info.qualified_singular()));
                } else {
                    let verb = if force_now {
                        "force deleted"
                    } else {
                        "deleted"
                    };
                    let mut line = format!("{} \"{name}\" {verb}", info.qualified_singular());
                    if info.namespaced && super::deleted_names_namespace(session) {
                        line.push_str(&format!(" from {ns} namespace"));
                    }
                    out.outln(&format!("{line}{suffix}"));
                }
                if dry_run.is_none() {
                    let uid = deleted.str_at(&["metadata", "uid"]).to_string();
                    waiting.push((info.plural, ns, name, uid));
                }
            }
            Err(e) if e.code == 404 && parsed.has("ignore-not-found") => {}
            Err(e) => {
                out.errln(&format_api_error(&e));
                out.exit_code = 1;
            }
        }
    }
    if !list_errors.is_empty() {
        for e in list_errors {
            out.errln(&e);
        }
        out.exit_code = 1;
        return;
    }
    if parsed.get("wait") == Some("false")
        || dry_run.is_some()
        || propagation == Propagation::Orphan && waiting.is_empty()
    {
        return;
    }
    watch::until_gone(session, &waiting);
}
