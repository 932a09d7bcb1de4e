//! Smaller kubectl commands: scale, version, label/annotate, patch, set image,
//! cordon/uncordon, api-resources. Mirrors the matching files under kubectl
//! pkg/cmd/ (scale/scale.go, version/version.go, label/label.go,
//! annotate/annotate.go, patch/patch.go, set/set_image.go, drain/drain.go).

use ordinal_core::apiserver::patch::apply_patch;
use ordinal_core::PatchType;
use ordinal_model::kinds::{self, ResourceInfo};
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{api_error, client_error, flag_error, kind_slash_name, namespace_of, resolve};
use crate::shell::Session;
use crate::transcript::CommandOutput;

/// Client version string.
pub const CLIENT_VERSION: &str = "v1.36.3";
/// Kustomize version bundled with that kubectl.
pub const KUSTOMIZE_VERSION: &str = "v5.8.1";

/// Resolves `TYPE NAME` or `TYPE/NAME` from positional args.
pub(super) fn target<'a>(
    args: &'a [String],
    out: &mut CommandOutput,
) -> Option<(&'static ResourceInfo, &'a str, &'a [String])> {
    let first = args.first()?;
    if let Some((kind, name)) = first.split_once('/') {
        return Some((resolve(kind, out)?, name, &args[1..]));
    }
    let info = resolve(first, out)?;
    let Some(name) = args.get(1) else {
        client_error("resource name may not be empty", out);
        return None;
    };
    Some((info, name, &args[2..]))
}

pub(super) const SCALE_SPECS: &[FlagSpec] = &[
    value("replicas", None),
    value("current-replicas", None),
    value("resource-version", None),
    value("filename", Some('f')),
    value("selector", Some('l')),
    switch("all", None),
    value("timeout", None),
    value("dry-run", None),
    value("output", Some('o')),
];

/// `kubectl scale`.
#[inline(never)]
pub fn scale(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SCALE_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("scale", &e, out),
    };
    let Some(replicas) = parsed.get("replicas") else {
        return client_error("required flag(s) \"replicas\" not set", out);
    };
    let replicas = match replicas.parse::<i64>() {
        Ok(r) if r >= 0 => r,
        _ => return client_error(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
            out,
        ),
    };
    let Some((info, name, _)) = target(&parsed.args, out) else {
        if parsed.args.is_empty() {
            client_error("resource(s) were provided, but no name was specified", out);
        }
        return;
    };
    let ns = namespace_of(&parsed);
    let current = match session.sim.get(info.plural, &ns, name) {
        Ok(obj) => obj,
        Err(e) => return api_error(&e, out),
    };
    if let Some(expected) = parsed
        .get("current-replicas")
        .and_then(|c| c.parse::<i64>().ok())
    {
        let actual = current.i64_at(&["spec", "replicas"]).unwrap_or(1);
        if expected != -1 && expected != actual {
            return client_error(
                &format!("Expected replicas to be {expected}, was {actual}"),
                out,
            );
        }
    }
    // The scale subresource carries the object's resourceVersion.
    if let Some(expected) = parsed.get("resource-version").filter(|v| !v.is_empty()) {
        let actual = current.str_at(&["metadata", "resourceVersion"]);
        if expected != actual {
            return client_error(
                &format!("Expected resource version to be {expected}, was {actual}"),
                out,
            );
        }
    }
    let (dry_run, format) = match super::output::send_options(session, &parsed) {
        Ok(options) => options,
        Err(e) => return client_error(&e, out),
    };
    let scaled = match dry_run {
        Some(mode) => {
            let mut changed = current.clone();
            changed.set(&["spec", "replicas"], Value::Int(replicas));
            super::dry_run_update(session, mode, (info.plural, &ns), changed)
        }
        None => session.sim.scale(info.plural, &ns, name, replicas),
    };
    match scaled {
        Ok(obj) => super::output::print_result(
            format.as_deref(),
            dry_run,
            &info.qualified_singular(),
            &obj,
            "scaled",
            out,
        ),
        Err(e) => api_error(&e, out),
    }
}

