//! Admission and registry strategies: what the API server adds to or checks
//! on an object before storing it. Mirrors kubernetes `plugin/pkg/admission`
//! (ServiceAccount, DefaultTolerationSeconds, Priority, DefaultStorageClass,
//! StorageObjectInUseProtection) and `pkg/registry/*/strategy.go`
//! (PrepareForCreate, graceful pod deletion).

use ordinal_model::defaults;
use ordinal_model::validation::{self, FieldError};
use ordinal_model::Value;

use crate::clock::rfc3339;
use crate::error::{ApiError, Cause};
use crate::limits;
use crate::resources::ResourceInfo;
use crate::sim::Sim;

/// Where the service-account token volume is mounted.
pub const SERVICE_ACCOUNT_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// Annotation marking the default StorageClass.
pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

/// Taints DefaultTolerationSeconds tolerates for 300 s.
const NODE_PROBLEM_TAINTS: [&str; 2] = [
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
];

/// The default toleration of `NODE_PROBLEM_TAINTS[index]`, built once and
/// shared by every pod (maps are copy-on-write).
fn toleration(index: usize) -> Value {
    static TOLERATIONS: std::sync::OnceLock<[Value; 2]> = std::sync::OnceLock::new();
    TOLERATIONS.get_or_init(|| {
        NODE_PROBLEM_TAINTS.map(|key| {
            Value::from([
                ("effect", Value::from("NoExecute")),
                ("key", Value::from(key)),
                ("operator", Value::from("Exists")),
                ("tolerationSeconds", Value::Int(300)),
            ])
        })
    })[index]
        .clone()
}

fn token_volume(name: &str) -> Value {
    Value::from([
        ("name", Value::from(name)),
        ("projected", token_projection()),
    ])
}

/// The `projected` source of every service-account token volume. Built once
/// and shared: maps are copy-on-write, so every pod points at one tree.
fn token_projection() -> Value {
    static PROJECTED: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let item = |key: &str| Value::from([("key", Value::from(key)), ("path", Value::from(key))]);
    PROJECTED
        .get_or_init(|| {
            Value::from([
                ("defaultMode", Value::Int(420)),
                (
                    "sources",
                    Value::from(vec![
                        Value::from([(
                            "serviceAccountToken",
                            Value::from([
                                ("expirationSeconds", Value::Int(3607)),
                                ("path", Value::from("token")),
                            ]),
                        )]),
                        Value::from([(
                            "configMap",
                            Value::from([
                                ("items", Value::from(vec![item("ca.crt")])),
                                ("name", Value::from("kube-root-ca.crt")),
                            ]),
                        )]),
                        Value::from([(
                            "downwardAPI",
                            Value::from([(
                                "items",
                                Value::from(vec![Value::from([
                                    (
                                        "fieldRef",
                                        Value::from([
                                            ("apiVersion", Value::from("v1")),
                                            ("fieldPath", Value::from("metadata.namespace")),
                                        ]),
                                    ),
                                    ("path", Value::from("namespace")),
                                ])]),
                            )]),
                        )]),
                    ]),
                ),
            ])
        })
        .clone()
}

