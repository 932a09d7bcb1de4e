//! The ReplicaSet controller. Mirrors pkg/controller/replicaset/replica_set.go
//! (`syncReplicaSet`, `manageReplicas`, `getPodsToDelete`,
//! `getPodsRankedByRelatedPodsOnSameNode`), replica_set_utils.go
//! (`calculateStatus`) and the pod helpers of pkg/controller/controller_utils.go
//! (`GetPodFromTemplate`, `slowStartBatch`, `FilterActivePods`,
//! `ActivePodsWithRanks` with LogarithmicScaleDown, GA since 1.31).
//!
//! Not modelled: expectations (every write lands at once here), the
//! `ReplicaFailure` condition and pod-deletion-cost.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use ordinal_model::labels::Selector;
use ordinal_model::Value;

use super::new_controller_ref;
use super::{controller_ref, is_pod_ready, ready_condition};
use crate::apiserver::DeleteOptions;
use crate::clock::parse_rfc3339;
use crate::events::{Source, NORMAL, WARNING};
use crate::limits;
use crate::resources;
use crate::sim::{Sim, Work};

const SOURCE: Source<'static> = Source {
    component: "replicaset-controller",
    host: "",
};

/// `SlowStartInitialBatchSize`: the first create batch; each next one doubles.
const SLOW_START_INITIAL_BATCH: usize = 1;

/// When the pod turned Ready (`podReadyTime`), if it is.
fn ready_since(pod: &Value) -> Option<u64> {
    ready_condition(pod)
        .filter(|c| c.str_at(&["status"]) == "True")
        .and_then(|c| parse_rfc3339(c.str_at(&["lastTransitionTime"])))
}

/// `podutil.IsPodAvailable`: ready, and for longer than minReadySeconds
/// (strictly, as `Before`).
pub(crate) fn is_pod_available(pod: &Value, min_ready_ms: u64, now: u64) -> bool {
    if !is_pod_ready(pod) {
        return false;
    }
    min_ready_ms == 0 || ready_since(pod).is_some_and(|t| t + min_ready_ms < now)
}

/// `controller.IsPodActive`: not Succeeded/Failed and not being deleted.
fn is_pod_active(pod: &Value) -> bool {
    !matches!(pod.str_at(&["status", "phase"]), "Succeeded" | "Failed")
        && pod.str_at(&["metadata", "deletionTimestamp"]).is_empty()
}

/// `spec.minReadySeconds` in milliseconds.
pub(crate) fn min_ready_ms(obj: &Value) -> u64 {
    obj.i64_at(&["spec", "minReadySeconds"]).unwrap_or(0).max(0) as u64 * 1000
}

/// `spec.replicas` (1 when unset, as defaulted).
pub(crate) fn spec_replicas(obj: &Value) -> i64 {
    obj.i64_at(&["spec", "replicas"]).unwrap_or(1).max(0)
}

/// `GetPodFromTemplate`: labels, annotations and finalizers of the template,
/// `generateName` `<owner>-` and the controller reference to `owner`.
pub(crate) fn pod_from_template(owner: &Value, kind: &str, template: &Value) -> Value {
    let mut metadata = Value::object();
    for key in ["labels", "annotations", "finalizers"] {
        if let Some(v) = template.at(&["metadata", key]) {
            metadata.set(&[key], v.clone());
        }
    }
    metadata.set(
        &["generateName"],
        Value::from(format!("{}-", owner.str_at(&["metadata", "name"]))),
    );
    metadata.set(
        &["namespace"],
        Value::from(owner.str_at(&["metadata", "namespace"])),
    );
    metadata.set(
        &["ownerReferences"],
        Value::from(vec![new_controller_ref(owner, kind)]),
    );
    Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("Pod")),
        ("metadata", metadata),
        (
            "spec",
            template.get("spec").cloned().unwrap_or_else(Value::object),
        ),
    ])
}

/// `podPhaseToOrdinal`: Pending < Unknown < Running.
fn phase_rank(pod: &Value) -> u8 {
    match pod.str_at(&["status", "phase"]) {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    }
}

/// `logarithmicRankDiff`: compares the base-2 logarithm of the ages (in
/// nanoseconds, as upstream) so pods of about the same age rank equal.
fn log_rank(t: Option<u64>, now: u64) -> i64 {
    match t {
        Some(t) if now > t => ((now - t) as f64 * 1e6).log2() as i64,
        _ => -1,
    }
}

fn max_restarts(pod: &Value) -> i64 {
    pod.array_at(&["status", "containerStatuses"])
        .iter()
        .filter_map(|c| c.i64_at(&["restartCount"]))
        .max()
        .unwrap_or(0)
}

