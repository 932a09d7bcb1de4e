//! The simulation engine: virtual clock, timed-event queue ordered by
//! `(time, seq)`, and the controllers' work queue (informers + workqueue).
//!
//! Store writes enqueue reconcile work; `advance` pops due timers in order and
//! drains the work queue at every instant, so controllers react to changes
//! immediately in virtual time while kubelet and provisioner delays come from
//! timers. Idle time costs O(timers). "Background" timers (retry loops, event
//! expiry) never keep [`Sim::run_until_idle`] alive.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, VecDeque};

use ordinal_model::Value;

use crate::apiserver::store::Store;
use crate::apiserver::watch::Watches;
use crate::config::SimConfig;
use crate::controller::endpoints::{MemoTable, Part};
use crate::kubelet::Kubelet;
use crate::limits;
use crate::rng::Rng;
use crate::timing;

/// A reconcile request for one controller and one key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Work {
    /// StatefulSet controller, key namespace/name.
    StatefulSet(String, String),
    /// Deployment controller, key namespace/name.
    Deployment(String, String),
    /// ReplicaSet controller, key namespace/name.
    ReplicaSet(String, String),
    /// DaemonSet controller, key namespace/name.
    DaemonSet(String, String),
    /// Scheduler: try to bind this pod.
    Schedule(String, String),
    /// Kubelet: sync this pod.
    Kubelet(String, String),
    /// PV controller and provisioner: sync this claim.
    Claim(String, String),
    /// PV controller: sync this volume.
    Volume(String),
    /// Garbage collector: dependents of this owner uid.
    Dependents(String),
    /// Namespace controller: empty a terminating namespace.
    Namespace(String),
    /// Node lifecycle controller: one `monitorNodeHealth` pass.
    NodeMonitor,
    /// A started node's kubelet comes up.
    NodeBoot(String),
    /// Kubelet: renew this node's Lease.
    LeaseRenew(String),
    /// kube-controller-manager and kube-scheduler: renew their leader Leases.
    LeaderElection,
    /// Kubelet: periodic status report of this node.
    NodeStatusReport(String),
    /// Node lifecycle controller: the rate-limited NoExecute tainting pass.
    NoExecuteTainting,
    /// Taint eviction controller: process (or evict) this pod.
    TaintEviction(String, String),
    /// Pod garbage collector: remove pods of deleted nodes.
    PodGc,
    /// Disruption controller: sync this PodDisruptionBudget's status.
    Disruption(String, String),
    /// Endpoints controller: sync the Endpoints of this Service.
    Endpoints(String, String),
    /// EndpointSlice controller: sync the EndpointSlices of this Service.
    EndpointSlices(String, String),
}

/// What a timer does when it fires.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Action {
    /// Enqueue reconcile work.
    Enqueue(Work),
    /// Drop a recorded event (by id) if its TTL passed.
    ExpireEvent(u64),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Timer {
    pub at: u64,
    pub seq: u64,
    pub action: Action,
}

