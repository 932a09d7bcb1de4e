//! The scheduler: filters nodes (unschedulable, taints, nodeSelector and
//! required node affinity,
//! volume node affinity, pods / cpu / memory allocatable), scores the rest by
//! least requested resources, waits for WaitForFirstConsumer claims to be
//! provisioned, then binds. FailedScheduling messages follow
//! pkg/scheduler/framework/types.go (`FitError`) and schedule_one.go.

use std::collections::BTreeMap;
use std::sync::Arc;

use ordinal_model::quantity::Quantity;
use ordinal_model::{Map, Value};

use crate::clock::rfc3339;
use crate::controller::claim_names;
use crate::events::{Reporter, NORMAL, WARNING};
use crate::sim::{Sim, Work};
use crate::timing;

/// Annotation the scheduler puts on a delayed-binding claim.
pub const SELECTED_NODE_ANNOTATION: &str = "volume.kubernetes.io/selected-node";

/// `reportingController` of the scheduler's events.
const SCHEDULER: &str = "default-scheduler";

/// Millicores of a quantity value (`"500m"`, `1`, `"2"`).
pub fn cpu_millis(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Int(i)) => i * 1000,
        Some(Value::String(s)) => Quantity::parse(s).map(|q| q.milli_value()).unwrap_or(0),
        Some(Value::Float(f)) => (f * 1000.0) as i64,
        _ => 0,
    }
}

/// Bytes of a quantity value (`"64Mi"`, `"1Gi"`).
pub fn bytes(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Int(i)) => *i,
        Some(Value::String(s)) => Quantity::parse(s).map(|q| q.value()).unwrap_or(0),
        Some(Value::Float(f)) => *f as i64,
        _ => 0,
    }
}

/// Summed container requests (cpu millis, memory bytes); limits stand in for missing requests.
pub fn pod_requests(pod: &Value) -> (i64, i64) {
    let mut cpu = 0;
    let mut mem = 0;
    for c in pod.array_at(&["spec", "containers"]) {
        let get = |res: &str| {
            c.at(&["resources", "requests", res])
                .or_else(|| c.at(&["resources", "limits", res]))
        };
        cpu += cpu_millis(get("cpu"));
        mem += bytes(get("memory"));
    }
    (cpu, mem)
}

/// `Toleration.ToleratesTaint` (key, operator/value and effect).
pub(crate) fn toleration_matches(t: &Value, taint: &Value) -> bool {
    let key_ok = match t.str_at(&["key"]) {
        "" => t.str_at(&["operator"]) == "Exists",
        k => k == taint.str_at(&["key"]),
    };
    let value_ok =
        t.str_at(&["operator"]) == "Exists" || t.str_at(&["value"]) == taint.str_at(&["value"]);
    let effect_ok =
        t.str_at(&["effect"]).is_empty() || t.str_at(&["effect"]) == taint.str_at(&["effect"]);
    key_ok && value_ok && effect_ok
}

/// A pod done for good (`Succeeded` or `Failed`) holds nothing on its node.
fn finished(pod: &Value) -> bool {
    matches!(pod.str_at(&["status", "phase"]), "Succeeded" | "Failed")
}

/// What a pod adds to its node's usage: (pods, cpu millis, memory bytes).
pub(crate) fn node_share(pod: &Value) -> Option<(&str, (i64, i64, i64))> {
    let node = pod.str_at(&["spec", "nodeName"]);
    if node.is_empty() || finished(pod) {
        return None;
    }
    let (cpu, mem) = pod_requests(pod);
    Some((node, (1, cpu, mem)))
}

/// What the Filter plugins read from one node, read once per stored
/// version of it rather than once for every pod tried on it.
#[derive(Debug, Clone)]
pub(crate) struct NodeFacts {
    /// The version of the node these were read from.
    node: Arc<Value>,
    name: String,
    /// Allocatable pods, cpu millis and memory bytes.
    alloc: (i64, i64, i64),
    unschedulable: bool,
    /// The taints that keep pods off (`NoSchedule`, `NoExecute`).
    taints: Vec<Value>,
}

