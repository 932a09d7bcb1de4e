//! The Endpoints controller, and the pieces it shares with the EndpointSlice
//! controller. Mirrors kubernetes `pkg/controller/endpoint/endpoints_controller.go`
//! (syncService, addEndpointSubset), `pkg/api/v1/endpoints` (RepackSubsets),
//! `staging/src/k8s.io/endpointslice/util/controller_utils.go`
//! (ShouldPodBeInEndpoints, ShouldSetHostname, podEndpointsChanged) and
//! `trigger_time_tracker.go` (the last-change-trigger-time annotation).
//!
//! `SortSubsets` orders the ports of a subset, and then the subsets, by the
//! MD5 of their go-spew dump (`dump.ForHash`), rebuilt here from the JSON
//! shape: the controller's addresses always carry a nodeName and a targetRef
//! with kind, namespace, name and uid only.

use std::collections::BTreeMap;
use std::sync::Arc;

use ordinal_model::labels::Selector;
use ordinal_model::Value;

use super::{is_pod_ready, ready_condition};
use crate::resources;
use crate::sim::Sim;

/// `endpoints.kubernetes.io/last-change-trigger-time`.
pub const TRIGGER_TIME_ANNOTATION: &str = "endpoints.kubernetes.io/last-change-trigger-time";
/// `service.kubernetes.io/headless`, set on the endpoints of a headless Service.
pub const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";
/// `endpoints.kubernetes.io/over-capacity`, set when addresses were dropped.
pub const OVER_CAPACITY_ANNOTATION: &str = "endpoints.kubernetes.io/over-capacity";
/// `maxCapacity`: the most addresses one Endpoints object keeps.
pub const MAX_ENDPOINTS_CAPACITY: usize = 1000;

/// What the trigger-time tracker remembers of one Service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TriggerState {
    service: String,
    pods: BTreeMap<String, String>,
}

/// `TriggerTimeTracker`, one per controller, keyed by (namespace, service).
pub(crate) type TriggerTracker = BTreeMap<(String, String), TriggerState>;

/// What an endpoint controller built for one pod of one Service, kept
/// between syncs: a pod that did not change since the last sync (the same
/// stored object, the same Service and node) reuses its entry, so a sync
/// after one pod's change rebuilds one entry instead of one per pod, and the
/// comparison with the stored object meets the very same (shared) maps.
#[derive(Debug, Clone)]
pub(crate) struct Memo<T> {
    pod: Arc<Value>,
    svc: Value,
    node: Option<Value>,
    value: T,
}

/// Memo entries per (namespace, service), by pod name.
pub(crate) type MemoTable<T> = BTreeMap<(String, String), BTreeMap<String, Memo<T>>>;

/// The entries of one Service's sync: the previous sync's (taken out of the
/// table) and this sync's, which replace them when the sync ends, so
/// entries of pods that left the Service are dropped.
pub(crate) struct MemoPass<T> {
    key: (String, String),
    old: BTreeMap<String, Memo<T>>,
    new: BTreeMap<String, Memo<T>>,
}

impl<T: Clone> MemoPass<T> {
    pub(crate) fn start(table: &mut MemoTable<T>, ns: &str, svc: &str) -> MemoPass<T> {
        let key = (ns.to_string(), svc.to_string());
        MemoPass {
            old: table.remove(&key).unwrap_or_default(),
            key,
            new: BTreeMap::new(),
        }
    }

    /// The entry for `pod`, built by `build` unless the last sync's is current.
    pub(crate) fn get(
        &mut self,
        pod: &Arc<Value>,
        svc: &Value,
        node: Option<&Value>,
        build: impl FnOnce() -> T,
    ) -> T {
        let name = pod.str_at(&["metadata", "name"]);
        let memo = match self.old.remove(name) {
            Some(m) if Arc::ptr_eq(&m.pod, pod) && m.svc == *svc && m.node.as_ref() == node => m,
            _ => Memo {
                pod: Arc::clone(pod),
                svc: svc.clone(),
                node: node.cloned(),
                value: build(),
            },
        };
        let value = memo.value.clone();
        self.new.insert(name.to_string(), memo);
        value
    }

    pub(crate) fn finish(self, table: &mut MemoTable<T>) {
        table.insert(self.key, self.new);
    }
}

/// One address of an Endpoints object under construction: its ports, the
/// address and whether it is ready.
pub(crate) type Part = (Vec<Value>, Value, bool);

