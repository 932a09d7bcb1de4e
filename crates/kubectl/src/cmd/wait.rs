//! `kubectl wait --for=condition=C|delete|jsonpath={...}=V TYPE/NAME...`
//! (kubectl pkg/cmd/wait: one deadline for all objects, `condition met` per
//! object, `timed out waiting for the condition on <resource>/<name>`).

use ordinal_model::kinds::ResourceInfo;
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{
    api_error, client_error, flag_error, kind_slash_name, namespace_of, resolve, watch, Selectors,
};
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
    value("for", None),
    value("timeout", None),
    value("selector", Some('l')),
    value("field-selector", None),
    switch("all", None),
    switch("all-namespaces", Some('A')),
];

/// kubectl's default `--timeout`.
const DEFAULT_TIMEOUT_MS: u64 = 30_000;

/// What `--for` waits for.
enum Condition {
    /// `condition=Ready[=True]`.
    Status(String, String),
    /// `delete`.
    Deleted,
    /// `jsonpath={.status.phase}=Running`.
    JsonPath(String, String),
}

fn parse_condition(text: &str) -> Result<Condition, String> {
    if text == "delete" {
        return Ok(Condition::Deleted);
    }
    if let Some(rest) = text.strip_prefix("condition=") {
        let (name, value) = rest.split_once('=').unwrap_or((rest, "True"));
        return Ok(Condition::Status(name.to_string(), value.to_string()));
    }
    if let Some(rest) = text.strip_prefix("jsonpath=") {
        if let Some(close) = rest.find('}') {
            let (path, value) = rest.split_at(close + 1);
            if let Some(value) = value.strip_prefix('=') {
                return Ok(Condition::JsonPath(path.to_string(), value.to_string()));
            }
        }
        return Err(format!(
            "jsonpath wait format must be --for=jsonpath='{{.status.readyReplicas}}'=3: {rest}"
        ));
    }
    Err(format!("unrecognized condition: \"{text}\""))
}

/// True when the object (or its absence) satisfies the condition.
fn met(obj: Option<&Value>, uid: &str, condition: &Condition) -> bool {
    match condition {
        Condition::Deleted => obj.is_none_or(|o| o.str_at(&["metadata", "uid"]) != uid),
        Condition::Status(name, want) => obj.is_some_and(|o| {
            o.array_at(&["status", "conditions"]).iter().any(|c| {
                c.str_at(&["type"]).eq_ignore_ascii_case(name)
                    && c.str_at(&["status"]).eq_ignore_ascii_case(want)
            })
        }),
        Condition::JsonPath(path, want) => {
            obj.is_some_and(|o| super::output::jsonpath(path, o).is_ok_and(|got| got == *want))
        }
    }
}

/// `kubectl wait`.
#[inline(never)]
pub fn wait(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("wait", &e, out),
    };
    let condition = match parse_condition(parsed.get("for").unwrap_or("")) {
        Ok(c) => c,
        Err(e) if parsed.get("for").is_none() => {
            return client_error(&e.replace("\"\"", "[]"), out)
        }
        Err(e) => return client_error(&e, out),
    };
    let Some(first) = parsed.args.first() else {
        return client_error(
            "You must provide one or more resources by argument or filename.",
            out,
        );
    };
    let ns = namespace_of(&parsed);
    let mut targets: Vec<(&'static ResourceInfo, String, String, String)> = Vec::new();
    let (kind, names) = match first.split_once('/') {
        Some(_) => (None, parsed.args.clone()),
        None => (Some(first.clone()), parsed.args[1..].to_vec()),
    };
    if let Some(kind) = kind {
        let Some(info) = resolve(&kind, out) else {
            return;
        };
        if names.is_empty() {
            let selectors = Selectors::of(&parsed);
            let list_ns = if parsed.has("all-namespaces") {
                None
            } else {
                Some(ns.as_str())
            };
            let found =
                match session
                    .sim
                    .list(info.plural, list_ns, &selectors.labels, &selectors.fields)
                {
                    Ok(found) => found,
                    Err(e) => return api_error(&selectors.list_error(info, e), out),
                };
            for o in found {
                targets.push((
                    info,
                    o.str_at(&["metadata", "namespace"]).to_string(),
                    o.str_at(&["metadata", "name"]).to_string(),
                    o.str_at(&["metadata", "uid"]).to_string(),
                ));
            }
            if targets.is_empty() {
                return client_error("no matching resources found", out);
            }
        }
        for name in &names {
            targets.push((info, ns.clone(), name.clone(), String::new()));
        }
    } else {
        for arg in &names {
            let Some((k, name)) = arg.split_once('/') else {
                return client_error(
                    "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
                    out,
                );
            };
            let Some(info) = resolve(k, out) else {
                return;
            };
            targets.push((info, ns.clone(), name.to_string(), String::new()));
        }
    }
    let started = session.sim.now();
    let timeout = parsed
        .get("timeout")
        .and_then(crate::shell::parse_seconds)
        .unwrap_or(DEFAULT_TIMEOUT_MS);
    let outer = session.deadline;
    let deadline = started.saturating_add(timeout);
    session.deadline = Some(outer.map_or(deadline, |d| d.min(deadline)));
    let mut timed_out: Vec<String> = Vec::new();
    for (info, namespace, name, known_uid) in targets {
        let current = session.sim.object(info.plural, &namespace, &name).cloned();
        let uid = match (&current, known_uid.is_empty()) {
            (Some(o), true) => o.str_at(&["metadata", "uid"]).to_string(),
            (_, false) => known_uid,
            (None, true) => {
                if matches!(condition, Condition::Deleted) {
                    continue;
                }
                if let Err(e) = session.sim.get(info.plural, &namespace, &name) {
                    api_error(&e, out);
                }
                session.deadline = outer;
                return;
            }
        };
        loop {
            // The deadline is shared: once it has passed, every later object times out.
            let expired = session.sim.now() >= deadline;
            let obj = session.sim.object(info.plural, &namespace, &name);
            if !expired && met(obj, &uid, &condition) {
                out.outln(&format!("{} condition met", kind_slash_name(info, &name)));
                break;
            }
            if expired || !watch::step(session, started) {
                timed_out.push(format!(
                    "timed out waiting for the condition on {}/{name}",
                    info.qualified_plural()
                ));
                break;
            }
        }
    }
    session.deadline = outer;
    match timed_out.as_slice() {
        [] => {}
        [one] => client_error(one, out),
        many => {
            for line in many {
                out.errln(line);
            }
            out.exit_code = 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_as_kubectl_reads_them() {
        assert!(matches!(
            parse_condition("condition=Ready"),
            Ok(Condition::Status(ref n, ref v)) if n == "Ready" && v == "True"
        ));
        assert!(matches!(parse_condition("delete"), Ok(Condition::Deleted)));
        assert!(matches!(
            parse_condition("jsonpath={.status.phase}=Running"),
            Ok(Condition::JsonPath(ref p, ref v)) if p == "{.status.phase}" && v == "Running"
        ));
        assert_eq!(
            parse_condition("ready").err().as_deref(),
            Some("unrecognized condition: \"ready\"")
        );
    }
}
