//! `kubectl describe TYPE [NAME...]`: fetches the object, its events and
//! the related objects a describer needs, and prints the layouts of
//! `crate::describe`, separated by blank lines when several objects match.

use ordinal_model::kinds::ResourceInfo;
use ordinal_model::labels::Selector;
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{api_error, client_error, flag_error, namespace_of, resolve};
use crate::describe::{self, Context};
use crate::printers::PrintContext;
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
    value("selector", Some('l')),
    switch("all-namespaces", Some('A')),
    value("show-events", None),
    value("filename", Some('f')),
];

/// The events about `obj`, listed as describe's `searchEvents` does: by
/// the field selector `EventInterface.GetFieldSelector` builds.
fn events_for(session: &Session, obj: &Value) -> Vec<Value> {
    let name = obj.str_at(&["metadata", "name"]);
    let ns = obj.str_at(&["metadata", "namespace"]);
    let mut fields = format!("involvedObject.name={name},involvedObject.namespace={ns}");
    for (field, value) in [
        ("kind", obj.str_at(&["kind"])),
        ("uid", obj.str_at(&["metadata", "uid"])),
    ] {
        if !value.is_empty() {
            fields.push_str(&format!(",involvedObject.{field}={value}"));
        }
    }
    let ns_filter = if ns.is_empty() { None } else { Some(ns) };
    session
        .sim
        .list("events", ns_filter, "", &fields)
        .unwrap_or_default()
}