/// `kubectl version`.
#[inline(never)]
pub fn version(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let client_only = args.iter().any(|a| a == "--client" || a == "--client=true");
    let minor = session.sim.config().minor_version;
    if minor == 36 {
        out.outln(&format!("Client Version: {CLIENT_VERSION}"));
    } else {
        out.outln(&format!("Client Version: v1.{minor}.0"));
    }
    out.outln(&format!("Kustomize Version: {KUSTOMIZE_VERSION}"));
    if !client_only {
        out.outln(&format!(
            "Server Version: v1.{}.0",
            session.sim.config().minor_version
        ));
    }
}

pub(super) const LABEL_SPECS: &[FlagSpec] = &[
    switch("overwrite", None),
    switch("all", None),
    switch("all-namespaces", Some('A')),
    value("selector", Some('l')),
    value("field-selector", None),
    switch("list", None),
    value("output", Some('o')),
    value("dry-run", None),
];

/// Splits `kubectl label|annotate` arguments into resources and changes
/// (`KEY=VALUE`, `KEY-`), all resources first (`GetResourcesAndPairs`).
fn resources_and_pairs<'a>(
    args: &'a [String],
    noun: &str,
) -> Result<(&'a [String], &'a [String]), String> {
    let is_pair =
        |s: &str| (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
    let split = args.iter().position(|a| is_pair(a)).unwrap_or(args.len());
    if let Some(late) = args[split..].iter().find(|a| !is_pair(a)) {
        return Err(format!(
            "all resources must be specified before {noun} changes: {late}"
        ));
    }
    Ok((&args[..split], &args[split..]))
}

/// `kubectl label` / `kubectl annotate` (pkg/cmd/label/label.go,
/// pkg/cmd/annotate/annotate.go): every object the arguments name, by name,
/// `TYPE/NAME`, `-l`, `--field-selector` or `--all` (`-A` across
/// namespaces), one line each; errors are collected and printed after, one
/// alone with `error: `, several one a line, as `cmdutil.CheckErr` prints
/// an aggregate.
#[inline(never)]
pub fn label(session: &mut Session, command: &str, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, LABEL_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error(command, &e, out),
    };
    let noun = if command == "label" {
        "label"
    } else {
        "annotation"
    };
    let (resources, pairs) = match resources_and_pairs(&parsed.args, noun) {
        Ok(split) => split,
        Err(e) => return client_error(&e, out),
    };
    let selectors = super::Selectors::of(&parsed);
    let all = parsed.has("all");
    let list = parsed.has("list") && command == "label";
    if all && !selectors.labels.is_empty() {
        return client_error("cannot set --all and --selector at the same time", out);
    }
    if all && !selectors.fields.is_empty() {
        return client_error(
            "cannot set --all and --field-selector at the same time",
            out,
        );
    }
    if resources.is_empty() {
        return client_error(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
            out,
        );
    }
    if pairs.is_empty() && !list {
        return client_error(&format!("at least one {noun} update is required"), out);
    }
    let (dry_run, format) = match super::output::send_options(session, &parsed) {
        Ok(options) => options,
        Err(e) => return client_error(&e, out),
    };
    let ns = namespace_of(&parsed);
    let Some((targets, list_errors)) = super::resource_targets(
        session,
        resources,
        &ns,
        parsed.has("all-namespaces"),
        &selectors,
        all,
        out,
    ) else {
        return;
    };
    let one = targets.len() == 1;
    let mut errors: Vec<String> = Vec::new();
    for (info, ns, name) in targets {
        let current = match session.sim.get(info.plural, &ns, &name) {
            Ok(obj) => obj,
            Err(e) => {
                errors.push(super::format_api_error(&e));
                continue;
            }
        };
        if list {
            list_labels(&current, one, out);
            continue;
        }
        match change_metadata(
            session,
            (command, info),
            &current,
            pairs,
            (parsed.has("overwrite"), dry_run),
            out,
        ) {
            Ok((verb, changed)) => super::output::print_result(
                format.as_deref(),
                dry_run,
                &info.qualified_singular(),
                &changed,
                &verb,
                out,
            ),
            Err(e) => errors.push(e),
        }
    }
    errors.extend(list_errors);
    match errors.as_slice() {
        [] => {}
        [only] if only.starts_with("Error from server") => {
            out.errln(only);
            out.exit_code = 1;
        }
        [only] => client_error(only, out),
        many => {
            for e in many {
                out.errln(e);
            }
            out.exit_code = 1;
        }
    }
}

