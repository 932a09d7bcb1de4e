//! Building a fresh cluster: the system namespaces, nodes, the default
//! StorageClass, the built-in Services and the CoreDNS addon, as a new kind
//! cluster has them.
//!
//! Storage choice: like kind, the default class `standard` uses the
//! `rancher.io/local-path` provisioner with `WaitForFirstConsumer`, so a
//! claim stays Pending until its pod is scheduled.

use ordinal_model::Value;

use crate::apiserver::admission::DEFAULT_CLASS_ANNOTATION;
use crate::clock::START_MS;
use crate::config::{NodeConfig, SimConfig};
use crate::limits;
use crate::resources;
use crate::rng::Rng;
use crate::sim::Sim;
use crate::timing;

/// Namespaces present in every new cluster.
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];
/// The namespace kind's local-path provisioner runs in (its pods are not
/// modelled; the default StorageClass's volumes appear by themselves).
pub const LOCAL_PATH_NAMESPACE: &str = "local-path-storage";
/// Mixed into the seed of the random stream of the bootstrap objects added
/// after the first ones (node Leases, `local-path-storage`, CoreDNS).
const LATER_UID_STREAM: u64 = 0x1ea5_e000_1ea5_e000;
/// Seeds the uids of kind's addon ServiceAccounts, a stream of their own so
/// that the addons' pods keep their random names.
const ACCOUNT_UID_STREAM: u64 = 0x5e7a_cc00_5e7a_cc00;
/// The ServiceAccounts kind's addons run as (namespace, name); pods naming a
/// missing account are refused.
const ADDON_SERVICE_ACCOUNTS: [(&str, &str); 4] = [
    ("kube-system", "coredns"),
    ("kube-system", "kube-proxy"),
    ("kube-system", "kindnet"),
    (
        LOCAL_PATH_NAMESPACE,
        "local-path-provisioner-service-account",
    ),
];
/// Name of the default StorageClass.
pub const DEFAULT_STORAGE_CLASS: &str = "standard";
/// Provisioner of the default StorageClass (kind's local-path provisioner).
pub const DEFAULT_PROVISIONER: &str = "rancher.io/local-path";

fn strs(pairs: &[(&str, &str)]) -> Value {
    let mut v = Value::object();
    for (k, val) in pairs {
        v.set(&[k], Value::from(*val));
    }
    v
}

/// A ServiceAccount as the serviceaccounts controller and kind's addon
/// manifests make one: a name and nothing else.
pub(crate) fn service_account(name: &str) -> Value {
    Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("ServiceAccount")),
        ("metadata", Value::from([("name", Value::from(name))])),
    ])
}

fn namespace(name: &str) -> Value {
    Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("Namespace")),
        ("metadata", Value::from([("name", Value::from(name))])),
    ])
}

/// The conditions a healthy kubelet posts (kubelet_node_status.go setters):
/// type, status, reason, message, and the event it records on a change.
pub(crate) const HEALTHY_NODE_CONDITIONS: [(&str, &str, &str, &str, &str); 4] = [
    (
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
        "NodeHasSufficientMemory",
    ),
    (
        "DiskPressure",
        "False",
        "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure",
        "NodeHasNoDiskPressure",
    ),
    (
        "PIDPressure",
        "False",
        "KubeletHasSufficientPID",
        "kubelet has sufficient PID available",
        "NodeHasSufficientPID",
    ),
    (
        "Ready",
        "True",
        "KubeletReady",
        "kubelet is posting ready status",
        "NodeReady",
    ),
];

pub(crate) fn condition(kind: &str, status: &str, reason: &str, message: &str, at: &str) -> Value {
    Value::from([
        ("lastHeartbeatTime", Value::from(at)),
        ("lastTransitionTime", Value::from(at)),
        ("message", Value::from(message)),
        ("reason", Value::from(reason)),
        ("status", Value::from(status)),
        ("type", Value::from(kind)),
    ])
}

/// The pod CIDR of node number `index` (`10.244.<index>.0/24`).
pub fn pod_cidr(index: usize) -> String {
    format!("10.244.{index}.0/24")
}

