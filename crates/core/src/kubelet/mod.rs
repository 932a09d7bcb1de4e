//! The kubelet of every node: admits bound pods, creates the sandbox (pod IP
//! from the node's CIDR; a hostNetwork pod has the node's InternalIP and
//! takes no address from the CIDR), runs the init containers one by one to a
//! successful exit (an init command the shell does not model exits 0), then
//! pulls images, creates and starts containers in order, evaluates readiness, restarts exiting containers with back-off,
//! and terminates pods gracefully. Containers' commands run on the
//! timeline through the host's in-pod shell (`script.rs`). Status and events follow
//! pkg/kubelet/kubelet_pods.go (`generateAPIPodStatus`, `getPhase`),
//! pkg/kubelet/kuberuntime/kuberuntime_container.go and
//! pkg/kubelet/images/image_manager.go (v1.36 texts).

pub mod heartbeat;
pub mod images;
mod mirror;
mod probes;
pub mod script;
mod status;
pub mod web;

use probes::{ProbeState, Step};

use std::collections::{BTreeMap, BTreeSet};

use ordinal_model::Value;

use crate::clock::go_duration;
use crate::events::{Source, NORMAL, WARNING};
use crate::resources;
use crate::sim::{Sim, Work};
use crate::timing;

/// Where a container is in its life.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stage {
    /// Not started yet (ContainerCreating).
    Waiting,
    /// Pulling until `done_at`.
    Pulling { done_at: u64, ok: bool, began: u64 },
    /// Pull failed; `backoff` shown after `shown_at`, retry at `retry_at`.
    PullBackOff {
        shown_at: u64,
        retry_at: u64,
        announced: bool,
    },
    /// Created at `created_at`, starts at `start_at`.
    Creating { created_at: u64, start_at: u64 },
    /// Running since `since`.
    Running { since: u64 },
    /// Killed after failing a liveness or startup probe; exits at `exit_at`.
    Killing {
        started: u64,
        exit_at: u64,
        code: i64,
    },
    /// Exited; CrashLoopBackOff shown from `shown_at`, restarts at `restart_at`.
    Exited {
        started: u64,
        at: u64,
        code: i64,
        shown_at: u64,
        restart_at: u64,
        announced: bool,
    },
    /// Exited and not restarted (restartPolicy `Never`, or `OnFailure`
    /// after a success).
    Done { started: u64, at: u64, code: i64 },
    /// Stopped during pod termination.
    Stopped { started: u64, at: u64, code: i64 },
}

/// One container's runtime state.
#[derive(Debug, Clone)]
pub(crate) struct Container {
    pub name: String,
    /// An init container (`spec.initContainers`): runs to completion, in
    /// order, before the pod's containers start.
    pub init: bool,
    pub image: String,
    pub stage: Stage,
    pub restarts: i64,
    pub backoff_ms: u64,
    pub container_id: String,
    pub last: Option<(u64, u64, i64)>,
    /// The last instance died with its node (reason `Unknown`, exit 255).
    pub last_unknown: bool,
    pub pulled_once: bool,
    /// Probe results of the running instance.
    pub probes: Option<ProbeState>,
    /// What the running (or last) instance printed, with the time of each
    /// line, and the instance before it (`kubectl logs --previous`).
    pub log: Vec<(u64, String)>,
    pub previous_log: Vec<(u64, String)>,
    /// The rest of the instance's command and when it runs (after a `sleep`).
    pub script: Option<(u64, Vec<String>)>,
    /// When the instance's command ran to its end, and its exit status.
    pub script_end: Option<(u64, i64)>,
}

