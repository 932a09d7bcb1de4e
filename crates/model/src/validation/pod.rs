//! Pod-spec validation (`pkg/apis/core/validation/validation.go`,
//! `ValidatePodSpec` and the container, port, volume and probe helpers), used
//! for Pods, pod templates of Deployments/ReplicaSets, and the pods the
//! StatefulSet controller creates (whose failures become FailedCreate events).

use super::{nonnegative, pod_rules, FieldError};
use crate::names;
use crate::quantity::Quantity;
use crate::value::Value;
use std::collections::BTreeSet;

const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

/// `ValidatePodSpec` for the spec at `path` (e.g. `spec`, `spec.template.spec`).
pub fn validate_pod_spec(spec: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let volumes = volumes(spec, path, &mut errs);
    let containers = spec.array_at(&["containers"]);
    if containers.is_empty() {
        errs.push(FieldError::required(&format!("{path}.containers"), ""));
    }
    let host_users = spec.at(&["hostUsers"]).and_then(Value::as_bool) != Some(false);
    let mut all_names = BTreeSet::new();
    for list in ["containers", "initContainers"] {
        for (i, c) in spec.array_at(&[list]).iter().enumerate() {
            let p = format!("{path}.{list}[{i}]");
            container(c, &p, &volumes, &mut errs);
            pod_rules::container_security(c, &p, host_users, &mut errs);
            let name = c.str_at(&["name"]);
            if !name.is_empty() && !all_names.insert(name.to_string()) {
                errs.push(FieldError::duplicate(&format!("{p}.name"), name.into()));
            }
            if list == "containers" || c.str_at(&["restartPolicy"]) == "Always" {
                probes(c, &p, &mut errs);
            } else {
                for field in [
                    "lifecycle",
                    "livenessProbe",
                    "readinessProbe",
                    "startupProbe",
                ] {
                    if c.get(field).is_some_and(|v| !v.is_null()) {
                        errs.push(FieldError::forbidden(
                            &format!("{p}.{field}"),
                            "may not be set for init containers without restartPolicy=Always",
                        ));
                    }
                }
            }
        }
    }
    let restart = spec.str_at(&["restartPolicy"]);
    if !["Always", "OnFailure", "Never"].contains(&restart) {
        errs.push(FieldError::not_supported(
            &format!("{path}.restartPolicy"),
            restart.into(),
            &["Always", "OnFailure", "Never"],
        ));
    }
    let dns = spec.str_at(&["dnsPolicy"]);
    let dns_supported = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
    if !dns_supported.contains(&dns) {
        errs.push(FieldError::not_supported(
            &format!("{path}.dnsPolicy"),
            dns.into(),
            &dns_supported,
        ));
    }
    pod_rules::pod_security(spec, path, &mut errs);
    if let Some(n) = spec
        .i64_at(&["activeDeadlineSeconds"])
        .filter(|n| !(1..=2_147_483_647).contains(n))
    {
        errs.push(FieldError::invalid(
            &format!("{path}.activeDeadlineSeconds"),
            Value::Int(n),
            "must be between 1 and 2147483647, inclusive",
        ));
    }
    nonnegative(
        spec,
        &["terminationGracePeriodSeconds"],
        &format!("{path}.terminationGracePeriodSeconds"),
        &mut errs,
    );
    for field in ["hostname", "subdomain"] {
        let v = spec.str_at(&[field]);
        if !v.is_empty() {
            for msg in names::dns1123_label(v) {
                errs.push(FieldError::invalid(
                    &format!("{path}.{field}"),
                    v.into(),
                    &msg,
                ));
            }
        }
    }
    errs.extend(pod_rules::tolerations(spec, path));
    errs
}

