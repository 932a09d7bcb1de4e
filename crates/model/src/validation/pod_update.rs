//! `ValidatePodUpdate` (`pkg/apis/core/validation/validation.go`): on update a
//! pod may change only its container images, `activeDeadlineSeconds`
//! (decrease or set), tolerations (additions) and a negative
//! `terminationGracePeriodSeconds` to 1. Any other spec change is Forbidden,
//! with the `cmp.Diff` of the old and the munged new spec that the server
//! prints (see `go_diff`).

use super::go_diff::{pod_spec_diff, same};
use super::{pod_rules::tolerations, FieldError};
use crate::value::Value;

const UPDATABLE: &str = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `math.MaxInt32`, the largest `activeDeadlineSeconds`.
const MAX_INT32: i64 = 2_147_483_647;

/// The spec rules of `ValidatePodUpdate` (the new pod's own validation runs first).
pub fn pod_update(old: &Value, new: &Value) -> Vec<FieldError> {
    let null = Value::Null;
    let old_spec = old.get("spec").unwrap_or(&null);
    let new_spec = new.get("spec").unwrap_or(&null);
    let mut errs = Vec::new();
    for list in ["containers", "initContainers"] {
        let (olds, news) = (old_spec.array_at(&[list]), new_spec.array_at(&[list]));
        let path = format!("spec.{list}");
        if olds.len() != news.len() {
            errs.push(FieldError::forbidden(
                &path,
                "pod updates may not add or remove containers",
            ));
            return errs;
        }
        for (i, c) in news.iter().enumerate() {
            let image = c.str_at(&["image"]);
            if image.is_empty() {
                errs.push(FieldError::required(&format!("{path}[{i}].image"), ""));
            }
            if image.trim() != image {
                errs.push(FieldError::invalid(
                    &format!("{path}[{i}].image"),
                    image.into(),
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    let deadline_path = "spec.activeDeadlineSeconds";
    match (
        new_spec.i64_at(&["activeDeadlineSeconds"]),
        old_spec.i64_at(&["activeDeadlineSeconds"]),
    ) {
        (Some(n), _) if !(0..=MAX_INT32).contains(&n) => {
            errs.push(FieldError::invalid(
                deadline_path,
                Value::Int(n),
                &format!("must be between 0 and {MAX_INT32}, inclusive"),
            ));
            return errs;
        }
        (Some(n), Some(o)) if o < n => {
            errs.push(FieldError::invalid(
                deadline_path,
                Value::Int(n),
                "must be less than or equal to previous value",
            ));
            return errs;
        }
        (None, Some(_)) => errs.push(FieldError::invalid(
            deadline_path,
            Value::Null,
            "must not update from a positive integer to nil value",
        )),
        _ => {}
    }
    errs.extend(only_added_tolerations(old_spec, new_spec));
    if same(Some(old_spec), Some(new_spec)) {
        return errs;
    }
    let munged = munge(old_spec, new_spec);
    if !same(Some(old_spec), Some(&munged)) {
        let detail = format!(
            "pod updates may not change fields other than {UPDATABLE}\n{}",
            pod_spec_diff(old_spec, &munged)
        );
        errs.push(FieldError::forbidden("spec", detail.trim_end()));
    }
    errs
}

/// `validateOnlyAddedTolerations`: every old toleration must still be there
/// (its `tolerationSeconds` may change), then the new list is validated.
fn only_added_tolerations(old_spec: &Value, new_spec: &Value) -> Vec<FieldError> {
    let news = new_spec.array_at(&["tolerations"]);
    let without_seconds = |t: &Value| {
        let mut t = t.clone();
        t.remove(&["tolerationSeconds"]);
        t
    };
    for old in old_spec.array_at(&["tolerations"]) {
        let old = without_seconds(old);
        if !news
            .iter()
            .any(|n| same(Some(&without_seconds(n)), Some(&old)))
        {
            return vec![FieldError::forbidden(
                "spec.tolerations",
                "existing toleration can not be modified except its tolerationSeconds",
            )];
        }
    }
    tolerations(new_spec, "spec")
}

/// The new spec with every field that may change reset to its old value.
fn munge(old_spec: &Value, new_spec: &Value) -> Value {
    let mut munged = new_spec.clone();
    for list in ["containers", "initContainers"] {
        let olds = old_spec.array_at(&[list]);
        if let Some(items) = munged.at_mut(&[list]).and_then(Value::as_array_mut) {
            for (c, o) in items.iter_mut().zip(olds) {
                c.set(&["image"], o.get("image").cloned().unwrap_or_default());
            }
        }
    }
    for field in ["activeDeadlineSeconds", "schedulingGates", "tolerations"] {
        match old_spec.get(field) {
            Some(v) => munged.set(&[field], v.clone()),
            None => {
                munged.remove(&[field]);
            }
        }
    }
    let grace = |v: &Value| v.i64_at(&["terminationGracePeriodSeconds"]);
    if grace(old_spec).is_some_and(|g| g < 0) && grace(&munged) == Some(1) {
        munged.set(
            &["terminationGracePeriodSeconds"],
            old_spec
                .get("terminationGracePeriodSeconds")
                .cloned()
                .unwrap_or_default(),
        );
    }
    munged
}