/// One pod's runtime state on its node.
#[derive(Debug, Clone)]
pub(crate) struct PodRuntime {
    pub uid: String,
    pub node: String,
    pub admitted_at: u64,
    pub ip: Option<String>,
    pub containers: Vec<Container>,
    pub stop_deadline: Option<u64>,
    pub stopped_at: Option<u64>,
    /// When the node died under the pod (its sandbox and containers with it).
    pub dead_at: Option<u64>,
    /// When the kubelet began re-creating a sandbox that died with its node.
    pub sandbox_from: Option<u64>,
    /// A static pod's mirror pod posted again: when the status manager's
    /// next tick writes its status, and the status it has cached (the old
    /// mirror pod's, so the conditions keep their transition times).
    pub mirror_status: Option<(u64, Value)>,
    /// A static pod whose mirror pod is gone: when its next sync posts it again.
    pub mirror_due: Option<u64>,
}

impl PodRuntime {
    /// When the kubelet's first sync of the pod created its probe workers
    /// (`probeManager.AddPod`, before the sandbox), or re-created them after
    /// its node came back.
    fn probe_origin(&self) -> u64 {
        self.sandbox_from
            .unwrap_or(self.admitted_at + timing::KUBELET_ADMIT_MS)
    }
}

/// State of all kubelets that the API does not show.
#[derive(Debug, Clone, Default)]
pub(crate) struct Kubelet {
    pods: BTreeMap<(String, String), PodRuntime>,
    images: BTreeSet<(String, String)>,
    /// usize, not a narrower type: one `BTreeMap` instantiation less in the page.
    next_ip: BTreeMap<String, usize>,
    live_ips: BTreeSet<String>,
    /// The static pods of every node (as their mirror pods are posted), by
    /// (namespace, mirror pod name).
    static_pods: BTreeMap<(String, String), Value>,
}

impl PodRuntime {
    /// True when every container is done for good: the pod's phase is
    /// Succeeded or Failed and nothing of it runs again.
    pub(crate) fn terminal(&self) -> bool {
        let mut main = self.containers.iter().filter(|c| !c.init).peekable();
        self.init_failed()
            || (main.peek().is_some() && main.all(|c| matches!(c.stage, Stage::Done { .. })))
    }

    /// An init container failed for good (restartPolicy `Never`): the pod
    /// fails without starting its containers (getPhase).
    pub(crate) fn init_failed(&self) -> bool {
        self.containers
            .iter()
            .any(|c| c.init && matches!(c.stage, Stage::Done { code, .. } if code != 0))
    }
}

/// The spec of runtime container `i`: the pod's containers come first, then
/// its init containers (so a container's index is its place in
/// `spec.containers`).
pub(crate) fn container_spec(pod: &Value, i: usize) -> Option<&Value> {
    let main = pod.array_at(&["spec", "containers"]);
    match main.get(i) {
        Some(spec) => Some(spec),
        None => pod
            .array_at(&["spec", "initContainers"])
            .get(i - main.len()),
    }
}

fn source(node: &str) -> Source<'_> {
    Source {
        component: "kubelet",
        host: node,
    }
}

impl Sim {
    fn node_index(&self, node: &str) -> usize {
        self.config
            .nodes
            .iter()
            .position(|n| n.name == node)
            .unwrap_or(0)
    }

    /// The node's first address (its InternalIP), empty if it has none.
    pub(crate) fn node_address(&self, node: &str) -> String {
        self.store
            .get("nodes", "", node)
            .and_then(|n| {
                n.array_at(&["status", "addresses"])
                    .first()
                    .map(|a| a.str_at(&["address"]).to_string())
            })
            .unwrap_or_default()
    }

    fn allocate_ip(&mut self, node: &str) -> String {
        let index = self.node_index(node);
        for _ in 0..254 {
            let next = self.kubelet.next_ip.entry(node.to_string()).or_insert(2);
            let host = *next;
            *next = if *next >= 254 { 2 } else { *next + 1 };
            let ip = format!("10.244.{index}.{host}");
            if self.kubelet.live_ips.insert(ip.clone()) {
                return ip;
            }
        }
        format!("10.244.{index}.255")
    }

