//! The DaemonSet controller, reduced to one pod per node. Mirrors
//! pkg/controller/daemon/daemon_controller.go (`manage`,
//! `podsShouldBeOnNode`, `updateDaemonSetStatus`, `NodeShouldRunDaemonPod`),
//! pkg/controller/daemon/util/daemonset_util.go (`CreatePodTemplate`,
//! `AddOrUpdateDaemonPodTolerations`, `ReplaceDaemonSetPodNodeNameNodeAffinity`)
//! and the `controller-revision-hash` / `pod-template-generation` labels.
//!
//! Every node the pod template fits (nodeSelector, required node affinity,
//! NoSchedule and NoExecute taints tolerated) gets one pod, which names its
//! node by node affinity and is bound by the scheduler, as upstream since
//! v1.12; a failed pod is deleted and replaced; a pod on a node that no
//! longer fits and whose NoExecute taints it does not tolerate is deleted.
//!
//! Not modelled: rolling updates (a changed template leaves the running
//! pods alone; `updatedNumberScheduled` counts the pods whose
//! `pod-template-generation` is the DaemonSet's template generation), ControllerRevision
//! objects, `minReadySeconds` and surge, and the failed-pod back-off.

use std::collections::BTreeMap;
use std::sync::Arc;

use ordinal_model::Value;

use super::is_pod_ready;
use super::replicaset::pod_from_template;
use crate::apiserver::admission::template_generation;
use crate::apiserver::DeleteOptions;
use crate::events::{Source, NORMAL, WARNING};
use crate::resources;
use crate::scheduler::PodPlacement;
use crate::sim::{Sim, Work};

const SOURCE: Source<'static> = Source {
    component: "daemonset-controller",
    host: "",
};

/// Label carrying the hash of the template a daemon pod was made from.
pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";
/// Label carrying the DaemonSet generation a daemon pod was made at.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";

/// The taints every daemon pod tolerates (`AddOrUpdateDaemonPodTolerations`):
/// key, effect, and whether only a hostNetwork pod gets it.
const DAEMON_TOLERATIONS: [(&str, &str, bool); 7] = [
    ("node.kubernetes.io/not-ready", "NoExecute", false),
    ("node.kubernetes.io/unreachable", "NoExecute", false),
    ("node.kubernetes.io/disk-pressure", "NoSchedule", false),
    ("node.kubernetes.io/memory-pressure", "NoSchedule", false),
    ("node.kubernetes.io/pid-pressure", "NoSchedule", false),
    ("node.kubernetes.io/unschedulable", "NoSchedule", false),
    ("node.kubernetes.io/network-unavailable", "NoSchedule", true),
];

fn host_network(spec: &Value) -> bool {
    spec.at(&["hostNetwork"]).and_then(Value::as_bool) == Some(true)
}

/// Adds the daemon tolerations a pod spec does not have yet.
fn daemon_tolerations(spec: &mut Value) {
    let mut tolerations = spec.array_at(&["tolerations"]).to_vec();
    let host_network = host_network(spec);
    for (key, effect, host_only) in DAEMON_TOLERATIONS {
        let toleration = Value::from([
            ("effect", Value::from(effect)),
            ("key", Value::from(key)),
            ("operator", Value::from("Exists")),
        ]);
        if (host_network || !host_only) && !tolerations.contains(&toleration) {
            tolerations.push(toleration);
        }
    }
    spec.set(&["tolerations"], Value::from(tolerations));
}

/// The template hash of a DaemonSet (`controller.ComputeHash`).
fn template_hash(ds: &Value) -> String {
    let template = ds.at(&["spec", "template"]).cloned().unwrap_or_default();
    let collisions = ds.i64_at(&["status", "collisionCount"]).unwrap_or(0);
    super::history::revision_hash(&ordinal_model::json::to_compact(&template), collisions)
}

