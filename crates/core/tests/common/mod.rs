//! Fixtures shared by the simulator's integration tests and benchmarks.

use ordinal_core::Value;

/// An apps/v1 workload of `kind` (StatefulSet, Deployment) named `name`
/// whose selector and pod labels are `app: <name>`, with `replicas` pods of
/// one `nginx` container running `image` (defaults otherwise).
pub fn workload(kind: &str, name: &str, replicas: i64, image: &str) -> Value {
    let mut v = Value::object();
    v.set(&["apiVersion"], "apps/v1".into());
    v.set(&["kind"], kind.into());
    v.set(&["metadata", "name"], name.into());
    v.set(&["spec", "replicas"], Value::Int(replicas));
    v.set(&["spec", "selector", "matchLabels", "app"], name.into());
    v.set(
        &["spec", "template", "metadata", "labels", "app"],
        name.into(),
    );
    v.set(
        &["spec", "template", "spec", "containers"],
        Value::from(vec![Value::from([
            ("name", Value::from("nginx")),
            ("image", Value::from(image)),
        ])]),
    );
    v
}

/// A StatefulSet [`workload`] of `nginx:1.27` (OrderedReady, no
/// serviceName, no claims).
#[allow(dead_code)] // not every test binary builds StatefulSets
pub fn stateful_set(name: &str, replicas: i64) -> Value {
    workload("StatefulSet", name, replicas, "nginx:1.27")
}
