//! The StatefulSet controller. `sync_stateful_set` is `syncStatefulSet` of
//! pkg/controller/statefulset/stateful_set.go plus `UpdateStatefulSet` of
//! stateful_set_control.go: claim pods, resolve revisions, do one round of
//! work, write status, truncate history, requeue for minReadySeconds.

pub(crate) mod control;
pub(crate) mod pod_control;
pub(crate) mod status;
pub mod utils;

use std::sync::Arc;

use ordinal_model::Value;

use crate::apiserver::pod_facts::PodFacts;
use crate::sim::{Sim, Work};
use control::Claimed;
use utils::*;

impl Sim {
    /// The pod the StatefulSet controller's last sync of `namespace/name`
    /// stopped at, if it stopped before doing all it wants: OrderedReady
    /// waits for this pod to be Running and Ready (or gone) before it
    /// creates, deletes or updates any other, and a rolling update replaces
    /// one pod at a time. Every missing, condemned or outdated pod of the set
    /// is waiting for it.
    pub fn statefulset_blocker(&self, namespace: &str, name: &str) -> Option<&str> {
        self.set_blockers
            .get(&(namespace.to_string(), name.to_string()))
            .map(String::as_str)
    }

    /// The pods this set owns (`ClaimPods`) with their summaries, sorted by
    /// ordinal.
    fn claim_pods(&mut self, set: &Value) -> Vec<Claimed> {
        let set_name = set.str_at(&["metadata", "name"]).to_string();
        let owned = self.claim_entries("pods", set, "StatefulSet", &|p: &Value| {
            ordinal_of(&set_name, p).is_some()
        });
        let mut owned: Vec<Claimed> = owned
            .into_iter()
            .map(|(pod, facts)| {
                let facts = facts.unwrap_or_else(|| Arc::new(PodFacts::of(&pod)));
                (pod, facts)
            })
            .collect();
        ordinal_model::order::sort_by_key(&mut owned, |(_, facts)| {
            facts.ordinal_in(&set_name).unwrap_or(i64::MAX)
        });
        owned
    }

    /// Syncs one StatefulSet.
    #[inline(never)]
    pub(crate) fn sync_stateful_set(&mut self, ns: &str, name: &str) {
        let key = (ns.to_string(), name.to_string());
        let Some(set) = self.store.shared("statefulsets", ns, name).cloned() else {
            self.set_blockers.remove(&key);
            return;
        };
        if is_terminating(&set) {
            self.set_blockers.remove(&key);
            return;
        }
        let pods = self.claim_pods(&set);
        let revisions = self.revisions_of(&set);
        let Ok(revs) = self.resolve_revisions(&set, &revisions) else {
            return;
        };
        let blocker = self.update_stateful_set(&set, &revs, pods);
        match blocker {
            Some(pod) => self.set_blockers.insert(key, pod),
            None => self.set_blockers.remove(&key),
        };
        let Some(set) = self.store.shared("statefulsets", ns, name).cloned() else {
            return;
        };
        let uid = set.str_at(&["metadata", "uid"]).to_string();
        let current = revs.current.str_at(&["metadata", "name"]).to_string();
        let update = revs.update.str_at(&["metadata", "name"]).to_string();
        let min_ready = min_ready_ms(&set);
        let pods: Vec<Arc<PodFacts>> = self
            .store
            .owned_entries("pods", &uid)
            .into_iter()
            .filter_map(|(_, facts)| facts.cloned())
            .filter(|p| p.ordinal_in(name).is_some())
            .collect();
        let counts = status::count(&pods, &current, &update, min_ready, self.now);
        let live_revisions: Vec<String> = pods.iter().map(|p| p.revision.clone()).collect();
        // Only minReadySeconds makes a ready pod wait to become available.
        let wake = (min_ready > 0)
            .then(|| {
                pods.iter()
                    .filter(|p| p.running_and_ready && !p.is_available(min_ready, self.now))
                    .filter_map(|p| p.available_at(min_ready))
                    .min()
            })
            .flatten();
        let status = status::status_value(&set, counts, &current, &update, revs.collision_count);
        let final_current = status.str_at(&["currentRevision"]).to_string();
        self.write_set_status(&set, status);
        self.truncate_history(&set, &live_revisions, &final_current, &update);
        if let Some(at) = wake {
            self.enqueue_after(
                Work::StatefulSet(ns.to_string(), name.to_string()),
                at.saturating_sub(self.now).max(1),
                false,
            );
        }
    }
}
