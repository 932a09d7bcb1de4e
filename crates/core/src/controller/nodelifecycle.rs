//! Node failure and recovery: the node containers of a kind cluster
//! (`docker stop` / `docker start`), the node lifecycle controller, taint
//! based eviction and the orphaned-pod pass of the pod garbage collector.
//!
//! Mirrors pkg/controller/nodelifecycle/node_lifecycle_controller.go
//! (`monitorNodeHealth`, `tryUpdateNodeHealth`, `doNoScheduleTaintingPass`,
//! `doNoExecuteTaintingPass`, `processTaintBaseEviction`, `handleDisruption`),
//! pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go (`Try`),
//! pkg/controller/util/node/controller_utils.go (`MarkPodsNotReady`,
//! `RecordNodeStatusChange`, `SwapNodeControllerTaint`),
//! pkg/controller/tainteviction/taint_eviction.go (`processPodOnNode`,
//! `getMinTolerationTime`, `addConditionAndDeletePod`) and
//! pkg/controller/podgc/gc_controller.go (`gcOrphaned`).
//!
//! A node's health is probed from its Lease (`renewTime`) and its Ready
//! condition's `lastHeartbeatTime`, as seen on the first monitor pass after
//! each. NoExecute taints go through a rate-limited queue (one node every
//! 10 s, `--node-eviction-rate` 0.1), which stops in full and, for clusters
//! of at most 50 nodes, partial disruption as upstream does. Simplification:
//! every node is in one zone (kind nodes carry no zone label), and the
//! queue is worked at once rather than on a 100 ms tick.

use std::collections::{BTreeMap, BTreeSet};

use ordinal_model::Value;

use crate::bootstrap::{condition, HEALTHY_NODE_CONDITIONS};
use crate::clock::{parse_rfc3339, rfc3339};
use crate::error::ApiError;
use crate::events::{Source, NORMAL, WARNING};
use crate::scheduler::toleration_matches;
use crate::sim::{Sim, Work};
use crate::timing;

/// Taint of a node whose kubelet stopped posting status.
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";
/// Taint of a node whose kubelet reports NotReady.
pub const NOT_READY_TAINT: &str = "node.kubernetes.io/not-ready";
/// Taint of a cordoned node (`spec.unschedulable`).
pub const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";
/// Nodes carrying this label do not count for disruption checks.
const EXCLUDE_DISRUPTION_LABEL: &str = "node.kubernetes.io/exclude-disruption";
/// Clusters up to this size stop evicting in partial disruption
/// (`--large-cluster-size-threshold`).
const LARGE_CLUSTER_THRESHOLD: usize = 50;
/// Share of unhealthy nodes that makes a zone partially disrupted
/// (`--unhealthy-zone-threshold`).
const UNHEALTHY_ZONE_THRESHOLD: f64 = 0.55;

const NODE_CONTROLLER: Source<'static> = Source {
    component: "node-controller",
    host: "",
};
const TAINT_EVICTION: Source<'static> = Source {
    component: "taint-eviction-controller",
    host: "",
};

/// What the simulator knows about node containers and these controllers.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeLifecycle {
    /// Nodes whose kubelet is not running.
    down: BTreeSet<String>,
    /// Stopped nodes started again, whose kubelet is still booting.
    booting: BTreeSet<String>,
    /// Taint evictions: pod → scheduled (created, due) or `None` once done.
    evictions: BTreeMap<(String, String), Option<(u64, u64)>>,
    /// Every zone was fully disrupted at the last pass: evictions stopped.
    full_disruption: bool,
    /// Full or partial disruption at the last pass: the NoExecute tainting
    /// queue is stopped (its limiter swapped to 0 QPS).
    tainting_stopped: bool,
    /// Nodes waiting for their NoExecute taint, in order (the zone's
    /// `RateLimitedTimedQueue`; kind nodes carry no zone, so there is one).
    taint_queue: Vec<String>,
    /// When the tainting limiter last let a node through.
    last_tainted: Option<u64>,
    /// Names of missing nodes (deleted, or never there) whose pods the pod
    /// GC still has to remove.
    deleted: BTreeSet<String>,
    /// When kube-controller-manager last started (its node health data
    /// starts empty: every node gets a full grace period from then).
    epoch: u64,
}

fn ready_status(node: &Value) -> &str {
    node.array_at(&["status", "conditions"])
        .iter()
        .find(|c| c.str_at(&["type"]) == "Ready")
        .map_or("Unknown", |c| c.str_at(&["status"]))
}

