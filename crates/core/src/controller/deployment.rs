//! The Deployment controller. Mirrors pkg/controller/deployment/:
//! deployment_controller.go (`syncDeployment`, `getReplicaSetsForDeployment`),
//! sync.go (`getAllReplicaSetsAndSyncRevision`, `getNewReplicaSet`, `scale`,
//! `scaleReplicaSet`, `cleanupDeployment`, `calculateStatus`,
//! `isScalingEvent`, `checkPausedConditions`), rolling.go, recreate.go,
//! progress.go (`syncRolloutStatus`, `requeueStuckDeployment`) and
//! util/deployment_util.go (annotations, fenceposts, conditions).
//!
//! The pod-template-hash: upstream `controller.ComputeHash` is FNV-32a over a
//! go-spew dump of the PodTemplateSpec, which cannot be reproduced from JSON.
//! The ReplicaSet suffix here is the StatefulSet revision hash
//! ([`history::revision_hash`]: FNV-32 over the compact JSON of the template
//! plus the collision count) in the same `SafeEncodeString` alphabet, so names
//! look like a real cluster's (`web-7c5ddbdf54`) and are stable, but differ
//! from the hash a real cluster would compute for the same template.
//!
//! Not modelled: the deprecated `rollbackTo` annotation, the ReplicaFailure
//! condition and `podReplacementPolicy` (alpha).

use ordinal_model::json::to_compact;
use ordinal_model::Value;

use super::history;
use super::replicaset::spec_replicas;
use super::{controller_ref, new_controller_ref};
use crate::apiserver::DeleteOptions;
use crate::clock::{parse_rfc3339, rfc3339};
use crate::error::Reason;
use crate::events::{Source, NORMAL, WARNING};
use crate::limits;
use crate::resources;
use crate::sim::{Sim, Work};
use crate::timing;

/// `apps.DefaultDeploymentUniqueLabelKey`.
pub const HASH_LABEL: &str = "pod-template-hash";
/// The revision of a ReplicaSet (and of its Deployment).
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
/// Revisions a ReplicaSet had before a rollback made it new again.
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
/// `spec.replicas` of the Deployment when the ReplicaSet was last scaled.
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
/// `spec.replicas + maxSurge` of the Deployment at that time.
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";

const SOURCE: Source<'static> = Source {
    component: "deployment-controller",
    host: "",
};

/// Deployment annotations never copied to its ReplicaSets (`skipCopyAnnotation`;
/// also kubectl's `annotationsToSkip` on rollback).
pub const SKIPPED_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION,
    "deprecated.deployment.rollback.to",
];

const PROGRESSING: &str = "Progressing";
const AVAILABLE: &str = "Available";
const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
const TIMED_OUT: &str = "ProgressDeadlineExceeded";
const PAUSED: &str = "DeploymentPaused";

fn name_of(obj: &Value) -> &str {
    obj.str_at(&["metadata", "name"])
}

fn status_int(obj: &Value, key: &str) -> i64 {
    obj.i64_at(&["status", key]).unwrap_or(0)
}

/// `deploymentutil.Revision`: the revision annotation as a number.
pub fn revision_of(rs: &Value) -> Option<i64> {
    rs.str_at(&["metadata", "annotations", REVISION_ANNOTATION])
        .parse()
        .ok()
}

fn sum(sets: &[Value], f: impl Fn(&Value) -> i64) -> i64 {
    sets.iter().map(f).sum()
}

/// `intstr.GetScaledValueFromIntOrPercent`: an int, or `N%` of `total`
/// rounded up or down; anything else counts as 0 (validation rejects it).
pub fn scaled_value(v: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match v {
        Some(Value::Int(n)) => *n,
        Some(Value::String(s)) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) if round_up => (p * total + 99).div_euclid(100),
            Some(p) => (p * total).div_euclid(100),
            None => 0,
        },
        _ => 0,
    }
}

fn is_rolling(d: &Value) -> bool {
    d.str_at(&["spec", "strategy", "type"]) != "Recreate"
}

/// `ResolveFenceposts`: (maxSurge, maxUnavailable), never both 0.
fn fenceposts(d: &Value) -> (i64, i64) {
    let desired = spec_replicas(d);
    let rolling = d.at(&["spec", "strategy", "rollingUpdate"]);
    let surge = scaled_value(rolling.and_then(|r| r.get("maxSurge")), desired, true);
    let unavailable = scaled_value(
        rolling.and_then(|r| r.get("maxUnavailable")),
        desired,
        false,
    );
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// `MaxUnavailable`, capped at `spec.replicas`.
pub fn max_unavailable(d: &Value) -> i64 {
    let replicas = spec_replicas(d);
    if !is_rolling(d) || replicas == 0 {
        return 0;
    }
    fenceposts(d).1.min(replicas)
}

/// `MaxSurge`.
pub fn max_surge(d: &Value) -> i64 {
    if is_rolling(d) {
        fenceposts(d).0
    } else {
        0
    }
}

fn has_progress_deadline(d: &Value) -> bool {
    d.i64_at(&["spec", "progressDeadlineSeconds"])
        .is_some_and(|s| s != i64::from(i32::MAX))
}

/// Templates equal apart from the pod-template-hash label (`EqualIgnoreHash`).
pub fn equal_ignore_hash(a: Option<&Value>, b: Option<&Value>) -> bool {
    let strip = |t: Option<&Value>| {
        let mut t = t.cloned().unwrap_or_else(Value::object);
        t.remove(&["metadata", "labels", HASH_LABEL]);
        if t.at(&["metadata", "labels"])
            .and_then(Value::as_object)
            .is_some_and(|m| m.is_empty())
        {
            t.remove(&["metadata", "labels"]);
        }
        t
    };
    strip(a) == strip(b)
}

fn condition(kind: &str, status: &str, reason: &str, message: &str, now: u64) -> Value {
    let stamp = Value::from(rfc3339(now));
    Value::from([
        ("lastTransitionTime", stamp.clone()),
        ("lastUpdateTime", stamp),
        ("message", Value::from(message)),
        ("reason", Value::from(reason)),
        ("status", Value::from(status)),
        ("type", Value::from(kind)),
    ])
}

fn get_condition<'a>(status: Option<&'a Value>, kind: &str) -> Option<&'a Value> {
    status?
        .array_at(&["conditions"])
        .iter()
        .find(|c| c.str_at(&["type"]) == kind)
}

