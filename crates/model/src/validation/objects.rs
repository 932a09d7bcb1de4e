//! Service, PersistentVolumeClaim and ConfigMap/Secret validation
//! (`pkg/apis/core/validation/validation.go`: `ValidateService`,
//! `ValidatePersistentVolumeClaimSpec`, `ValidateConfigMap`).

use super::{labels_and_annotations, FieldError};
use crate::names;
use crate::quantity::Quantity;
use crate::value::Value;
use std::collections::BTreeSet;

const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

/// `ValidateService` (spec part).
pub fn service(obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let null = Value::Null;
    let spec = obj.get("spec").unwrap_or(&null);
    let kind = spec.str_at(&["type"]);
    let headless = spec.str_at(&["clusterIP"]) == "None";
    let ports = spec.array_at(&["ports"]);
    if ports.is_empty() && !headless && kind != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    type_rules(spec, kind, headless, &mut errs);
    let mut port_names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let p = format!("spec.ports[{i}]");
        let name = port.str_at(&["name"]);
        if name.is_empty() {
            if ports.len() > 1 {
                errs.push(FieldError::required(&format!("{p}.name"), ""));
            }
        } else {
            for msg in names::dns1123_label(name) {
                errs.push(FieldError::invalid(&format!("{p}.name"), name.into(), &msg));
            }
            if !port_names.insert(name.to_string()) {
                errs.push(FieldError::duplicate(&format!("{p}.name"), name.into()));
            }
        }
        match port.i64_at(&["port"]) {
            Some(n) if (1..=65535).contains(&n) => {}
            Some(n) => errs.push(FieldError::invalid(
                &format!("{p}.port"),
                Value::Int(n),
                PORT_RANGE,
            )),
            None => errs.push(FieldError::invalid(
                &format!("{p}.port"),
                Value::Int(0),
                PORT_RANGE,
            )),
        }
        let proto = port.str_at(&["protocol"]);
        if !["SCTP", "TCP", "UDP"].contains(&proto) {
            errs.push(FieldError::not_supported(
                &format!("{p}.protocol"),
                proto.into(),
                &["SCTP", "TCP", "UDP"],
            ));
        }
        match port.get("targetPort") {
            Some(Value::Int(n)) if !(1..=65535).contains(n) => errs.push(FieldError::invalid(
                &format!("{p}.targetPort"),
                Value::Int(*n),
                PORT_RANGE,
            )),
            Some(Value::String(name)) => {
                for msg in names::port_name(name) {
                    errs.push(FieldError::invalid(
                        &format!("{p}.targetPort"),
                        name.as_str().into(),
                        msg,
                    ));
                }
            }
            _ => {}
        }
    }
    let types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if !types.contains(&kind) {
        errs.push(FieldError::not_supported("spec.type", kind.into(), &types));
    }
    let affinity = spec.str_at(&["sessionAffinity"]);
    if !["ClientIP", "None"].contains(&affinity) {
        errs.push(FieldError::not_supported(
            "spec.sessionAffinity",
            affinity.into(),
            &["ClientIP", "None"],
        ));
    }
    if let Some(selector) = spec.get("selector").and_then(Value::as_object) {
        let wrapped = Value::from([("labels", Value::Object(selector.clone()))]);
        let holder = Value::from([("spec", wrapped)]);
        errs.extend(
            labels_and_annotations(&holder, "spec")
                .into_iter()
                .map(|mut e| {
                    e.path = "spec.selector".to_string();
                    e
                }),
        );
    }
    errs
}

/// The `switch service.Spec.Type` part of `ValidateService`.
fn type_rules(spec: &Value, kind: &str, headless: bool, errs: &mut Vec<FieldError>) {
    match kind {
        "LoadBalancer" | "NodePort" if headless => errs.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            "None".into(),
            &format!("may not be set to 'None' for {kind} services"),
        )),
        "ExternalName" => {
            let forbidden = "may not be set for ExternalName services";
            if !spec.array_at(&["clusterIPs"]).is_empty() {
                errs.push(FieldError::forbidden("spec.clusterIPs", forbidden));
            }
            if !spec.array_at(&["ipFamilies"]).is_empty() {
                errs.push(FieldError::forbidden("spec.ipFamilies", forbidden));
            }
            if spec.get("ipFamilyPolicy").is_some_and(|p| !p.is_null()) {
                errs.push(FieldError::forbidden("spec.ipFamilyPolicy", forbidden));
            }
            let name = spec.str_at(&["externalName"]);
            let cname = name.strip_suffix('.').unwrap_or(name);
            if cname.is_empty() {
                errs.push(FieldError::required("spec.externalName", ""));
            }
            for msg in names::dns1123_subdomain(cname)
                .into_iter()
                .filter(|_| !cname.is_empty())
            {
                errs.push(FieldError::invalid("spec.externalName", cname.into(), &msg));
            }
        }
        _ => {}
    }
}