fn no_execute_taints(node: &Value) -> Vec<Value> {
    node.array_at(&["spec", "taints"])
        .iter()
        .filter(|t| t.str_at(&["effect"]) == "NoExecute")
        .cloned()
        .collect()
}

fn taint(key: &str, effect: &str, at: u64) -> Value {
    Value::from([
        ("effect", Value::from(effect)),
        ("key", Value::from(key)),
        ("timeAdded", Value::from(rfc3339(at))),
    ])
}

fn is_controller_taint(t: &Value, effect: &str) -> bool {
    t.str_at(&["effect"]) == effect
        && matches!(t.str_at(&["key"]), UNREACHABLE_TAINT | NOT_READY_TAINT)
}

/// `getMinTolerationTime` over the first toleration matching each taint:
/// `None` when some taint is not tolerated (evict now), `Some(None)` when
/// every one is tolerated forever, else the shortest toleration in ms.
fn toleration_ms(pod: &Value, taints: &[Value]) -> Option<Option<u64>> {
    let tolerations = pod.array_at(&["spec", "tolerations"]);
    let mut min: Option<u64> = None;
    for t in taints {
        let used = tolerations.iter().find(|tol| toleration_matches(tol, t))?;
        if let Some(seconds) = used.i64_at(&["tolerationSeconds"]) {
            let ms = seconds.max(0) as u64 * 1000;
            min = Some(min.map_or(ms, |m| m.min(ms)));
        }
    }
    Some(min)
}

fn next_tick(now: u64, period: u64) -> u64 {
    (now / period + 1) * period
}

impl Sim {
    fn node_container(&self, name: &str) -> Result<(), ApiError> {
        if self.config.nodes.iter().any(|n| n.name == name) {
            Ok(())
        } else {
            Err(ApiError::not_found("nodes", name))
        }
    }

    /// Stops a node's container (`docker stop kind-worker`): its kubelet and
    /// every container on it die; nothing on it reports any more. Stopping a
    /// stopped node does nothing. Unknown names are a NotFound error.
    pub fn stop_node(&mut self, name: &str) -> Result<(), ApiError> {
        self.node_container(name)?;
        self.settle();
        self.nodes.booting.remove(name);
        if self.nodes.down.insert(name.to_string()) {
            self.kill_node_runtime(name);
            self.schedule_node_monitor();
            if self.control_plane_node() == Some(name) {
                self.leader_identities.clear();
            }
        }
        Ok(())
    }

    /// Starts a stopped node's container (`docker start kind-worker`): after
    /// [`timing::NODE_BOOT_MS`] its kubelet posts Ready, finishes deleting
    /// the pods marked for deletion and restarts the others in new sandboxes.
    pub fn start_node(&mut self, name: &str) -> Result<(), ApiError> {
        self.node_container(name)?;
        if self.nodes.down.contains(name) && self.nodes.booting.insert(name.to_string()) {
            self.enqueue_after(
                Work::NodeBoot(name.to_string()),
                timing::NODE_BOOT_MS,
                false,
            );
        }
        self.settle();
        Ok(())
    }

    /// Whether a node's container runs (false between `stop_node` and
    /// `start_node`; unknown names are not running).
    pub fn node_running(&self, name: &str) -> bool {
        self.config.nodes.iter().any(|n| n.name == name)
            && (!self.nodes.down.contains(name) || self.nodes.booting.contains(name))
    }

    /// How the API server fails to reach the kubelet of `node` (logs, exec,
    /// port-forward): `None` when it runs. A stopped node container has no
    /// address any more; a booting one refuses the connection.
    pub fn kubelet_dial_error(&self, node: &str) -> Option<String> {
        if self.kubelet_up(node) {
            return None;
        }
        let address = self.node_address(node);
        let failure = if self.nodes.booting.contains(node) {
            "connection refused"
        } else {
            "no route to host"
        };
        Some(format!("dial tcp {address}:10250: connect: {failure}"))
    }

    /// The node whose container runs the control plane (API server, etcd,
    /// controllers, scheduler): kind's `*control-plane`, else the first.
    pub fn control_plane_node(&self) -> Option<&str> {
        let nodes = &self.config.nodes;
        nodes
            .iter()
            .find(|n| n.name.ends_with("control-plane"))
            .or(nodes.first())
            .map(|n| n.name.as_str())
    }

