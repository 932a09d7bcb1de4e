//! What the page shows, read from the simulated cluster after every action:
//! the focused workload (a StatefulSet or, for contrast, a Deployment), the
//! pods of the namespace's StatefulSets and Deployments and its bare pods
//! (no controller owns them: `kubectl run`, a `kind: Pod` manifest, an
//! orphan) lane by node, each labelled with its owner, the focused
//! StatefulSet's claims and volumes and its headless Service's DNS names,
//! the namespace's events, and why the controller is waiting. Only reads;
//! the reducer in `state` owns the cluster.

use std::rc::Rc;

use ordinal_core::Sim;
use ordinal_kubectl::printers::{pod_status, table_for, PrintContext};
use ordinal_model::Value;

use crate::waiting::{explain, Waiting};

/// Events the events panel shows (the newest).
pub const MAX_SHOWN_EVENTS: usize = 12;
/// Most pods, claims or StatefulSets one panel lists.
pub const MAX_SHOWN_OBJECTS: usize = 100;

/// The kinds of workload the controls can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum WorkloadKind {
    /// A StatefulSet: ordinal names, claims, stable DNS names.
    #[default]
    StatefulSet,
    /// A Deployment: its ReplicaSets' pods have random names.
    Deployment,
}

impl WorkloadKind {
    /// The kind as the API names it.
    pub fn kind(self) -> &'static str {
        match self {
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::Deployment => "Deployment",
        }
    }

    /// The resource type kubectl takes (`kubectl scale deployment ...`).
    pub fn resource(self) -> &'static str {
        match self {
            WorkloadKind::StatefulSet => "statefulset",
            WorkloadKind::Deployment => "deployment",
        }
    }

    /// The API's plural resource name.
    fn plural(self) -> &'static str {
        match self {
            WorkloadKind::StatefulSet => "statefulsets",
            WorkloadKind::Deployment => "deployments",
        }
    }
}

/// The workload the controls act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    /// StatefulSet or Deployment.
    pub kind: WorkloadKind,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl Default for Focus {
    fn default() -> Self {
        Focus {
            kind: WorkloadKind::StatefulSet,
            namespace: "default".into(),
            name: "web".into(),
        }
    }
}

impl Focus {
    /// The focus selector's value and the saved focus: `namespace/name` for
    /// a StatefulSet, `deployment/namespace/name` for a Deployment.
    pub fn key(&self) -> String {
        match self.kind {
            WorkloadKind::StatefulSet => format!("{}/{}", self.namespace, self.name),
            WorkloadKind::Deployment => format!("deployment/{}/{}", self.namespace, self.name),
        }
    }

    /// The focus a [`Focus::key`] names.
    pub fn parse(key: &str) -> Option<Focus> {
        let (kind, rest) = match key.strip_prefix("deployment/") {
            Some(rest) => (WorkloadKind::Deployment, rest),
            None => (WorkloadKind::StatefulSet, key),
        };
        let (ns, name) = rest.split_once('/')?;
        (!ns.is_empty() && !name.is_empty() && !name.contains('/')).then(|| Focus {
            kind,
            namespace: ns.to_string(),
            name: name.to_string(),
        })
    }

    /// Whether this is the focused StatefulSet.
    fn is_statefulset(&self) -> bool {
        self.kind == WorkloadKind::StatefulSet
    }

    /// ` -n NS` for commands outside the default namespace, as a learner would type.
    pub fn ns_flag(&self) -> String {
        if self.namespace == "default" {
            String::new()
        } else {
            format!(" -n {}", self.namespace)
        }
    }
}

/// One row of the events panel: the default columns of `kubectl get events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The event's name, unique in the namespace.
    pub name: String,
    /// LAST SEEN.
    pub last_seen: String,
    /// TYPE (`Normal` or `Warning`).
    pub kind: String,
    /// REASON.
    pub reason: String,
    /// OBJECT (`pod/web-0`).
    pub object: String,
    /// MESSAGE.
    pub message: String,
}

/// One pod as the cluster view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodCard {
    /// Pod name, e.g. `web-0`.
    pub name: String,
    /// The workload that owns it (through a ReplicaSet for a Deployment),
    /// or `None` for a bare pod, which no controller owns.
    pub owner_kind: Option<WorkloadKind>,
    /// That workload's name (empty for a bare pod).
    pub owner: String,
    /// The pod's uid: a recreated pod keeps its name but not its uid.
    pub uid: String,
    /// kubectl's READY column, e.g. `1/1`.
    pub ready: String,
    /// kubectl's STATUS column, e.g. `ContainerCreating`.
    pub status: String,
    /// Pod IP, or empty before one is assigned.
    pub ip: String,
    /// Node the pod runs on, or empty before scheduling.
    pub node: String,
    /// The pod's stable DNS name through the focused StatefulSet's headless
    /// Service: the set's pods have one, and so does a bare pod whose
    /// `spec.hostname` is set and whose `spec.subdomain` names that Service.
    pub dns: String,
    /// Whether cluster DNS answers that name: the Service's EndpointSlices
    /// list the pod as a ready endpoint (what CoreDNS serves).
    pub in_dns: bool,
    /// Names of the claims the pod mounts.
    pub claims: Vec<String>,
}