/// `ValidatePersistentVolumeClaimSpec` for the spec at `path`.
pub fn pvc_spec(spec: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let modes = spec.array_at(&["accessModes"]);
    let supported = [
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOnce",
        "ReadWriteOncePod",
    ];
    if modes.is_empty() {
        errs.push(FieldError::required(
            &format!("{path}.accessModes"),
            "at least 1 access mode is required",
        ));
    }
    for mode in modes {
        let m = mode.as_str().unwrap_or("");
        if !supported.contains(&m) {
            errs.push(FieldError::not_supported(
                &format!("{path}.accessModes"),
                m.into(),
                &supported,
            ));
        }
    }
    let storage_path = format!("{path}.resources[storage]");
    match spec.at(&["resources", "requests", "storage"]) {
        None | Some(Value::Null) => errs.push(FieldError::required(&storage_path, "")),
        Some(v) => {
            let text = match v {
                Value::String(s) => s.clone(),
                other => crate::json::to_compact(other),
            };
            if let Ok(q) = Quantity::parse(&text) {
                if q.is_zero() || q < Quantity::from_milli(0) {
                    errs.push(FieldError::invalid(
                        &storage_path,
                        q.to_string().into(),
                        "must be greater than zero",
                    ));
                }
            }
        }
    }
    let mode = spec.str_at(&["volumeMode"]);
    if !mode.is_empty() && !["Block", "Filesystem"].contains(&mode) {
        errs.push(FieldError::not_supported(
            &format!("{path}.volumeMode"),
            mode.into(),
            &["Block", "Filesystem"],
        ));
    }
    errs
}

/// ConfigMap/Secret data keys must be valid config keys.
pub fn config_keys(obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for field in ["data", "binaryData", "stringData"] {
        if let Some(map) = obj.get(field).and_then(Value::as_object) {
            for key in map.keys() {
                for msg in names::config_key(key) {
                    errs.push(FieldError::invalid(
                        &format!("{field}[{key}]"),
                        key.as_str().into(),
                        &msg,
                    ));
                }
            }
        }
    }
    errs
}

/// What the service registry does to an update before validating it
/// (`pkg/registry/core/service/storage/storage.go`: `patchAllocatedValues`,
/// then `normalizeClusterIPs`): a missing `clusterIP`/`clusterIPs` keeps the
/// allocated one, and a changed `clusterIP` carries `clusterIPs` along.
pub fn prepare_service_update(old: &Value, new: &mut Value) {
    drop_type_dependent_fields(old, new);
    let ips = |v: &Value| v.array_at(&["spec", "clusterIPs"]).to_vec();
    let ip = |v: &Value| v.str_at(&["spec", "clusterIP"]).to_string();
    let needs_ip = |v: &Value| v.str_at(&["spec", "type"]) != "ExternalName";
    if needs_ip(old) && needs_ip(new) {
        if ip(new).is_empty() && !ip(old).is_empty() {
            new.set(&["spec", "clusterIP"], ip(old).into());
        }
        if ips(new).is_empty() && !ips(old).is_empty() {
            new.set(&["spec", "clusterIPs"], Value::Array(ips(old)));
        }
    }
    if !ips(old).is_empty() && ips(new).is_empty() && ip(old) == ip(new) {
        new.set(&["spec", "clusterIPs"], Value::Array(ips(old)));
    }
    if ip(old) != ip(new) && ips(old) == ips(new) {
        if ip(new).is_empty() {
            new.remove(&["spec", "clusterIPs"]);
        } else {
            new.set(&["spec", "clusterIPs"], Value::Array(vec![ip(new).into()]));
        }
    }
}

