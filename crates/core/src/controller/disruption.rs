//! The disruption controller (PodDisruptionBudget status) and the eviction
//! subresource that spends a budget.
//!
//! Mirrors pkg/controller/disruption/disruption.go (`trySync`,
//! `getExpectedPodCount`, `getExpectedScale` with the ReplicaSet,
//! Deployment and StatefulSet finders, `countHealthyPods`,
//! `buildDisruptedPodMap`, `updatePdbStatus`, `failSafe`),
//! staging/src/k8s.io/component-helpers/apps/poddisruptionbudget/helpers.go
//! (`UpdateDisruptionAllowedCondition`) and
//! pkg/registry/core/pod/storage/eviction.go (`Create`, `canIgnorePDB`,
//! `checkAndDecrement`).
//!
//! `spec.unhealthyPodEvictionPolicy`: under `IfHealthyBudget` (the
//! default) a pod that is not Ready is evicted without spending the budget
//! only while the budget is met; under `AlwaysAllow` always.
//!
//! Pods without a controller are left out of the expected count and
//! reported with a Warning `UnmanagedPods` event on every sync that needs
//! the controllers' scale.
//!
//! Simplification: no stale DisruptionTarget condition cleanup.

use std::collections::BTreeMap;

use ordinal_model::labels::Selector;
use ordinal_model::Value;

use crate::clock::{parse_rfc3339, rfc3339};
use crate::controller::controller_ref;
use crate::controller::is_pod_ready;
use crate::error::ApiError;
use crate::events::{Source, NORMAL};
use crate::sim::{Sim, Work};
use crate::timing;
use crate::DeleteOptions;

const DISRUPTION_CONTROLLER: Source<'static> = Source {
    component: "controllermanager",
    host: "",
};

/// The eviction subresource's refusal when a budget has no disruption left.
pub const BUDGET_REFUSAL: &str =
    "Cannot evict pod as it would violate the pod's disruption budget.";

/// `GetScaledValueFromIntOrPercent(value, total, roundUp=true)`.
fn scaled(value: &Value, total: i64) -> Result<i64, String> {
    match value {
        Value::Int(n) => Ok(*n),
        Value::String(s) => s
            .strip_suffix('%')
            .and_then(|p| p.parse::<i64>().ok())
            .map(|pct| (pct * total + 99).div_euclid(100))
            .ok_or_else(|| format!("invalid value for IntOrString: invalid value {s:?}")),
        _ => Ok(0),
    }
}

/// The pods a budget selects: a null selector selects none, an empty one
/// every pod of its namespace (policy/v1).
fn budget_selector(pdb: &Value) -> Option<Selector> {
    match pdb.at(&["spec", "selector"]) {
        None | Some(Value::Null) => None,
        Some(s) => Selector::from_label_selector(s).ok(),
    }
}

/// What `getExpectedPodCount` finds: expectedPods, desiredHealthy and the
/// names of the pods without a controller.
type ExpectedCount = (i64, i64, Vec<String>);

/// A `*metav1.LabelSelector` as `%v` prints it (its generated `String`):
/// `&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}`.
fn label_selector_string(selector: Option<&Value>) -> String {
    let Some(selector) = selector.filter(|s| !matches!(s, Value::Null)) else {
        return "nil".to_string();
    };
    let mut labels = String::new();
    if let Some(m) = selector.at(&["matchLabels"]).and_then(Value::as_object) {
        for (k, v) in m.iter() {
            labels.push_str(&format!("{k}: {},", v.as_str().unwrap_or("")));
        }
    }
    let mut expressions = String::new();
    for e in selector.array_at(&["matchExpressions"]) {
        let values: Vec<&str> = e
            .array_at(&["values"])
            .iter()
            .map(|v| v.as_str().unwrap_or(""))
            .collect();
        expressions.push_str(&format!(
            "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
            e.str_at(&["key"]),
            e.str_at(&["operator"]),
            values.join(" ")
        ));
    }
    format!(
        "&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{expressions}}},}}"
    )
}