impl NodeFacts {
    fn of(node: &Arc<Value>) -> NodeFacts {
        NodeFacts {
            node: Arc::clone(node),
            name: node.str_at(&["metadata", "name"]).to_string(),
            alloc: allocatable(node),
            unschedulable: node.at(&["spec", "unschedulable"]).and_then(Value::as_bool)
                == Some(true),
            taints: node
                .array_at(&["spec", "taints"])
                .iter()
                .filter(|t| matches!(t.str_at(&["effect"]), "NoSchedule" | "NoExecute"))
                .cloned()
                .collect(),
        }
    }
}

/// A node's allocatable pods, cpu millis and memory bytes.
fn allocatable(node: &Value) -> (i64, i64, i64) {
    let alloc = |k: &str| node.at(&["status", "allocatable", k]);
    (
        bytes(alloc("pods")),
        cpu_millis(alloc("cpu")),
        bytes(alloc("memory")),
    )
}

impl Sim {
    /// Keeps [`Sim::node_usage`] in step with one pod change.
    pub(crate) fn account_pod(&mut self, old: Option<&Value>, new: Option<&Value>) {
        if let (Some(a), Some(b)) = (old, new) {
            // A status write keeps the spec: the share changes only with
            // the phase.
            if a.get("spec") == b.get("spec") && finished(a) == finished(b) {
                return;
            }
        }
        if let Some((node, (n, c, m))) = old.and_then(node_share) {
            let e = self.node_usage.entry(node.to_string()).or_default();
            *e = (e.0 - n, e.1 - c, e.2 - m);
        }
        if let Some((node, (n, c, m))) = new.and_then(node_share) {
            let e = self.node_usage.entry(node.to_string()).or_default();
            *e = (e.0 + n, e.1 + c, e.2 + m);
        }
    }
}

/// What the Filter plugins read from the pod being scheduled (or a
/// DaemonSet's pod template), read once for all the nodes it is tried on.
pub(crate) struct PodPlacement<'a> {
    node_selector: Option<&'a Map>,
    terms: Option<&'a [Value]>,
    tolerations: &'a [Value],
}

impl<'a> PodPlacement<'a> {
    pub(crate) fn of(pod: &'a Value) -> Self {
        let spec = pod.get("spec");
        let at = |path: &[&str]| spec.and_then(|s| s.at(path));
        PodPlacement {
            node_selector: at(&["nodeSelector"]).and_then(Value::as_object),
            terms: at(&[
                "affinity",
                "nodeAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution",
                "nodeSelectorTerms",
            ])
            .and_then(Value::as_array)
            .map(Vec::as_slice),
            tolerations: at(&["tolerations"])
                .and_then(Value::as_array)
                .map_or(&[], Vec::as_slice),
        }
    }

    /// The NodeAffinity filter on one node: the pod's `nodeSelector` and
    /// its required node affinity (component-helpers
    /// scheduling/corev1/nodeaffinity `GetRequiredNodeAffinity(pod).Match`):
    /// any term whose expressions on the node's labels and fields on its
    /// name all hold.
    pub(crate) fn fits(&self, node: &Value) -> bool {
        if self.node_selector.is_none() && self.terms.is_none() {
            return true;
        }
        let labels = node.at(&["metadata", "labels"]);
        if let Some(sel) = self.node_selector {
            if !sel
                .iter()
                .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
            {
                return false;
            }
        }
        let Some(terms) = self.terms else {
            return true;
        };
        let name = node.str_at(&["metadata", "name"]);
        terms.iter().any(|term| {
            let expressions = term.array_at(&["matchExpressions"]);
            let fields = term.array_at(&["matchFields"]);
            (!expressions.is_empty() || !fields.is_empty())
                && expressions.iter().all(|r| {
                    let key = r.str_at(&["key"]);
                    requirement_holds(r, labels.and_then(|l| l.get(key)).and_then(Value::as_str))
                })
                && fields.iter().all(|r| {
                    r.str_at(&["key"]) == "metadata.name" && requirement_holds(r, Some(name))
                })
        })
    }