impl PodCard {
    /// Whether a pod's DNS row is shown: it has a name under the focused
    /// StatefulSet's Service.
    pub fn has_dns(&self) -> bool {
        !self.dns.is_empty()
    }
}

/// One PersistentVolumeClaim of the focused StatefulSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCard {
    /// Claim name, e.g. `www-web-0`.
    pub name: String,
    /// `Pending`, `Bound` or `Lost`.
    pub phase: String,
    /// Bound volume name, or empty.
    pub volume: String,
    /// The volume's phase (`Bound`, `Released`), or empty.
    pub volume_phase: String,
    /// Requested or bound capacity.
    pub capacity: String,
    /// The pod (by name) that mounts it, if that pod exists.
    pub pod: String,
}

/// The focused workload's spec and status in brief (the StatefulSet-only
/// fields are empty for a Deployment).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetSummary {
    /// `spec.replicas`.
    pub replicas: i64,
    /// `status.readyReplicas`.
    pub ready: i64,
    /// The first container's name (what `kubectl set image` names).
    pub container: String,
    /// The first container's image.
    pub image: String,
    /// `spec.updateStrategy.rollingUpdate.partition`.
    pub partition: i64,
    /// `spec.updateStrategy.type` (`RollingUpdate` or `OnDelete`).
    pub strategy: String,
    /// `spec.podManagementPolicy`.
    pub policy: String,
    /// `spec.serviceName`.
    pub service: String,
    /// Whether that Service exists.
    pub service_exists: bool,
}

/// One node's lane header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLane {
    /// Node name.
    pub name: String,
    /// STATUS as `kubectl get nodes` prints it (`Ready`, `NotReady`, ...).
    pub status: String,
    /// Whether its machine runs (`docker start`ed).
    pub running: bool,
}

/// What the page renders.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterView {
    /// Virtual seconds since the playground started.
    pub elapsed_s: u64,
    /// The workload the controls act on.
    pub focus: Focus,
    /// Every StatefulSet and Deployment, StatefulSets first, each in
    /// namespace and name order.
    pub workloads: Vec<Focus>,
    /// The focused workload, if it exists.
    pub set: Option<SetSummary>,
    /// `spec.replicas` of the focused workload, if it exists.
    pub replicas: Option<i64>,
    /// The pods of the namespace's StatefulSets and Deployments, then its
    /// bare pods: the focused workload's first, then by kind and owner; a
    /// StatefulSet's in ordinal order, a Deployment's and bare ones in
    /// creation order.
    pub pods: Vec<PodCard>,
    /// The cluster's nodes, for the lanes.
    pub nodes: Vec<NodeLane>,
    /// Its claims in name order.
    pub claims: Vec<ClaimCard>,
    /// Why the controller is waiting, per pod.
    pub waiting: Vec<Waiting>,
    /// The namespace's newest events, oldest first.
    pub events: Vec<EventRow>,
    /// Pods, StatefulSets, Deployments, Services and claims as
    /// `plural/name`, for tab completion.
    pub names: Rc<Vec<String>>,
}

fn name_of(obj: &Value) -> &str {
    obj.str_at(&["metadata", "name"])
}