    /// Whether the API server answers: its node's container runs and has
    /// booted. While it is down, kube-controller-manager is down too.
    pub fn api_server_up(&self) -> bool {
        self.control_plane_node().is_none_or(|n| self.kubelet_up(n))
    }

    /// Whether the kubelet of `node` is up (it syncs pods and posts status):
    /// the node's container exists and runs. A pod bound to a node name no
    /// machine has is left alone, as on a real cluster.
    pub(crate) fn kubelet_up(&self, node: &str) -> bool {
        self.node_container(node).is_ok() && !self.nodes.down.contains(node)
    }

    /// The kubelet of a started node is up: it posts its conditions (with
    /// the events kubelet_node_status.go records) and syncs its pods.
    #[inline(never)]
    pub(crate) fn boot_node(&mut self, name: &str) {
        if !self.nodes.booting.remove(name) {
            return;
        }
        self.nodes.down.remove(name);
        let registered = self.store.get("nodes", "", name).is_none();
        if registered {
            self.register_node(name);
        }
        let Some(mut node) = self.store.get("nodes", "", name).cloned() else {
            return;
        };
        let source = Source {
            component: "kubelet",
            host: name,
        };
        self.record_event(&node, "", NORMAL, "Starting", "Starting kubelet.", source);
        self.record_event(
            &node,
            "",
            NORMAL,
            "NodeAllocatableEnforced",
            "Updated Node Allocatable limit across pods",
            source,
        );
        let now = rfc3339(self.now);
        let mut conditions = node.array_at(&["status", "conditions"]).to_vec();
        let mut changed = Vec::new();
        for (kind, status, reason, message, event) in HEALTHY_NODE_CONDITIONS {
            let fresh = condition(kind, status, reason, message, &now);
            match conditions.iter_mut().find(|c| c.str_at(&["type"]) == kind) {
                Some(c) if c.str_at(&["status"]) == status => {
                    c.set(&["lastHeartbeatTime"], Value::from(now.as_str()));
                    if registered {
                        changed.push(event);
                    }
                }
                Some(c) => {
                    *c = fresh;
                    changed.push(event);
                }
                None => {
                    conditions.push(fresh);
                    changed.push(event);
                }
            }
        }
        node.set(&["status", "conditions"], Value::from(conditions));
        let stored = self.write_status("nodes", node);
        if let Some(stored) = stored {
            for event in changed {
                let message = format!("Node {name} status is now: {event}");
                self.record_event(&stored, "", NORMAL, event, &message, source);
            }
        }
        self.resync_node_pods(name);
        self.renew_node_lease(name);
        if self.control_plane_node() == Some(name) {
            self.control_plane_started();
        }
        self.schedule_node_status_report(name);
        if self.control_plane_node() == Some(name) {
            self.restart_controllers();
        }
        self.schedule_node_monitor();
    }

    /// kube-controller-manager starts again with its control plane node:
    /// node health is observed afresh and the taint eviction and pod GC
    /// queues are rebuilt from the objects.
    fn restart_controllers(&mut self) {
        self.nodes.epoch = self.now;
        self.nodes.evictions.clear();
        self.nodes.taint_queue.clear();
        self.nodes.last_tainted = None;
        let tainted: Vec<String> = self
            .store
            .iter("nodes", None)
            .filter(|n| !no_execute_taints(n).is_empty())
            .map(|n| n.str_at(&["metadata", "name"]).to_string())
            .collect();
        for node in tainted {
            for (ns, pod) in self.pods_on_node(&node) {
                self.enqueue(Work::TaintEviction(ns, pod));
            }
        }
        if !self.nodes.deleted.is_empty() {
            self.enqueue_after(Work::PodGc, timing::POD_GC_QUARANTINE_MS, false);
        }
    }

    fn pods_on_node(&self, node: &str) -> Vec<(String, String)> {
        self.store
            .iter("pods", None)
            .filter(|p| p.str_at(&["spec", "nodeName"]) == node)
            .map(|p| {
                (
                    p.str_at(&["metadata", "namespace"]).to_string(),
                    p.str_at(&["metadata", "name"]).to_string(),
                )
            })
            .collect()
    }

    fn resync_node_pods(&mut self, node: &str) {
        for (ns, name) in self.pods_on_node(node) {
            self.enqueue(Work::Kubelet(ns, name));
        }
    }

    /// Starts the monitor loop on the next `node-monitor-period` tick.
    fn schedule_node_monitor(&mut self) {
        let at = next_tick(self.now, timing::NODE_MONITOR_PERIOD_MS);
        self.enqueue_after(Work::NodeMonitor, at - self.now, true);
    }