/// `ComputeEndpointLastChangeTriggerTime`: the service's creation time on
/// the first sync, then the earliest trigger time that changed since the
/// previous sync (`None`: nothing changed, the annotation is cleared).
pub(crate) fn trigger_time(
    tracker: &mut TriggerTracker,
    svc: &Value,
    pods: &[&Value],
) -> Option<String> {
    let key = (
        svc.str_at(&["metadata", "namespace"]).to_string(),
        svc.str_at(&["metadata", "name"]).to_string(),
    );
    let previous = tracker.remove(&key);
    let known = previous.is_some();
    let mut state = previous.unwrap_or_default();
    let mut min: Option<String> = None;
    let mut keep = |t: &str| {
        if min.as_deref().is_none_or(|m| t < m) {
            min = Some(t.to_string());
        }
    };
    let mut pod_times = BTreeMap::new();
    for pod in pods {
        let Some(ready) = ready_condition(pod) else {
            continue;
        };
        let t = ready.str_at(&["lastTransitionTime"]);
        if t.is_empty() {
            continue;
        }
        let name = pod.str_at(&["metadata", "name"]);
        // The previous sync's entry moves over (no copy when unchanged).
        let entry = match state.pods.remove_entry(name) {
            Some((name, last)) if last == t => (name, last),
            Some((name, last)) => {
                if t > last.as_str() {
                    keep(t);
                }
                (name, t.to_string())
            }
            None => {
                keep(t);
                (name.to_string(), t.to_string())
            }
        };
        pod_times.insert(entry.0, entry.1);
    }
    let created = svc.str_at(&["metadata", "creationTimestamp"]).to_string();
    if created > state.service {
        keep(&created);
    }
    tracker.insert(
        key,
        TriggerState {
            service: created.clone(),
            pods: pod_times,
        },
    );
    if known {
        min
    } else {
        Some(created)
    }
}

/// `ShouldPodBeInEndpoints`: not terminal, has an IP, and not terminating
/// unless terminating pods are wanted.
pub(crate) fn pod_in_endpoints(pod: &Value, include_terminating: bool) -> bool {
    !matches!(pod.str_at(&["status", "phase"]), "Succeeded" | "Failed")
        && !pod.str_at(&["status", "podIP"]).is_empty()
        && (include_terminating || pod.at(&["metadata", "deletionTimestamp"]).is_none())
}

/// `ShouldSetHostname`: the pod's hostname when its subdomain is the Service.
pub(crate) fn endpoint_hostname<'a>(pod: &'a Value, svc: &Value) -> Option<&'a str> {
    let hostname = pod.str_at(&["spec", "hostname"]);
    (!hostname.is_empty()
        && pod.str_at(&["spec", "subdomain"]) == svc.str_at(&["metadata", "name"])
        && pod.str_at(&["metadata", "namespace"]) == svc.str_at(&["metadata", "namespace"]))
    .then_some(hostname)
}

/// `FindPort`: a numeric targetPort as is, a named one looked up in the
/// pod's container (and sidecar) ports with the same protocol.
pub(crate) fn find_port(pod: &Value, svc_port: &Value) -> Option<i64> {
    match svc_port.get("targetPort") {
        Some(Value::Int(n)) => Some(*n),
        Some(Value::String(name)) => {
            let protocol = svc_port.str_at(&["protocol"]);
            let sidecars = pod
                .array_at(&["spec", "initContainers"])
                .iter()
                .filter(|c| c.str_at(&["restartPolicy"]) == "Always");
            pod.array_at(&["spec", "containers"])
                .iter()
                .chain(sidecars)
                .flat_map(|c| c.array_at(&["ports"]))
                .find(|p| {
                    p.str_at(&["name"]) == name
                        && match p.str_at(&["protocol"]) {
                            "" => protocol == "TCP",
                            proto => proto == protocol,
                        }
                })
                .and_then(|p| p.i64_at(&["containerPort"]))
        }
        _ => svc_port.i64_at(&["port"]),
    }
}

/// The `targetRef` of an endpoint address.
pub(crate) fn target_ref(pod: &Value) -> Value {
    let meta = |k: &str| Value::from(pod.str_at(&["metadata", k]));
    Value::from([
        ("kind", Value::from("Pod")),
        ("name", meta("name")),
        ("namespace", meta("namespace")),
        ("uid", meta("uid")),
    ])
}

