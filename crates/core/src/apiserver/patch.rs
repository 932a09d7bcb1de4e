//! Patches: JSON merge patch (RFC 7386) and the subset of strategic merge
//! patch kubectl sends (lists of containers, volumes, ports, env merged by
//! their merge keys; `$patch: replace` / `$patch: delete`). Mirrors
//! apimachinery `pkg/util/strategicpatch` for the fields the simulator serves.

use ordinal_model::Value;

/// How a patch document is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/merge-patch+json`.
    Merge,
    /// `application/strategic-merge-patch+json`.
    Strategic,
}

/// Applies `patch` to `target` with the given semantics.
pub fn apply_patch(target: &Value, patch: &Value, kind: PatchType) -> Value {
    match kind {
        PatchType::Merge => merge(target, patch, None, ""),
        PatchType::Strategic => merge(target, patch, Some(target.str_at(&["kind"])), ""),
    }
}

/// Merges `patch` into `target` at `path`; `strategic` holds the object's
/// kind for a strategic merge (list merge keys come from
/// [`ordinal_model::apply::merge_key`], the table kubectl apply uses too).
fn merge(target: &Value, patch: &Value, strategic: Option<&str>, path: &str) -> Value {
    let Some(patch_map) = patch.as_object() else {
        if let Some(kind) = strategic {
            if let (Some(key), Some(items), Some(base)) = (
                ordinal_model::apply::merge_key(kind, path),
                patch.as_array(),
                target.as_array(),
            ) {
                return merge_list(base, items, key, kind, path);
            }
        }
        return patch.clone();
    };
    if strategic.is_some() && patch_map.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut replaced = patch.clone();
        replaced.remove(&["$patch"]);
        return replaced;
    }
    let mut out = match target {
        Value::Object(_) => target.clone(),
        _ => Value::object(),
    };
    for (k, v) in patch_map {
        if strategic.is_some() && k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            out.remove(&[k.as_str()]);
            continue;
        }
        let child = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        let merged = match out.get(k) {
            Some(existing) => merge(existing, v, strategic, &child),
            None => merge(&Value::Null, v, strategic, &child),
        };
        out.set(&[k.as_str()], merged);
    }
    out
}

fn merge_list(base: &[Value], items: &[Value], key: &str, kind: &str, path: &str) -> Value {
    let mut out: Vec<Value> = base.to_vec();
    for item in items {
        let id = item.get(key).cloned();
        let delete = item.str_at(&["$patch"]) == "delete";
        let pos = id
            .as_ref()
            .and_then(|id| out.iter().position(|e| e.get(key) == Some(id)));
        match (pos, delete) {
            (Some(i), true) => {
                out.remove(i);
            }
            (Some(i), false) => out[i] = merge(&out[i], item, Some(kind), path),
            (None, false) => out.push(merge(&Value::Null, item, Some(kind), path)),
            (None, true) => {}
        }
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn containers(pairs: &[(&str, &str)]) -> Value {
        Value::from(
            pairs
                .iter()
                .map(|(n, i)| Value::from([("name", Value::from(*n)), ("image", Value::from(*i))]))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn merge_patch_sets_and_removes_keys() {
        let t = Value::from([("a", Value::Int(1)), ("b", Value::Int(2))]);
        let p = Value::from([("a", Value::Null), ("c", Value::Int(3))]);
        let out = apply_patch(&t, &p, PatchType::Merge);
        assert_eq!(
            out,
            Value::from([("b", Value::Int(2)), ("c", Value::Int(3))])
        );
    }

    #[test]
    fn strategic_patch_merges_containers_by_name() {
        let t = Value::from([("containers", containers(&[("a", "x:1"), ("b", "y:1")]))]);
        let p = Value::from([("containers", containers(&[("b", "y:2")]))]);
        let out = apply_patch(&t, &p, PatchType::Strategic);
        assert_eq!(
            out.get("containers"),
            Some(&containers(&[("a", "x:1"), ("b", "y:2")]))
        );
        let merge = apply_patch(&t, &p, PatchType::Merge);
        assert_eq!(merge.get("containers"), Some(&containers(&[("b", "y:2")])));
    }

    #[test]
    fn strategic_replace_directive_replaces_the_map() {
        let t = Value::from([("template", Value::from([("a", Value::Int(1))]))]);
        let p = Value::from([(
            "template",
            Value::from([("b", Value::Int(2)), ("$patch", Value::from("replace"))]),
        )]);
        let out = apply_patch(&t, &p, PatchType::Strategic);
        assert_eq!(
            out.get("template"),
            Some(&Value::from([("b", Value::Int(2))]))
        );
    }
}