/// The view of `sim` for `focus`, `started_ms` being the playground's start.
/// With `earlier`, its events and completion names are kept instead of read
/// again: listing a namespace's events walks all of them (thousands with a
/// thousand pods), too slow for every animation tick.
pub fn view_of(
    sim: &Sim,
    focus: &Focus,
    started_ms: u64,
    earlier: Option<&ClusterView>,
) -> ClusterView {
    let ns = focus.namespace.as_str();
    let ctx = PrintContext { now_ms: sim.now() };
    let workload = sim.object(focus.kind.plural(), ns, &focus.name);
    let sts = workload.filter(|_| focus.is_statefulset());
    let list = |resource: &str| {
        sim.list_refs(resource, Some(ns), "", "")
            .unwrap_or_default()
    };
    let replicasets = list("replicasets");
    let all_pods = list("pods");
    // Every workload's pod with its owner, then the bare pods; the focused
    // workload's first, then by kind and name, a StatefulSet's in ordinal
    // order, a Deployment's and bare ones in creation order. Keys are computed
    // once: a namespace can hold a thousand pods, and this runs on every tick.
    let mut keyed: Vec<_> = all_pods
        .iter()
        .filter_map(|pod| {
            let (kind, owner) = owner_of(pod, &replicasets)?;
            let focused = kind == Some(focus.kind) && owner == focus.name;
            let name = name_of(pod);
            // Newest last: a new card joins the end of its lane, so the
            // cards before it are not moved (which would replay their
            // appear animation).
            let created = pod.str_at(&["metadata", "creationTimestamp"]);
            let ordinal = if kind == Some(WorkloadKind::StatefulSet) {
                ordinal_of(name)
            } else {
                u64::MAX
            };
            Some((
                (
                    !focused,
                    kind.is_none(),
                    kind,
                    owner,
                    ordinal,
                    created,
                    name,
                ),
                *pod,
            ))
        })
        .collect();
    ordinal_model::order::sort_by(&mut keyed, |a, b| a.0.cmp(&b.0));
    let mut owned: Vec<(Option<WorkloadKind>, &str, &Value)> = keyed
        .into_iter()
        .map(|((_, _, kind, owner, ..), pod)| (kind, owner, pod))
        .collect();
    owned.truncate(MAX_SHOWN_OBJECTS);
    // The focused StatefulSet's pods, which the waiting explanation reads.
    let set_pods: Vec<&Value> = owned
        .iter()
        .filter(|(kind, owner, _)| {
            focus.is_statefulset()
                && *kind == Some(WorkloadKind::StatefulSet)
                && *owner == focus.name
        })
        .map(|(_, _, pod)| *pod)
        .collect();
    let set = workload.map(|w| summary(sim, w, ns));
    let service = set.as_ref().map_or("", |s| s.service.as_str());
    let in_dns = dns_ready_pods(sim, ns, service);
    let down: Vec<String> = sim
        .config()
        .nodes
        .iter()
        .filter(|n| !sim.node_running(&n.name))
        .map(|n| n.name.clone())
        .collect();
    // Claims are named <template>-<set>-<ordinal>; matching the name keeps
    // them on screen after the StatefulSet is deleted, as they stay in the cluster.
    let infix = format!("-{}-", focus.name);
    let all_claims = list("persistentvolumeclaims");
    let claims_of_set: Vec<&Value> = all_claims
        .iter()
        .copied()
        .filter(|c| {
            focus.is_statefulset()
                && name_of(c)
                    .rsplit_once(infix.as_str())
                    .is_some_and(|(template, ordinal)| {
                        !template.is_empty() && ordinal.parse::<u64>().is_ok()
                    })
        })
        .take(MAX_SHOWN_OBJECTS)
        .collect();
    let pods: Vec<PodCard> = owned
        .iter()
        .map(|&(owner_kind, owner, pod)| {
            let (status, ready, _restarts) = pod_status(pod, &ctx);
            let name = name_of(pod).to_string();
            let of_set = focus.is_statefulset()
                && owner_kind == Some(WorkloadKind::StatefulSet)
                && owner == focus.name;
            // The controller gives the set's pods hostname = pod name and
            // subdomain = serviceName; a bare pod has them if its spec does.
            let hostname = if of_set {
                name.as_str()
            } else if owner_kind.is_none()
                && focus.is_statefulset()
                && pod.str_at(&["spec", "subdomain"]) == service
            {
                pod.str_at(&["spec", "hostname"])
            } else {
                ""
            };
            let dns = if hostname.is_empty() || service.is_empty() {
                String::new()
            } else {
                format!("{hostname}.{service}.{ns}.svc.cluster.local")
            };
            PodCard {
                in_dns: !dns.is_empty() && in_dns.contains(&name.as_str()),
                dns,
                claims: pod
                    .array_at(&["spec", "volumes"])
                    .iter()
                    .map(|v| {
                        v.str_at(&["persistentVolumeClaim", "claimName"])
                            .to_string()
                    })
                    .filter(|c| !c.is_empty())
                    .collect(),
                name,
                owner_kind,
                owner: owner.to_string(),
                uid: pod.str_at(&["metadata", "uid"]).to_string(),
                ready,
                status,
                ip: pod.str_at(&["status", "podIP"]).to_string(),
                node: pod.str_at(&["spec", "nodeName"]).to_string(),
            }
        })
        .collect();
    let claims = claims_of_set
        .iter()
        .map(|c| claim_card(sim, c, &pods))
        .collect();
    // The store lists each kind in namespace and name order.
    let workloads: Vec<Focus> = [WorkloadKind::StatefulSet, WorkloadKind::Deployment]
        .into_iter()
        .flat_map(|kind| {
            sim.list_refs(kind.plural(), None, "", "")
                .unwrap_or_default()
                .into_iter()
                .take(MAX_SHOWN_OBJECTS)
                .map(move |w| Focus {
                    kind,
                    namespace: w.str_at(&["metadata", "namespace"]).to_string(),
                    name: name_of(w).to_string(),
                })
        })
        .collect();
    let names = match earlier {
        Some(view) => Rc::clone(&view.names),
        None => {
            let sets = list("statefulsets");
            let deployments = list("deployments");
            let services = list("services");
            let mut names: Vec<String> = Vec::new();
            for (resource, objects) in [
                ("statefulsets", &sets),
                ("deployments", &deployments),
                ("services", &services),
                ("pods", &all_pods),
                ("persistentvolumeclaims", &all_claims),
            ] {
                names.extend(
                    objects
                        .iter()
                        .map(|obj| format!("{resource}/{}", name_of(obj))),
                );
            }
            ordinal_model::order::sort(&mut names);
            names.dedup();
            Rc::new(names)
        }
    };
    ClusterView {
        elapsed_s: sim.now().saturating_sub(started_ms) / 1000,
        focus: focus.clone(),
        workloads,
        replicas: set.as_ref().map(|s| s.replicas),
        set,
        pods,
        nodes: node_lanes(sim, &ctx, &down),
        claims,
        waiting: sts.map_or_else(Vec::new, |s| {
            let blocker = sim.statefulset_blocker(ns, &focus.name);
            explain(s, &set_pods, &claims_of_set, &down, blocker)
        }),
        events: earlier.map_or_else(|| events_of(sim, ns, &ctx), |view| view.events.clone()),
        names,
    }
}

