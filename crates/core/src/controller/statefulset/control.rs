//! One sync of one StatefulSet: partition pods into replicas and condemned,
//! create / repair / delete them in the order of the pod management policy,
//! then roll updates. Mirrors `updateStatefulSet`, `processReplica` and
//! `processCondemned` in pkg/controller/statefulset/stateful_set_control.go
//! (v1.36 with the MaxUnavailableStatefulSet gate off).

use std::sync::Arc;

use ordinal_model::Value;

use super::utils::*;
use crate::apiserver::pod_facts::PodFacts;
use crate::controller::history::{template_of, Revisions};
use crate::sim::Sim;

/// A pod the set owns, with its summary.
pub(crate) type Claimed = (Arc<Value>, Arc<PodFacts>);

/// One slot of `replicas[]`: a stored pod, or a pod still to create.
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    Existing(Claimed),
    Missing(Value),
}

impl Slot {
    /// The pod's name.
    fn name(&self) -> &str {
        match self {
            Slot::Existing((_, facts)) => &facts.name,
            Slot::Missing(p) => p.str_at(&["metadata", "name"]),
        }
    }

    /// Running, ready and not terminating (a pod still to create is not).
    fn is_healthy(&self) -> bool {
        match self {
            Slot::Existing((_, facts)) => facts.is_healthy(),
            Slot::Missing(p) => is_healthy(p),
        }
    }
}

impl Sim {
    /// `updateStatefulSet`: does the work of one sync. Returns the pod the
    /// sync stopped at, when it stopped before doing all it wants (OrderedReady
    /// waiting for a pod, one pod at a time in a rolling update); the status
    /// is recomputed from the store afterwards.
    pub(crate) fn update_stateful_set(
        &mut self,
        set: &Value,
        revs: &Revisions,
        pods: Vec<Claimed>,
    ) -> Option<String> {
        let set_name = set.str_at(&["metadata", "name"]).to_string();
        let start = start_ordinal(set);
        let count = replicas(set);
        let end = start + count;
        let current_name = revs.current.str_at(&["metadata", "name"]).to_string();
        let update_name = revs.update.str_at(&["metadata", "name"]).to_string();
        let current_template = template_of(&revs.current);
        let update_template = template_of(&revs.update);
        let rolling = strategy(set) == "RollingUpdate";
        let rolling_block = set
            .at(&["spec", "updateStrategy", "rollingUpdate"])
            .is_some();
        let current_replicas = set.i64_at(&["status", "currentReplicas"]).unwrap_or(0);

        let mut slots: Vec<Option<Claimed>> = vec![None; count as usize];
        let mut condemned: Vec<Claimed> = Vec::new();
        for pod in pods {
            let Some(ord) = pod.1.ordinal_in(&set_name) else {
                continue;
            };
            if (start..end).contains(&ord) {
                slots[(ord - start) as usize] = Some(pod);
            } else if ord >= 0 {
                condemned.push(pod);
            }
        }
        let slots: Vec<Slot> = slots
            .into_iter()
            .enumerate()
            .map(|(i, p)| match p {
                Some(p) => Slot::Existing(p),
                None => {
                    let ord = start + i as i64;
                    let use_current = rolling
                        && ((!rolling_block && ord < start + current_replicas)
                            || (rolling_block && ord < start + partition(set)));
                    let (template, rev) = if use_current {
                        (&current_template, current_name.as_str())
                    } else {
                        (&update_template, update_name.as_str())
                    };
                    Slot::Missing(new_pod(set, template, rev, ord))
                }
            })
            .collect();
        ordinal_model::order::sort_by_key(&mut condemned, |(_, facts)| {
            std::cmp::Reverse(facts.ordinal_in(&set_name).unwrap_or(0))
        });

        let first_unhealthy: Option<String> = slots
            .iter()
            .find(|slot| !slot.is_healthy())
            .map(Slot::name)
            .or_else(|| {
                condemned
                    .iter()
                    .find(|(_, facts)| !facts.is_healthy())
                    .map(|(_, facts)| facts.name.as_str())
            })
            .map(str::to_string);

        if is_terminating(set) {
            return None;
        }
        let monotonic = is_monotonic(set);
        let min_ready = min_ready_ms(set);
        let templates = claim_templates(set);
        let mut replicas_now: Vec<Claimed> = Vec::with_capacity(slots.len());
        for (i, slot) in slots.into_iter().enumerate() {
            let ord = start + i as i64;
            let wanted = slot.name().to_string();
            let (stop, pod) =
                self.process_replica(set, &templates, slot, ord, monotonic, min_ready);
            if let Some(p) = pod {
                replicas_now.push(p);
            }
            if stop && monotonic {
                return Some(wanted);
            }
        }
        for (pod, facts) in &condemned {
            let ord = facts.ordinal_in(&set_name).unwrap_or(0);
            if !self.claims_match_retention(set, pod, ord, true) {
                self.fix_claim_retention(set, pod, ord, true);
            }
        }
        for claimed in &condemned {
            let facts = &claimed.1;
            let unhealthy = first_unhealthy.as_deref();
            // An unready condemned pod that is not the first unhealthy one
            // waits for that one; otherwise the sync stops at this pod.
            let waits_for_first = !facts.terminating
                && unhealthy != Some(facts.name.as_str())
                && !facts.is_available(min_ready, self.now);
            if self.process_condemned(set, claimed, unhealthy, monotonic, min_ready) && monotonic {
                return Some(match (waits_for_first, unhealthy) {
                    (true, Some(first)) => first.to_string(),
                    _ => facts.name.clone(),
                });
            }
        }
        if !rolling {
            return None;
        }
        let update_min = if rolling_block { partition(set) } else { 0 } as usize;
        for (pod, facts) in replicas_now.iter().skip(update_min).rev() {
            if facts.revision != update_name && !facts.terminating {
                self.delete_stateful_pod(set, pod);
                return Some(facts.name.clone());
            }
            if !facts.is_healthy() || !facts.is_available(min_ready, self.now) {
                return Some(facts.name.clone());
            }
        }
        None
    }