/// True for a Service whose cluster IP is set (not headless).
pub(crate) fn service_ip_set(svc: &Value) -> bool {
    !matches!(svc.str_at(&["spec", "clusterIP"]), "" | "None")
}

/// The selector of a Service the endpoint controllers manage, if any
/// (ExternalName services and services without a selector get none).
pub(crate) fn managed_selector(svc: &Value) -> Option<Selector> {
    if svc.str_at(&["spec", "type"]) == "ExternalName" {
        return None;
    }
    let sel = svc.at(&["spec", "selector"])?;
    if sel.as_object().is_none_or(|m| m.is_empty()) {
        return None;
    }
    Some(Selector::from_labels(sel))
}

/// True when the change can move the pod in or out of endpoints
/// (`podEndpointsChanged` or a label / hostname change).
pub(crate) fn pod_endpoints_changed(old: &Value, new: &Value) -> bool {
    let differs = |path: &[&str]| old.at(path) != new.at(path);
    differs(&["metadata", "labels"])
        || differs(&["spec", "hostname"])
        || differs(&["spec", "subdomain"])
        || differs(&["metadata", "deletionTimestamp"])
        || is_pod_ready(old) != is_pod_ready(new)
        || differs(&["status", "podIPs"])
        || differs(&["status", "podIP"])
        || differs(&["status", "phase"])
}

/// Addresses keyed by (IP, pod uid), which is also `LessEndpointAddress`
/// order (IPs compared bytewise as text), with whether each is ready.
type AddressSet = BTreeMap<(String, String), (Value, bool)>;

/// One subset under construction: its ports (`None` for the port-less
/// sentinel of a headless Service without ports) and its addresses.
struct Subset {
    ports: Vec<Option<Value>>,
    addresses: AddressSet,
}

/// The addresses one pod contributes to a Service's Endpoints
/// (`addEndpointSubset` for each Service port the pod serves).
fn endpoint_parts(pod: &Value, svc: &Value, publish: bool) -> Vec<Part> {
    let mut address = Value::from([
        ("ip", Value::from(pod.str_at(&["status", "podIP"]))),
        ("targetRef", target_ref(pod)),
    ]);
    let node = pod.str_at(&["spec", "nodeName"]);
    if !node.is_empty() {
        address.set(&["nodeName"], Value::from(node));
    }
    if let Some(h) = endpoint_hostname(pod, svc) {
        address.set(&["hostname"], Value::from(h));
    }
    let ready = publish || is_pod_ready(pod);
    let svc_ports = svc.array_at(&["spec", "ports"]);
    if svc_ports.is_empty() {
        if svc.str_at(&["spec", "clusterIP"]) == "None" {
            return vec![(Vec::new(), address, ready)];
        }
        return Vec::new();
    }
    let mut parts = Vec::new();
    for p in svc_ports {
        let Some(port) = find_port(pod, p) else {
            continue;
        };
        let mut ep = Value::from([
            ("port", Value::Int(port)),
            ("protocol", Value::from(p.str_at(&["protocol"]))),
        ]);
        for key in ["name", "appProtocol"] {
            if !p.str_at(&[key]).is_empty() {
                ep.set(&[key], Value::from(p.str_at(&[key])));
            }
        }
        parts.push((vec![ep], address.clone(), ready));
    }
    parts
}

/// A `*string` field as go-spew shows it after its type: the text, or
/// `<nil>` when the field is absent.
fn spew_string_ptr(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        _ => "<nil>".to_string(),
    }
}

/// The go-spew dump (`dump.ForHash`) of a core/v1 `EndpointPort`, without
/// the leading type (as it appears inside a slice).
fn endpoint_port_fields(port: &Value) -> String {
    format!(
        "{{Name:(string){} Port:(int32){} Protocol:(v1.Protocol){} AppProtocol:(*string){}}}",
        port.str_at(&["name"]),
        port.i64_at(&["port"]).unwrap_or(0),
        port.str_at(&["protocol"]),
        spew_string_ptr(port, "appProtocol"),
    )
}

