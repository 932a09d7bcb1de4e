//! `kubectl drain` (kubectl pkg/cmd/drain/drain.go with pkg/drain): cordon,
//! the pod filters and their messages, one eviction per pod through the
//! eviction subresource ([`ordinal_core::Sim::evict`]), retried every 5 s
//! while it answers 429 (a PodDisruptionBudget with no disruption left),
//! then waiting until each evicted pod is gone or replaced by a new one of
//! the same name.

use ordinal_core::{DeleteOptions, Propagation};
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{client_error, flag_error, format_api_error, watch};
use crate::shell::Session;
use crate::transcript::CommandOutput;

/// How long kubectl waits before retrying an eviction a budget refused (ms).
const EVICTION_RETRY_MS: u64 = 5_000;

pub(super) const DRAIN_SPECS: &[FlagSpec] = &[
    switch("ignore-daemonsets", None),
    switch("delete-emptydir-data", None),
    switch("force", None),
    switch("disable-eviction", None),
    value("grace-period", None),
    value("timeout", None),
    value("pod-selector", None),
    value("selector", Some('l')),
    value("dry-run", None),
];

/// What drain does with one pod (pkg/drain/filters.go `PodDeleteStatus`).
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Delete,
    /// Left alone silently (a mirror pod).
    Skip,
    /// Deleted (or left, for a DaemonSet's pod) with a warning.
    Warn(bool, String),
    /// Refused: drain fails with `cannot delete MESSAGE`.
    Refuse(String),
}

impl Verdict {
    fn deletes(&self) -> bool {
        matches!(self, Verdict::Delete | Verdict::Warn(true, _))
    }
}

/// The pod filters in their order (`makeFilters`: daemonSet, mirrorPod,
/// localStorage, unreplicated); the first that keeps the pod decides,
/// otherwise the last one's verdict stands.
fn verdict(session: &Session, pod: &Value, parsed: &flags::Parsed) -> Verdict {
    let finished = matches!(pod.str_at(&["status", "phase"]), "Succeeded" | "Failed");
    let controller = pod
        .array_at(&["metadata", "ownerReferences"])
        .iter()
        .find(|o| o.at(&["controller"]).and_then(Value::as_bool) == Some(true));
    let daemon_set = controller
        .filter(|c| c.str_at(&["kind"]) == "DaemonSet" && c.str_at(&["apiVersion"]) == "apps/v1");
    if let (Some(owner), false) = (daemon_set, finished) {
        let ns = pod.str_at(&["metadata", "namespace"]);
        let name = owner.str_at(&["name"]);
        if session.sim.object("daemonsets", ns, name).is_none() {
            let error = format!("daemonsets.apps \"{name}\" not found");
            return if parsed.has("force") {
                Verdict::Warn(true, error)
            } else {
                Verdict::Refuse(error)
            };
        }
        if !parsed.has("ignore-daemonsets") {
            return Verdict::Refuse(
                "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)".into(),
            );
        }
        return Verdict::Warn(false, "ignoring DaemonSet-managed Pods".into());
    }
    if pod
        .at(&["metadata", "annotations", "kubernetes.io/config.mirror"])
        .is_some()
    {
        return Verdict::Skip;
    }
    let local_storage = pod
        .array_at(&["spec", "volumes"])
        .iter()
        .any(|v| v.get("emptyDir").is_some());
    if local_storage && !finished && !parsed.has("delete-emptydir-data") {
        return Verdict::Refuse(
            "Pods with local storage (use --delete-emptydir-data to override)".into(),
        );
    }
    if finished || controller.is_some() {
        return Verdict::Delete;
    }
    if parsed.has("force") {
        return Verdict::Warn(true, "deleting Pods that declare no controller".into());
    }
    Verdict::Refuse("Pods that declare no controller (use --force to override)".into())
}

/// The pods on `node` with drain's verdict on each (`GetPodsForDeletion`).
fn pods_for_deletion(
    session: &Session,
    node: &str,
    parsed: &flags::Parsed,
) -> Vec<(Value, Verdict)> {
    // As pkg/drain/drain.go lists them: by the `spec.nodeName` field.
    let on_node = format!("spec.nodeName={node}");
    session
        .sim
        .list(
            "pods",
            None,
            parsed.get("pod-selector").unwrap_or(""),
            &on_node,
        )
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let v = verdict(session, &p, parsed);
            (p, v)
        })
        .collect()
}