/// `ActivePodsWithRanks.Less` as an ordering: the pods to delete first sort first.
fn deletion_order(a: &Value, ra: usize, b: &Value, rb: usize, now: u64) -> Ordering {
    let node = |p: &Value| p.str_at(&["spec", "nodeName"]).to_string();
    let (na, nb) = (node(a), node(b));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return if na.is_empty() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    let by_phase = phase_rank(a).cmp(&phase_rank(b));
    if by_phase != Ordering::Equal {
        return by_phase;
    }
    let by_ready = is_pod_ready(a).cmp(&is_pod_ready(b));
    if by_ready != Ordering::Equal {
        return by_ready;
    }
    if ra != rb {
        return rb.cmp(&ra);
    }
    let uid = |p: &Value| p.str_at(&["metadata", "uid"]).to_string();
    if is_pod_ready(a) && is_pod_ready(b) {
        let (ta, tb) = (ready_since(a), ready_since(b));
        if ta != tb {
            let diff = log_rank(ta, now) - log_rank(tb, now);
            return if diff == 0 {
                uid(a).cmp(&uid(b))
            } else {
                diff.cmp(&0)
            };
        }
    }
    let by_restarts = max_restarts(b).cmp(&max_restarts(a));
    if by_restarts != Ordering::Equal {
        return by_restarts;
    }
    let created = |p: &Value| parse_rfc3339(p.str_at(&["metadata", "creationTimestamp"]));
    let (ca, cb) = (created(a), created(b));
    if ca != cb {
        let diff = log_rank(ca, now) - log_rank(cb, now);
        return if diff == 0 {
            uid(a).cmp(&uid(b))
        } else {
            diff.cmp(&0)
        };
    }
    Ordering::Equal
}

/// `getPodsToDelete`: the `diff` pods to delete, ranked by
/// `ActivePodsWithRanks` with the number of active related pods (of all
/// ReplicaSets of the same owner) on each pod's node.
pub(crate) fn pods_to_delete(
    pods: &[Arc<Value>],
    related: &[&Value],
    diff: usize,
    now: u64,
) -> Vec<Arc<Value>> {
    if diff >= pods.len() {
        return pods.to_vec();
    }
    let mut on_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in related.iter().filter(|p| is_pod_active(p)) {
        *on_node.entry(p.str_at(&["spec", "nodeName"])).or_default() += 1;
    }
    let mut ranked: Vec<(Arc<Value>, usize)> = pods
        .iter()
        .map(|p| {
            let rank = on_node
                .get(p.str_at(&["spec", "nodeName"]))
                .copied()
                .unwrap_or(0);
            (Arc::clone(p), rank)
        })
        .collect();
    ordinal_model::order::sort_by(&mut ranked, |(a, ra), (b, rb)| {
        deletion_order(a, *ra, b, *rb, now)
    });
    ranked.into_iter().take(diff).map(|(p, _)| p).collect()
}

/// `controller.IsPodTerminating`: being deleted and not Succeeded/Failed.
fn is_pod_terminating(pod: &Value) -> bool {
    !matches!(pod.str_at(&["status", "phase"]), "Succeeded" | "Failed")
        && !pod.str_at(&["metadata", "deletionTimestamp"]).is_empty()
}

/// `calculateStatus` (without the ReplicaFailure condition). `terminating`
/// counts the pods being deleted (`terminatingReplicas`, feature gate
/// DeploymentReplicaSetTerminatingReplicas, beta and on since 1.35, so the
/// field is always written, 0 included).
fn calculate_status(rs: &Value, pods: &[Arc<Value>], terminating: usize, now: u64) -> Value {
    let template_labels = rs
        .at(&["spec", "template", "metadata", "labels"])
        .map(Selector::from_labels);
    let min_ready = min_ready_ms(rs);
    let (mut fully_labeled, mut ready, mut available) = (0, 0, 0);
    for pod in pods {
        if template_labels
            .as_ref()
            .is_some_and(|s| s.matches(pod.at(&["metadata", "labels"])))
        {
            fully_labeled += 1;
        }
        if is_pod_ready(pod) {
            ready += 1;
            if is_pod_available(pod, min_ready, now) {
                available += 1;
            }
        }
    }
    let mut status = Value::from([
        ("replicas", Value::Int(pods.len() as i64)),
        ("terminatingReplicas", Value::Int(terminating as i64)),
    ]);
    for (key, n) in [
        ("fullyLabeledReplicas", fully_labeled),
        ("readyReplicas", ready),
        ("availableReplicas", available),
        (
            "observedGeneration",
            rs.i64_at(&["metadata", "generation"]).unwrap_or(0),
        ),
    ] {
        if n != 0 {
            status.set(&[key], Value::Int(n));
        }
    }
    status
}