/// The whole simulated cluster. Cheap enough to clone for snapshots.
#[derive(Debug, Clone)]
pub struct Sim {
    pub(crate) config: SimConfig,
    pub(crate) now: u64,
    pub(crate) seq: u64,
    pub(crate) rng: Rng,
    pub(crate) store: Store,
    /// Files and redis data inside pods and on volumes.
    pub(crate) volumes: crate::volumes::Volumes,
    pub(crate) watches: Watches,
    foreground: BinaryHeap<Reverse<Timer>>,
    background: BinaryHeap<Reverse<Timer>>,
    queue: VecDeque<Work>,
    /// Endpoint controller work, run once the rest of the instant's work is
    /// done: a burst of pod changes at one instant folds into one sync per
    /// Service, as the controllers' workqueues fold informer events.
    late: VecDeque<Work>,
    queued: BTreeSet<Work>,
    /// Work waiting on a timer, with the time it is due (folds repeated requests).
    delayed: BTreeMap<Work, u64>,
    pub(crate) kubelet: Kubelet,
    pub(crate) events: crate::events::EventIndex,
    /// Pods waiting for the scheduler (namespace, name).
    pub(crate) unscheduled: BTreeSet<(String, String)>,
    /// Claims being provisioned: (namespace, name) → time the volume is ready.
    pub(crate) provisioning: BTreeMap<(String, String), u64>,
    /// Pods without a controller reference (candidates for adoption).
    pub(crate) orphan_pods: BTreeSet<(String, String)>,
    /// The pod each StatefulSet's last sync stopped at (namespace, name).
    pub(crate) set_blockers: BTreeMap<(String, String), String>,
    /// Requests bound to each node: (pods, cpu millis, memory bytes).
    pub(crate) node_usage: BTreeMap<String, (i64, i64, i64)>,
    /// What the scheduler read from each stored node, in name order.
    pub(crate) node_facts: Vec<crate::scheduler::NodeFacts>,
    /// Node containers, node lifecycle and taint eviction state.
    pub(crate) nodes: crate::controller::nodelifecycle::NodeLifecycle,
    /// Trigger-time trackers of the Endpoints and EndpointSlice controllers.
    pub(crate) endpoint_triggers: crate::controller::endpoints::TriggerTracker,
    pub(crate) slice_triggers: crate::controller::endpoints::TriggerTracker,
    /// Per-pod entries the Endpoints and EndpointSlice controllers reuse.
    pub(crate) endpoint_memo: MemoTable<Vec<Part>>,
    pub(crate) slice_memo: MemoTable<(Vec<Value>, Value)>,
    /// Set while the EndpointSlice controller writes its own slices.
    pub(crate) writing_slices: bool,
    /// While a new cluster boots its addons, the only node that has joined
    /// (kind's workers join after the control plane): the scheduler sees no other.
    pub(crate) joined_node: Option<String>,
    /// Identities of the running leader-election candidates (empty while
    /// the control plane is down: the next start draws new ones).
    pub(crate) leader_identities: Vec<String>,
    /// The in-pod shell containers' commands and exec probes run in (the
    /// host's; see `kubelet::script`).
    pub(crate) shell: Option<crate::kubelet::script::ContainerShell>,
    /// Set by a StatefulSet, ReplicaSet, DaemonSet or Deployment sync that
    /// failed to create a pod, claim or ReplicaSet (the sync returns an
    /// error upstream).
    pub(crate) sync_failed: bool,
    /// Failures in a row of each work item, for the retry back-off.
    sync_failures: BTreeMap<Work, u64>,
}

impl Sim {
    pub(crate) fn empty(config: SimConfig) -> Sim {
        Sim {
            rng: Rng::new(config.seed),
            config,
            now: crate::clock::START_MS,
            seq: 0,
            store: Store::default(),
            volumes: Default::default(),
            watches: Watches::default(),
            foreground: BinaryHeap::new(),
            background: BinaryHeap::new(),
            queue: VecDeque::new(),
            late: VecDeque::new(),
            queued: BTreeSet::new(),
            delayed: BTreeMap::new(),
            kubelet: Kubelet::default(),
            events: Default::default(),
            unscheduled: BTreeSet::new(),
            provisioning: BTreeMap::new(),
            orphan_pods: BTreeSet::new(),
            node_usage: BTreeMap::new(),
            node_facts: Vec::new(),
            set_blockers: BTreeMap::new(),
            nodes: Default::default(),
            endpoint_triggers: BTreeMap::new(),
            slice_triggers: BTreeMap::new(),
            endpoint_memo: BTreeMap::new(),
            slice_memo: BTreeMap::new(),
            writing_slices: false,
            joined_node: None,
            leader_identities: Vec::new(),
            shell: None,
            sync_failed: false,
            sync_failures: BTreeMap::new(),
        }
    }