fn node_object(cfg: &NodeConfig, index: usize, multi_node: bool, minor: u32, at: &str) -> Value {
    let control_plane = cfg.name.ends_with("control-plane");
    let mut labels = strs(&[
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", &cfg.name),
        ("kubernetes.io/os", "linux"),
    ]);
    if control_plane {
        labels.set(&["node-role.kubernetes.io/control-plane"], Value::from(""));
        labels.set(
            &["node.kubernetes.io/exclude-from-external-load-balancers"],
            Value::from(""),
        );
    }
    let cpu = if cfg.cpu_millis % 1000 == 0 {
        (cfg.cpu_millis / 1000).to_string()
    } else {
        format!("{}m", cfg.cpu_millis)
    };
    let resources = strs(&[
        ("cpu", &cpu),
        ("ephemeral-storage", "102626232Ki"),
        ("hugepages-1Gi", "0"),
        ("hugepages-2Mi", "0"),
        ("memory", &format!("{}Ki", cfg.memory_bytes / 1024)),
        ("pods", &cfg.max_pods.to_string()),
    ]);
    let cidr = pod_cidr(index);
    let mut node = Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("Node")),
        (
            "metadata",
            Value::from([
                ("name", Value::from(cfg.name.as_str())),
                ("labels", labels),
                (
                    "annotations",
                    strs(&[
                        ("node.alpha.kubernetes.io/ttl", "0"),
                        (
                            "volumes.kubernetes.io/controller-managed-attach-detach",
                            "true",
                        ),
                    ]),
                ),
            ]),
        ),
        (
            "spec",
            Value::from([
                ("podCIDR", Value::from(cidr.as_str())),
                ("podCIDRs", Value::from(vec![Value::from(cidr.as_str())])),
                (
                    "providerID",
                    Value::from(format!("kind://docker/kind/{}", cfg.name)),
                ),
            ]),
        ),
    ]);
    if control_plane && multi_node {
        node.set(
            &["spec", "taints"],
            Value::from(vec![Value::from([
                ("effect", Value::from("NoSchedule")),
                ("key", Value::from("node-role.kubernetes.io/control-plane")),
            ])]),
        );
    }
    let status = Value::from([
        (
            "addresses",
            Value::from(vec![
                strs(&[
                    ("address", &format!("172.18.0.{}", index + 2)),
                    ("type", "InternalIP"),
                ]),
                strs(&[("address", &cfg.name), ("type", "Hostname")]),
            ]),
        ),
        ("allocatable", resources.clone()),
        ("capacity", resources),
        (
            "conditions",
            Value::from(
                HEALTHY_NODE_CONDITIONS
                    .iter()
                    .map(|(kind, status, reason, message, _)| {
                        condition(kind, status, reason, message, at)
                    })
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "daemonEndpoints",
            Value::from([(
                "kubeletEndpoint",
                Value::from([("Port", Value::Int(10250))]),
            )]),
        ),
        (
            "nodeInfo",
            strs(&[
                ("architecture", "amd64"),
                ("containerRuntimeVersion", "containerd://2.1.3"),
                ("kernelVersion", "6.8.0-60-generic"),
                ("kubeProxyVersion", ""),
                ("kubeletVersion", &crate::kind::kube_version(minor)),
                ("operatingSystem", "linux"),
                ("osImage", "Debian GNU/Linux 12 (bookworm)"),
            ]),
        ),
    ]);
    node.set(&["status"], status);
    node
}

fn service(
    name: &str,
    ip: &str,
    labels: Value,
    selector: Option<Value>,
    ports: Vec<Value>,
) -> Value {
    let mut spec = Value::from([
        ("clusterIP", Value::from(ip)),
        ("clusterIPs", Value::from(vec![Value::from(ip)])),
        ("internalTrafficPolicy", Value::from("Cluster")),
        ("ipFamilies", Value::from(vec![Value::from("IPv4")])),
        ("ipFamilyPolicy", Value::from("SingleStack")),
        ("ports", Value::from(ports)),
        ("sessionAffinity", Value::from("None")),
        ("type", Value::from("ClusterIP")),
    ]);
    if let Some(sel) = selector {
        spec.set(&["selector"], sel);
    }
    Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("Service")),
        (
            "metadata",
            Value::from([("name", Value::from(name)), ("labels", labels)]),
        ),
        ("spec", spec),
        ("status", Value::from([("loadBalancer", Value::object())])),
    ])
}

fn port(name: &str, port: i64, protocol: &str, target: i64) -> Value {
    Value::from([
        ("name", Value::from(name)),
        ("port", Value::Int(port)),
        ("protocol", Value::from(protocol)),
        ("targetPort", Value::Int(target)),
    ])
}