fn related(session: &Session, obj: &Value) -> Vec<Value> {
    let ns = obj.str_at(&["metadata", "namespace"]);
    match obj.str_at(&["kind"]) {
        "StatefulSet" => {
            let Ok(selector) = Selector::from_label_selector(
                obj.at(&["spec", "selector"]).unwrap_or(&Value::Null),
            ) else {
                return Vec::new();
            };
            session
                .sim
                .list("pods", Some(ns), "", "")
                .unwrap_or_default()
                .into_iter()
                .filter(|p| selector.matches(p.at(&["metadata", "labels"])))
                .filter(|p| {
                    p.array_at(&["metadata", "ownerReferences"])
                        .iter()
                        .any(|o| {
                            o.at(&["controller"]).and_then(Value::as_bool) == Some(true)
                                && o.str_at(&["uid"]) == obj.str_at(&["metadata", "uid"])
                        })
                })
                .collect()
        }
        "PersistentVolumeClaim" => {
            let claim = obj.str_at(&["metadata", "name"]);
            session
                .sim
                .list("pods", Some(ns), "", "")
                .unwrap_or_default()
                .into_iter()
                .filter(|p| {
                    p.array_at(&["spec", "volumes"])
                        .iter()
                        .any(|v| v.str_at(&["persistentVolumeClaim", "claimName"]) == claim)
                })
                .collect()
        }
        "Deployment" => controlled_by(session, "replicasets", obj),
        "ReplicaSet" | "DaemonSet" => controlled_by(session, "pods", obj),
        "Node" => {
            // The pods, and the node's Lease in kube-node-lease.
            let name = obj.str_at(&["metadata", "name"]);
            let mut related = session.sim.list("pods", None, "", "").unwrap_or_default();
            let lease_ns = ordinal_core::kubelet::heartbeat::NODE_LEASE_NAMESPACE;
            if let Ok(lease) = session.sim.get("leases", lease_ns, name) {
                related.push(lease);
            }
            related
        }
        "Service" => {
            let selector = format!(
                "kubernetes.io/service-name={}",
                obj.str_at(&["metadata", "name"])
            );
            session
                .sim
                .list("endpointslices", Some(ns), &selector, "")
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// Objects of `resource` in `owner`'s namespace whose controller is `owner`.
fn controlled_by(session: &Session, resource: &str, owner: &Value) -> Vec<Value> {
    let uid = owner.str_at(&["metadata", "uid"]);
    session
        .sim
        .list(
            resource,
            Some(owner.str_at(&["metadata", "namespace"])),
            "",
            "",
        )
        .unwrap_or_default()
        .into_iter()
        .filter(|o| {
            o.array_at(&["metadata", "ownerReferences"])
                .iter()
                .any(|r| {
                    r.at(&["controller"]).and_then(Value::as_bool) == Some(true)
                        && r.str_at(&["uid"]) == uid
                })
        })
        .collect()
}

/// Runs `kubectl describe`.
#[inline(never)]
pub fn run(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("describe", &e, out),
    };
    let Some(first) = parsed.args.first() else {
        return client_error("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.", out);
    };
    let namespace = namespace_of(&parsed);
    let (kind, names): (String, Vec<String>) = match first.split_once('/') {
        Some((k, n)) => (k.to_string(), vec![n.to_string()]),
        None => (first.clone(), parsed.args[1..].to_vec()),
    };
    let Some(info) = resolve(&kind, out) else {
        return;
    };
    super::warn_if_endpoints(info.kind, out);
    let mut objects = Vec::new();
    if names.is_empty() {
        let ns = if parsed.has("all-namespaces") {
            None
        } else {
            Some(namespace.as_str())
        };
        let selectors = super::Selectors::of(&parsed);
        match session.sim.list(info.plural, ns, &selectors.labels, "") {
            Ok(items) => objects = items,
            Err(e) => return api_error(&selectors.list_error(info, e), out),
        }
        if objects.is_empty() {
            if info.namespaced && ns.is_some() {
                out.errln(&format!("No resources found in {namespace} namespace."));
            } else {
                out.errln("No resources found");
            }
            return;
        }
    } else {
        for name in &names {
            match session.sim.get(info.plural, &namespace, name) {
                Ok(obj) => objects.push(obj),
                Err(e) => {
                    if e.code == 404 && parsed.args.len() == 2 {
                        return describe_matching(
                            session, &parsed, info, &namespace, name, &e, out,
                        );
                    }
                    api_error(&e, out);
                }
            }
        }
    }
    // Events are shown by default for one object only (describe.go: off
    // for several objects, or after an error), unless --show-events says.
    let show_events = match parsed.get("show-events") {
        Some(flag) => flag != "false",
        None => objects.len() == 1 && out.exit_code == 0,
    };
    print_descriptions(session, info, &names, &objects, show_events, "\n\n", out);
}

/// `DescribeMatchingResources`: `describe TYPE NAME` where no object is
/// named NAME describes every one whose name starts with it (events only
/// with --show-events), each followed by a newline; none matching is the
/// lookup's own error.
fn describe_matching(
    session: &Session,
    parsed: &flags::Parsed,
    info: &'static ResourceInfo,
    namespace: &str,
    prefix: &str,
    not_found: &ordinal_core::ApiError,
    out: &mut CommandOutput,
) {
    let matching: Vec<Value> = match session.sim.list(info.plural, Some(namespace), "", "") {
        Ok(items) => items
            .into_iter()
            .filter(|o| o.str_at(&["metadata", "name"]).starts_with(prefix))
            .collect(),
        Err(e) => return api_error(&e, out),
    };
    if matching.is_empty() {
        return api_error(not_found, out);
    }
    let show_events = parsed.get("show-events").is_some_and(|f| f != "false");
    for obj in &matching {
        print_descriptions(
            session,
            info,
            &[],
            std::slice::from_ref(obj),
            show_events,
            "",
            out,
        );
        out.out("\n");
    }
}

/// Each object's description, `separator` between them.
fn print_descriptions(
    session: &Session,
    info: &'static ResourceInfo,
    names: &[String],
    objects: &[Value],
    show_events: bool,
    separator: &str,
    out: &mut CommandOutput,
) {
    // kubectl does not look up events about events when it lists them all.
    let listed_events = info.kind == "Event" && names.is_empty();
    let now_ms = session.sim.now();
    for (i, obj) in objects.iter().enumerate() {
        let related = related(session, obj);
        let ctx = Context {
            print: PrintContext { now_ms },
            events: show_events.then(|| events_for(session, obj)),
            related: &related,
        };
        let text = if listed_events {
            describe::describe_without_events(obj, &ctx)
        } else {
            describe::describe(obj, &ctx)
        };
        if i > 0 {
            out.out(separator);
        }
        out.out(&text);
    }
}
