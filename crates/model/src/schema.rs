//! The fields Ordinal knows for each kind, with the Go struct and type names
//! the API server's decoder uses in its messages (`k8s.io/api/*/v1/types.go`).
//! Strict decoding walks an object against this table to report unknown
//! fields and wrong types exactly as the server would. Fields marked `Any`
//! are accepted as they are (their insides are not modelled).

/// The JSON/Go type of one field.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// A string; the Go type name (`string`, `v1.RestartPolicy`).
    Str(&'static str),
    /// `int32`
    Int32,
    /// `int64`
    Int64,
    /// `bool`
    Bool,
    /// `resource.Quantity` (string or number).
    Quantity,
    /// `intstr.IntOrString`
    IntOrString,
    /// `map[string]string`
    StrMap,
    /// `v1.ResourceList` (quantities by resource name).
    QuantityMap,
    /// A list of strings; the element's Go type name.
    StrList(&'static str),
    /// A nested struct.
    Struct(&'static Struct),
    /// A list of structs.
    List(&'static Struct),
    /// Anything (not modelled).
    Any,
}

impl Ty {
    /// The Go type as the decoder names it in `of type ...`.
    pub fn go_name(&self) -> String {
        match self {
            Ty::Str(name) => name.to_string(),
            Ty::Int32 => "int32".into(),
            Ty::Int64 => "int64".into(),
            Ty::Bool => "bool".into(),
            Ty::Quantity => "resource.Quantity".into(),
            Ty::IntOrString => "intstr.IntOrString".into(),
            Ty::StrMap => "map[string]string".into(),
            Ty::QuantityMap => "v1.ResourceList".into(),
            Ty::StrList(elem) => format!("[]{elem}"),
            Ty::Struct(s) => format!("{}.{}", s.package, s.name),
            Ty::List(s) => format!("[]{}.{}", s.package, s.name),
            Ty::Any => "interface {}".into(),
        }
    }
}

/// One field of a struct.
#[derive(Debug)]
pub struct Field {
    /// JSON name.
    pub name: &'static str,
    /// Type.
    pub ty: Ty,
}

/// A Go struct: its name, package alias and fields.
#[derive(Debug)]
pub struct Struct {
    /// `StatefulSetSpec`
    pub name: &'static str,
    /// `v1`
    pub package: &'static str,
    /// Known fields.
    pub fields: &'static [Field],
}

impl Struct {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

const fn f(name: &'static str, ty: Ty) -> Field {
    Field { name, ty }
}

const S: Ty = Ty::Str("string");

macro_rules! structure {
    ($id:ident, $name:literal, [$($field:expr),* $(,)?]) => {
        #[allow(missing_docs)]
        pub static $id: Struct = Struct { name: $name, package: "v1", fields: &[$($field),*] };
    };
}

structure!(
    OWNER_REFERENCE,
    "OwnerReference",
    [
        f("apiVersion", S),
        f("kind", S),
        f("name", S),
        f("uid", Ty::Str("types.UID")),
        f("controller", Ty::Bool),
        f("blockOwnerDeletion", Ty::Bool),
    ]
);
structure!(
    OBJECT_META,
    "ObjectMeta",
    [
        f("name", S),
        f("generateName", S),
        f("namespace", S),
        f("selfLink", S),
        f("uid", Ty::Str("types.UID")),
        f("resourceVersion", S),
        f("generation", Ty::Int64),
        f("creationTimestamp", Ty::Any),
        f("deletionTimestamp", Ty::Any),
        f("deletionGracePeriodSeconds", Ty::Int64),
        f("labels", Ty::StrMap),
        f("annotations", Ty::StrMap),
        f("ownerReferences", Ty::List(&OWNER_REFERENCE)),
        f("finalizers", Ty::StrList("string")),
        f("managedFields", Ty::Any),
    ]
);
structure!(
    LABEL_SELECTOR_REQUIREMENT,
    "LabelSelectorRequirement",
    [
        f("key", S),
        f("operator", Ty::Str("v1.LabelSelectorOperator")),
        f("values", Ty::StrList("string")),
    ]
);
structure!(
    LABEL_SELECTOR,
    "LabelSelector",
    [
        f("matchLabels", Ty::StrMap),
        f("matchExpressions", Ty::List(&LABEL_SELECTOR_REQUIREMENT)),
    ]
);
structure!(
    CONTAINER_PORT,
    "ContainerPort",
    [
        f("name", S),
        f("hostPort", Ty::Int32),
        f("containerPort", Ty::Int32),
        f("protocol", Ty::Str("v1.Protocol")),
        f("hostIP", S),
    ]
);
structure!(
    ENV_VAR,
    "EnvVar",
    [f("name", S), f("value", S), f("valueFrom", Ty::Any)]
);
structure!(
    RESOURCE_REQUIREMENTS,
    "ResourceRequirements",
    [
        f("limits", Ty::QuantityMap),
        f("requests", Ty::QuantityMap),
        f("claims", Ty::Any),
    ]
);
structure!(
    VOLUME_MOUNT,
    "VolumeMount",
    [
        f("name", S),
        f("readOnly", Ty::Bool),
        f("recursiveReadOnly", Ty::Any),
        f("mountPath", S),
        f("subPath", S),
        f("mountPropagation", Ty::Any),
        f("subPathExpr", S),
    ]
);
structure!(
    EXEC_ACTION,
    "ExecAction",
    [f("command", Ty::StrList("string"))]
);
structure!(
    HTTP_GET_ACTION,
    "HTTPGetAction",
    [
        f("path", S),
        f("port", Ty::IntOrString),
        f("host", S),
        f("scheme", Ty::Str("v1.URIScheme")),
        f("httpHeaders", Ty::Any),
    ]
);
structure!(
    TCP_SOCKET_ACTION,
    "TCPSocketAction",
    [f("port", Ty::IntOrString), f("host", S)]
);
structure!(
    GRPC_ACTION,
    "GRPCAction",
    [f("port", Ty::Int32), f("service", Ty::Any)]
);
structure!(
    PROBE,
    "Probe",
    [
        f("exec", Ty::Struct(&EXEC_ACTION)),
        f("httpGet", Ty::Struct(&HTTP_GET_ACTION)),
        f("tcpSocket", Ty::Struct(&TCP_SOCKET_ACTION)),
        f("grpc", Ty::Struct(&GRPC_ACTION)),
        f("initialDelaySeconds", Ty::Int32),
        f("timeoutSeconds", Ty::Int32),
        f("periodSeconds", Ty::Int32),
        f("successThreshold", Ty::Int32),
        f("failureThreshold", Ty::Int32),
        f("terminationGracePeriodSeconds", Ty::Int64),
    ]
);
structure!(
    CONTAINER,
    "Container",
    [
        f("name", S),
        f("image", S),
        f("command", Ty::StrList("string")),
        f("args", Ty::StrList("string")),
        f("workingDir", S),
        f("ports", Ty::List(&CONTAINER_PORT)),
        f("envFrom", Ty::Any),
        f("env", Ty::List(&ENV_VAR)),
        f("resources", Ty::Struct(&RESOURCE_REQUIREMENTS)),
        f("resizePolicy", Ty::Any),
        f("restartPolicy", Ty::Str("v1.ContainerRestartPolicy")),
        f("restartPolicyRules", Ty::Any),
        f("volumeMounts", Ty::List(&VOLUME_MOUNT)),
        f("volumeDevices", Ty::Any),
        f("livenessProbe", Ty::Struct(&PROBE)),
        f("readinessProbe", Ty::Struct(&PROBE)),
        f("startupProbe", Ty::Struct(&PROBE)),
        f("lifecycle", Ty::Any),
        f("terminationMessagePath", S),
        f(
            "terminationMessagePolicy",
            Ty::Str("v1.TerminationMessagePolicy")
        ),
        f("imagePullPolicy", Ty::Str("v1.PullPolicy")),
        f("securityContext", Ty::Any),
        f("stdin", Ty::Bool),
        f("stdinOnce", Ty::Bool),
        f("tty", Ty::Bool),
    ]
);
structure!(
    PVC_SOURCE,
    "PersistentVolumeClaimVolumeSource",
    [f("claimName", S), f("readOnly", Ty::Bool)]
);
structure!(
    KEY_TO_PATH,
    "KeyToPath",
    [f("key", S), f("path", S), f("mode", Ty::Int32)]
);
structure!(
    CONFIG_MAP_PROJECTION,
    "ConfigMapProjection",
    [
        f("name", S),
        f("items", Ty::List(&KEY_TO_PATH)),
        f("optional", Ty::Bool),
    ]
);
structure!(
    SECRET_PROJECTION,
    "SecretProjection",
    [
        f("name", S),
        f("items", Ty::List(&KEY_TO_PATH)),
        f("optional", Ty::Bool),
    ]
);
structure!(
    OBJECT_FIELD_SELECTOR,
    "ObjectFieldSelector",
    [f("apiVersion", S), f("fieldPath", S)]
);
structure!(
    DOWNWARD_API_VOLUME_FILE,
    "DownwardAPIVolumeFile",
    [
        f("path", S),
        f("fieldRef", Ty::Struct(&OBJECT_FIELD_SELECTOR)),
        f("resourceFieldRef", Ty::Any),
        f("mode", Ty::Int32),
    ]
);
structure!(
    DOWNWARD_API_PROJECTION,
    "DownwardAPIProjection",
    [f("items", Ty::List(&DOWNWARD_API_VOLUME_FILE))]
);
structure!(
    DOWNWARD_API_SOURCE,
    "DownwardAPIVolumeSource",
    [
        f("items", Ty::List(&DOWNWARD_API_VOLUME_FILE)),
        f("defaultMode", Ty::Int32),
    ]
);
structure!(
    SERVICE_ACCOUNT_TOKEN_PROJECTION,
    "ServiceAccountTokenProjection",
    [
        f("audience", S),
        f("expirationSeconds", Ty::Int64),
        f("path", S),
    ]
);
structure!(
    VOLUME_PROJECTION,
    "VolumeProjection",
    [
        f("secret", Ty::Struct(&SECRET_PROJECTION)),
        f("downwardAPI", Ty::Struct(&DOWNWARD_API_PROJECTION)),
        f("configMap", Ty::Struct(&CONFIG_MAP_PROJECTION)),
        f(
            "serviceAccountToken",
            Ty::Struct(&SERVICE_ACCOUNT_TOKEN_PROJECTION)
        ),
        f("clusterTrustBundle", Ty::Any),
        f("podCertificate", Ty::Any),
    ]
);
structure!(
    PROJECTED_SOURCE,
    "ProjectedVolumeSource",
    [
        f("sources", Ty::List(&VOLUME_PROJECTION)),
        f("defaultMode", Ty::Int32),
    ]
);
structure!(
    CONFIG_MAP_SOURCE,
    "ConfigMapVolumeSource",
    [
        f("name", S),
        f("items", Ty::List(&KEY_TO_PATH)),
        f("defaultMode", Ty::Int32),
        f("optional", Ty::Bool),
    ]
);
structure!(
    SECRET_SOURCE,
    "SecretVolumeSource",
    [
        f("secretName", S),
        f("items", Ty::List(&KEY_TO_PATH)),
        f("defaultMode", Ty::Int32),
        f("optional", Ty::Bool),
    ]
);
structure!(
    EMPTY_DIR_SOURCE,
    "EmptyDirVolumeSource",
    [
        f("medium", Ty::Str("v1.StorageMedium")),
        f("sizeLimit", Ty::Quantity),
    ]
);
structure!(
    HOST_PATH_SOURCE,
    "HostPathVolumeSource",
    [f("path", S), f("type", Ty::Any)]
);
structure!(
    VOLUME,
    "Volume",
    [
        f("name", S),
        f("persistentVolumeClaim", Ty::Struct(&PVC_SOURCE)),
        f("configMap", Ty::Struct(&CONFIG_MAP_SOURCE)),
        f("secret", Ty::Struct(&SECRET_SOURCE)),
        f("emptyDir", Ty::Struct(&EMPTY_DIR_SOURCE)),
        f("hostPath", Ty::Struct(&HOST_PATH_SOURCE)),
        f("projected", Ty::Struct(&PROJECTED_SOURCE)),
        f("downwardAPI", Ty::Struct(&DOWNWARD_API_SOURCE)),
        f("nfs", Ty::Any),
        f("csi", Ty::Any),
        f("ephemeral", Ty::Any),
        f("image", Ty::Any),
    ]
);
structure!(
    TOLERATION,
    "Toleration",
    [
        f("key", S),
        f("operator", Ty::Str("v1.TolerationOperator")),
        f("value", S),
        f("effect", Ty::Str("v1.TaintEffect")),
        f("tolerationSeconds", Ty::Int64),
    ]
);
structure!(
    LOCAL_OBJECT_REFERENCE,
    "LocalObjectReference",
    [f("name", S)]
);
structure!(
    POD_SPEC,
    "PodSpec",
    [
        f("volumes", Ty::List(&VOLUME)),
        f("initContainers", Ty::List(&CONTAINER)),
        f("containers", Ty::List(&CONTAINER)),
        f("ephemeralContainers", Ty::Any),
        f("restartPolicy", Ty::Str("v1.RestartPolicy")),
        f("terminationGracePeriodSeconds", Ty::Int64),
        f("activeDeadlineSeconds", Ty::Int64),
        f("dnsPolicy", Ty::Str("v1.DNSPolicy")),
        f("nodeSelector", Ty::StrMap),
        f("serviceAccountName", S),
        f("serviceAccount", S),
        f("automountServiceAccountToken", Ty::Bool),
        f("nodeName", S),
        f("hostNetwork", Ty::Bool),
        f("hostPID", Ty::Bool),
        f("hostIPC", Ty::Bool),
        f("shareProcessNamespace", Ty::Bool),
        f("securityContext", Ty::Any),
        f("imagePullSecrets", Ty::List(&LOCAL_OBJECT_REFERENCE)),
        f("hostname", S),
        f("subdomain", S),
        f("affinity", Ty::Any),
        f("schedulerName", S),
        f("tolerations", Ty::List(&TOLERATION)),
        f("hostAliases", Ty::Any),
        f("priorityClassName", S),
        f("priority", Ty::Int32),
        f("dnsConfig", Ty::Any),
        f("readinessGates", Ty::Any),
        f("runtimeClassName", S),
        f("enableServiceLinks", Ty::Bool),
        f("preemptionPolicy", Ty::Any),
        f("overhead", Ty::Any),
        f("topologySpreadConstraints", Ty::Any),
        f("setHostnameAsFQDN", Ty::Bool),
        f("os", Ty::Any),
        f("hostUsers", Ty::Bool),
        f("schedulingGates", Ty::Any),
        f("resourceClaims", Ty::Any),
        f("resources", Ty::Any),
        f("hostnameOverride", S),
    ]
);
structure!(
    POD_TEMPLATE_SPEC,
    "PodTemplateSpec",
    [
        f("metadata", Ty::Struct(&OBJECT_META)),
        f("spec", Ty::Struct(&POD_SPEC)),
    ]
);
structure!(
    VOLUME_RESOURCE_REQUIREMENTS,
    "VolumeResourceRequirements",
    [f("limits", Ty::QuantityMap), f("requests", Ty::QuantityMap),]
);
structure!(
    PVC_SPEC,
    "PersistentVolumeClaimSpec",
    [
        f("accessModes", Ty::StrList("v1.PersistentVolumeAccessMode")),
        f("selector", Ty::Struct(&LABEL_SELECTOR)),
        f("resources", Ty::Struct(&VOLUME_RESOURCE_REQUIREMENTS)),
        f("volumeName", S),
        f("storageClassName", S),
        f("volumeMode", Ty::Str("v1.PersistentVolumeMode")),
        f("dataSource", Ty::Any),
        f("dataSourceRef", Ty::Any),
        f("volumeAttributesClassName", S),
    ]
);
structure!(
    PVC,
    "PersistentVolumeClaim",
    [
        f("apiVersion", S),
        f("kind", S),
        f("metadata", Ty::Struct(&OBJECT_META)),
        f("spec", Ty::Struct(&PVC_SPEC)),
        f("status", Ty::Any),
    ]
);
structure!(
    ROLLING_UPDATE_STATEFUL_SET,
    "RollingUpdateStatefulSetStrategy",
    [
        f("partition", Ty::Int32),
        f("maxUnavailable", Ty::IntOrString),
    ]
);
structure!(
    STATEFUL_SET_UPDATE_STRATEGY,
    "StatefulSetUpdateStrategy",
    [
        f("type", Ty::Str("v1.StatefulSetUpdateStrategyType")),
        f("rollingUpdate", Ty::Struct(&ROLLING_UPDATE_STATEFUL_SET)),
    ]
);
structure!(
    PVC_RETENTION_POLICY,
    "StatefulSetPersistentVolumeClaimRetentionPolicy",
    [
        f(
            "whenDeleted",
            Ty::Str("v1.PersistentVolumeClaimRetentionPolicyType")
        ),
        f(
            "whenScaled",
            Ty::Str("v1.PersistentVolumeClaimRetentionPolicyType")
        ),
    ]
);
structure!(
    STATEFUL_SET_ORDINALS,
    "StatefulSetOrdinals",
    [f("start", Ty::Int32)]
);
structure!(
    STATEFUL_SET_SPEC,
    "StatefulSetSpec",
    [
        f("replicas", Ty::Int32),
        f("selector", Ty::Struct(&LABEL_SELECTOR)),
        f("template", Ty::Struct(&POD_TEMPLATE_SPEC)),
        f("volumeClaimTemplates", Ty::List(&PVC)),
        f("serviceName", S),
        f("podManagementPolicy", Ty::Str("v1.PodManagementPolicyType")),
        f("updateStrategy", Ty::Struct(&STATEFUL_SET_UPDATE_STRATEGY)),
        f("revisionHistoryLimit", Ty::Int32),
        f("minReadySeconds", Ty::Int32),
        f(
            "persistentVolumeClaimRetentionPolicy",
            Ty::Struct(&PVC_RETENTION_POLICY)
        ),
        f("ordinals", Ty::Struct(&STATEFUL_SET_ORDINALS)),
    ]
);
structure!(
    ROLLING_UPDATE_DEPLOYMENT,
    "RollingUpdateDeployment",
    [
        f("maxUnavailable", Ty::IntOrString),
        f("maxSurge", Ty::IntOrString),
    ]
);
structure!(
    DEPLOYMENT_STRATEGY,
    "DeploymentStrategy",
    [
        f("type", Ty::Str("v1.DeploymentStrategyType")),
        f("rollingUpdate", Ty::Struct(&ROLLING_UPDATE_DEPLOYMENT)),
    ]
);
structure!(
    DEPLOYMENT_SPEC,
    "DeploymentSpec",
    [
        f("replicas", Ty::Int32),
        f("selector", Ty::Struct(&LABEL_SELECTOR)),
        f("template", Ty::Struct(&POD_TEMPLATE_SPEC)),
        f("strategy", Ty::Struct(&DEPLOYMENT_STRATEGY)),
        f("minReadySeconds", Ty::Int32),
        f("revisionHistoryLimit", Ty::Int32),
        f("paused", Ty::Bool),
        f("progressDeadlineSeconds", Ty::Int32),
    ]
);
structure!(
    REPLICA_SET_SPEC,
    "ReplicaSetSpec",
    [
        f("replicas", Ty::Int32),
        f("minReadySeconds", Ty::Int32),
        f("selector", Ty::Struct(&LABEL_SELECTOR)),
        f("template", Ty::Struct(&POD_TEMPLATE_SPEC)),
    ]
);
structure!(
    SERVICE_PORT,
    "ServicePort",
    [
        f("name", S),
        f("protocol", Ty::Str("v1.Protocol")),
        f("appProtocol", S),
        f("port", Ty::Int32),
        f("targetPort", Ty::IntOrString),
        f("nodePort", Ty::Int32),
    ]
);
structure!(
    SERVICE_SPEC,
    "ServiceSpec",
    [
        f("ports", Ty::List(&SERVICE_PORT)),
        f("selector", Ty::StrMap),
        f("clusterIP", S),
        f("clusterIPs", Ty::StrList("string")),
        f("type", Ty::Str("v1.ServiceType")),
        f("externalIPs", Ty::StrList("string")),
        f("sessionAffinity", Ty::Str("v1.ServiceAffinity")),
        f("loadBalancerIP", S),
        f("loadBalancerSourceRanges", Ty::StrList("string")),
        f("externalName", S),
        f(
            "externalTrafficPolicy",
            Ty::Str("v1.ServiceExternalTrafficPolicy")
        ),
        f("healthCheckNodePort", Ty::Int32),
        f("publishNotReadyAddresses", Ty::Bool),
        f("sessionAffinityConfig", Ty::Any),
        f("ipFamilies", Ty::StrList("v1.IPFamily")),
        f("ipFamilyPolicy", Ty::Str("v1.IPFamilyPolicy")),
        f("allocateLoadBalancerNodePorts", Ty::Bool),
        f("loadBalancerClass", S),
        f(
            "internalTrafficPolicy",
            Ty::Str("v1.ServiceInternalTrafficPolicy")
        ),
        f("trafficDistribution", S),
    ]
);
structure!(
    STORAGE_CLASS,
    "StorageClass",
    [
        f("apiVersion", S),
        f("kind", S),
        f("metadata", Ty::Struct(&OBJECT_META)),
        f("provisioner", S),
        f("parameters", Ty::StrMap),
        f("reclaimPolicy", Ty::Str("v1.PersistentVolumeReclaimPolicy")),
        f("mountOptions", Ty::StrList("string")),
        f("allowVolumeExpansion", Ty::Bool),
        f("volumeBindingMode", Ty::Str("v1.VolumeBindingMode")),
        f("allowedTopologies", Ty::Any),
    ]
);
structure!(
    CONFIG_MAP,
    "ConfigMap",
    [
        f("apiVersion", S),
        f("kind", S),
        f("metadata", Ty::Struct(&OBJECT_META)),
        f("data", Ty::StrMap),
        f("binaryData", Ty::Any),
        f("immutable", Ty::Bool),
    ]
);
structure!(
    SECRET,
    "Secret",
    [
        f("apiVersion", S),
        f("kind", S),
        f("metadata", Ty::Struct(&OBJECT_META)),
        f("data", Ty::StrMap),
        f("stringData", Ty::StrMap),
        f("type", Ty::Str("v1.SecretType")),
        f("immutable", Ty::Bool),
    ]
);
structure!(
    PDB_SPEC,
    "PodDisruptionBudgetSpec",
    [
        f("minAvailable", Ty::IntOrString),
        f("maxUnavailable", Ty::IntOrString),
        f("selector", Ty::Struct(&LABEL_SELECTOR)),
        f("unhealthyPodEvictionPolicy", Ty::Any),
    ]
);

/// A top-level object with typed `spec`, open `status`.
macro_rules! top {
    ($id:ident, $name:literal, $spec:expr) => {
        structure!(
            $id,
            $name,
            [
                f("apiVersion", S),
                f("kind", S),
                f("metadata", Ty::Struct(&OBJECT_META)),
                f("spec", $spec),
                f("status", Ty::Any),
            ]
        );
    };
}

top!(STATEFUL_SET, "StatefulSet", Ty::Struct(&STATEFUL_SET_SPEC));
top!(DEPLOYMENT, "Deployment", Ty::Struct(&DEPLOYMENT_SPEC));
top!(REPLICA_SET, "ReplicaSet", Ty::Struct(&REPLICA_SET_SPEC));
top!(POD, "Pod", Ty::Struct(&POD_SPEC));
top!(SERVICE, "Service", Ty::Struct(&SERVICE_SPEC));
top!(NAMESPACE, "Namespace", Ty::Any);
top!(PERSISTENT_VOLUME, "PersistentVolume", Ty::Any);
top!(NODE, "Node", Ty::Any);
top!(
    POD_DISRUPTION_BUDGET,
    "PodDisruptionBudget",
    Ty::Struct(&PDB_SPEC)
);

/// The top-level struct of a kind; `None` for kinds whose other fields are
/// accepted as they are (Event, Endpoints, EndpointSlice, ControllerRevision).
pub fn for_kind(kind: &str) -> Option<&'static Struct> {
    Some(match kind {
        "StatefulSet" => &STATEFUL_SET,
        "Deployment" => &DEPLOYMENT,
        "ReplicaSet" => &REPLICA_SET,
        "Pod" => &POD,
        "Service" => &SERVICE,
        "PersistentVolumeClaim" => &PVC,
        "StorageClass" => &STORAGE_CLASS,
        "ConfigMap" => &CONFIG_MAP,
        "Secret" => &SECRET,
        "Namespace" => &NAMESPACE,
        "PersistentVolume" => &PERSISTENT_VOLUME,
        "Node" => &NODE,
        "PodDisruptionBudget" => &POD_DISRUPTION_BUDGET,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_type_names_match_the_decoder() {
        let spec = STATEFUL_SET.field("spec").unwrap();
        assert_eq!(spec.ty.go_name(), "v1.StatefulSetSpec");
        assert_eq!(
            STATEFUL_SET_SPEC.field("replicas").unwrap().ty.go_name(),
            "int32"
        );
        assert_eq!(
            POD_SPEC.field("containers").unwrap().ty.go_name(),
            "[]v1.Container"
        );
        assert_eq!(
            PVC_SPEC.field("accessModes").unwrap().ty.go_name(),
            "[]v1.PersistentVolumeAccessMode"
        );
        assert!(for_kind("Event").is_none());
    }
}
