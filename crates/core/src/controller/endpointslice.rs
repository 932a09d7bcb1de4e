//! The EndpointSlice controller. Mirrors kubernetes
//! `pkg/controller/endpointslice/endpointslice_controller.go` (syncService)
//! and `staging/src/k8s.io/endpointslice` (`reconciler.go`
//! reconcileByAddressType / reconcileByPortMapping / finalize, `utils.go`
//! podToEndpoint, getEndpointPorts, newEndpointSlice, setEndpointSliceLabels).
//!
//! Approximation: upstream fills slices from a hash set (any order); here
//! endpoints are added in pod-name order, so output is reproducible.

use std::collections::BTreeMap;
use std::sync::Arc;

use ordinal_model::Value;

use super::endpoints::{
    endpoint_hostname, find_port, managed_selector, pod_in_endpoints, service_ip_set,
    set_annotation, target_ref, Members, MemoPass, HEADLESS_LABEL, TRIGGER_TIME_ANNOTATION,
};
use super::is_pod_ready;
use crate::apiserver::DeleteOptions;
use crate::resources;
use crate::sim::Sim;

/// `kubernetes.io/service-name`.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// `endpointslice.kubernetes.io/managed-by`.
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
/// The controller's name in [`MANAGED_BY_LABEL`].
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
/// `--max-endpoints-per-slice` (kube-controller-manager default).
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;
/// `topology.kubernetes.io/zone` on a node.
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

fn is_reserved_label(key: &str) -> bool {
    matches!(key, SERVICE_NAME_LABEL | MANAGED_BY_LABEL | HEADLESS_LABEL)
}

/// The labels without the reserved ones.
fn plain_labels(obj: &Value) -> Value {
    let mut out = Value::object();
    if let Some(labels) = obj.at(&["metadata", "labels"]).and_then(Value::as_object) {
        for (k, v) in labels {
            if !is_reserved_label(k) {
                out.set(&[k], v.clone());
            }
        }
    }
    out
}

/// `setEndpointSliceLabels`: the Service's labels plus the reserved ones, and
/// whether the slice's own (non-reserved) labels differ from the Service's.
fn slice_labels(slice: Option<&Value>, svc: &Value) -> (Value, bool) {
    let mut labels = plain_labels(svc);
    let changed = slice.is_some_and(|s| plain_labels(s) != labels);
    if !service_ip_set(svc) {
        labels.set(&[HEADLESS_LABEL], Value::from(""));
    }
    labels.set(
        &[SERVICE_NAME_LABEL],
        Value::from(svc.str_at(&["metadata", "name"])),
    );
    labels.set(&[MANAGED_BY_LABEL], Value::from(CONTROLLER_NAME));
    (labels, changed)
}

/// `podToEndpoint`.
fn pod_to_endpoint(pod: &Value, node: Option<&Value>, svc: &Value, publish: bool) -> Value {
    let serving = is_pod_ready(pod);
    let terminating = pod.at(&["metadata", "deletionTimestamp"]).is_some();
    let ready = publish || (serving && !terminating);
    let mut ep = Value::from([
        (
            "addresses",
            Value::from(vec![Value::from(pod.str_at(&["status", "podIP"]))]),
        ),
        (
            "conditions",
            Value::from([
                ("ready", Value::Bool(ready)),
                ("serving", Value::Bool(serving)),
                ("terminating", Value::Bool(terminating)),
            ]),
        ),
        ("targetRef", target_ref(pod)),
    ]);
    let node_name = pod.str_at(&["spec", "nodeName"]);
    if !node_name.is_empty() {
        ep.set(&["nodeName"], Value::from(node_name));
    }
    if let Some(zone) = node
        .map(|n| n.str_at(&["metadata", "labels", ZONE_LABEL]))
        .filter(|z| !z.is_empty())
    {
        ep.set(&["zone"], Value::from(zone));
    }
    if let Some(h) = endpoint_hostname(pod, svc) {
        ep.set(&["hostname"], Value::from(h));
    }
    ep
}

