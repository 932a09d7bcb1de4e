//! `kubectl set image|env|resources`: change the containers of a pod or a
//! workload's pod template (kubectl pkg/cmd/set/set_image.go, set_env.go,
//! set_resources.go), printing nothing when nothing changes, as kubectl
//! does when its patch is empty; `kubectl set selector`: replace a
//! Service's selector (set_selector.go), and `kubectl set serviceaccount`:
//! the pod spec's service account (set_serviceaccount.go); those two always
//! send their patch, and so always print.

use ordinal_model::kinds::ResourceInfo;
use ordinal_model::quantity::Quantity;
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec, Parsed};
use super::output;
use super::{api_error, client_error, flag_error, namespace_of};
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const IMAGE_SPECS: &[FlagSpec] = &[switch("all", None), value("selector", Some('l'))];

pub(super) const ENV_SPECS: &[FlagSpec] = &[
    value("env", Some('e')),
    value("containers", Some('c')),
    switch("list", None),
    switch("overwrite", None),
    value("dry-run", None),
    value("output", Some('o')),
];

pub(super) const RESOURCES_SPECS: &[FlagSpec] = &[
    value("limits", None),
    value("requests", None),
    value("containers", Some('c')),
    value("dry-run", None),
    value("output", Some('o')),
];

pub(super) const SELECTOR_SPECS: &[FlagSpec] = &[
    switch("all", None),
    value("resource-version", None),
    value("dry-run", None),
    value("output", Some('o')),
    switch("record", None),
    value("field-manager", None),
];

pub(super) const SERVICE_ACCOUNT_SPECS: &[FlagSpec] = &[
    switch("all", None),
    value("dry-run", None),
    value("output", Some('o')),
    switch("record", None),
    value("field-manager", None),
];

/// `kubectl set SUBCOMMAND ...`.
#[inline(never)]
pub fn set(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let sub = args.iter().position(|a| !a.starts_with('-'));
    let rest: Vec<String> = match sub {
        Some(i) => args[..i].iter().chain(&args[i + 1..]).cloned().collect(),
        None => Vec::new(),
    };
    match sub.map(|i| args[i].as_str()) {
        Some("image") => image(session, &rest, out),
        Some("env") => env(session, &rest, out),
        Some("resources") => resources(session, &rest, out),
        Some("selector") => selector(session, &rest, out),
        Some("serviceaccount" | "sa") => service_account(session, &rest, out),
        Some(other @ "subject") => client_error(
            &format!("\"kubectl set {other}\" is not available in this simulated cluster"),
            out,
        ),
        Some(_) => {
            let words: Vec<&str> = args.iter().map(String::as_str).collect();
            client_error(
                &format!(
                    "unknown command {:?}\nSee 'kubectl set -h' for help and examples",
                    words.join(" ")
                ),
                out,
            );
        }
        None => {
            let words = ["set"];
            if let Some(docs) = session.docs() {
                if let Some(text) = docs.help(&words) {
                    return out.out(text);
                }
            }
            client_error(crate::docs::NOT_LOADED, out);
        }
    }
}

/// Where a kind keeps its pod spec.
fn pod_spec_path(info: &ResourceInfo) -> &'static [&'static str] {
    if info.kind == "Pod" {
        &["spec"]
    } else {
        &["spec", "template", "spec"]
    }
}

/// The containers of `obj`'s pod spec, and the `-c` pattern that picks
/// among them (`*` by default).
fn containers_of<'a>(
    info: &ResourceInfo,
    obj: &Value,
    parsed: &'a Parsed,
) -> (Vec<Value>, &'a str) {
    let containers = obj
        .at(pod_spec_path(info))
        .map(|s| s.array_at(&["containers"]).to_vec())
        .unwrap_or_default();
    (containers, parsed.get("containers").unwrap_or("*"))
}

/// The object named by `args` (`TYPE/NAME` or `TYPE NAME`), the words
/// after it, and the stored object; kubectl's error otherwise.
fn fetch<'a>(
    session: &Session,
    parsed: &Parsed,
    args: &'a [String],
    out: &mut CommandOutput,
) -> Option<(&'static ResourceInfo, &'a str, &'a [String], Value)> {
    let (info, name, rest) = super::misc::target(args, out)?;
    match session.sim.get(info.plural, &namespace_of(parsed), name) {
        Ok(obj) => Some((info, name, rest, obj)),
        Err(e) => {
            api_error(&e, out);
            None
        }
    }
}

