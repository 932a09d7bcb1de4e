//! Field selectors (`?fieldSelector=`, `kubectl --field-selector`): parsed as
//! apimachinery's `pkg/fields/selector.go` does (`=`, `==`, `!=`,
//! comma-joined terms, `\`-escaped values, its error texts), each label
//! checked against the resource's field label conversion
//! (`pkg/apis/core/v1/conversion.go`; `runtime.DefaultMetaV1FieldSelectorConversion`
//! for every kind without one) and matched against the values the
//! registries' `GetAttrs` / `ToSelectableFields` expose
//! (`pkg/registry/core/{pod,event,node,namespace,secret,service}/strategy.go`).

use ordinal_model::labels::MAX_SELECTOR_LEN;
use ordinal_model::validation::go_quote;
use ordinal_model::Value;

use crate::error::ApiError;
use crate::resources::ResourceInfo;

/// One `field=value` / `field!=value` term.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    field: String,
    value: String,
    equals: bool,
}

/// A conjunction of field terms; empty matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSelector {
    terms: Vec<Term>,
}

/// Labels the resource's conversion func accepts, or `None` for a kind
/// without one (`DefaultMetaV1FieldSelectorConversion`: name and namespace).
/// The apps/v1, storage, discovery, coordination and policy kinds register
/// none, so `status.replicas` is refused for ReplicaSets too.
fn field_labels(plural: &str) -> Option<&'static [&'static str]> {
    Some(match plural {
        "pods" => &[
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        ],
        "nodes" => &["metadata.name", "spec.unschedulable"],
        "events" => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
            "metadata.namespace",
            "metadata.name",
        ],
        "namespaces" => &["status.phase", "metadata.name"],
        "secrets" => &["type", "metadata.namespace", "metadata.name"],
        "services" => &[
            "metadata.namespace",
            "metadata.name",
            "spec.clusterIP",
            "spec.type",
        ],
        _ => return None,
    })
}

/// `Scheme.ConvertFieldLabel`: the label the store matches on, or the error.
fn convert_label(plural: &str, label: &str) -> Result<&'static str, String> {
    const META: [&str; 2] = ["metadata.name", "metadata.namespace"];
    let Some(labels) = field_labels(plural) else {
        return META.iter().find(|l| **l == label).copied().ok_or_else(|| {
            format!(
                "{} is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                go_quote(label)
            )
        });
    };
    if plural == "pods" && label == "spec.host" {
        // Old v1 clients' name for spec.nodeName.
        return Ok("spec.nodeName");
    }
    labels
        .iter()
        .find(|l| **l == label)
        .copied()
        .ok_or_else(|| format!("field label not supported: {label}"))
}

/// The value a field label selects on, as `ToSelectableFields` renders it
/// (a label the conversion accepts but the field set lacks reads as `""`).
fn field_value(obj: &Value, label: &str) -> String {
    match label {
        "spec.hostNetwork" | "spec.unschedulable" => {
            let path: Vec<&str> = label.split('.').collect();
            let set = obj.at(&path).and_then(Value::as_bool).unwrap_or(false);
            set.to_string()
        }
        "status.podIPs" => String::new(),
        "source" => match obj.str_at(&["source", "component"]) {
            "" => obj.str_at(&["reportingComponent"]).to_string(),
            component => component.to_string(),
        },
        _ => {
            let path: Vec<&str> = label.split('.').collect();
            obj.str_at(&path).to_string()
        }
    }
}

/// `splitTerms`: comma-separated terms; a `\`-escaped comma is data.
fn split_terms(input: &str) -> Vec<&str> {
    if input.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in input.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&input[start..i]);
            start = i + 1;
        }
    }
    terms.push(&input[start..]);
    terms
}

/// `splitTerm`: the first operator (`!=`, then `==`, then `=` at each
/// position) splits the term; the left side has no escaping.
fn split_term(term: &str) -> Option<(&str, &'static str, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for op in ["!=", "==", "="] {
            if let Some(value) = rest.strip_prefix(op) {
                return Some((&term[..i], op, value));
            }
        }
    }
    None
}

