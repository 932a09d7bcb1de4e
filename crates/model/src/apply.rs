//! Client-side `kubectl apply`: the three-way strategic merge of the last
//! applied manifest, the live object and the new manifest
//! (`k8s.io/apimachinery/pkg/util/strategicpatch`), and the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation
//! (`k8s.io/kubectl/pkg/util/apply.go`).
//!
//! Fields the new manifest dropped (present in last-applied) are removed;
//! fields only the server set are kept. Lists with a patch merge key
//! (containers by `name`, container ports by `containerPort`, service ports by
//! `port`, ...) merge item by item; other lists are replaced whole.

use crate::json;
use crate::value::{Map, Value};

/// The annotation kubectl stores the applied manifest in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The annotation value for a manifest, as kubectl's
/// `GetModifiedConfiguration` computes it: compact JSON (keys sorted) of the
/// object whose annotations map is always present, emptied of the annotation
/// itself (so often `{}`), and a newline.
pub fn last_applied_value(manifest: &Value) -> String {
    let mut copy = manifest.clone();
    let annotations = copy.entry("metadata").entry("annotations");
    if !matches!(annotations, Value::Object(_)) {
        *annotations = Value::object();
    }
    copy.remove(&["metadata", "annotations", LAST_APPLIED]);
    format!("{}\n", json::to_compact(&copy))
}

/// The manifest with its last-applied annotation set (what `apply` sends).
pub fn with_last_applied(manifest: &Value) -> Value {
    let mut out = manifest.clone();
    let value = last_applied_value(manifest);
    out.set(&["metadata", "annotations", LAST_APPLIED], value.into());
    out
}

/// The patch merge key of the list at `path` (indices removed), if any.
fn merge_key(kind: &str, path: &str) -> Option<&'static str> {
    let last = path.rsplit('.').next().unwrap_or(path);
    match last {
        "containers" | "initContainers" | "ephemeralContainers" => Some("name"),
        "volumes" | "env" | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
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
    let mut out = Vec::new();
    for item in new_items {
        match item.get(key) {
            Some(id) => {
                let last_item = find(last, key, id);
                let live_item = find(live, key, id);
                out.push(merge(kind, path, last_item, live_item, item));
            }
            None => out.push(item.clone()),
        }
    }
    for item in live
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let Some(id) = item.get(key) else { continue };
        let in_new = new_items.iter().any(|n| n.get(key) == Some(id));
        let in_last = find(last, key, id).is_some();
        if !in_new && !in_last {
            out.push(item.clone());
        }
    }
    Value::Array(out)
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
