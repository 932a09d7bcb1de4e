//! The describer kubectl falls back to for kinds without their own (Events,
//! ControllerRevisions, Endpoints...): every field of the object, sorted by
//! key, under labels made from the field names (`genericDescriber`,
//! `printUnstructuredContent` and `smartLabelFor` in kubectl
//! pkg/describe/describe.go; word splitting as fatih/camelcase).

use ordinal_model::Value;

use super::{events, meta_header, Context, Writer};

/// Fields the generic describer leaves out (printed above or never shown).
const SKIPPED: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

/// Words kubectl prints in capitals.
const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];

/// fatih/camelcase `Split`: runs of one character class, an upper-case run
/// giving its last letter to a following lower-case run (`HTMLFile` → `HTML File`).
fn camel_split(field: &str) -> Vec<String> {
    fn class(c: char) -> u8 {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_ascii_digit() {
            3
        } else {
            4
        }
    }
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in field.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower {
            if let Some(moved) = runs[i].pop() {
                runs[i + 1].insert(0, moved);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

/// `smartLabelFor`: `apiVersion` → `API Version`, `involvedObject` → `Involved Object`.
pub fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    camel_split(field)
        .into_iter()
        .filter(|part| part != "_")
        .map(|part| {
            let upper = part.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut chars = part.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

fn content(w: &mut Writer, level: usize, map: &ordinal_model::value::Map, prefix: &str) {
    for (field, value) in map {
        let path = format!("{prefix}.{field}");
        if SKIPPED.contains(&path.as_str()) {
            continue;
        }
        match value {
            Value::Object(child) => {
                w.line(level, &format!("{}:", smart_label(field)));
                content(w, level + 1, child, &path);
            }
            Value::Array(items) => {
                w.line(level, &format!("{}:", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(child) => content(w, level + 1, child, &path),
                        other => w.line(level + 1, &ordinal_model::json::go_fmt_value(other)),
                    }
                }
            }
            other => w.line(
                level,
                &format!(
                    "{}:\t{}",
                    smart_label(field),
                    ordinal_model::json::go_fmt_value(other)
                ),
            ),
        }
    }
}

/// Describes any object field by field; `with_events` adds the Events table
/// (kubectl leaves it out when it lists every Event of a namespace).
pub fn generic(obj: &Value, ctx: &Context, with_events: bool, w: &mut Writer) {
    meta_header(obj, w);
    if let Some(map) = obj.as_object() {
        content(w, 0, map, "");
    }
    if with_events {
        events(w, ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_smart_label_for() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("involvedObject"), "Involved Object");
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("podIP"), "Pod IP");
        assert_eq!(smart_label("HTMLFile"), "HTML File");
        assert_eq!(
            smart_label("app.kubernetes.io/name"),
            "app.kubernetes.io/name"
        );
    }
}