/// The go-spew dump of a core/v1 `EndpointAddress` inside a slice.
fn endpoint_address_fields(address: &Value) -> String {
    let target = match address.get("targetRef") {
        Some(r) => {
            let f = |k: &str| r.str_at(&[k]);
            format!(
                "{{Kind:(string){} Namespace:(string){} Name:(string){} UID:(types.UID){} APIVersion:(string){} ResourceVersion:(string){} FieldPath:(string){}}}",
                f("kind"),
                f("namespace"),
                f("name"),
                f("uid"),
                f("apiVersion"),
                f("resourceVersion"),
                f("fieldPath"),
            )
        }
        None => "<nil>".to_string(),
    };
    format!(
        "{{IP:(string){} Hostname:(string){} NodeName:(*string){} TargetRef:(*v1.ObjectReference){target}}}",
        address.str_at(&["ip"]),
        address.str_at(&["hostname"]),
        spew_string_ptr(address, "nodeName"),
    )
}

/// go-spew's `%#v` of a slice field: its type, then `<nil>` for an empty
/// (nil) slice or the elements in brackets.
fn spew_slice(ty: &str, items: &[Value], item: fn(&Value) -> String) -> String {
    if items.is_empty() {
        return format!("({ty})<nil>");
    }
    let inner: Vec<String> = items.iter().map(item).collect();
    format!("({ty})[{}]", inner.join(" "))
}

/// The go-spew dump (`dump.ForHash`) of a core/v1 `EndpointSubset`, whose
/// MD5 orders the subsets of an Endpoints object (`subsetsByHash`).
fn endpoint_subset_dump(subset: &Value) -> String {
    let addresses = |key: &str| {
        spew_slice(
            "[]v1.EndpointAddress",
            subset.array_at(&[key]),
            endpoint_address_fields,
        )
    };
    format!(
        "(v1.EndpointSubset){{Addresses:{} NotReadyAddresses:{} Ports:{}}}",
        addresses("addresses"),
        addresses("notReadyAddresses"),
        spew_slice(
            "[]v1.EndpointPort",
            subset.array_at(&["ports"]),
            endpoint_port_fields
        ),
    )
}

/// `RepackSubsets`: each port maps to the addresses offering it (an
/// address not ready once stays not ready), ports with the same addresses
/// share a subset, addresses sorted and deduplicated, ports in `portsByHash`
/// order and the subsets in `subsetsByHash` order (`SortSubsets`).
fn repack(parts: Vec<Part>) -> Vec<Value> {
    let mut by_port: Vec<(Option<Value>, AddressSet)> = Vec::new();
    for (ports, address, ready) in parts {
        let key = (
            address.str_at(&["ip"]).to_string(),
            address.str_at(&["targetRef", "uid"]).to_string(),
        );
        let ports: Vec<Option<Value>> = if ports.is_empty() {
            vec![None]
        } else {
            ports.into_iter().map(Some).collect()
        };
        for port in ports {
            let i = match by_port.iter().position(|(p, _)| *p == port) {
                Some(i) => i,
                None => {
                    by_port.push((port, AddressSet::new()));
                    by_port.len() - 1
                }
            };
            by_port[i]
                .1
                .entry(key.clone())
                .and_modify(|(_, r)| *r &= ready)
                .or_insert((address.clone(), ready));
        }
    }
    let mut subsets: Vec<Subset> = Vec::new();
    for (port, addresses) in by_port {
        match subsets.iter_mut().find(|s| s.addresses == addresses) {
            Some(s) => s.ports.push(port),
            None => subsets.push(Subset {
                ports: vec![port],
                addresses,
            }),
        }
    }
    let mut subsets: Vec<Value> = subsets
        .into_iter()
        .map(|s| {
            let mut ports: Vec<Value> = s.ports.into_iter().flatten().collect();
            ordinal_model::order::sort_by_key(&mut ports, |p| {
                let dump = format!("(v1.EndpointPort){}", endpoint_port_fields(p));
                crate::hash::md5(dump.as_bytes())
            });
            let (ready, not_ready): (Vec<_>, Vec<_>) =
                s.addresses.into_values().partition(|(_, r)| *r);
            let list = |v: Vec<(Value, bool)>| {
                Value::from(v.into_iter().map(|(a, _)| a).collect::<Vec<_>>())
            };
            let mut out = Value::object();
            if !ready.is_empty() {
                out.set(&["addresses"], list(ready));
            }
            if !not_ready.is_empty() {
                out.set(&["notReadyAddresses"], list(not_ready));
            }
            if !ports.is_empty() {
                out.set(&["ports"], Value::from(ports));
            }
            out
        })
        .collect();
    ordinal_model::order::sort_by_key(&mut subsets, |s| {
        crate::hash::md5(endpoint_subset_dump(s).as_bytes())
    });
    subsets
}

