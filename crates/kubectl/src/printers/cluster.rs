//! Tables for Nodes, Namespaces, Events, ConfigMaps, Secrets and Leases
//! (`printNode`, `printNamespace`, `printEvent`, `printConfigMap`,
//! `printSecret`, `printLease` in pkg/printers/internalversion/printers.go).

use ordinal_model::Value;

use super::{age, col, name, wide, PrintContext, TableDef};

/// `kubectl get nodes`.
pub const NODE: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Status"),
        col("Roles"),
        col("Age"),
        col("Version"),
        wide("Internal-IP"),
        wide("External-IP"),
        wide("OS-Image"),
        wide("Kernel-Version"),
        wide("Container-Runtime"),
    ],
    row: node_row,
};

/// The node STATUS cell (`printNode`): `Ready` when the Ready condition is
/// True, `NotReady` when it is False or Unknown, `Unknown` without one; plus
/// `,SchedulingDisabled`.
pub fn node_status(node: &Value) -> String {
    let ready = node
        .array_at(&["status", "conditions"])
        .iter()
        .find(|c| c.str_at(&["type"]) == "Ready")
        .map(|c| match c.str_at(&["status"]) {
            "True" => "Ready",
            _ => "NotReady",
        })
        .unwrap_or("Unknown");
    let mut status = ready.to_string();
    if node.at(&["spec", "unschedulable"]).and_then(Value::as_bool) == Some(true) {
        status.push_str(",SchedulingDisabled");
    }
    status
}

fn node_row(node: &Value, ctx: &PrintContext) -> Vec<String> {
    let mut roles: Vec<String> = node
        .at(&["metadata", "labels"])
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .filter_map(|(k, v)| {
                    if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                        (!role.is_empty()).then(|| role.to_string())
                    } else if k == "kubernetes.io/role" {
                        v.as_str().filter(|r| !r.is_empty()).map(str::to_string)
                    } else {
                        None
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    ordinal_model::order::sort(&mut roles);
    roles.dedup();
    let roles = if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    };
    let address = |kind: &str| {
        node.array_at(&["status", "addresses"])
            .iter()
            .find(|a| a.str_at(&["type"]) == kind)
            .map(|a| a.str_at(&["address"]).to_string())
            .unwrap_or_else(|| "<none>".to_string())
    };
    let info = |key: &str| {
        let v = node.str_at(&["status", "nodeInfo", key]);
        if v.is_empty() {
            "<unknown>".to_string()
        } else {
            v.to_string()
        }
    };
    vec![
        name(node).to_string(),
        node_status(node),
        roles,
        age(node, ctx),
        node.str_at(&["status", "nodeInfo", "kubeletVersion"])
            .to_string(),
        address("InternalIP"),
        address("ExternalIP"),
        info("osImage"),
        info("kernelVersion"),
        info("containerRuntimeVersion"),
    ]
}

/// `kubectl get namespaces`.
pub const NAMESPACE: TableDef = TableDef {
    columns: &[col("Name"), col("Status"), col("Age")],
    row: |ns, ctx| {
        vec![
            name(ns).to_string(),
            ns.str_at(&["status", "phase"]).to_string(),
            age(ns, ctx),
        ]
    },
};

/// `kubectl get leases`.
pub const LEASE: TableDef = TableDef {
    columns: &[col("Name"), col("Holder"), col("Age")],
    row: |lease, ctx| {
        vec![
            name(lease).to_string(),
            lease.str_at(&["spec", "holderIdentity"]).to_string(),
            age(lease, ctx),
        ]
    },
};

/// `kubectl get configmaps`.
pub const CONFIG_MAP: TableDef = TableDef {
    columns: &[col("Name"), col("Data"), col("Age")],
    row: |cm, ctx| {
        let count = ["data", "binaryData"]
            .iter()
            .filter_map(|k| cm.get(k).and_then(Value::as_object))
            .map(|m| m.len())
            .sum::<usize>();
        vec![name(cm).to_string(), count.to_string(), age(cm, ctx)]
    },
};

/// `kubectl get secrets`.
pub const SECRET: TableDef = TableDef {
    columns: &[col("Name"), col("Type"), col("Data"), col("Age")],
    row: |s, ctx| {
        let count = s
            .get("data")
            .and_then(Value::as_object)
            .map_or(0, |m| m.len());
        vec![
            name(s).to_string(),
            s.str_at(&["type"]).to_string(),
            count.to_string(),
            age(s, ctx),
        ]
    },
};

/// `printServiceAccount`: the number of `secrets` references.
pub const SERVICE_ACCOUNT: TableDef = TableDef {
    columns: &[col("Name"), col("Secrets"), col("Age")],
    row: |a, ctx| {
        vec![
            name(a).to_string(),
            a.array_at(&["secrets"]).len().to_string(),
            age(a, ctx),
        ]
    },
};

/// `kubectl get events`.
pub const EVENT: TableDef = TableDef {
    columns: &[
        col("Last Seen"),
        col("Type"),
        col("Reason"),
        col("Object"),
        wide("Subobject"),
        wide("Source"),
        col("Message"),
        wide("First Seen"),
        wide("Count"),
        wide("Name"),
    ],
    row: event_row,
};

/// First-seen and last-seen ages of an event, as `printEvent` computes them.
pub fn event_ages(ev: &Value, ctx: &PrintContext) -> (String, String) {
    let first_ts = ev.str_at(&["firstTimestamp"]);
    let first = if first_ts.is_empty() {
        ctx.since(ev.str_at(&["eventTime"]))
    } else {
        ctx.since(first_ts)
    };
    let series_last = ev.str_at(&["series", "lastObservedTime"]);
    let last = if !series_last.is_empty() {
        ctx.since(series_last)
    } else if ev.str_at(&["lastTimestamp"]).is_empty() {
        first.clone()
    } else {
        ctx.since(ev.str_at(&["lastTimestamp"]))
    };
    (first, last)
}

/// The event's source as kubectl prints it (`kubelet, kind-control-plane`).
pub fn event_source(ev: &Value) -> String {
    let component = ev.str_at(&["source", "component"]);
    let (first, second) = if component.is_empty() {
        (
            ev.str_at(&["reportingComponent"]),
            ev.str_at(&["reportingInstance"]),
        )
    } else {
        (component, ev.str_at(&["source", "host"]))
    };
    if second.is_empty() {
        first.to_string()
    } else {
        format!("{first}, {second}")
    }
}

fn event_row(ev: &Value, ctx: &PrintContext) -> Vec<String> {
    let (first, last) = event_ages(ev, ctx);
    let count = ev
        .i64_at(&["series", "count"])
        .or_else(|| ev.i64_at(&["count"]).filter(|c| *c != 0))
        .unwrap_or(1);
    let kind = ev.str_at(&["involvedObject", "kind"]).to_ascii_lowercase();
    let object_name = ev.str_at(&["involvedObject", "name"]);
    let target = if object_name.is_empty() {
        kind
    } else {
        format!("{kind}/{object_name}")
    };
    vec![
        last,
        ev.str_at(&["type"]).to_string(),
        ev.str_at(&["reason"]).to_string(),
        target,
        ev.str_at(&["involvedObject", "fieldPath"]).to_string(),
        event_source(ev),
        ev.str_at(&["message"]).trim().to_string(),
        first,
        count.to_string(),
        name(ev).to_string(),
    ]
}
