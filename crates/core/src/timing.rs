//! Every delay of the simulated cluster, in virtual milliseconds.
//!
//! Real clusters are noisy; these values are chosen so that at 1× speed a
//! learner sees each phase (Pending, ContainerCreating, Running 0/1,
//! Terminating) for a moment, while a whole three-replica StatefulSet is Ready
//! within about ten seconds, roughly what a kind cluster on a laptop shows.
//! Upstream defaults (back-off, probe periods, event TTL) are kept exactly.

/// StatefulSet controller: delay between a pod change and the resync it
/// triggers (informer + workqueue latency; folds bursts of pod updates).
pub const STATEFULSET_RESYNC_MS: u64 = 50;
/// ReplicaSet controller: delay between a pod change and the resync it
/// triggers (informer + workqueue latency; folds bursts of pod updates).
pub const REPLICASET_RESYNC_MS: u64 = 50;
/// A StatefulSet, ReplicaSet or DaemonSet sync that failed to create a pod
/// (a Deployment's, its ReplicaSet) is retried after this, doubled for each
/// failure of the same object in a row
/// (`workqueue.DefaultControllerRateLimiter`'s per-item exponential
/// back-off, `AddRateLimited`), up to [`SYNC_RETRY_MAX_MS`].
pub const SYNC_RETRY_BASE_MS: u64 = 5;
/// The longest retry back-off (1000 s).
pub const SYNC_RETRY_MAX_MS: u64 = 1_000_000;
/// Deployment controller: a rollout that shows no progress is checked again
/// this long after its progress deadline (`requeueStuckDeployment` waits the
/// remaining time plus a second, and at least a second).
pub const DEPLOYMENT_DEADLINE_RECHECK_MS: u64 = 1_000;
/// From a namespace turning Terminating to the namespace controller's first
/// pass over its contents (discovery plus a list per resource upstream), so
/// a `kubectl delete -f` that names the namespace first still deletes the
/// objects after it itself, as against a real cluster.
pub const NAMESPACE_SYNC_MS: u64 = 500;
/// Scheduler: time from a pod becoming schedulable to its binding.
pub const SCHEDULE_DELAY_MS: u64 = 40;
/// Scheduler: retry interval for pods left unschedulable when nothing changes
/// (`podMaxInUnschedulablePodsDuration`, 5 minutes upstream).
pub const SCHEDULE_RETRY_MS: u64 = 300_000;
/// Kubelet: time from binding until the kubelet reports `ContainerCreating`.
pub const KUBELET_ADMIT_MS: u64 = 300;
/// Kubelet: pod sandbox creation (network, volumes) before image pulls begin.
pub const SANDBOX_CREATE_MS: u64 = 700;
/// Kubelet: fixed part of pulling an image that is not on the node yet.
pub const IMAGE_PULL_BASE_MS: u64 = 1_200;
/// Kubelet: pull time per MiB of image (≈ 40 MiB/s).
pub const IMAGE_PULL_MS_PER_MIB: u64 = 25;
/// Kubelet: random extra pull time, uniformly in `0..IMAGE_PULL_JITTER_MS`.
pub const IMAGE_PULL_JITTER_MS: u64 = 600;
/// Kubelet: time to notice a pull of an image that does not exist failed.
pub const IMAGE_PULL_FAIL_MS: u64 = 1_500;
/// Kubelet: creating a container once its image is present.
pub const CONTAINER_CREATE_MS: u64 = 150;
/// Kubelet: starting a created container.
pub const CONTAINER_START_MS: u64 = 100;
/// Kubelet: status report latency after a container changed state.
pub const STATUS_REPORT_MS: u64 = 200;
/// Kubelet: the pod lifecycle event generator relists containers every
/// second (`plegRelistPeriod`); probe workers first see a container running then.
pub const PLEG_RELIST_MS: u64 = 1_000;
/// App warm-up of images the simulator does not know: their server accepts
/// connections once the container has been running this long (well-known
/// images have their own warm-up in `kubelet/images.rs`).
pub const APP_WARMUP_MS: u64 = 2_000;
/// How long a container that exits by itself runs before exiting.
pub const SHORT_COMMAND_RUN_MS: u64 = 500;
/// The shortest step of a container's script: a shorter `sleep` (`sleep 0`)
/// still takes this long, so a loop of them cannot stall the clock.
pub const SCRIPT_STEP_MIN_MS: u64 = 10;
/// Time a well-behaved process (nginx, redis, ...) needs to exit after SIGTERM.
pub const PROMPT_EXIT_MS: u64 = 800;
/// Kubelet: time from all containers stopped to the pod object being removed.
pub const POD_CLEANUP_MS: u64 = 300;
/// Kubelet: the status manager writes every pod's status it has not written
/// yet on a ticker of this period (`syncPeriod`, 10s upstream); a mirror pod
/// posted again waits for the next tick to leave Pending.
pub const STATUS_SYNC_PERIOD_MS: u64 = 10_000;
/// Kubelet: a pod worker syncs its pod again this long after its last sync
/// (`--sync-frequency`, 1m upstream, stretched by up to half by jitter; the
/// lower bound here): when a static pod's mirror pod is found gone.
pub const POD_RESYNC_MS: u64 = 60_000;
/// Kubelet: first restart / pull back-off (`backOffPeriod`, 10s upstream).
pub const BACKOFF_INITIAL_MS: u64 = 10_000;
/// Kubelet: back-off cap (`MaxContainerBackOff`, 5 minutes upstream).
pub const BACKOFF_MAX_MS: u64 = 300_000;
/// Kubelet: running this long without a crash resets the back-off (10 minutes).
pub const BACKOFF_RESET_MS: u64 = 600_000;
/// Probe defaults of core/v1 (`periodSeconds` 10).
pub const PROBE_PERIOD_DEFAULT_S: i64 = 10;
/// Probe default `timeoutSeconds` (1).
pub const PROBE_TIMEOUT_DEFAULT_S: i64 = 1;
/// Probe default `failureThreshold`.
pub const PROBE_FAILURE_THRESHOLD_DEFAULT: i64 = 3;
/// Local-path provisioner: time to create a volume once a node is selected.
pub const PROVISION_MS: u64 = 1_500;
/// PV controller: time to bind a claim to a freshly provisioned volume.
pub const BIND_MS: u64 = 100;
/// PV controller resync period (15s upstream): repeats of waiting/failed events.
pub const PV_RESYNC_MS: u64 = 15_000;
/// Events expire this long after their last occurrence (`--event-ttl`, 1h).
pub const EVENT_TTL_MS: u64 = 3_600_000;
/// Event spam filter: a source regains one event about an object every
/// 5 minutes (client-go `defaultSpamQPS` 1/300).
pub const EVENT_SPAM_REFILL_MS: u64 = 300_000;
/// Event aggregator: similar events further apart than this start a new
/// group (`defaultAggregateIntervalInSeconds`, 10 minutes).
pub const EVENT_AGGREGATE_WINDOW_MS: u64 = 600_000;
/// Default `terminationGracePeriodSeconds`.
pub const DEFAULT_GRACE_SECONDS: i64 = 30;
/// How long the simulated cluster has existed when a simulation starts
/// (nodes and system namespaces show this AGE).
pub const CLUSTER_AGE_MS: u64 = 600_000;
/// How long a new cluster's addons (CoreDNS) run before the cluster is
/// handed over: their pods are Running and Ready, and past their liveness
/// probe's 60 s initial delay, so a new cluster has no pending work.
pub const ADDONS_BOOT_MS: u64 = 90_000;
/// How long after the control plane a new cluster's worker nodes join
/// (`kubeadm join` after `kubeadm init`): their DaemonSet pods start then.
pub const WORKERS_JOIN_MS: u64 = 20_000;
/// Node lifecycle controller: how often it checks node health
/// (`--node-monitor-period`, 5s upstream).
pub const NODE_MONITOR_PERIOD_MS: u64 = 5_000;
/// Node lifecycle controller: how long a kubelet may stay silent before its
/// node's conditions become Unknown (`--node-monitor-grace-period`, 50s
/// upstream since v1.32).
pub const NODE_MONITOR_GRACE_MS: u64 = 50_000;
/// Node lifecycle controller: at most one node gets its NoExecute taint
/// per this interval in a healthy zone (`--node-eviction-rate` 0.1 per
/// second, burst 1).
pub const NO_EXECUTE_TAINT_INTERVAL_MS: u64 = 10_000;
/// Kubelet: how often it renews its node Lease (`nodeLeaseRenewIntervalFraction`
/// 0.25 of the 40s lease duration upstream).
pub const NODE_LEASE_RENEW_MS: u64 = 10_000;
/// kube-controller-manager and kube-scheduler: how often the leader renews
/// its Lease (`leaderElection.retryPeriod`, 2s upstream).
pub const LEADER_RENEW_MS: u64 = 2_000;
/// Kubelet: how often it posts its node status when nothing changed
/// (`nodeStatusReportFrequency`, 5 minutes upstream).
pub const NODE_STATUS_REPORT_MS: u64 = 300_000;
/// From `docker start` of a kind node until its kubelet posts Ready
/// (systemd, containerd and the kubelet starting in the node container).
pub const NODE_BOOT_MS: u64 = 5_000;
/// Disruption controller: an evicted pod listed in a budget's
/// `status.disruptedPods` that is still not being deleted this long after
/// its eviction counts again (`DeletionTimeout`, 2 minutes upstream).
pub const PDB_DELETION_TIMEOUT_MS: u64 = 120_000;
/// Pod garbage collector: period of its passes (`gcCheckPeriod`, 20s upstream).
pub const POD_GC_PERIOD_MS: u64 = 20_000;
/// Pod garbage collector: how long a Node must stay deleted before the pods
/// bound to it are removed (`quarantineTime`, 40s upstream).
pub const POD_GC_QUARANTINE_MS: u64 = 40_000;
