//! Pod identity, naming and health predicates of StatefulSet pods.
//! Mirrors pkg/controller/statefulset/stateful_set_utils.go.

use ordinal_model::Value;

/// Label holding the name of the ControllerRevision a pod was built from.
pub const REVISION_LABEL: &str = "controller-revision-hash";
/// Label holding the pod's own name.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// Label holding the pod's ordinal.
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

/// `<sts>-<ord>` (`getPodName`).
pub fn pod_name(set: &str, ordinal: i64) -> String {
    format!("{set}-{ordinal}")
}

/// `<tpl>-<sts>-<ord>` (`getPersistentVolumeClaimName`).
pub fn claim_name(template: &str, set: &str, ordinal: i64) -> String {
    format!("{template}-{set}-{ordinal}")
}

/// Parent name and ordinal parsed from a pod name (`(.*)-([0-9]+)$`).
pub fn parent_and_ordinal(pod: &str) -> Option<(&str, i64)> {
    let (parent, digits) = pod.rsplit_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((parent, digits.parse().ok()?))
}

/// The ordinal of a pod of `set`, if the pod's name belongs to it.
pub fn ordinal_of(set: &str, pod: &Value) -> Option<i64> {
    let (parent, ord) = parent_and_ordinal(pod.str_at(&["metadata", "name"]))?;
    (parent == set).then_some(ord)
}

/// `spec.ordinals.start` (0 when unset).
pub fn start_ordinal(set: &Value) -> i64 {
    set.i64_at(&["spec", "ordinals", "start"])
        .unwrap_or(0)
        .max(0)
}

/// `spec.replicas` (1 when unset).
pub fn replicas(set: &Value) -> i64 {
    set.i64_at(&["spec", "replicas"]).unwrap_or(1).max(0)
}

/// `spec.minReadySeconds` in milliseconds.
pub fn min_ready_ms(set: &Value) -> u64 {
    set.i64_at(&["spec", "minReadySeconds"]).unwrap_or(0).max(0) as u64 * 1000
}

/// True unless `spec.podManagementPolicy` is `Parallel`.
pub fn is_monotonic(set: &Value) -> bool {
    set.str_at(&["spec", "podManagementPolicy"]) != "Parallel"
}

/// `spec.updateStrategy.type`, `RollingUpdate` when unset.
pub fn strategy(set: &Value) -> &str {
    match set.str_at(&["spec", "updateStrategy", "type"]) {
        "" => "RollingUpdate",
        s => s,
    }
}

/// `rollingUpdate.partition` (0 when unset).
pub fn partition(set: &Value) -> i64 {
    set.i64_at(&["spec", "updateStrategy", "rollingUpdate", "partition"])
        .unwrap_or(0)
        .max(0)
}

/// The pod's phase.
pub fn phase(pod: &Value) -> &str {
    pod.str_at(&["status", "phase"])
}

/// Has a deletionTimestamp.
pub fn is_terminating(pod: &Value) -> bool {
    !pod.str_at(&["metadata", "deletionTimestamp"]).is_empty()
}

/// Phase Running and condition Ready true (`isRunningAndReady`).
pub fn is_running_and_ready(pod: &Value) -> bool {
    phase(pod) == "Running" && crate::controller::is_pod_ready(pod)
}

/// Running, ready and not terminating (`isHealthy`).
pub fn is_healthy(pod: &Value) -> bool {
    is_running_and_ready(pod) && !is_terminating(pod)
}

/// The revision label of a pod.
pub fn revision_of(pod: &Value) -> &str {
    pod.str_at(&["metadata", "labels", REVISION_LABEL])
}

/// The PVC objects a pod of `set` at `ordinal` needs (`getPersistentVolumeClaims`):
/// template labels plus the selector's matchLabels (the selector wins).
pub fn claims_for(set: &Value, ordinal: i64) -> Vec<Value> {
    let set_name = set.str_at(&["metadata", "name"]);
    let ns = set.str_at(&["metadata", "namespace"]);
    set.array_at(&["spec", "volumeClaimTemplates"])
        .iter()
        .map(|tpl| {
            let tpl_name = tpl.str_at(&["metadata", "name"]);
            let mut claim = Value::from([
                ("apiVersion", Value::from("v1")),
                ("kind", Value::from("PersistentVolumeClaim")),
                ("metadata", tpl.get("metadata").cloned().unwrap_or_default()),
                ("spec", tpl.get("spec").cloned().unwrap_or_default()),
            ]);
            claim.set(
                &["metadata", "name"],
                Value::from(claim_name(tpl_name, set_name, ordinal)),
            );
            claim.set(&["metadata", "namespace"], Value::from(ns));
            if let Some(labels) = set
                .at(&["spec", "selector", "matchLabels"])
                .and_then(Value::as_object)
            {
                for (k, v) in labels {
                    claim.set(&["metadata", "labels", k.as_str()], v.clone());
                }
            }
            claim
        })
        .collect()
}

