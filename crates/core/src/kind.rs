//! What a new kind cluster runs besides the user's workloads, and the one
//! place the versions of its images are chosen: kind v0.32.0 with its node
//! image `kindest/node:v1.36.1` (pkg/build/nodeimage/const_cni.go,
//! const_storage.go; kubeadm's cmd/kubeadm/app/constants/constants.go for
//! etcd and CoreDNS), except that the control plane's tag is the emulated
//! version's `.0` release, as the nodes' `kubeletVersion` is.
//!
//! The control plane runs as static pods (kubeadm's manifests,
//! cmd/kubeadm/app/phases/controlplane/manifests.go and phases/etcd/local.go,
//! in `bootstrap_static_pods.yaml`): the kubelet of the control-plane node
//! reads them from /etc/kubernetes/manifests and posts a mirror pod for each
//! (pkg/kubelet/config/common.go `applyDefaults`: the name gets `-<node>`,
//! `spec.nodeName`, a NoExecute toleration and the `kubernetes.io/config.*`
//! annotations; pkg/kubelet/pod/mirror_client.go: the mirror pod is owned by
//! its Node). Their requests count against the node, as upstream.
//!
//! A mirror pod a user deletes comes back (`kubelet/mirror.rs`).
//!
//! Not modelled: the static pods' liveness, readiness and startup probes
//! (left out of the manifests, so an idle cluster has no probe timers for
//! them).

use std::sync::Mutex;

use ordinal_model::Value;

use crate::limits;
use crate::sim::Sim;

/// etcd's image (kubeadm's `SupportedEtcdVersion` for v1.36).
pub const ETCD_IMAGE: &str = "registry.k8s.io/etcd:3.6.9-0";
/// CoreDNS's image (kubeadm's `CoreDNSVersion`).
pub const COREDNS_IMAGE: &str = "registry.k8s.io/coredns/coredns:v1.13.1";
/// kindnet, kind's CNI DaemonSet.
pub const KINDNETD_IMAGE: &str = "docker.io/kindest/kindnetd:v20260528-9350166c";
/// kind's build of the local-path provisioner.
pub const LOCAL_PATH_IMAGE: &str = "docker.io/kindest/local-path-provisioner:v20260521-9fb22683";
/// The helper image the local-path provisioner runs its volume pods with.
pub const LOCAL_PATH_HELPER_IMAGE: &str = "docker.io/kindest/local-path-helper:v20260131-7181c60a";
/// Registry of the control plane's and kube-proxy's images.
const KUBE_REGISTRY: &str = "registry.k8s.io/";
/// The control-plane components, each an image of its own.
const CONTROL_PLANE: [&str; 4] = [
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kube-proxy",
];

/// The emulated release, `v1.<minor>.0` (nodes' `kubeletVersion`, the
/// control plane's image tags).
pub fn kube_version(minor: u32) -> String {
    format!("v1.{minor}.0")
}

/// Every image a kind node image ships, so their pods start without a pull.
pub fn node_images(minor: u32) -> Vec<String> {
    let version = kube_version(minor);
    let mut images: Vec<String> = CONTROL_PLANE
        .iter()
        .map(|c| format!("{KUBE_REGISTRY}{c}:{version}"))
        .collect();
    for image in [
        ETCD_IMAGE,
        COREDNS_IMAGE,
        KINDNETD_IMAGE,
        LOCAL_PATH_IMAGE,
        LOCAL_PATH_HELPER_IMAGE,
    ] {
        images.push(image.to_string());
    }
    images
}

/// The addons' objects (`bootstrap_addons.yaml` with their images filled
/// in), in the order they are installed.
pub(crate) fn addon_objects(minor: u32) -> Vec<Value> {
    let proxy = format!("{KUBE_REGISTRY}kube-proxy:{}", kube_version(minor));
    let text = ADDONS
        .replace("@COREDNS_IMAGE@", COREDNS_IMAGE)
        .replace("@KUBE_PROXY_IMAGE@", &proxy)
        .replace("@KINDNETD_IMAGE@", KINDNETD_IMAGE)
        .replace("@LOCAL_PATH_IMAGE@", LOCAL_PATH_IMAGE)
        .replace("@LOCAL_PATH_HELPER_IMAGE@", LOCAL_PATH_HELPER_IMAGE);
    parse_memoised(text)
        .into_iter()
        .map(|(doc, _)| doc)
        .collect()
}