/// The go-spew dump (`dump.ForHash`) of a discovery/v1 `EndpointPort`.
fn endpoint_port_dump(port: &Value) -> String {
    let app = match port.str_at(&["appProtocol"]) {
        "" => "<nil>".to_string(),
        app => app.to_string(),
    };
    format!(
        "(v1.EndpointPort){{Name:(*string){} Protocol:(*v1.Protocol){} Port:(*int32){} AppProtocol:(*string){app}}}",
        port.str_at(&["name"]),
        port.str_at(&["protocol"]),
        port.i64_at(&["port"]).unwrap_or(0),
    )
}

/// `getEndpointPorts`: every Service port the pod can serve (the name is
/// always present, `""` when the port has none), in the order
/// `NewPortMapKey` sorts them in place (by the FNV-1a 128 hash of their
/// dump, `portsInOrder`) before the reconciler stores them in the slice.
fn endpoint_ports(svc: &Value, pod: &Value) -> Vec<Value> {
    let mut ports: Vec<Value> = svc
        .array_at(&["spec", "ports"])
        .iter()
        .filter_map(|p| {
            let port = find_port(pod, p)?;
            let mut ep = Value::from([
                ("name", Value::from(p.str_at(&["name"]))),
                ("port", Value::Int(port)),
                ("protocol", Value::from(p.str_at(&["protocol"]))),
            ]);
            if !p.str_at(&["appProtocol"]).is_empty() {
                ep.set(&["appProtocol"], Value::from(p.str_at(&["appProtocol"])));
            }
            Some(ep)
        })
        .collect();
    ordinal_model::order::sort_by_key(&mut ports, |p| {
        crate::hash::fnv1a_128(endpoint_port_dump(p).as_bytes())
    });
    ports
}