    /// `processReplica`: returns (stop, the pod now in this slot).
    /// `templates` are the set's claim template names.
    fn process_replica(
        &mut self,
        set: &Value,
        templates: &[&str],
        slot: Slot,
        ord: i64,
        monotonic: bool,
        min_ready: u64,
    ) -> (bool, Option<Claimed>) {
        let (pod, facts) = match slot {
            Slot::Missing(pod) => {
                if self.claim_is_stale(set, ord) {
                    return (true, None);
                }
                return match self.create_stateful_pod(set, pod, ord) {
                    Ok(created) => {
                        let facts = Arc::new(PodFacts::of(&created));
                        (monotonic, Some((Arc::new(created), facts)))
                    }
                    Err(_) => (true, None),
                };
            }
            Slot::Existing(claimed) => claimed,
        };
        if facts.is_finished() {
            if !facts.terminating {
                self.delete_stateful_pod(set, &pod);
            }
            return (true, Some((pod, facts)));
        }
        if facts.phase == "Pending" && self.create_missing_claims(set, ord).is_err() {
            return (true, Some((pod, facts)));
        }
        if monotonic && (facts.terminating || !facts.is_available(min_ready, self.now)) {
            return (true, Some((pod, facts)));
        }
        let retention_match = self.claims_match_retention(set, &pod, ord, false);
        let set_name = set.str_at(&["metadata", "name"]);
        if !(facts.identity_matches(set_name, set.str_at(&["metadata", "namespace"]), ord)
            && facts.storage_matches(templates, set_name, ord)
            && retention_match)
        {
            self.update_stateful_pod(set, &pod, ord);
        }
        (false, Some((pod, facts)))
    }

    /// `processCondemned`: returns true when this sync must stop.
    fn process_condemned(
        &mut self,
        set: &Value,
        (pod, facts): &Claimed,
        first_unhealthy: Option<&str>,
        monotonic: bool,
        min_ready: u64,
    ) -> bool {
        if facts.terminating {
            return monotonic;
        }
        let is_first_unhealthy = first_unhealthy == Some(facts.name.as_str());
        if monotonic && !is_first_unhealthy && !facts.is_available(min_ready, self.now) {
            return true;
        }
        self.delete_stateful_pod(set, pod);
        monotonic
    }
}