/// `truncateEndpoints`: beyond [`MAX_ENDPOINTS_CAPACITY`] addresses, each
/// subset keeps its proportional share, ready addresses first.
fn truncate(subsets: &mut [Value]) -> bool {
    let count = |s: &Value, key: &str| s.array_at(&[key]).len();
    let ready: usize = subsets.iter().map(|s| count(s, "addresses")).sum();
    let not_ready: usize = subsets.iter().map(|s| count(s, "notReadyAddresses")).sum();
    if ready + not_ready <= MAX_ENDPOINTS_CAPACITY {
        return false;
    }
    let truncate_ready = ready > MAX_ENDPOINTS_CAPACITY;
    let (max, total, key) = if truncate_ready {
        (MAX_ENDPOINTS_CAPACITY, ready, "addresses")
    } else {
        (
            MAX_ENDPOINTS_CAPACITY - ready,
            not_ready,
            "notReadyAddresses",
        )
    };
    let mut can_add = max;
    for subset in subsets.iter_mut() {
        let share = (count(subset, key) * max).div_ceil(total).min(can_add);
        let mut kept = subset.array_at(&[key]).to_vec();
        kept.truncate(share);
        can_add -= kept.len();
        if kept.is_empty() {
            subset.remove(&[key]);
        } else {
            subset.set(&[key], Value::from(kept));
        }
        if truncate_ready {
            subset.remove(&["notReadyAddresses"]);
        }
    }
    true
}

/// A Service and what its endpoints are built from.
pub(crate) struct Members {
    /// The Service.
    pub svc: Value,
    /// `spec.publishNotReadyAddresses`.
    pub publish: bool,
    /// The pods its selector matches, in name order.
    pub pods: Vec<Arc<Value>>,
    /// The last-change-trigger-time annotation to write, if any.
    pub trigger: Option<String>,
}

/// The pods in the Service's namespace its selector matches.
pub(crate) fn selected_pods(sim: &Sim, svc: &Value, selector: &Selector) -> Vec<Arc<Value>> {
    let ns = svc.str_at(&["metadata", "namespace"]);
    sim.store
        .select_pods(ns, selector)
        .into_iter()
        .cloned()
        .collect()
}

/// Sets or clears one annotation; an empty annotation map is dropped.
pub(crate) fn set_annotation(obj: &mut Value, key: &str, value: Option<String>) {
    match value {
        Some(v) => obj.set(&["metadata", "annotations", key], Value::from(v)),
        None => {
            if let Some(a) = obj
                .at_mut(&["metadata", "annotations"])
                .and_then(Value::as_object_mut)
            {
                a.remove(key);
            }
        }
    }
    if obj
        .at(&["metadata", "annotations"])
        .and_then(Value::as_object)
        .is_some_and(|a| a.is_empty())
    {
        obj.remove(&["metadata", "annotations"]);
    }
}

impl Sim {
    /// The trigger-time tracker of the EndpointSlice controller (`slices`)
    /// or of the Endpoints controller.
    fn triggers(&mut self, slices: bool) -> &mut TriggerTracker {
        if slices {
            &mut self.slice_triggers
        } else {
            &mut self.endpoint_triggers
        }
    }

    /// What both endpoint controllers' `syncService` read first: the
    /// Service, whether it publishes not-ready addresses, the pods its
    /// selector matches and the trigger time (from the Endpoints tracker,
    /// or the EndpointSlice one when `slices`). `Err(true)` when the Service
    /// is gone (its trigger state is dropped), `Err(false)` when it has no
    /// selector (nothing to manage).
    pub(crate) fn service_members(
        &mut self,
        ns: &str,
        name: &str,
        slices: bool,
    ) -> Result<Members, bool> {
        let Some(svc) = self.store.get("services", ns, name).cloned() else {
            let key = (ns.to_string(), name.to_string());
            self.triggers(slices).remove(&key);
            if slices {
                self.slice_memo.remove(&key);
            } else {
                self.endpoint_memo.remove(&key);
            }
            return Err(true);
        };
        let selector = managed_selector(&svc).ok_or(false)?;
        let publish = svc
            .at(&["spec", "publishNotReadyAddresses"])
            .and_then(Value::as_bool)
            == Some(true);
        let pods = selected_pods(self, &svc, &selector);
        let refs: Vec<&Value> = pods.iter().map(Arc::as_ref).collect();
        let trigger = trigger_time(self.triggers(slices), &svc, &refs);
        Ok(Members {
            svc,
            publish,
            pods,
            trigger,
        })
    }