/// `UnescapeValue`: `\\`, `\,` and `\=` are the literal characters; a bare
/// `,` or `=` and any other escape are errors.
fn unescape(value: &str) -> Result<String, String> {
    if !value.contains(['\\', ',', '=']) {
        return Ok(value.to_string());
    }
    let mut out = String::with_capacity(value.len());
    let mut in_slash = false;
    for c in value.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(format!(
                    "invalid field selector: invalid escape sequence: \\{c}"
                ));
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            // Go prints the rune with %v: its code point.
            ',' | '=' => {
                return Err(format!(
                    "invalid field selector: unescaped character in value: {}",
                    c as u32
                ))
            }
            c => out.push(c),
        }
    }
    if in_slash {
        return Err("invalid field selector: invalid escape sequence: \\".to_string());
    }
    Ok(out)
}

impl FieldSelector {
    /// Parses a field selector string (`fields.ParseSelector`); the error
    /// is apimachinery's text.
    pub fn parse(input: &str) -> Result<FieldSelector, String> {
        if input.len() > MAX_SELECTOR_LEN {
            return Err(format!(
                "selector is longer than {MAX_SELECTOR_LEN} characters"
            ));
        }
        let mut parts = split_terms(input);
        ordinal_model::order::sort(&mut parts);
        let mut terms = Vec::new();
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            let Some((field, op, value)) = split_term(part) else {
                return Err(format!(
                    "invalid selector: '{input}'; can't understand '{part}'"
                ));
            };
            terms.push(Term {
                field: field.to_string(),
                value: unescape(value)?,
                equals: op != "!=",
            });
        }
        Ok(FieldSelector { terms })
    }

    /// Parses `input` and checks every label against `info`'s field label
    /// conversion, as the list and watch handlers do: any failure is the
    /// API server's 400.
    pub fn for_resource(info: &ResourceInfo, input: &str) -> Result<FieldSelector, ApiError> {
        let mut selector = FieldSelector::parse(input).map_err(ApiError::bad_request)?;
        for term in &mut selector.terms {
            let label = convert_label(info.plural, &term.field).map_err(ApiError::bad_request)?;
            term.field = label.to_string();
        }
        Ok(selector)
    }

    /// True when the selector has no terms (matches everything).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// True when `obj` satisfies every term.
    pub fn matches(&self, obj: &Value) -> bool {
        self.terms
            .iter()
            .all(|t| (field_value(obj, &t.field) == t.value) == t.equals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::by_plural;
    use ordinal_model::json;

    fn select(resource: &str, input: &str) -> Result<FieldSelector, String> {
        let info = by_plural(resource).expect("resource");
        FieldSelector::for_resource(info, input).map_err(|e| {
            assert_eq!(e.code, 400);
            e.message
        })
    }

    fn pod() -> Value {
        json::parse(
            r#"{"metadata":{"name":"web-0","namespace":"default"},
                "spec":{"nodeName":"n1","restartPolicy":"Always","schedulerName":"default-scheduler","serviceAccountName":"default"},
                "status":{"phase":"Running","podIP":"10.244.0.5","podIPs":[{"ip":"10.244.0.5"}]}}"#,
        )
        .expect("json")
    }

    #[test]
    fn parse_errors_are_apimachinery_texts() {
        assert_eq!(
            FieldSelector::parse("b=1,a").unwrap_err(),
            "invalid selector: 'b=1,a'; can't understand 'a'"
        );
        assert_eq!(
            FieldSelector::parse("a=b=c").unwrap_err(),
            "invalid field selector: unescaped character in value: 61"
        );
        assert_eq!(
            FieldSelector::parse("a=b,c=d,e").unwrap_err(),
            "invalid selector: 'a=b,c=d,e'; can't understand 'e'"
        );
        assert_eq!(
            FieldSelector::parse(r"a=b\x").unwrap_err(),
            r"invalid field selector: invalid escape sequence: \x"
        );
        assert_eq!(
            FieldSelector::parse(r"a=b\").unwrap_err(),
            r"invalid field selector: invalid escape sequence: \"
        );
        assert!(FieldSelector::parse("").expect("empty").is_empty());
        assert!(FieldSelector::parse(",,").expect("empty terms").is_empty());
    }

    #[test]
    fn escaped_commas_and_equals_are_value_data() {
        let s = FieldSelector::parse(r"metadata.name=a\,b\=c\\d").expect("parse");
        let obj = json::parse(r#"{"metadata":{"name":"a,b=c\\d"}}"#).expect("json");
        assert!(s.matches(&obj));
    }

    #[test]
    fn operators_equal_double_equal_and_not_equal() {
        let p = pod();
        assert!(select("pods", "metadata.name=web-0")
            .expect("ok")
            .matches(&p));
        assert!(select("pods", "spec.nodeName==n1,status.phase=Running")
            .expect("ok")
            .matches(&p));
        assert!(!select("pods", "status.phase!=Running")
            .expect("ok")
            .matches(&p));
        assert!(select("pods", "spec.nodeName!=n2").expect("ok").matches(&p));
        // The legacy spec.host is spec.nodeName.
        assert!(select("pods", "spec.host=n1").expect("ok").matches(&p));
        assert!(select("pods", "status.podIP=10.244.0.5")
            .expect("ok")
            .matches(&p));
    }

    #[test]
    fn bools_default_to_false_and_unlisted_fields_read_empty() {
        let p = pod();
        assert!(select("pods", "spec.hostNetwork=false")
            .expect("ok")
            .matches(&p));
        assert!(!select("pods", "spec.hostNetwork=true")
            .expect("ok")
            .matches(&p));
        // Accepted by the conversion, absent from the pod's field set.
        assert!(select("pods", "status.podIPs=").expect("ok").matches(&p));
        let node = json::parse(r#"{"metadata":{"name":"n1"},"spec":{"unschedulable":true}}"#)
            .expect("json");
        assert!(select("nodes", "spec.unschedulable=true")
            .expect("ok")
            .matches(&node));
        // Cluster-scoped objects have an empty namespace.
        let pv = json::parse(r#"{"metadata":{"name":"pv1"}}"#).expect("json");
        assert!(select("persistentvolumes", "metadata.namespace=")
            .expect("ok")
            .matches(&pv));
    }

    #[test]
    fn event_source_falls_back_to_the_reporting_controller() {
        let ev = json::parse(
            r#"{"metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"web-0"},
                "reason":"Scheduled","type":"Normal","reportingComponent":"default-scheduler","source":{}}"#,
        )
        .expect("json");
        let s = select(
            "events",
            "involvedObject.name=web-0,source=default-scheduler,reportingComponent=default-scheduler,type=Normal",
        )
        .expect("ok");
        assert!(s.matches(&ev));
        assert!(!select("events", "involvedObject.name=web-1")
            .expect("ok")
            .matches(&ev));
    }

    #[test]
    fn unsupported_labels_are_refused_in_the_conversion_funcs_words() {
        assert_eq!(
            select("pods", "foo=bar").unwrap_err(),
            "field label not supported: foo"
        );
        assert_eq!(
            select("nodes", "metadata.namespace=x").unwrap_err(),
            "field label not supported: metadata.namespace"
        );
        assert_eq!(
            select("replicasets", "status.replicas=1").unwrap_err(),
            "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
        );
        // Terms are checked in sorted order.
        assert_eq!(
            select("pods", "zz=1,aa=2").unwrap_err(),
            "field label not supported: aa"
        );
        assert!(select(
            "statefulsets",
            "metadata.name=web,metadata.namespace=default"
        )
        .is_ok());
        assert!(select("secrets", "type=Opaque").is_ok());
        assert!(select("services", "spec.type=ClusterIP,spec.clusterIP=None").is_ok());
        assert!(select("namespaces", "status.phase=Active").is_ok());
    }
}
