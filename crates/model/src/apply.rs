//! Client-side `kubectl apply`: the three-way strategic merge of the last
//! applied manifest, the live object and the new manifest
//! (`k8s.io/apimachinery/pkg/util/strategicpatch`), and the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation
//! (`k8s.io/kubectl/pkg/util/apply.go`).
//!
//! Fields the new manifest dropped (present in last-applied) are removed;
//! fields only the server set are kept. Lists with a patch merge key
//! (containers by `name`, container ports by `containerPort`, service ports by
//! `port`, ...) merge item by item; other lists are replaced whole. Merged
//! lists follow the file's order (the `$setElementOrder/<list>` directive
//! kubectl puts in the patch), with items only the server has put back where
//! the live list had them (`normalizeElementOrder` / `mergeSortedSlice`).

use crate::json;
use crate::value::{Map, Value};

/// The annotation kubectl stores the applied manifest in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The annotation value for a manifest, as kubectl's
/// `GetModifiedConfiguration` computes it: compact JSON (keys sorted) of the
/// object whose annotations map is always present, emptied of the annotation
/// itself (so often `{}`), and a newline.
pub fn last_applied_value(manifest: &Value) -> String {
    format!("{}\n", json::to_compact(&without_last_applied(manifest)))
}

/// The annotation `kubectl create --save-config` stores on an object it
/// built as its Go type (a generator's): keys in the Go structs' order.
pub fn typed_last_applied_value(object: &Value) -> String {
    let mut copy = object.clone();
    copy.remove(&["metadata", "annotations", LAST_APPLIED]);
    // An empty annotations map is left out of the Go struct's JSON.
    if copy
        .at(&["metadata", "annotations"])
        .and_then(Value::as_object)
        .is_some_and(|m| m.is_empty())
    {
        copy.remove(&["metadata", "annotations"]);
    }
    format!("{}\n", json::to_compact_typed(&copy))
}

/// The manifest with an `annotations` map and without the last-applied one.
fn without_last_applied(manifest: &Value) -> Value {
    let mut copy = manifest.clone();
    let annotations = copy.entry("metadata").entry("annotations");
    if !matches!(annotations, Value::Object(_)) {
        *annotations = Value::object();
    }
    copy.remove(&["metadata", "annotations", LAST_APPLIED]);
    copy
}

/// The manifest with its last-applied annotation set (what `apply` sends).
pub fn with_last_applied(manifest: &Value) -> Value {
    let mut out = manifest.clone();
    let value = last_applied_value(manifest);
    out.set(&["metadata", "annotations", LAST_APPLIED], value.into());
    out
}

/// The patch merge key of the list at `path` (indices removed) in an object
/// of `kind`, if any (the `patchMergeKey` tags of the API types).
pub fn merge_key(kind: &str, path: &str) -> Option<&'static str> {
    let last = path.rsplit('.').next().unwrap_or(path);
    match last {
        "containers" | "initContainers" | "ephemeralContainers" => Some("name"),
        "volumes" | "env" | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "ownerReferences" => Some("uid"),
        "ports" if kind == "Service" && path == "spec.ports" => Some("port"),
        "ports" => Some("containerPort"),
        _ => None,
    }
}

/// The object `kubectl apply` leaves on the server: `live` patched with the
/// three-way strategic merge of `last_applied` → `new`.
pub fn three_way_merge(last_applied: Option<&Value>, live: &Value, new: &Value) -> Value {
    let kind = new.str_at(&["kind"]).to_string();
    merge(&kind, "", last_applied, Some(live), new)
}

fn merge(kind: &str, path: &str, last: Option<&Value>, live: Option<&Value>, new: &Value) -> Value {
    match new {
        Value::Object(new_map) => {
            let mut out: Map = match live {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            };
            if let Some(Value::Object(last_map)) = last {
                for key in last_map.keys() {
                    if !new_map.contains_key(key) {
                        out.remove(key);
                    }
                }
            }
            for (key, value) in new_map {
                if value.is_null() {
                    out.remove(key);
                    continue;
                }
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let last_child = last.and_then(|l| l.get(key));
                let live_child = out.get(key).cloned();
                let merged = merge(kind, &child, last_child, live_child.as_ref(), value);
                out.insert(key.clone(), merged);
            }
            Value::Object(out)
        }
        Value::Array(new_items) => match merge_key(kind, path) {
            Some(key) => merge_list(kind, path, key, last, live, new_items),
            None => new.clone(),
        },
        other => other.clone(),
    }
}

fn find<'a>(items: Option<&'a Value>, key: &str, id: &Value) -> Option<&'a Value> {
    items?
        .as_array()?
        .iter()
        .find(|item| item.get(key) == Some(id))
}