/// The names of the set's volumeClaimTemplates.
pub fn claim_templates(set: &Value) -> Vec<&str> {
    set.array_at(&["spec", "volumeClaimTemplates"])
        .iter()
        .map(|t| t.str_at(&["metadata", "name"]))
        .collect()
}

/// The names of the claims a pod of `set` at `ordinal` needs, without
/// building them (most syncs only look the claims up).
pub fn claim_names_for(set: &Value, ordinal: i64) -> Vec<String> {
    let set_name = set.str_at(&["metadata", "name"]);
    set.array_at(&["spec", "volumeClaimTemplates"])
        .iter()
        .map(|tpl| claim_name(tpl.str_at(&["metadata", "name"]), set_name, ordinal))
        .collect()
}

/// The controller ownerReference to `set`.
pub fn controller_owner_ref(set: &Value) -> Value {
    crate::controller::new_controller_ref(set, "StatefulSet")
}

/// Points the pod's claim volumes at `<tpl>-<sts>-<ord>` (`updateStorage`):
/// template volumes of the same name are replaced, others kept.
pub fn update_storage(set: &Value, pod: &mut Value, ordinal: i64) {
    let set_name = set.str_at(&["metadata", "name"]);
    let templates = claim_templates(set);
    if templates.is_empty() {
        return;
    }
    let mut volumes: Vec<Value> = templates
        .iter()
        .map(|t| {
            Value::from([
                ("name", Value::from(*t)),
                (
                    "persistentVolumeClaim",
                    Value::from([("claimName", Value::from(claim_name(t, set_name, ordinal)))]),
                ),
            ])
        })
        .collect();
    for v in pod.array_at(&["spec", "volumes"]) {
        if !templates.contains(&v.str_at(&["name"])) {
            volumes.push(v.clone());
        }
    }
    pod.set(&["spec", "volumes"], Value::from(volumes));
}

/// A pod's volumes that name a claim: (volume, claimName).
pub fn claim_volumes(pod: &Value) -> Vec<(String, String)> {
    pod.array_at(&["spec", "volumes"])
        .iter()
        .filter_map(|v| {
            let claim = v.at(&["persistentVolumeClaim", "claimName"])?.as_str()?;
            Some((v.str_at(&["name"]).to_string(), claim.to_string()))
        })
        .collect()
}

/// True when `volumes` (a pod's [`claim_volumes`]) point the volumes named
/// after `templates` at the claims of the set `set` at `ordinal`
/// (`storageMatches`).
pub fn volumes_match_claims(
    volumes: &[(String, String)],
    templates: &[&str],
    set: &str,
    ordinal: i64,
) -> bool {
    templates.iter().all(|tpl| {
        volumes
            .iter()
            .any(|(volume, claim)| volume == tpl && *claim == claim_name(tpl, set, ordinal))
    })
}

/// True when the claim volumes already point at this ordinal's claims (`storageMatches`).
pub fn storage_matches(set: &Value, pod: &Value, ordinal: i64) -> bool {
    volumes_match_claims(
        &claim_volumes(pod),
        &claim_templates(set),
        set.str_at(&["metadata", "name"]),
        ordinal,
    )
}

/// Sets the identity labels (`initIdentity` / `updateIdentity` labels part).
pub fn update_identity_labels(pod: &mut Value, ordinal: i64) {
    let name = pod.str_at(&["metadata", "name"]).to_string();
    pod.set(&["metadata", "labels", POD_NAME_LABEL], Value::from(name));
    pod.set(
        &["metadata", "labels", POD_INDEX_LABEL],
        Value::from(ordinal.to_string()),
    );
}

/// True when `text` is `n` as `n.to_string()` writes it.
pub(crate) fn is_decimal_of(text: &str, n: i64) -> bool {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    match text.strip_prefix('-') {
        Some(magnitude) if n < 0 => magnitude.as_bytes() == &digits[at..],
        _ => n >= 0 && text.as_bytes() == &digits[at..],
    }
}