/// `namespace/name` of a pod.
fn qualified(pod: &Value) -> String {
    format!(
        "{}/{}",
        pod.str_at(&["metadata", "namespace"]),
        pod.str_at(&["metadata", "name"])
    )
}

/// Messages with the pods they apply to, in first-seen order.
fn grouped(items: impl Iterator<Item = (String, String)>) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (message, pod) in items {
        match groups.iter_mut().find(|(m, _)| *m == message) {
            Some((_, pods)) => pods.push(pod),
            None => groups.push((message, vec![pod])),
        }
    }
    groups
        .into_iter()
        .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
        .collect()
}

/// `kubectl drain NODE`.
#[inline(never)]
pub fn drain(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, DRAIN_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("drain", &e, out),
    };
    let Some(node) = parsed.args.first().cloned() else {
        return client_error("USAGE: drain NODE [flags]", out);
    };
    let mut cordon = CommandOutput::default();
    super::misc::cordon(session, "cordon", std::slice::from_ref(&node), &mut cordon);
    let failed = cordon.exit_code != 0;
    out.append(cordon);
    if failed {
        return;
    }
    let verdicts = pods_for_deletion(session, &node, &parsed);
    let refusals = grouped(verdicts.iter().filter_map(|(p, v)| match v {
        Verdict::Refuse(m) => Some((format!("cannot delete {m}"), qualified(p))),
        _ => None,
    }));
    if !refusals.is_empty() {
        return report_failure(&node, &refusals, out);
    }
    let warnings = grouped(verdicts.iter().filter_map(|(p, v)| match v {
        Verdict::Warn(_, m) => Some((m.clone(), qualified(p))),
        _ => None,
    }));
    if !warnings.is_empty() {
        out.errln(&format!("Warning: {}", warnings.join("; ")));
    }
    let pods: Vec<Value> = verdicts
        .into_iter()
        .filter(|(_, v)| v.deletes())
        .map(|(p, _)| p)
        .collect();
    let opts = DeleteOptions {
        grace_period_seconds: parsed
            .get("grace-period")
            .and_then(|g| g.parse::<i64>().ok())
            .filter(|g| *g >= 0),
        propagation: Propagation::Background,
        dry_run: false,
    };
    let timeout_ms = parsed
        .get("timeout")
        .and_then(crate::shell::parse_seconds)
        .filter(|ms| *ms > 0);
    let started = session.sim.now();
    let mut evictions: Vec<Eviction> = pods
        .iter()
        .map(|p| Eviction {
            namespace: p.str_at(&["metadata", "namespace"]).to_string(),
            name: p.str_at(&["metadata", "name"]).to_string(),
            uid: p.str_at(&["metadata", "uid"]).to_string(),
            next_try: Some(started),
        })
        .collect();
    let mut errors: Vec<String> = Vec::new();
    loop {
        let now = session.sim.now();
        let timed_out = timeout_ms.is_some_and(|t| now >= started + t);
        let mut i = 0;
        while i < evictions.len() {
            let e = &mut evictions[i];
            // An eviction being retried notices the deadline when it wakes up.
            if timed_out && e.next_try.is_none_or(|at| at <= now) {
                errors.push(match e.next_try {
                    Some(_) => format!(
                        "error when evicting pods/\"{}\" -n \"{}\": global timeout reached: {}",
                        e.name,
                        e.namespace,
                        go_duration(timeout_ms.unwrap_or(0))
                    ),
                    None => format!(
                        "error when waiting for pod \"{}\" in namespace \"{}\" to terminate: global timeout reached: {}",
                        e.name,
                        e.namespace,
                        go_duration(timeout_ms.unwrap_or(0))
                    ),
                });
                evictions.remove(i);
                continue;
            }
            if e.next_try.is_some_and(|at| at <= now) {
                out.outln(&format!("evicting pod {}/{}", e.namespace, e.name));
                match session.sim.evict(&e.namespace, &e.name, &opts) {
                    Ok(()) => e.next_try = None,
                    Err(err) if err.code == 429 => {
                        out.errln(&format!(
                            "error when evicting pods/\"{}\" -n \"{}\" (will retry after 5s): {}",
                            e.name, e.namespace, err.message
                        ));
                        e.next_try = Some(now + EVICTION_RETRY_MS);
                    }
                    Err(err) if err.code == 404 => {
                        evictions.remove(i);
                        continue;
                    }
                    Err(err) => {
                        errors.push(format!(
                            "error when evicting pods/\"{}\" -n \"{}\": {}",
                            e.name,
                            e.namespace,
                            format_api_error(&err)
                        ));
                        evictions.remove(i);
                        continue;
                    }
                }
            }
            let e = &evictions[i];
            let gone = e.next_try.is_none()
                && session
                    .sim
                    .object("pods", &e.namespace, &e.name)
                    .is_none_or(|p| p.str_at(&["metadata", "uid"]) != e.uid);
            if gone {
                out.outln(&format!("pod/{} evicted", e.name));
                evictions.remove(i);
                continue;
            }
            i += 1;
        }
        if evictions.is_empty() {
            break;
        }
        let retry_at = evictions.iter().filter_map(|e| e.next_try).min();
        let deadline = timeout_ms.map(|t| started + t);
        if !step_until(
            session,
            started,
            [retry_at, deadline].into_iter().flatten().min(),
        ) {
            break;
        }
    }
    if errors.is_empty() && evictions.is_empty() {
        out.outln(&format!("node/{node} drained"));
        return;
    }
    let error = joined(&errors);
    let still_there: Vec<String> = pods_for_deletion(session, &node, &parsed)
        .iter()
        .filter(|(_, v)| v.deletes())
        .map(|(p, _)| format!("pod/{}", p.str_at(&["metadata", "name"])))
        .collect();
    if !still_there.is_empty() {
        out.errln(&format!(
            "There are pending pods in node \"{node}\" when an error occurred: {error}"
        ));
        for p in still_there {
            out.errln(&p);
        }
    }
    report_failure(&node, &errors, out);
}

