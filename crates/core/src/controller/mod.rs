//! Controllers of kube-controller-manager and how store changes reach them
//! (the informer event handlers of each controller, in one place).

pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod endpointslice;
pub mod garbagecollector;
pub mod history;
pub mod leaderelection;
pub mod nodelifecycle;
pub mod replicaset;
pub mod statefulset;
pub mod volume;

use std::sync::Arc;

use ordinal_model::labels::Selector;
use ordinal_model::Value;

use crate::apiserver::pod_facts::PodFacts;
use crate::sim::{Sim, Work};
use crate::timing;

/// An object a controller owns and, for a pod, the summary of its stored
/// version.
pub(crate) type Owned = (Arc<Value>, Option<Arc<PodFacts>>);

/// The pod's Ready condition, if present.
pub(crate) fn ready_condition(pod: &Value) -> Option<&Value> {
    pod.array_at(&["status", "conditions"])
        .iter()
        .find(|c| c.str_at(&["type"]) == "Ready")
}

/// `podutil.IsPodReady`: condition Ready is True (the phase is not looked at).
pub(crate) fn is_pod_ready(pod: &Value) -> bool {
    ready_condition(pod).is_some_and(|c| c.str_at(&["status"]) == "True")
}

fn meta<'a>(obj: &'a Value, key: &str) -> &'a str {
    obj.str_at(&["metadata", key])
}

/// Removes the ownerReferences naming `uid`; an emptied list is dropped, as
/// the API server omits an empty `ownerReferences`.
pub(crate) fn drop_owner_ref(obj: &mut Value, uid: &str) {
    let kept: Vec<Value> = obj
        .array_at(&["metadata", "ownerReferences"])
        .iter()
        .filter(|r| r.str_at(&["uid"]) != uid)
        .cloned()
        .collect();
    if kept.is_empty() {
        obj.remove(&["metadata", "ownerReferences"]);
    } else {
        obj.set(&["metadata", "ownerReferences"], Value::from(kept));
    }
}

/// The controller ownerReference (`controller: true`), if any.
pub(crate) fn controller_ref(obj: &Value) -> Option<&Value> {
    obj.array_at(&["metadata", "ownerReferences"])
        .iter()
        .find(|r| r.at(&["controller"]).and_then(Value::as_bool) == Some(true))
}

/// `metav1.NewControllerRef` for an apps/v1 owner of `kind`.
pub(crate) fn new_controller_ref(owner: &Value, kind: &str) -> Value {
    Value::from([
        ("apiVersion", Value::from("apps/v1")),
        ("blockOwnerDeletion", Value::Bool(true)),
        ("controller", Value::Bool(true)),
        ("kind", Value::from(kind)),
        ("name", Value::from(owner.str_at(&["metadata", "name"]))),
        ("uid", Value::from(owner.str_at(&["metadata", "uid"]))),
    ])
}

fn same_meta_except_version(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut m = v.get("metadata").cloned().unwrap_or_default();
        m.remove(&["resourceVersion"]);
        m
    };
    strip(a) == strip(b)
}

/// True when only the status (and resourceVersion) of a workload changed.
fn status_only(old: Option<&Value>, new: Option<&Value>) -> bool {
    match (old, new) {
        (Some(o), Some(n)) => o.get("spec") == n.get("spec") && same_meta_except_version(o, n),
        _ => false,
    }
}

/// True when a node update only moved its conditions' `lastHeartbeatTime`
/// (the kubelet's periodic status report): informers upstream ignore it
/// (the scheduler's `nodeSchedulingPropertiesChange`, the node lifecycle
/// controller reads health from its own pass).
fn heartbeat_only(old: Option<&Value>, new: Option<&Value>) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        v.remove(&["metadata", "resourceVersion"]);
        let conditions: Vec<Value> = v
            .array_at(&["status", "conditions"])
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.remove(&["lastHeartbeatTime"]);
                c
            })
            .collect();
        v.set(&["status", "conditions"], Value::from(conditions));
        v
    };
    match (old, new) {
        (Some(o), Some(n)) => strip(o) == strip(n),
        _ => false,
    }
}