    /// The Endpoints controller's `syncService`.
    #[inline(never)]
    pub(crate) fn sync_endpoints(&mut self, ns: &str, name: &str) {
        let info = resources::by_plural("endpoints").expect("endpoints are served");
        let Members {
            svc,
            publish,
            pods,
            trigger,
        } = match self.service_members(ns, name, false) {
            Ok(found) => found,
            Err(gone) => {
                if gone && self.store.get("endpoints", ns, name).is_some() {
                    self.erase(info, ns, name);
                }
                return;
            }
        };
        let mut memo = MemoPass::start(&mut self.endpoint_memo, ns, name);
        let mut parts = Vec::new();
        for pod in &pods {
            if pod_in_endpoints(pod, publish) {
                parts.extend(memo.get(pod, &svc, None, || endpoint_parts(pod, &svc, publish)));
            }
        }
        memo.finish(&mut self.endpoint_memo);
        let subsets = repack(parts);
        let current = self.store.get("endpoints", ns, name).cloned();
        let mut labels = svc
            .at(&["metadata", "labels"])
            .cloned()
            .unwrap_or_else(Value::object);
        if let Some(current) = &current {
            let mut compare = current
                .at(&["metadata", "labels"])
                .cloned()
                .unwrap_or_else(Value::object);
            compare.remove(&[HEADLESS_LABEL]);
            let over = current
                .at(&["metadata", "annotations", OVER_CAPACITY_ANNOTATION])
                .is_some();
            if current.array_at(&["subsets"]) == subsets.as_slice() && compare == labels && !over {
                return;
            }
        }
        let mut obj = current.clone().unwrap_or_else(|| {
            Value::from([
                ("apiVersion", Value::from("v1")),
                ("kind", Value::from("Endpoints")),
                ("metadata", Value::from([("name", Value::from(name))])),
            ])
        });
        let mut subsets = subsets;
        let truncated = truncate(&mut subsets);
        if subsets.is_empty() {
            obj.remove(&["subsets"]);
        } else {
            obj.set(&["subsets"], Value::from(subsets));
        }
        if service_ip_set(&svc) {
            labels.remove(&[HEADLESS_LABEL]);
        } else {
            labels.set(&[HEADLESS_LABEL], Value::from(""));
        }
        if labels.as_object().is_some_and(|l| l.is_empty()) {
            obj.remove(&["metadata", "labels"]);
        } else {
            obj.set(&["metadata", "labels"], labels);
        }
        set_annotation(&mut obj, TRIGGER_TIME_ANNOTATION, trigger);
        let over = truncated.then(|| "truncated".to_string());
        set_annotation(&mut obj, OVER_CAPACITY_ANNOTATION, over);
        let _ = if current.is_some() {
            self.update_object(info, ns, obj, false)
        } else {
            self.create_object(info, ns, obj, false)
        };
    }

    /// Queues both endpoint controllers for the Services selecting a pod
    /// before or after a change (`GetServicesToUpdate`).
    pub(crate) fn enqueue_services_for_pod(&mut self, old: Option<&Value>, new: Option<&Value>) {
        if let (Some(o), Some(n)) = (old, new) {
            if !pod_endpoints_changed(o, n) {
                return;
            }
        }
        let Some(any) = new.or(old) else { return };
        let ns = any.str_at(&["metadata", "namespace"]).to_string();
        let names: Vec<String> = self
            .store
            .iter("services", Some(&ns))
            .filter(|svc| {
                managed_selector(svc).is_some_and(|sel| {
                    [old, new]
                        .into_iter()
                        .flatten()
                        .any(|p| sel.matches(p.at(&["metadata", "labels"])))
                })
            })
            .map(|svc| svc.str_at(&["metadata", "name"]).to_string())
            .collect();
        for name in names {
            self.enqueue_service_endpoints(&ns, &name);
        }
    }