/// The StatefulSet, or the Deployment through its ReplicaSet, that controls
/// `pod`; `(None, "")` when no controller does. `None` for a pod another
/// kind of controller owns (a Job's, a DaemonSet's), which is not drawn.
fn owner_of<'a>(
    pod: &'a Value,
    replicasets: &[&'a Value],
) -> Option<(Option<WorkloadKind>, &'a str)> {
    let Some(owner) = controller_of(pod) else {
        return Some((None, ""));
    };
    match owner.str_at(&["kind"]) {
        "StatefulSet" => Some((Some(WorkloadKind::StatefulSet), owner.str_at(&["name"]))),
        "ReplicaSet" => {
            let rs_name = owner.str_at(&["name"]);
            let rs = replicasets.iter().find(|rs| name_of(rs) == rs_name)?;
            let deployment = controller_of(rs)?;
            (deployment.str_at(&["kind"]) == "Deployment")
                .then(|| (Some(WorkloadKind::Deployment), deployment.str_at(&["name"])))
        }
        _ => None,
    }
}

/// The owner reference marked `controller: true`.
fn controller_of(obj: &Value) -> Option<&Value> {
    obj.array_at(&["metadata", "ownerReferences"])
        .iter()
        .find(|r| r.at(&["controller"]).and_then(Value::as_bool) == Some(true))
}

fn summary(sim: &Sim, sts: &Value, ns: &str) -> SetSummary {
    let service = sts.str_at(&["spec", "serviceName"]).to_string();
    let service_exists = !service.is_empty() && sim.object("services", ns, &service).is_some();
    SetSummary {
        replicas: sts.i64_at(&["spec", "replicas"]).unwrap_or(1),
        ready: sts.i64_at(&["status", "readyReplicas"]).unwrap_or(0),
        container: first_container(sts, "name"),
        image: first_container(sts, "image"),
        partition: sts
            .i64_at(&["spec", "updateStrategy", "rollingUpdate", "partition"])
            .unwrap_or(0),
        policy: sts.str_at(&["spec", "podManagementPolicy"]).to_string(),
        strategy: sts.str_at(&["spec", "updateStrategy", "type"]).to_string(),
        service_exists,
        service,
    }
}

fn first_container(sts: &Value, field: &str) -> String {
    sts.array_at(&["spec", "template", "spec", "containers"])
        .first()
        .map(|c| c.str_at(&[field]).to_string())
        .unwrap_or_default()
}