    /// One `monitorNodeHealth` pass; the loop keeps running while any node
    /// is down, not Ready or tainted by this controller.
    #[inline(never)]
    pub(crate) fn monitor_node_health(&mut self) {
        if !self.api_server_up() {
            self.enqueue_after(Work::NodeMonitor, timing::NODE_MONITOR_PERIOD_MS, true);
            return;
        }
        let names: Vec<String> = self
            .store
            .iter("nodes", None)
            .map(|n| n.str_at(&["metadata", "name"]).to_string())
            .collect();
        let mut ready = 0usize;
        let mut not_ready = 0usize;
        let mut observed_all = Vec::new();
        for name in &names {
            let Some(node) = self.store.get("nodes", "", name).cloned() else {
                continue;
            };
            let observed = ready_status(&node).to_string();
            let silent = self.now > self.probe_time(&node) + timing::NODE_MONITOR_GRACE_MS;
            let mut current = observed.clone();
            if silent {
                current = "Unknown".to_string();
                self.mark_node_unknown(node.clone());
            }
            if current != "True" && observed == "True" {
                if let Some(stored) = self.store.get("nodes", "", name).cloned() {
                    let message = format!("Node {name} status is now: NodeNotReady");
                    self.record_event(
                        &stored,
                        "",
                        NORMAL,
                        "NodeNotReady",
                        &message,
                        NODE_CONTROLLER,
                    );
                }
                self.mark_pods_not_ready(name);
            }
            let excluded = node
                .at(&["metadata", "labels", EXCLUDE_DISRUPTION_LABEL])
                .is_some();
            if !excluded {
                if current == "True" {
                    ready += 1;
                } else {
                    not_ready += 1;
                }
            }
            observed_all.push((name.clone(), observed));
        }
        let full = ready == 0 && not_ready > 0;
        let partial = not_ready > 2
            && not_ready as f64 / (ready + not_ready) as f64 >= UNHEALTHY_ZONE_THRESHOLD
            && ready + not_ready <= LARGE_CLUSTER_THRESHOLD;
        if full && !self.nodes.full_disruption {
            for name in &names {
                self.swap_no_execute_taint(name, None);
            }
        }
        self.nodes.full_disruption = full;
        let stopped = full || partial;
        if self.nodes.tainting_stopped && !stopped {
            // `setLimiterInZone` swaps in a fresh limiter (a full bucket).
            self.nodes.last_tainted = None;
        }
        self.nodes.tainting_stopped = stopped;
        for (name, observed) in observed_all {
            match observed.as_str() {
                "True" => {
                    self.swap_no_execute_taint(&name, None);
                    self.nodes.taint_queue.retain(|n| *n != name);
                }
                _ if stopped => {}
                status => {
                    let (key, opposite) = if status == "False" {
                        (NOT_READY_TAINT, UNREACHABLE_TAINT)
                    } else {
                        (UNREACHABLE_TAINT, NOT_READY_TAINT)
                    };
                    let has = |k: &str| {
                        self.store.get("nodes", "", &name).is_some_and(|n| {
                            no_execute_taints(n).iter().any(|t| t.str_at(&["key"]) == k)
                        })
                    };
                    if has(opposite) {
                        // A tainted node's taint is swapped at once.
                        self.swap_no_execute_taint(&name, Some(key));
                    } else if !has(key) && !self.nodes.taint_queue.contains(&name) {
                        self.nodes.taint_queue.push(name);
                    }
                }
            }
        }
        self.no_execute_tainting_pass();
        let watching = !self.nodes.down.is_empty()
            || self.store.iter("nodes", None).any(|n| {
                ready_status(n) != "True"
                    || n.array_at(&["spec", "taints"]).iter().any(|t| {
                        is_controller_taint(t, "NoExecute") || is_controller_taint(t, "NoSchedule")
                    })
            });
        if watching {
            self.enqueue_after(Work::NodeMonitor, timing::NODE_MONITOR_PERIOD_MS, true);
        }
    }