/// Manifests already parsed, by their text: parsing them is the dearest
/// part of building a cluster, and a page builds many with the same nodes.
static PARSED: Mutex<Vec<(String, Vec<HashedDoc>)>> = Mutex::new(Vec::new());

/// A parsed document and the MD5 (hex) of its text.
type HashedDoc = (Value, String);

/// The documents of `text`, each with the MD5 of its text (a static pod's
/// `kubernetes.io/config.hash`), parsed once per distinct text (the
/// [`limits::MAX_PARSED_MANIFESTS`] most recent ones are kept).
fn parse_memoised(text: String) -> Vec<HashedDoc> {
    let mut parsed = PARSED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, docs)) = parsed.iter().find(|(t, _)| *t == text) {
        return docs.clone();
    }
    let docs: Vec<HashedDoc> = ordinal_model::yaml::parse_stream(&text)
        .docs
        .into_iter()
        .zip(text.split("\n---\n"))
        .map(|(d, source)| {
            (
                d.value,
                crate::hash::hex(&crate::hash::md5(source.as_bytes())),
            )
        })
        .collect();
    if parsed.len() >= limits::MAX_PARSED_MANIFESTS {
        parsed.remove(0);
    }
    parsed.push((text, docs.clone()));
    docs
}

/// kubeadm's CoreDNS and kube-proxy addons, kind's kindnet and local-path
/// provisioner, in the order they are installed.
const ADDONS: &str = include_str!("bootstrap_addons.yaml");
/// kubeadm's static pod manifests of the control plane.
const STATIC_PODS: &str = include_str!("bootstrap_static_pods.yaml");

/// Annotation naming the static pod a mirror pod stands for (its hash).
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";
/// `scheduling.SystemCriticalPriority` + 1000: `system-node-critical`.
pub const SYSTEM_NODE_CRITICAL: i64 = 2_000_001_000;
/// `scheduling.SystemCriticalPriority`: `system-cluster-critical`.
pub const SYSTEM_CLUSTER_CRITICAL: i64 = 2_000_000_000;

/// The value of the built-in PriorityClass `name` (the Priority admission
/// plugin's lookup), `None` for any other class.
pub fn builtin_priority(name: &str) -> Option<i64> {
    match name {
        "system-node-critical" => Some(SYSTEM_NODE_CRITICAL),
        "system-cluster-critical" => Some(SYSTEM_CLUSTER_CRITICAL),
        _ => None,
    }
}

impl Sim {
    /// The kubelet of `node` starts the control plane's static pods and
    /// posts their mirror pods.
    pub(crate) fn start_static_pods(&mut self, node: &str) {
        let ip = self.node_address(node);
        let text = STATIC_PODS
            .replace("@NODE_IP@", &ip)
            .replace("@NODE@", node)
            .replace("@ETCD_IMAGE@", ETCD_IMAGE)
            .replace("@IMAGE_PREFIX@", KUBE_REGISTRY)
            .replace("@KUBE_VERSION@", &kube_version(self.config.minor_version));
        let second = crate::clock::rfc3339(self.now);
        let seen = format!(
            "{}.{:09}Z",
            second.trim_end_matches('Z'),
            (self.now % 1000) * 1_000_000
        );
        for (mut pod, hash) in parse_memoised(text) {
            let name = format!("{}-{node}", pod.str_at(&["metadata", "name"]));
            pod.set(&["metadata", "name"], Value::from(name.as_str()));
            for (key, value) in [
                ("kubernetes.io/config.hash", hash.as_str()),
                (MIRROR_ANNOTATION, hash.as_str()),
                ("kubernetes.io/config.seen", seen.as_str()),
                ("kubernetes.io/config.source", "file"),
            ] {
                pod.set(&["metadata", "annotations", key], Value::from(value));
            }
            pod.set(&["spec", "nodeName"], Value::from(node));
            pod.set(
                &["spec", "tolerations"],
                Value::from(vec![Value::from([
                    ("effect", Value::from("NoExecute")),
                    ("operator", Value::from("Exists")),
                ])]),
            );
            self.run_static_pod(pod);
        }
    }
}