/// What a workload controller looks at in a pod.
fn pod_summary(pod: &Value) -> (&str, Option<&Value>, &str, Option<&Value>, Option<&Value>) {
    let ready = pod
        .array_at(&["status", "conditions"])
        .iter()
        .find(|c| c.str_at(&["type"]) == "Ready");
    (
        pod.str_at(&["status", "phase"]),
        ready,
        pod.str_at(&["metadata", "deletionTimestamp"]),
        pod.at(&["metadata", "labels"]),
        pod.at(&["metadata", "ownerReferences"]),
    )
}

/// True when a pod change can matter to its controller.
fn relevant_to_controller(old: Option<&Value>, new: Option<&Value>) -> bool {
    match (old, new) {
        (Some(o), Some(n)) => pod_summary(o) != pod_summary(n) || o.get("spec") != n.get("spec"),
        _ => true,
    }
}

/// Names of the PersistentVolumeClaims a pod mounts.
pub(crate) fn claim_names(pod: &Value) -> Vec<String> {
    pod.array_at(&["spec", "volumes"])
        .iter()
        .map(|v| v.str_at(&["persistentVolumeClaim", "claimName"]))
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

impl Sim {
    /// The `resource` objects whose controller reference names `uid`.
    pub(crate) fn controlled(&self, resource: &str, uid: &str) -> Vec<Arc<Value>> {
        self.controlled_entries(resource, uid)
            .into_iter()
            .map(|(obj, _)| obj)
            .collect()
    }

    /// Like [`Sim::controlled`], each pod with its summary (read instead
    /// of the pod's references).
    fn controlled_entries(&self, resource: &str, uid: &str) -> Vec<Owned> {
        self.store
            .owned_entries(resource, uid)
            .into_iter()
            .filter(|(obj, facts)| match facts {
                Some(facts) => facts.controller_uid.as_deref() == Some(uid),
                None => controller_ref(obj).is_some_and(|r| r.str_at(&["uid"]) == uid),
            })
            .map(|(obj, facts)| (Arc::clone(obj), facts.cloned()))
            .collect()
    }

    /// `ClaimObjects` of controller_ref_manager.go: the `resource` objects
    /// `owner` (of `kind`) controls and its selector matches, after adopting
    /// matching orphans that `can_adopt` accepts and releasing controlled
    /// objects that no longer match.
    pub(crate) fn claim_objects(
        &mut self,
        resource: &str,
        owner: &Value,
        kind: &str,
        can_adopt: &dyn Fn(&Value) -> bool,
    ) -> Vec<Arc<Value>> {
        self.claim_entries(resource, owner, kind, can_adopt)
            .into_iter()
            .map(|(obj, _)| obj)
            .collect()
    }

    /// Like [`Sim::claim_objects`], each pod with its summary.
    pub(crate) fn claim_entries(
        &mut self,
        resource: &str,
        owner: &Value,
        kind: &str,
        can_adopt: &dyn Fn(&Value) -> bool,
    ) -> Vec<Owned> {
        let uid = meta(owner, "uid").to_string();
        let ns = meta(owner, "namespace").to_string();
        let selector = match owner.at(&["spec", "selector"]) {
            Some(s) if !s.is_null() => Selector::from_label_selector(s).ok(),
            _ => None,
        };
        let matches = |labels: Option<&Value>| {
            selector
                .as_ref()
                .is_some_and(|s| !s.is_empty() && s.matches(labels))
        };
        let adoptable = |o: &Value| {
            controller_ref(o).is_none()
                && meta(o, "deletionTimestamp").is_empty()
                && matches(o.at(&["metadata", "labels"]))
                && can_adopt(o)
        };
        let orphans: Vec<Value> = if resource == "pods" {
            self.orphan_pods
                .iter()
                .filter(|(n, _)| *n == ns)
                .filter_map(|(n, name)| self.store.get("pods", n, name))
                .filter(|o| adoptable(o))
                .cloned()
                .collect()
        } else {
            self.store
                .iter(resource, Some(&ns))
                .filter(|o| adoptable(o))
                .cloned()
                .collect()
        };
        if meta(owner, "deletionTimestamp").is_empty() {
            for mut orphan in orphans {
                let mut refs = orphan.array_at(&["metadata", "ownerReferences"]).to_vec();
                refs.push(new_controller_ref(owner, kind));
                orphan.set(&["metadata", "ownerReferences"], Value::from(refs));
                self.write_status(resource, orphan);
            }
        }
        let mut owned: Vec<Owned> = Vec::new();
        let mut release: Vec<Value> = Vec::new();
        for (obj, facts) in self.controlled_entries(resource, &uid) {
            let labels = match &facts {
                Some(facts) => facts.labels.as_ref(),
                None => obj.at(&["metadata", "labels"]),
            };
            if matches(labels) {
                owned.push((obj, facts));
            } else {
                release.push(Value::clone(&obj));
            }
        }
        for mut obj in release {
            drop_owner_ref(&mut obj, &uid);
            self.write_status(resource, obj);
        }
        owned
    }

    /// Informer handlers: turns one store change into reconcile work.
    pub(crate) fn react(&mut self, resource: &str, old: Option<&Value>, new: Option<&Value>) {
        let Some(any) = new.or(old) else { return };
        let ns = meta(any, "namespace").to_string();
        let name = meta(any, "name").to_string();
        match resource {
            "statefulsets" if !status_only(old, new) => {
                self.enqueue(Work::StatefulSet(ns.clone(), name.clone()));
            }
            "deployments" if !status_only(old, new) => {
                self.enqueue(Work::Deployment(ns.clone(), name.clone()));
            }
            "daemonsets" if !status_only(old, new) => {
                self.enqueue(Work::DaemonSet(ns.clone(), name.clone()));
            }
            "replicasets" => {
                if !status_only(old, new) {
                    self.enqueue(Work::ReplicaSet(ns.clone(), name.clone()));
                }
                match controller_ref(any) {
                    Some(owner) if owner.str_at(&["kind"]) == "Deployment" => {
                        let owner = owner.str_at(&["name"]).to_string();
                        self.enqueue(Work::Deployment(ns.clone(), owner));
                    }
                    Some(_) => {}
                    None => self.enqueue_owners_in(&ns, "deployments"),
                }
            }
            "controllerrevisions" => {
                if let Some(owner) = controller_ref(any) {
                    let owner = owner.str_at(&["name"]).to_string();
                    self.enqueue(Work::StatefulSet(ns.clone(), owner));
                }
            }
            "pods" => {
                self.enqueue_services_for_pod(old, new);
                self.enqueue_budgets_for_pod(old, new);
                self.react_pod(old, new, ns.clone(), name.clone());
            }
            "services" => self.enqueue_service_endpoints(&ns, &name),
            "poddisruptionbudgets" => {
                self.enqueue(Work::Disruption(ns.clone(), name.clone()));
            }
            "endpoints" if new.is_none() => {
                self.enqueue(Work::Endpoints(ns.clone(), name.clone()));
            }
            "endpointslices" => {
                let labels = |v: &Value, k: &str| v.str_at(&["metadata", "labels", k]).to_string();
                let managed =
                    labels(any, endpointslice::MANAGED_BY_LABEL) == endpointslice::CONTROLLER_NAME;
                let service = labels(any, endpointslice::SERVICE_NAME_LABEL);
                if managed && !service.is_empty() && !self.writing_slices {
                    self.enqueue(Work::EndpointSlices(ns.clone(), service));
                }
            }
            "persistentvolumeclaims" => {
                self.enqueue(Work::Claim(ns.clone(), name.clone()));
                self.retry_unscheduled(Some(&ns));
                if new.is_none() {
                    self.enqueue_owners_in(&ns, "statefulsets");
                    // pv_controller_base.go deleteClaim: the bound volume is
                    // synced at once, so it is released (and reclaimed).
                    let volume = any.str_at(&["spec", "volumeName"]);
                    if !volume.is_empty() {
                        self.enqueue(Work::Volume(volume.to_string()));
                    }
                }
            }
            "persistentvolumes" => {
                self.enqueue(Work::Volume(name.clone()));
                let claim_ns = any.str_at(&["spec", "claimRef", "namespace"]).to_string();
                let claim = any.str_at(&["spec", "claimRef", "name"]).to_string();
                if !claim.is_empty() {
                    self.enqueue(Work::Claim(claim_ns, claim));
                }
            }
            "storageclasses" => {
                let pending: Vec<(String, String)> = self
                    .store
                    .iter("persistentvolumeclaims", None)
                    .filter(|c| c.str_at(&["status", "phase"]) == "Pending")
                    .map(|c| {
                        (
                            meta(c, "namespace").to_string(),
                            meta(c, "name").to_string(),
                        )
                    })
                    .collect();
                for (ns, name) in pending {
                    self.enqueue(Work::Claim(ns, name));
                }
            }
            "nodes" if heartbeat_only(old, new) => {}
            "nodes" => {
                self.react_node_lifecycle(old, new);
                self.retry_unscheduled(None);
                self.enqueue_all_daemon_sets();
                let zone = |v: Option<&Value>| {
                    v.and_then(|n| n.at(&["metadata", "labels", "topology.kubernetes.io/zone"]))
                        .cloned()
                };
                if zone(old) != zone(new) {
                    self.enqueue_all_slices();
                }
            }
            "namespaces" => {
                if old.is_none() {
                    self.populate_namespace(&name);
                }
                if new.is_some_and(|n| !meta(n, "deletionTimestamp").is_empty()) {
                    self.enqueue_after(
                        Work::Namespace(name.clone()),
                        crate::timing::NAMESPACE_SYNC_MS,
                        false,
                    );
                }
            }
            _ => {}
        }
        if new.is_none() {
            for owner in any.array_at(&["metadata", "ownerReferences"]) {
                let uid = owner.str_at(&["uid"]).to_string();
                self.enqueue(Work::Dependents(uid));
            }
            self.react_gone(meta(any, "uid"));
            if !ns.is_empty() && resource != "events" && self.namespace_terminating(&ns) {
                self.enqueue(Work::Namespace(ns));
            }
        }
    }

    fn react_pod(&mut self, old: Option<&Value>, new: Option<&Value>, ns: String, name: String) {
        self.account_pod(old, new);
        self.react_pod_taints(old, new);
        let Some(any) = new.or(old) else { return };
        let key = (ns.clone(), name.clone());
        match controller_ref(any) {
            Some(owner)
                if owner.str_at(&["kind"]) == "StatefulSet" && relevant_to_controller(old, new) =>
            {
                let owner = owner.str_at(&["name"]).to_string();
                self.enqueue_after(
                    Work::StatefulSet(ns.clone(), owner),
                    timing::STATEFULSET_RESYNC_MS,
                    false,
                );
            }
            Some(owner)
                if owner.str_at(&["kind"]) == "ReplicaSet" && relevant_to_controller(old, new) =>
            {
                let owner = owner.str_at(&["name"]).to_string();
                if new.is_none() {
                    let deployment = self
                        .store
                        .get("replicasets", &ns, &owner)
                        .and_then(controller_ref)
                        .filter(|d| d.str_at(&["kind"]) == "Deployment")
                        .map(|d| d.str_at(&["name"]).to_string());
                    if let Some(d) = deployment {
                        self.enqueue(Work::Deployment(ns.clone(), d));
                    }
                }
                self.enqueue_after(
                    Work::ReplicaSet(ns.clone(), owner),
                    timing::REPLICASET_RESYNC_MS,
                    false,
                );
            }
            Some(owner)
                if owner.str_at(&["kind"]) == "DaemonSet" && relevant_to_controller(old, new) =>
            {
                let owner = owner.str_at(&["name"]).to_string();
                self.enqueue(Work::DaemonSet(ns.clone(), owner));
            }
            Some(_) => {}
            None => {
                self.enqueue_owners_in(&ns, "statefulsets");
                if new.is_some() {
                    self.enqueue_owners_in(&ns, "replicasets");
                }
            }
        }
        if new.is_some_and(|p| controller_ref(p).is_none()) {
            self.orphan_pods.insert(key.clone());
        } else {
            self.orphan_pods.remove(&key);
        }
        match new {
            Some(pod)
                if meta(pod, "deletionTimestamp").is_empty()
                    && pod.str_at(&["spec", "nodeName"]).is_empty() =>
            {
                if self.unscheduled.insert(key) {
                    self.enqueue_after(
                        Work::Schedule(ns.clone(), name.clone()),
                        timing::SCHEDULE_DELAY_MS,
                        false,
                    );
                }
            }
            _ => {
                self.unscheduled.remove(&key);
            }
        }
        let node_work = match (old, new) {
            (_, None) => true,
            (None, Some(n)) => !n.str_at(&["spec", "nodeName"]).is_empty(),
            (Some(o), Some(n)) => {
                o.get("spec") != n.get("spec")
                    || ["uid", "deletionTimestamp", "deletionGracePeriodSeconds"]
                        .iter()
                        .any(|k| o.at(&["metadata", k]) != n.at(&["metadata", k]))
            }
        };
        let bound = old
            .or(new)
            .is_some_and(|p| !p.str_at(&["spec", "nodeName"]).is_empty())
            || new.is_some_and(|p| !p.str_at(&["spec", "nodeName"]).is_empty());
        // A pod bound to a node that does not exist (pod GC's `gcOrphaned`).
        if let Some(node) = new.map(|p| p.str_at(&["spec", "nodeName"])) {
            let rebound = old.is_none_or(|o| o.str_at(&["spec", "nodeName"]) != node);
            if rebound && !node.is_empty() && self.store.get("nodes", "", node).is_none() {
                self.quarantine_missing_node(node.to_string());
            }
        }
        if node_work && bound {
            self.enqueue(Work::Kubelet(ns.clone(), name.clone()));
        }
        if new.is_none() {
            for claim in claim_names(any) {
                self.enqueue(Work::Claim(ns.clone(), claim));
            }
            self.retry_unscheduled(None);
        }
    }

    /// True when namespace `ns` is being deleted.
    pub(crate) fn namespace_terminating(&self, ns: &str) -> bool {
        self.store
            .get("namespaces", "", ns)
            .is_some_and(|n| !meta(n, "deletionTimestamp").is_empty())
    }

    /// An object with `uid` is gone: its dependents are collected.
    pub(crate) fn react_gone(&mut self, uid: &str) {
        if !uid.is_empty() && !self.store.dependents(uid).is_empty() {
            self.enqueue(Work::Dependents(uid.to_string()));
        }
    }

    /// Queues every workload of `resource` in `ns` (an orphan may be adopted).
    fn enqueue_owners_in(&mut self, ns: &str, resource: &str) {
        let names: Vec<String> = self
            .store
            .iter(resource, Some(ns))
            .map(|s| meta(s, "name").to_string())
            .collect();
        for name in names {
            let (ns, name) = (ns.to_string(), name);
            self.enqueue(match resource {
                "deployments" => Work::Deployment(ns, name),
                "replicasets" => Work::ReplicaSet(ns, name),
                _ => Work::StatefulSet(ns, name),
            });
        }
    }

    /// Re-queues unschedulable pods (a node, claim or freed capacity changed).
    pub(crate) fn retry_unscheduled(&mut self, ns: Option<&str>) {
        let pods: Vec<(String, String)> = self
            .unscheduled
            .iter()
            .filter(|(n, _)| ns.is_none_or(|x| x == n))
            .cloned()
            .collect();
        for (ns, name) in pods {
            self.enqueue(Work::Schedule(ns, name));
        }
    }
}
