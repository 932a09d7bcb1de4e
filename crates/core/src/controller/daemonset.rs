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
//! `controller-revision-hash` is the template's), ControllerRevision
//! objects, `minReadySeconds` and surge, and the failed-pod back-off.

use std::sync::Arc;

use ordinal_model::Value;

use super::controller_ref;
use super::replicaset::{is_pod_ready, pod_from_template};
use crate::apiserver::DeleteOptions;
use crate::events::{Source, NORMAL, WARNING};
use crate::resources;
use crate::scheduler::{node_fits_pod, toleration_matches};
use crate::sim::{Sim, Work};

const SOURCE: Source<'static> = Source {
    component: "daemonset-controller",
    host: "",
};

/// Label carrying the hash of the template a daemon pod was made from.
pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";
/// Label carrying the DaemonSet generation a daemon pod was made at.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";

/// `AddOrUpdateDaemonPodTolerations`: daemon pods tolerate the node
/// conditions' taints; a hostNetwork pod also `network-unavailable`.
fn daemon_tolerations(spec: &mut Value) {
    let mut tolerations = spec.array_at(&["tolerations"]).to_vec();
    let host_network = spec.at(&["hostNetwork"]).and_then(Value::as_bool) == Some(true);
    let added = [
        ("node.kubernetes.io/not-ready", "NoExecute", true),
        ("node.kubernetes.io/unreachable", "NoExecute", true),
        ("node.kubernetes.io/disk-pressure", "NoSchedule", true),
        ("node.kubernetes.io/memory-pressure", "NoSchedule", true),
        ("node.kubernetes.io/pid-pressure", "NoSchedule", true),
        ("node.kubernetes.io/unschedulable", "NoSchedule", true),
        (
            "node.kubernetes.io/network-unavailable",
            "NoSchedule",
            host_network,
        ),
    ];
    for (key, effect, wanted) in added {
        let toleration = Value::from([
            ("effect", Value::from(effect)),
            ("key", Value::from(key)),
            ("operator", Value::from("Exists")),
        ]);
        if wanted && !tolerations.contains(&toleration) {
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

/// Whether a daemon pod of `ds` should run on `node`, and whether one
/// already there may keep running (`NodeShouldRunDaemonPod`).
fn placement(ds: &Value, node: &Value) -> (bool, bool) {
    let mut pod = Value::object();
    let mut spec = ds
        .at(&["spec", "template", "spec"])
        .cloned()
        .unwrap_or_default();
    daemon_tolerations(&mut spec);
    pod.set(&["spec"], spec);
    if !node_fits_pod(&pod, node) {
        return (false, false);
    }
    let tolerated = |effects: &[&str]| {
        node.array_at(&["spec", "taints"])
            .iter()
            .filter(|t| effects.contains(&t.str_at(&["effect"])))
            .all(|t| {
                pod.array_at(&["spec", "tolerations"])
                    .iter()
                    .any(|tol| toleration_matches(tol, t))
            })
    };
    (
        tolerated(&["NoSchedule", "NoExecute"]),
        tolerated(&["NoExecute"]),
    )
}

impl Sim {
    /// Syncs one DaemonSet (`syncDaemonSet`): creates and deletes daemon
    /// pods, then writes its status.
    pub(crate) fn sync_daemon_set(&mut self, ns: &str, name: &str) {
        let Some(ds) = self.store.shared("daemonsets", ns, name).cloned() else {
            return;
        };
        let uid = ds.str_at(&["metadata", "uid"]).to_string();
        let pods: Vec<Arc<Value>> = self
            .store
            .owned_shared("pods", &uid)
            .into_iter()
            .filter(|p| controller_ref(p).is_some_and(|r| r.str_at(&["uid"]) == uid))
            .cloned()
            .collect();
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
        let hash = template_hash(&ds);
        let mut status = (0i64, 0i64, 0i64, 0i64, 0i64);
        let (mut create, mut delete) = (Vec::new(), Vec::new());
        for node in &nodes {
            let node_name = node.str_at(&["metadata", "name"]);
            let (should_run, may_continue) = placement(&ds, node);
            let on_node: Vec<&Arc<Value>> = pods
                .iter()
                .filter(|p| p.str_at(&["spec", "nodeName"]) == node_name || pod_node(p) == node_name)
                .collect();
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
                        if pod.str_at(&["metadata", "labels", REVISION_HASH_LABEL]) == hash {
                            *updated += 1;
                        }
                    }
                }
            }
        }
        if ds.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            for node in &create {
                self.create_daemon_pod(&ds, node, &hash);
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
        let generation = ds.i64_at(&["metadata", "generation"]).unwrap_or(1);
        template.set(
            &["metadata", "labels", TEMPLATE_GENERATION_LABEL],
            Value::from(generation.to_string()),
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
