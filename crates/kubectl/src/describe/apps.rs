//! `describe deployment`, `describe replicaset` and `describe daemonset`
//! (`DeploymentDescriber`, `ReplicaSetDescriber`, `describeDaemonSet` in
//! kubectl pkg/describe/describe.go, with `printReplicaSetsByLabels` and
//! deploymentutil's new/old ReplicaSet split).

use ordinal_model::Value;

use super::workload::pod_template;
use super::{
    annotations_multiline, controlled_by, events, labels_multiline, rfc1123z, Context, Writer,
};
use crate::printers::{format_label_selector, format_labels};

/// An IntOrString as Go's `IntOrString.String()` prints it (`<nil>` when unset).
fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::Int(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => "<nil>".to_string(),
    }
}

/// The `Conditions:` table of Deployments and ReplicaSets (`Type \tStatus\tReason`).
fn conditions(obj: &Value, w: &mut Writer) {
    let conditions = obj.array_at(&["status", "conditions"]);
    if conditions.is_empty() {
        return;
    }
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus\tReason");
    w.line(1, "----\t------\t------");
    for c in conditions {
        w.line(
            1,
            &format!(
                "{} \t{}\t{}",
                c.str_at(&["type"]),
                c.str_at(&["status"]),
                c.str_at(&["reason"])
            ),
        );
    }
}

/// A pod template without the `pod-template-hash` label, for `EqualIgnoreHash`.
fn template_without_hash(rs_or_deploy: &Value) -> Value {
    let mut template = rs_or_deploy
        .at(&["spec", "template"])
        .cloned()
        .unwrap_or_default();
    template.remove(&["metadata", "labels", "pod-template-hash"]);
    if template
        .at(&["metadata", "labels"])
        .and_then(Value::as_object)
        .is_some_and(|m| m.is_empty())
    {
        template.remove(&["metadata", "labels"]);
    }
    template
}

/// `name (status/spec replicas created)` joined by `, `, or `<none>`.
fn replica_sets_by_labels(sets: &[&Value]) -> String {
    if sets.is_empty() {
        return "<none>".to_string();
    }
    sets.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.str_at(&["metadata", "name"]),
                rs.i64_at(&["status", "replicas"]).unwrap_or(0),
                rs.i64_at(&["spec", "replicas"]).unwrap_or(1)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `describe deployment`; `ctx.related` holds the ReplicaSets it controls.
pub fn deployment(d: &Value, ctx: &Context, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", d.str_at(&["metadata", "name"])));
    w.line(
        0,
        &format!("Namespace:\t{}", d.str_at(&["metadata", "namespace"])),
    );
    w.line(
        0,
        &format!(
            "CreationTimestamp:\t{}",
            rfc1123z(d.str_at(&["metadata", "creationTimestamp"]))
        ),
    );
    labels_multiline(w, 0, "Labels", d.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", d.at(&["metadata", "annotations"]));
    w.line(
        0,
        &format!(
            "Selector:\t{}",
            format_label_selector(d.at(&["spec", "selector"]))
        ),
    );
    let status = |field: &str| d.i64_at(&["status", field]).unwrap_or(0);
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            d.i64_at(&["spec", "replicas"]).unwrap_or(1),
            status("updatedReplicas"),
            status("replicas"),
            status("availableReplicas"),
            status("unavailableReplicas")
        ),
    );
    w.line(
        0,
        &format!("StrategyType:\t{}", d.str_at(&["spec", "strategy", "type"])),
    );
    w.line(
        0,
        &format!(
            "MinReadySeconds:\t{}",
            d.i64_at(&["spec", "minReadySeconds"]).unwrap_or(0)
        ),
    );
    if let Some(rolling) = d
        .at(&["spec", "strategy", "rollingUpdate"])
        .filter(|r| !r.is_null())
    {
        w.line(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
                int_or_string(rolling.get("maxUnavailable")),
                int_or_string(rolling.get("maxSurge"))
            ),
        );
    }
    pod_template(&d.at(&["spec", "template"]).cloned().unwrap_or_default(), w);
    conditions(d, w);
    if !ctx.related.is_empty() {
        let mut sets: Vec<&Value> = ctx.related.iter().collect();
        ordinal_model::order::sort_by_key(&mut sets, |rs| {
            rs.str_at(&["metadata", "creationTimestamp"]).to_string()
        });
        let wanted = template_without_hash(d);
        let new = sets
            .iter()
            .position(|rs| template_without_hash(rs) == wanted)
            .map(|i| sets.remove(i));
        // kubectl 1.36 lists every old ReplicaSet, scaled to 0 or not
        // (the second result of GetAllReplicaSetsInChunks).
        w.line(
            0,
            &format!("OldReplicaSets:\t{}", replica_sets_by_labels(&sets)),
        );
        let new: Vec<&Value> = new.into_iter().collect();
        w.line(
            0,
            &format!("NewReplicaSet:\t{}", replica_sets_by_labels(&new)),
        );
    }
    events(w, ctx);
}