/// A new pod for `ordinal` from a set whose template is the chosen revision's
/// (`newStatefulSetPod` + `GetPodFromTemplate`).
pub fn new_pod(set: &Value, template: &Value, revision_name: &str, ordinal: i64) -> Value {
    let set_name = set.str_at(&["metadata", "name"]);
    let name = pod_name(set_name, ordinal);
    let mut metadata = Value::object();
    if let Some(labels) = template.at(&["metadata", "labels"]) {
        metadata.set(&["labels"], labels.clone());
    }
    if let Some(annotations) = template.at(&["metadata", "annotations"]) {
        metadata.set(&["annotations"], annotations.clone());
    }
    if let Some(finalizers) = template.at(&["metadata", "finalizers"]) {
        metadata.set(&["finalizers"], finalizers.clone());
    }
    metadata.set(&["generateName"], Value::from(format!("{set_name}-")));
    metadata.set(&["name"], Value::from(name.as_str()));
    metadata.set(
        &["namespace"],
        Value::from(set.str_at(&["metadata", "namespace"])),
    );
    metadata.set(
        &["ownerReferences"],
        Value::from(vec![controller_owner_ref(set)]),
    );
    let mut pod = Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("Pod")),
        ("metadata", metadata),
        (
            "spec",
            template.get("spec").cloned().unwrap_or_else(Value::object),
        ),
    ]);
    update_identity_labels(&mut pod, ordinal);
    pod.set(&["spec", "hostname"], Value::from(name.as_str()));
    let service = set.str_at(&["spec", "serviceName"]);
    if !service.is_empty() {
        pod.set(&["spec", "subdomain"], Value::from(service));
    }
    update_storage(set, &mut pod, ordinal);
    pod.set(
        &["metadata", "labels", REVISION_LABEL],
        Value::from(revision_name),
    );
    pod
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_parse_like_the_upstream_regex() {
        assert_eq!(parent_and_ordinal("web-12"), Some(("web", 12)));
        assert_eq!(parent_and_ordinal("my-db-0"), Some(("my-db", 0)));
        assert_eq!(parent_and_ordinal("web"), None);
        assert_eq!(parent_and_ordinal("web-x1"), None);
        assert_eq!(claim_name("data", "db", 2), "data-db-2");
    }

    #[test]
    fn decimal_text_matches_only_the_ordinal_as_written() {
        for n in [0, 7, 10, 12345, -3] {
            assert!(is_decimal_of(&n.to_string(), n));
        }
        assert!(!is_decimal_of("01", 1), "a leading zero is another name");
        assert!(!is_decimal_of("+1", 1));
        assert!(!is_decimal_of("", 0));
        assert!(!is_decimal_of("12", 1));
        assert!(!is_decimal_of("-1", 1));
    }

    #[test]
    fn new_pod_has_the_statefulset_identity() {
        let mut set = Value::object();
        set.set(&["metadata", "name"], "db".into());
        set.set(&["metadata", "namespace"], "default".into());
        set.set(&["metadata", "uid"], "u".into());
        set.set(&["spec", "serviceName"], "db-hs".into());
        set.set(
            &["spec", "volumeClaimTemplates"],
            Value::from(vec![Value::from([(
                "metadata",
                Value::from([("name", Value::from("data"))]),
            )])]),
        );
        let mut tpl = Value::object();
        tpl.set(&["metadata", "labels", "app"], "db".into());
        let pod = new_pod(&set, &tpl, "db-abc", 1);
        assert_eq!(pod.str_at(&["metadata", "name"]), "db-1");
        assert_eq!(pod.str_at(&["metadata", "generateName"]), "db-");
        assert_eq!(pod.str_at(&["spec", "hostname"]), "db-1");
        assert_eq!(pod.str_at(&["spec", "subdomain"]), "db-hs");
        assert_eq!(pod.str_at(&["metadata", "labels", POD_INDEX_LABEL]), "1");
        assert_eq!(
            pod.str_at(&["metadata", "labels", REVISION_LABEL]),
            "db-abc"
        );
        assert!(storage_matches(&set, &pod, 1));
        let facts = crate::apiserver::pod_facts::PodFacts::of(&pod);
        assert!(facts.identity_matches("db", "default", 1));
        assert!(!facts.identity_matches("db", "default", 2));
        assert!(!facts.identity_matches("db", "other", 1));
    }
}