/// The `kubernetes` Service's Endpoints and EndpointSlice, which the API
/// server itself keeps pointing at its address (pkg/controlplane/reconcilers,
/// `EndpointsAdapter`); no controller manages them.
fn apiserver_endpoints(ip: &str) -> (Value, Value) {
    let https = || {
        Value::from([
            ("name", Value::from("https")),
            ("port", Value::Int(6443)),
            ("protocol", Value::from("TCP")),
        ])
    };
    let endpoints = Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("Endpoints")),
        (
            "metadata",
            Value::from([
                ("name", Value::from("kubernetes")),
                (
                    "labels",
                    strs(&[("endpointslice.kubernetes.io/skip-mirror", "true")]),
                ),
            ]),
        ),
        (
            "subsets",
            Value::from(vec![Value::from([
                (
                    "addresses",
                    Value::from(vec![Value::from([("ip", Value::from(ip))])]),
                ),
                ("ports", Value::from(vec![https()])),
            ])]),
        ),
    ]);
    let slice = Value::from([
        ("addressType", Value::from("IPv4")),
        ("apiVersion", Value::from("discovery.k8s.io/v1")),
        (
            "endpoints",
            Value::from(vec![Value::from([
                ("addresses", Value::from(vec![Value::from(ip)])),
                ("conditions", Value::from([("ready", Value::Bool(true))])),
            ])]),
        ),
        ("kind", Value::from("EndpointSlice")),
        (
            "metadata",
            Value::from([
                ("name", Value::from("kubernetes")),
                (
                    "labels",
                    strs(&[("kubernetes.io/service-name", "kubernetes")]),
                ),
            ]),
        ),
        ("ports", Value::from(vec![https()])),
    ]);
    (endpoints, slice)
}

/// The default StorageClass object.
pub fn default_storage_class() -> Value {
    Value::from([
        ("apiVersion", Value::from("storage.k8s.io/v1")),
        ("kind", Value::from("StorageClass")),
        (
            "metadata",
            Value::from([
                ("name", Value::from(DEFAULT_STORAGE_CLASS)),
                ("annotations", strs(&[(DEFAULT_CLASS_ANNOTATION, "true")])),
            ]),
        ),
        ("provisioner", Value::from(DEFAULT_PROVISIONER)),
        ("reclaimPolicy", Value::from("Delete")),
        ("volumeBindingMode", Value::from("WaitForFirstConsumer")),
    ])
}

impl Sim {
    /// A fresh cluster built from `config`, its clock at [`START_MS`].
    pub fn new(config: SimConfig) -> Sim {
        let mut config = config;
        config.nodes.truncate(limits::MAX_NODES);
        let mut sim = Sim::empty(config);
        sim.now = START_MS - timing::CLUSTER_AGE_MS;
        let at = crate::clock::rfc3339(sim.now);
        let minor = sim.config.minor_version;
        let mut objects: Vec<(&str, &str, Value)> = SYSTEM_NAMESPACES
            .iter()
            .map(|ns| ("namespaces", "", namespace(ns)))
            .collect();
        let multi_node = sim.config.nodes.len() > 1;
        for (i, node) in sim.config.nodes.iter().enumerate() {
            objects.push(("nodes", "", node_object(node, i, multi_node, minor, &at)));
        }
        objects.push(("storageclasses", "", default_storage_class()));
        for class in &sim.config.extra_storage_classes {
            objects.push(("storageclasses", "", class.clone()));
        }
        objects.push((
            "services",
            "default",
            service(
                "kubernetes",
                "10.96.0.1",
                strs(&[("component", "apiserver"), ("provider", "kubernetes")]),
                None,
                vec![port("https", 443, "TCP", 6443)],
            ),
        ));
        objects.push((
            "services",
            "kube-system",
            service(
                "kube-dns",
                "10.96.0.10",
                strs(&[
                    ("k8s-app", "kube-dns"),
                    ("kubernetes.io/cluster-service", "true"),
                    ("kubernetes.io/name", "CoreDNS"),
                ]),
                Some(strs(&[("k8s-app", "kube-dns")])),
                vec![
                    port("dns", 53, "UDP", 53),
                    port("dns-tcp", 53, "TCP", 53),
                    port("metrics", 9153, "TCP", 9153),
                ],
            ),
        ));
        let apiserver = sim
            .config
            .nodes
            .iter()
            .position(|n| n.name.ends_with("control-plane"))
            .unwrap_or(0);
        let (endpoints, slice) = apiserver_endpoints(&format!("172.18.0.{}", apiserver + 2));
        objects.push(("endpoints", "default", endpoints));
        objects.push(("endpointslices", "default", slice));
        for (resource, ns, obj) in objects {
            if let Some(info) = resources::by_plural(resource) {
                let _ = sim.create_object(info, ns, obj, false);
            }
            sim.settle();
        }
        // The node Leases and local-path-storage draw their uids from a
        // stream of their own, so every other object keeps the random names
        // and timings it had before clusters had them.
        let names: Vec<String> = sim.config.nodes.iter().map(|n| n.name.clone()).collect();
        let later_rng = Rng::new(sim.config.seed ^ LATER_UID_STREAM);
        let main_rng = std::mem::replace(&mut sim.rng, later_rng);
        if let Some(info) = resources::by_plural("namespaces") {
            let _ = sim.create_object(info, "", namespace(LOCAL_PATH_NAMESPACE), false);
        }
        for name in &names {
            sim.put_node_lease(name);
        }
        sim.start_addons();
        sim.rng = main_rng;
        sim.now = START_MS;
        for name in &names {
            sim.post_node_heartbeat(name);
            sim.schedule_node_status_report(name);
            sim.renew_node_lease(name);
        }
        sim.renew_leaders_lazily();
        sim.settle();
        sim
    }
}