    /// True when a toleration of the pod matches `taint`.
    pub(crate) fn tolerates(&self, taint: &Value) -> bool {
        self.tolerations
            .iter()
            .any(|t| toleration_matches(t, taint))
    }
}

/// One `NodeSelectorRequirement` against the value it names (`None`: absent).
fn requirement_holds(r: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = r
        .array_at(&["values"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let number = |v: Option<&str>| v.and_then(|v| v.parse::<i64>().ok());
    match r.str_at(&["operator"]) {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        op @ ("Gt" | "Lt") => match (number(value), number(values.first().copied())) {
            (Some(v), Some(bound)) => (op == "Gt" && v > bound) || (op == "Lt" && v < bound),
            _ => false,
        },
        _ => false,
    }
}

/// Reasons a node rejects a pod, as the Filter plugins word them.
fn filter(
    pod: &PodPlacement<'_>,
    (cpu, mem): (i64, i64),
    node: &NodeFacts,
    used: (i64, i64, i64),
    pv_node: Option<&str>,
) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    let alloc = node.alloc;
    if node.unschedulable {
        reasons.push("node(s) were unschedulable");
        return reasons;
    }
    if node.taints.iter().any(|t| !pod.tolerates(t)) {
        reasons.push("node(s) had untolerated taint(s)");
        return reasons;
    }
    if !pod.fits(&node.node) {
        reasons.push("node(s) didn't match Pod's node affinity/selector");
        return reasons;
    }
    if pv_node.is_some_and(|n| n != node.name) {
        reasons.push("node(s) had volume node affinity conflict");
        return reasons;
    }
    if used.0 + 1 > alloc.0 {
        reasons.push("Too many pods");
    }
    if cpu > 0 && used.1 + cpu > alloc.1 {
        reasons.push("Insufficient cpu");
    }
    if mem > 0 && used.2 + mem > alloc.2 {
        reasons.push("Insufficient memory");
    }
    reasons
}

fn histogram(items: &[&str]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for i in items {
        *counts.entry(i).or_default() += 1;
    }
    let mut parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    ordinal_model::order::sort(&mut parts);
    parts.join(", ")
}

impl Sim {
    /// Tries to place one pending pod.
    #[inline(never)]
    pub(crate) fn schedule_pod(&mut self, ns: &str, name: &str) {
        let key = (ns.to_string(), name.to_string());
        let Some(pod) = self.store.shared("pods", ns, name).cloned() else {
            self.unscheduled.remove(&key);
            return;
        };
        if !pod.str_at(&["spec", "nodeName"]).is_empty()
            || !pod.str_at(&["metadata", "deletionTimestamp"]).is_empty()
        {
            self.unscheduled.remove(&key);
            return;
        }
        let total = self.store.count("nodes");
        let mut delayed: Vec<String> = Vec::new();
        let mut pv_node: Option<String> = None;
        for claim in claim_names(&pod) {
            let Some(pvc) = self.store.get("persistentvolumeclaims", ns, &claim) else {
                return self.fail_scheduling(&pod, format!("0/{total} nodes are available: persistentvolumeclaim \"{claim}\" not found. not found"));
            };
            if !pvc.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
                return self.fail_scheduling(&pod, format!("0/{total} nodes are available: persistentvolumeclaim \"{claim}\" is being deleted. not found"));
            }
            if pvc.str_at(&["status", "phase"]) == "Bound" {
                let pv =
                    self.store
                        .get("persistentvolumes", "", pvc.str_at(&["spec", "volumeName"]));
                if let Some(host) = pv
                    .and_then(|p| {
                        p.array_at(&["spec", "nodeAffinity", "required", "nodeSelectorTerms"])
                            .first()
                    })
                    .and_then(|t| t.array_at(&["matchExpressions"]).first())
                    .and_then(|e| e.array_at(&["values"]).first())
                    .and_then(Value::as_str)
                {
                    pv_node = Some(host.to_string());
                }
                continue;
            }
            let class = self.store.get(
                "storageclasses",
                "",
                pvc.str_at(&["spec", "storageClassName"]),
            );
            if class.is_some_and(|c| c.str_at(&["volumeBindingMode"]) == "WaitForFirstConsumer") {
                if let Some(n) = pvc
                    .str_at(&["metadata", "annotations", SELECTED_NODE_ANNOTATION])
                    .to_string()
                    .into()
                {
                    if !n.is_empty() {
                        pv_node = Some(n);
                    }
                }
                delayed.push(claim);
            } else {
                return self.fail_scheduling(&pod, format!("0/{total} nodes are available: pod has unbound immediate PersistentVolumeClaims. not found"));
            }
        }
        // The least requested feasible node (fewest pods, then name, on a tie).
        let mut best: Option<(i64, i64, &str)> = None;
        let mut reasons: Vec<&'static str> = Vec::new();
        let mut post: Vec<&'static str> = Vec::new();
        let requests = pod_requests(&pod);
        let placement = PodPlacement::of(&pod);
        self.refresh_node_facts();
        for node in &self.node_facts {
            let node_name = node.name.as_str();
            if self.joined_node.as_ref().is_some_and(|n| n != node_name) {
                continue;
            }
            let alloc = node.alloc;
            let u = self.node_usage.get(node_name).copied().unwrap_or_default();
            let r = filter(&placement, requests, node, u, pv_node.as_deref());
            if r.is_empty() {
                let cpu_cap = alloc.1.max(1);
                let mem_cap = alloc.2.max(1);
                let score = (u.1 * 1000 / cpu_cap) + (u.2 * 1000 / mem_cap);
                let candidate = (score, u.0, node_name);
                if best.is_none_or(|b| candidate < b) {
                    best = Some(candidate);
                }
            } else {
                let resources_only = r.iter().all(|x| {
                    matches!(
                        *x,
                        "Too many pods" | "Insufficient cpu" | "Insufficient memory"
                    )
                });
                post.push(if resources_only {
                    "No preemption victims found for incoming pod"
                } else {
                    "Preemption is not helpful for scheduling"
                });
                reasons.extend(r);
            }
        }
        let Some(chosen) = best.map(|b| b.2.to_string()) else {
            let msg = format!(
                "0/{total} nodes are available: {}. no new claims to deallocate, preemption: 0/{total} nodes are available: {}.",
                histogram(&reasons),
                histogram(&post)
            );
            return self.fail_scheduling(&pod, msg);
        };
        let mut waiting = false;
        for claim in delayed {
            waiting = true;
            if let Some(mut pvc) = self
                .store
                .get("persistentvolumeclaims", ns, &claim)
                .cloned()
            {
                if pvc
                    .str_at(&["metadata", "annotations", SELECTED_NODE_ANNOTATION])
                    .is_empty()
                {
                    pvc.set(
                        &["metadata", "annotations", SELECTED_NODE_ANNOTATION],
                        Value::from(chosen.as_str()),
                    );
                    self.write_status("persistentvolumeclaims", pvc);
                }
            }
        }
        if waiting {
            return;
        }
        self.bind(Value::clone(&pod), &chosen);
    }

    /// Brings [`Sim::node_facts`] in step with the stored nodes (in name
    /// order): a node whose stored version changed is read again.
    fn refresh_node_facts(&mut self) {
        let facts = &mut self.node_facts;
        let mut count = 0;
        for (i, node) in self.store.iter_shared("nodes", None).enumerate() {
            count = i + 1;
            match facts.get_mut(i) {
                Some(f) if Arc::ptr_eq(&f.node, node) => {}
                Some(f) => *f = NodeFacts::of(node),
                None => facts.push(NodeFacts::of(node)),
            }
        }
        facts.truncate(count);
    }

    /// An events.k8s.io event of kube-scheduler (schedule_one.go), whose
    /// instance is `default-scheduler-<host>`, the control-plane node.
    fn scheduler_event(
        &mut self,
        pod: &Value,
        event_type: &str,
        reason: &str,
        action: &str,
        message: &str,
    ) {
        let host = self.config.nodes.first().map_or("", |n| n.name.as_str());
        let instance = format!("{SCHEDULER}-{host}");
        let reporter = Reporter {
            controller: SCHEDULER,
            instance: &instance,
            action,
        };
        self.record_event_v1(pod, event_type, reason, message, reporter);
    }

    fn bind(&mut self, mut pod: Value, node: &str) {
        let ns = pod.str_at(&["metadata", "namespace"]).to_string();
        let name = pod.str_at(&["metadata", "name"]).to_string();
        self.unscheduled.remove(&(ns.clone(), name.clone()));
        pod.set(&["spec", "nodeName"], Value::from(node));
        let mut conditions: Vec<Value> = pod
            .array_at(&["status", "conditions"])
            .iter()
            .filter(|c| c.str_at(&["type"]) != "PodScheduled")
            .cloned()
            .collect();
        conditions.push(Value::from([
            ("lastProbeTime", Value::Null),
            ("lastTransitionTime", Value::from(rfc3339(self.now))),
            ("status", Value::from("True")),
            ("type", Value::from("PodScheduled")),
        ]));
        pod.set(&["status", "conditions"], Value::from(conditions));
        if let Some(stored) = self.write_status("pods", pod) {
            let message = format!("Successfully assigned {ns}/{name} to {node}");
            self.scheduler_event(&stored, NORMAL, "Scheduled", "Binding", &message);
        }
    }

    fn fail_scheduling(&mut self, pod: &Value, message: String) {
        let mut updated = pod.clone();
        let mut conditions: Vec<Value> = pod
            .array_at(&["status", "conditions"])
            .iter()
            .filter(|c| c.str_at(&["type"]) != "PodScheduled")
            .cloned()
            .collect();
        let previous = pod
            .array_at(&["status", "conditions"])
            .iter()
            .find(|c| c.str_at(&["type"]) == "PodScheduled");
        let since = previous
            .filter(|c| c.str_at(&["status"]) == "False")
            .map(|c| c.str_at(&["lastTransitionTime"]).to_string())
            .unwrap_or_else(|| rfc3339(self.now));
        conditions.push(Value::from([
            ("lastProbeTime", Value::Null),
            ("lastTransitionTime", Value::from(since)),
            ("message", Value::from(message.as_str())),
            ("reason", Value::from("Unschedulable")),
            ("status", Value::from("False")),
            ("type", Value::from("PodScheduled")),
        ]));
        updated.set(&["status", "conditions"], Value::from(conditions));
        let stored = self
            .write_status("pods", updated)
            .unwrap_or_else(|| std::sync::Arc::new(pod.clone()));
        self.scheduler_event(&stored, WARNING, "FailedScheduling", "Scheduling", &message);
        let ns = pod.str_at(&["metadata", "namespace"]).to_string();
        let name = pod.str_at(&["metadata", "name"]).to_string();
        self.enqueue_after(Work::Schedule(ns, name), timing::SCHEDULE_RETRY_MS, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_sorts_entries_as_strings() {
        assert_eq!(
            histogram(&[
                "Insufficient memory",
                "node(s) had untolerated taint(s)",
                "Insufficient memory"
            ]),
            "1 node(s) had untolerated taint(s), 2 Insufficient memory"
        );
    }

    #[test]
    fn quantities_parse() {
        assert_eq!(cpu_millis(Some(&Value::from("250m"))), 250);
        assert_eq!(cpu_millis(Some(&Value::Int(2))), 2000);
        assert_eq!(bytes(Some(&Value::from("64Mi"))), 64 * 1024 * 1024);
    }
}
