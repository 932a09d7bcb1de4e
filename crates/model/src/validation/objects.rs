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
                let ok = !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
                if !ok {
                    errs.push(FieldError::invalid(
                        &format!("{field}[{key}]"),
                        key.as_str().into(),
                        &names::regex_error(
                            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                            "[-._a-zA-Z0-9]+",
                            &["key.name", "KEY_NAME", "key-name"],
                        ),
                    ));
                }
                if key.len() > names::SUBDOMAIN_MAX {
                    errs.push(FieldError::invalid(
                        &format!("{field}[{key}]"),
                        key.as_str().into(),
                        &names::max_len_error(names::SUBDOMAIN_MAX),
                    ));
                }
            }
        }
    }
    errs
}