/// `kubectl label --list`: the object's labels, under a heading when
/// several objects are listed (Go prints a map in random order; sorted here).
fn list_labels(obj: &Value, one: bool, out: &mut CommandOutput) {
    let indent = if one {
        ""
    } else {
        out.outln(&format!(
            "Listing labels for {}.{}/{}:",
            obj.str_at(&["kind"]),
            obj.str_at(&["apiVersion"]).rsplit('/').next().unwrap_or(""),
            obj.str_at(&["metadata", "name"])
        ));
        " "
    };
    if let Some(labels) = obj.at(&["metadata", "labels"]).and_then(Value::as_object) {
        for (k, v) in labels.iter() {
            out.outln(&format!("{indent}{k}={}", v.as_str().unwrap_or("")));
        }
    }
}

/// Applies `KEY=VALUE` / `KEY-` changes to one object's labels or
/// annotations; the verb to print (`labeled`, `unlabeled`, `modified`,
/// `not labeled`; `annotated` whatever changed), or the error for that
/// object (annotate names every conflicting key at once).
fn change_metadata(
    session: &mut Session,
    (command, info): (&str, &'static ResourceInfo),
    current: &Value,
    changes: &[String],
    (overwrite, dry_run): (bool, Option<&str>),
    out: &mut CommandOutput,
) -> Result<(String, Value), String> {
    let field = if command == "label" {
        "labels"
    } else {
        "annotations"
    };
    let existing = current
        .at(&["metadata", field])
        .cloned()
        .unwrap_or_default();
    let mut patch_map = Value::object();
    let (mut added, mut removed) = (false, false);
    let mut conflicts: Vec<String> = Vec::new();
    for change in changes {
        if let Some(key) = change.strip_suffix('-') {
            if existing.get(key).is_some() {
                patch_map.set(&[key], Value::Null);
                removed = true;
            } else if command == "label" {
                out.errln(&format!("label {key:?} not found."));
            }
        } else if let Some((key, val)) = change.split_once('=') {
            if let Some(old) = existing.get(key).and_then(Value::as_str) {
                if old == val {
                    continue;
                }
                if !overwrite {
                    conflicts.push(format!("'{key}' already has a value ({old})"));
                    continue;
                }
            }
            patch_map.set(&[key], Value::from(val));
            added = true;
        }
    }
    if let Some(first) = conflicts.first() {
        return Err(if command == "label" {
            format!("{first}, and --overwrite is false")
        } else {
            format!(
                "--overwrite is false but found the following declared annotation(s): {}",
                conflicts.join("; ")
            )
        });
    }
    let past = if command == "label" {
        "labeled"
    } else {
        "annotated"
    };
    let verb = match (added, removed) {
        _ if command == "annotate" => past.to_string(),
        (true, true) => "modified".to_string(),
        (true, false) => past.to_string(),
        (false, true) => format!("un{past}"),
        (false, false) => format!("not {past}"),
    };
    if !added && !removed {
        return Ok((verb, current.clone()));
    }
    let ns = current.str_at(&["metadata", "namespace"]);
    let name = current.str_at(&["metadata", "name"]);
    let patch = Value::from([("metadata", Value::from([(field, patch_map)]))]);
    let changed = match dry_run {
        // A client dry run patches its own copy; a server one is checked.
        Some(mode) => super::dry_run_update(
            session,
            mode,
            (info.plural, ns),
            apply_patch(current, &patch, PatchType::Merge),
        )
        .map_err(|e| super::format_api_error(&e))?,
        None => session
            .sim
            .patch(info.plural, ns, name, &patch, PatchType::Merge)
            .map_err(|e| super::format_api_error(&e))?,
    };
    Ok((verb, changed))
}

pub(super) const PATCH_SPECS: &[FlagSpec] = &[
    value("patch", Some('p')),
    value("type", None),
    value("output", Some('o')),
    value("patch-file", None),
];

/// `kubectl patch`.
#[inline(never)]
pub fn patch(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, PATCH_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("patch", &e, out),
    };
    let Some((info, name, _)) = target(&parsed.args, out) else {
        return;
    };
    let format = match super::output::object_format(session, &parsed) {
        Ok(f) => f,
        Err(e) => return client_error(&e, out),
    };
    let text = match (parsed.get("patch"), parsed.get("patch-file")) {
        (Some(_), Some(_)) => {
            return client_error("cannot specify --patch and --patch-file together", out)
        }
        (Some(text), None) => text.to_string(),
        (None, Some(file)) => match session.files.get(file) {
            Some(text) => text.clone(),
            None => {
                return client_error(
                    &format!("unable to read patch file: open {file}: no such file or directory"),
                    out,
                )
            }
        },
        (None, None) => {
            return client_error(
                "must specify --patch or --patch-file containing the contents of the patch",
                out,
            )
        }
    };
    let text = text.as_str();
    let requested = parsed.get("type").unwrap_or("strategic");
    let kind = match requested.to_lowercase().as_str() {
        "merge" => Some(PatchType::Merge),
        "strategic" => Some(PatchType::Strategic),
        "json" => None,
        _ => {
            let other = requested;
            return client_error(
                &format!("--type must be one of [json merge strategic], not \"{other}\""),
                out,
            );
        }
    };
    let stream = ordinal_model::yaml::parse_stream(text);
    let patch_value = match (stream.error, stream.docs.into_iter().next()) {
        (None, Some(doc)) => doc.value,
        (None, None) => Value::Null,
        (Some(e), _) => {
            return client_error(
                &format!(
                    "unable to parse {}: {}",
                    ordinal_model::validation::go_quote(text),
                    e.message
                ),
                out,
            )
        }
    };
    let ns = namespace_of(&parsed);
    let before = match session.sim.get(info.plural, &ns, name) {
        Ok(obj) => obj,
        Err(e) => return api_error(&e, out),
    };
    let result = match kind {
        Some(kind) => session
            .sim
            .patch(info.plural, &ns, name, &patch_value, kind),
        None => match crate::jsonpatch::patch_stored(
            &mut session.sim,
            info.plural,
            &ns,
            name,
            &patch_value,
        ) {
            Ok(patched) => Ok(patched),
            Err(crate::jsonpatch::JsonPatchError::TooManyOperations(n)) => {
                out.errln(&format!(
                    "Error from server (RequestEntityTooLarge): {}",
                    crate::jsonpatch::too_many(n)
                ));
                out.exit_code = 1;
                return;
            }
            Err(e) => Err(e.to_api_error()),
        },
    };
    match result {
        Ok(after) => {
            let unchanged = before.str_at(&["metadata", "resourceVersion"])
                == after.str_at(&["metadata", "resourceVersion"]);
            let suffix = if unchanged { " (no change)" } else { "" };
            match format.as_deref() {
                Some(format) => super::output::print_result(
                    Some(format),
                    None,
                    &info.qualified_singular(),
                    &after,
                    "patched",
                    out,
                ),
                None => out.outln(&format!("{} patched{suffix}", kind_slash_name(info, name))),
            }
        }
        Err(e) => api_error(&e, out),
    }
}

