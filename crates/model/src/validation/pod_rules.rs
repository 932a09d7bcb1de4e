//! Container environment, tolerations and security contexts
//! (`pkg/apis/core/validation/validation.go`: `ValidateEnv`,
//! `validateEnvVarValueFrom`, `ValidateTolerations`, `ValidateSecurityContext`,
//! `validatePodSpecSecurityContext`; names from
//! `apimachinery/pkg/util/validation`). Environment names follow the relaxed
//! rule (`RelaxedEnvironmentVariableValidation`, GA and always on in v1.36).

use super::FieldError;
use crate::names;
use crate::value::Value;

const RELAXED_ENV_NAME: &str =
    "a valid environment variable name must consist only of printable ASCII characters other than '='";
const ID_RANGE: &str = "must be between 0 and 2147483647, inclusive";
const MAX_ID: i64 = 2_147_483_647;

/// Downward API fields an env var may reference (`validEnvDownwardAPIFieldPathExpressions`).
const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// Field labels `ConvertDownwardAPIFieldLabel` accepts for v1 besides the above.
const OTHER_FIELD_LABELS: &[&str] = &["spec.restartPolicy", "spec.schedulerName", "status.phase"];

const RESOURCE_FIELD_PATHS: &[&str] = &[
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];

fn present<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|v| !v.is_null())
}

fn relaxed_env_name(name: &str) -> bool {
    name.chars().all(|c| (' '..='~').contains(&c) && c != '=')
}

/// `ValidateEnv` then `ValidateEnvFrom` for the container at `path`.
pub fn env(c: &Value, path: &str, errs: &mut Vec<FieldError>) {
    for (i, ev) in c.array_at(&["env"]).iter().enumerate() {
        let p = format!("{path}.env[{i}]");
        let name = ev.str_at(&["name"]);
        if name.is_empty() {
            errs.push(FieldError::required(&format!("{p}.name"), ""));
        } else if !relaxed_env_name(name) {
            errs.push(FieldError::invalid(
                &format!("{p}.name"),
                name.into(),
                RELAXED_ENV_NAME,
            ));
        }
        if let Some(from) = present(ev, "valueFrom") {
            value_from(
                from,
                !ev.str_at(&["value"]).is_empty(),
                &format!("{p}.valueFrom"),
                errs,
            );
        }
    }
    let list = format!("{path}.envFrom");
    for (i, source) in c.array_at(&["envFrom"]).iter().enumerate() {
        let p = format!("{list}[{i}]");
        let prefix = source.str_at(&["prefix"]);
        if !prefix.is_empty() && !relaxed_env_name(prefix) {
            errs.push(FieldError::invalid(
                &format!("{p}.prefix"),
                prefix.into(),
                RELAXED_ENV_NAME,
            ));
        }
        let mut sources = 0;
        for kind in ["configMapRef", "secretRef"] {
            let Some(r) = present(source, kind) else {
                continue;
            };
            sources += 1;
            let name = r.str_at(&["name"]);
            let name_path = format!("{p}.{kind}.name");
            if name.is_empty() {
                errs.push(FieldError::required(&name_path, ""));
            }
            for msg in names::dns1123_subdomain(name)
                .into_iter()
                .filter(|_| !name.is_empty())
            {
                errs.push(FieldError::invalid(&name_path, name.into(), &msg));
            }
        }
        match sources {
            0 => errs.push(FieldError::invalid(
                &list,
                "".into(),
                "must specify one of: `configMapRef` or `secretRef`",
            )),
            1 => {}
            _ => errs.push(FieldError::invalid(
                &list,
                "".into(),
                "may not have more than one field specified at a time",
            )),
        }
    }
}