    /// Queues both endpoint controllers for one Service.
    pub(crate) fn enqueue_service_endpoints(&mut self, ns: &str, name: &str) {
        self.enqueue(crate::sim::Work::Endpoints(
            ns.to_string(),
            name.to_string(),
        ));
        self.enqueue(crate::sim::Work::EndpointSlices(
            ns.to_string(),
            name.to_string(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(name: &str, port: i64, protocol: &str) -> Value {
        Value::from([
            ("name", Value::from(name)),
            ("port", Value::Int(port)),
            ("protocol", Value::from(protocol)),
        ])
    }

    #[test]
    fn ports_with_the_same_addresses_share_a_subset_in_hash_order() {
        let address = Value::from([("ip", Value::from("10.244.0.5"))]);
        let parts = [
            ("dns", 53, "UDP"),
            ("dns-tcp", 53, "TCP"),
            ("metrics", 9153, "TCP"),
        ]
        .iter()
        .map(|(n, p, proto)| (vec![port(n, *p, proto)], address.clone(), true))
        .collect();
        let subsets = repack(parts);
        assert_eq!(subsets.len(), 1);
        let names: Vec<&str> = subsets[0]
            .array_at(&["ports"])
            .iter()
            .map(|p| p.str_at(&["name"]))
            .collect();
        // kube-dns on a real cluster: dns-tcp, dns, metrics.
        assert_eq!(names, ["dns-tcp", "dns", "metrics"]);
    }

    fn svc(created: &str) -> Value {
        Value::from([(
            "metadata",
            Value::from([
                ("name", Value::from("web")),
                ("namespace", Value::from("default")),
                ("creationTimestamp", Value::from(created)),
            ]),
        )])
    }

    fn pod(name: &str, ready_at: &str) -> Value {
        let mut p = Value::object();
        p.set(&["metadata", "name"], Value::from(name));
        p.set(
            &["status", "conditions"],
            Value::from(vec![Value::from([
                ("type", Value::from("Ready")),
                ("status", Value::from("True")),
                ("lastTransitionTime", Value::from(ready_at)),
            ])]),
        );
        p
    }

    #[test]
    fn trigger_time_is_creation_then_earliest_change_then_cleared() {
        let mut tracker = TriggerTracker::new();
        let s = svc("2026-01-01T00:00:00Z");
        let a = pod("a", "2026-01-01T00:00:05Z");
        assert_eq!(
            trigger_time(&mut tracker, &s, &[&a]).as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        let b = pod("b", "2026-01-01T00:00:09Z");
        let c = pod("c", "2026-01-01T00:00:07Z");
        assert_eq!(
            trigger_time(&mut tracker, &s, &[&a, &b, &c]).as_deref(),
            Some("2026-01-01T00:00:07Z")
        );
        assert_eq!(trigger_time(&mut tracker, &s, &[&a, &b]), None);
    }

    #[test]
    fn truncation_keeps_ready_addresses_up_to_capacity() {
        let addresses = |n: usize, key: &str| {
            let list: Vec<Value> = (0..n)
                .map(|i| {
                    Value::from([("ip", Value::from(format!("10.0.{}.{}", i / 250, i % 250)))])
                })
                .collect();
            Value::from([(key, Value::from(list))])
        };
        let mut small = vec![addresses(10, "addresses")];
        assert!(!truncate(&mut small));
        let mut ready = addresses(900, "addresses");
        ready.set(
            &["notReadyAddresses"],
            addresses(300, "notReadyAddresses")
                .get("notReadyAddresses")
                .cloned()
                .unwrap(),
        );
        let mut subsets = vec![ready];
        assert!(truncate(&mut subsets));
        assert_eq!(subsets[0].array_at(&["addresses"]).len(), 900);
        assert_eq!(subsets[0].array_at(&["notReadyAddresses"]).len(), 100);
    }

    #[test]
    fn named_target_ports_resolve_against_container_ports() {
        let mut p = Value::object();
        p.set(
            &["spec", "containers"],
            Value::from(vec![Value::from([(
                "ports",
                Value::from(vec![Value::from([
                    ("name", Value::from("redis")),
                    ("containerPort", Value::Int(6379)),
                ])]),
            )])]),
        );
        let port = |target: Value| {
            Value::from([
                ("port", Value::Int(80)),
                ("protocol", Value::from("TCP")),
                ("targetPort", target),
            ])
        };
        assert_eq!(find_port(&p, &port(Value::from("redis"))), Some(6379));
        assert_eq!(find_port(&p, &port(Value::from("http"))), None);
        assert_eq!(find_port(&p, &port(Value::Int(8080))), Some(8080));
    }
}