impl Sim {
    /// Boots what kind runs in a new cluster ([`crate::kind`]): the control
    /// plane's static pods, the leader-election Leases, and the addons
    /// (CoreDNS, kube-proxy, kindnet, the local-path provisioner), and lets
    /// the controllers, scheduler and kubelets run them for
    /// [`timing::ADDONS_BOOT_MS`], so that their pods are Running and
    /// CoreDNS and the provisioner hold the control-plane node's first pod
    /// IPs, as kind's do: the workers join [`timing::WORKERS_JOIN_MS`]
    /// after the control plane, so meanwhile the scheduler and the
    /// DaemonSet controller see only that node. Their images are already
    /// on every node.
    fn start_addons(&mut self) {
        let minor = self.config.minor_version;
        let images = crate::kind::node_images(minor);
        let images: Vec<&str> = images.iter().map(String::as_str).collect();
        self.preload_images(&images);
        self.joined_node = self
            .config
            .nodes
            .iter()
            .find(|n| n.name.ends_with("control-plane"))
            .map(|n| n.name.clone());
        let accounts_rng = Rng::new(self.config.seed ^ ACCOUNT_UID_STREAM);
        let rng = std::mem::replace(&mut self.rng, accounts_rng);
        if let Some(info) = resources::by_plural("serviceaccounts") {
            for (ns, name) in ADDON_SERVICE_ACCOUNTS {
                let _ = self.create_object(info, ns, service_account(name), false);
            }
        }
        self.rng = rng;
        for obj in crate::kind::addon_objects(minor) {
            let info = resources::by_kind(obj.str_at(&["apiVersion"]), obj.str_at(&["kind"]));
            let ns = obj.str_at(&["metadata", "namespace"]).to_string();
            if let Some(info) = info {
                let _ = self.create_object(info, &ns, obj, false);
            }
            self.settle();
        }
        if let Some(node) = self.control_plane_node().map(str::to_string) {
            self.start_static_pods(&node);
        }
        self.leader_election_pass();
        self.advance(timing::WORKERS_JOIN_MS);
        self.joined_node = None;
        self.enqueue_all_daemon_sets();
        self.advance(timing::ADDONS_BOOT_MS - timing::WORKERS_JOIN_MS);
    }

    /// A kubelet starting on a node whose Node object was deleted registers
    /// it again (`registerWithAPIServer`), as it is in a fresh cluster.
    pub(crate) fn register_node(&mut self, name: &str) {
        let Some(index) = self.config.nodes.iter().position(|n| n.name == name) else {
            return;
        };
        let multi_node = self.config.nodes.len() > 1;
        let at = crate::clock::rfc3339(self.now);
        let node = node_object(
            &self.config.nodes[index],
            index,
            multi_node,
            self.config.minor_version,
            &at,
        );
        if let Some(info) = resources::by_plural("nodes") {
            let _ = self.create_object(info, "", node, false);
        }
    }
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new(SimConfig::default())
    }
}
