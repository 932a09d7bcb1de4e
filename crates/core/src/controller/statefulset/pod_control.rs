//! Creating, updating and deleting the pods and claims of a StatefulSet, with
//! the controller's events. Mirrors pkg/controller/statefulset/stateful_pod_control.go.

use ordinal_model::Value;

use super::utils::{self, claim_names_for, claims_for};
use crate::apiserver::DeleteOptions;
use crate::events::{Source, NORMAL, WARNING};
use crate::resources;
use crate::sim::Sim;

const SOURCE: Source<'static> = Source {
    component: "statefulset-controller",
    host: "",
};

fn owner_ref(obj: &Value, kind: &str, api_version: &str) -> Value {
    Value::from([
        ("apiVersion", Value::from(api_version)),
        ("kind", Value::from(kind)),
        ("name", Value::from(obj.str_at(&["metadata", "name"]))),
        ("uid", Value::from(obj.str_at(&["metadata", "uid"]))),
    ])
}

/// The ownerReferences a claim should carry under the retention policy
/// (`updateClaimOwnerRefForSetAndPod`), keeping unrelated references.
fn desired_claim_refs(
    set: &Value,
    pod: Option<&Value>,
    condemned: bool,
    claim: &Value,
) -> Vec<Value> {
    let set_uid = set.str_at(&["metadata", "uid"]);
    let pod_uid = pod.map_or("", |p| p.str_at(&["metadata", "uid"]));
    let mut refs: Vec<Value> = claim
        .array_at(&["metadata", "ownerReferences"])
        .iter()
        .filter(|r| {
            let uid = r.str_at(&["uid"]);
            uid != set_uid
                && !(r.str_at(&["kind"]) == "Pod" && (uid == pod_uid || pod_uid.is_empty()))
        })
        .cloned()
        .collect();
    if set.str_at(&[
        "spec",
        "persistentVolumeClaimRetentionPolicy",
        "whenDeleted",
    ]) == "Delete"
    {
        refs.push(owner_ref(set, "StatefulSet", "apps/v1"));
    }
    if condemned
        && set.str_at(&["spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"]) == "Delete"
    {
        if let Some(pod) = pod {
            refs.push(owner_ref(pod, "Pod", "v1"));
        }
    }
    refs
}

impl Sim {
    fn sts_event(&mut self, set: &Value, event_type: &str, reason: &str, message: &str) {
        self.record_event(set, "", event_type, reason, message, SOURCE);
    }

    /// Creates the missing claims of a pod (`createMissingPersistentVolumeClaims`).
    pub(crate) fn create_missing_claims(
        &mut self,
        set: &Value,
        ordinal: i64,
    ) -> Result<(), String> {
        let ns = set.str_at(&["metadata", "namespace"]);
        // Nearly always every claim is there already: nothing to build.
        let all_there = claim_names_for(set, ordinal).iter().all(|name| {
            self.store
                .get("persistentvolumeclaims", ns, name)
                .is_some_and(|c| !utils::is_terminating(c))
        });
        if all_there {
            return Ok(());
        }
        let set_name = set.str_at(&["metadata", "name"]).to_string();
        let pod_name = utils::pod_name(&set_name, ordinal);
        let Some(info) = resources::by_plural("persistentvolumeclaims") else {
            return Ok(());
        };
        for mut claim in claims_for(set, ordinal) {
            let claim_name = claim.str_at(&["metadata", "name"]).to_string();
            if let Some(existing) = self.store.get("persistentvolumeclaims", ns, &claim_name) {
                if utils::is_terminating(existing) {
                    return Err(format!("pvc {claim_name} is being deleted"));
                }
                continue;
            }
            let refs = desired_claim_refs(set, None, false, &claim);
            if !refs.is_empty() {
                claim.set(&["metadata", "ownerReferences"], Value::from(refs));
            }
            match self.create_object(info, ns, claim, false) {
                Ok(_) => self.sts_event(
                    set,
                    NORMAL,
                    "SuccessfulCreate",
                    &format!("create Claim {claim_name} Pod {pod_name} in StatefulSet {set_name} success"),
                ),
                Err(e) => {
                    self.sync_failed = true;
                    self.sts_event(
                        set,
                        WARNING,
                        "FailedCreate",
                        &format!("create Claim {claim_name} for Pod {pod_name} in StatefulSet {set_name} failed error: {e}"),
                    );
                    return Err(e.message);
                }
            }
        }
        Ok(())
    }

    /// True when a claim of this ordinal still belongs to an older pod and is
    /// on its way out (`PodClaimIsStale`).
    pub(crate) fn claim_is_stale(&self, set: &Value, ordinal: i64) -> bool {
        let ns = set.str_at(&["metadata", "namespace"]);
        claim_names_for(set, ordinal).iter().any(|c| {
            self.store
                .get("persistentvolumeclaims", ns, c)
                .is_some_and(|existing| {
                    existing
                        .array_at(&["metadata", "ownerReferences"])
                        .iter()
                        .any(|r| r.str_at(&["kind"]) == "Pod")
                })
        })
    }

