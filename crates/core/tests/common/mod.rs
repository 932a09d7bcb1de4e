//! Fixtures shared by the simulator's integration tests and benchmarks.

use ordinal_core::Value;

/// An apps/v1 StatefulSet `name` whose selector and pod labels are
/// `app: <name>`, with `replicas` pods of one `nginx:1.27` container
/// (defaults otherwise: OrderedReady, no serviceName, no claims).
pub fn stateful_set(name: &str, replicas: i64) -> Value {
    let mut v = Value::object();
    v.set(&["apiVersion"], "apps/v1".into());
    v.set(&["kind"], "StatefulSet".into());
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
            ("image", Value::from("nginx:1.27")),
        ])]),
    );
    v
}