/// `UpdateDisruptionAllowedCondition` (`apimeta.SetStatusCondition`: the
/// transition time moves only when the status changes).
fn set_allowed_condition(status: &mut Value, reason: &str, message: &str, now: u64) {
    let allowed = if reason == "SufficientPods" {
        "True"
    } else {
        "False"
    };
    let mut conditions = status.array_at(&["conditions"]).to_vec();
    let observed = status.i64_at(&["observedGeneration"]).unwrap_or(0);
    let existing = conditions
        .iter()
        .position(|c| c.str_at(&["type"]) == "DisruptionAllowed");
    let since = existing
        .map(|i| &conditions[i])
        .filter(|c| c.str_at(&["status"]) == allowed)
        .map(|c| c.str_at(&["lastTransitionTime"]).to_string())
        .unwrap_or_else(|| rfc3339(now));
    let condition = Value::from([
        ("lastTransitionTime", Value::from(since)),
        ("message", Value::from(message)),
        ("observedGeneration", Value::Int(observed)),
        ("reason", Value::from(reason)),
        ("status", Value::from(allowed)),
        ("type", Value::from("DisruptionAllowed")),
    ]);
    match existing {
        Some(i) => conditions[i] = condition,
        None => conditions.push(condition),
    }
    status.set(&["conditions"], Value::from(conditions));
}