impl Sim {
    /// Pods of every ReplicaSet controlled by the same owner as `rs`
    /// (`getIndirectlyRelatedPods`), or of `rs` alone when it has none.
    fn related_pods(&self, rs: &Value) -> Vec<&Value> {
        let ns = rs.str_at(&["metadata", "namespace"]);
        let siblings: Vec<&str> = match controller_ref(rs) {
            Some(owner) => {
                let owner_uid = owner.str_at(&["uid"]);
                self.store
                    .iter("replicasets", Some(ns))
                    .filter(|r| controller_ref(r).is_some_and(|o| o.str_at(&["uid"]) == owner_uid))
                    .map(|r| r.str_at(&["metadata", "uid"]))
                    .collect()
            }
            None => vec![rs.str_at(&["metadata", "uid"])],
        };
        siblings
            .into_iter()
            .flat_map(|uid| self.store.owned("pods", uid))
            .collect()
    }

    /// Syncs one ReplicaSet (`syncReplicaSet`).
    #[inline(never)]
    pub(crate) fn sync_replica_set(&mut self, ns: &str, name: &str) {
        let Some(rs) = self.store.shared("replicasets", ns, name).cloned() else {
            return;
        };
        let claimed = self.claim_objects("pods", &rs, "ReplicaSet", &|_| true);
        let active: Vec<Arc<Value>> = claimed.into_iter().filter(|p| is_pod_active(p)).collect();
        if rs.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            self.manage_replicas(&rs, &active);
        }
        let Some(rs) = self.store.shared("replicasets", ns, name).cloned() else {
            return;
        };
        let uid = rs.str_at(&["metadata", "uid"]).to_string();
        let controlled = self.controlled("pods", &uid);
        let terminating = controlled.iter().filter(|p| is_pod_terminating(p)).count();
        let pods: Vec<Arc<Value>> = controlled
            .into_iter()
            .filter(|p| is_pod_active(p))
            .collect();
        let status = calculate_status(&rs, &pods, terminating, self.now);
        if rs.get("status") != Some(&status) {
            let mut updated = Value::clone(&rs);
            updated.set(&["status"], status.clone());
            self.write_status("replicasets", updated);
        }
        let min_ready = min_ready_ms(&rs);
        if min_ready > 0 {
            let wake = pods
                .iter()
                .filter(|p| is_pod_ready(p) && !is_pod_available(p, min_ready, self.now))
                .filter_map(|p| ready_since(p))
                .min();
            if let Some(since) = wake {
                // Available strictly after minReadySeconds: wake 1 ms past it.
                let due = since + min_ready + 1;
                self.enqueue_after(
                    Work::ReplicaSet(ns.to_string(), name.to_string()),
                    due.saturating_sub(self.now).max(1),
                    false,
                );
            }
        }
    }

    /// `manageReplicas`: create or delete pods to reach `spec.replicas`.
    fn manage_replicas(&mut self, rs: &Value, active: &[Arc<Value>]) {
        let want = spec_replicas(rs) as usize;
        if active.len() < want {
            let diff = (want - active.len()).min(limits::MAX_REPLICASET_BURST);
            let mut batch = SLOW_START_INITIAL_BATCH;
            let mut done = 0;
            'batches: while done < diff {
                let size = batch.min(diff - done);
                for _ in 0..size {
                    if !self.create_replica_pod(rs) {
                        break 'batches;
                    }
                }
                done += size;
                batch *= 2;
            }
        } else if active.len() > want {
            let diff = (active.len() - want).min(limits::MAX_REPLICASET_BURST);
            let victims = {
                let related = self.related_pods(rs);
                pods_to_delete(active, &related, diff, self.now)
            };
            let Some(info) = resources::by_plural("pods") else {
                return;
            };
            for pod in victims {
                let pod_name = pod.str_at(&["metadata", "name"]).to_string();
                let pod_ns = pod.str_at(&["metadata", "namespace"]).to_string();
                match self.delete_object(info, &pod_ns, &pod_name, &DeleteOptions::default()) {
                    Ok(_) => self.record_event(
                        rs,
                        "",
                        NORMAL,
                        "SuccessfulDelete",
                        &format!("Deleted pod: {pod_name}"),
                        SOURCE,
                    ),
                    Err(e) => self.record_event(
                        rs,
                        "",
                        WARNING,
                        "FailedDelete",
                        &format!("Error deleting: {e}"),
                        SOURCE,
                    ),
                }
            }
        }
    }

    /// Creates one pod from the template (`CreatePods`); false on failure.
    fn create_replica_pod(&mut self, rs: &Value) -> bool {
        let Some(info) = resources::by_plural("pods") else {
            return false;
        };
        let ns = rs.str_at(&["metadata", "namespace"]).to_string();
        let template = rs
            .at(&["spec", "template"])
            .cloned()
            .unwrap_or_else(Value::object);
        let pod = pod_from_template(rs, "ReplicaSet", &template);
        match self.create_object(info, &ns, pod, false) {
            Ok(created) => {
                let pod_name = created.str_at(&["metadata", "name"]).to_string();
                self.record_event(
                    rs,
                    "",
                    NORMAL,
                    "SuccessfulCreate",
                    &format!("Created pod: {pod_name}"),
                    SOURCE,
                );
                true
            }
            Err(e) => {
                self.sync_failed = true;
                self.record_event(
                    rs,
                    "",
                    WARNING,
                    "FailedCreate",
                    &format!("Error creating: {e}"),
                    SOURCE,
                );
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, node: &str, phase: &str, ready_at: Option<&str>, created: &str) -> Value {
        let mut p = Value::object();
        p.set(&["metadata", "name"], name.into());
        p.set(&["metadata", "uid"], name.into());
        p.set(&["metadata", "creationTimestamp"], created.into());
        p.set(&["spec", "nodeName"], node.into());
        p.set(&["status", "phase"], phase.into());
        if let Some(t) = ready_at {
            p.set(
                &["status", "conditions"],
                Value::from(vec![Value::from([
                    ("type", Value::from("Ready")),
                    ("status", Value::from("True")),
                    ("lastTransitionTime", Value::from(t)),
                ])]),
            );
        }
        p
    }

    fn names(pods: &[Arc<Value>]) -> Vec<String> {
        pods.iter()
            .map(|p| p.str_at(&["metadata", "name"]).to_string())
            .collect()
    }

    #[test]
    fn scale_down_prefers_unscheduled_then_pending_then_not_ready_then_newer() {
        let now = parse_rfc3339("2025-01-01T12:00:00Z").unwrap_or(0);
        let old = "2025-01-01T10:00:00Z";
        let pods: Vec<Arc<Value>> = vec![
            Arc::new(pod("ready-old", "n1", "Running", Some(old), old)),
            Arc::new(pod(
                "ready-new",
                "n1",
                "Running",
                Some("2025-01-01T11:59:50Z"),
                "2025-01-01T11:59:40Z",
            )),
            Arc::new(pod("running-not-ready", "n1", "Running", None, old)),
            Arc::new(pod("pending", "n1", "Pending", None, old)),
            Arc::new(pod("unscheduled", "", "Pending", None, old)),
        ];
        let related: Vec<&Value> = pods.iter().map(|p| p.as_ref()).collect();
        assert_eq!(
            names(&pods_to_delete(&pods, &related, 4, now)),
            ["unscheduled", "pending", "running-not-ready", "ready-new"]
        );
    }

    #[test]
    fn doubled_up_pods_go_first() {
        let now = parse_rfc3339("2025-01-01T12:00:00Z").unwrap_or(0);
        let t = "2025-01-01T10:00:00Z";
        let pods: Vec<Arc<Value>> = vec![
            Arc::new(pod("alone", "n1", "Running", Some(t), t)),
            Arc::new(pod("crowded", "n2", "Running", Some(t), t)),
        ];
        let other = pod("sibling", "n2", "Running", Some(t), t);
        let mut related: Vec<&Value> = pods.iter().map(|p| p.as_ref()).collect();
        related.push(&other);
        assert_eq!(names(&pods_to_delete(&pods, &related, 1, now)), ["crowded"]);
    }

    #[test]
    fn pods_get_the_generate_name_and_controller_reference() {
        let mut rs = Value::object();
        rs.set(&["metadata", "name"], "web-abc".into());
        rs.set(&["metadata", "namespace"], "default".into());
        rs.set(&["metadata", "uid"], "u1".into());
        let mut tpl = Value::object();
        tpl.set(&["metadata", "labels", "app"], "web".into());
        let p = pod_from_template(&rs, "ReplicaSet", &tpl);
        assert_eq!(p.str_at(&["metadata", "generateName"]), "web-abc-");
        assert_eq!(p.str_at(&["metadata", "name"]), "");
        let owner = controller_ref(&p).cloned().unwrap_or_default();
        assert_eq!(owner.str_at(&["kind"]), "ReplicaSet");
        assert_eq!(owner.str_at(&["uid"]), "u1");
    }
}