/// The pod's QoS class (pkg/apis/core/v1/helper/qos).
pub fn qos_class(pod: &Value) -> &'static str {
    let containers = pod.array_at(&["spec", "containers"]);
    let mut any = false;
    let mut guaranteed = !containers.is_empty();
    for c in containers {
        let requests = c.at(&["resources", "requests"]).and_then(Value::as_object);
        let limits = c.at(&["resources", "limits"]).and_then(Value::as_object);
        if requests.is_some_and(|r| !r.is_empty()) || limits.is_some_and(|l| !l.is_empty()) {
            any = true;
        }
        for res in ["cpu", "memory"] {
            let limit = limits.and_then(|l| l.get(res));
            let request = requests.and_then(|r| r.get(res)).or(limit);
            if limit.is_none() || request != limit {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// A kubelet's mirror of a static pod (the ServiceAccount plugin leaves
/// those alone).
fn is_mirror_pod(pod: &Value) -> bool {
    pod.at(&["metadata", "annotations", crate::kind::MIRROR_ANNOTATION])
        .is_some()
}

impl Sim {
    /// Mutating admission and PrepareForCreate (plus the service registry's
    /// IP and port allocation, which a dry run only pretends to do).
    pub(crate) fn admit_create(
        &mut self,
        info: &ResourceInfo,
        obj: &mut Value,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        match info.plural {
            "services" => self.allocate_service(obj, dry_run)?,
            "pods" => self.admit_pod(obj),
            "daemonsets" => set_template_generation(obj, 1),
            "persistentvolumeclaims" => self.admit_claim(obj),
            "persistentvolumes" => {
                add_finalizer(obj, "kubernetes.io/pv-protection");
                obj.set(
                    &["status"],
                    Value::from([("phase", Value::from("Pending"))]),
                );
            }
            "namespaces" => {
                let name = obj.str_at(&["metadata", "name"]).to_string();
                obj.set(
                    &["metadata", "labels", "kubernetes.io/metadata.name"],
                    Value::from(name),
                );
                obj.set(
                    &["spec", "finalizers"],
                    Value::from(vec![Value::from("kubernetes")]),
                );
                obj.set(&["status"], Value::from([("phase", Value::from("Active"))]));
            }
            "statefulsets" => {
                drop_max_unavailable(obj, None);
                obj.set(
                    &["status"],
                    Value::from([
                        ("availableReplicas", Value::Int(0)),
                        ("replicas", Value::Int(0)),
                    ]),
                );
            }
            _ => {}
        }
        Ok(())
    }

    /// Mutating admission on update.
    pub(crate) fn admit_update(
        &mut self,
        info: &ResourceInfo,
        old: &Value,
        obj: &mut Value,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        match info.plural {
            "statefulsets" => drop_max_unavailable(obj, Some(old)),
            "services" => self.reallocate_service(old, obj, dry_run)?,
            "daemonsets" => {
                let generation = template_generation(old);
                let changed = old.at(&["spec", "template"]) != obj.at(&["spec", "template"]);
                set_template_generation(obj, generation + i64::from(changed));
            }
            _ => {}
        }
        Ok(())
    }

    /// Validation on create: the API's rules (ordinal-model), then the
    /// simulator's own limits.
    pub(crate) fn validate_create(&self, info: &ResourceInfo, obj: &Value) -> Result<(), ApiError> {
        invalid_if_any(info, obj, validation::validate(obj))?;
        self.validate_limits(info, obj)
    }

    /// Validation on update.
    pub(crate) fn validate_update(
        &self,
        info: &ResourceInfo,
        obj: &Value,
        old: &Value,
    ) -> Result<(), ApiError> {
        invalid_if_any(info, obj, validation::validate_update(old, obj))?;
        self.validate_limits(info, obj)
    }

    fn validate_limits(&self, info: &ResourceInfo, obj: &Value) -> Result<(), ApiError> {
        if matches!(info.plural, "statefulsets" | "deployments" | "replicasets") {
            if let Some(r) = obj.i64_at(&["spec", "replicas"]) {
                if r > limits::MAX_REPLICAS {
                    return Err(ApiError::invalid(
                        info.kind,
                        &info.qualified_kind(),
                        obj.str_at(&["metadata", "name"]),
                        vec![Cause {
                            field: "spec.replicas".into(),
                            message: format!(
                                "Invalid value: {r}: must be less than or equal to {} in this simulator",
                                limits::MAX_REPLICAS
                            ),
                        }],
                    ));
                }
            }
        }
        Ok(())
    }

    /// The ServiceAccount admission plugin's lookup
    /// (plugin/pkg/admission/serviceaccount/admission.go): a pod, other than
    /// a kubelet's mirror pod, is refused unless the account it names
    /// (`default` when none) exists in its namespace. The refusal names the
    /// pod as the request does, by `generateName` before a name is made.
    pub(crate) fn check_service_account(&self, ns: &str, pod: &Value) -> Result<(), ApiError> {
        if is_mirror_pod(pod) {
            return Ok(());
        }
        let account = match pod.get("spec").map(defaults::service_account_name) {
            None | Some("") => "default",
            Some(name) => name,
        };
        if self.store.get("serviceaccounts", ns, account).is_some() {
            return Ok(());
        }
        let name = match pod.str_at(&["metadata", "name"]) {
            "" => pod.str_at(&["metadata", "generateName"]),
            name => name,
        };
        Err(ApiError::forbidden(
            "Pod",
            name,
            format!("pods \"{name}\" is forbidden: error looking up service account {ns}/{account}: serviceaccount \"{account}\" not found"),
        ))
    }

    fn admit_pod(&mut self, pod: &mut Value) {
        // The ServiceAccount plugin leaves a kubelet's mirror pod alone.
        let mirror = is_mirror_pod(pod);
        // The account's `automountServiceAccountToken`, which the pod's own
        // overrides (`shouldAutomount`).
        let mut account_automount = None;
        if !mirror {
            pod.set_default(&["spec", "serviceAccountName"], Value::from("default"));
            let sa = pod.str_at(&["spec", "serviceAccountName"]).to_string();
            pod.set(&["spec", "serviceAccount"], Value::from(sa.as_str()));
            let ns = pod.str_at(&["metadata", "namespace"]);
            if let Some(account) = self.store.get("serviceaccounts", ns, &sa) {
                account_automount = account
                    .get("automountServiceAccountToken")
                    .and_then(Value::as_bool);
                // A pod naming no pull secrets gets the account's.
                let secrets = account.array_at(&["imagePullSecrets"]);
                if pod.array_at(&["spec", "imagePullSecrets"]).is_empty() && !secrets.is_empty() {
                    let names: Vec<Value> = secrets
                        .iter()
                        .map(|s| match s.str_at(&["name"]) {
                            "" => Value::object(),
                            name => Value::from([("name", Value::from(name))]),
                        })
                        .collect();
                    pod.set(&["spec", "imagePullSecrets"], Value::from(names));
                }
            }
        }
        let mut tolerations = pod.array_at(&["spec", "tolerations"]).to_vec();
        for (index, key) in NODE_PROBLEM_TAINTS.into_iter().enumerate() {
            // DefaultTolerationSeconds: a toleration without a key counts.
            let tolerated = tolerations.iter().any(|t| {
                let k = t.str_at(&["key"]);
                (k.is_empty() || k == key) && matches!(t.str_at(&["effect"]), "NoExecute" | "")
            });
            if !tolerated {
                tolerations.push(toleration(index));
            }
        }
        pod.set(&["spec", "tolerations"], Value::from(tolerations));
        let automount = pod
            .at(&["spec", "automountServiceAccountToken"])
            .and_then(Value::as_bool)
            .or(account_automount)
            .unwrap_or(true);
        if !mirror && automount {
            // names.SimpleNameGenerator: 5 characters of utilrand's alphabet.
            let name = format!("kube-api-access-{}", self.rng.suffix(5));
            let mut volumes = pod.array_at(&["spec", "volumes"]).to_vec();
            volumes.push(token_volume(&name));
            pod.set(&["spec", "volumes"], Value::from(volumes));
            let mount = Value::from([
                ("mountPath", Value::from(SERVICE_ACCOUNT_MOUNT)),
                ("name", Value::from(name.as_str())),
                ("readOnly", Value::Bool(true)),
            ]);
            for list in ["containers", "initContainers"] {
                if let Some(cs) = pod.at_mut(&["spec", list]).and_then(Value::as_array_mut) {
                    for c in cs.iter_mut() {
                        let mut mounts = c.array_at(&["volumeMounts"]).to_vec();
                        mounts.push(mount.clone());
                        c.set(&["volumeMounts"], Value::from(mounts));
                    }
                }
            }
        }
        pod.set_default(&["spec", "enableServiceLinks"], Value::Bool(true));
        pod.set_default(
            &["spec", "preemptionPolicy"],
            Value::from("PreemptLowerPriority"),
        );
        let priority = crate::kind::builtin_priority(pod.str_at(&["spec", "priorityClassName"]));
        pod.set_default(&["spec", "priority"], Value::Int(priority.unwrap_or(0)));
        pod.set_default(&["spec", "schedulerName"], Value::from("default-scheduler"));
        let qos = qos_class(pod);
        pod.set(
            &["status"],
            Value::from([
                ("phase", Value::from("Pending")),
                ("qosClass", Value::from(qos)),
            ]),
        );
    }

    fn admit_claim(&mut self, claim: &mut Value) {
        if claim.at(&["spec", "storageClassName"]).is_none() {
            let default = self
                .store
                .iter("storageclasses", None)
                .find(|c| {
                    c.str_at(&["metadata", "annotations", DEFAULT_CLASS_ANNOTATION]) == "true"
                })
                .map(|c| c.str_at(&["metadata", "name"]).to_string());
            if let Some(name) = default {
                claim.set(&["spec", "storageClassName"], Value::from(name));
            }
        }
        claim.set_default(&["spec", "volumeMode"], Value::from("Filesystem"));
        add_finalizer(claim, "kubernetes.io/pvc-protection");
        claim.set(
            &["status"],
            Value::from([("phase", Value::from("Pending"))]),
        );
    }

    /// Graceful pod deletion (pkg/registry/core/pod/strategy.go CheckGracefulDelete).
    pub(crate) fn delete_pod(&mut self, mut pod: Value, grace_override: Option<i64>) -> Value {
        let ns = pod.str_at(&["metadata", "namespace"]).to_string();
        let name = pod.str_at(&["metadata", "name"]).to_string();
        let unscheduled = pod.str_at(&["spec", "nodeName"]).is_empty();
        let terminal = matches!(pod.str_at(&["status", "phase"]), "Succeeded" | "Failed");
        let spec_grace = pod
            .i64_at(&["spec", "terminationGracePeriodSeconds"])
            .unwrap_or(crate::timing::DEFAULT_GRACE_SECONDS);
        let mut grace = grace_override.unwrap_or(spec_grace).max(0);
        if unscheduled || terminal {
            grace = 0;
        }
        if let Some(current) = pod.i64_at(&["metadata", "deletionGracePeriodSeconds"]) {
            grace = grace.min(current);
        }
        let info = crate::resources::by_plural("pods").expect("pods are served");
        if grace == 0 {
            return self.erase(info, &ns, &name).unwrap_or(pod);
        }
        pod.set(
            &["metadata", "deletionGracePeriodSeconds"],
            Value::Int(grace),
        );
        pod.set(
            &["metadata", "deletionTimestamp"],
            Value::from(rfc3339(self.now + grace as u64 * 1000)),
        );
        std::sync::Arc::unwrap_or_clone(self.write(info, pod))
    }
}

/// An Invalid error carrying every field error as a cause.
fn invalid_if_any(
    info: &ResourceInfo,
    obj: &Value,
    errors: Vec<FieldError>,
) -> Result<(), ApiError> {
    if errors.is_empty() {
        return Ok(());
    }
    Err(invalid_error(info, obj, &errors))
}

/// The Invalid status for field errors (duplicates dropped).
pub(crate) fn invalid_error(info: &ResourceInfo, obj: &Value, errors: &[FieldError]) -> ApiError {
    let mut causes: Vec<Cause> = Vec::new();
    for e in errors {
        let text = e.to_string();
        let prefix = format!("{}: ", e.path);
        let cause = Cause {
            field: e.path.clone(),
            message: text.strip_prefix(&prefix).unwrap_or(&text).to_string(),
        };
        if !causes.contains(&cause) {
            causes.push(cause);
        }
    }
    ApiError::invalid(
        info.kind,
        &info.qualified_kind(),
        obj.str_at(&["metadata", "name"]),
        causes,
    )
}

/// Adds a finalizer once.
pub(crate) fn add_finalizer(obj: &mut Value, finalizer: &str) {
    let mut list = obj.array_at(&["metadata", "finalizers"]).to_vec();
    if !list.iter().any(|f| f.as_str() == Some(finalizer)) {
        list.push(Value::from(finalizer));
    }
    obj.set(&["metadata", "finalizers"], Value::from(list));
}

/// `dropStatefulSetDisabledFields`: with the MaxUnavailableStatefulSet gate
/// off (v1.36 default) `rollingUpdate.maxUnavailable` is dropped unless the
/// stored object already had it.
fn drop_max_unavailable(obj: &mut Value, old: Option<&Value>) {
    let path = ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"];
    if old.and_then(|o| o.at(&path)).is_none() {
        obj.remove(&path);
    }
}

/// The annotation apps/v1 carries a DaemonSet's template generation in
/// (pkg/registry/apps/daemonset/strategy.go: 1 on create, one more on every
/// update that changes the template).
pub const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";

/// A DaemonSet's template generation (0 when it has none).
pub(crate) fn template_generation(ds: &Value) -> i64 {
    ds.str_at(&["metadata", "annotations", TEMPLATE_GENERATION_ANNOTATION])
        .parse()
        .unwrap_or(0)
}

fn set_template_generation(ds: &mut Value, generation: i64) {
    ds.set(
        &["metadata", "annotations", TEMPLATE_GENERATION_ANNOTATION],
        Value::from(generation.to_string()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_with(resources: Value) -> Value {
        let mut p = Value::object();
        p.set(
            &["spec", "containers"],
            Value::from(vec![Value::from([
                ("name", Value::from("c")),
                ("resources", resources),
            ])]),
        );
        p
    }

    #[test]
    fn qos_classes() {
        assert_eq!(qos_class(&pod_with(Value::object())), "BestEffort");
        let req = Value::from([("requests", Value::from([("cpu", Value::from("100m"))]))]);
        assert_eq!(qos_class(&pod_with(req)), "Burstable");
        let lim = Value::from([(
            "limits",
            Value::from([("cpu", Value::from("1")), ("memory", Value::from("1Gi"))]),
        )]);
        assert_eq!(qos_class(&pod_with(lim)), "Guaranteed");
    }
}