    /// Creates claims then the pod (`CreateStatefulPod`).
    pub(crate) fn create_stateful_pod(
        &mut self,
        set: &Value,
        pod: Value,
        ordinal: i64,
    ) -> Result<Value, String> {
        self.create_missing_claims(set, ordinal)?;
        let set_name = set.str_at(&["metadata", "name"]).to_string();
        let pod_name = pod.str_at(&["metadata", "name"]).to_string();
        let ns = set.str_at(&["metadata", "namespace"]).to_string();
        let info = resources::by_plural("pods").ok_or("pods are not served")?;
        match self.create_object(info, &ns, pod, false) {
            Ok(created) => {
                self.sts_event(
                    set,
                    NORMAL,
                    "SuccessfulCreate",
                    &format!("create Pod {pod_name} in StatefulSet {set_name} successful"),
                );
                Ok(created)
            }
            Err(e) => {
                self.sync_failed = true;
                self.sts_event(
                    set,
                    WARNING,
                    "FailedCreate",
                    &format!("create Pod {pod_name} in StatefulSet {set_name} failed error: {e}"),
                );
                Err(e.message)
            }
        }
    }

    /// Deletes a pod (`DeleteStatefulPod`).
    pub(crate) fn delete_stateful_pod(&mut self, set: &Value, pod: &Value) {
        let set_name = set.str_at(&["metadata", "name"]).to_string();
        let pod_name = pod.str_at(&["metadata", "name"]).to_string();
        let ns = pod.str_at(&["metadata", "namespace"]).to_string();
        let Some(info) = resources::by_plural("pods") else {
            return;
        };
        match self.delete_object(info, &ns, &pod_name, &DeleteOptions::default()) {
            Ok(_) => self.sts_event(
                set,
                NORMAL,
                "SuccessfulDelete",
                &format!("delete Pod {pod_name} in StatefulSet {set_name} successful"),
            ),
            Err(e) => self.sts_event(
                set,
                WARNING,
                "FailedDelete",
                &format!("delete Pod {pod_name} in StatefulSet {set_name} failed error: {e}"),
            ),
        }
    }

    /// True when every claim of the pod carries the retention policy's
    /// ownerReferences (`ClaimsMatchRetentionPolicy`).
    pub(crate) fn claims_match_retention(
        &self,
        set: &Value,
        pod: &Value,
        ordinal: i64,
        condemned: bool,
    ) -> bool {
        let ns = set.str_at(&["metadata", "namespace"]);
        claim_names_for(set, ordinal).iter().all(|c| {
            match self.store.get("persistentvolumeclaims", ns, c) {
                None => true,
                Some(existing) => {
                    let want = desired_claim_refs(set, Some(pod), condemned, existing);
                    let have = existing.array_at(&["metadata", "ownerReferences"]);
                    have.len() == want.len()
                        && want.iter().all(|w| {
                            have.iter()
                                .any(|h| h.str_at(&["uid"]) == w.str_at(&["uid"]))
                        })
                }
            }
        })
    }

    /// Rewrites claim ownerReferences for the retention policy (`UpdatePodClaimForRetentionPolicy`).
    pub(crate) fn fix_claim_retention(
        &mut self,
        set: &Value,
        pod: &Value,
        ordinal: i64,
        condemned: bool,
    ) {
        let ns = set.str_at(&["metadata", "namespace"]).to_string();
        for name in claim_names_for(set, ordinal) {
            let Some(mut existing) = self
                .store
                .get("persistentvolumeclaims", &ns, &name)
                .cloned()
            else {
                continue;
            };
            let refs = desired_claim_refs(set, Some(pod), condemned, &existing);
            if refs.is_empty() {
                existing.remove(&["metadata", "ownerReferences"]);
            } else {
                existing.set(&["metadata", "ownerReferences"], Value::from(refs));
            }
            self.write_status("persistentvolumeclaims", existing);
        }
    }

    /// Restores identity, storage and claim references (`UpdateStatefulPod`).
    pub(crate) fn update_stateful_pod(&mut self, set: &Value, pod: &Value, ordinal: i64) {
        let set_name = set.str_at(&["metadata", "name"]).to_string();
        let pod_name = pod.str_at(&["metadata", "name"]).to_string();
        let mut updated = pod.clone();
        utils::update_identity_labels(&mut updated, ordinal);
        if !utils::storage_matches(set, &updated, ordinal) {
            utils::update_storage(set, &mut updated, ordinal);
            if let Err(e) = self.create_missing_claims(set, ordinal) {
                self.sts_event(
                    set,
                    WARNING,
                    "FailedUpdate",
                    &format!("update Pod {pod_name} in StatefulSet {set_name} failed error: {e}"),
                );
                return;
            }
        }
        self.fix_claim_retention(set, pod, ordinal, false);
        if &updated != pod {
            self.write_status("pods", updated);
        }
        self.sts_event(
            set,
            NORMAL,
            "SuccessfulUpdate",
            &format!("update Pod {pod_name} in StatefulSet {set_name} successful"),
        );
    }
}
