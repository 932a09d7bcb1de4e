//! "Why is it waiting?": for the focused StatefulSet, which pods the
//! controller has not created, deleted or updated yet and what it waits for.
//! Mirrors the blocking conditions of the controller's sync
//! (kubernetes pkg/controller/statefulset/stateful_set_control.go,
//! `updateStatefulSet`): with OrderedReady, ordinals are created in order and
//! each waits for every lower ordinal to be Running and Ready; scale-down
//! removes the highest ordinal first, one at a time, and not while another
//! pod is unhealthy; a rolling update replaces pods from the highest ordinal
//! down to the partition, one at a time, each after the one above is Running
//! and Ready. Parallel creates and deletes without waiting. A pod whose claim
//! is not Bound stays Pending; a running pod is not Ready until its
//! readiness probe passes. A pod on a node that is not running stays as it
//! is (Terminating once evicted) and keeps its ordinal: the controller never
//! runs two pods of one identity (at-most-one), so it waits for the node to
//! return or for a force delete.

use ordinal_model::Value;

use crate::view::{ordinal_of, owned_by};

/// Label holding the revision a pod was created from.
const REVISION_LABEL: &str = "controller-revision-hash";

/// One pod the controller is waiting on, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// `pod` is not created yet: OrderedReady waits for `blocker` to be Running and Ready.
    NotCreated {
        /// The missing pod.
        pod: String,
        /// The lower ordinal it waits for.
        blocker: String,
    },
    /// `pod` is not deleted yet: scale-down waits for `blocker` first.
    NotDeleted {
        /// The condemned pod.
        pod: String,
        /// The pod deleted (or made healthy) before it.
        blocker: String,
    },
    /// `pod` is Pending until its claim is Bound.
    ClaimPending {
        /// The pod.
        pod: String,
        /// Its unbound claim.
        claim: String,
    },
    /// `pod` runs but its readiness probe has not passed.
    NotReady {
        /// The pod.
        pod: String,
    },
    /// `pod` keeps the old revision because its ordinal is below the partition.
    BelowPartition {
        /// The pod.
        pod: String,
        /// `rollingUpdate.partition`.
        partition: i64,
    },
    /// `pod` is updated after `blocker`, which is higher and updated first.
    UpdateWaits {
        /// The outdated pod.
        pod: String,
        /// The pod the update is busy with.
        blocker: String,
    },
    /// `pod` is on `node`, which is not running: it cannot be confirmed
    /// gone, so the controller never starts a second pod with its name.
    NodeLost {
        /// The pod.
        pod: String,
        /// Its node.
        node: String,
    },
}

fn is_terminating(pod: &Value) -> bool {
    !pod.str_at(&["metadata", "deletionTimestamp"]).is_empty()
}

fn is_ready(pod: &Value) -> bool {
    pod.array_at(&["status", "conditions"])
        .iter()
        .any(|c| c.str_at(&["type"]) == "Ready" && c.str_at(&["status"]) == "True")
}

/// Running, Ready and not terminating: what the controller calls healthy.
fn is_healthy(pod: &Value) -> bool {
    pod.str_at(&["status", "phase"]) == "Running" && is_ready(pod) && !is_terminating(pod)
}