    /// The current virtual time in Unix milliseconds (starts at [`crate::clock::START_MS`]).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The configuration this cluster was built from.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Moves virtual time forward by `ms`, running every timer and reconcile
    /// due on the way, in `(time, seq)` order.
    pub fn advance(&mut self, ms: u64) {
        let target = self.now.saturating_add(ms.min(limits::MAX_ADVANCE_MS));
        self.settle();
        let mut fired = 0usize;
        while let Some(at) = self.earliest_timer() {
            if at > target || fired >= limits::MAX_EVENTS_PER_ADVANCE {
                break;
            }
            let Some(timer) = self.pop_timer() else { break };
            self.now = self.now.max(timer.at);
            self.fire(timer.action);
            let more_now = self.earliest_timer() == Some(self.now);
            self.drain(!more_now);
            fired += 1;
        }
        self.now = self.now.max(target);
        self.renew_leaders_lazily();
    }

    /// When the next foreground timer is due (now, if reconcile work is
    /// pending); `None` when the cluster is idle. Retry loops and event
    /// expiry are background and never reported here.
    pub fn next_event_at(&self) -> Option<u64> {
        if !self.queue.is_empty() || !self.late.is_empty() {
            return Some(self.now);
        }
        self.foreground.peek().map(|Reverse(t)| t.at)
    }

    /// Advances until no foreground timer is left or `max_ms` passed; returns
    /// the virtual milliseconds advanced.
    pub fn run_until_idle(&mut self, max_ms: u64) -> u64 {
        let start = self.now;
        let limit = start.saturating_add(max_ms);
        let mut stalled = 0;
        while let Some(at) = self.next_event_at() {
            if at > limit || stalled > 1 {
                break;
            }
            stalled = if at == self.now { stalled + 1 } else { 0 };
            self.advance(at.saturating_sub(self.now));
        }
        self.now - start
    }

    /// Schedules `action` at absolute time `at`; background timers do not
    /// count for [`Sim::next_event_at`].
    pub(crate) fn schedule_at(&mut self, at: u64, action: Action, background: bool) {
        self.seq += 1;
        let timer = Timer {
            at: at.max(self.now),
            seq: self.seq,
            action,
        };
        if background {
            self.background.push(Reverse(timer));
        } else {
            self.foreground.push(Reverse(timer));
        }
    }

    /// Enqueues `work` after `delay_ms` (0 = at this instant). Requests for
    /// work already due no later are folded into the pending one.
    pub(crate) fn enqueue_after(&mut self, work: Work, delay_ms: u64, background: bool) {
        if delay_ms == 0 {
            self.enqueue(work);
            return;
        }
        let at = self.now + delay_ms;
        if self.delayed.get(&work).is_some_and(|due| *due <= at) {
            return;
        }
        self.delayed.insert(work.clone(), at);
        self.schedule_at(at, Action::Enqueue(work), background);
    }

    /// Enqueues reconcile work at this instant (deduplicated).
    pub(crate) fn enqueue(&mut self, work: Work) {
        if self.queued.insert(work.clone()) {
            match work {
                Work::Endpoints(..) | Work::EndpointSlices(..) => self.late.push_back(work),
                _ => self.queue.push_back(work),
            }
        }
    }

    fn earliest_timer(&self) -> Option<u64> {
        let f = self.foreground.peek().map(|Reverse(t)| (t.at, t.seq));
        let b = self.background.peek().map(|Reverse(t)| (t.at, t.seq));
        match (f, b) {
            (Some(x), Some(y)) => Some(x.min(y).0),
            (x, y) => x.or(y).map(|p| p.0),
        }
    }

    fn pop_timer(&mut self) -> Option<Timer> {
        let f = self.foreground.peek().map(|Reverse(t)| (t.at, t.seq));
        let b = self.background.peek().map(|Reverse(t)| (t.at, t.seq));
        let from_foreground = match (f, b) {
            (Some(x), Some(y)) => x < y,
            (Some(_), None) => true,
            _ => false,
        };
        let heap = if from_foreground {
            &mut self.foreground
        } else {
            &mut self.background
        };
        heap.pop().map(|Reverse(t)| t)
    }