/// Volume names (returned for mount checks) and sources.
fn volumes(spec: &Value, path: &str, errs: &mut Vec<FieldError>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for (i, v) in spec.array_at(&["volumes"]).iter().enumerate() {
        let p = format!("{path}.volumes[{i}]");
        let name = v.str_at(&["name"]);
        if name.is_empty() {
            errs.push(FieldError::required(&format!("{p}.name"), ""));
        } else {
            for msg in names::dns1123_label(name) {
                errs.push(FieldError::invalid(&format!("{p}.name"), name.into(), &msg));
            }
            if !seen.insert(name.to_string()) {
                errs.push(FieldError::duplicate(&format!("{p}.name"), name.into()));
            }
        }
        let sources: Vec<&String> = v
            .as_object()
            .map(|m| m.keys().filter(|k| k.as_str() != "name").collect())
            .unwrap_or_default();
        match sources.as_slice() {
            [] => errs.push(FieldError::required(&p, "must specify a volume type")),
            [_] => {}
            [_, extra, ..] => errs.push(FieldError::forbidden(
                &format!("{p}.{extra}"),
                "may not specify more than 1 volume type",
            )),
        }
        if let Some(claim) = v.get("persistentVolumeClaim").filter(|c| !c.is_null()) {
            if claim.str_at(&["claimName"]).is_empty() {
                errs.push(FieldError::required(
                    &format!("{p}.persistentVolumeClaim.claimName"),
                    "",
                ));
            }
        }
    }
    seen
}

fn port_number(v: &Value, field: &str, path: &str, required: bool, errs: &mut Vec<FieldError>) {
    match v.i64_at(&[field]) {
        None | Some(0) if required => {
            errs.push(FieldError::required(&format!("{path}.{field}"), ""))
        }
        None | Some(0) => {}
        Some(n) if !(1..=65535).contains(&n) => errs.push(FieldError::invalid(
            &format!("{path}.{field}"),
            Value::Int(n),
            PORT_RANGE,
        )),
        Some(_) => {}
    }
}

fn container(c: &Value, path: &str, volumes: &BTreeSet<String>, errs: &mut Vec<FieldError>) {
    let name = c.str_at(&["name"]);
    if name.is_empty() {
        errs.push(FieldError::required(&format!("{path}.name"), ""));
    } else {
        for msg in names::dns1123_label(name) {
            errs.push(FieldError::invalid(
                &format!("{path}.name"),
                name.into(),
                &msg,
            ));
        }
    }
    let image = c.str_at(&["image"]);
    if image.is_empty() {
        errs.push(FieldError::required(&format!("{path}.image"), ""));
    } else if image.trim() != image {
        errs.push(FieldError::invalid(
            &format!("{path}.image"),
            image.into(),
            "must not have leading or trailing whitespace",
        ));
    }
    match c.str_at(&["terminationMessagePolicy"]) {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(FieldError::required(
            &format!("{path}.terminationMessagePolicy"),
            "",
        )),
        other => errs.push(FieldError::not_supported(
            &format!("{path}.terminationMessagePolicy"),
            other.into(),
            &["File", "FallbackToLogsOnError"],
        )),
    }
    let mut port_names = BTreeSet::new();
    for (i, port) in c.array_at(&["ports"]).iter().enumerate() {
        let p = format!("{path}.ports[{i}]");
        let port_name = port.str_at(&["name"]);
        if !port_name.is_empty() {
            let msgs = names::port_name(port_name);
            for msg in &msgs {
                errs.push(FieldError::invalid(
                    &format!("{p}.name"),
                    port_name.into(),
                    msg,
                ));
            }
            if msgs.is_empty() && !port_names.insert(port_name.to_string()) {
                errs.push(FieldError::duplicate(
                    &format!("{p}.name"),
                    port_name.into(),
                ));
            }
        }
        port_number(port, "containerPort", &p, true, errs);
        port_number(port, "hostPort", &p, false, errs);
        protocol(port, &p, errs);
    }
    pod_rules::env(c, path, errs);
    let mut mount_paths = BTreeSet::new();
    for (i, m) in c.array_at(&["volumeMounts"]).iter().enumerate() {
        let p = format!("{path}.volumeMounts[{i}]");
        let mount_name = m.str_at(&["name"]);
        if mount_name.is_empty() {
            errs.push(FieldError::required(&format!("{p}.name"), ""));
        } else if !volumes.contains(mount_name) {
            errs.push(FieldError::not_found(
                &format!("{p}.name"),
                mount_name.into(),
            ));
        }
        let mount_path = m.str_at(&["mountPath"]);
        if mount_path.is_empty() {
            errs.push(FieldError::required(&format!("{p}.mountPath"), ""));
        } else if !mount_paths.insert(mount_path.to_string()) {
            errs.push(FieldError::invalid(
                &format!("{p}.mountPath"),
                mount_path.into(),
                "must be unique",
            ));
        }
    }
    let pull = c.str_at(&["imagePullPolicy"]);
    if !["Always", "IfNotPresent", "Never"].contains(&pull) {
        errs.push(FieldError::not_supported(
            &format!("{path}.imagePullPolicy"),
            pull.into(),
            &["Always", "IfNotPresent", "Never"],
        ));
    }
    resources(c, path, errs);
}

