//! The access-review APIs kubectl's `auth` commands call:
//! `SelfSubjectAccessReview` (`kubectl auth can-i`, always allowed: the
//! simulated user is the kind cluster's admin) and `SelfSubjectReview`
//! (`kubectl auth whoami`). Mirrors the answers of
//! `pkg/registry/authorization/selfsubjectaccessreview` and
//! `pkg/registry/authentication/selfsubjectreview`; the request body (which
//! kubectl sends as protobuf) is not needed to answer.

use ordinal_kubectl::cmd::{ADMIN_GROUPS, ADMIN_USER};
use ordinal_model::Value;

/// The answer to a POST at `/apis/{group}/{version}/{resource}`, if it is a review.
pub fn answer(group: &str, version: &str, resource: &str) -> Option<Value> {
    let api_version = format!("{group}/{version}");
    let (kind, status) = match (group, version, resource) {
        ("authorization.k8s.io", "v1", "selfsubjectaccessreviews") => (
            "SelfSubjectAccessReview",
            Value::from([("allowed", Value::Bool(true))]),
        ),
        ("authentication.k8s.io", "v1", "selfsubjectreviews") => {
            let groups = ADMIN_GROUPS.iter().map(|g| Value::from(*g)).collect();
            (
                "SelfSubjectReview",
                Value::from([(
                    "userInfo",
                    Value::from([
                        ("username", Value::from(ADMIN_USER)),
                        ("groups", Value::Array(groups)),
                    ]),
                )]),
            )
        }
        _ => return None,
    };
    Some(Value::from([
        ("kind", Value::from(kind)),
        ("apiVersion", Value::from(api_version)),
        ("metadata", Value::object()),
        ("spec", Value::object()),
        ("status", status),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whoami_names_the_kind_admin_and_can_i_allows() {
        let who = answer("authentication.k8s.io", "v1", "selfsubjectreviews").expect("served");
        assert_eq!(
            who.str_at(&["status", "userInfo", "username"]),
            "kubernetes-admin"
        );
        let can = answer("authorization.k8s.io", "v1", "selfsubjectaccessreviews").expect("served");
        assert_eq!(can.at(&["status", "allowed"]), Some(&Value::Bool(true)));
        assert!(answer("authorization.k8s.io", "v1", "subjectaccessreviews").is_none());
    }
}