/// `dropTypeDependentFields` (`pkg/registry/core/service/strategy.go`): a
/// service changing type loses the fields the new type has no use for
/// (cluster IPs and IP families for an ExternalName, node ports, the
/// external traffic policy, `allocateLoadBalancerNodePorts`), each only when
/// the user did not change it in the same request.
fn drop_type_dependent_fields(old: &Value, new: &mut Value) {
    let kind = |v: &Value| v.str_at(&["spec", "type"]).to_string();
    let (old_type, new_type) = (kind(old), kind(new));
    let unchanged = |new: &Value, key: &str| old.at(&["spec", key]) == new.at(&["spec", key]);
    if old_type != "ExternalName" && new_type == "ExternalName" {
        if unchanged(new, "clusterIP") && unchanged(new, "clusterIPs") {
            new.remove(&["spec", "clusterIP"]);
            new.remove(&["spec", "clusterIPs"]);
        }
        for key in ["ipFamilies", "ipFamilyPolicy"] {
            if unchanged(new, key) {
                new.remove(&["spec", key]);
            }
        }
    }
    let node_ports = |v: &Value| {
        let mut ports: Vec<i64> = v
            .array_at(&["spec", "ports"])
            .iter()
            .filter_map(|p| p.i64_at(&["nodePort"]))
            .collect();
        crate::order::sort(&mut ports);
        ports.dedup();
        ports
    };
    let needs_node_port = |t: &str| matches!(t, "NodePort" | "LoadBalancer");
    if needs_node_port(&old_type)
        && !needs_node_port(&new_type)
        && node_ports(old) == node_ports(new)
    {
        if let Some(ports) = new.at_mut(&["spec", "ports"]).and_then(Value::as_array_mut) {
            for p in ports {
                p.remove(&["nodePort"]);
            }
        }
    }
    if old_type == "LoadBalancer"
        && new_type != "LoadBalancer"
        && unchanged(new, "allocateLoadBalancerNodePorts")
    {
        new.remove(&["spec", "allocateLoadBalancerNodePorts"]);
    }
    let external =
        |v: &Value, t: &str| needs_node_port(t) || !v.array_at(&["spec", "externalIPs"]).is_empty();
    if external(old, &old_type)
        && !external(new, &new_type)
        && unchanged(new, "externalTrafficPolicy")
    {
        new.remove(&["spec", "externalTrafficPolicy"]);
    }
}

/// `validateUpgradeDowngradeClusterIPs` (part of `ValidateServiceUpdate`), on
/// an update already passed through `prepare_service_update`.
pub fn service_update(old: &Value, new: &Value) -> Vec<FieldError> {
    let external = |v: &Value| v.str_at(&["spec", "type"]) == "ExternalName";
    let ips = |v: &Value| v.array_at(&["spec", "clusterIPs"]).to_vec();
    let headless = |v: &Value| matches!(ips(v).as_slice(), [Value::String(s)] if s == "None");
    if external(old) || external(new) || (headless(old) && headless(new)) {
        return Vec::new();
    }
    let (before, after) = (ips(old), ips(new));
    let shown = Value::Array(after.clone());
    let changed = |i: usize| {
        FieldError::invalid(
            &format!("spec.clusterIPs[{i}]"),
            shown.clone(),
            "may not change once set",
        )
    };
    let mut errs = Vec::new();
    if before.len() == after.len() {
        errs.extend(
            (0..before.len())
                .filter(|&i| before[i] != after[i])
                .map(changed),
        );
    } else if before.len() > after.len() {
        if after.is_empty() {
            errs.push(FieldError::invalid(
                "spec.clusterIPs[0]",
                Value::Null,
                "primary clusterIP can not be unset",
            ));
        } else if after[0] != before[0] {
            errs.push(changed(0));
        }
        if after.len() == 1 && new.str_at(&["spec", "ipFamilyPolicy"]) != "SingleStack" {
            let policy = new
                .at(&["spec", "ipFamilyPolicy"])
                .cloned()
                .unwrap_or_default();
            errs.push(FieldError::invalid(
                "spec.ipFamilyPolicy",
                policy,
                "must be set to 'SingleStack' when releasing the secondary clusterIP",
            ));
        }
    } else if !before.is_empty() && after[0] != before[0] {
        errs.push(changed(0));
    }
    errs
}