/// Liveness, readiness and startup probes of a regular container.
fn probes(c: &Value, path: &str, errs: &mut Vec<FieldError>) {
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get(probe).filter(|p| !p.is_null()) {
            probe_errors(
                p,
                &format!("{path}.{probe}"),
                probe != "readinessProbe",
                errs,
            );
        }
    }
}

fn protocol(port: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let proto = port.str_at(&["protocol"]);
    if proto.is_empty() {
        errs.push(FieldError::required(&format!("{path}.protocol"), ""));
    } else if !["SCTP", "TCP", "UDP"].contains(&proto) {
        errs.push(FieldError::not_supported(
            &format!("{path}.protocol"),
            proto.into(),
            &["SCTP", "TCP", "UDP"],
        ));
    }
}

fn probe_errors(p: &Value, path: &str, success_must_be_one: bool, errs: &mut Vec<FieldError>) {
    let handlers: Vec<&str> = ["exec", "httpGet", "tcpSocket", "grpc"]
        .into_iter()
        .filter(|h| p.get(h).is_some_and(|v| !v.is_null()))
        .collect();
    if handlers.is_empty() {
        errs.push(FieldError::required(path, "must specify a handler type"));
    }
    for extra in handlers.iter().skip(1) {
        errs.push(FieldError::forbidden(
            &format!("{path}.{extra}"),
            "may not specify more than 1 handler type",
        ));
    }
    for handler in ["httpGet", "tcpSocket"] {
        let port_path = format!("{path}.{handler}.port");
        match p.at(&[handler, "port"]) {
            Some(Value::Int(n)) if !(1..=65535).contains(n) => {
                errs.push(FieldError::invalid(&port_path, Value::Int(*n), PORT_RANGE))
            }
            Some(Value::String(name)) => {
                for msg in names::port_name(name) {
                    errs.push(FieldError::invalid(&port_path, name.as_str().into(), msg));
                }
            }
            _ => {}
        }
    }
    for field in [
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        nonnegative(p, &[field], &format!("{path}.{field}"), errs);
    }
    if success_must_be_one {
        if let Some(n) = p.i64_at(&["successThreshold"]).filter(|n| *n != 1) {
            errs.push(FieldError::invalid(
                &format!("{path}.successThreshold"),
                Value::Int(n),
                "must be 1",
            ));
        }
    }
}

fn resources(c: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let get = |kind: &str, name: &str| {
        c.at(&["resources", kind, name]).and_then(|v| match v {
            Value::String(s) => Quantity::parse(s).ok(),
            Value::Int(i) => Some(Quantity::from_units(*i, crate::quantity::Format::DecimalSI)),
            _ => None,
        })
    };
    let Some(requests) = c.at(&["resources", "requests"]).and_then(Value::as_object) else {
        return;
    };
    for name in requests.keys() {
        if let (Some(req), Some(limit)) = (get("requests", name), get("limits", name)) {
            if req > limit {
                errs.push(FieldError::invalid(
                    &format!("{path}.resources.requests[{name}]"),
                    req.to_string().into(),
                    &format!("must be less than or equal to {name} limit of {limit}"),
                ));
            }
        }
    }
}