fn remove_condition(status: &mut Value, kind: &str) {
    let kept: Vec<Value> = status
        .array_at(&["conditions"])
        .iter()
        .filter(|c| c.str_at(&["type"]) != kind)
        .cloned()
        .collect();
    if kept.is_empty() {
        status.remove(&["conditions"]);
    } else {
        status.set(&["conditions"], Value::from(kept));
    }
}

/// `SetDeploymentCondition`: no-op for the same status and reason; keeps the
/// transition time when only the reason changes; moves it to the end.
fn set_condition(status: &mut Value, mut cond: Value) {
    let kind = cond.str_at(&["type"]).to_string();
    if let Some(current) = get_condition(Some(status), &kind) {
        let same_status = current.str_at(&["status"]) == cond.str_at(&["status"]);
        if same_status && current.str_at(&["reason"]) == cond.str_at(&["reason"]) {
            return;
        }
        if same_status {
            if let Some(t) = current.get("lastTransitionTime") {
                cond.set(&["lastTransitionTime"], t.clone());
            }
        }
    }
    remove_condition(status, &kind);
    let mut all = status.array_at(&["conditions"]).to_vec();
    all.push(cond);
    status.set(&["conditions"], Value::from(all));
}

/// `DeploymentComplete`.
fn deployment_complete(d: &Value, status: &Value) -> bool {
    let replicas = spec_replicas(d);
    let at = |k: &str| status.i64_at(&[k]).unwrap_or(0);
    at("updatedReplicas") == replicas
        && at("replicas") == replicas
        && at("availableReplicas") == replicas
        && at("observedGeneration") >= d.i64_at(&["metadata", "generation"]).unwrap_or(0)
}

/// `DeploymentProgressing`: any sign of progress since the stored status.
fn deployment_progressing(d: &Value, new: &Value) -> bool {
    let old = |k: &str| status_int(d, k);
    let new_at = |k: &str| new.i64_at(&[k]).unwrap_or(0);
    new_at("updatedReplicas") > old("updatedReplicas")
        || new_at("replicas") - new_at("updatedReplicas") < old("replicas") - old("updatedReplicas")
        || new_at("readyReplicas") > old("readyReplicas")
        || new_at("availableReplicas") > old("availableReplicas")
}

/// `DeploymentTimedOut`.
fn deployment_timed_out(d: &Value, new: &Value, now: u64) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(cond) = get_condition(Some(new), PROGRESSING) else {
        return false;
    };
    match cond.str_at(&["reason"]) {
        NEW_RS_AVAILABLE => false,
        TIMED_OUT => true,
        _ => parse_rfc3339(cond.str_at(&["lastUpdateTime"]))
            .is_some_and(|from| from + deadline_ms(d) < now),
    }
}

fn deadline_ms(d: &Value) -> u64 {
    d.i64_at(&["spec", "progressDeadlineSeconds"])
        .unwrap_or(600)
        .max(0) as u64
        * 1000
}

/// `SetReplicasAnnotations`; true when something changed.
fn set_replicas_annotations(rs: &mut Value, desired: i64, max: i64) -> bool {
    let mut changed = false;
    for (key, n) in [
        (DESIRED_REPLICAS_ANNOTATION, desired),
        (MAX_REPLICAS_ANNOTATION, max),
    ] {
        let text = n.to_string();
        if rs.str_at(&["metadata", "annotations", key]) != text {
            rs.set(&["metadata", "annotations", key], Value::from(text));
            changed = true;
        }
    }
    changed
}

/// `ReplicasAnnotationsNeedUpdate`.
fn replicas_annotations_need_update(rs: &Value, desired: i64, max: i64) -> bool {
    rs.str_at(&["metadata", "annotations", DESIRED_REPLICAS_ANNOTATION]) != desired.to_string()
        || rs.str_at(&["metadata", "annotations", MAX_REPLICAS_ANNOTATION]) != max.to_string()
}

/// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations, bumps
/// the revision (remembering the old one in revision-history on rollback) and,
/// for a ReplicaSet about to be created, sets the replicas annotations.
fn set_new_rs_annotations(d: &Value, rs: &mut Value, new_revision: i64, exists: bool) -> bool {
    let mut changed = false;
    if let Some(annotations) = d
        .at(&["metadata", "annotations"])
        .and_then(Value::as_object)
    {
        for (k, v) in annotations {
            if SKIPPED_ANNOTATIONS.contains(&k.as_str())
                || rs.at(&["metadata", "annotations", k.as_str()]) == Some(v)
            {
                continue;
            }
            rs.set(&["metadata", "annotations", k.as_str()], v.clone());
            changed = true;
        }
    }
    let old_text = rs
        .str_at(&["metadata", "annotations", REVISION_ANNOTATION])
        .to_string();
    let old = if old_text.is_empty() {
        0
    } else {
        match old_text.parse::<i64>() {
            Ok(n) => n,
            Err(_) => return false,
        }
    };
    if old < new_revision {
        rs.set(
            &["metadata", "annotations", REVISION_ANNOTATION],
            Value::from(new_revision.to_string()),
        );
        changed = true;
        if !old_text.is_empty() {
            let history = rs
                .str_at(&["metadata", "annotations", REVISION_HISTORY_ANNOTATION])
                .to_string();
            let mut revisions: Vec<&str> = history.split(',').filter(|r| !r.is_empty()).collect();
            revisions.push(&old_text);
            while revisions.join(",").len() > limits::MAX_REVISION_HISTORY_CHARS
                && revisions.len() > 1
            {
                revisions.remove(0);
            }
            let joined = revisions.join(",");
            rs.set(
                &["metadata", "annotations", REVISION_HISTORY_ANNOTATION],
                Value::from(joined),
            );
        }
    }
    let replicas = spec_replicas(d);
    if !exists && set_replicas_annotations(rs, replicas, replicas + max_surge(d)) {
        changed = true;
    }
    changed
}

