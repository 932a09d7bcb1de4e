//! The shape of a simulated cluster: nodes, seed and emulated version.

use ordinal_model::Value;

/// One node of the simulated cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeConfig {
    /// Node name (`kind-control-plane`).
    pub name: String,
    /// Allocatable CPU in millicores.
    pub cpu_millis: i64,
    /// Allocatable memory in bytes.
    pub memory_bytes: i64,
    /// Allocatable pods (`--max-pods`, 110 upstream).
    pub max_pods: i64,
}

impl NodeConfig {
    /// A node with a kind worker's default capacity (8 CPUs, 16 GiB, 110 pods).
    pub fn named(name: &str) -> NodeConfig {
        NodeConfig {
            name: name.to_string(),
            cpu_millis: 8_000,
            memory_bytes: 16 * 1024 * 1024 * 1024,
            max_pods: 110,
        }
    }
}

/// Everything a [`Sim`](crate::Sim) is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Seed of the simulator's only random generator.
    pub seed: u64,
    /// Nodes, in order; node `i` gets pod CIDR `10.244.i.0/24`.
    pub nodes: Vec<NodeConfig>,
    /// Kubernetes minor version to emulate (36 = v1.36).
    pub minor_version: u32,
    /// StorageClass objects created at start besides the default `standard`
    /// class (e.g. a lesson's `managed-nfs-storage`).
    pub extra_storage_classes: Vec<Value>,
}

/// The seed used when a transcript or lesson does not set one.
pub const DEFAULT_SEED: u64 = 1;
/// The newest (and default) emulated minor version.
pub const DEFAULT_MINOR_VERSION: u32 = 36;

impl Default for SimConfig {
    /// A kind-like single-node cluster: node `kind-control-plane` (pod CIDR
    /// 10.244.0.0/24, 8 CPUs, 16 GiB, 110 pods, control-plane taint removed as
    /// kind does for single-node clusters), Kubernetes v1.36, seed 1.
    fn default() -> Self {
        SimConfig {
            seed: DEFAULT_SEED,
            nodes: vec![NodeConfig::named("kind-control-plane")],
            minor_version: DEFAULT_MINOR_VERSION,
            extra_storage_classes: Vec::new(),
        }
    }
}

impl SimConfig {
    /// The default cluster with these node names instead (`#! nodes: kraken`).
    pub fn with_nodes(names: &[&str]) -> SimConfig {
        SimConfig {
            nodes: names.iter().map(|n| NodeConfig::named(n)).collect(),
            ..SimConfig::default()
        }
    }
}