fn value_from(from: &Value, has_value: bool, path: &str, errs: &mut Vec<FieldError>) {
    let mut sources = 0;
    if let Some(f) = present(from, "fieldRef") {
        sources += 1;
        field_ref(f, &format!("{path}.fieldRef"), errs);
    }
    if let Some(r) = present(from, "resourceFieldRef") {
        sources += 1;
        let p = format!("{path}.resourceFieldRef.resource");
        let resource = r.str_at(&["resource"]);
        if resource.is_empty() {
            errs.push(FieldError::required(&p, ""));
        } else if !RESOURCE_FIELD_PATHS.contains(&resource)
            && !resource.starts_with("requests.hugepages-")
            && !resource.starts_with("limits.hugepages-")
        {
            errs.push(FieldError::not_supported(
                &p,
                resource.into(),
                RESOURCE_FIELD_PATHS,
            ));
        }
    }
    for source in ["configMapKeyRef", "secretKeyRef"] {
        if let Some(s) = present(from, source) {
            sources += 1;
            key_selector(s, &format!("{path}.{source}"), errs);
        }
    }
    let detail = if sources == 0 {
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
    } else if has_value {
        "may not be specified when `value` is not empty"
    } else if sources > 1 {
        "may not have more than one field specified at a time"
    } else {
        return;
    };
    errs.push(FieldError::invalid(path, "".into(), detail));
}

/// `validateObjectFieldSelector` (the API version defaults to `v1`).
fn field_ref(f: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let field_path = f.str_at(&["fieldPath"]);
    if field_path.is_empty() {
        errs.push(FieldError::required(&format!("{path}.fieldPath"), ""));
        return;
    }
    let subscript = field_path
        .strip_suffix("']")
        .and_then(|p| p.split_once("['"));
    if let Some((base, key)) = subscript {
        match base {
            "metadata.annotations" => {
                for msg in names::qualified_name(&key.to_lowercase()) {
                    errs.push(FieldError::invalid(path, key.into(), &msg));
                }
            }
            "metadata.labels" => {
                for msg in names::qualified_name(key) {
                    errs.push(FieldError::invalid(path, key.into(), &msg));
                }
            }
            _ => errs.push(FieldError::invalid(
                &format!("{path}.fieldPath"),
                field_path.into(),
                &format!("error converting fieldPath: field label not supported: {field_path}"),
            )),
        }
        return;
    }
    if ENV_FIELD_PATHS.contains(&field_path) {
        return;
    }
    if OTHER_FIELD_LABELS.contains(&field_path)
        || matches!(field_path, "metadata.labels" | "metadata.annotations")
    {
        errs.push(FieldError::not_supported(
            &format!("{path}.fieldPath"),
            field_path.into(),
            ENV_FIELD_PATHS,
        ));
    } else {
        errs.push(FieldError::invalid(
            &format!("{path}.fieldPath"),
            field_path.into(),
            &format!("error converting fieldPath: field label not supported: {field_path}"),
        ));
    }
}

/// `validateConfigMapKeySelector` / `validateSecretKeySelector`.
fn key_selector(s: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let name = s.str_at(&["name"]);
    for msg in names::dns1123_subdomain(name) {
        errs.push(FieldError::invalid(
            &format!("{path}.name"),
            name.into(),
            &msg,
        ));
    }
    let key = s.str_at(&["key"]);
    if key.is_empty() {
        errs.push(FieldError::required(&format!("{path}.key"), ""));
    } else {
        for msg in names::config_key(key) {
            errs.push(FieldError::invalid(
                &format!("{path}.key"),
                key.into(),
                &msg,
            ));
        }
    }
}