impl Sim {
    /// PodDisruptionBudgets in `ns` selecting a pod with these labels.
    fn budgets_for<'a>(&'a self, ns: &'a str, labels: Option<&'a Value>) -> Vec<&'a Value> {
        self.store
            .iter("poddisruptionbudgets", Some(ns))
            .filter(|pdb| budget_selector(pdb).is_some_and(|s| s.matches(labels)))
            .collect()
    }

    /// The disruption controller's pod handlers (`addPod`, `updatePod`,
    /// `deletePod`): the budgets selecting the pod before or after the
    /// change are synced again.
    pub(crate) fn enqueue_budgets_for_pod(&mut self, old: Option<&Value>, new: Option<&Value>) {
        let Some(any) = new.or(old) else { return };
        let ns = any.str_at(&["metadata", "namespace"]).to_string();
        let mut names: Vec<String> = Vec::new();
        for pod in [old, new].into_iter().flatten() {
            for pdb in self.budgets_for(&ns, pod.at(&["metadata", "labels"])) {
                let name = pdb.str_at(&["metadata", "name"]).to_string();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        for name in names {
            self.enqueue(Work::Disruption(ns.clone(), name));
        }
    }

    /// `getExpectedScale`: the summed `spec.replicas` of the controllers of
    /// the pods (a Deployment's pods count once, through their ReplicaSet's
    /// owner), and the names of the pods without a controller, which are
    /// left out.
    fn expected_scale(&self, ns: &str, pods: &[Value]) -> Result<(i64, Vec<String>), String> {
        // usize values: the map type the EndpointSlice controller has already.
        let mut scales: BTreeMap<String, usize> = BTreeMap::new();
        let mut unmanaged = Vec::new();
        for pod in pods {
            let Some(owner) = controller_ref(pod) else {
                unmanaged.push(pod.str_at(&["metadata", "name"]).to_string());
                continue;
            };
            let name = owner.str_at(&["name"]);
            let found = match owner.str_at(&["kind"]) {
                "StatefulSet" => self.store.get("statefulsets", ns, name),
                "ReplicaSet" => self.store.get("replicasets", ns, name).map(|rs| {
                    match controller_ref(rs).filter(|o| o.str_at(&["kind"]) == "Deployment") {
                        Some(d) => self
                            .store
                            .get("deployments", ns, d.str_at(&["name"]))
                            .unwrap_or(rs),
                        None => rs,
                    }
                }),
                _ => None,
            };
            let Some(controller) = found else {
                let pod_name = pod.str_at(&["metadata", "name"]);
                return Err(format!("found no controllers for pod {pod_name:?}"));
            };
            scales.insert(
                controller.str_at(&["metadata", "uid"]).to_string(),
                controller.i64_at(&["spec", "replicas"]).unwrap_or(1).max(0) as usize,
            );
        }
        Ok((scales.values().sum::<usize>() as i64, unmanaged))
    }

    /// `getExpectedPodCount`: expectedPods, desiredHealthy and the pods
    /// without a controller (counted only when the scale is needed: a
    /// maxUnavailable or a percentage minAvailable).
    fn expected_pod_count(&self, pdb: &Value, pods: &[Value]) -> Result<ExpectedCount, String> {
        let ns = pdb.str_at(&["metadata", "namespace"]);
        if let Some(max) = pdb.at(&["spec", "maxUnavailable"]) {
            let (expected, unmanaged) = self.expected_scale(ns, pods)?;
            let max = scaled(max, expected)?;
            return Ok((expected, (expected - max).max(0), unmanaged));
        }
        match pdb.at(&["spec", "minAvailable"]) {
            Some(Value::Int(n)) => Ok((pods.len() as i64, *n, Vec::new())),
            Some(min) => {
                let (expected, unmanaged) = self.expected_scale(ns, pods)?;
                Ok((expected, scaled(min, expected)?, unmanaged))
            }
            None => Ok((0, 0, Vec::new())),
        }
    }

    /// `trySync` of one budget, or `failSafe` when its expected pod count
    /// cannot be computed.
    #[inline(never)]
    pub(crate) fn sync_disruption_budget(&mut self, ns: &str, name: &str) {
        if !self.api_server_up() {
            return;
        }
        let Some(pdb) = self.store.get("poddisruptionbudgets", ns, name).cloned() else {
            return;
        };
        if !pdb.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            return;
        }
        let pods: Vec<Value> = match budget_selector(&pdb) {
            Some(selector) => self
                .store
                .iter("pods", Some(ns))
                .filter(|p| selector.matches(p.at(&["metadata", "labels"])))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        if pods.is_empty() {
            self.record_event(
                &pdb,
                "",
                NORMAL,
                "NoPods",
                "No matching pods found",
                DISRUPTION_CONTROLLER,
            );
        }
        let generation = pdb.i64_at(&["metadata", "generation"]).unwrap_or(0);
        let (expected, desired, unmanaged) = match self.expected_pod_count(&pdb, &pods) {
            Ok(counts) => counts,
            Err(message) => {
                self.record_event(
                    &pdb,
                    "",
                    crate::events::WARNING,
                    "CalculateExpectedPodCountFailed",
                    &format!("Failed to calculate the number of expected pods: {message}"),
                    DISRUPTION_CONTROLLER,
                );
                let mut status = pdb.get("status").cloned().unwrap_or_else(Value::object);
                status.set(&["disruptionsAllowed"], Value::Int(0));
                set_allowed_condition(&mut status, "SyncFailed", &message, self.now);
                return self.write_budget_status(pdb, status);
            }
        };
        if !unmanaged.is_empty() {
            let selector = label_selector_string(pdb.at(&["spec", "selector"]));
            self.record_event(
                &pdb,
                "",
                crate::events::WARNING,
                "UnmanagedPods",
                &format!(
                    "Pods selected by this PodDisruptionBudget (selector: {selector}) were found \
                     to be unmanaged. As a result, the status of the PDB cannot be calculated \
                     correctly, which may result in undefined behavior. To account for these pods \
                     please set \".spec.minAvailable\" field of the PDB to an integer value."
                ),
                DISRUPTION_CONTROLLER,
            );
        }
        // buildDisruptedPodMap: evicted pods still counted as disrupted
        // until they are being deleted or the deletion timeout passed.
        let recorded = pdb.at(&["status", "disruptedPods"]);
        let mut disrupted = Value::object();
        let mut recheck: Option<u64> = None;
        for pod in &pods {
            let pod_name = pod.str_at(&["metadata", "name"]);
            if !pod.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
                continue;
            }
            let Some(at) = recorded
                .and_then(|r| r.get(pod_name))
                .and_then(Value::as_str)
                .and_then(parse_rfc3339)
            else {
                continue;
            };
            let due = at + timing::PDB_DELETION_TIMEOUT_MS;
            if due >= self.now {
                recheck = Some(recheck.map_or(due, |r| r.min(due)));
                disrupted.set(&[pod_name], Value::from(rfc3339(at)));
            }
        }
        let healthy = pods
            .iter()
            .filter(|p| {
                p.str_at(&["metadata", "deletionTimestamp"]).is_empty()
                    && disrupted.get(p.str_at(&["metadata", "name"])).is_none()
                    && is_pod_ready(p)
            })
            .count() as i64;
        let mut allowed = healthy - desired;
        if expected <= 0 || allowed <= 0 {
            allowed = 0;
        }
        let mut status = pdb.get("status").cloned().unwrap_or_else(Value::object);
        status.set(&["currentHealthy"], Value::Int(healthy));
        status.set(&["desiredHealthy"], Value::Int(desired));
        status.set(&["disruptionsAllowed"], Value::Int(allowed));
        status.set(&["expectedPods"], Value::Int(expected));
        status.set(&["observedGeneration"], Value::Int(generation));
        if disrupted.as_object().is_some_and(|m| !m.is_empty()) {
            status.set(&["disruptedPods"], disrupted);
        } else {
            status.remove(&["disruptedPods"]);
        }
        let reason = if allowed > 0 {
            "SufficientPods"
        } else {
            "InsufficientPods"
        };
        set_allowed_condition(&mut status, reason, "", self.now);
        self.write_budget_status(pdb, status);
        if let Some(due) = recheck {
            let work = Work::Disruption(ns.to_string(), name.to_string());
            self.enqueue_after(work, due + 1 - self.now, true);
        }
    }

    fn write_budget_status(&mut self, mut pdb: Value, status: Value) {
        pdb.set(&["status"], status);
        self.write_status("poddisruptionbudgets", pdb);
    }

    /// `POST pods/<name>/eviction`: deletes the pod with `options` unless
    /// the PodDisruptionBudget selecting it has no disruption left (a 429
    /// the client retries); an allowed eviction spends one disruption and
    /// records the pod under `status.disruptedPods`.
    pub fn evict(&mut self, ns: &str, name: &str, options: &DeleteOptions) -> Result<(), ApiError> {
        self.settle();
        let pod = self
            .store
            .get("pods", ns, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found("pods", name))?;
        let ignore_budget = matches!(
            pod.str_at(&["status", "phase"]),
            "Succeeded" | "Failed" | "Pending"
        ) || !pod.str_at(&["metadata", "deletionTimestamp"]).is_empty();
        if !ignore_budget {
            let budgets: Vec<Value> = self
                .budgets_for(ns, pod.at(&["metadata", "labels"]))
                .into_iter()
                .cloned()
                .collect();
            if budgets.len() > 1 {
                return Err(ApiError::internal(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                ));
            }
            if let Some(pdb) = budgets.into_iter().next() {
                let status = |key: &str| pdb.i64_at(&["status", key]).unwrap_or(0);
                let always = pdb.str_at(&["spec", "unhealthyPodEvictionPolicy"]) == "AlwaysAllow";
                let unready_within_budget = !is_pod_ready(&pod)
                    && (always
                        || status("currentHealthy") >= status("desiredHealthy")
                            && status("desiredHealthy") > 0);
                if !unready_within_budget {
                    self.check_and_decrement(pdb, name, options.dry_run)?;
                }
            }
        }
        self.delete("pods", ns, name, options)?;
        Ok(())
    }

    /// `checkAndDecrement`.
    fn check_and_decrement(
        &mut self,
        mut pdb: Value,
        pod: &str,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        let budget = pdb.str_at(&["metadata", "name"]).to_string();
        let refusal = |cause: String| {
            let mut err = ApiError::too_many_requests(BUDGET_REFUSAL.to_string());
            err.causes.push(crate::error::Cause {
                field: "DisruptionBudget".to_string(),
                message: cause,
            });
            err
        };
        let status = |key: &str| pdb.i64_at(&["status", key]).unwrap_or(0);
        if status("observedGeneration") < pdb.i64_at(&["metadata", "generation"]).unwrap_or(0) {
            return Err(refusal(format!(
                "The disruption budget {budget} is still being processed by the server."
            )));
        }
        let allowed = status("disruptionsAllowed");
        if allowed <= 0 {
            return Err(refusal(format!(
                "The disruption budget {budget} needs {} healthy pods and has {} currently",
                status("desiredHealthy"),
                status("currentHealthy")
            )));
        }
        if dry_run {
            return Ok(());
        }
        let mut new_status = pdb.get("status").cloned().unwrap_or_else(Value::object);
        new_status.set(&["disruptionsAllowed"], Value::Int(allowed - 1));
        if allowed == 1 {
            set_allowed_condition(&mut new_status, "InsufficientPods", "", self.now);
        }
        new_status.set(&["disruptedPods", pod], Value::from(rfc3339(self.now)));
        pdb.set(&["status"], new_status);
        self.write_status("poddisruptionbudgets", pdb);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up() {
        assert_eq!(scaled(&Value::from("50%"), 3), Ok(2));
        assert_eq!(scaled(&Value::from("34%"), 3), Ok(2));
        assert_eq!(scaled(&Value::Int(1), 3), Ok(1));
        assert!(scaled(&Value::from("x"), 3).is_err());
    }
}
