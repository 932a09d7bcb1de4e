//! The pod table: READY, STATUS (printPod's exact algorithm), RESTARTS with
//! `(12s ago)`, AGE; wide IP, NODE, NOMINATED NODE, READINESS GATES.
//! Mirrors `printPod` in pkg/printers/internalversion/printers.go.

use ordinal_model::Value;

use super::{age, col, name, parse_timestamp, wide, PrintContext, TableDef};

/// The pod table.
pub const TABLE: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Ready"),
        col("Status"),
        col("Restarts"),
        col("Age"),
        wide("IP"),
        wide("Node"),
        wide("Nominated Node"),
        wide("Readiness Gates"),
    ],
    row,
};

fn is_restartable_init(spec: &Value, name: &str) -> bool {
    spec.array_at(&["initContainers"])
        .iter()
        .any(|c| c.str_at(&["name"]) == name && c.str_at(&["restartPolicy"]) == "Always")
}

fn condition_true(pod: &Value, kind: &str) -> bool {
    pod.array_at(&["status", "conditions"])
        .iter()
        .any(|c| c.str_at(&["type"]) == kind && c.str_at(&["status"]) == "True")
}

/// The pod's STATUS, READY and RESTARTS cells, as `printPod` computes them.
pub fn pod_status(pod: &Value, ctx: &PrintContext) -> (String, String, String) {
    let spec = pod.get("spec").cloned().unwrap_or_default();
    let phase = pod.str_at(&["status", "phase"]);
    let mut reason = phase.to_string();
    let status_reason = pod.str_at(&["status", "reason"]);
    if !status_reason.is_empty() {
        reason = status_reason.to_string();
    }
    for c in pod.array_at(&["status", "conditions"]) {
        if c.str_at(&["type"]) == "PodScheduled" && c.str_at(&["reason"]) == "SchedulingGated" {
            reason = "SchedulingGated".to_string();
        }
    }
    let init_specs = spec.array_at(&["initContainers"]);
    let total = spec.array_at(&["containers"]).len()
        + init_specs
            .iter()
            .filter(|c| c.str_at(&["restartPolicy"]) == "Always")
            .count();
    let mut ready = 0usize;
    let mut restarts = 0i64;
    let mut last_restart: Option<u64> = None;
    let mut sidecar_restarts = 0i64;
    let mut sidecar_last_restart: Option<u64> = None;
    let mut initializing = false;
    let finished_at = |c: &Value| {
        c.at(&["lastState", "terminated", "finishedAt"])
            .and_then(Value::as_str)
            .and_then(parse_timestamp)
    };
    for (i, c) in pod
        .array_at(&["status", "initContainerStatuses"])
        .iter()
        .enumerate()
    {
        restarts += c.i64_at(&["restartCount"]).unwrap_or(0);
        if let Some(t) = finished_at(c) {
            last_restart = last_restart.max(Some(t));
        }
        let restartable = is_restartable_init(&spec, c.str_at(&["name"]));
        if restartable {
            sidecar_restarts += c.i64_at(&["restartCount"]).unwrap_or(0);
            if let Some(t) = finished_at(c) {
                sidecar_last_restart = sidecar_last_restart.max(Some(t));
            }
        }
        let terminated = c.at(&["state", "terminated"]);
        let waiting_reason = c.str_at(&["state", "waiting", "reason"]);
        if terminated.is_some() && c.i64_at(&["state", "terminated", "exitCode"]) == Some(0) {
            continue;
        }
        if restartable && c.at(&["started"]).and_then(Value::as_bool) == Some(true) {
            if c.at(&["ready"]).and_then(Value::as_bool) == Some(true) {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(t) = terminated {
            let r = t.str_at(&["reason"]);
            if !r.is_empty() {
                format!("Init:{r}")
            } else if let Some(sig) = t.i64_at(&["signal"]).filter(|s| *s != 0) {
                format!("Init:Signal:{sig}")
            } else {
                format!("Init:ExitCode:{}", t.i64_at(&["exitCode"]).unwrap_or(0))
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }
    if !initializing || condition_true(pod, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = sidecar_last_restart;
        let mut has_running = false;
        for c in pod.array_at(&["status", "containerStatuses"]).iter().rev() {
            restarts += c.i64_at(&["restartCount"]).unwrap_or(0);
            if let Some(t) = finished_at(c) {
                last_restart = last_restart.max(Some(t));
            }
            let waiting = c.str_at(&["state", "waiting", "reason"]);
            let terminated = c.at(&["state", "terminated"]);
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = terminated {
                let r = t.str_at(&["reason"]);
                reason = if !r.is_empty() {
                    r.to_string()
                } else if let Some(sig) = t.i64_at(&["signal"]).filter(|s| *s != 0) {
                    format!("Signal:{sig}")
                } else {
                    format!("ExitCode:{}", t.i64_at(&["exitCode"]).unwrap_or(0))
                };
            } else if c.at(&["ready"]).and_then(Value::as_bool) == Some(true)
                && c.at(&["state", "running"]).is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(pod, "Ready") {
                "Running".to_string()
            } else {
                "NotReady".to_string()
            };
        }
    }
    let deleting = pod
        .at(&["metadata", "deletionTimestamp"])
        .is_some_and(|v| !v.is_null());
    if deleting && status_reason == "NodeLost" {
        reason = "Unknown".to_string();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".to_string();
    }
    let restarts_cell = match last_restart {
        Some(t) if restarts != 0 => format!(
            "{restarts} ({} ago)",
            crate::duration::human_duration(ctx.now_ms as i64 - t as i64)
        ),
        _ => restarts.to_string(),
    };
    (reason, format!("{ready}/{total}"), restarts_cell)
}

fn row(pod: &Value, ctx: &PrintContext) -> Vec<String> {
    let (status, ready, restarts) = pod_status(pod, ctx);
    let or_none = |s: &str| {
        if s.is_empty() {
            "<none>".to_string()
        } else {
            s.to_string()
        }
    };
    let ip = pod
        .array_at(&["status", "podIPs"])
        .first()
        .map(|p| p.str_at(&["ip"]).to_string())
        .unwrap_or_else(|| pod.str_at(&["status", "podIP"]).to_string());
    let gates = pod.array_at(&["spec", "readinessGates"]);
    let readiness_gates = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let ready = gates
            .iter()
            .filter(|g| condition_true(pod, g.str_at(&["conditionType"])))
            .count();
        format!("{ready}/{}", gates.len())
    };
    vec![
        name(pod).to_string(),
        ready,
        status,
        restarts,
        age(pod, ctx),
        or_none(&ip),
        or_none(pod.str_at(&["spec", "nodeName"])),
        or_none(pod.str_at(&["status", "nominatedNodeName"])),
        readiness_gates,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_767_225_700_000;

    fn pod(container_state: Value, ready: bool) -> Value {
        Value::from([
            (
                "metadata",
                Value::from([
                    ("name", "web-0".into()),
                    ("creationTimestamp", "2026-01-01T00:00:00Z".into()),
                ]),
            ),
            (
                "spec",
                Value::from([(
                    "containers",
                    Value::Array(vec![Value::from([("name", "nginx".into())])]),
                )]),
            ),
            (
                "status",
                Value::from([
                    ("phase", "Running".into()),
                    (
                        "containerStatuses",
                        Value::Array(vec![Value::from([
                            ("name", "nginx".into()),
                            ("ready", ready.into()),
                            ("restartCount", Value::Int(0)),
                            ("state", container_state),
                        ])]),
                    ),
                ]),
            ),
        ])
    }

    #[test]
    fn running_ready_pod_row() {
        let p = pod(Value::from([("running", Value::object())]), true);
        let cells = row(&p, &PrintContext { now_ms: NOW });
        assert_eq!(cells[..5], ["web-0", "1/1", "Running", "0", "100s"]);
        assert_eq!(cells[5..], ["<none>", "<none>", "<none>", "<none>"]);
    }

    #[test]
    fn waiting_reason_overrides_phase_and_deletion_shows_terminating() {
        let waiting = Value::from([(
            "waiting",
            Value::from([("reason", "ContainerCreating".into())]),
        )]);
        let mut p = pod(waiting, false);
        p.set(&["status", "phase"], "Pending".into());
        let ctx = PrintContext { now_ms: NOW };
        assert_eq!(pod_status(&p, &ctx).0, "ContainerCreating");
        p.set(
            &["metadata", "deletionTimestamp"],
            "2026-01-01T00:01:00Z".into(),
        );
        assert_eq!(pod_status(&p, &ctx).0, "Terminating");
    }

    #[test]
    fn restarts_show_time_since_last_termination() {
        let mut p = pod(Value::from([("running", Value::object())]), true);
        let statuses = p.at_mut(&["status", "containerStatuses"]).unwrap();
        let c = &mut statuses.as_array_mut().unwrap()[0];
        c.set(&["restartCount"], Value::Int(3));
        c.set(
            &["lastState", "terminated", "finishedAt"],
            "2026-01-01T00:01:28Z".into(),
        );
        assert_eq!(
            pod_status(&p, &PrintContext { now_ms: NOW }).2,
            "3 (12s ago)"
        );
    }
}