pub(super) const CORDON_SPECS: &[FlagSpec] =
    &[value("dry-run", None), value("selector", Some('l'))];

/// `kubectl cordon` / `uncordon`.
#[inline(never)]
pub fn cordon(session: &mut Session, command: &str, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, CORDON_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error(command, &e, out),
    };
    let dry_run = match super::output::dry_run(&parsed) {
        Ok(d) => d,
        Err(e) => return client_error(&e, out),
    };
    let suffix = super::output::dry_run_suffix(dry_run);
    let Some(node) = parsed.args.first() else {
        return client_error(&format!("USAGE: {command} NODE [flags]"), out);
    };
    let unschedulable = command == "cordon";
    let current = match session.sim.get("nodes", "", node) {
        Ok(n) => n,
        Err(e) => return api_error(&e, out),
    };
    let already = current
        .at(&["spec", "unschedulable"])
        .and_then(Value::as_bool)
        == Some(true);
    if already == unschedulable {
        out.outln(&format!("node/{node} already {command}ed{suffix}"));
        return;
    }
    let value = if unschedulable {
        Value::Bool(true)
    } else {
        Value::Null
    };
    let patch = Value::from([("spec", Value::from([("unschedulable", value)]))]);
    let result = match dry_run {
        Some(mode) => super::dry_run_update(
            session,
            mode,
            ("nodes", ""),
            apply_patch(&current, &patch, PatchType::Merge),
        ),
        None => session
            .sim
            .patch("nodes", "", node, &patch, PatchType::Merge),
    };
    match result {
        Ok(_) => out.outln(&format!("node/{node} {command}ed{suffix}")),
        Err(e) => api_error(&e, out),
    }
}

