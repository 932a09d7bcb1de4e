//! API-server defaulting, per kind, as `pkg/apis/apps/v1/defaults.go`,
//! `pkg/apis/core/v1/defaults.go` and `pkg/apis/storage/v1/defaults.go` do
//! it for Kubernetes v1.36 (feature gate `MaxUnavailableStatefulSet` off).
//! Server-owned metadata (uid, resourceVersion, creationTimestamp) and
//! admission-time additions (service account, tolerations, token volume) are
//! left to the simulator.

use crate::value::Value;

/// Fills in every field the API server defaults, dispatching on `kind`.
/// Explicit `null`s are dropped first, as decoding into the typed API
/// structs does (so `creationTimestamp: null` or an empty `selector:` vanish).
pub fn apply_defaults(obj: &mut Value) {
    drop_nulls(obj);
    if let Some(schema) = crate::schema::for_kind(obj.str_at(&["kind"])) {
        canonical_quantities(obj, &crate::schema::Ty::Struct(schema));
    }
    match obj.str_at(&["kind"]) {
        "StatefulSet" => stateful_set(obj),
        "Deployment" => deployment(obj),
        "DaemonSet" => daemon_set(obj),
        "ReplicaSet" => {
            obj.set_default(&["spec", "replicas"], Value::Int(1));
            pod_template(obj);
        }
        "Pod" => pod(obj),
        "Service" => service(obj),
        // Lists without `omitempty`: stored empty, they come back as `null`.
        "EndpointSlice" => {
            for key in ["endpoints", "ports"] {
                if obj
                    .get(key)
                    .and_then(Value::as_array)
                    .is_none_or(Vec::is_empty)
                {
                    obj.set(&[key], Value::Null);
                }
            }
        }
        "PersistentVolumeClaim" => pvc_spec(obj.entry("spec")),
        "PersistentVolume" => {
            obj.set_default(&["spec", "persistentVolumeReclaimPolicy"], "Retain".into());
            obj.set_default(&["spec", "volumeMode"], "Filesystem".into());
            obj.set_default(&["status", "phase"], "Pending".into());
        }
        "StorageClass" => {
            obj.set_default(&["reclaimPolicy"], "Delete".into());
            obj.set_default(&["volumeBindingMode"], "Immediate".into());
        }
        "Namespace" => {
            let name = obj.str_at(&["metadata", "name"]).to_string();
            obj.set(
                &["metadata", "labels", "kubernetes.io/metadata.name"],
                name.into(),
            );
            obj.set_default(
                &["spec", "finalizers"],
                Value::Array(vec!["kubernetes".into()]),
            );
            obj.set_default(&["status", "phase"], "Active".into());
        }
        "Secret" => obj.set_default(&["type"], "Opaque".into()),
        _ => {}
    }
}

/// Rewrites every quantity in its canonical form (`1024Mi` → `1Gi`, `1` →
/// `"1"`), as the server stores `resource.Quantity` values.
/// Maps already canonical are left alone, so they stay shared.
fn canonical_quantities(v: &mut Value, ty: &crate::schema::Ty) {
    use crate::schema::Ty;
    if !has_uncanonical(v, ty) {
        return;
    }
    let canonical = |q: &mut Value| {
        if let Some(text) = canonical_quantity(q) {
            *q = Value::String(text);
        }
    };
    match ty {
        Ty::Quantity => canonical(v),
        Ty::QuantityMap => {
            if let Some(m) = v.as_object_mut() {
                m.values_mut().for_each(canonical);
            }
        }
        Ty::Struct(s) => {
            if let Some(m) = v.as_object_mut() {
                for (key, child) in m.iter_mut() {
                    if let Some(field) = s.field(key) {
                        canonical_quantities(child, &field.ty);
                    }
                }
            }
        }
        Ty::List(s) => {
            if let Some(items) = v.as_array_mut() {
                let item_ty = Ty::Struct(s);
                items
                    .iter_mut()
                    .for_each(|item| canonical_quantities(item, &item_ty));
            }
        }
        _ => {}
    }
}