/// kubectl's aggregate of several errors: the error itself, or `[a, b]`.
fn joined(errors: &[String]) -> String {
    if errors.len() == 1 {
        errors[0].clone()
    } else {
        format!("[{}]", errors.join(", "))
    }
}

/// The closing lines of a drain that could not finish (`drain.go` RunDrain).
fn report_failure(node: &str, errors: &[String], out: &mut CommandOutput) {
    let error = joined(errors);
    out.errln(&format!(
        "error: unable to drain node \"{node}\" due to error: {error}, continuing command..."
    ));
    out.errln("There are pending nodes to be drained:");
    out.errln(&format!(" {node}"));
    if errors.len() == 1 {
        out.errln(&format!("error: {error}"));
    } else {
        for e in errors {
            out.errln(e);
        }
    }
    out.exit_code = 1;
}

/// One pod being evicted: `next_try` is when to (re)try the eviction, `None`
/// once it was accepted and drain waits for the pod to go.
struct Eviction {
    namespace: String,
    name: String,
    uid: String,
    next_try: Option<u64>,
}

/// Advances to the next simulator event or `wake_at`, whichever is first.
fn step_until(session: &mut Session, started: u64, wake_at: Option<u64>) -> bool {
    let now = session.sim.now();
    match (session.sim.next_event_at(), wake_at) {
        (Some(event), Some(wake)) if wake < event => {
            session.sim.advance(wake.max(now + 1) - now);
            true
        }
        (None, Some(wake)) => {
            session.sim.advance(wake.max(now + 1) - now);
            true
        }
        _ => watch::step(session, started),
    }
}

/// Go's `time.Duration` text for whole seconds (`10s`, `1m30s`, `2m0s`).
fn go_duration(ms: u64) -> String {
    let s = ms / 1000;
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, sec) => format!("{m}m{sec}s"),
        (h, m, sec) => format!("{h}h{m}m{sec}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_print_as_go_durations() {
        assert_eq!(go_duration(12_000), "12s");
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(120_000), "2m0s");
    }
}