/// `kubectl api-resources`.
#[inline(never)]
pub fn api_resources(args: &[String], out: &mut CommandOutput) {
    let namespaced_filter = args
        .iter()
        .find_map(|a| a.strip_prefix("--namespaced="))
        .map(|v| v == "true");
    let mut text = String::from("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n");
    let mut rows: Vec<&ResourceInfo> = kinds::RESOURCES
        .iter()
        .filter(|r| namespaced_filter.is_none_or(|n| r.namespaced == n))
        .collect();
    ordinal_model::order::sort_by_key(&mut rows, |r| (r.group.to_string(), r.plural));
    for r in rows {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            r.plural,
            r.short_names.join(","),
            r.api_version(),
            r.namespaced,
            r.kind
        ));
    }
    out.out(&crate::tabwriter::TabWriter::new(crate::tabwriter::KUBECTL_TABLE).format(&text));
}

/// `kubectl api-versions`: the group versions the server serves, sorted.
#[inline(never)]
pub fn api_versions(out: &mut CommandOutput) {
    let mut versions: Vec<String> = kinds::RESOURCES.iter().map(|r| r.api_version()).collect();
    ordinal_model::order::sort(&mut versions);
    versions.dedup();
    for v in versions {
        out.outln(&v);
    }
}

/// The API server address a kind cluster's kubeconfig points at.
const SERVER: &str = "https://127.0.0.1:6443";

/// Process id shown in kubectl's klog lines.
const KUBECTL_PID: u32 = 4127;

/// What kubectl prints while the control plane node is stopped (its
/// kube-apiserver with it), as kubectl v1.36 does against a refused
/// connection: client-go's discovery errors as klog lines (as many as the
/// command's discovery attempts), then the refusal; exit 1. Returns false
/// for commands that need no server.
pub fn refuse_without_server(
    session: &mut Session,
    command: &str,
    args: &[String],
    out: &mut CommandOutput,
) -> bool {
    let host = SERVER.trim_start_matches("https://");
    let dial = format!("dial tcp {host}: connect: connection refused");
    let discovery_errors = match command {
        "config" | "completion" | "plugin" | "options" | "kustomize" | "alpha" => return false,
        "version" if args.iter().any(|a| a == "--client" || a == "--client=true") => return false,
        "version" => {
            version(session, &["--client".to_string()], out);
            0
        }
        "apply" | "create" | "replace" => {
            let file = args
                .iter()
                .position(|a| a == "-f" || a == "--filename")
                .and_then(|i| args.get(i + 1))
                .map(String::as_str)
                .or_else(|| args.iter().find_map(|a| a.strip_prefix("--filename=")))
                .filter(|f| session.files.contains_key(*f));
            if let Some(file) = file {
                out.errln(&format!("error: error validating \"{file}\": error validating data: failed to download openapi: Get \"{SERVER}/openapi/v2?timeout=32s\": {dial}; if you choose to ignore these errors, turn validation off with --validate=false"));
                out.exit_code = 1;
                return true;
            }
            5
        }
        "events" | "top" => 0,
        "api-resources" => 1,
        "explain" => 2,
        "logs" | "exec" | "attach" | "cp" | "port-forward" | "cordon" | "uncordon" | "wait"
        | "drain" => 4,
        _ => 5,
    };
    let at = ordinal_core::clock::rfc3339(session.sim.now());
    let header = format!(
        "E{}{} {}.{:06} {KUBECTL_PID:>7} memcache.go:265]",
        &at[5..7],
        &at[8..10],
        &at[11..19],
        session.sim.now() % 1000 * 1000
    );
    for _ in 0..discovery_errors {
        out.errln(&format!("{header} \"Unhandled Error\" err=\"couldn't get current server API group list: Get \\\"{SERVER}/api?timeout=32s\\\": {dial}\""));
    }
    if command == "cluster-info" {
        out.outln("");
        out.outln(
            "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.",
        );
    }
    out.errln(&format!(
        "The connection to the server {host} was refused - did you specify the right host or port?"
    ));
    out.exit_code = 1;
    true
}

