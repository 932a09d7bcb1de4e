//! The pod status the kubelet reports (`generateAPIPodStatus`, `getPhase`,
//! `convertToAPIContainerStatuses`).

use ordinal_model::{Map, Value};

use super::images;
use super::{PodRuntime, Stage};
use crate::clock::rfc3339;
use crate::sim::Sim;

/// A pod condition of `kind`: the previous one of the same status kept as
/// it is (its lastTransitionTime with it) when its reason and message are
/// unchanged, else a new one that moved at `now`, or at the previous one's
/// time when only the reason or message changed.
fn condition(
    previous: &[Value],
    kind: &str,
    ok: bool,
    now: u64,
    reason: Option<(&str, String)>,
) -> Value {
    let status = if ok { "True" } else { "False" };
    let old = previous
        .iter()
        .find(|c| c.str_at(&["type"]) == kind && (c.str_at(&["status"]) == "True") == ok);
    let (reason, message) = reason.map_or(("", String::new()), |(r, m)| (r, m));
    if let Some(old) = old {
        // Exactly what would be built: no other field, none set otherwise.
        let fields = 4 + usize::from(!reason.is_empty()) + usize::from(!message.is_empty());
        if old.str_at(&["status"]) == status
            && old.str_at(&["reason"]) == reason
            && old.str_at(&["message"]) == message
            && old.get("lastProbeTime") == Some(&Value::Null)
            && old.as_object().map(Map::len) == Some(fields)
        {
            return old.clone();
        }
    }
    let since = old.map_or_else(
        || rfc3339(now),
        |c| c.str_at(&["lastTransitionTime"]).to_string(),
    );
    let mut c = Value::from([
        ("lastProbeTime", Value::Null),
        ("lastTransitionTime", Value::from(since)),
        ("status", Value::from(status)),
        ("type", Value::from(kind)),
    ]);
    if !reason.is_empty() {
        c.set(&["reason"], Value::from(reason));
        if !message.is_empty() {
            c.set(&["message"], Value::from(message));
        }
    }
    c
}

fn terminated(id: &str, code: i64, started: u64, finished: u64) -> Value {
    let mut t = Value::from([
        ("exitCode", Value::Int(code)),
        ("finishedAt", Value::from(rfc3339(finished))),
        (
            "reason",
            Value::from(if code == 0 { "Completed" } else { "Error" }),
        ),
        ("startedAt", Value::from(rfc3339(started))),
    ]);
    if !id.is_empty() {
        t.set(&["containerID"], Value::from(id));
    }
    t
}