fn merge_list(
    kind: &str,
    path: &str,
    key: &str,
    last: Option<&Value>,
    live: Option<&Value>,
    new_items: &[Value],
) -> Value {
    let mut patched = Vec::new();
    for item in new_items {
        match item.get(key) {
            Some(id) => {
                let last_item = find(last, key, id);
                let live_item = find(live, key, id);
                patched.push(merge(kind, path, last_item, live_item, item));
            }
            None => patched.push(item.clone()),
        }
    }
    let live_items = live
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let server_only: Vec<&Value> = live_items
        .iter()
        .filter(|item| {
            item.get(key).is_some_and(|id| {
                !new_items.iter().any(|n| n.get(key) == Some(id)) && find(last, key, id).is_none()
            })
        })
        .collect();
    Value::Array(interleave(server_only, patched, live_items, key))
}

/// `mergeSortedSlice`: the items the server alone has go back between the
/// items of the file (kept in the file's `$setElementOrder`) where the live
/// list had them: one goes before a file item that followed it on the server.
fn interleave(
    server_only: Vec<&Value>,
    patched: Vec<Value>,
    live: &[Value],
    key: &str,
) -> Vec<Value> {
    let position = |item: &Value| {
        let id = item.get(key)?;
        live.iter().position(|l| l.get(key) == Some(id))
    };
    let mut out = Vec::with_capacity(server_only.len() + patched.len());
    let mut left = server_only.into_iter().peekable();
    let mut right = patched.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => matches!((position(l), position(r)), (Some(a), Some(b)) if a < b),
        };
        if take_left {
            out.extend(left.next().cloned());
        } else {
            out.extend(right.next());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_stream;

    fn v(text: &str) -> Value {
        parse_stream(text).docs.remove(0).value
    }

    #[test]
    fn removing_a_field_from_the_file_removes_it_from_the_object() {
        let last = v("kind: StatefulSet\nspec:\n  replicas: 3\n  minReadySeconds: 5\n");
        let live = v("kind: StatefulSet\nspec:\n  replicas: 3\n  minReadySeconds: 5\n  revisionHistoryLimit: 10\n");
        let new = v("kind: StatefulSet\nspec:\n  replicas: 4\n");
        let out = three_way_merge(Some(&last), &live, &new);
        assert_eq!(
            out,
            v("kind: StatefulSet\nspec:\n  replicas: 4\n  revisionHistoryLimit: 10\n")
        );
    }

    #[test]
    fn containers_merge_by_name_and_keep_server_defaults() {
        let last = v("kind: Pod\nspec:\n  containers:\n  - name: a\n    image: redis:7\n    args: [x, y]\n  - name: b\n    image: busybox\n");
        let live = v("kind: Pod\nspec:\n  containers:\n  - name: a\n    image: redis:7\n    args: [x, y]\n    imagePullPolicy: IfNotPresent\n  - name: b\n    image: busybox\n");
        let new = v(
            "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: redis:7.2\n    args: [z]\n",
        );
        let out = three_way_merge(Some(&last), &live, &new);
        assert_eq!(
            out,
            v("kind: Pod\nspec:\n  containers:\n  - name: a\n    image: redis:7.2\n    args: [z]\n    imagePullPolicy: IfNotPresent\n")
        );
    }

    #[test]
    fn service_ports_merge_by_port() {
        let last = v("kind: Service\nspec:\n  ports:\n  - port: 80\n    name: http\n");
        let live = v("kind: Service\nspec:\n  ports:\n  - port: 80\n    name: http\n    protocol: TCP\n    targetPort: 80\n");
        let new = v("kind: Service\nspec:\n  ports:\n  - port: 80\n    name: web\n");
        let out = three_way_merge(Some(&last), &live, &new);
        assert_eq!(
            out,
            v("kind: Service\nspec:\n  ports:\n  - port: 80\n    name: web\n    protocol: TCP\n    targetPort: 80\n")
        );
    }

    #[test]
    fn items_only_the_server_has_keep_their_place_among_the_file_items() {
        let last = v("kind: Pod\nspec:\n  containers:\n  - name: x\n    image: a\n");
        let live = v("kind: Pod\nspec:\n  containers:\n  - name: w\n    image: b\n  - name: x\n    image: a\n");
        let new = v("kind: Pod\nspec:\n  containers:\n  - name: v\n    image: c\n  - name: x\n    image: a\n");
        let out = three_way_merge(Some(&last), &live, &new);
        let names: Vec<&str> = out
            .array_at(&["spec", "containers"])
            .iter()
            .map(|c| c.str_at(&["name"]))
            .collect();
        assert_eq!(names, ["v", "w", "x"]);
        let reordered = v("kind: Pod\nspec:\n  containers:\n  - name: x\n    image: a\n  - name: v\n    image: c\n");
        let out = three_way_merge(Some(&new), &out, &reordered);
        let names: Vec<&str> = out
            .array_at(&["spec", "containers"])
            .iter()
            .map(|c| c.str_at(&["name"]))
            .collect();
        assert_eq!(names, ["w", "x", "v"]);
    }

    #[test]
    fn last_applied_annotation_is_compact_json_with_newline() {
        let m = v("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"<b>\"\n");
        assert_eq!(
            last_applied_value(&m),
            "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"\\u003cb\\u003e\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"x\"}}\n"
        );
        let annotated = with_last_applied(&m);
        assert_eq!(last_applied_value(&annotated), last_applied_value(&m));
    }
}
