//! `describe statefulset` and `describe service` (`StatefulSetDescriber`,
//! `ServiceDescriber` in kubectl pkg/describe/describe.go).

use ordinal_model::Value;

use super::pod::{containers, selectors_and_tolerations, volumes};
use super::{
    annotations_multiline, events, labels_multiline, meta_header, rfc1123z, Context, Writer,
};
use crate::printers::{format_label_selector, PrintContext};

/// `describe statefulset`; `ctx.related` holds the set's pods.
pub fn statefulset(sts: &Value, ctx: &Context, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", sts.str_at(&["metadata", "name"])));
    w.line(
        0,
        &format!("Namespace:\t{}", sts.str_at(&["metadata", "namespace"])),
    );
    w.line(
        0,
        &format!(
            "CreationTimestamp:\t{}",
            rfc1123z(sts.str_at(&["metadata", "creationTimestamp"]))
        ),
    );
    w.line(
        0,
        &format!(
            "Selector:\t{}",
            format_label_selector(sts.at(&["spec", "selector"]))
        ),
    );
    labels_multiline(w, 0, "Labels", sts.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", sts.at(&["metadata", "annotations"]));
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} total",
            sts.i64_at(&["spec", "replicas"]).unwrap_or(1),
            sts.i64_at(&["status", "replicas"]).unwrap_or(0)
        ),
    );
    w.line(
        0,
        &format!(
            "Update Strategy:\t{}",
            sts.str_at(&["spec", "updateStrategy", "type"])
        ),
    );
    if let Some(rolling) = sts
        .at(&["spec", "updateStrategy", "rollingUpdate"])
        .filter(|r| !r.is_null())
    {
        if let Some(partition) = rolling.i64_at(&["partition"]) {
            w.line(1, &format!("Partition:\t{partition}"));
        }
        match rolling.get("maxUnavailable") {
            Some(Value::Int(n)) => w.line(1, &format!("MaxUnavailable:\t{n}")),
            Some(Value::String(s)) => w.line(1, &format!("MaxUnavailable:\t{s}")),
            _ => {}
        }
    }
    pods_status(ctx, w);
    let template = sts.at(&["spec", "template"]).cloned().unwrap_or_default();
    pod_template(&template, w);
    let claims = sts.array_at(&["spec", "volumeClaimTemplates"]);
    if claims.is_empty() {
        w.line(0, "Volume Claims:\t<none>");
    }
    for (i, claim) in claims.iter().enumerate() {
        if i == 0 {
            w.line(0, "Volume Claims:");
        }
        w.line(
            1,
            &format!("Name:\t{}", claim.str_at(&["metadata", "name"])),
        );
        w.line(
            1,
            &format!(
                "StorageClass:\t{}",
                claim.str_at(&["spec", "storageClassName"])
            ),
        );
        super::labels_multiline(w, 1, "Labels", claim.at(&["metadata", "labels"]));
        let annotations: Vec<String> = claim
            .at(&["metadata", "annotations"])
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default();
        super::multiline(w, 1, "Annotations", &annotations);
        let capacity = match claim.at(&["spec", "resources", "requests", "storage"]) {
            Some(v) => crate::printers::canonical_quantity(Some(v)),
            None => "<default>".to_string(),
        };
        w.line(1, &format!("Capacity:\t{capacity}"));
        let modes: Vec<&str> = claim
            .array_at(&["spec", "accessModes"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        w.line(1, &format!("Access Modes:\t[{}]", modes.join(" ")));
    }
    events(w, ctx);
}

/// The `Pod Template:` block (`DescribePodTemplate`).
pub(super) fn pod_template(template: &Value, w: &mut Writer) {
    let print = PrintContext { now_ms: 0 };
    let ctx = Context {
        print,
        events: None,
        related: &[],
    };
    w.line(0, "Pod Template:");
    labels_multiline(w, 1, "Labels", template.at(&["metadata", "labels"]));
    if template
        .at(&["metadata", "annotations"])
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty())
    {
        annotations_multiline(
            w,
            1,
            "Annotations",
            template.at(&["metadata", "annotations"]),
        );
    }
    let spec = template.get("spec").cloned().unwrap_or_default();
    let account = spec.str_at(&["serviceAccountName"]);
    if !account.is_empty() {
        w.line(1, &format!("Service Account:\t{account}"));
    }
    let init = spec.array_at(&["initContainers"]);
    if !init.is_empty() {
        containers(w, "Init Containers", init, &[], None, &ctx);
    }
    containers(
        w,
        "Containers",
        spec.array_at(&["containers"]),
        &[],
        None,
        &ctx,
    );
    volumes(w, 1, spec.array_at(&["volumes"]));
    let priority_class = spec.str_at(&["priorityClassName"]);
    if !priority_class.is_empty() {
        w.line(1, &format!("Priority Class Name:\t{priority_class}"));
    }
    selectors_and_tolerations(w, 1, &spec);
}