/// `ValidateTolerations` for the spec at `path`.
pub fn tolerations(spec: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, t) in spec.array_at(&["tolerations"]).iter().enumerate() {
        let p = format!("{path}.tolerations[{i}]");
        let key = t.str_at(&["key"]);
        for msg in names::qualified_name(key)
            .into_iter()
            .filter(|_| !key.is_empty())
        {
            errs.push(FieldError::invalid(&format!("{p}.key"), key.into(), &msg));
        }
        let operator = t.str_at(&["operator"]);
        let effect = t.str_at(&["effect"]);
        if key.is_empty() && operator != "Exists" {
            errs.push(FieldError::invalid(
                &format!("{p}.operator"),
                operator.into(),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if present(t, "tolerationSeconds").is_some() && effect != "NoExecute" {
            errs.push(FieldError::invalid(
                &format!("{p}.effect"),
                effect.into(),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        let value = t.str_at(&["value"]);
        match operator {
            "Equal" | "" => {
                let msgs = names::label_value(value);
                if !msgs.is_empty() {
                    errs.push(FieldError::invalid(
                        &format!("{p}.operator"),
                        value.into(),
                        &msgs.join(";"),
                    ));
                }
            }
            "Exists" if !value.is_empty() => errs.push(FieldError::invalid(
                &format!("{p}.operator"),
                value.into(),
                "value must be empty when `operator` is 'Exists'",
            )),
            "Exists" => {}
            other => errs.push(FieldError::not_supported(
                &format!("{p}.operator"),
                other.into(),
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() && !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&effect)
        {
            errs.push(FieldError::not_supported(
                &format!("{p}.effect"),
                effect.into(),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
    }
    errs
}

fn id_range(sc: &Value, field: &str, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(n) = sc.i64_at(&[field]).filter(|n| !(0..=MAX_ID).contains(n)) {
        errs.push(FieldError::invalid(
            &format!("{path}.{field}"),
            Value::Int(n),
            ID_RANGE,
        ));
    }
}

fn seccomp(sc: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let Some(profile) = present(sc, "seccompProfile") else {
        return;
    };
    let p = format!("{path}.seccompProfile");
    let kind = profile.str_at(&["type"]);
    match kind {
        "" => errs.push(FieldError::required(
            &format!("{p}.type"),
            "type is required when seccompProfile is set",
        )),
        "Localhost" | "RuntimeDefault" | "Unconfined" => {}
        other => errs.push(FieldError::not_supported(
            &format!("{p}.type"),
            other.into(),
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )),
    }
    if kind == "Localhost" && present(profile, "localhostProfile").is_none() {
        errs.push(FieldError::required(
            &format!("{p}.localhostProfile"),
            "must be set when seccomp type is Localhost",
        ));
    }
}

/// `ValidateSecurityContext` for the container at `path`.
pub fn container_security(c: &Value, path: &str, host_users: bool, errs: &mut Vec<FieldError>) {
    let Some(sc) = present(c, "securityContext") else {
        return;
    };
    let p = format!("{path}.securityContext");
    id_range(sc, "runAsUser", &p, errs);
    id_range(sc, "runAsGroup", &p, errs);
    if let Some(mount) = present(sc, "procMount") {
        let m = mount.as_str().unwrap_or("");
        if !["Default", "Unmasked"].contains(&m) {
            errs.push(FieldError::not_supported(
                &format!("{p}.procMount"),
                m.into(),
                &["Default", "Unmasked"],
            ));
        }
        if host_users && m == "Unmasked" {
            errs.push(FieldError::invalid(
                &format!("{p}.procMount"),
                m.into(),
                "`hostUsers` must be false to use `Unmasked`",
            ));
        }
    }
    seccomp(sc, &p, errs);
}

/// `validatePodSpecSecurityContext` for the spec at `path`.
pub fn pod_security(spec: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let Some(sc) = present(spec, "securityContext") else {
        return;
    };
    let p = format!("{path}.securityContext");
    id_range(sc, "fsGroup", &p, errs);
    id_range(sc, "runAsUser", &p, errs);
    id_range(sc, "runAsGroup", &p, errs);
    for (i, g) in sc.array_at(&["supplementalGroups"]).iter().enumerate() {
        if let Some(n) = g.as_i64().filter(|n| !(0..=MAX_ID).contains(n)) {
            errs.push(FieldError::invalid(
                &format!("{p}.supplementalGroups[{i}]"),
                Value::Int(n),
                ID_RANGE,
            ));
        }
    }
    seccomp(sc, &p, errs);
}