    /// `doNoExecuteTaintingPass`: queued nodes get their NoExecute taint
    /// through the zone's rate limiter, one every
    /// [`timing::NO_EXECUTE_TAINT_INTERVAL_MS`]; a node Ready again by its
    /// turn is let go (its turn is used all the same, as `Try` takes the
    /// token first).
    #[inline(never)]
    pub(crate) fn no_execute_tainting_pass(&mut self) {
        if self.nodes.tainting_stopped || !self.api_server_up() {
            return;
        }
        while let Some(name) = self.nodes.taint_queue.first().cloned() {
            if let Some(last) = self.nodes.last_tainted {
                let due = last + timing::NO_EXECUTE_TAINT_INTERVAL_MS;
                if self.now < due {
                    self.enqueue_after(Work::NoExecuteTainting, due - self.now, true);
                    return;
                }
            }
            self.nodes.last_tainted = Some(self.now);
            self.nodes.taint_queue.remove(0);
            let Some(node) = self.store.get("nodes", "", &name) else {
                continue;
            };
            let has_ready = node
                .array_at(&["status", "conditions"])
                .iter()
                .any(|c| c.str_at(&["type"]) == "Ready");
            let key = match ready_status(node) {
                "False" => NOT_READY_TAINT,
                "Unknown" if has_ready => UNREACHABLE_TAINT,
                _ => continue,
            };
            self.swap_no_execute_taint(&name, Some(key));
        }
    }

    /// `tryUpdateNodeHealth`'s `probeTimestamp`: when this controller last
    /// saw the node's Lease renewed or its Ready heartbeat move (the first
    /// monitor pass at or after it), or when it started, whichever is later.
    fn probe_time(&self, node: &Value) -> u64 {
        let name = node.str_at(&["metadata", "name"]);
        let heartbeat = node
            .array_at(&["status", "conditions"])
            .iter()
            .find(|c| c.str_at(&["type"]) == "Ready")
            .and_then(|c| parse_rfc3339(c.str_at(&["lastHeartbeatTime"])))
            .unwrap_or(0);
        let seen = self.lease_renew_time(name).unwrap_or(0).max(heartbeat);
        let period = timing::NODE_MONITOR_PERIOD_MS;
        let observed = seen.div_ceil(period) * period;
        observed.max(self.nodes.epoch)
    }

    /// `tryUpdateNodeHealth` past the grace period: every condition the
    /// kubelet owns becomes Unknown.
    fn mark_node_unknown(&mut self, mut node: Value) {
        let now = rfc3339(self.now);
        let mut conditions = node.array_at(&["status", "conditions"]).to_vec();
        for c in conditions.iter_mut() {
            let owned = matches!(
                c.str_at(&["type"]),
                "Ready" | "MemoryPressure" | "DiskPressure" | "PIDPressure"
            );
            if owned && c.str_at(&["status"]) != "Unknown" {
                c.set(&["status"], Value::from("Unknown"));
                c.set(&["reason"], Value::from("NodeStatusUnknown"));
                c.set(
                    &["message"],
                    Value::from("Kubelet stopped posting node status."),
                );
                c.set(&["lastTransitionTime"], Value::from(now.as_str()));
            }
        }
        node.set(&["status", "conditions"], Value::from(conditions));
        self.write_status("nodes", node);
    }

    /// `MarkPodsNotReady`: the Ready condition of every pod on the node
    /// turns False, with a NodeNotReady warning on each.
    fn mark_pods_not_ready(&mut self, node: &str) {
        for (ns, name) in self.pods_on_node(node) {
            let Some(mut pod) = self.store.get("pods", &ns, &name).cloned() else {
                continue;
            };
            let mut conditions = pod.array_at(&["status", "conditions"]).to_vec();
            let Some(ready) = conditions
                .iter_mut()
                .find(|c| c.str_at(&["type"]) == "Ready")
            else {
                continue;
            };
            if ready.str_at(&["status"]) == "False" {
                continue;
            }
            ready.set(&["status"], Value::from("False"));
            ready.set(&["lastTransitionTime"], Value::from(rfc3339(self.now)));
            pod.set(&["status", "conditions"], Value::from(conditions));
            if let Some(stored) = self.write_status("pods", pod) {
                self.record_event(
                    &stored,
                    "",
                    WARNING,
                    "NodeNotReady",
                    "Node is not ready",
                    NODE_CONTROLLER,
                );
            }
        }
    }