/// [`fetch`] for `set selector` and `set serviceaccount`, whose resource
/// builder refuses no object at all with its examples.
fn fetch_named<'a>(
    session: &Session,
    parsed: &Parsed,
    args: &'a [String],
    out: &mut CommandOutput,
) -> Option<(&'static ResourceInfo, &'a str, &'a [String], Value)> {
    if args.is_empty() {
        client_error(super::NO_RESOURCES, out);
        return None;
    }
    fetch(session, parsed, args, out)
}

/// Shell-style glob match of a container name (`-c`, `*` by default).
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, rest)) => {
            name.starts_with(prefix)
                && (0..=name.len() - prefix.len()).any(|i| glob(rest, &name[prefix.len() + i..]))
        }
    }
}

/// Stores `containers` in `obj`'s pod spec and prints what kubectl does:
/// nothing when nothing changed, else `KIND/NAME WHAT updated` (with the
/// dry-run suffix), or the object under `-o`.
fn save(
    session: &mut Session,
    parsed: &Parsed,
    (info, obj): (&'static ResourceInfo, Value),
    containers: Vec<Value>,
    what: &str,
    out: &mut CommandOutput,
) -> Result<(), ordinal_core::ApiError> {
    let path = pod_spec_path(info);
    if obj.at(path).map(|s| s.array_at(&["containers"])) == Some(containers.as_slice()) {
        return Ok(());
    }
    let mut replacement = obj.clone();
    let mut spec = obj.at(path).cloned().unwrap_or_default();
    spec.set(&["containers"], Value::Array(containers));
    replacement.set(path, spec);
    replacement.set(&["metadata", "resourceVersion"], Value::from(""));
    send_change(
        session,
        parsed,
        info,
        replacement,
        &format!("{what} updated"),
        out,
    )
}

/// Sends a `set` subcommand's change to `obj` (or dry-runs it, as
/// `--dry-run` asks) and prints `KIND/NAME WHAT` or the object under `-o`;
/// the error is the server's.
fn send_change(
    session: &mut Session,
    parsed: &Parsed,
    info: &'static ResourceInfo,
    obj: Value,
    what: &str,
    out: &mut CommandOutput,
) -> Result<(), ordinal_core::ApiError> {
    let dry_run = match output::dry_run(parsed) {
        Ok(d) => d,
        Err(e) => {
            client_error(&e, out);
            return Ok(());
        }
    };
    let ns = namespace_of(parsed);
    let saved = match dry_run {
        Some(mode) => super::dry_run_update(session, mode, (info.plural, &ns), obj)?,
        None => session.sim.update(info.plural, &ns, obj)?,
    };
    output::print_result(
        parsed.get("output"),
        dry_run,
        &info.qualified_singular(),
        &saved,
        what,
        out,
    );
    Ok(())
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE...`.
fn image(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, IMAGE_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("set image", &e, out),
    };
    let Some((info, _, changes, obj)) = fetch(session, &parsed, &parsed.args, out) else {
        return;
    };
    let (mut containers, _) = containers_of(info, &obj, &parsed);
    for change in changes {
        let Some((container, image)) = change.split_once('=') else {
            continue;
        };
        let mut found = false;
        for c in containers.iter_mut() {
            if container == "*" || c.str_at(&["name"]) == container {
                c.set(&["image"], Value::from(image));
                found = true;
            }
        }
        if !found {
            return client_error(
                &format!("unable to find container named \"{container}\""),
                out,
            );
        }
    }
    if let Err(e) = save(session, &parsed, (info, obj), containers, "image", out) {
        api_error(&e, out);
    }
}

/// `metav1.ParseToLabelSelector`: equality requirements become
/// `matchLabels`, the others the `{key Operator [values]}` text of their
/// `matchExpressions` (Go's `%v`); `!=`, `>` and `<` are refused (those
/// errors, unlike a syntax error, are not prefixed with the string).
fn parse_to_label_selector(text: &str) -> Result<(Value, Vec<String>), String> {
    use ordinal_model::labels::{Operator, Selector};
    let fail = |e: String| format!("couldn't parse the selector string \"{text}\": {e}");
    let parsed = Selector::parse(text).map_err(fail)?;
    let mut labels = Value::object();
    let mut expressions = Vec::new();
    for r in parsed.requirements() {
        let op = match r.operator {
            Operator::Equals | Operator::DoubleEquals => {
                labels.set(&[r.key.as_str()], Value::from(r.values[0].as_str()));
                continue;
            }
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
            Operator::GreaterThan => return Err("\"gt\" isn't supported in label selectors".into()),
            Operator::LessThan => return Err("\"lt\" isn't supported in label selectors".into()),
            Operator::NotEquals => {
                return Err("\"!=\" is not a valid label selector operator".into())
            }
        };
        expressions.push(format!("{{{} {op} [{}]}}", r.key, r.values.join(" ")));
    }
    Ok((labels, expressions))
}

/// `kubectl set selector TYPE/NAME EXPRESSION`: a Service's `spec.selector`
/// becomes the expression's `key=value` pairs (an empty expression removes
/// it).
fn selector(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SELECTOR_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("set selector", &e, out),
    };
    let Some((expression, targets)) = parsed.args.split_last() else {
        return client_error("one selector is required", out);
    };
    let (labels, expressions) = match parse_to_label_selector(expression) {
        Ok(s) => s,
        Err(e) => return client_error(&e, out),
    };
    let Some((info, _, _, mut obj)) = fetch_named(session, &parsed, targets, out) else {
        return;
    };
    if info.kind != "Service" {
        return client_error("setting a selector is only supported for Services", out);
    }
    if !expressions.is_empty() {
        return client_error(
            &format!(
                "match expression [{}] not supported on this object",
                expressions.join(" ")
            ),
            out,
        );
    }
    if labels.as_object().is_some_and(|m| m.is_empty()) {
        obj.remove(&["spec", "selector"]);
    } else {
        obj.set(&["spec", "selector"], labels);
    }
    if let Some(version) = parsed.get("resource-version") {
        obj.set(&["metadata", "resourceVersion"], Value::from(version));
    }
    if let Err(e) = send_change(session, &parsed, info, obj, "selector updated", out) {
        api_error(&e, out);
    }
}

/// The kinds `polymorphichelpers.updatePodSpecForObject` finds a pod spec in.
fn has_pod_spec(info: &ResourceInfo) -> bool {
    matches!(
        info.kind,
        "Pod"
            | "ReplicationController"
            | "Deployment"
            | "DaemonSet"
            | "ReplicaSet"
            | "StatefulSet"
            | "Job"
    )
}

/// `kubectl set serviceaccount TYPE/NAME SERVICE_ACCOUNT`: the pod spec's
/// `serviceAccountName` becomes the account (the API server copies it to
/// the deprecated `serviceAccount`).
fn service_account(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SERVICE_ACCOUNT_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("set serviceaccount", &e, out),
    };
    let Some((account, targets)) = parsed.args.split_last() else {
        return client_error("serviceaccount is required", out);
    };
    let Some((info, name, _, mut obj)) = fetch_named(session, &parsed, targets, out) else {
        return;
    };
    if !has_pod_spec(info) {
        return client_error(
            &format!(
                "error: {}/{name} the object is not a pod or does not have a pod template: *v1.{}\n",
                info.plural, info.kind
            ),
            out,
        );
    }
    let mut path = pod_spec_path(info).to_vec();
    path.push("serviceAccountName");
    obj.set(&path, Value::from(account.as_str()));
    if let Err(e) = send_change(session, &parsed, info, obj, "serviceaccount updated", out) {
        client_error(
            &format!("failed to patch ServiceAccountName {}", e.message),
            out,
        );
    }
}

/// `validation.IsEnvVarName`'s message for a bad key.
fn bad_env_key(key: &str) -> String {
    format!("{key:?} is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")
}

/// What `set env` asks for: variables to set (name, value) and names to remove.
type EnvChanges = (Vec<(String, String)>, Vec<String>);

/// The environment variables a container gets and those it loses
/// (`KEY=VALUE` from the arguments and `-e`, `KEY-`), checked as kubectl does.
fn env_changes(words: &[String], parsed: &Parsed) -> Result<EnvChanges, String> {
    let mut set: Vec<(String, String)> = Vec::new();
    let mut remove = Vec::new();
    let flagged = parsed.flags.get("env").into_iter().flatten();
    for word in words.iter().chain(flagged) {
        let (key, value) = match word.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => match word.strip_suffix('-') {
                Some(k) => (k, None),
                None => return Err(format!("unknown environment variable: {word}")),
            },
        };
        if !super::run_generator::env_var_name(key) {
            return Err(bad_env_key(key));
        }
        match value {
            Some(v) => set.push((key.to_string(), v.to_string())),
            None => remove.push(key.to_string()),
        }
    }
    Ok((set, remove))
}

/// kubectl's `updateEnv`: existing variables keep their place (replaced by
/// a new value of the same name), removed ones go, new ones follow.
fn update_env(existing: &[Value], set: &[(String, String)], remove: &[String]) -> Vec<Value> {
    let entry = |(k, v): &(String, String)| {
        Value::from([
            ("name", Value::from(k.as_str())),
            ("value", Value::from(v.as_str())),
        ])
    };
    let mut covered: Vec<&str> = remove.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for e in existing {
        let name = e.str_at(&["name"]);
        if covered.contains(&name) {
            continue;
        }
        match set.iter().rev().find(|(k, _)| k == name) {
            Some(newer) => {
                covered.push(newer.0.as_str());
                out.push(entry(newer));
            }
            None => out.push(e.clone()),
        }
    }
    for pair in set {
        if !covered.contains(&pair.0.as_str()) {
            covered.push(pair.0.as_str());
            let last = set.iter().rev().find(|(k, _)| *k == pair.0).unwrap_or(pair);
            out.push(entry(last));
        }
    }
    out
}

/// `kubectl set env TYPE/NAME KEY=VALUE... KEY-... [-c CONTAINER] [--list]`.
fn env(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, ENV_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("set env", &e, out),
    };
    // SplitEnvironmentFromResources: the environment starts at the first
    // word with `=` or a trailing `-`.
    let split = parsed
        .args
        .iter()
        .position(|a| a.contains('=') || a.ends_with('-'))
        .unwrap_or(parsed.args.len());
    let (set, remove) = match env_changes(&parsed.args[split..], &parsed) {
        Ok(c) => c,
        Err(e) => return client_error(&e, out),
    };
    let Some((info, name, _, obj)) = fetch(session, &parsed, &parsed.args[..split], out) else {
        return;
    };
    let (mut containers, pattern) = containers_of(info, &obj, &parsed);
    let matching = containers
        .iter()
        .filter(|c| glob(pattern, c.str_at(&["name"])))
        .count();
    if matching == 0 {
        out.errln(&format!(
            "Warning: {}/{name} does not have any containers matching {pattern:?}",
            info.kind
        ));
        return;
    }
    if parsed.has("list") {
        for c in containers
            .iter()
            .filter(|c| glob(pattern, c.str_at(&["name"])))
        {
            out.outln(&format!(
                "# {} {name}, container {}",
                info.kind,
                c.str_at(&["name"])
            ));
            for e in c.array_at(&["env"]) {
                match e.get("value") {
                    Some(v) => out.outln(&format!(
                        "{}={}",
                        e.str_at(&["name"]),
                        v.as_str().unwrap_or("")
                    )),
                    None => out.outln(&format!("# {} from {}", e.str_at(&["name"]), env_source(e))),
                }
            }
        }
        return;
    }
    let overwrite = parsed.get("overwrite").is_none_or(|v| v != "false");
    for c in containers
        .iter_mut()
        .filter(|c| glob(pattern, c.str_at(&["name"])))
    {
        let existing = c.array_at(&["env"]).to_vec();
        if !overwrite {
            for (key, _) in &set {
                if let Some(old) = existing.iter().find(|e| e.str_at(&["name"]) == key) {
                    return client_error(
                        &format!(
                            "{}/{name} '{key}' already has a value ({}), and --overwrite is false",
                            info.plural,
                            old.str_at(&["value"])
                        ),
                        out,
                    );
                }
            }
        }
        let updated = update_env(&existing, &set, &remove);
        if updated.is_empty() {
            c.remove(&["env"]);
        } else {
            c.set(&["env"], Value::Array(updated));
        }
    }
    if let Err(e) = save(session, &parsed, (info, obj), containers, "env", out) {
        api_error(&e, out);
    }
}

/// Where a `valueFrom` variable comes from, as `set env --list` names it.
fn env_source(e: &Value) -> String {
    let from = |path: &[&str]| e.str_at(&[&["valueFrom"], path].concat()).to_string();
    if e.at(&["valueFrom", "fieldRef"]).is_some() {
        format!("field path {}", from(&["fieldRef", "fieldPath"]))
    } else if e.at(&["valueFrom", "configMapKeyRef"]).is_some() {
        format!(
            "configmap {}, key {}",
            from(&["configMapKeyRef", "name"]),
            from(&["configMapKeyRef", "key"])
        )
    } else if e.at(&["valueFrom", "secretKeyRef"]).is_some() {
        format!(
            "secret {}, key {}",
            from(&["secretKeyRef", "name"]),
            from(&["secretKeyRef", "key"])
        )
    } else {
        "resource field".to_string()
    }
}

/// `--limits` / `--requests` as `name=quantity,...`, each quantity checked.
fn quantities(spec: Option<&str>) -> Result<Vec<(String, String)>, String> {
    let mut list = Vec::new();
    for pair in spec.unwrap_or("").split(',').filter(|p| !p.is_empty()) {
        let (resource, amount) = pair.split_once('=').unwrap_or((pair, ""));
        Quantity::parse(amount).map_err(|e| e.to_string())?;
        list.push((resource.to_string(), amount.to_string()));
    }
    Ok(list)
}

/// `kubectl set resources TYPE/NAME --limits=... --requests=... [-c CONTAINER]`.
fn resources(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, RESOURCES_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("set resources", &e, out),
    };
    if parsed.get("limits").unwrap_or("").is_empty()
        && parsed.get("requests").unwrap_or("").is_empty()
    {
        return client_error(
            "you must specify an update to requests or limits (in the form of --requests/--limits)",
            out,
        );
    }
    let (limits, requests) = match (
        quantities(parsed.get("limits")),
        quantities(parsed.get("requests")),
    ) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => return client_error(&e, out),
    };
    let Some((info, _, _, obj)) = fetch(session, &parsed, &parsed.args, out) else {
        return;
    };
    let (mut containers, pattern) = containers_of(info, &obj, &parsed);
    let mut found = false;
    for c in containers
        .iter_mut()
        .filter(|c| glob(pattern, c.str_at(&["name"])))
    {
        found = true;
        for (field, list) in [("limits", &limits), ("requests", &requests)] {
            for (resource, amount) in list.iter() {
                c.set(
                    &["resources", field, resource],
                    Value::from(amount.as_str()),
                );
            }
        }
    }
    if !found {
        return client_error(&format!("unable to find container named {pattern}"), out);
    }
    if let Err(e) = save(
        session,
        &parsed,
        (info, obj),
        containers,
        "resource requirements",
        out,
    ) {
        client_error(
            &format!(
                "failed to patch resources update to pod template {}",
                e.message
            ),
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_globs_match_as_kubectl_does() {
        assert!(glob("*", "nginx"));
        assert!(glob("ng*", "nginx"));
        assert!(glob("*x", "nginx"));
        assert!(glob("n*i*x", "nginx"));
        assert!(!glob("web", "nginx"));
        assert!(!glob("ng*y", "nginx"));
    }

    #[test]
    fn env_updates_keep_places_and_append_new_ones() {
        let existing = vec![
            Value::from([("name", Value::from("A")), ("value", Value::from("1"))]),
            Value::from([("name", Value::from("B")), ("value", Value::from("2"))]),
        ];
        let set = vec![
            ("C".to_string(), "3".to_string()),
            ("A".to_string(), "9".to_string()),
        ];
        let names: Vec<String> = update_env(&existing, &set, &["B".to_string()])
            .iter()
            .map(|e| format!("{}={}", e.str_at(&["name"]), e.str_at(&["value"])))
            .collect();
        assert_eq!(names, ["A=9", "C=3"]);
    }
}
