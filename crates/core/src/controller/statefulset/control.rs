//! One sync of one StatefulSet: partition pods into replicas and condemned,
//! create / repair / delete them in the order of the pod management policy,
//! then roll updates. Mirrors `updateStatefulSet`, `processReplica` and
//! `processCondemned` in pkg/controller/statefulset/stateful_set_control.go
//! (v1.36 with the MaxUnavailableStatefulSet gate off).

use std::sync::Arc;

use ordinal_model::Value;

use super::utils::{self, *};
use crate::controller::history::{template_of, Revisions};
use crate::sim::Sim;

/// One slot of `replicas[]`: a stored pod, or a pod still to create.
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    Existing(Arc<Value>),
    Missing(Value),
}

impl Slot {
    fn pod(&self) -> &Value {
        match self {
            Slot::Existing(p) => p,
            Slot::Missing(p) => p,
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
        pods: Vec<Arc<Value>>,
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

        let mut slots: Vec<Option<Arc<Value>>> = vec![None; count as usize];
        let mut condemned: Vec<Arc<Value>> = Vec::new();
        for pod in pods {
            let Some(ord) = ordinal_of(&set_name, &pod) else {
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
        ordinal_model::order::sort_by_key(&mut condemned, |p| {
            std::cmp::Reverse(ordinal_of(&set_name, p).unwrap_or(0))
        });

        let first_unhealthy: Option<String> = slots
            .iter()
            .map(Slot::pod)
            .chain(condemned.iter().map(Arc::as_ref))
            .find(|p| !is_healthy(p))
            .map(|p| p.str_at(&["metadata", "name"]).to_string());

        if is_terminating(set) {
            return None;
        }
        let name_of = |p: &Value| p.str_at(&["metadata", "name"]).to_string();
        let monotonic = is_monotonic(set);
        let min_ready = min_ready_ms(set);
        let mut replicas_now: Vec<Arc<Value>> = Vec::with_capacity(slots.len());
        for (i, slot) in slots.into_iter().enumerate() {
            let ord = start + i as i64;
            let wanted = name_of(slot.pod());
            let (stop, pod) = self.process_replica(set, slot, ord, monotonic, min_ready);
            if let Some(p) = pod {
                replicas_now.push(p);
            }
            if stop && monotonic {
                return Some(wanted);
            }
        }
        for pod in &condemned {
            let ord = ordinal_of(&set_name, pod).unwrap_or(0);
            if !self.claims_match_retention(set, pod, ord, true) {
                self.fix_claim_retention(set, pod, ord, true);
            }
        }
        for pod in &condemned {
            let unhealthy = first_unhealthy.as_deref();
            // An unready condemned pod that is not the first unhealthy one
            // waits for that one; otherwise the sync stops at this pod.
            let waits_for_first = !is_terminating(pod)
                && unhealthy != Some(pod.str_at(&["metadata", "name"]))
                && (!is_running_and_ready(pod)
                    || !is_running_and_available(pod, min_ready, self.now));
            if self.process_condemned(set, pod, unhealthy, monotonic, min_ready) && monotonic {
                return Some(match (waits_for_first, unhealthy) {
                    (true, Some(first)) => first.to_string(),
                    _ => name_of(pod),
                });
            }
        }
        if !rolling {
            return None;
        }
        let update_min = if rolling_block { partition(set) } else { 0 } as usize;
        for pod in replicas_now.iter().skip(update_min).rev() {
            if revision_of(pod) != update_name && !is_terminating(pod) {
                self.delete_stateful_pod(set, pod);
                return Some(name_of(pod));
            }
            if !is_healthy(pod) || !is_running_and_available(pod, min_ready, self.now) {
                return Some(name_of(pod));
            }
        }
        None
    }

    /// `processReplica`: returns (stop, the pod now in this slot).
    fn process_replica(
        &mut self,
        set: &Value,
        slot: Slot,
        ord: i64,
        monotonic: bool,
        min_ready: u64,
    ) -> (bool, Option<Arc<Value>>) {
        let pod = match slot {
            Slot::Missing(pod) => {
                if self.claim_is_stale(set, ord) {
                    return (true, None);
                }
                return match self.create_stateful_pod(set, pod, ord) {
                    Ok(created) => (monotonic, Some(Arc::new(created))),
                    Err(_) => (true, None),
                };
            }
            Slot::Existing(pod) => pod,
        };
        if is_failed(&pod) || is_succeeded(&pod) {
            if !is_terminating(&pod) {
                self.delete_stateful_pod(set, &pod);
            }
            return (true, Some(pod));
        }
        if phase(&pod) == "Pending" && self.create_missing_claims(set, ord).is_err() {
            return (true, Some(pod));
        }
        if monotonic
            && (is_terminating(&pod)
                || !is_running_and_ready(&pod)
                || !is_running_and_available(&pod, min_ready, self.now))
        {
            return (true, Some(pod));
        }
        let retention_match = self.claims_match_retention(set, &pod, ord, false);
        if !(utils::identity_matches(set, &pod, ord)
            && storage_matches(set, &pod, ord)
            && retention_match)
        {
            self.update_stateful_pod(set, &pod, ord);
        }
        (false, Some(pod))
    }

    /// `processCondemned`: returns true when this sync must stop.
    fn process_condemned(
        &mut self,
        set: &Value,
        pod: &Value,
        first_unhealthy: Option<&str>,
        monotonic: bool,
        min_ready: u64,
    ) -> bool {
        if is_terminating(pod) {
            return monotonic;
        }
        let is_first_unhealthy = first_unhealthy == Some(pod.str_at(&["metadata", "name"]));
        if monotonic
            && !is_first_unhealthy
            && (!is_running_and_ready(pod) || !is_running_and_available(pod, min_ready, self.now))
        {
            return true;
        }
        self.delete_stateful_pod(set, pod);
        monotonic
    }
}