fn claim_card(sim: &Sim, claim: &Value, pods: &[PodCard]) -> ClaimCard {
    let name = name_of(claim);
    let volume = claim.str_at(&["spec", "volumeName"]);
    let capacity = claim.str_at(&["status", "capacity", "storage"]);
    let requested = claim.str_at(&["spec", "resources", "requests", "storage"]);
    ClaimCard {
        name: name.to_string(),
        phase: claim.str_at(&["status", "phase"]).to_string(),
        volume: volume.to_string(),
        volume_phase: sim
            .object("persistentvolumes", "", volume)
            .map(|pv| pv.str_at(&["status", "phase"]).to_string())
            .unwrap_or_default(),
        capacity: if capacity.is_empty() {
            requested
        } else {
            capacity
        }
        .to_string(),
        pod: pods
            .iter()
            .find(|p| p.claims.iter().any(|c| c == name))
            .map(|p| p.name.clone())
            .unwrap_or_default(),
    }
}

/// Pods the Service's EndpointSlices list as ready endpoints.
fn dns_ready_pods<'a>(sim: &'a Sim, ns: &'a str, service: &str) -> Vec<&'a str> {
    if service.is_empty() {
        return Vec::new();
    }
    let selector = format!("kubernetes.io/service-name={service}");
    sim.list_refs("endpointslices", Some(ns), &selector, "")
        .unwrap_or_default()
        .into_iter()
        .flat_map(|slice| slice.array_at(&["endpoints"]))
        .filter(|ep| ep.at(&["conditions", "ready"]).and_then(Value::as_bool) == Some(true))
        .map(|ep| ep.str_at(&["targetRef", "name"]))
        .collect()
}

/// The lanes: every Node object with its `kubectl get nodes` STATUS, and
/// whether its machine runs (not in `down`).
fn node_lanes(sim: &Sim, ctx: &PrintContext, down: &[String]) -> Vec<NodeLane> {
    let table = table_for("Node");
    let status = table.columns.iter().position(|c| c.name == "Status");
    sim.list_refs("nodes", None, "", "")
        .unwrap_or_default()
        .into_iter()
        .map(|node| {
            let name = name_of(node).to_string();
            NodeLane {
                status: status
                    .and_then(|i| (table.row)(node, ctx).get(i).cloned())
                    .unwrap_or_default(),
                running: !down.contains(&name),
                name,
            }
        })
        .collect()
}

/// Where an event sorts: its last timestamp (or eventTime), then resourceVersion.
fn event_order(ev: &Value) -> (&str, u64) {
    let last = ev.str_at(&["lastTimestamp"]);
    let stamp = if last.is_empty() {
        ev.str_at(&["eventTime"])
    } else {
        last
    };
    let version = ev
        .str_at(&["metadata", "resourceVersion"])
        .parse::<u64>()
        .unwrap_or(0);
    (stamp, version)
}

/// The newest events as `kubectl get events` prints them, oldest first.
fn events_of(sim: &Sim, ns: &str, ctx: &PrintContext) -> Vec<EventRow> {
    // The newest MAX_SHOWN_EVENTS in one pass: a namespace can hold
    // thousands of events, and this runs on every frame.
    let mut events: Vec<((&str, u64), &Value)> = Vec::with_capacity(MAX_SHOWN_EVENTS + 1);
    for ev in sim
        .list_refs("events", Some(ns), "", "")
        .unwrap_or_default()
    {
        let k = event_order(ev);
        if events.len() == MAX_SHOWN_EVENTS && events[0].0 >= k {
            continue;
        }
        let at = events
            .iter()
            .position(|(e, _)| *e > k)
            .unwrap_or(events.len());
        events.insert(at, (k, ev));
        if events.len() > MAX_SHOWN_EVENTS {
            events.remove(0);
        }
    }
    let table = table_for("Event");
    let column = |name: &str| table.columns.iter().position(|c| c.name == name);
    let cells = [
        column("Last Seen"),
        column("Type"),
        column("Reason"),
        column("Object"),
        column("Message"),
    ];
    events
        .iter()
        .map(|(_, ev)| {
            let row = (table.row)(ev, ctx);
            let cell = |i: usize| {
                cells[i]
                    .and_then(|c| row.get(c))
                    .cloned()
                    .unwrap_or_default()
            };
            EventRow {
                name: name_of(ev).to_string(),
                last_seen: cell(0),
                kind: cell(1),
                reason: cell(2),
                object: cell(3),
                message: cell(4),
            }
        })
        .collect()
}

/// Whether `pod` is owned by the StatefulSet `name`.
pub fn owned_by(pod: &Value, name: &str) -> bool {
    pod.array_at(&["metadata", "ownerReferences"])
        .iter()
        .any(|r| r.str_at(&["kind"]) == "StatefulSet" && r.str_at(&["name"]) == name)
}

/// The ordinal at the end of a pod name (`web-3` → 3).
pub fn ordinal_of(name: &str) -> u64 {
    name.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}