/// The waits of `sts`, given its pods and its claims.
pub fn explain(
    sts: &Value,
    pods: &[&Value],
    claims: &[&Value],
    down_nodes: &[String],
) -> Vec<Waiting> {
    let set = sts.str_at(&["metadata", "name"]);
    let replicas = sts.i64_at(&["spec", "replicas"]).unwrap_or(1).max(0) as u64;
    let ordered = sts.str_at(&["spec", "podManagementPolicy"]) != "Parallel";
    let name = |i: u64| format!("{set}-{i}");
    let pod_at = |i: u64| {
        pods.iter()
            .copied()
            .find(|p| owned_by(p, set) && ordinal_of(p.str_at(&["metadata", "name"])) == i)
    };
    let mut out = Vec::new();
    // Creation: the first missing-or-unhealthy ordinal blocks every later one.
    let mut blocker: Option<u64> = None;
    for i in 0..replicas.min(crate::view::MAX_SHOWN_OBJECTS as u64) {
        match pod_at(i) {
            None => {
                if let (true, Some(b)) = (ordered, blocker) {
                    out.push(Waiting::NotCreated {
                        pod: name(i),
                        blocker: name(b),
                    });
                }
                blocker.get_or_insert(i);
            }
            Some(pod) if !is_healthy(pod) => {
                blocker.get_or_insert(i);
            }
            Some(_) => {}
        }
    }
    let mut by_ordinal: Vec<(u64, &Value)> = pods
        .iter()
        .map(|p| (ordinal_of(p.str_at(&["metadata", "name"])), *p))
        .collect();
    ordinal_model::order::sort_by_key(&mut by_ordinal, |(i, _)| *i);
    let first_unhealthy = by_ordinal.iter().find(|(_, p)| !is_healthy(p));
    for (i, pod) in &by_ordinal {
        let pod_name = pod.str_at(&["metadata", "name"]).to_string();
        let node = pod.str_at(&["spec", "nodeName"]);
        if down_nodes.iter().any(|n| n == node) {
            out.push(Waiting::NodeLost {
                pod: pod_name.clone(),
                node: node.to_string(),
            });
        } else if pod.str_at(&["status", "phase"]) == "Pending" {
            let unbound = pod.array_at(&["spec", "volumes"]).iter().find_map(|v| {
                let claim = v.str_at(&["persistentVolumeClaim", "claimName"]);
                let bound = claims.iter().any(|c| {
                    c.str_at(&["metadata", "name"]) == claim
                        && c.str_at(&["status", "phase"]) == "Bound"
                });
                (!claim.is_empty() && !bound).then(|| claim.to_string())
            });
            if let Some(claim) = unbound {
                out.push(Waiting::ClaimPending {
                    pod: pod_name.clone(),
                    claim,
                });
            }
        } else if pod.str_at(&["status", "phase"]) == "Running"
            && !is_ready(pod)
            && !is_terminating(pod)
        {
            out.push(Waiting::NotReady {
                pod: pod_name.clone(),
            });
        }
        // Scale-down: a condemned pod waits for every condemned pod above it.
        if *i >= replicas && ordered && !is_terminating(pod) {
            let above = by_ordinal.iter().rev().find(|(j, _)| *j > *i);
            let blocker = above.or(first_unhealthy.filter(|(j, _)| j != i));
            if let Some((_, b)) = blocker {
                out.push(Waiting::NotDeleted {
                    pod: pod_name.clone(),
                    blocker: b.str_at(&["metadata", "name"]).to_string(),
                });
            }
        }
    }
    out.extend(update_waits(sts, &by_ordinal, replicas));
    out
}

/// The rolling update's waits: outdated pods below the partition stay, the
/// others wait for every pod above them.
fn update_waits(sts: &Value, by_ordinal: &[(u64, &Value)], replicas: u64) -> Vec<Waiting> {
    let update = sts.str_at(&["status", "updateRevision"]);
    let on_delete = sts.str_at(&["spec", "updateStrategy", "type"]) == "OnDelete";
    if update.is_empty() || on_delete {
        return Vec::new();
    }
    let partition = sts
        .i64_at(&["spec", "updateStrategy", "rollingUpdate", "partition"])
        .unwrap_or(0);
    let outdated = |p: &Value| {
        let rev = p.str_at(&["metadata", "labels", REVISION_LABEL]);
        !rev.is_empty() && rev != update
    };
    let mut out = Vec::new();
    for (i, pod) in by_ordinal.iter().filter(|(i, _)| *i < replicas) {
        if !outdated(pod) || is_terminating(pod) {
            continue;
        }
        let pod_name = pod.str_at(&["metadata", "name"]).to_string();
        if (*i as i64) < partition {
            out.push(Waiting::BelowPartition {
                pod: pod_name,
                partition,
            });
            continue;
        }
        let busy = by_ordinal
            .iter()
            .rev()
            .find(|(j, p)| *j > *i && *j < replicas && (outdated(p) || !is_healthy(p)));
        if let Some((_, b)) = busy {
            out.push(Waiting::UpdateWaits {
                pod: pod_name,
                blocker: b.str_at(&["metadata", "name"]).to_string(),
            });
        }
    }
    out
}