    fn fire(&mut self, action: Action) {
        match action {
            Action::Enqueue(work) => {
                if self.delayed.get(&work) == Some(&self.now) {
                    self.delayed.remove(&work);
                }
                self.enqueue(work)
            }
            Action::ExpireEvent(id) => self.expire_event(id),
        }
    }

    /// Drains the work queue at the current instant.
    pub(crate) fn settle(&mut self) {
        self.drain(true);
    }

    /// Runs queued work; the endpoint controllers' only with `with_late`
    /// (once no other timer is due at this instant).
    fn drain(&mut self, with_late: bool) {
        let mut done = 0usize;
        loop {
            let next = match self.queue.pop_front() {
                Some(work) => Some(work),
                None if with_late => self.late.pop_front(),
                None => None,
            };
            let Some(work) = next else { break };
            self.queued.remove(&work);
            self.reconcile(work);
            done += 1;
            if done >= limits::MAX_RECONCILES_PER_INSTANT {
                break;
            }
        }
    }

    /// After a sync: one that failed to create something is retried after
    /// the work queue's back-off for its item (`AddRateLimited`); one that
    /// did not forgets the item's failures (`Forget`). Retries are
    /// background timers, like the other retry loops.
    #[inline(never)]
    fn retry_if_failed(&mut self, work: Work) {
        if !std::mem::take(&mut self.sync_failed) {
            self.sync_failures.remove(&work);
            return;
        }
        let failures = self.sync_failures.get(&work).copied().unwrap_or(0);
        let delay = timing::SYNC_RETRY_BASE_MS
            .saturating_mul(1 << failures.min(30))
            .min(timing::SYNC_RETRY_MAX_MS);
        self.sync_failures.insert(work.clone(), failures + 1);
        self.enqueue_after(work, delay, true);
    }

    /// Hands one work item to its controller. Each controller's sync is
    /// `#[inline(never)]`: in the browser, V8 compiles a wasm function whole
    /// on its first call, so a dispatcher with every controller inlined into
    /// it (about 100 KB) would be compiled in full on the page's start-up.
    fn reconcile(&mut self, work: Work) {
        match work {
            Work::StatefulSet(ns, name) => {
                self.sync_stateful_set(&ns, &name);
                self.retry_if_failed(Work::StatefulSet(ns, name));
            }
            Work::Deployment(ns, name) => {
                self.sync_deployment(&ns, &name);
                self.retry_if_failed(Work::Deployment(ns, name));
            }
            Work::ReplicaSet(ns, name) => {
                self.sync_replica_set(&ns, &name);
                self.retry_if_failed(Work::ReplicaSet(ns, name));
            }
            Work::DaemonSet(ns, name) => {
                self.sync_daemon_set(&ns, &name);
                self.retry_if_failed(Work::DaemonSet(ns, name));
            }
            Work::Schedule(ns, name) => self.schedule_pod(&ns, &name),
            Work::Kubelet(ns, name) => self.sync_pod(&ns, &name),
            Work::Claim(ns, name) => self.sync_claim(&ns, &name),
            Work::Volume(name) => self.sync_volume(&name),
            Work::Dependents(uid) => self.collect_dependents(&uid),
            Work::Namespace(name) => self.sync_namespace(&name),
            Work::NodeMonitor => self.monitor_node_health(),
            Work::NoExecuteTainting => self.no_execute_tainting_pass(),
            Work::NodeBoot(name) => self.boot_node(&name),
            Work::LeaseRenew(name) => self.renew_node_lease(&name),
            Work::LeaderElection => self.leader_election_tick(),
            Work::NodeStatusReport(name) => self.report_node_status(&name),
            Work::TaintEviction(ns, name) => self.sync_taint_eviction(&ns, &name),
            Work::PodGc => self.gc_orphaned_pods(),
            Work::Disruption(ns, name) => self.sync_disruption_budget(&ns, &name),
            Work::Endpoints(ns, name) => self.sync_endpoints(&ns, &name),
            Work::EndpointSlices(ns, name) => self.sync_endpoint_slices(&ns, &name),
        }
    }
}