/// `NewRSNewReplicas`: how far the new ReplicaSet may grow now.
fn new_rs_new_replicas(d: &Value, all: &[Value], new: &Value) -> i64 {
    let replicas = spec_replicas(d);
    let new_count = spec_replicas(new);
    if !is_rolling(d) {
        return replicas;
    }
    let surge = scaled_value(
        d.at(&["spec", "strategy", "rollingUpdate", "maxSurge"]),
        replicas,
        true,
    );
    let current = sum(all, spec_replicas);
    let max_total = replicas + surge;
    if current >= max_total {
        return new_count;
    }
    new_count + (max_total - current).min(replicas - new_count)
}

/// ReplicaSets oldest first (`ReplicaSetsByCreationTimestamp`).
fn sort_by_creation(sets: &mut [Value]) {
    ordinal_model::order::sort_by_key(sets, |r| {
        (
            parse_rfc3339(r.str_at(&["metadata", "creationTimestamp"])).unwrap_or(0),
            name_of(r).to_string(),
        )
    });
}

/// `calculateStatus`.
fn calculate_status(all: &[Value], new: Option<&Value>, d: &Value, now: u64) -> Value {
    let available = sum(all, |r| status_int(r, "availableReplicas"));
    let total = sum(all, spec_replicas);
    let mut status = Value::object();
    for (key, n) in [
        (
            "observedGeneration",
            d.i64_at(&["metadata", "generation"]).unwrap_or(0),
        ),
        ("replicas", sum(all, |r| status_int(r, "replicas"))),
        (
            "updatedReplicas",
            new.map_or(0, |n| status_int(n, "replicas")),
        ),
        (
            "readyReplicas",
            sum(all, |r| status_int(r, "readyReplicas")),
        ),
        ("availableReplicas", available),
        ("unavailableReplicas", (total - available).max(0)),
    ] {
        if n != 0 {
            status.set(&[key], Value::Int(n));
        }
    }
    // GetTerminatingReplicaCountForReplicaSets: unknown (left out) when a
    // synced ReplicaSet does not report it; never-synced ones are skipped.
    let unknown = all.iter().any(|r| {
        status_int(r, "observedGeneration") != 0
            && r.at(&["status", "terminatingReplicas"]).is_none()
    });
    if !unknown {
        status.set(
            &["terminatingReplicas"],
            Value::Int(sum(all, |r| status_int(r, "terminatingReplicas"))),
        );
    }
    if let Some(c) = d.at(&["status", "collisionCount"]) {
        status.set(&["collisionCount"], c.clone());
    }
    if let Some(c) = d.at(&["status", "conditions"]) {
        status.set(&["conditions"], c.clone());
    }
    let cond = if available >= spec_replicas(d) - max_unavailable(d) {
        condition(
            AVAILABLE,
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            now,
        )
    } else {
        condition(
            AVAILABLE,
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            now,
        )
    };
    set_condition(&mut status, cond);
    status
}

impl Sim {
    /// The stored copies of `sets` (gone ones dropped).
    fn refreshed(&self, sets: &[Value]) -> Vec<Value> {
        sets.iter()
            .filter_map(|r| {
                self.store
                    .get(
                        "replicasets",
                        r.str_at(&["metadata", "namespace"]),
                        name_of(r),
                    )
                    .cloned()
            })
            .collect()
    }

    fn write_deployment(&mut self, d: &Value) -> Value {
        match self.write_status("deployments", d.clone()) {
            Some(stored) => std::sync::Arc::unwrap_or_clone(stored),
            None => d.clone(),
        }
    }

    /// Updates a ReplicaSet through the API (generation bumps on spec changes).
    fn update_replica_set(&mut self, mut rs: Value) -> Option<Value> {
        let info = resources::by_plural("replicasets")?;
        let ns = rs.str_at(&["metadata", "namespace"]).to_string();
        rs.remove(&["metadata", "resourceVersion"]);
        self.update_object(info, &ns, rs, false).ok()
    }