/// `describe replicaset`; `ctx.related` holds the pods it controls.
pub fn replica_set(rs: &Value, ctx: &Context, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", rs.str_at(&["metadata", "name"])));
    w.line(
        0,
        &format!("Namespace:\t{}", rs.str_at(&["metadata", "namespace"])),
    );
    w.line(
        0,
        &format!(
            "Selector:\t{}",
            format_label_selector(rs.at(&["spec", "selector"]))
        ),
    );
    labels_multiline(w, 0, "Labels", rs.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", rs.at(&["metadata", "annotations"]));
    controlled_by(w, rs);
    w.line(
        0,
        &format!(
            "Replicas:\t{} current / {} desired",
            rs.i64_at(&["status", "replicas"]).unwrap_or(0),
            rs.i64_at(&["spec", "replicas"]).unwrap_or(1)
        ),
    );
    super::workload::pods_status(ctx, w);
    pod_template(
        &rs.at(&["spec", "template"]).cloned().unwrap_or_default(),
        w,
    );
    conditions(rs, w);
    events(w, ctx);
}

/// `describe daemonset`; `ctx.related` holds the pods it controls.
pub fn daemon_set(ds: &Value, ctx: &Context, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", ds.str_at(&["metadata", "name"])));
    w.line(
        0,
        &format!("Namespace:\t{}", ds.str_at(&["metadata", "namespace"])),
    );
    w.line(
        0,
        &format!(
            "Selector:\t{}",
            format_label_selector(ds.at(&["spec", "selector"]))
        ),
    );
    w.line(
        0,
        &format!(
            "Node-Selector:\t{}",
            format_labels(ds.at(&["spec", "template", "spec", "nodeSelector"]))
        ),
    );
    labels_multiline(w, 0, "Labels", ds.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", ds.at(&["metadata", "annotations"]));
    let status = |field: &str| ds.i64_at(&["status", field]).unwrap_or(0);
    for (label, field) in [
        (
            "Desired Number of Nodes Scheduled",
            "desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ] {
        w.line(0, &format!("{label}: {}", status(field)));
    }
    super::workload::pods_status(ctx, w);
    pod_template(
        &ds.at(&["spec", "template"]).cloned().unwrap_or_default(),
        w,
    );
    events(w, ctx);
}

#[cfg(test)]
mod tests {
    use super::super::{describe, Context};
    use crate::printers::{parse_timestamp, PrintContext};
    use ordinal_model::Value;

    /// A Deployment, its ReplicaSet, a pod and two events; the expected
    /// texts are the real kubectl v1.36.3's `describe` of these objects.
    const OBJECTS: &str = include_str!("testdata/deployment.yaml");

    fn check(kind: &str, related_kind: &str, expected: &str) {
        let docs: Vec<Value> = ordinal_model::yaml::parse_stream(OBJECTS)
            .docs
            .into_iter()
            .map(|d| d.value)
            .collect();
        let Some(obj) = docs.iter().find(|d| d.str_at(&["kind"]) == kind) else {
            panic!("fixture has a {kind}");
        };
        let related: Vec<Value> = docs
            .iter()
            .filter(|d| d.str_at(&["kind"]) == related_kind)
            .cloned()
            .collect();
        let events = docs
            .iter()
            .filter(|d| {
                d.str_at(&["kind"]) == "Event"
                    && d.str_at(&["involvedObject", "uid"]) == obj.str_at(&["metadata", "uid"])
            })
            .cloned()
            .collect();
        let start = parse_timestamp("2025-01-01T10:00:00Z").unwrap_or(0);
        let ctx = Context {
            print: PrintContext {
                now_ms: start + 691 * 86_400_000,
            },
            events: Some(events),
            related: &related,
        };
        assert_eq!(describe(obj, &ctx), expected);
    }

    #[test]
    fn deployment_matches_kubectl() {
        check(
            "Deployment",
            "ReplicaSet",
            include_str!("testdata/deployment.describe.txt"),
        );
    }

    #[test]
    fn replica_set_matches_kubectl() {
        check(
            "ReplicaSet",
            "Pod",
            include_str!("testdata/replicaset.describe.txt"),
        );
    }

    #[test]
    fn an_event_gets_the_generic_layout() {
        check("Event", "", include_str!("testdata/event.describe.txt"));
    }
}
