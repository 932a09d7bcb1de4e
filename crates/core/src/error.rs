//! API errors as the API server returns them (`metav1.Status`), with the
//! server's own message texts (apimachinery `pkg/api/errors/errors.go`).

use std::fmt;

/// `metav1.StatusReason` values the simulator produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// 404.
    NotFound,
    /// 409 on create.
    AlreadyExists,
    /// 409 on a stale resourceVersion.
    Conflict,
    /// 422.
    Invalid,
    /// 403.
    Forbidden,
    /// 400.
    BadRequest,
    /// 405.
    MethodNotAllowed,
    /// 429.
    TooManyRequests,
    /// 500.
    InternalError,
    /// 500 without a reason (`StatusReasonUnknown`): a plain error the
    /// server passes on, such as a kubelet it cannot reach.
    Unknown,
}

impl Reason {
    /// The reason text kubectl prints in `Error from server (<Reason>)`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Conflict => "Conflict",
            Reason::Invalid => "Invalid",
            Reason::Forbidden => "Forbidden",
            Reason::BadRequest => "BadRequest",
            Reason::MethodNotAllowed => "MethodNotAllowed",
            Reason::TooManyRequests => "TooManyRequests",
            Reason::InternalError => "InternalError",
            Reason::Unknown => "",
        }
    }

    /// The HTTP status code.
    pub fn code(self) -> u16 {
        match self {
            Reason::NotFound => 404,
            Reason::AlreadyExists | Reason::Conflict => 409,
            Reason::Invalid => 422,
            Reason::Forbidden => 403,
            Reason::BadRequest => 400,
            Reason::MethodNotAllowed => 405,
            Reason::TooManyRequests => 429,
            Reason::InternalError | Reason::Unknown => 500,
        }
    }
}

/// One `details.causes` entry: a field path and the field error body
/// (`Invalid value: -1: must be greater than or equal to 0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// Field path, e.g. `spec.replicas`.
    pub field: String,
    /// The error text after the field, e.g. `Required value`.
    pub message: String,
}

/// An API error (`metav1.Status` with `status: Failure`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// Machine-readable reason.
    pub reason: Reason,
    /// The server's message, e.g. `pods "web-9" not found`.
    pub message: String,
    /// `details.kind`: the bare kind (`StatefulSet`) or resource (`pods`).
    pub kind: String,
    /// `details.name`.
    pub name: String,
    /// `details.causes` (validation errors).
    pub causes: Vec<Cause>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl ApiError {
    fn new(reason: Reason, message: String, kind: &str, name: &str) -> ApiError {
        ApiError {
            code: reason.code(),
            reason,
            message,
            kind: kind.to_string(),
            name: name.to_string(),
            causes: Vec::new(),
        }
    }

    /// `<resource> "<name>" not found`; `qualified` is e.g. `statefulsets.apps`.
    pub fn not_found(qualified: &str, name: &str) -> ApiError {
        let kind = qualified.split('.').next().unwrap_or(qualified);
        ApiError::new(
            Reason::NotFound,
            format!("{qualified} \"{name}\" not found"),
            kind,
            name,
        )
    }

    /// `<resource> "<name>" already exists`.
    pub fn already_exists(qualified: &str, name: &str) -> ApiError {
        let kind = qualified.split('.').next().unwrap_or(qualified);
        ApiError::new(
            Reason::AlreadyExists,
            format!("{qualified} \"{name}\" already exists"),
            kind,
            name,
        )
    }

    /// A 409 for a stale `resourceVersion`.
    pub fn conflict(qualified: &str, name: &str) -> ApiError {
        let kind = qualified.split('.').next().unwrap_or(qualified);
        ApiError::new(
            Reason::Conflict,
            format!(
                "Operation cannot be fulfilled on {qualified} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
            kind,
            name,
        )
    }

    /// An Invalid status: `details.kind` is the bare kind (kubectl prints
    /// `The <Kind> "<name>" is invalid`), the message names the qualified kind
    /// (`StatefulSet.apps "db" is invalid: ...`).
    pub fn invalid(kind: &str, qualified_kind: &str, name: &str, causes: Vec<Cause>) -> ApiError {
        let list: Vec<String> = causes
            .iter()
            .map(|c| {
                if c.field.is_empty() {
                    c.message.clone()
                } else {
                    format!("{}: {}", c.field, c.message)
                }
            })
            .collect();
        let body = if list.len() == 1 {
            list[0].clone()
        } else {
            format!("[{}]", list.join(", "))
        };
        let mut err = ApiError::new(
            Reason::Invalid,
            format!("{qualified_kind} \"{name}\" is invalid: {body}"),
            kind,
            name,
        );
        err.causes = causes;
        err
    }

    /// A 403 with the given message.
    pub fn forbidden(kind: &str, name: &str, message: String) -> ApiError {
        ApiError::new(Reason::Forbidden, message, kind, name)
    }

    /// A 400 with the given message.
    pub fn bad_request(message: String) -> ApiError {
        ApiError::new(Reason::BadRequest, message, "", "")
    }

    /// A 500 (`NewInternalError`): `Internal error occurred: <cause>`.
    pub fn internal(cause: &str) -> ApiError {
        ApiError::new(
            Reason::InternalError,
            format!("Internal error occurred: {cause}"),
            "",
            "",
        )
    }

    /// A 429 (`NewTooManyRequests`) with the given message.
    pub fn too_many_requests(message: String) -> ApiError {
        ApiError::new(Reason::TooManyRequests, message, "", "")
    }

    /// A 405 with the given message.
    pub fn method_not_allowed(message: String) -> ApiError {
        ApiError::new(Reason::MethodNotAllowed, message, "", "")
    }

    /// A 500 without a reason carrying a plain error's text
    /// (`ErrorToAPIStatus`); kubectl prints `Error from server: <message>`.
    pub fn unknown(message: String) -> ApiError {
        ApiError::new(Reason::Unknown, message, "", "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_the_api_servers() {
        assert_eq!(
            ApiError::not_found("pods", "web-9").message,
            "pods \"web-9\" not found"
        );
        let e = ApiError::already_exists("statefulsets.apps", "web");
        assert_eq!(e.message, "statefulsets.apps \"web\" already exists");
        assert_eq!(e.code, 409);
        assert_eq!(e.kind, "statefulsets");
    }

    #[test]
    fn invalid_lists_causes_in_brackets_when_several() {
        let c = |f: &str, m: &str| Cause {
            field: f.into(),
            message: m.into(),
        };
        let one = ApiError::invalid(
            "StatefulSet",
            "StatefulSet.apps",
            "db",
            vec![c("spec.replicas", "Required value")],
        );
        assert_eq!(
            one.message,
            "StatefulSet.apps \"db\" is invalid: spec.replicas: Required value"
        );
        assert_eq!(one.kind, "StatefulSet");
        let two = ApiError::invalid(
            "StatefulSet",
            "StatefulSet.apps",
            "db",
            vec![c("a", "Required value"), c("b", "Required value")],
        );
        assert!(two
            .message
            .ends_with("[a: Required value, b: Required value]"));
    }
}
