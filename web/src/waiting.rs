//! "Why is it waiting?": for the focused StatefulSet, which pods the
//! controller has not created, deleted or updated yet and what it waits for.
//! The blocking pod comes from the controller itself
//! (`Sim::statefulset_blocker`: the pod its last sync stopped at, as
//! `updateStatefulSet` in pkg/controller/statefulset/stateful_set_control.go
//! returns early): with OrderedReady every missing, condemned or outdated pod
//! waits for it; Parallel waits only in a rolling update, which replaces one
//! pod at a time. Pod-level facts are read from the pods: a pod whose claim
//! is not Bound stays Pending; a running pod is not Ready until its
//! readiness probe passes; pods below the partition keep the old revision.
//! A pod on a node that is not running stays as it is (Terminating once
//! evicted) and keeps its ordinal: the controller never runs two pods of one
//! identity (at-most-one), so it waits for the node to return or for a force
//! delete.

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

/// The waits of `sts`, given its pods, its claims, the nodes that are not
/// running, and the pod the controller's last sync stopped at
/// (`Sim::statefulset_blocker`): every pod the controller still has to
/// create, delete or update waits for that one.
pub fn explain(
    sts: &Value,
    pods: &[&Value],
    claims: &[&Value],
    down_nodes: &[String],
    blocker: Option<&str>,
) -> Vec<Waiting> {
    let set = sts.str_at(&["metadata", "name"]);
    let replicas = sts.i64_at(&["spec", "replicas"]).unwrap_or(1).max(0) as u64;
    let mut by_ordinal: Vec<(u64, &Value)> = pods
        .iter()
        .filter(|p| owned_by(p, set))
        .map(|p| (ordinal_of(p.str_at(&["metadata", "name"])), *p))
        .collect();
    ordinal_model::order::sort_by_key(&mut by_ordinal, |(i, _)| *i);
    let mut out = Vec::new();
    for (_, pod) in &by_ordinal {
        let pod_name = pod.str_at(&["metadata", "name"]).to_string();
        let node = pod.str_at(&["spec", "nodeName"]);
        if down_nodes.iter().any(|n| n == node) {
            out.push(Waiting::NodeLost {
                pod: pod_name,
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
                    pod: pod_name,
                    claim,
                });
            }
        } else if pod.str_at(&["status", "phase"]) == "Running"
            && !is_ready(pod)
            && !is_terminating(pod)
        {
            out.push(Waiting::NotReady { pod: pod_name });
        }
    }
    let waits = |pod: String, make: fn(String, String) -> Waiting| {
        blocker
            .filter(|b| *b != pod)
            .map(|b| make(pod, b.to_string()))
    };
    for i in 0..replicas.min(crate::view::MAX_SHOWN_OBJECTS as u64) {
        if !by_ordinal.iter().any(|(j, _)| *j == i) {
            out.extend(waits(format!("{set}-{i}"), |pod, blocker| {
                Waiting::NotCreated { pod, blocker }
            }));
        }
    }
    for (_, pod) in by_ordinal.iter().rev().filter(|(i, _)| *i >= replicas) {
        if !is_terminating(pod) {
            let pod = pod.str_at(&["metadata", "name"]).to_string();
            out.extend(waits(pod, |pod, blocker| Waiting::NotDeleted {
                pod,
                blocker,
            }));
        }
    }
    out.extend(update_waits(sts, &by_ordinal, replicas, blocker));
    out
}

/// The rolling update's waits: outdated pods below the partition stay, the
/// others wait for the pod the update is busy with.
fn update_waits(
    sts: &Value,
    by_ordinal: &[(u64, &Value)],
    replicas: u64,
    blocker: Option<&str>,
) -> Vec<Waiting> {
    let update = sts.str_at(&["status", "updateRevision"]);
    let on_delete = sts.str_at(&["spec", "updateStrategy", "type"]) == "OnDelete";
    if update.is_empty() || on_delete {
        return Vec::new();
    }
    let partition = sts
        .i64_at(&["spec", "updateStrategy", "rollingUpdate", "partition"])
        .unwrap_or(0);
    let mut out = Vec::new();
    for (i, pod) in by_ordinal.iter().filter(|(i, _)| *i < replicas) {
        let rev = pod.str_at(&["metadata", "labels", REVISION_LABEL]);
        if rev.is_empty() || rev == update || is_terminating(pod) {
            continue;
        }
        let pod_name = pod.str_at(&["metadata", "name"]).to_string();
        if (*i as i64) < partition {
            out.push(Waiting::BelowPartition {
                pod: pod_name,
                partition,
            });
        } else if let Some(b) = blocker.filter(|b| *b != pod_name) {
            out.push(Waiting::UpdateWaits {
                pod: pod_name,
                blocker: b.to_string(),
            });
        }
    }
    out
}
