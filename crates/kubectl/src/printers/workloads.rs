//! Tables for StatefulSets, Deployments, ReplicaSets, DaemonSets and
//! ControllerRevisions (`printStatefulSet`, `printDeployment`,
//! `printReplicaSet`, `printDaemonSet`, `printControllerRevision` in
//! pkg/printers/internalversion/printers.go).

use ordinal_model::Value;

use super::{
    age, col, containers_and_images, format_label_selector, format_labels, int_at, name, wide,
    PrintContext, TableDef,
};

/// `kubectl get statefulsets`.
pub const STATEFULSET: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Ready"),
        col("Age"),
        wide("Containers"),
        wide("Images"),
    ],
    row: |obj, ctx| {
        let (containers, images) = containers_and_images(obj.at(&["spec", "template", "spec"]));
        vec![
            name(obj).to_string(),
            format!(
                "{}/{}",
                int_at(obj, &["status", "readyReplicas"]),
                int_at(obj, &["spec", "replicas"])
            ),
            age(obj, ctx),
            containers,
            images,
        ]
    },
};

/// `kubectl get deployments`.
pub const DEPLOYMENT: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Ready"),
        col("Up-to-date"),
        col("Available"),
        col("Age"),
        wide("Containers"),
        wide("Images"),
        wide("Selector"),
    ],
    row: |obj, ctx| {
        let (containers, images) = containers_and_images(obj.at(&["spec", "template", "spec"]));
        vec![
            name(obj).to_string(),
            format!(
                "{}/{}",
                int_at(obj, &["status", "readyReplicas"]),
                int_at(obj, &["spec", "replicas"])
            ),
            int_at(obj, &["status", "updatedReplicas"]).to_string(),
            int_at(obj, &["status", "availableReplicas"]).to_string(),
            age(obj, ctx),
            containers,
            images,
            format_label_selector(obj.at(&["spec", "selector"])),
        ]
    },
};

/// `kubectl get replicasets`.
pub const REPLICASET: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Desired"),
        col("Current"),
        col("Ready"),
        col("Age"),
        wide("Containers"),
        wide("Images"),
        wide("Selector"),
    ],
    row: |obj, ctx| {
        let (containers, images) = containers_and_images(obj.at(&["spec", "template", "spec"]));
        vec![
            name(obj).to_string(),
            int_at(obj, &["spec", "replicas"]).to_string(),
            int_at(obj, &["status", "replicas"]).to_string(),
            int_at(obj, &["status", "readyReplicas"]).to_string(),
            age(obj, ctx),
            containers,
            images,
            format_label_selector(obj.at(&["spec", "selector"])),
        ]
    },
};

/// `kubectl get daemonsets`.
pub const DAEMONSET: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Desired"),
        col("Current"),
        col("Ready"),
        col("Up-to-date"),
        col("Available"),
        col("Node Selector"),
        col("Age"),
        wide("Containers"),
        wide("Images"),
        wide("Selector"),
    ],
    row: |obj, ctx| {
        let spec = obj.at(&["spec", "template", "spec"]);
        let (containers, images) = containers_and_images(spec);
        let count = |field: &str| int_at(obj, &["status", field]).to_string();
        vec![
            name(obj).to_string(),
            count("desiredNumberScheduled"),
            count("currentNumberScheduled"),
            count("numberReady"),
            count("updatedNumberScheduled"),
            count("numberAvailable"),
            format_labels(spec.and_then(|s| s.get("nodeSelector"))),
            age(obj, ctx),
            containers,
            images,
            format_label_selector(obj.at(&["spec", "selector"])),
        ]
    },
};

/// `kubectl get controllerrevisions`.
pub const CONTROLLER_REVISION: TableDef = TableDef {
    columns: &[col("Name"), col("Controller"), col("Revision"), col("Age")],
    row: controller_revision_row,
};

fn controller_revision_row(obj: &Value, ctx: &PrintContext) -> Vec<String> {
    let controller = obj
        .array_at(&["metadata", "ownerReferences"])
        .iter()
        .find(|r| r.at(&["controller"]).and_then(Value::as_bool) == Some(true))
        .map(|r| {
            let group = r
                .str_at(&["apiVersion"])
                .split_once('/')
                .map(|(g, _)| g)
                .unwrap_or("");
            let kind = r.str_at(&["kind"]).to_ascii_lowercase();
            if group.is_empty() {
                format!("{kind}/{}", r.str_at(&["name"]))
            } else {
                format!("{kind}.{group}/{}", r.str_at(&["name"]))
            }
        })
        .unwrap_or_else(|| "<none>".to_string());
    vec![
        name(obj).to_string(),
        controller,
        int_at(obj, &["revision"]).to_string(),
        age(obj, ctx),
    ]
}