    fn container_event(
        &mut self,
        pod: &Value,
        container: &str,
        event_type: &str,
        reason: &str,
        message: &str,
        node: &str,
    ) {
        let init = pod
            .array_at(&["spec", "initContainers"])
            .iter()
            .any(|c| c.str_at(&["name"]) == container);
        let list = if init { "initContainers" } else { "containers" };
        let path = format!("spec.{list}{{{container}}}");
        self.record_event(pod, &path, event_type, reason, message, source(node));
    }

    /// Puts `images` in every node's image store (kind's node image ships them).
    pub(crate) fn preload_images(&mut self, images: &[&str]) {
        for node in &self.config.nodes {
            for image in images {
                self.kubelet
                    .images
                    .insert((node.name.clone(), image.to_string()));
            }
        }
    }

    /// Syncs one pod on its node (`syncPod`), then reports status.
    #[inline(never)]
    pub(crate) fn sync_pod(&mut self, ns: &str, name: &str) {
        let key = (ns.to_string(), name.to_string());
        let Some(pod) = self.store.shared("pods", ns, name).cloned() else {
            if self.mirror_pod_gone(&key) {
                return;
            }
            if let Some(rt) = self.kubelet.pods.remove(&key) {
                if let Some(ip) = rt.ip {
                    self.kubelet.live_ips.remove(&ip);
                }
            }
            return;
        };
        let node = pod.str_at(&["spec", "nodeName"]).to_string();
        if node.is_empty() || !self.kubelet_up(&node) {
            return;
        }
        if self.replace_deleted_mirror_pod(&pod, &key) {
            return;
        }
        let uid = pod.str_at(&["metadata", "uid"]).to_string();
        let mut rt = match self.kubelet.pods.remove(&key) {
            Some(rt) if rt.uid == uid => rt,
            stale => {
                if let Some(ip) = stale.and_then(|rt| rt.ip) {
                    self.kubelet.live_ips.remove(&ip);
                }
                let main = pod.array_at(&["spec", "containers"]).iter();
                let init = pod.array_at(&["spec", "initContainers"]).iter();
                let containers = main
                    .map(|c| (c, false))
                    .chain(init.map(|c| (c, true)))
                    .map(|(c, init)| Container {
                        name: c.str_at(&["name"]).to_string(),
                        init,
                        image: c.str_at(&["image"]).to_string(),
                        stage: Stage::Waiting,
                        restarts: 0,
                        backoff_ms: 0,
                        container_id: String::new(),
                        last: None,
                        last_unknown: false,
                        pulled_once: false,
                        probes: None,
                        log: Vec::new(),
                        previous_log: Vec::new(),
                        script: None,
                        script_end: None,
                    })
                    .collect();
                PodRuntime {
                    uid,
                    node: node.clone(),
                    admitted_at: self.now,
                    ip: None,
                    containers,
                    stop_deadline: None,
                    stopped_at: None,
                    dead_at: None,
                    sandbox_from: None,
                    mirror_status: None,
                    mirror_due: None,
                }
            }
        };
        if let Some(dead_at) = rt.dead_at.take() {
            self.recover_pod(&pod, &mut rt, dead_at);
        }
        let wake = self.advance_pod(&pod, &mut rt);
        let removed = self.finish_if_stopped(&pod, &rt);
        if removed {
            if let Some(ip) = &rt.ip {
                self.kubelet.live_ips.remove(ip);
            }
            return;
        }
        let status = match &rt.mirror_status {
            Some((_, cached)) => {
                let mut known = Value::clone(&pod);
                known.set(&["status"], cached.clone());
                self.pod_status(&known, &rt)
            }
            None => self.pod_status(&pod, &rt),
        };
        let held = rt
            .mirror_status
            .as_ref()
            .map(|(at, _)| *at)
            .filter(|at| *at > self.now);
        if held.is_none() {
            rt.mirror_status = None;
        }
        self.kubelet.pods.insert(key, rt);
        if held.is_none() && pod.get("status") != Some(&status) {
            let mut updated = Value::clone(&pod);
            updated.set(&["status"], status);
            self.write_status("pods", updated);
        }
        let wake = earliest(wake, held.map(|at| (at, false)));
        if let Some((at, background)) = wake {
            self.schedule_at(
                at,
                crate::sim::Action::Enqueue(Work::Kubelet(ns.to_string(), name.to_string())),
                background,
            );
        }
    }