impl Sim {
    /// The status of a pod as its kubelet reports it now.
    pub(crate) fn pod_status(&self, pod: &Value, rt: &PodRuntime) -> Value {
        let now = self.now;
        let no_status = Value::object();
        let previous = pod.get("status").unwrap_or(&no_status);
        let old_conditions = previous.array_at(&["conditions"]);
        let terminating = rt.stop_deadline.is_some();
        // convertToAPIContainerStatuses: a pod with init containers shows
        // every container not yet created as PodInitializing.
        let has_init = rt.containers.iter().any(|c| c.init);
        let creating = if has_init {
            "PodInitializing"
        } else {
            "ContainerCreating"
        };
        let mut statuses = Vec::new();
        let mut init_statuses = Vec::new();
        let mut incomplete = Vec::new();
        let mut main_started = false;
        let mut unready = Vec::new();
        let mut all_started = true;
        let mut all_stopped = true;
        let mut all_succeeded = true;
        for (index, c) in rt.containers.iter().enumerate() {
            // getPhase and the Ready conditions count the pod's own
            // containers; an init container's flags are kept apart.
            let kept = (all_started, all_stopped, all_succeeded);
            let image_ref = images::qualified(&c.image);
            let restarting = c.last.is_some() && !terminating;
            let (state, ready, started, image_id) = match &c.stage {
                Stage::Running { since } | Stage::Killing { started: since, .. } => {
                    all_stopped = false;
                    let probes = c.probes.as_ref();
                    let ready = !terminating && probes.is_some_and(|p| p.ready);
                    (
                        Value::from([(
                            "running",
                            Value::from([("startedAt", Value::from(rfc3339(*since)))]),
                        )]),
                        ready,
                        probes.is_none_or(|p| p.started),
                        true,
                    )
                }
                Stage::Stopped { started, at, .. } if *started > 0 && now < *at => {
                    all_stopped = false;
                    (
                        Value::from([(
                            "running",
                            Value::from([("startedAt", Value::from(rfc3339(*started)))]),
                        )]),
                        false,
                        true,
                        true,
                    )
                }
                // A finished container, or a stopped one that had started.
                stage @ (Stage::Done { started, at, code }
                | Stage::Stopped { started, at, code })
                    if matches!(stage, Stage::Done { .. }) || *started > 0 =>
                {
                    all_succeeded &= *code == 0;
                    (
                        Value::from([(
                            "terminated",
                            terminated(&c.container_id, *code, *started, *at),
                        )]),
                        false,
                        false,
                        true,
                    )
                }
                Stage::Exited {
                    started,
                    at,
                    code,
                    shown_at,
                    ..
                } => {
                    all_stopped = false;
                    if now >= *shown_at {
                        let msg = format!(
                            "back-off {} restarting failed container={} pod={}_{}({})",
                            crate::clock::go_duration(c.backoff_ms),
                            c.name,
                            pod.str_at(&["metadata", "name"]),
                            pod.str_at(&["metadata", "namespace"]),
                            pod.str_at(&["metadata", "uid"])
                        );
                        let waiting = Value::from([
                            ("message", Value::from(msg)),
                            ("reason", Value::from("CrashLoopBackOff")),
                        ]);
                        (Value::from([("waiting", waiting)]), false, false, true)
                    } else {
                        (
                            Value::from([(
                                "terminated",
                                terminated(&c.container_id, *code, *started, *at),
                            )]),
                            false,
                            false,
                            true,
                        )
                    }
                }
                other => {
                    all_stopped &= matches!(other, Stage::Stopped { .. });
                    // getPhase counts a waiting container with a last
                    // termination as stopped (restarting), not as waiting.
                    all_started &= restarting;
                    let waiting = match other {
                        Stage::Pulling { ok: false, .. } | Stage::Waiting if c.pulled_once => Value::from([
                            ("message", Value::from(format!("Back-off pulling image \"{}\": ErrImagePull: failed to pull and unpack image \"{}\"", c.image, image_ref))),
                            ("reason", Value::from("ImagePullBackOff")),
                        ]),
                        Stage::PullBackOff { shown_at, .. } => {
                            let reason = if now >= *shown_at { "ImagePullBackOff" } else { "ErrImagePull" };
                            Value::from([
                                ("message", Value::from(format!("Back-off pulling image \"{}\": ErrImagePull: failed to pull and unpack image \"{}\"", c.image, image_ref))),
                                ("reason", Value::from(reason)),
                            ])
                        }
                        _ => Value::from([("reason", Value::from(creating))]),
                    };
                    (Value::from([("waiting", waiting)]), false, false, false)
                }
            };
            let stopping =
                matches!(c.stage, Stage::Stopped { started, at, .. } if started > 0 && now < at);
            if !matches!(c.stage, Stage::Running { .. } | Stage::Killing { .. }) && !stopping {
                all_started &=
                    matches!(c.stage, Stage::Exited { .. } | Stage::Done { .. }) || restarting;
            }
            // An init container is ready once it exited 0 (a restartable
            // one once started): GeneratePodInitializedCondition.
            let ready = if c.init {
                match c.stage {
                    Stage::Done { code, .. } => code == 0,
                    Stage::Running { .. } => {
                        let sidecar = super::container_spec(pod, index)
                            .is_some_and(|s| s.str_at(&["restartPolicy"]) == "Always");
                        sidecar && ready && started
                    }
                    _ => false,
                }
            } else {
                ready
            };
            if c.init {
                (all_started, all_stopped, all_succeeded) = kept;
                all_succeeded &= !matches!(c.stage, Stage::Done { code, .. } if code != 0);
                if !ready {
                    incomplete.push(c.name.clone());
                }
            } else {
                main_started |= c.last.is_some()
                    || !matches!(
                        c.stage,
                        Stage::Waiting
                            | Stage::Pulling { .. }
                            | Stage::PullBackOff { .. }
                            | Stage::Creating { .. }
                    );
                if !ready {
                    unready.push(c.name.clone());
                }
            }
            let mut s = Value::from([
                ("image", Value::from(c.image.as_str())),
                (
                    "imageID",
                    Value::from(if image_id {
                        format!(
                            "{}@{}",
                            image_ref
                                .rsplit_once(':')
                                .map_or(image_ref.as_str(), |x| x.0),
                            images::digest(&c.image)
                        )
                    } else {
                        String::new()
                    }),
                ),
                ("lastState", Value::object()),
                ("name", Value::from(c.name.as_str())),
                ("ready", Value::Bool(ready)),
                ("restartCount", Value::Int(c.restarts)),
                ("started", Value::Bool(started)),
                ("state", state),
            ]);
            if !c.container_id.is_empty() {
                s.set(&["containerID"], Value::from(c.container_id.as_str()));
            }
            if let Some((st, at, code)) = c.last {
                let mut last = terminated("", code, st, at);
                if c.last_unknown {
                    last.set(&["reason"], Value::from("Unknown"));
                }
                s.set(&["lastState"], Value::from([("terminated", last)]));
            }
            if c.init {
                init_statuses.push(s);
            } else {
                statuses.push(s);
            }
        }
        // getPhase: a pod whose containers are all done for good is
        // Succeeded when each exited 0, else Failed; its sandbox is killed
        // and its Ready conditions say why (status/generate.go).
        let finished = rt.terminal() || (terminating && all_stopped && rt.stopped_at.is_some());
        let containers_ready = unready.is_empty();
        let not_ready = Some(if rt.terminal() && all_succeeded {
            ("PodCompleted", String::new())
        } else if rt.terminal() {
            ("PodFailed", String::new())
        } else {
            (
                "ContainersNotReady",
                format!("containers with unready status: [{}]", unready.join(" ")),
            )
        });
        let sandbox = rt.ip.is_some() && !(terminating && all_stopped) && !rt.terminal();
        let scheduled = old_conditions
            .iter()
            .find(|c| c.str_at(&["type"]) == "PodScheduled")
            .cloned()
            .unwrap_or_else(|| condition(&[], "PodScheduled", true, now, None));
        let conditions = vec![
            condition(
                old_conditions,
                "PodReadyToStartContainers",
                sandbox,
                now,
                None,
            ),
            initialized_condition(
                old_conditions,
                now,
                &incomplete,
                finished && all_succeeded,
                main_started,
            ),
            condition(
                old_conditions,
                "Ready",
                containers_ready,
                now,
                if containers_ready {
                    None
                } else {
                    not_ready.clone()
                },
            ),
            condition(
                old_conditions,
                "ContainersReady",
                containers_ready,
                now,
                if containers_ready { None } else { not_ready },
            ),
            scheduled,
        ];
        let phase = if finished {
            if all_succeeded {
                "Succeeded"
            } else {
                "Failed"
            }
        } else if all_started {
            "Running"
        } else {
            "Pending"
        };
        let host_ip = self.node_address(&rt.node);
        let mut status = Value::from([
            ("conditions", Value::from(conditions)),
            ("containerStatuses", Value::from(statuses)),
            ("hostIP", Value::from(host_ip.as_str())),
            (
                "hostIPs",
                Value::from(vec![Value::from([("ip", Value::from(host_ip.as_str()))])]),
            ),
            ("phase", Value::from(phase)),
            (
                "qosClass",
                previous
                    .get("qosClass")
                    .cloned()
                    .unwrap_or_else(|| Value::from("BestEffort")),
            ),
            (
                "startTime",
                Value::from(rfc3339(rt.admitted_at + crate::timing::KUBELET_ADMIT_MS)),
            ),
        ]);
        if has_init {
            status.set(&["initContainerStatuses"], Value::from(init_statuses));
        }
        if let Some(ip) = &rt.ip {
            status.set(&["podIP"], Value::from(ip.as_str()));
            status.set(
                &["podIPs"],
                Value::from(vec![Value::from([("ip", Value::from(ip.as_str()))])]),
            );
        }
        status
    }
}

/// The Initialized condition (status/generate.go
/// `GeneratePodInitializedCondition`): True once every init container
/// exited 0 or a container of the pod has started; `PodCompleted` for a
/// pod that succeeded; else False, naming the init containers not done.
fn initialized_condition(
    previous: &[Value],
    now: u64,
    incomplete: &[String],
    succeeded: bool,
    main_started: bool,
) -> Value {
    let done = succeeded || incomplete.is_empty() || main_started;
    let reason = if succeeded {
        Some(("PodCompleted", String::new()))
    } else if done {
        None
    } else {
        Some((
            "ContainersNotInitialized",
            format!(
                "containers with incomplete status: [{}]",
                incomplete.join(" ")
            ),
        ))
    };
    condition(previous, "Initialized", done, now, reason)
}
