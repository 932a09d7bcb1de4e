//! StatefulSet, Deployment and ReplicaSet validation
//! (`pkg/apis/apps/validation/validation.go`). StatefulSet templates are only
//! checked for labels here; their pod specs are validated when the controller
//! creates pods (upstream has no PodSpec validation for StatefulSets).

use super::{labels_and_annotations, nonnegative, pod::validate_pod_spec, FieldError};
use crate::json;
use crate::labels::Selector;
use crate::value::Value;

const IMMUTABLE: &str = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/// The internal `RollingUpdateStatefulSetStrategy` as the server marshals it.
fn rolling_update_struct(ru: &Value) -> String {
    let partition = ru.i64_at(&["partition"]).unwrap_or(0);
    format!("{{\"Partition\":{partition},\"MaxUnavailable\":null}}")
}

/// `ValidateStatefulSetSpec`
pub fn stateful_set_spec(obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let null = Value::Null;
    let spec = obj.get("spec").unwrap_or(&null);
    match spec.str_at(&["podManagementPolicy"]) {
        "" => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        other => errs.push(FieldError::invalid(
            "spec.podManagementPolicy",
            other.into(),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let rolling_update = spec
        .at(&["updateStrategy", "rollingUpdate"])
        .filter(|v| !v.is_null());
    match spec.str_at(&["updateStrategy", "type"]) {
        "" => errs.push(FieldError::required("spec.updateStrategy", "")),
        "OnDelete" => {
            if let Some(ru) = rolling_update {
                errs.push(FieldError::invalid_rendered(
                    "spec.updateStrategy.rollingUpdate",
                    rolling_update_struct(ru),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => nonnegative(
            spec,
            &["updateStrategy", "rollingUpdate", "partition"],
            "spec.updateStrategy.rollingUpdate.partition",
            &mut errs,
        ),
        other => {
            let inner = rolling_update.map_or("null".to_string(), rolling_update_struct);
            errs.push(FieldError::invalid_rendered(
                "spec.updateStrategy",
                format!(
                    "{{\"Type\":{},\"RollingUpdate\":{inner}}}",
                    json::to_compact(&other.into())
                ),
                "must be 'RollingUpdate' or 'OnDelete'",
            ));
        }
    }
    for key in ["whenDeleted", "whenScaled"] {
        let v = spec.str_at(&["persistentVolumeClaimRetentionPolicy", key]);
        if v != "Retain" && v != "Delete" {
            errs.push(FieldError::not_supported(
                &format!("spec.persistentVolumeClaimRetentionPolicy.{key}"),
                v.into(),
                &["Retain", "Delete"],
            ));
        }
    }
    nonnegative(spec, &["replicas"], "spec.replicas", &mut errs);
    nonnegative(
        spec,
        &["ordinals", "start"],
        "spec.ordinals.start",
        &mut errs,
    );
    nonnegative(
        spec,
        &["minReadySeconds"],
        "spec.minReadySeconds",
        &mut errs,
    );
    let service_name = spec.str_at(&["serviceName"]);
    if !service_name.is_empty() {
        for msg in crate::names::dns1123_label(service_name) {
            errs.push(FieldError::invalid(
                "spec.serviceName",
                service_name.into(),
                &msg,
            ));
        }
    }
    selector_and_template(spec, "statefulset", &mut errs);
    match spec.str_at(&["template", "spec", "restartPolicy"]) {
        "Always" => {}
        other => errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            other.into(),
            &["Always"],
        )),
    }
    if spec
        .at(&["template", "spec", "activeDeadlineSeconds"])
        .is_some_and(|v| !v.is_null())
    {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
    errs
}

/// Selector presence/emptiness and the template-labels match.
fn selector_and_template(spec: &Value, what: &str, errs: &mut Vec<FieldError>) {
    let selector = spec.get("selector").filter(|v| !v.is_null());
    let parsed = match selector {
        None => {
            errs.push(FieldError::required("spec.selector", ""));
            None
        }
        Some(sel) => {
            errs.extend(label_selector(sel, "spec.selector"));
            let empty = sel.array_at(&["matchExpressions"]).is_empty()
                && sel
                    .get("matchLabels")
                    .and_then(Value::as_object)
                    .is_none_or(|m| m.is_empty());
            if empty {
                errs.push(FieldError::invalid(
                    "spec.selector",
                    sel.clone(),
                    &format!("empty selector is invalid for {what}"),
                ));
            }
            match Selector::from_label_selector(sel) {
                Ok(s) => Some(s),
                Err(_) => {
                    errs.push(FieldError::invalid("spec.selector", sel.clone(), ""));
                    return;
                }
            }
        }
    };
    errs.extend(
        labels_and_annotations(spec, "template.metadata")
            .into_iter()
            .map(|mut e| {
                e.path = format!("spec.{}", e.path);
                e
            }),
    );
    let labels = spec.at(&["template", "metadata", "labels"]);
    let matches = match &parsed {
        None => false,
        Some(s) => s.is_empty() || s.matches(labels),
    };
    if !matches {
        errs.push(FieldError::invalid(
            "spec.template.metadata.labels",
            labels.cloned().unwrap_or(Value::Null),
            "`selector` does not match template `labels`",
        ));
    }
}

/// `ValidateLabelSelector` (apimachinery `metav1/validation`).
pub fn label_selector(sel: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, expr) in sel.array_at(&["matchExpressions"]).iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        let has_values = !expr.array_at(&["values"]).is_empty();
        match expr.str_at(&["operator"]) {
            "In" | "NotIn" if !has_values => errs.push(FieldError::required(
                &format!("{p}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if has_values => errs.push(FieldError::forbidden(
                &format!("{p}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errs.push(FieldError::invalid(
                &format!("{p}.operator"),
                other.into(),
                "not a valid selector operator",
            )),
        }
        let key = expr.str_at(&["key"]);
        for msg in crate::names::qualified_name(key) {
            errs.push(FieldError::invalid(&format!("{p}.key"), key.into(), &msg));
        }
    }
    let holder = Value::from([(
        "m",
        Value::from([(
            "labels",
            sel.get("matchLabels").cloned().unwrap_or_default(),
        )]),
    )]);
    errs.extend(
        labels_and_annotations(&holder, "m")
            .into_iter()
            .map(|mut e| {
                e.path = format!("{path}.matchLabels");
                e
            }),
    );
    errs
}

/// `ValidateStatefulSetUpdate`'s immutable-spec rule.
pub fn stateful_set_immutable(old: &Value, new: &Value) -> Vec<FieldError> {
    let mutable = [
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "revisionHistoryLimit",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
    ];
    let strip = |v: &Value| {
        let mut spec = v.get("spec").cloned().unwrap_or(Value::Null);
        for key in mutable {
            spec.remove(&[key]);
        }
        spec
    };
    if strip(old) != strip(new) {
        vec![FieldError::forbidden("spec", IMMUTABLE)]
    } else {
        Vec::new()
    }
}

/// Deployment and ReplicaSet: counts, selector, template labels and pod spec.
pub fn replicated_spec(obj: &Value, kind: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let null = Value::Null;
    let spec = obj.get("spec").unwrap_or(&null);
    nonnegative(spec, &["replicas"], "spec.replicas", &mut errs);
    nonnegative(
        spec,
        &["minReadySeconds"],
        "spec.minReadySeconds",
        &mut errs,
    );
    nonnegative(
        spec,
        &["revisionHistoryLimit"],
        "spec.revisionHistoryLimit",
        &mut errs,
    );
    let what = if kind == "Deployment" {
        "deployment"
    } else {
        "replicaset"
    };
    selector_and_template(spec, what, &mut errs);
    let template_spec = spec.at(&["template", "spec"]).unwrap_or(&null);
    let mut pod_errs = validate_pod_spec(template_spec, "spec.template.spec");
    pod_errs.retain(|e| e.path != "spec.template.spec.restartPolicy");
    errs.extend(pod_errs);
    match template_spec.str_at(&["restartPolicy"]) {
        "Always" => {}
        other => errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            other.into(),
            &["Always"],
        )),
    }
    errs
}