    /// The node's container stopped: every sandbox and container on it is
    /// gone, which its kubelet finds out when it comes back.
    pub(crate) fn kill_node_runtime(&mut self, node: &str) {
        let now = self.now;
        for rt in self.kubelet.pods.values_mut() {
            if rt.node == node && rt.dead_at.is_none() {
                rt.dead_at = Some(now);
            }
        }
    }

    /// A kubelet back after its node stopped (kuberuntime `SyncPod` finding
    /// the sandbox gone): a pod being deleted has nothing left to stop; any
    /// other gets a new sandbox and its containers start again, counting a
    /// restart with the dead instance as last state (`Unknown`, 255).
    fn recover_pod(&mut self, pod: &Value, rt: &mut PodRuntime, dead_at: u64) {
        let now = self.now;
        if !pod.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            rt.stop_deadline = Some(now);
            for c in &mut rt.containers {
                let started = match c.stage {
                    Stage::Running { since } => since,
                    Stage::Killing { started, .. } | Stage::Stopped { started, .. } => started,
                    _ => 0,
                };
                c.stage = Stage::Stopped {
                    started,
                    at: now,
                    code: 255,
                };
            }
            return;
        }
        if rt.ip.is_none() && rt.containers.iter().all(|c| c.container_id.is_empty()) {
            return;
        }
        if rt.terminal() {
            return;
        }
        self.record_event(
            pod,
            "",
            NORMAL,
            "SandboxChanged",
            "Pod sandbox changed, it will be killed and re-created.",
            source(&rt.node),
        );
        if let Some(ip) = rt.ip.take() {
            self.kubelet.live_ips.remove(&ip);
        }
        rt.sandbox_from = Some(now);
        // A new sandbox runs the init containers again (kuberuntime
        // computePodActions), so they count a restart too.
        for c in &mut rt.containers {
            if matches!(c.stage, Stage::Done { .. }) && !c.init {
                continue;
            }
            let last = match c.stage {
                Stage::Running { since } | Stage::Killing { started: since, .. } => {
                    Some((since, dead_at, 255, true))
                }
                Stage::Done {
                    started, at, code, ..
                } => Some((started, at, code, false)),
                Stage::Exited {
                    started, at, code, ..
                } => Some((started, at, code, false)),
                _ => None,
            };
            if let Some((started, at, code, unknown)) = last {
                c.restarts += 1;
                c.last = Some((started, at, code));
                c.last_unknown = unknown;
            }
            c.container_id.clear();
            c.probes = None;
            c.stage = Stage::Waiting;
        }
    }

    fn finish_if_stopped(&mut self, pod: &Value, rt: &PodRuntime) -> bool {
        let Some(stopped) = rt.stopped_at else {
            return false;
        };
        if self.now < stopped + timing::POD_CLEANUP_MS {
            return false;
        }
        let ns = pod.str_at(&["metadata", "namespace"]);
        let name = pod.str_at(&["metadata", "name"]);
        let key = (ns.to_string(), name.to_string());
        self.kubelet.pods.remove(&key);
        if let Some(info) = resources::by_plural("pods") {
            self.erase(info, ns, name);
        }
        true
    }

    /// Runs every transition due by now; returns the next wake-up (time, background).
    fn advance_pod(&mut self, pod: &Value, rt: &mut PodRuntime) -> Option<(u64, bool)> {
        let node = rt.node.clone();
        let now = self.now;
        if !pod.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            return self.advance_termination(pod, rt, &node);
        }
        let sandbox_at = match rt.sandbox_from {
            Some(from) => from + timing::SANDBOX_CREATE_MS,
            None => {
                let report_at = rt.admitted_at + timing::KUBELET_ADMIT_MS;
                if now < report_at {
                    return Some((report_at, false));
                }
                report_at + timing::SANDBOX_CREATE_MS
            }
        };
        if now < sandbox_at {
            return Some((sandbox_at, false));
        }
        if rt.ip.is_none() {
            let host_network = pod.at(&["spec", "hostNetwork"]).and_then(Value::as_bool);
            rt.ip = Some(if host_network == Some(true) {
                self.node_address(&node)
            } else {
                self.allocate_ip(&node)
            });
        }
        let specs = pod.array_at(&["spec", "containers"]);
        // Init containers first, one at a time, each to a successful exit
        // (a restartable "sidecar" one only to its start), as kuberuntime's
        // computeInitContainerActions does.
        for i in specs.len()..rt.containers.len() {
            let Some(spec) = container_spec(pod, i) else {
                break;
            };
            let sidecar = spec.str_at(&["restartPolicy"]) == "Always";
            let wake = self.advance_container(pod, rt, i, spec, &node);
            match rt.containers[i].stage {
                Stage::Done { code: 0, .. } => continue,
                Stage::Running { .. } if sidecar => continue,
                _ => return wake,
            }
        }
        let mut wake: Option<(u64, bool)> = None;
        let mut previous_started = true;
        for (i, spec) in specs.iter().enumerate() {
            if i >= rt.containers.len() {
                break;
            }
            if !previous_started {
                break;
            }
            let next = self.advance_container(pod, rt, i, spec, &node);
            wake = earliest(wake, next);
            previous_started = matches!(
                rt.containers[i].stage,
                Stage::Running { .. }
                    | Stage::Killing { .. }
                    | Stage::Exited { .. }
                    | Stage::Done { .. }
            );
        }
        wake
    }

    fn advance_container(
        &mut self,
        pod: &Value,
        rt: &mut PodRuntime,
        i: usize,
        spec: &Value,
        node: &str,
    ) -> Option<(u64, bool)> {
        let now = self.now;
        loop {
            let c = &rt.containers[i];
            let (name, image) = (c.name.clone(), c.image.clone());
            match c.stage.clone() {
                Stage::Waiting => {
                    let policy = images::pull_policy(spec);
                    let cached = self
                        .kubelet
                        .images
                        .contains(&(node.to_string(), image.clone()));
                    if policy == "Never" || (policy == "IfNotPresent" && cached) {
                        let msg = format!("Container image \"{image}\" already present on machine and can be accessed by the pod");
                        self.container_event(pod, &name, NORMAL, "Pulled", &msg, node);
                        rt.containers[i].stage = Stage::Creating {
                            created_at: now + timing::CONTAINER_CREATE_MS,
                            start_at: now
                                + timing::CONTAINER_CREATE_MS
                                + timing::CONTAINER_START_MS,
                        };
                        continue;
                    }
                    self.container_event(
                        pod,
                        &name,
                        NORMAL,
                        "Pulling",
                        &format!("Pulling image \"{image}\""),
                        node,
                    );
                    let ok = images::exists(&image);
                    let took = if ok {
                        images::pull_ms(&image) + self.rng.below(timing::IMAGE_PULL_JITTER_MS)
                    } else {
                        timing::IMAGE_PULL_FAIL_MS
                    };
                    rt.containers[i].stage = Stage::Pulling {
                        done_at: now + took,
                        ok,
                        began: now,
                    };
                }
                Stage::Pulling { done_at, ok, began } => {
                    if now < done_at {
                        return Some((done_at, !ok && rt.containers[i].pulled_once));
                    }
                    if ok {
                        self.kubelet
                            .images
                            .insert((node.to_string(), image.clone()));
                        let took = go_duration(done_at - began);
                        let msg = format!("Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: {} bytes.", images::size_bytes(&image));
                        self.container_event(pod, &name, NORMAL, "Pulled", &msg, node);
                        rt.containers[i].stage = Stage::Creating {
                            created_at: done_at + timing::CONTAINER_CREATE_MS,
                            start_at: done_at
                                + timing::CONTAINER_CREATE_MS
                                + timing::CONTAINER_START_MS,
                        };
                    } else {
                        let q = images::qualified(&image);
                        let msg = format!("Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{q}\": failed to resolve reference \"{q}\": {q}: not found");
                        self.container_event(pod, &name, WARNING, "Failed", &msg, node);
                        self.container_event(
                            pod,
                            &name,
                            WARNING,
                            "Failed",
                            "Error: ErrImagePull",
                            node,
                        );
                        let c = &mut rt.containers[i];
                        c.pulled_once = true;
                        c.backoff_ms = next_backoff(c.backoff_ms);
                        let shown = done_at + timing::STATUS_REPORT_MS * 5;
                        c.stage = Stage::PullBackOff {
                            shown_at: shown,
                            retry_at: done_at + c.backoff_ms,
                            announced: false,
                        };
                    }
                }
                Stage::PullBackOff {
                    shown_at,
                    retry_at,
                    announced,
                } => {
                    if now < shown_at {
                        return Some((shown_at, true));
                    }
                    if !announced {
                        rt.containers[i].stage = Stage::PullBackOff {
                            shown_at,
                            retry_at,
                            announced: true,
                        };
                        self.container_event(
                            pod,
                            &name,
                            NORMAL,
                            "BackOff",
                            &format!("Back-off pulling image \"{image}\""),
                            node,
                        );
                        self.container_event(
                            pod,
                            &name,
                            WARNING,
                            "Failed",
                            "Error: ImagePullBackOff",
                            node,
                        );
                    }
                    if now < retry_at {
                        return Some((retry_at, true));
                    }
                    rt.containers[i].stage = Stage::Waiting;
                }
                Stage::Creating {
                    created_at,
                    start_at,
                } => {
                    if now < created_at {
                        return Some((created_at, false));
                    }
                    if rt.containers[i].container_id.is_empty() {
                        rt.containers[i].container_id = format!(
                            "containerd://{}",
                            images::digest(&format!("{}{}", self.rng.next_u64(), name))
                                .trim_start_matches("sha256:")
                        );
                        self.container_event(
                            pod,
                            &name,
                            NORMAL,
                            "Created",
                            "Container created",
                            node,
                        );
                    }
                    if now < start_at {
                        return Some((start_at, false));
                    }
                    self.container_event(pod, &name, NORMAL, "Started", "Container started", node);
                    rt.containers[i].stage = Stage::Running { since: start_at };
                    rt.containers[i].probes =
                        Some(ProbeState::new(spec, start_at, rt.probe_origin()));
                    self.start_script(pod, rt, i, start_at);
                }
                Stage::Running { since } => {
                    let process_exit = images::process(spec).exits;
                    // The steps of a process that does not end by itself (a
                    // loop) change nothing the API shows: they do not keep
                    // the cluster busy.
                    let script_wake = self
                        .step_script(pod, rt, i)
                        .map(|at| (at, process_exit.is_none()));
                    let script_end = rt.containers[i].script_end;
                    let exit = match process_exit {
                        Some((run, code)) => Some((since + run, script_end.map_or(code, |e| e.1))),
                        None => {
                            script_end.map(|(at, code)| (at + timing::SHORT_COMMAND_RUN_MS, code))
                        }
                    };
                    // An init container whose command the simulator does not
                    // model (or that has none) finishes, successfully.
                    let c = &rt.containers[i];
                    let exit = exit.or_else(|| {
                        (c.init && c.script.is_none())
                            .then_some((since + timing::SHORT_COMMAND_RUN_MS, 0))
                    });
                    let ip = rt.ip.clone().unwrap_or_default();
                    let mut probes = rt.containers[i]
                        .probes
                        .take()
                        .unwrap_or_else(|| ProbeState::new(spec, since, rt.probe_origin()));
                    let step = self.step_probes(
                        pod,
                        spec,
                        &mut probes,
                        since,
                        exit.map(|e| e.0),
                        &ip,
                        node,
                    );
                    rt.containers[i].probes = Some(probes);
                    let probe_wake = match step {
                        Step::Kill(kind, at) => {
                            self.kill_unhealthy(pod, rt, i, spec, kind, at, node);
                            continue;
                        }
                        Step::Next(wake) => earliest(wake, script_wake),
                    };
                    let Some((at, code)) = exit else {
                        return probe_wake;
                    };
                    if now < at {
                        return earliest(probe_wake, Some((at, false)));
                    }
                    Self::container_exited(&mut rt.containers[i], since, at, code, pod);
                }
                Stage::Killing {
                    started,
                    exit_at,
                    code,
                } => {
                    if now < exit_at {
                        return Some((exit_at, false));
                    }
                    Self::container_exited(&mut rt.containers[i], started, exit_at, code, pod);
                }
                Stage::Exited {
                    started,
                    at,
                    code,
                    shown_at,
                    restart_at,
                    announced,
                } => {
                    if now < shown_at.min(restart_at) {
                        return Some((shown_at.min(restart_at), true));
                    }
                    if !announced && restart_at > shown_at {
                        rt.containers[i].stage = Stage::Exited {
                            started,
                            at,
                            code,
                            shown_at,
                            restart_at,
                            announced: true,
                        };
                        let msg = format!(
                            "Back-off restarting failed container {name} in pod {}_{}({})",
                            pod.str_at(&["metadata", "name"]),
                            pod.str_at(&["metadata", "namespace"]),
                            pod.str_at(&["metadata", "uid"])
                        );
                        self.container_event(pod, &name, WARNING, "BackOff", &msg, node);
                    }
                    if now < restart_at {
                        return Some((restart_at, true));
                    }
                    let c = &mut rt.containers[i];
                    c.restarts += 1;
                    c.last = Some((started, at, code));
                    c.last_unknown = false;
                    c.container_id.clear();
                    c.stage = Stage::Waiting;
                }
                Stage::Stopped { .. } | Stage::Done { .. } => return None,
            }
        }
    }

    /// A container's process ended at `at` with `code`: done for good when
    /// the pod's restartPolicy says so (`Never`; `OnFailure` after exit 0,
    /// kuberuntime `ShouldContainerBeRestarted`), else CrashLoopBackOff
    /// bookkeeping and the time of the restart.
    fn container_exited(c: &mut Container, started: u64, at: u64, code: i64, pod: &Value) {
        let restart = match pod.str_at(&["spec", "restartPolicy"]) {
            "Never" => false,
            "OnFailure" => code != 0,
            // An init container that succeeded is done for good.
            _ => !c.init || code != 0,
        };
        if !restart {
            c.stage = Stage::Done { started, at, code };
            c.probes = None;
            return;
        }
        let delay = if c.restarts == 0 && c.backoff_ms == 0 {
            timing::STATUS_REPORT_MS * 5
        } else {
            next_backoff(c.backoff_ms)
        };
        if started.saturating_sub(c.last.map_or(0, |l| l.1)) >= timing::BACKOFF_RESET_MS
            && c.restarts > 0
        {
            c.backoff_ms = 0;
        }
        c.backoff_ms = if c.restarts == 0 && c.backoff_ms == 0 {
            0
        } else {
            delay
        };
        let restart_at = at + delay.max(timing::STATUS_REPORT_MS);
        c.stage = Stage::Exited {
            started,
            at,
            code,
            shown_at: at + timing::STATUS_REPORT_MS * 5,
            restart_at,
            announced: false,
        };
        if c.backoff_ms == 0 {
            c.backoff_ms = timing::BACKOFF_INITIAL_MS / 2;
        }
        c.probes = None;
    }

    /// A liveness or startup probe reached its failure threshold at `at`:
    /// `Killing`, then the container stops as on SIGTERM (worker.go, kuberuntime).
    #[allow(clippy::too_many_arguments)]
    fn kill_unhealthy(
        &mut self,
        pod: &Value,
        rt: &mut PodRuntime,
        i: usize,
        spec: &Value,
        kind: probes::ProbeKind,
        at: u64,
        node: &str,
    ) {
        let name = rt.containers[i].name.clone();
        let msg = format!(
            "Container {name} failed {} probe, will be restarted",
            kind.lower()
        );
        self.container_event(pod, &name, NORMAL, "Killing", &msg, node);
        let grace_s = spec
            .i64_at(&[kind.field(), "terminationGracePeriodSeconds"])
            .or_else(|| pod.i64_at(&["spec", "terminationGracePeriodSeconds"]))
            .unwrap_or(timing::DEFAULT_GRACE_SECONDS);
        let grace_ms = grace_s.max(0) as u64 * 1000;
        let (exit_at, code) = if images::process(spec).ignores_sigterm {
            (at + grace_ms, 137)
        } else {
            (at + timing::PROMPT_EXIT_MS.min(grace_ms), 0)
        };
        let c = &mut rt.containers[i];
        let started = match c.stage {
            Stage::Running { since } => since,
            _ => at,
        };
        c.stage = Stage::Killing {
            started,
            exit_at,
            code,
        };
    }

    fn advance_termination(
        &mut self,
        pod: &Value,
        rt: &mut PodRuntime,
        node: &str,
    ) -> Option<(u64, bool)> {
        let now = self.now;
        let grace_ms = pod
            .i64_at(&["metadata", "deletionGracePeriodSeconds"])
            .unwrap_or(30)
            .max(0) as u64
            * 1000;
        if rt.stop_deadline.is_none() {
            rt.stop_deadline = Some(now + grace_ms);
            for i in 0..rt.containers.len() {
                let Some(spec) = container_spec(pod, i) else {
                    continue;
                };
                let c = rt.containers[i].clone();
                let started = match c.stage {
                    Stage::Running { since } => since,
                    Stage::Done { started, at, code } => {
                        rt.containers[i].stage = Stage::Stopped { started, at, code };
                        continue;
                    }
                    _ => {
                        rt.containers[i].stage = Stage::Stopped {
                            started: 0,
                            at: now,
                            code: 0,
                        };
                        continue;
                    }
                };
                self.container_event(
                    pod,
                    &c.name,
                    NORMAL,
                    "Killing",
                    &format!("Stopping container {}", c.name),
                    node,
                );
                let process = images::process(spec);
                let (at, code) = if process.ignores_sigterm {
                    (now + grace_ms, 137)
                } else {
                    (now + timing::PROMPT_EXIT_MS.min(grace_ms), 0)
                };
                rt.containers[i].stage = Stage::Stopped { started, at, code };
            }
        }
        let last = rt
            .containers
            .iter()
            .map(|c| match c.stage {
                Stage::Stopped { at, .. } => at,
                _ => now,
            })
            .max()
            .unwrap_or(now);
        if now < last {
            return Some((last, false));
        }
        if rt.stopped_at.is_none() {
            rt.stopped_at = Some(last);
        }
        Some((last + timing::POD_CLEANUP_MS, false))
    }
}

fn next_backoff(current: u64) -> u64 {
    if current < timing::BACKOFF_INITIAL_MS {
        timing::BACKOFF_INITIAL_MS
    } else {
        (current * 2).min(timing::BACKOFF_MAX_MS)
    }
}

fn earliest(a: Option<(u64, bool)>, b: Option<(u64, bool)>) -> Option<(u64, bool)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.0 < x.0 { y } else { x }),
        (x, y) => x.or(y),
    }
}