    /// `doNoExecuteTaintingPass` / `markNodeAsReachable`: the node carries
    /// the NoExecute taint `key` (and not its opposite), or none with `None`.
    fn swap_no_execute_taint(&mut self, name: &str, key: Option<&str>) {
        let Some(mut node) = self.store.get("nodes", "", name).cloned() else {
            return;
        };
        let taints = node.array_at(&["spec", "taints"]);
        let has = |k: &str| {
            taints
                .iter()
                .any(|t| t.str_at(&["key"]) == k && t.str_at(&["effect"]) == "NoExecute")
        };
        if key.is_some_and(has) {
            return;
        }
        let mut kept: Vec<Value> = taints
            .iter()
            .filter(|t| !is_controller_taint(t, "NoExecute"))
            .cloned()
            .collect();
        if let Some(k) = key {
            kept.push(taint(k, "NoExecute", self.now));
        }
        if kept.len() == taints.len() && key.is_none() {
            return;
        }
        set_taints(&mut node, kept);
        self.write_status("nodes", node);
    }

    /// `doNoScheduleTaintingPass`, run on every node change: NoSchedule
    /// taints follow the Ready condition (Unknown → unreachable, False →
    /// not-ready) and `spec.unschedulable` (cordon → unschedulable).
    pub(crate) fn sync_no_schedule_taint(&mut self, name: &str) {
        let Some(mut node) = self.store.get("nodes", "", name).cloned() else {
            return;
        };
        let mut wanted: Vec<&str> = Vec::new();
        let has_ready = node
            .array_at(&["status", "conditions"])
            .iter()
            .any(|c| c.str_at(&["type"]) == "Ready");
        match ready_status(&node) {
            "True" => {}
            "False" => wanted.push(NOT_READY_TAINT),
            _ if has_ready => wanted.push(UNREACHABLE_TAINT),
            _ => {}
        }
        if node.at(&["spec", "unschedulable"]).and_then(Value::as_bool) == Some(true) {
            wanted.push(UNSCHEDULABLE_TAINT);
        }
        let taints = node.array_at(&["spec", "taints"]);
        let managed = |t: &Value| {
            t.str_at(&["effect"]) == "NoSchedule"
                && matches!(
                    t.str_at(&["key"]),
                    UNREACHABLE_TAINT | NOT_READY_TAINT | UNSCHEDULABLE_TAINT
                )
        };
        let current: Vec<&str> = taints
            .iter()
            .filter(|t| managed(t))
            .map(|t| t.str_at(&["key"]))
            .collect();
        let add: Vec<&str> = wanted
            .iter()
            .filter(|k| !current.contains(k))
            .copied()
            .collect();
        if add.is_empty() && current.iter().all(|k| wanted.contains(k)) {
            return;
        }
        let mut kept: Vec<Value> = taints
            .iter()
            .filter(|t| !managed(t) || wanted.contains(&t.str_at(&["key"])))
            .cloned()
            .collect();
        for key in add {
            kept.push(taint(key, "NoSchedule", self.now));
        }
        set_taints(&mut node, kept);
        self.write_status("nodes", node);
    }

    /// Informer handlers of these controllers for one node change.
    pub(crate) fn react_node_lifecycle(&mut self, old: Option<&Value>, new: Option<&Value>) {
        let Some(any) = new.or(old) else { return };
        let name = any.str_at(&["metadata", "name"]).to_string();
        let Some(new) = new else {
            self.quarantine_missing_node(name);
            return;
        };
        self.nodes.deleted.remove(&name);
        let relevant = old.map(|o| o.at(&["status", "conditions"]))
            != Some(new.at(&["status", "conditions"]))
            || old.map(|o| o.at(&["spec", "unschedulable"]))
                != Some(new.at(&["spec", "unschedulable"]));
        if relevant {
            self.sync_no_schedule_taint(&name);
        }
        let old_taints = old.map(no_execute_taints).unwrap_or_default();
        let new_taints = no_execute_taints(new);
        if old_taints != new_taints {
            for (ns, pod) in self.pods_on_node(&name) {
                self.enqueue(Work::TaintEviction(ns, pod));
            }
        }
    }

    /// The taint eviction controller's pod handler (`handlePodUpdate`).
    pub(crate) fn react_pod_taints(&mut self, old: Option<&Value>, new: Option<&Value>) {
        let Some(any) = new.or(old) else { return };
        let key = || {
            (
                any.str_at(&["metadata", "namespace"]).to_string(),
                any.str_at(&["metadata", "name"]).to_string(),
            )
        };
        let node_changed = old.map(|p| p.str_at(&["spec", "nodeName"]))
            != new.map(|p| p.str_at(&["spec", "nodeName"]));
        if new.is_none() || node_changed && self.nodes.evictions.contains_key(&key()) {
            let (ns, name) = key();
            self.enqueue(Work::TaintEviction(ns, name));
            return;
        }
        let tolerations_changed = old.and_then(|p| p.at(&["spec", "tolerations"]))
            != new.and_then(|p| p.at(&["spec", "tolerations"]));
        if !(node_changed || tolerations_changed) {
            return;
        }
        let tainted = self
            .store
            .get("nodes", "", any.str_at(&["spec", "nodeName"]))
            .is_some_and(|n| !no_execute_taints(n).is_empty());
        if tainted {
            let (ns, name) = key();
            self.enqueue(Work::TaintEviction(ns, name));
        }
    }