/// `describe service`; `ctx.related` holds the service's EndpointSlices.
pub fn service(svc: &Value, ctx: &Context, w: &mut Writer) {
    meta_header(svc, w);
    w.line(
        0,
        &format!(
            "Selector:\t{}",
            crate::printers::format_labels(svc.at(&["spec", "selector"]))
        ),
    );
    let kind = match svc.str_at(&["spec", "type"]) {
        "" => "ClusterIP",
        t => t,
    };
    w.line(0, &format!("Type:\t{kind}"));
    let policy = svc.str_at(&["spec", "ipFamilyPolicy"]);
    if !policy.is_empty() {
        w.line(0, &format!("IP Family Policy:\t{policy}"));
    }
    let families: Vec<&str> = svc
        .array_at(&["spec", "ipFamilies"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let families = if families.is_empty() {
        "<none>".to_string()
    } else {
        families.join(",")
    };
    w.line(0, &format!("IP Families:\t{families}"));
    w.line(0, &format!("IP:\t{}", svc.str_at(&["spec", "clusterIP"])));
    let ips: Vec<&str> = svc
        .array_at(&["spec", "clusterIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !ips.is_empty() {
        w.line(0, &format!("IPs:\t{}", ips.join(",")));
    }
    for port in svc.array_at(&["spec", "ports"]) {
        let name = match port.str_at(&["name"]) {
            "" => "<unset>",
            n => n,
        };
        let protocol = match port.str_at(&["protocol"]) {
            "" => "TCP",
            p => p,
        };
        let number = port.i64_at(&["port"]).unwrap_or(0);
        w.line(0, &format!("Port:\t{name}  {number}/{protocol}"));
        let target = match port.get("targetPort") {
            Some(Value::Int(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => number.to_string(),
        };
        w.line(0, &format!("TargetPort:\t{target}/{protocol}"));
        if let Some(node_port) = port.i64_at(&["nodePort"]) {
            w.line(0, &format!("NodePort:\t{name}  {node_port}/{protocol}"));
        }
        let port_name = port.str_at(&["name"]);
        let mut endpoints = Vec::new();
        for slice in ctx.related {
            let slice_port = slice
                .array_at(&["ports"])
                .iter()
                .find(|p| p.str_at(&["name"]) == port_name)
                .and_then(|p| p.i64_at(&["port"]));
            let Some(slice_port) = slice_port else {
                continue;
            };
            for e in slice.array_at(&["endpoints"]) {
                if e.at(&["conditions", "ready"]).and_then(Value::as_bool) == Some(false) {
                    continue;
                }
                for a in e.array_at(&["addresses"]).iter().filter_map(Value::as_str) {
                    endpoints.push(format!("{a}:{slice_port}"));
                }
            }
        }
        let shown = if ctx.related.is_empty() {
            "<none>".to_string()
        } else if endpoints.len() > 3 {
            format!(
                "{} + {} more...",
                endpoints[..3].join(","),
                endpoints.len() - 3
            )
        } else {
            endpoints.join(",")
        };
        w.line(0, &format!("Endpoints:\t{shown}"));
    }
    w.line(
        0,
        &format!(
            "Session Affinity:\t{}",
            svc.str_at(&["spec", "sessionAffinity"])
        ),
    );
    let external = svc.str_at(&["spec", "externalTrafficPolicy"]);
    if !external.is_empty() {
        w.line(0, &format!("External Traffic Policy:\t{external}"));
    }
    let internal = svc.str_at(&["spec", "internalTrafficPolicy"]);
    if !internal.is_empty() {
        w.line(0, &format!("Internal Traffic Policy:\t{internal}"));
    }
    events(w, ctx);
}

/// `Pods Status:` with the related pods counted by phase (`describe.go` `getPodStatusForController`).
pub(super) fn pods_status(ctx: &Context, w: &mut Writer) {
    let phase_count = |phase: &str| {
        ctx.related
            .iter()
            .filter(|p| p.str_at(&["status", "phase"]) == phase)
            .count()
    };
    w.line(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed",
            phase_count("Running"),
            phase_count("Pending"),
            phase_count("Succeeded"),
            phase_count("Failed")
        ),
    );
}
