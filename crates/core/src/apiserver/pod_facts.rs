//! A typed summary of each stored pod, kept beside its tree: what the
//! StatefulSet controller and the claim of a controller's pods read of every
//! pod on every sync (its controller, labels, name and ordinal, phase,
//! readiness, revision, identity and claim volumes). A set's sync reads
//! these for each of its pods instead of walking each pod's maps: at 10,000
//! pods those walks were mostly waiting on memory. Computed from the stored
//! object when it is written, by the same predicates
//! (`controller::statefulset::utils`), so the answers are the tree's.

use ordinal_model::Value;

use crate::clock::parse_rfc3339;
use crate::controller::statefulset::utils::{
    self, is_decimal_of, parent_and_ordinal, POD_INDEX_LABEL, POD_NAME_LABEL,
};
use crate::controller::{controller_ref, ready_condition};

/// The summary of one stored version of a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PodFacts {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// The parent name and ordinal its name reads as (`<parent>-<n>`).
    pub parent_ordinal: Option<(String, i64)>,
    /// The uid of its controller reference, if it has one.
    pub controller_uid: Option<String>,
    /// `metadata.labels` (a shared copy of the map).
    pub labels: Option<Value>,
    /// Has a deletionTimestamp.
    pub terminating: bool,
    /// `status.phase`.
    pub phase: String,
    /// Phase Running and condition Ready true.
    pub running_and_ready: bool,
    /// When its Ready condition last moved, if it has one with a time.
    pub ready_since: Option<u64>,
    /// The `controller-revision-hash` label.
    pub revision: String,
    /// Its identity labels agree with its name: the pod-name label is the
    /// name and the pod-index label is the name's ordinal as written.
    pub identity_labels: bool,
    /// Its volumes that name a claim: (volume, claimName).
    pub claim_volumes: Vec<(String, String)>,
}

impl PodFacts {
    /// The summary of `pod` as it is now.
    pub fn of(pod: &Value) -> PodFacts {
        let name = pod.str_at(&["metadata", "name"]);
        let parent_ordinal = parent_and_ordinal(name).map(|(p, n)| (p.to_string(), n));
        let identity_labels = pod.str_at(&["metadata", "labels", POD_NAME_LABEL]) == name
            && parent_ordinal.as_ref().is_some_and(|(_, n)| {
                is_decimal_of(pod.str_at(&["metadata", "labels", POD_INDEX_LABEL]), *n)
            });
        PodFacts {
            name: name.to_string(),
            namespace: pod.str_at(&["metadata", "namespace"]).to_string(),
            parent_ordinal,
            controller_uid: controller_ref(pod).map(|r| r.str_at(&["uid"]).to_string()),
            labels: pod.at(&["metadata", "labels"]).cloned(),
            terminating: utils::is_terminating(pod),
            phase: utils::phase(pod).to_string(),
            running_and_ready: utils::is_running_and_ready(pod),
            ready_since: ready_condition(pod)
                .and_then(|c| parse_rfc3339(c.str_at(&["lastTransitionTime"]))),
            revision: utils::revision_of(pod).to_string(),
            identity_labels,
            claim_volumes: utils::claim_volumes(pod),
        }
    }

    /// Its ordinal as a pod of the set named `set`.
    pub fn ordinal_in(&self, set: &str) -> Option<i64> {
        self.parent_ordinal
            .as_ref()
            .and_then(|(parent, n)| (parent == set).then_some(*n))
    }