    /// Syncs one Deployment (`syncDeployment`).
    #[inline(never)]
    pub(crate) fn sync_deployment(&mut self, ns: &str, name: &str) {
        let Some(stored) = self.store.get("deployments", ns, name) else {
            return;
        };
        let mut d = stored.clone();
        let mut rs_list: Vec<Value> = self
            .claim_objects("replicasets", &d, "Deployment", &|_| true)
            .into_iter()
            .map(std::sync::Arc::unwrap_or_clone)
            .collect();
        sort_by_creation(&mut rs_list);
        if !d.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            let (new, old) = self.all_replica_sets(&mut d, &rs_list, false);
            self.sync_deployment_status(&old, new, &d);
            return;
        }
        self.check_paused_conditions(&mut d);
        if d.at(&["spec", "paused"]).and_then(Value::as_bool) == Some(true) {
            self.sync_scale(&mut d, &rs_list);
            return;
        }
        if self.is_scaling_event(&mut d, &rs_list) {
            self.sync_scale(&mut d, &rs_list);
            return;
        }
        if is_rolling(&d) {
            self.rollout_rolling(&mut d, &rs_list);
        } else {
            self.rollout_recreate(&mut d, &rs_list);
        }
    }

    /// `checkPausedConditions`.
    fn check_paused_conditions(&mut self, d: &mut Value) {
        if !has_progress_deadline(d) {
            return;
        }
        let reason =
            get_condition(d.get("status"), PROGRESSING).map(|c| c.str_at(&["reason"]).to_string());
        if reason.as_deref() == Some(TIMED_OUT) {
            return;
        }
        let paused = d.at(&["spec", "paused"]).and_then(Value::as_bool) == Some(true);
        let paused_cond = reason.as_deref() == Some(PAUSED);
        let cond = if paused && !paused_cond {
            condition(
                PROGRESSING,
                "Unknown",
                PAUSED,
                "Deployment is paused",
                self.now,
            )
        } else if !paused && paused_cond {
            condition(
                PROGRESSING,
                "Unknown",
                "DeploymentResumed",
                "Deployment is resumed",
                self.now,
            )
        } else {
            return;
        };
        set_condition(d.entry("status"), cond);
        *d = self.write_deployment(d);
    }

    /// `getAllReplicaSetsAndSyncRevision`: (new, old) ReplicaSets, creating
    /// the new one when `create` is set.
    fn all_replica_sets(
        &mut self,
        d: &mut Value,
        rs_list: &[Value],
        create: bool,
    ) -> (Option<Value>, Vec<Value>) {
        let template = d.at(&["spec", "template"]);
        let existing = rs_list
            .iter()
            .find(|r| equal_ignore_hash(r.at(&["spec", "template"]), template))
            .cloned();
        let old: Vec<Value> = rs_list
            .iter()
            .filter(|r| existing.as_ref().is_none_or(|e| name_of(e) != name_of(r)))
            .cloned()
            .collect();
        let new = self.new_replica_set(d, &old, existing, create);
        (new, old)
    }

    /// `getNewReplicaSet`.
    fn new_replica_set(
        &mut self,
        d: &mut Value,
        old: &[Value],
        existing: Option<Value>,
        create: bool,
    ) -> Option<Value> {
        let new_revision = old.iter().filter_map(revision_of).max().unwrap_or(0) + 1;
        if let Some(existing) = existing {
            let mut copy = existing.clone();
            let annotations_updated = set_new_rs_annotations(d, &mut copy, new_revision, true);
            let min_ready = d.i64_at(&["spec", "minReadySeconds"]).unwrap_or(0);
            if annotations_updated
                || copy.i64_at(&["spec", "minReadySeconds"]).unwrap_or(0) != min_ready
            {
                if min_ready == 0 {
                    copy.remove(&["spec", "minReadySeconds"]);
                } else {
                    copy.set(&["spec", "minReadySeconds"], Value::Int(min_ready));
                }
                return self.update_replica_set(copy).or(Some(existing));
            }
            let revision = copy
                .str_at(&["metadata", "annotations", REVISION_ANNOTATION])
                .to_string();
            let mut needs_update = set_deployment_revision(d, &revision);
            if has_progress_deadline(d) && get_condition(d.get("status"), PROGRESSING).is_none() {
                let msg = format!("Found new replica set {:?}", name_of(&copy));
                set_condition(
                    d.entry("status"),
                    condition(PROGRESSING, "True", "FoundNewReplicaSet", &msg, self.now),
                );
                needs_update = true;
            }
            if needs_update {
                *d = self.write_deployment(d);
            }
            return Some(copy);
        }
        if !create {
            return None;
        }
        let info = resources::by_plural("replicasets")?;
        let ns = d.str_at(&["metadata", "namespace"]).to_string();
        let collision_count = d.i64_at(&["status", "collisionCount"]).unwrap_or(0);
        let template = d
            .at(&["spec", "template"])
            .cloned()
            .unwrap_or_else(Value::object);
        let hash = history::revision_hash(&to_compact(&template), collision_count);
        let rs_name = format!("{}-{hash}", name_of(d));
        let mut rs_template = template.clone();
        rs_template.set(
            &["metadata", "labels", HASH_LABEL],
            Value::from(hash.as_str()),
        );
        let mut selector = d
            .at(&["spec", "selector"])
            .cloned()
            .unwrap_or_else(Value::object);
        selector.set(&["matchLabels", HASH_LABEL], Value::from(hash.as_str()));
        let mut rs = Value::from([
            ("apiVersion", Value::from("apps/v1")),
            ("kind", Value::from("ReplicaSet")),
            (
                "metadata",
                Value::from([
                    ("name", Value::from(rs_name.as_str())),
                    ("namespace", Value::from(ns.as_str())),
                    (
                        "labels",
                        rs_template
                            .at(&["metadata", "labels"])
                            .cloned()
                            .unwrap_or_else(Value::object),
                    ),
                    (
                        "ownerReferences",
                        Value::from(vec![new_controller_ref(d, "Deployment")]),
                    ),
                ]),
            ),
            (
                "spec",
                Value::from([
                    ("replicas", Value::Int(0)),
                    ("selector", selector),
                    ("template", rs_template),
                ]),
            ),
        ]);
        if let Some(m) = d.i64_at(&["spec", "minReadySeconds"]).filter(|m| *m != 0) {
            rs.set(&["spec", "minReadySeconds"], Value::Int(m));
        }
        let mut all = old.to_vec();
        all.push(rs.clone());
        let count = new_rs_new_replicas(d, &all, &rs);
        rs.set(&["spec", "replicas"], Value::Int(count));
        set_new_rs_annotations(d, &mut rs, new_revision, false);
        let d_uid = d.str_at(&["metadata", "uid"]).to_string();
        let (created, already_exists) = match self.create_object(info, &ns, rs, false) {
            Ok(created) => (created, false),
            Err(e) if e.reason == Reason::AlreadyExists => {
                let same = self.store.get("replicasets", &ns, &rs_name).filter(|r| {
                    controller_ref(r).is_some_and(|o| o.str_at(&["uid"]) == d_uid)
                        && equal_ignore_hash(
                            r.at(&["spec", "template"]),
                            d.at(&["spec", "template"]),
                        )
                });
                match same {
                    Some(r) => (r.clone(), true),
                    None => {
                        d.set(
                            &["status", "collisionCount"],
                            Value::Int(collision_count + 1),
                        );
                        *d = self.write_deployment(d);
                        self.enqueue(Work::Deployment(ns, name_of(d).to_string()));
                        return None;
                    }
                }
            }
            Err(e) => {
                // The sync fails and is retried; in a namespace being
                // terminated every create fails, and nothing is reported.
                self.sync_failed = true;
                if self.namespace_terminating(&ns) {
                    return None;
                }
                let msg = format!("Failed to create new replica set {rs_name:?}: {e}");
                if has_progress_deadline(d) {
                    set_condition(
                        d.entry("status"),
                        condition(
                            PROGRESSING,
                            "False",
                            "ReplicaSetCreateError",
                            &msg,
                            self.now,
                        ),
                    );
                    *d = self.write_deployment(d);
                }
                self.record_event(d, "", WARNING, "ReplicaSetCreateError", &msg, SOURCE);
                return None;
            }
        };
        if !already_exists && count > 0 {
            self.record_event(
                d,
                "",
                NORMAL,
                "ScalingReplicaSet",
                &format!("Scaled up replica set {rs_name} to {count}"),
                SOURCE,
            );
        }
        let mut needs_update = set_deployment_revision(d, &new_revision.to_string());
        if !already_exists && has_progress_deadline(d) {
            let msg = format!("Created new replica set {rs_name:?}");
            set_condition(
                d.entry("status"),
                condition(PROGRESSING, "True", "NewReplicaSetCreated", &msg, self.now),
            );
            needs_update = true;
        }
        if needs_update {
            *d = self.write_deployment(d);
        }
        Some(created)
    }

    /// `scaleReplicaSetAndRecordEvent`.
    fn scale_and_record(&mut self, rs: &Value, new_scale: i64, d: &Value) -> (bool, Value) {
        let current = spec_replicas(rs);
        if current == new_scale {
            return (false, rs.clone());
        }
        let op = if current < new_scale { "up" } else { "down" };
        self.scale_replica_set(rs, new_scale, d, op)
    }

    /// `scaleReplicaSet`: writes the size and replicas annotations; records
    /// `ScalingReplicaSet` when the size changed.
    fn scale_replica_set(
        &mut self,
        rs: &Value,
        new_scale: i64,
        d: &Value,
        op: &str,
    ) -> (bool, Value) {
        let replicas = spec_replicas(d);
        let max = replicas + max_surge(d);
        let old_scale = spec_replicas(rs);
        let size_changed = old_scale != new_scale;
        if !size_changed && !replicas_annotations_need_update(rs, replicas, max) {
            return (false, rs.clone());
        }
        let mut copy = rs.clone();
        copy.set(&["spec", "replicas"], Value::Int(new_scale));
        set_replicas_annotations(&mut copy, replicas, max);
        let Some(updated) = self.update_replica_set(copy) else {
            return (false, rs.clone());
        };
        if size_changed {
            self.record_event(
                d,
                "",
                NORMAL,
                "ScalingReplicaSet",
                &format!(
                    "Scaled {op} replica set {} to {new_scale} from {old_scale}",
                    name_of(rs)
                ),
                SOURCE,
            );
        }
        (size_changed, updated)
    }

    /// `isScalingEvent`: an active ReplicaSet was sized for another `spec.replicas`.
    fn is_scaling_event(&mut self, d: &mut Value, rs_list: &[Value]) -> bool {
        let (new, old) = self.all_replica_sets(d, rs_list, false);
        let replicas = spec_replicas(d);
        old.iter()
            .chain(new.as_ref())
            .filter(|r| spec_replicas(r) > 0)
            .filter_map(|r| {
                r.str_at(&["metadata", "annotations", DESIRED_REPLICAS_ANNOTATION])
                    .parse::<i64>()
                    .ok()
            })
            .any(|desired| desired != replicas)
    }

    /// `sync`: scale (proportionally while rolling), then status.
    fn sync_scale(&mut self, d: &mut Value, rs_list: &[Value]) {
        let (new, old) = self.all_replica_sets(d, rs_list, false);
        self.scale_proportionally(d, new.as_ref(), &old);
        let old = self.refreshed(&old);
        let new = new.and_then(|n| self.refreshed(&[n]).pop());
        if d.at(&["spec", "paused"]).and_then(Value::as_bool) == Some(true) {
            self.cleanup_deployment(&old, d);
        }
        self.sync_deployment_status(&old, new, d);
    }

    /// `scale` of sync.go.
    fn scale_proportionally(&mut self, d: &Value, new: Option<&Value>, old: &[Value]) {
        let replicas = spec_replicas(d);
        let mut newest_first = old.to_vec();
        sort_by_creation(&mut newest_first);
        newest_first.reverse();
        let active: Vec<Value> = newest_first
            .iter()
            .chain(new)
            .filter(|r| spec_replicas(r) > 0)
            .cloned()
            .collect();
        let active_or_latest = match active.len() {
            0 => new.cloned().or_else(|| newest_first.first().cloned()),
            1 => active.first().cloned(),
            _ => None,
        };
        if let Some(rs) = active_or_latest {
            if spec_replicas(&rs) != replicas {
                self.scale_and_record(&rs, replicas, d);
            }
            return;
        }
        let saturated = new.is_some_and(|n| {
            spec_replicas(n) == replicas
                && n.str_at(&["metadata", "annotations", DESIRED_REPLICAS_ANNOTATION])
                    == replicas.to_string()
                && status_int(n, "availableReplicas") == replicas
        });
        if saturated {
            for rs in old.iter().filter(|r| spec_replicas(r) > 0) {
                self.scale_and_record(rs, 0, d);
            }
            return;
        }
        if !is_rolling(d) {
            return;
        }
        let mut sets: Vec<Value> = old
            .iter()
            .chain(new)
            .filter(|r| spec_replicas(r) > 0)
            .cloned()
            .collect();
        let allowed = if replicas > 0 {
            replicas + max_surge(d)
        } else {
            0
        };
        let to_add = allowed - sum(&sets, spec_replicas);
        let created =
            |r: &Value| parse_rfc3339(r.str_at(&["metadata", "creationTimestamp"])).unwrap_or(0);
        let op = if to_add > 0 {
            // ReplicaSetsBySizeNewer: larger first, then newer.
            ordinal_model::order::sort_by(&mut sets, |a, b| {
                spec_replicas(b)
                    .cmp(&spec_replicas(a))
                    .then((created(b), name_of(b)).cmp(&(created(a), name_of(a))))
            });
            "up"
        } else if to_add < 0 {
            // ReplicaSetsBySizeOlder: larger first, then older.
            ordinal_model::order::sort_by(&mut sets, |a, b| {
                spec_replicas(b)
                    .cmp(&spec_replicas(a))
                    .then((created(a), name_of(a)).cmp(&(created(b), name_of(b))))
            });
            "down"
        } else {
            ""
        };
        let mut added = 0;
        let mut sizes: Vec<i64> = Vec::with_capacity(sets.len());
        for rs in &sets {
            if to_add != 0 {
                let proportion = replica_set_proportion(rs, d, to_add, added);
                sizes.push(spec_replicas(rs) + proportion);
                added += proportion;
            } else {
                sizes.push(spec_replicas(rs));
            }
        }
        for (i, rs) in sets.iter().enumerate() {
            if i == 0 && to_add != 0 {
                sizes[0] = (sizes[0] + to_add - added).max(0);
            }
            self.scale_replica_set(rs, sizes[i], d, op);
        }
    }

    /// `rolloutRolling`.
    fn rollout_rolling(&mut self, d: &mut Value, rs_list: &[Value]) {
        let (new, old) = self.all_replica_sets(d, rs_list, true);
        let Some(new) = new else { return };
        let mut all = old.clone();
        all.push(new.clone());
        let scaled_up = self.reconcile_new_replica_set(&all, &new, d);
        if !scaled_up {
            let active_old: Vec<Value> = old
                .iter()
                .filter(|r| spec_replicas(r) > 0)
                .cloned()
                .collect();
            let scaled_down = self.reconcile_old_replica_sets(&all, &active_old, &new, d);
            if !scaled_down && d.get("status").is_some_and(|s| deployment_complete(d, s)) {
                let old = self.refreshed(&old);
                self.cleanup_deployment(&old, d);
            }
        }
        let all = self.refreshed(&all);
        let new = self.refreshed(&[new]).pop();
        self.sync_rollout_status(&all, new.as_ref(), d);
    }

    /// `reconcileNewReplicaSet`.
    fn reconcile_new_replica_set(&mut self, all: &[Value], new: &Value, d: &Value) -> bool {
        let replicas = spec_replicas(d);
        let current = spec_replicas(new);
        if current == replicas {
            return false;
        }
        if current > replicas {
            return self.scale_and_record(new, replicas, d).0;
        }
        let count = new_rs_new_replicas(d, all, new);
        self.scale_and_record(new, count, d).0
    }

    /// `reconcileOldReplicaSets`.
    fn reconcile_old_replica_sets(
        &mut self,
        all: &[Value],
        old: &[Value],
        new: &Value,
        d: &Value,
    ) -> bool {
        if sum(old, spec_replicas) == 0 {
            return false;
        }
        let min_available = spec_replicas(d) - max_unavailable(d);
        let new_unavailable = spec_replicas(new) - status_int(new, "availableReplicas");
        let max_scaled_down = sum(all, spec_replicas) - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        let (old, cleaned) = self.cleanup_unhealthy_replicas(old, d, max_scaled_down);
        let mut all = old.clone();
        all.push(new.clone());
        let scaled = self.scale_down_old_for_rolling_update(&all, &old, d);
        cleaned + scaled > 0
    }

    /// `cleanupUnhealthyReplicas`: scales down old ReplicaSets' unavailable pods first.
    fn cleanup_unhealthy_replicas(
        &mut self,
        old: &[Value],
        d: &Value,
        max: i64,
    ) -> (Vec<Value>, i64) {
        let mut old = old.to_vec();
        sort_by_creation(&mut old);
        let mut total = 0;
        for rs in old.iter_mut() {
            if total >= max {
                break;
            }
            let replicas = spec_replicas(rs);
            let available = status_int(rs, "availableReplicas");
            if replicas == 0 || replicas == available {
                continue;
            }
            let count = (max - total).min(replicas - available);
            let (_, updated) = self.scale_and_record(rs, replicas - count, d);
            total += count;
            *rs = updated;
        }
        (old, total)
    }

    /// `scaleDownOldReplicaSetsForRollingUpdate`: keeps at least
    /// `replicas - maxUnavailable` pods available.
    fn scale_down_old_for_rolling_update(
        &mut self,
        all: &[Value],
        old: &[Value],
        d: &Value,
    ) -> i64 {
        let min_available = spec_replicas(d) - max_unavailable(d);
        let available = sum(all, |r| status_int(r, "availableReplicas"));
        if available <= min_available {
            return 0;
        }
        let mut old = old.to_vec();
        sort_by_creation(&mut old);
        let target = available - min_available;
        let mut total = 0;
        for rs in &old {
            if total >= target {
                break;
            }
            let replicas = spec_replicas(rs);
            if replicas == 0 {
                continue;
            }
            let count = replicas.min(target - total);
            self.scale_and_record(rs, replicas - count, d);
            total += count;
        }
        total
    }

    /// `rolloutRecreate`: old ReplicaSets to 0, wait for their pods to be
    /// gone, then the new one to full size.
    fn rollout_recreate(&mut self, d: &mut Value, rs_list: &[Value]) {
        let (mut new, old) = self.all_replica_sets(d, rs_list, false);
        let mut scaled_down = false;
        for rs in old.iter().filter(|r| spec_replicas(r) > 0) {
            if self.scale_and_record(rs, 0, d).0 {
                scaled_down = true;
            }
        }
        if !scaled_down && !self.old_pods_running(new.as_ref(), &old) {
            if new.is_none() {
                new = self.all_replica_sets(d, rs_list, true).0;
            }
            if let Some(n) = &new {
                self.scale_and_record(n, spec_replicas(d), d);
            }
            if d.get("status").is_some_and(|s| deployment_complete(d, s)) {
                let old = self.refreshed(&old);
                self.cleanup_deployment(&old, d);
            }
        }
        let mut all = self.refreshed(&old);
        let new = new.and_then(|n| self.refreshed(&[n]).pop());
        all.extend(new.clone());
        self.sync_rollout_status(&all, new.as_ref(), d);
    }

    /// `oldPodsRunning`: old ReplicaSets still report pods, or own a pod not
    /// yet Succeeded/Failed (terminating ones count).
    fn old_pods_running(&self, new: Option<&Value>, old: &[Value]) -> bool {
        if sum(old, |r| status_int(r, "replicas")) > 0 {
            return true;
        }
        let new_uid = new.map_or("", |n| n.str_at(&["metadata", "uid"]));
        old.iter()
            .map(|r| r.str_at(&["metadata", "uid"]))
            .filter(|uid| *uid != new_uid)
            .flat_map(|uid| self.store.owned("pods", uid))
            .any(|p| !matches!(p.str_at(&["status", "phase"]), "Succeeded" | "Failed"))
    }

    /// `cleanupDeployment`: deletes the oldest empty ReplicaSets beyond
    /// `revisionHistoryLimit`.
    fn cleanup_deployment(&mut self, old: &[Value], d: &Value) {
        let Some(limit) = d.i64_at(&["spec", "revisionHistoryLimit"]) else {
            return;
        };
        let limit = limit.clamp(0, limits::MAX_REVISION_HISTORY) as usize;
        let mut cleanable: Vec<Value> = old
            .iter()
            .filter(|r| r.str_at(&["metadata", "deletionTimestamp"]).is_empty())
            .cloned()
            .collect();
        if cleanable.len() <= limit {
            return;
        }
        let diff = cleanable.len() - limit;
        ordinal_model::order::sort_by_key(&mut cleanable, |r| {
            (
                revision_of(r).unwrap_or(0),
                parse_rfc3339(r.str_at(&["metadata", "creationTimestamp"])).unwrap_or(0),
                name_of(r).to_string(),
            )
        });
        let Some(info) = resources::by_plural("replicasets") else {
            return;
        };
        for rs in &cleanable[..diff] {
            if status_int(rs, "replicas") != 0
                || spec_replicas(rs) != 0
                || rs.i64_at(&["metadata", "generation"]).unwrap_or(0)
                    > status_int(rs, "observedGeneration")
            {
                continue;
            }
            let ns = rs.str_at(&["metadata", "namespace"]).to_string();
            let _ = self.delete_object(info, &ns, name_of(rs), &DeleteOptions::default());
        }
    }

    /// `syncDeploymentStatus`: writes the calculated status when it changed.
    fn sync_deployment_status(&mut self, old: &[Value], new: Option<Value>, d: &Value) {
        let mut all = old.to_vec();
        all.extend(new.clone());
        let status = calculate_status(&all, new.as_ref(), d, self.now);
        if d.get("status") != Some(&status) {
            let mut updated = d.clone();
            updated.set(&["status"], status);
            self.write_deployment(&updated);
        }
    }

    /// `syncRolloutStatus`: status plus the Progressing condition, and a
    /// requeue at the progress deadline (`requeueStuckDeployment`).
    fn sync_rollout_status(&mut self, all: &[Value], new: Option<&Value>, d: &Value) {
        let mut status = calculate_status(all, new, d, self.now);
        let deadline = has_progress_deadline(d);
        if !deadline {
            remove_condition(&mut status, PROGRESSING);
        }
        let current = get_condition(d.get("status"), PROGRESSING).cloned();
        let complete_before = status.i64_at(&["replicas"]) == status.i64_at(&["updatedReplicas"])
            && current
                .as_ref()
                .is_some_and(|c| c.str_at(&["reason"]) == NEW_RS_AVAILABLE);
        let subject = match new {
            Some(n) => format!("ReplicaSet {:?}", name_of(n)),
            None => format!("Deployment {:?}", name_of(d)),
        };
        if deadline && !complete_before {
            if deployment_complete(d, &status) {
                let msg = format!("{subject} has successfully progressed.");
                set_condition(
                    &mut status,
                    condition(PROGRESSING, "True", NEW_RS_AVAILABLE, &msg, self.now),
                );
            } else if deployment_progressing(d, &status) {
                let msg = format!("{subject} is progressing.");
                let mut cond = condition(PROGRESSING, "True", "ReplicaSetUpdated", &msg, self.now);
                if let Some(cur) = &current {
                    if cur.str_at(&["status"]) == "True" {
                        if let Some(t) = cur.get("lastTransitionTime") {
                            cond.set(&["lastTransitionTime"], t.clone());
                        }
                    }
                    remove_condition(&mut status, PROGRESSING);
                }
                set_condition(&mut status, cond);
            } else if deployment_timed_out(d, &status, self.now) {
                let msg = format!("{subject} has timed out progressing.");
                set_condition(
                    &mut status,
                    condition(PROGRESSING, "False", TIMED_OUT, &msg, self.now),
                );
            }
        }
        remove_condition(&mut status, "ReplicaFailure");
        if d.get("status") != Some(&status) {
            let mut updated = d.clone();
            updated.set(&["status"], status.clone());
            self.write_deployment(&updated);
        }
        let Some(cond) = get_condition(Some(&status), PROGRESSING) else {
            return;
        };
        if !deadline || deployment_complete(d, &status) || cond.str_at(&["reason"]) == TIMED_OUT {
            return;
        }
        let Some(last) = parse_rfc3339(cond.str_at(&["lastUpdateTime"])) else {
            return;
        };
        let due = last + deadline_ms(d) + timing::DEPLOYMENT_DEADLINE_RECHECK_MS;
        self.enqueue_after(
            Work::Deployment(
                d.str_at(&["metadata", "namespace"]).to_string(),
                name_of(d).to_string(),
            ),
            due.saturating_sub(self.now)
                .max(timing::DEPLOYMENT_DEADLINE_RECHECK_MS),
            true,
        );
    }
}