/// Whether a daemon pod made from `template` should run on `node`, and
/// whether one already there may keep running (`NodeShouldRunDaemonPod`:
/// node selector and affinity, then the NoSchedule and NoExecute taints,
/// with the daemon tolerations added).
fn placement(template: &Value, node: &Value) -> (bool, bool) {
    let pod = PodPlacement::of(template);
    if !pod.fits(node) {
        return (false, false);
    }
    let spec = template.get("spec").cloned().unwrap_or_default();
    let tolerates = |taint: &Value| {
        pod.tolerates(taint)
            || DAEMON_TOLERATIONS.iter().any(|(key, effect, host_only)| {
                (host_network(&spec) || !host_only)
                    && taint.str_at(&["key"]) == *key
                    && taint.str_at(&["effect"]) == *effect
            })
    };
    let tolerated = |effects: &[&str]| {
        node.array_at(&["spec", "taints"])
            .iter()
            .filter(|t| effects.contains(&t.str_at(&["effect"])))
            .all(tolerates)
    };
    (
        tolerated(&["NoSchedule", "NoExecute"]),
        tolerated(&["NoExecute"]),
    )
}

impl Sim {
    /// Syncs one DaemonSet (`syncDaemonSet`): creates and deletes daemon
    /// pods, then writes its status.
    #[inline(never)]
    pub(crate) fn sync_daemon_set(&mut self, ns: &str, name: &str) {
        let Some(ds) = self.store.shared("daemonsets", ns, name).cloned() else {
            return;
        };
        let uid = ds.str_at(&["metadata", "uid"]).to_string();
        let pods = self.controlled("pods", &uid);
        let nodes: Vec<Arc<Value>> = self
            .store
            .iter_shared("nodes", None)
            .filter(|n| {
                self.joined_node
                    .as_ref()
                    .is_none_or(|j| j == n.str_at(&["metadata", "name"]))
            })
            .cloned()
            .collect();
        let generation = ds
            .i64_at(&["metadata", "generation"])
            .unwrap_or(1)
            .to_string();
        let template = ds.at(&["spec", "template"]).cloned().unwrap_or_default();
        let mut status = (0i64, 0i64, 0i64, 0i64, 0i64);
        let (mut create, mut delete) = (Vec::new(), Vec::new());
        // The pods bound to, or aimed at, each node, in the order of `pods`.
        let mut by_node: BTreeMap<&str, Vec<&Arc<Value>>> = BTreeMap::new();
        for pod in &pods {
            let bound = pod.str_at(&["spec", "nodeName"]);
            let aimed = pod_node(pod);
            by_node.entry(bound).or_default().push(pod);
            if aimed != bound {
                by_node.entry(aimed).or_default().push(pod);
            }
        }
        for node in &nodes {
            let node_name = node.str_at(&["metadata", "name"]);
            let (should_run, may_continue) = placement(&template, node);
            let on_node: &[&Arc<Value>] = by_node.get(node_name).map_or(&[], Vec::as_slice);
            let live: Vec<&&Arc<Value>> = on_node
                .iter()
                .filter(|p| p.str_at(&["metadata", "deletionTimestamp"]).is_empty())
                .collect();
            let (desired, current, misscheduled, ready, updated) = &mut status;
            if should_run {
                *desired += 1;
            }
            if !live.is_empty() {
                if should_run {
                    *current += 1;
                } else {
                    *misscheduled += 1;
                }
            }
            for pod in &live {
                if pod.str_at(&["status", "phase"]) == "Failed" || !may_continue {
                    delete.push(pod.str_at(&["metadata", "name"]).to_string());
                }
            }
            let running: Vec<&&&Arc<Value>> = live
                .iter()
                .filter(|p| p.str_at(&["status", "phase"]) != "Failed")
                .collect();
            if should_run {
                match running.first() {
                    None => create.push(node_name.to_string()),
                    Some(pod) => {
                        if is_pod_ready(pod) {
                            *ready += 1;
                        }
                        // `IsPodUpdated`: made from this generation's template.
                        let labels = |k: &str| pod.str_at(&["metadata", "labels", k]);
                        if labels(TEMPLATE_GENERATION_LABEL) == generation {
                            *updated += 1;
                        }
                    }
                }
            }
        }
        if ds.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            let hash = (!create.is_empty()).then(|| template_hash(&ds));
            for node in &create {
                self.create_daemon_pod(&ds, node, hash.as_deref().unwrap_or_default());
            }
            for pod in &delete {
                self.delete_daemon_pod(&ds, pod);
            }
        }
        let (desired, current, misscheduled, ready, updated) = status;
        let mut new_status = Value::from([
            ("currentNumberScheduled", Value::Int(current)),
            ("desiredNumberScheduled", Value::Int(desired)),
            ("numberAvailable", Value::Int(ready)),
            ("numberMisscheduled", Value::Int(misscheduled)),
            ("numberReady", Value::Int(ready)),
            (
                "observedGeneration",
                Value::Int(ds.i64_at(&["metadata", "generation"]).unwrap_or(1)),
            ),
            ("updatedNumberScheduled", Value::Int(updated)),
        ]);
        if desired > ready {
            new_status.set(&["numberUnavailable"], Value::Int(desired - ready));
        }
        if ds.get("status") != Some(&new_status) {
            let mut obj = Value::clone(&ds);
            obj.set(&["status"], new_status);
            self.write_status("daemonsets", obj);
        }
    }

    /// `CreatePodTemplate` for `node`: the template with the daemon
    /// tolerations, its hash and generation labels, and node affinity to
    /// `node` alone.
    fn create_daemon_pod(&mut self, ds: &Value, node: &str, hash: &str) {
        let Some(info) = resources::by_plural("pods") else {
            return;
        };
        let ns = ds.str_at(&["metadata", "namespace"]).to_string();
        let mut template = ds
            .at(&["spec", "template"])
            .cloned()
            .unwrap_or_else(Value::object);
        template.set(
            &["metadata", "labels", REVISION_HASH_LABEL],
            Value::from(hash),
        );
        template.set(
            &["metadata", "labels", TEMPLATE_GENERATION_LABEL],
            Value::from(template_generation(ds).to_string()),
        );
        daemon_tolerations(template.entry("spec"));
        let term = Value::from([(
            "matchFields",
            Value::from(vec![Value::from([
                ("key", Value::from("metadata.name")),
                ("operator", Value::from("In")),
                ("values", Value::from(vec![Value::from(node)])),
            ])]),
        )]);
        template.set(
            &[
                "spec",
                "affinity",
                "nodeAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution",
                "nodeSelectorTerms",
            ],
            Value::from(vec![term]),
        );
        let pod = pod_from_template(ds, "DaemonSet", &template);
        match self.create_object(info, &ns, pod, false) {
            Ok(created) => {
                let message = format!("Created pod: {}", created.str_at(&["metadata", "name"]));
                self.record_event(ds, "", NORMAL, "SuccessfulCreate", &message, SOURCE);
            }
            Err(e) => {
                self.sync_failed = true;
                let message = format!("Error creating: {e}");
                self.record_event(ds, "", WARNING, "FailedCreate", &message, SOURCE);
            }
        }
    }

    fn delete_daemon_pod(&mut self, ds: &Value, pod: &str) {
        let ns = ds.str_at(&["metadata", "namespace"]).to_string();
        if self
            .delete("pods", &ns, pod, &DeleteOptions::default())
            .is_ok()
        {
            let message = format!("Deleted pod: {pod}");
            self.record_event(ds, "", NORMAL, "SuccessfulDelete", &message, SOURCE);
        }
    }

    /// Queues every DaemonSet (a node came, went or changed).
    pub(crate) fn enqueue_all_daemon_sets(&mut self) {
        let keys: Vec<(String, String)> = self
            .store
            .iter("daemonsets", None)
            .map(|d| {
                (
                    d.str_at(&["metadata", "namespace"]).to_string(),
                    d.str_at(&["metadata", "name"]).to_string(),
                )
            })
            .collect();
        for (ns, name) in keys {
            self.enqueue(Work::DaemonSet(ns, name));
        }
    }
}

/// The node a not yet bound daemon pod is meant for (its node affinity).
fn pod_node(pod: &Value) -> &str {
    pod.array_at(&[
        "spec",
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    ])
    .iter()
    .flat_map(|t| t.array_at(&["matchFields"]))
    .find(|f| f.str_at(&["key"]) == "metadata.name" && f.str_at(&["operator"]) == "In")
    .and_then(|f| f.array_at(&["values"]).first())
    .and_then(Value::as_str)
    .unwrap_or("")
}
