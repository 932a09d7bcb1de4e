//! StatefulSet status: counting replicas and completing rolling updates.
//! Mirrors `computeReplicaStatus`, `completeRollingUpdate` and
//! `inconsistentStatus` in stateful_set_control.go and
//! stateful_set_status_updater.go.

use std::sync::Arc;

use ordinal_model::Value;

use super::utils::*;
use crate::apiserver::pod_facts::PodFacts;
use crate::sim::Sim;

/// The counters of `status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub replicas: i64,
    pub ready: i64,
    pub available: i64,
    pub current: i64,
    pub updated: i64,
}

/// Counts pods the way `computeReplicaStatus` does.
pub(crate) fn count(
    pods: &[Arc<PodFacts>],
    current: &str,
    update: &str,
    min_ready_ms: u64,
    now: u64,
) -> Counts {
    let mut c = Counts::default();
    for pod in pods {
        if pod.phase.is_empty() {
            continue;
        }
        c.replicas += 1;
        if pod.running_and_ready {
            c.ready += 1;
            if pod.is_available(min_ready_ms, now) {
                c.available += 1;
            }
        }
        if !pod.terminating {
            c.current += i64::from(pod.revision == current);
            c.updated += i64::from(pod.revision == update);
        }
    }
    c
}

/// The full status object, with `omitempty` counters left out when 0.
pub(crate) fn status_value(
    set: &Value,
    counts: Counts,
    current: &str,
    update: &str,
    collision_count: i64,
) -> Value {
    let spec_replicas = replicas(set);
    let mut current = current.to_string();
    let mut current_count = counts.current;
    if strategy(set) == "RollingUpdate"
        && counts.updated == spec_replicas
        && counts.ready == spec_replicas
        && counts.replicas == spec_replicas
    {
        current = update.to_string();
        current_count = counts.updated;
    }
    let mut status = Value::from([
        ("availableReplicas", Value::Int(counts.available)),
        ("collisionCount", Value::Int(collision_count)),
        ("currentRevision", Value::from(current)),
        ("replicas", Value::Int(counts.replicas)),
        ("updateRevision", Value::from(update)),
    ]);
    if let Some(g) = set.i64_at(&["metadata", "generation"]) {
        status.set(&["observedGeneration"], Value::Int(g));
    }
    for (key, n) in [
        ("readyReplicas", counts.ready),
        ("currentReplicas", current_count),
        ("updatedReplicas", counts.updated),
    ] {
        if n != 0 {
            status.set(&[key], Value::Int(n));
        }
    }
    status
}

impl Sim {
    /// Writes the status when it differs from the stored one.
    pub(crate) fn write_set_status(&mut self, set: &Value, status: Value) {
        if set.get("status") == Some(&status) {
            return;
        }
        let mut updated = set.clone();
        updated.set(&["status"], status);
        self.write_status("statefulsets", updated);
    }
}