/// `kubectl cluster-info`: the control plane and the services labelled
/// `kubernetes.io/cluster-service=true` (CoreDNS on kind).
#[inline(never)]
pub fn cluster_info(args: &[String], out: &mut CommandOutput) {
    if args.first().map(String::as_str) == Some("dump") {
        return client_error(
            "cluster-info dump is not supported by this simulated cluster; use kubectl get, describe and logs",
            out,
        );
    }
    out.outln(&format!("Kubernetes control plane is running at {SERVER}"));
    out.outln(&format!(
        "CoreDNS is running at {SERVER}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy"
    ));
    out.outln("");
    out.outln("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
}

/// The kubeconfig context, cluster and user names of a kind cluster.
const CONTEXT: &str = "kind-kind";

/// `kubectl config current-context | get-contexts | get-clusters | view`
/// for the kubeconfig kind writes (secrets shown as kubectl redacts them).
#[inline(never)]
pub fn config(args: &[String], out: &mut CommandOutput) {
    match args.first().map(String::as_str) {
        Some("current-context") => out.outln(CONTEXT),
        Some("get-contexts") => out.out(&crate::tabwriter::format_table(&format!(
            "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n*\t{CONTEXT}\t{CONTEXT}\t{CONTEXT}\t\n"
        ))),
        Some("get-clusters") => {
            out.outln("NAME");
            out.outln(CONTEXT);
        }
        Some("view") => out.out(&format!(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: {SERVER}\n  name: {CONTEXT}\ncontexts:\n- context:\n    cluster: {CONTEXT}\n    user: {CONTEXT}\n  name: {CONTEXT}\ncurrent-context: {CONTEXT}\nkind: Config\nusers:\n- name: {CONTEXT}\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"
        )),
        Some(other) => {
            out.errln(&format!("error: unknown command \"{other}\""));
            out.errln("See 'kubectl config -h' for help and examples");
            out.exit_code = 1;
        }
        None => client_error(
            "a subcommand is required: current-context, get-contexts, get-clusters or view",
            out,
        ),
    }
}

/// The user a kind cluster's kubeconfig authenticates as.
pub const ADMIN_USER: &str = "kubernetes-admin";
/// That user's groups, as `kubectl auth whoami` lists them.
pub const ADMIN_GROUPS: &[&str] = &["kubeadm:cluster-admins", "system:authenticated"];

/// `kubectl auth can-i ...` / `auth whoami` as the cluster admin kind configures.
#[inline(never)]
pub fn auth(args: &[String], out: &mut CommandOutput) {
    match args.first().map(String::as_str) {
        Some("can-i") => out.outln("yes"),
        Some("whoami") => out.out(&crate::tabwriter::format_table(&format!(
            "ATTRIBUTE\tVALUE\nUsername\t{ADMIN_USER}\nGroups\t[{}]\n",
            ADMIN_GROUPS.join(" ")
        ))),
        _ => client_error("a subcommand is required: can-i or whoami", out),
    }
}