    fn cancel_eviction(&mut self, ns: &str, name: &str) {
        let key = (ns.to_string(), name.to_string());
        if let Some(Some(_)) = self.nodes.evictions.remove(&key) {
            self.taint_eviction_event(ns, name, "Cancelling deletion of");
        }
    }

    /// The taint eviction controller's event on a pod: `<what> Pod ns/name`.
    fn taint_eviction_event(&mut self, ns: &str, name: &str, what: &str) {
        let message = format!("{what} Pod {ns}/{name}");
        let involved = self.pod_reference(ns, name);
        self.record_event(
            &involved,
            "",
            NORMAL,
            "TaintManagerEviction",
            &message,
            TAINT_EVICTION,
        );
    }

    /// The ObjectReference the taint eviction controller records events
    /// on: kind, namespace and name, no uid.
    fn pod_reference(&self, ns: &str, name: &str) -> Value {
        Value::from([
            ("apiVersion", Value::from("v1")),
            ("kind", Value::from("Pod")),
            (
                "metadata",
                Value::from([("name", Value::from(name)), ("namespace", Value::from(ns))]),
            ),
        ])
    }

    /// `processPodOnNode`, and the deletion when its time comes.
    #[inline(never)]
    pub(crate) fn sync_taint_eviction(&mut self, ns: &str, name: &str) {
        if !self.api_server_up() {
            return;
        }
        let key = (ns.to_string(), name.to_string());
        let Some(pod) = self.store.get("pods", ns, name).cloned() else {
            return self.cancel_eviction(ns, name);
        };
        let now = self.now;
        let scheduled = self.nodes.evictions.get(&key).copied();
        if let Some(Some((_, due))) = scheduled {
            if due <= now {
                self.nodes.evictions.insert(key, None);
                return self.evict_pod(pod);
            }
        }
        let taints = self
            .store
            .get("nodes", "", pod.str_at(&["spec", "nodeName"]))
            .map(no_execute_taints)
            .unwrap_or_default();
        if taints.is_empty() {
            return self.cancel_eviction(ns, name);
        }
        let (created, due) = match toleration_ms(&pod, &taints) {
            None => {
                self.cancel_eviction(ns, name);
                self.nodes.evictions.insert(key, None);
                return self.evict_pod(pod);
            }
            Some(None) => return self.cancel_eviction(ns, name),
            Some(Some(ms)) => match scheduled {
                Some(None) => return,
                // An earlier wake-up of this work may fire first: wait on.
                Some(Some((created, due))) if created < now => (created, due),
                Some(Some((created, _))) => (created, now + ms),
                None => (now, now + ms),
            },
        };
        if due <= now {
            self.nodes.evictions.insert(key, None);
            return self.evict_pod(pod);
        }
        self.nodes
            .evictions
            .insert(key.clone(), Some((created, due)));
        self.enqueue_after(Work::TaintEviction(key.0, key.1), due - now, true);
    }

    /// `deletePodHandler`: the event, the DisruptionTarget condition, then
    /// a graceful delete the pod's kubelet has to confirm.
    fn evict_pod(&mut self, mut pod: Value) {
        let ns = pod.str_at(&["metadata", "namespace"]).to_string();
        let name = pod.str_at(&["metadata", "name"]).to_string();
        self.taint_eviction_event(&ns, &name, "Marking for deletion");
        let condition = Value::from([
            ("lastProbeTime", Value::Null),
            ("lastTransitionTime", Value::from(rfc3339(self.now))),
            (
                "message",
                Value::from("Taint manager: deleting due to NoExecute taint"),
            ),
            ("reason", Value::from("DeletionByTaintManager")),
            ("status", Value::from("True")),
            ("type", Value::from("DisruptionTarget")),
        ]);
        set_pod_condition(&mut pod, condition);
        let pod = match self.write_status("pods", pod) {
            Some(stored) => Value::clone(&stored),
            None => return,
        };
        self.delete_pod(pod, None);
    }

