//! Named limits on everything a user can grow. Exceeding one is an
//! [`ApiError`](crate::ApiError) (or a documented cut-off), never a panic or hang.

/// Objects of one resource (pods, PVCs, ...) across all namespaces.
pub const MAX_OBJECTS_PER_RESOURCE: usize = 20_000;
/// `spec.replicas` of one StatefulSet, Deployment or ReplicaSet.
pub const MAX_REPLICAS: i64 = 1_000;
/// Events kept in the store; the oldest are dropped beyond this.
pub const MAX_EVENTS: usize = 10_000;
/// Keys the event correlator remembers for its spam filter and its
/// aggregator each; the least recently used is forgotten beyond this
/// (client-go `maxLruCacheEntries`).
pub const MAX_EVENT_CORRELATION_KEYS: usize = 4_096;
/// `spec.revisionHistoryLimit` honoured at most (larger values are capped).
pub const MAX_REVISION_HISTORY: i64 = 100;
/// Nodes in one simulated cluster.
pub const MAX_NODES: usize = 64;
/// Namespaces.
pub const MAX_NAMESPACES: usize = 100;
/// Open watches.
pub const MAX_WATCHES: usize = 256;
/// Undelivered events buffered per watch; older ones are dropped.
pub const MAX_WATCH_BUFFER: usize = 200_000;
/// Controller reconciles processed at one virtual instant before time moves on
/// (protects against a feedback loop between controllers).
pub const MAX_RECONCILES_PER_INSTANT: usize = 500_000;
/// Timed events processed by one `advance` call before it gives up.
pub const MAX_EVENTS_PER_ADVANCE: usize = 20_000_000;
/// Length of a simulation step: `advance` refuses more than this at once.
pub const MAX_ADVANCE_MS: u64 = 366 * 86_400_000;
/// Distinct system manifests (per node name, address and version) kept
/// parsed for the next cluster built with them.
pub const MAX_PARSED_MANIFESTS: usize = 8;
/// Pods one ReplicaSet sync creates or deletes at most (`BurstReplicas`, 500 upstream).
pub const MAX_REPLICASET_BURST: usize = 500;
/// Characters of `deployment.kubernetes.io/revision-history` kept
/// (`maxRevHistoryLengthInChars`, 2000 upstream).
pub const MAX_REVISION_HISTORY_CHARS: usize = 2_000;
/// Files one volume (or a container's own filesystem) holds.
pub const MAX_FILES_PER_VOLUME: usize = 1024;
/// Lines one container instance's log keeps (the oldest go first).
pub const MAX_CONTAINER_LOG_LINES: usize = 5_000;
/// Rounds a shell loop in a pod runs at one virtual instant (a loop without
/// `sleep` stops there; in a container's script it runs on as its process).
pub const MAX_LOOP_ROUNDS: usize = 1_000;
/// Bytes of one file inside a pod.
pub const MAX_POD_FILE_BYTES: usize = 1 << 20;