/// The identity of an endpoint within a slice (`hashEndpoint`).
fn endpoint_key(ep: &Value) -> String {
    let addresses: Vec<&str> = ep
        .array_at(&["addresses"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    format!(
        "{}|{}|{}",
        addresses.join(","),
        ep.str_at(&["targetRef", "uid"]),
        ep.str_at(&["hostname"])
    )
}

/// `EndpointSet`: the desired endpoints still to place, in insertion order,
/// found by key in O(log n).
struct Desired {
    items: Vec<Option<Value>>,
    index: BTreeMap<String, usize>,
    left: usize,
    next: usize,
}

impl Desired {
    fn new(endpoints: Vec<Value>) -> Desired {
        let mut index = BTreeMap::new();
        let mut items = Vec::with_capacity(endpoints.len());
        for ep in endpoints {
            index.insert(endpoint_key(&ep), items.len());
            items.push(Some(ep));
        }
        Desired {
            left: items.len(),
            items,
            index,
            next: 0,
        }
    }

    fn len(&self) -> usize {
        self.left
    }

    fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// Removes and returns the endpoint with the same identity as `ep`.
    fn take(&mut self, ep: &Value) -> Option<Value> {
        let i = *self.index.get(&endpoint_key(ep))?;
        let got = self.items[i].take();
        if got.is_some() {
            self.left -= 1;
        }
        got
    }

    /// Removes and returns the first endpoint still to place.
    fn pop(&mut self) -> Option<Value> {
        while self.next < self.items.len() {
            let i = self.next;
            self.next += 1;
            if let Some(ep) = self.items[i].take() {
                self.left -= 1;
                return Some(ep);
            }
        }
        None
    }
}

/// A list field as the API returns it: `null` when empty.
fn list_or_null(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::from(items)
    }
}

fn ports_of(slice: &Value) -> Vec<Value> {
    slice.array_at(&["ports"]).to_vec()
}

/// `newEndpointSlice`: generateName `<svc>-`, owned by the Service.
fn new_slice(svc: &Value, ports: &[Value]) -> Value {
    let name = svc.str_at(&["metadata", "name"]);
    let owner = Value::from([
        ("apiVersion", Value::from("v1")),
        ("blockOwnerDeletion", Value::Bool(true)),
        ("controller", Value::Bool(true)),
        ("kind", Value::from("Service")),
        ("name", Value::from(name)),
        ("uid", Value::from(svc.str_at(&["metadata", "uid"]))),
    ]);
    let (labels, _) = slice_labels(None, svc);
    let generate = if name.len() < 253 {
        format!("{name}-")
    } else {
        name.to_string()
    };
    Value::from([
        ("addressType", Value::from("IPv4")),
        ("apiVersion", Value::from("discovery.k8s.io/v1")),
        ("endpoints", Value::Null),
        ("kind", Value::from("EndpointSlice")),
        (
            "metadata",
            Value::from([
                ("generateName", Value::from(generate)),
                ("labels", labels),
                ("ownerReferences", Value::from(vec![owner])),
            ]),
        ),
        ("ports", list_or_null(ports.to_vec())),
    ])
}

fn owned_by(slice: &Value, svc: &Value) -> bool {
    slice
        .array_at(&["metadata", "ownerReferences"])
        .iter()
        .any(|o| {
            o.str_at(&["uid"]) == svc.str_at(&["metadata", "uid"])
                && o.str_at(&["kind"]) == "Service"
                && o.str_at(&["apiVersion"]) == "v1"
        })
}

/// A slice being reconciled and what is to happen to it.
struct Planned {
    slice: Value,
    endpoints: Vec<Value>,
}

impl Planned {
    fn into_slice(mut self) -> Value {
        self.slice.set(&["endpoints"], list_or_null(self.endpoints));
        self.slice
    }
}

impl Sim {
    /// The EndpointSlice controller's `syncService`.
    #[inline(never)]
    pub(crate) fn sync_endpoint_slices(&mut self, ns: &str, name: &str) {
        let Ok(Members {
            svc,
            publish,
            pods,
            trigger,
        }) = self.service_members(ns, name, true)
        else {
            return;
        };
        let existing: Vec<Arc<Value>> = self
            .store
            .iter_shared("endpointslices", Some(ns))
            .filter(|s| {
                s.str_at(&["metadata", "labels", SERVICE_NAME_LABEL]) == name
                    && s.str_at(&["metadata", "labels", MANAGED_BY_LABEL]) == CONTROLLER_NAME
            })
            .cloned()
            .collect();

        // Desired endpoints grouped by their port list, in pod order.
        let mut desired: Vec<(Vec<Value>, Vec<Value>)> = Vec::new();
        let mut memo = MemoPass::start(&mut self.slice_memo, ns, name);
        for pod in &pods {
            if !pod_in_endpoints(pod, true) {
                continue;
            }
            let node = self
                .store
                .get("nodes", "", pod.str_at(&["spec", "nodeName"]));
            if node.is_none() && !publish {
                continue;
            }
            let (ports, ep) = memo.get(pod, &svc, node, || {
                (
                    endpoint_ports(&svc, pod),
                    pod_to_endpoint(pod, node, &svc, publish),
                )
            });
            match desired.iter_mut().find(|(p, _)| *p == ports) {
                Some((_, eps)) => eps.push(ep),
                None => desired.push((ports, vec![ep])),
            }
        }

        memo.finish(&mut self.slice_memo);

        let mut to_create: Vec<Value> = Vec::new();
        let mut to_update: Vec<Value> = Vec::new();
        let mut to_delete: Vec<Value> = Vec::new();
        let (owned, foreign): (Vec<&Value>, Vec<&Value>) = existing
            .iter()
            .map(Arc::as_ref)
            .partition(|s| owned_by(s, &svc) && s.str_at(&["addressType"]) == "IPv4");
        to_delete.extend(foreign.into_iter().cloned());
        let desired_ports: Vec<Vec<Value>> = desired.iter().map(|(p, _)| p.clone()).collect();
        for (ports, wanted) in desired {
            let group: Vec<&Value> = owned
                .iter()
                .copied()
                .filter(|s| ports_of(s) == ports)
                .collect();
            let mut wanted = Desired::new(wanted);
            let (create, update, delete) =
                self.reconcile_port_group(&svc, &group, &mut wanted, &ports);
            to_create.extend(create);
            to_update.extend(update);
            to_delete.extend(delete);
        }
        for slice in &owned {
            if !desired_ports.contains(&ports_of(slice)) {
                to_delete.push((*slice).clone());
            }
        }
        // A Service with no endpoints keeps one empty placeholder slice.
        if existing.len() == to_delete.len() && to_create.is_empty() {
            let placeholder = new_slice(&svc, &[]);
            let same_placeholder = to_delete.len() == 1
                && to_delete[0].at(&["ports"]).is_none_or(Value::is_null)
                && to_delete[0].at(&["endpoints"]).is_none_or(Value::is_null)
                && to_delete[0].at(&["metadata", "labels"])
                    == placeholder.at(&["metadata", "labels"]);
            if same_placeholder {
                to_delete.clear();
            } else {
                to_create.push(placeholder);
            }
        }
        self.finalize_slices(&svc, to_create, to_update, to_delete, trigger);
    }

    /// `reconcileByPortMapping` for the owned slices of one port list.
    fn reconcile_port_group(
        &mut self,
        svc: &Value,
        existing: &[&Value],
        wanted: &mut Desired,
        ports: &[Value],
    ) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
        let max = MAX_ENDPOINTS_PER_SLICE;
        let mut updated: Vec<Planned> = Vec::new();
        let mut unchanged: Vec<Planned> = Vec::new();
        let mut to_delete = Vec::new();
        for slice in existing {
            let mut kept = Vec::new();
            let mut changed = false;
            let current = slice.array_at(&["endpoints"]);
            for ep in current {
                if let Some(got) = wanted.take(ep) {
                    changed |= got != *ep;
                    kept.push(got);
                }
            }
            let (labels, labels_changed) = slice_labels(Some(slice), svc);
            if changed || kept.len() != current.len() {
                if kept.is_empty() {
                    to_delete.push((*slice).clone());
                    continue;
                }
                let mut s = (*slice).clone();
                s.set(&["metadata", "labels"], labels);
                updated.push(Planned {
                    slice: s,
                    endpoints: kept,
                });
            } else if labels_changed {
                let mut s = (*slice).clone();
                s.set(&["metadata", "labels"], labels);
                updated.push(Planned {
                    slice: s,
                    endpoints: kept,
                });
            } else {
                unchanged.push(Planned {
                    slice: (*slice).clone(),
                    endpoints: kept,
                });
            }
        }
        // Fill the slices being updated, fullest first.
        ordinal_model::order::sort_by_key(&mut updated, |p| std::cmp::Reverse(p.endpoints.len()));
        for p in updated.iter_mut() {
            while p.endpoints.len() < max {
                let Some(ep) = wanted.pop() else { break };
                p.endpoints.push(ep);
            }
        }
        let mut to_create = Vec::new();
        while !wanted.is_empty() {
            let fit = if wanted.len() < max {
                unchanged
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.endpoints.len() + wanted.len() <= max)
                    .min_by_key(|(_, p)| max - (p.endpoints.len() + wanted.len()))
                    .map(|(i, _)| i)
            } else {
                None
            };
            let mut target = match fit {
                Some(i) => unchanged.remove(i),
                None => Planned {
                    slice: new_slice(svc, ports),
                    endpoints: Vec::new(),
                },
            };
            while target.endpoints.len() < max {
                let Some(ep) = wanted.pop() else { break };
                target.endpoints.push(ep);
            }
            if fit.is_some() {
                updated.push(target);
            } else {
                to_create.push(target.into_slice());
            }
        }
        let to_update = updated.into_iter().map(Planned::into_slice).collect();
        (to_create, to_update, to_delete)
    }

    /// `finalize`: creates become updates of slices that would be deleted;
    /// no creates while the Service is being deleted.
    fn finalize_slices(
        &mut self,
        svc: &Value,
        mut to_create: Vec<Value>,
        mut to_update: Vec<Value>,
        mut to_delete: Vec<Value>,
        trigger: Option<String>,
    ) {
        let info = resources::by_plural("endpointslices").expect("endpointslices are served");
        let ns = svc.str_at(&["metadata", "namespace"]).to_string();
        // The controller's own writes do not queue it again
        // (`endpointSliceTracker.ShouldSync`).
        self.writing_slices = true;
        let mut i = 0;
        while i < to_delete.len() && !to_create.is_empty() {
            let gone = &to_delete[i];
            if gone.str_at(&["addressType"]) == "IPv4" && owned_by(gone, svc) {
                let mut slice = to_create.pop().expect("checked non-empty");
                slice.set(
                    &["metadata", "name"],
                    Value::from(gone.str_at(&["metadata", "name"])),
                );
                if let Some(m) = slice.at_mut(&["metadata"]).and_then(Value::as_object_mut) {
                    m.remove("generateName");
                }
                to_update.push(slice);
                to_delete.remove(i);
            } else {
                i += 1;
            }
        }
        if svc.at(&["metadata", "deletionTimestamp"]).is_none() {
            for mut slice in to_create {
                set_annotation(&mut slice, TRIGGER_TIME_ANNOTATION, trigger.clone());
                let _ = self.create_object(info, &ns, slice, false);
            }
        }
        for mut slice in to_update {
            set_annotation(&mut slice, TRIGGER_TIME_ANNOTATION, trigger.clone());
            if let Some(m) = slice.at_mut(&["metadata"]).and_then(Value::as_object_mut) {
                m.remove("resourceVersion");
            }
            let _ = self.update_object(info, &ns, slice, false);
        }
        for slice in to_delete {
            let name = slice.str_at(&["metadata", "name"]).to_string();
            let _ = self.delete_object(info, &ns, &name, &DeleteOptions::default());
        }
        self.writing_slices = false;
    }

    /// Queues the EndpointSlice controller for every Service (a node's
    /// zone changed).
    pub(crate) fn enqueue_all_slices(&mut self) {
        let keys: Vec<(String, String)> = self
            .store
            .iter("services", None)
            .filter(|s| managed_selector(s).is_some())
            .map(|s| {
                (
                    s.str_at(&["metadata", "namespace"]).to_string(),
                    s.str_at(&["metadata", "name"]).to_string(),
                )
            })
            .collect();
        for (ns, name) in keys {
            self.enqueue(crate::sim::Work::EndpointSlices(ns, name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_ports_are_in_port_map_key_order() {
        let svc = ordinal_model::yaml::parse_stream(
            "spec:\n  ports:\n  - {name: metrics, port: 9153, protocol: TCP}\n  - {name: dns, port: 53, protocol: UDP}\n  - {name: dns-tcp, port: 53, protocol: TCP}\n",
        )
        .docs
        .remove(0)
        .value;
        let names: Vec<String> = endpoint_ports(&svc, &Value::object())
            .iter()
            .map(|p| p.str_at(&["name"]).to_string())
            .collect();
        assert_eq!(names, ["dns", "dns-tcp", "metrics"]);
    }

    #[test]
    fn slice_labels_copy_the_service_and_mark_headless() {
        let svc = ordinal_model::yaml::parse_stream(
            "metadata:\n  name: db\n  labels:\n    app: db\nspec:\n  clusterIP: None\n",
        )
        .docs
        .remove(0)
        .value;
        let (labels, _) = slice_labels(None, &svc);
        assert_eq!(labels.str_at(&["app"]), "db");
        assert_eq!(labels.str_at(&[SERVICE_NAME_LABEL]), "db");
        assert_eq!(labels.str_at(&[MANAGED_BY_LABEL]), CONTROLLER_NAME);
        assert!(labels.at(&[HEADLESS_LABEL]).is_some());
    }
}