    /// `gcOrphaned` found pods bound to a node its informer does not have:
    /// the node is quarantined, and its pods are removed at the first pass
    /// [`timing::POD_GC_QUARANTINE_MS`] later if it is still missing.
    pub(crate) fn quarantine_missing_node(&mut self, name: String) {
        if self.nodes.deleted.insert(name) {
            let due = next_tick(
                self.now + timing::POD_GC_QUARANTINE_MS,
                timing::POD_GC_PERIOD_MS,
            );
            self.enqueue_after(Work::PodGc, due - self.now, false);
        }
    }

    /// `gcOrphaned`: pods bound to a node that stayed missing for the
    /// quarantine time are marked Failed with a DisruptionTarget condition
    /// (`markFailedAndDeletePodWithCondition`) and deleted at once.
    #[inline(never)]
    pub(crate) fn gc_orphaned_pods(&mut self) {
        if !self.api_server_up() {
            return;
        }
        let gone: Vec<String> = std::mem::take(&mut self.nodes.deleted)
            .into_iter()
            .filter(|n| self.store.get("nodes", "", n).is_none())
            .collect();
        for node in gone {
            for (ns, name) in self.pods_on_node(&node) {
                let Some(mut pod) = self.store.get("pods", &ns, &name).cloned() else {
                    continue;
                };
                let condition = Value::from([
                    ("lastProbeTime", Value::Null),
                    ("lastTransitionTime", Value::from(rfc3339(self.now))),
                    ("message", Value::from("PodGC: node no longer exists")),
                    ("reason", Value::from("DeletionByPodGC")),
                    ("status", Value::from("True")),
                    ("type", Value::from("DisruptionTarget")),
                ]);
                if !matches!(pod.str_at(&["status", "phase"]), "Succeeded" | "Failed") {
                    pod.set(&["status", "phase"], Value::from("Failed"));
                    set_pod_condition(&mut pod, condition);
                }
                let pod = match self.write_status("pods", pod) {
                    Some(stored) => Value::clone(&stored),
                    None => continue,
                };
                self.delete_pod(pod, Some(0));
            }
        }
    }
}

fn set_taints(node: &mut Value, taints: Vec<Value>) {
    if taints.is_empty() {
        node.remove(&["spec", "taints"]);
    } else {
        node.set(&["spec", "taints"], Value::from(taints));
    }
}

/// `UpdatePodCondition`: replaces the condition of the same type (keeping
/// its transition time when the status is unchanged) or appends it.
fn set_pod_condition(pod: &mut Value, condition: Value) {
    let mut conditions = pod.array_at(&["status", "conditions"]).to_vec();
    let kind = condition.str_at(&["type"]).to_string();
    match conditions.iter_mut().find(|c| c.str_at(&["type"]) == kind) {
        Some(c) if c.str_at(&["status"]) == condition.str_at(&["status"]) => {
            let since = c.at(&["lastTransitionTime"]).cloned();
            *c = condition;
            if let Some(since) = since {
                c.set(&["lastTransitionTime"], since);
            }
        }
        Some(c) => *c = condition,
        None => conditions.push(condition),
    }
    pod.set(&["status", "conditions"], Value::from(conditions));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_tolerating(seconds: Option<i64>) -> Value {
        let mut t = Value::from([
            ("effect", Value::from("NoExecute")),
            ("key", Value::from(UNREACHABLE_TAINT)),
            ("operator", Value::from("Exists")),
        ]);
        if let Some(s) = seconds {
            t.set(&["tolerationSeconds"], Value::Int(s));
        }
        let mut pod = Value::object();
        pod.set(&["spec", "tolerations"], Value::from(vec![t]));
        pod
    }

    #[test]
    fn toleration_time_is_the_shortest_used_one() {
        let taints = vec![taint(UNREACHABLE_TAINT, "NoExecute", 0)];
        assert_eq!(
            toleration_ms(&pod_tolerating(Some(300)), &taints),
            Some(Some(300_000))
        );
        assert_eq!(toleration_ms(&pod_tolerating(None), &taints), Some(None));
        let other = vec![taint("example.com/gpu", "NoExecute", 0)];
        assert_eq!(toleration_ms(&pod_tolerating(Some(300)), &other), None);
    }

    #[test]
    fn monitor_ticks_follow_the_period() {
        assert_eq!(next_tick(12_000, 5_000), 15_000);
        assert_eq!(next_tick(15_000, 5_000), 20_000);
    }
}