/// `SetDeploymentRevision`; true when the annotation changed.
fn set_deployment_revision(d: &mut Value, revision: &str) -> bool {
    if d.str_at(&["metadata", "annotations", REVISION_ANNOTATION]) == revision {
        return false;
    }
    d.set(
        &["metadata", "annotations", REVISION_ANNOTATION],
        Value::from(revision),
    );
    true
}

/// `GetReplicaSetProportion` with `getReplicaSetFraction`.
fn replica_set_proportion(rs: &Value, d: &Value, to_add: i64, added: i64) -> i64 {
    let size = spec_replicas(rs);
    if size == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let replicas = spec_replicas(d);
    let fraction = if replicas == 0 {
        -size
    } else {
        let max_now = replicas + max_surge(d);
        let before = rs
            .str_at(&["metadata", "annotations", MAX_REPLICAS_ANNOTATION])
            .parse::<i64>()
            .ok()
            .filter(|n| *n != 0)
            .unwrap_or_else(|| status_int(d, "replicas"));
        if before == 0 {
            0
        } else {
            ((size * max_now) as f64 / before as f64).round() as i64 - size
        }
    };
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(replicas: i64, surge: Value, unavailable: Value) -> Value {
        let mut d = Value::object();
        d.set(&["spec", "replicas"], Value::Int(replicas));
        d.set(&["spec", "strategy", "type"], "RollingUpdate".into());
        d.set(&["spec", "strategy", "rollingUpdate", "maxSurge"], surge);
        d.set(
            &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
            unavailable,
        );
        d
    }

    #[test]
    fn percentages_round_surge_up_and_unavailable_down() {
        let d = deployment(3, "25%".into(), "25%".into());
        assert_eq!((max_surge(&d), max_unavailable(&d)), (1, 0));
        let d = deployment(10, "25%".into(), "25%".into());
        assert_eq!((max_surge(&d), max_unavailable(&d)), (3, 2));
        let d = deployment(3, Value::Int(0), Value::Int(0));
        assert_eq!((max_surge(&d), max_unavailable(&d)), (0, 1));
        let d = deployment(2, Value::Int(0), Value::Int(5));
        assert_eq!(max_unavailable(&d), 2);
    }

    #[test]
    fn conditions_keep_transition_time_when_only_the_reason_changes() {
        let mut status = Value::object();
        set_condition(&mut status, condition(PROGRESSING, "True", "A", "a", 1_000));
        set_condition(&mut status, condition(AVAILABLE, "True", "B", "b", 2_000));
        set_condition(&mut status, condition(PROGRESSING, "True", "C", "c", 5_000));
        let conds = status.array_at(&["conditions"]);
        assert_eq!(conds[0].str_at(&["type"]), AVAILABLE);
        assert_eq!(conds[1].str_at(&["reason"]), "C");
        assert_eq!(conds[1].str_at(&["lastTransitionTime"]), rfc3339(1_000));
        assert_eq!(conds[1].str_at(&["lastUpdateTime"]), rfc3339(5_000));
    }

    #[test]
    fn templates_compare_without_the_hash_label() {
        let mut a = Value::object();
        a.set(&["metadata", "labels", "app"], "web".into());
        let mut b = a.clone();
        b.set(&["metadata", "labels", HASH_LABEL], "abc".into());
        assert!(equal_ignore_hash(Some(&a), Some(&b)));
        b.set(&["spec", "x"], Value::Int(1));
        assert!(!equal_ignore_hash(Some(&a), Some(&b)));
    }
}