/// The canonical text of a quantity value, `None` when it is not a
/// quantity or already canonical.
fn canonical_quantity(q: &Value) -> Option<String> {
    let text = match q {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::json::go_float_json(*f),
        _ => return None,
    };
    let parsed = crate::quantity::Quantity::parse(&text).ok()?.to_string();
    (q.as_str() != Some(parsed.as_str())).then_some(parsed)
}

/// True when some quantity under `v` (typed `ty`) is not canonical.
fn has_uncanonical(v: &Value, ty: &crate::schema::Ty) -> bool {
    use crate::schema::Ty;
    match ty {
        Ty::Quantity => canonical_quantity(v).is_some(),
        Ty::QuantityMap => v
            .as_object()
            .is_some_and(|m| m.values().any(|q| canonical_quantity(q).is_some())),
        Ty::Struct(s) => v.as_object().is_some_and(|m| {
            m.iter()
                .any(|(key, child)| s.field(key).is_some_and(|f| has_uncanonical(child, &f.ty)))
        }),
        Ty::List(s) => {
            let item_ty = Ty::Struct(s);
            v.as_array()
                .is_some_and(|items| items.iter().any(|i| has_uncanonical(i, &item_ty)))
        }
        _ => false,
    }
}

/// Removes object members whose value is `null`, at every depth. Maps
/// without one below them are left alone, so they stay shared.
pub fn drop_nulls(v: &mut Value) {
    if !has_null_member(v) {
        return;
    }
    match v {
        Value::Object(m) => {
            m.retain(|_, child| !child.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// True when some object member at any depth is `null`.
fn has_null_member(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.values().any(|c| c.is_null() || has_null_member(c)),
        Value::Array(items) => items.iter().any(has_null_member),
        _ => false,
    }
}

fn stateful_set(obj: &mut Value) {
    let spec = obj.entry("spec");
    spec.set_default(&["podManagementPolicy"], "OrderedReady".into());
    if spec.str_at(&["updateStrategy", "type"]).is_empty() {
        spec.set(&["updateStrategy", "type"], "RollingUpdate".into());
        spec.set_default(&["updateStrategy", "rollingUpdate"], Value::object());
    }
    let rolling = spec.str_at(&["updateStrategy", "type"]) == "RollingUpdate";
    if let Some(ru) = spec.at_mut(&["updateStrategy", "rollingUpdate"]) {
        if rolling && ru.as_object().is_some() {
            ru.set_default(&["partition"], Value::Int(0));
        }
        // MaxUnavailableStatefulSet is off: the field is dropped on write.
        if ru.as_object().is_some() {
            ru.remove(&["maxUnavailable"]);
        }
    }
    spec.set_default(&["replicas"], Value::Int(1));
    spec.set_default(&["revisionHistoryLimit"], Value::Int(10));
    for key in ["whenDeleted", "whenScaled"] {
        let path = ["persistentVolumeClaimRetentionPolicy", key];
        if spec.str_at(&path).is_empty() {
            spec.set(&path, "Retain".into());
        }
    }
    if let Some(templates) = spec.get("volumeClaimTemplates").and_then(Value::as_array) {
        let mut templates = templates.clone();
        for t in &mut templates {
            t.set_default(&["apiVersion"], "v1".into());
            t.set_default(&["kind"], "PersistentVolumeClaim".into());
            pvc_spec(t.entry("spec"));
            t.set_default(&["status", "phase"], "Pending".into());
        }
        spec.set(&["volumeClaimTemplates"], Value::Array(templates));
    }
    pod_template(obj);
}

fn deployment(obj: &mut Value) {
    let spec = obj.entry("spec");
    spec.set_default(&["replicas"], Value::Int(1));
    if spec.str_at(&["strategy", "type"]).is_empty() {
        spec.set(&["strategy", "type"], "RollingUpdate".into());
    }
    if spec.str_at(&["strategy", "type"]) == "RollingUpdate" {
        spec.set_default(
            &["strategy", "rollingUpdate", "maxUnavailable"],
            "25%".into(),
        );
        spec.set_default(&["strategy", "rollingUpdate", "maxSurge"], "25%".into());
    }
    spec.set_default(&["revisionHistoryLimit"], Value::Int(10));
    spec.set_default(&["progressDeadlineSeconds"], Value::Int(600));
    pod_template(obj);
}

/// `SetDefaults_DaemonSet`: a RollingUpdate strategy of one unavailable pod
/// and no surge, ten revisions of history.
fn daemon_set(obj: &mut Value) {
    let spec = obj.entry("spec");
    if spec.str_at(&["updateStrategy", "type"]).is_empty() {
        spec.set(&["updateStrategy", "type"], "RollingUpdate".into());
    }
    if spec.str_at(&["updateStrategy", "type"]) == "RollingUpdate" {
        spec.set_default(
            &["updateStrategy", "rollingUpdate", "maxUnavailable"],
            Value::Int(1),
        );
        spec.set_default(
            &["updateStrategy", "rollingUpdate", "maxSurge"],
            Value::Int(0),
        );
    }
    spec.set_default(&["revisionHistoryLimit"], Value::Int(10));
    pod_template(obj);
}

/// `spec.template.spec` of a workload.
fn pod_template(obj: &mut Value) {
    pod_spec(obj.entry("spec").entry("template").entry("spec"));
}

fn pod(obj: &mut Value) {
    let spec = obj.entry("spec");
    pod_spec(spec);
    spec.set_default(&["enableServiceLinks"], Value::Bool(true));
    for list in ["containers", "initContainers"] {
        if let Some(containers) = spec.get_mut_array(list) {
            for c in containers {
                copy_limits_to_requests(c);
            }
        }
    }
}

/// `SetDefaults_Pod`: a resource with a limit but no request gets request = limit.
fn copy_limits_to_requests(container: &mut Value) {
    let Some(limits) = container
        .at(&["resources", "limits"])
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    for (name, quantity) in limits {
        container.set_default(&["resources", "requests", name.as_str()], quantity);
    }
}

/// `SetDefaults_PodSpec` and everything inside it.
pub fn pod_spec(spec: &mut Value) {
    spec.set_default(&["restartPolicy"], "Always".into());
    spec.set_default(&["dnsPolicy"], "ClusterFirst".into());
    spec.set_default(&["terminationGracePeriodSeconds"], Value::Int(30));
    spec.set_default(&["schedulerName"], "default-scheduler".into());
    spec.set_default(&["securityContext"], Value::object());
    for list in ["containers", "initContainers"] {
        if let Some(containers) = spec.get_mut_array(list) {
            containers.iter_mut().for_each(container);
        }
    }
    if let Some(volumes) = spec.get_mut_array("volumes") {
        volumes.iter_mut().for_each(volume);
    }
    // The v1 conversion (pkg/apis/core/v1/conversion.go): the deprecated
    // serviceAccount then always repeats serviceAccountName.
    let account = service_account_name(spec).to_string();
    if !account.is_empty() {
        spec.set(&["serviceAccountName"], Value::from(account.as_str()));
        spec.set(&["serviceAccount"], Value::from(account));
    }
}

/// The account a pod spec names: `serviceAccountName`, or when that is
/// empty the deprecated `serviceAccount` (the v1 conversion); `""` for none.
pub fn service_account_name(spec: &Value) -> &str {
    match spec.str_at(&["serviceAccountName"]) {
        "" => spec.str_at(&["serviceAccount"]),
        name => name,
    }
}

/// The pull policy the server picks from the image reference.
pub fn default_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

fn container(c: &mut Value) {
    c.set_default(&["terminationMessagePath"], "/dev/termination-log".into());
    c.set_default(&["terminationMessagePolicy"], "File".into());
    let policy = default_pull_policy(c.str_at(&["image"]));
    c.set_default(&["imagePullPolicy"], policy.into());
    c.set_default(&["resources"], Value::object());
    if let Some(ports) = c.get_mut_array("ports") {
        for p in ports {
            p.set_default(&["protocol"], "TCP".into());
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe).filter(|p| p.as_object().is_some()) {
            p.set_default(&["timeoutSeconds"], Value::Int(1));
            p.set_default(&["periodSeconds"], Value::Int(10));
            p.set_default(&["successThreshold"], Value::Int(1));
            p.set_default(&["failureThreshold"], Value::Int(3));
            // SetDefaults_HTTPGetAction (pkg/apis/core/v1/defaults.go).
            if p.get("httpGet").is_some_and(|h| h.as_object().is_some()) {
                p.set_default(&["httpGet", "path"], "/".into());
                p.set_default(&["httpGet", "scheme"], "HTTP".into());
            }
        }
    }
    if let Some(env) = c.get_mut_array("env") {
        for e in env {
            if e.at(&["valueFrom", "fieldRef"]).is_some() {
                e.set_default(&["valueFrom", "fieldRef", "apiVersion"], "v1".into());
            }
        }
    }
}

const SOURCES: &[&str] = &[
    "persistentVolumeClaim",
    "configMap",
    "secret",
    "emptyDir",
    "hostPath",
    "projected",
    "downwardAPI",
    "nfs",
    "csi",
    "ephemeral",
    "image",
];

fn volume(v: &mut Value) {
    if !SOURCES.iter().any(|s| v.get(s).is_some()) {
        v.set(&["emptyDir"], Value::object());
    }
    for (source, field) in [
        ("configMap", "defaultMode"),
        ("secret", "defaultMode"),
        ("projected", "defaultMode"),
        ("downwardAPI", "defaultMode"),
    ] {
        if v.get(source).is_some_and(|s| s.as_object().is_some()) {
            v.set_default(&[source, field], Value::Int(420));
        }
    }
    if v.get("hostPath").is_some_and(|s| s.as_object().is_some()) {
        v.set_default(&["hostPath", "type"], "".into());
    }
}

fn pvc_spec(spec: &mut Value) {
    spec.set_default(&["volumeMode"], "Filesystem".into());
}

fn service(obj: &mut Value) {
    let spec = obj.entry("spec");
    spec.set_default(&["type"], "ClusterIP".into());
    spec.set_default(&["sessionAffinity"], "None".into());
    if let Some(ports) = spec.get_mut_array("ports") {
        for p in ports {
            p.set_default(&["protocol"], "TCP".into());
            if p.get("targetPort").is_none_or(Value::is_null) {
                let port = p.get("port").cloned().unwrap_or(Value::Null);
                p.set(&["targetPort"], port);
            }
        }
    }
    let kind = spec.str_at(&["type"]).to_string();
    if kind != "ExternalName" {
        spec.set_default(&["internalTrafficPolicy"], "Cluster".into());
        spec.set_default(&["ipFamilies"], Value::Array(vec!["IPv4".into()]));
        spec.set_default(&["ipFamilyPolicy"], "SingleStack".into());
        let cluster_ip = spec.str_at(&["clusterIP"]).to_string();
        if !cluster_ip.is_empty() {
            spec.set_default(&["clusterIPs"], Value::Array(vec![cluster_ip.into()]));
        }
    }
    if kind == "NodePort" || kind == "LoadBalancer" {
        spec.set_default(&["externalTrafficPolicy"], "Cluster".into());
    }
    if kind == "LoadBalancer" {
        spec.set_default(&["allocateLoadBalancerNodePorts"], Value::Bool(true));
    }
    obj.set_default(&["status", "loadBalancer"], Value::object());
}

impl Value {
    /// The member `key`, mutably.
    fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_object_mut().and_then(|m| m.get_mut(key))
    }

    /// The array member `key`, mutably.
    fn get_mut_array(&mut self, key: &str) -> Option<&mut Vec<Value>> {
        self.get_mut(key).and_then(Value::as_array_mut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_stream, to_yaml};

    fn defaulted(text: &str) -> String {
        let mut v = parse_stream(text).docs.remove(0).value;
        apply_defaults(&mut v);
        to_yaml(&v)
    }

    #[test]
    fn stateful_set_gets_the_1_36_defaults() {
        let out = defaulted(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db-hs\n  replicas: 3\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: redis\n        image: redis:7.2\n        ports:\n        - containerPort: 6379\n          name: redis\n        volumeMounts:\n        - name: data\n          mountPath: /data\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ \"ReadWriteOnce\" ]\n      resources:\n        requests:\n          storage: 1Gi\n",
        );
        let want = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Retain
    whenScaled: Retain
  podManagementPolicy: OrderedReady
  replicas: 3
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: db
  serviceName: db-hs
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - image: redis:7.2
        imagePullPolicy: IfNotPresent
        name: redis
        ports:
        - containerPort: 6379
          name: redis
          protocol: TCP
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        volumeMounts:
        - mountPath: /data
          name: data
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
  updateStrategy:
    rollingUpdate:
      partition: 0
    type: RollingUpdate
  volumeClaimTemplates:
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: data
    spec:
      accessModes:
      - ReadWriteOnce
      resources:
        requests:
          storage: 1Gi
      volumeMode: Filesystem
    status:
      phase: Pending
";
        assert_eq!(out, want);
    }

    #[test]
    fn explicit_rolling_update_without_block_gets_no_partition() {
        let out = defaulted("kind: StatefulSet\nspec:\n  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 2\n");
        assert!(out.contains(
            "  updateStrategy:\n    rollingUpdate:\n      partition: 0\n    type: RollingUpdate\n"
        ));
        let out =
            defaulted("kind: StatefulSet\nspec:\n  updateStrategy:\n    type: RollingUpdate\n");
        assert!(out.contains("  updateStrategy:\n    type: RollingUpdate\n"));
    }

    #[test]
    fn nulls_vanish_like_typed_decoding() {
        let out = defaulted("kind: ConfigMap\nmetadata:\n  name: x\n  creationTimestamp: null\n  labels:\ndata:\n  a: b\n");
        assert_eq!(
            out,
            "data:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: x\n"
        );
    }

    #[test]
    fn quantities_are_stored_in_canonical_form() {
        let out = defaulted("kind: Pod\nspec:\n  containers:\n  - name: a\n    image: a:1\n    resources:\n      requests:\n        cpu: 1\n        memory: 1024Mi\n      limits:\n        cpu: 0.5\n");
        assert!(out.contains("      limits:\n        cpu: 500m\n      requests:\n        cpu: \"1\"\n        memory: 1Gi\n"), "{out}");
    }

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(default_pull_policy("nginx"), "Always");
        assert_eq!(default_pull_policy("nginx:latest"), "Always");
        assert_eq!(default_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(default_pull_policy("nginx@sha256:abc"), "IfNotPresent");
        assert_eq!(default_pull_policy("localhost:5000/nginx"), "Always");
    }

    #[test]
    fn headless_service_defaults() {
        let out = defaulted("kind: Service\nspec:\n  clusterIP: None\n  ports:\n  - name: redis\n    port: 6379\n  selector:\n    app: db\n");
        assert_eq!(
            out,
            "kind: Service\nspec:\n  clusterIP: None\n  clusterIPs:\n  - None\n  internalTrafficPolicy: Cluster\n  ipFamilies:\n  - IPv4\n  ipFamilyPolicy: SingleStack\n  ports:\n  - name: redis\n    port: 6379\n    protocol: TCP\n    targetPort: 6379\n  selector:\n    app: db\n  sessionAffinity: None\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n"
        );
    }

    #[test]
    fn probes_and_pod_level_defaults() {
        let out = defaulted("kind: Pod\nspec:\n  containers:\n  - name: a\n    image: busybox\n    resources:\n      limits:\n        cpu: 500m\n    readinessProbe:\n      httpGet:\n        path: /\n        port: 80\n  volumes:\n  - name: scratch\n");
        assert!(out.contains("      httpGet:\n        path: /\n        port: 80\n        scheme: HTTP\n      periodSeconds: 10\n      successThreshold: 1\n      timeoutSeconds: 1\n"));
        assert!(out.contains("      requests:\n        cpu: 500m\n"));
        assert!(out.contains("  enableServiceLinks: true\n"));
        assert!(out.contains("  - emptyDir: {}\n    name: scratch\n"));
    }

    #[test]
    fn an_http_get_probe_without_a_path_probes_the_root() {
        let out = defaulted("kind: Pod\nspec:\n  containers:\n  - name: a\n    image: nginx\n    livenessProbe:\n      httpGet:\n        port: 80\n");
        assert!(
            out.contains(
                "      httpGet:\n        path: /\n        port: 80\n        scheme: HTTP\n"
            ),
            "{out}"
        );
    }
}