    /// Name, namespace and identity labels those of the pod of the set
    /// `set` in `namespace` at `ordinal` (`identityMatches`).
    pub fn identity_matches(&self, set: &str, namespace: &str, ordinal: i64) -> bool {
        let named = self
            .name
            .strip_prefix(set)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|digits| is_decimal_of(digits, ordinal));
        named && self.namespace == namespace && self.identity_labels
    }

    /// Its volumes named after `templates` point at the claims of the set
    /// `set` at `ordinal` (`storageMatches`).
    pub fn storage_matches(&self, templates: &[&str], set: &str, ordinal: i64) -> bool {
        utils::volumes_match_claims(&self.claim_volumes, templates, set, ordinal)
    }

    /// Running, ready and not terminating (`isHealthy`).
    pub fn is_healthy(&self) -> bool {
        self.running_and_ready && !self.terminating
    }

    /// Ready for at least `min_ready_ms` at `now` (`isRunningAndAvailable`).
    pub fn is_available(&self, min_ready_ms: u64, now: u64) -> bool {
        self.running_and_ready
            && (min_ready_ms == 0 || self.ready_since.unwrap_or(now) + min_ready_ms <= now)
    }

    /// When a ready pod becomes available (for requeueing).
    pub fn available_at(&self, min_ready_ms: u64) -> Option<u64> {
        self.ready_since.map(|since| since + min_ready_ms)
    }

    /// Phase Failed or Succeeded.
    pub fn is_finished(&self) -> bool {
        self.phase == "Failed" || self.phase == "Succeeded"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::rfc3339;

    fn pod(phase: &str, ready: Option<(&str, u64)>) -> Value {
        let mut pod = Value::object();
        pod.set(&["metadata", "name"], "web-2".into());
        pod.set(&["metadata", "namespace"], "default".into());
        pod.set(&["metadata", "labels", POD_NAME_LABEL], "web-2".into());
        pod.set(&["metadata", "labels", POD_INDEX_LABEL], "2".into());
        pod.set(
            &["metadata", "labels", utils::REVISION_LABEL],
            "web-abc".into(),
        );
        pod.set(
            &["spec", "volumes"],
            Value::from(vec![Value::from([
                ("name", Value::from("www")),
                (
                    "persistentVolumeClaim",
                    Value::from([("claimName", Value::from("www-web-2"))]),
                ),
            ])]),
        );
        pod.set(&["status", "phase"], phase.into());
        if let Some((status, since)) = ready {
            pod.set(
                &["status", "conditions"],
                Value::from(vec![Value::from([
                    ("lastTransitionTime", Value::from(rfc3339(since))),
                    ("status", Value::from(status)),
                    ("type", Value::from("Ready")),
                ])]),
            );
        }
        pod
    }

    #[test]
    fn a_ready_pod_reads_as_its_tree_does() {
        let facts = PodFacts::of(&pod("Running", Some(("True", 5_000))));
        assert_eq!(facts.ordinal_in("web"), Some(2));
        assert_eq!(facts.ordinal_in("we"), None);
        assert!(facts.is_healthy());
        assert_eq!(facts.revision, "web-abc");
        assert!(facts.identity_matches("web", "default", 2));
        assert!(!facts.identity_matches("web", "default", 3));
        assert!(facts.storage_matches(&["www"], "web", 2));
        assert!(!facts.storage_matches(&["www", "data"], "web", 2));
        // minReadySeconds: available 10 s after it became ready.
        assert!(!facts.is_available(10_000, 14_999));
        assert!(facts.is_available(10_000, 15_000));
        assert_eq!(facts.available_at(10_000), Some(15_000));
        assert!(facts.is_available(0, 0));
    }

    #[test]
    fn unready_finished_and_mislabelled_pods_are_told_apart() {
        let unready = PodFacts::of(&pod("Running", Some(("False", 1_000))));
        assert!(!unready.running_and_ready && !unready.is_available(0, 9_000));
        assert!(!PodFacts::of(&pod("Pending", None)).is_healthy());
        assert!(PodFacts::of(&pod("Failed", None)).is_finished());
        assert!(PodFacts::of(&pod("Succeeded", None)).is_finished());
        let mut wrong_index = pod("Running", None);
        wrong_index.set(&["metadata", "labels", POD_INDEX_LABEL], "02".into());
        assert!(!PodFacts::of(&wrong_index).identity_matches("web", "default", 2));
        let mut terminating = pod("Running", Some(("True", 0)));
        terminating.set(
            &["metadata", "deletionTimestamp"],
            Value::from(rfc3339(1_000)),
        );
        let terminating = PodFacts::of(&terminating);
        assert!(terminating.terminating && !terminating.is_healthy());
    }
}
