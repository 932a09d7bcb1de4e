//! Go field order and types of the internal `core` structs the pod update
//! report prints (`pkg/apis/core/types.go`, v1.36), and the JSON names they
//! map to. Used by `go_diff`.

use crate::value::Value;

/// Internal `core.PodSpec` fields in declaration order (v1.36).
const POD_SPEC: &[(&str, &str)] = &[
    ("Volumes", "[]core.Volume"),
    ("InitContainers", "[]core.Container"),
    ("Containers", "[]core.Container"),
    ("EphemeralContainers", "[]core.EphemeralContainer"),
    ("RestartPolicy", "core.RestartPolicy"),
    ("TerminationGracePeriodSeconds", "*int64"),
    ("ActiveDeadlineSeconds", "*int64"),
    ("DNSPolicy", "core.DNSPolicy"),
    ("NodeSelector", "map[string]string"),
    ("ServiceAccountName", "string"),
    ("AutomountServiceAccountToken", "*bool"),
    ("NodeName", "string"),
    ("SecurityContext", "*core.PodSecurityContext"),
    ("ImagePullSecrets", "[]core.LocalObjectReference"),
    ("Hostname", "string"),
    ("Subdomain", "string"),
    ("SetHostnameAsFQDN", "*bool"),
    ("Affinity", "*core.Affinity"),
    ("SchedulerName", "string"),
    ("Tolerations", "[]core.Toleration"),
    ("HostAliases", "[]core.HostAlias"),
    ("PriorityClassName", "string"),
    ("Priority", "*int32"),
    ("PreemptionPolicy", "*core.PreemptionPolicy"),
    ("DNSConfig", "*core.PodDNSConfig"),
    ("ReadinessGates", "[]core.PodReadinessGate"),
    ("RuntimeClassName", "*string"),
    ("Overhead", "core.ResourceList"),
    ("EnableServiceLinks", "*bool"),
    (
        "TopologySpreadConstraints",
        "[]core.TopologySpreadConstraint",
    ),
    ("OS", "*core.PodOS"),
    ("SchedulingGates", "[]core.PodSchedulingGate"),
    ("ResourceClaims", "[]core.PodResourceClaim"),
    ("Resources", "*core.ResourceRequirements"),
    ("HostnameOverride", "*string"),
];

const CONTAINER: &[(&str, &str)] = &[
    ("Name", "string"),
    ("Image", "string"),
    ("Command", "[]string"),
    ("Args", "[]string"),
    ("WorkingDir", "string"),
    ("Ports", "[]core.ContainerPort"),
    ("EnvFrom", "[]core.EnvFromSource"),
    ("Env", "[]core.EnvVar"),
    ("Resources", "core.ResourceRequirements"),
    ("ResizePolicy", "[]core.ContainerResizePolicy"),
    ("RestartPolicy", "*core.ContainerRestartPolicy"),
    ("RestartPolicyRules", "[]core.ContainerRestartRule"),
    ("VolumeMounts", "[]core.VolumeMount"),
    ("VolumeDevices", "[]core.VolumeDevice"),
    ("LivenessProbe", "*core.Probe"),
    ("ReadinessProbe", "*core.Probe"),
    ("StartupProbe", "*core.Probe"),
    ("Lifecycle", "*core.Lifecycle"),
    ("TerminationMessagePath", "string"),
    ("TerminationMessagePolicy", "core.TerminationMessagePolicy"),
    ("ImagePullPolicy", "core.PullPolicy"),
    ("SecurityContext", "*core.SecurityContext"),
    ("Stdin", "bool"),
    ("StdinOnce", "bool"),
    ("TTY", "bool"),
];

const RESOURCES: &[(&str, &str)] = &[
    ("Limits", "core.ResourceList"),
    ("Requests", "core.ResourceList"),
    ("Claims", "[]core.ResourceClaim"),
];

const CONTAINER_PORT: &[(&str, &str)] = &[
    ("Name", "string"),
    ("HostPort", "int32"),
    ("ContainerPort", "int32"),
    ("Protocol", "core.Protocol"),
    ("HostIP", "string"),
];

const ENV_VAR: &[(&str, &str)] = &[
    ("Name", "string"),
    ("Value", "string"),
    ("ValueFrom", "*core.EnvVarSource"),
];

const VOLUME_MOUNT: &[(&str, &str)] = &[
    ("Name", "string"),
    ("ReadOnly", "bool"),
    ("RecursiveReadOnly", "*core.RecursiveReadOnlyMode"),
    ("MountPath", "string"),
    ("SubPath", "string"),
    ("MountPropagation", "*core.MountPropagationMode"),
    ("SubPathExpr", "string"),
];

const TOLERATION: &[(&str, &str)] = &[
    ("Key", "string"),
    ("Operator", "core.TolerationOperator"),
    ("Value", "string"),
    ("Effect", "core.TaintEffect"),
    ("TolerationSeconds", "*int64"),
];

/// The JSON value of a Go field of `obj`; an embedded struct (type `=X`,
/// such as `Volume.VolumeSource`) is the object itself.
pub(super) fn field_value<'a>(obj: Option<&'a Value>, go: &str, ty: &str) -> Option<&'a Value> {
    if ty.starts_with('=') {
        obj
    } else {
        obj?.get(&json_name(go))
    }
}

/// `core.VolumeSource`, embedded in `core.Volume`.
const VOLUME_SOURCE: &[(&str, &str)] = &[
    ("HostPath", "*core.HostPathVolumeSource"),
    ("EmptyDir", "*core.EmptyDirVolumeSource"),
    ("GCEPersistentDisk", "*core.GCEPersistentDiskVolumeSource"),
    (
        "AWSElasticBlockStore",
        "*core.AWSElasticBlockStoreVolumeSource",
    ),
    ("GitRepo", "*core.GitRepoVolumeSource"),
    ("Secret", "*core.SecretVolumeSource"),
    ("NFS", "*core.NFSVolumeSource"),
    ("ISCSI", "*core.ISCSIVolumeSource"),
    ("Glusterfs", "*core.GlusterfsVolumeSource"),
    (
        "PersistentVolumeClaim",
        "*core.PersistentVolumeClaimVolumeSource",
    ),
    ("RBD", "*core.RBDVolumeSource"),
    ("Quobyte", "*core.QuobyteVolumeSource"),
    ("FlexVolume", "*core.FlexVolumeSource"),
    ("Cinder", "*core.CinderVolumeSource"),
    ("CephFS", "*core.CephFSVolumeSource"),
    ("Flocker", "*core.FlockerVolumeSource"),
    ("DownwardAPI", "*core.DownwardAPIVolumeSource"),
    ("FC", "*core.FCVolumeSource"),
    ("AzureFile", "*core.AzureFileVolumeSource"),
    ("ConfigMap", "*core.ConfigMapVolumeSource"),
    ("VsphereVolume", "*core.VsphereVirtualDiskVolumeSource"),
    ("AzureDisk", "*core.AzureDiskVolumeSource"),
    (
        "PhotonPersistentDisk",
        "*core.PhotonPersistentDiskVolumeSource",
    ),
    ("Projected", "*core.ProjectedVolumeSource"),
    ("PortworxVolume", "*core.PortworxVolumeSource"),
    ("ScaleIO", "*core.ScaleIOVolumeSource"),
    ("StorageOS", "*core.StorageOSVolumeSource"),
    ("CSI", "*core.CSIVolumeSource"),
    ("Ephemeral", "*core.EphemeralVolumeSource"),
    ("Image", "*core.ImageVolumeSource"),
];

/// JSON keys whose objects are Go maps rather than structs.
pub(super) fn map_type_of(key: &str) -> &'static str {
    match key {
        "limits" | "requests" | "overhead" => "core.ResourceList",
        "labels" | "annotations" | "matchLabels" | "nodeSelector" => "map[string]string",
        _ => "",
    }
}

pub(super) fn struct_fields(ty: &str) -> Option<&'static [(&'static str, &'static str)]> {
    Some(match ty {
        "core.PodSpec" => POD_SPEC,
        "core.Container" => CONTAINER,
        "core.ResourceRequirements" => RESOURCES,
        "core.ContainerPort" => CONTAINER_PORT,
        "core.EnvVar" => ENV_VAR,
        "core.VolumeMount" => VOLUME_MOUNT,
        "core.Toleration" => TOLERATION,
        "core.Volume" => &[("Name", "string"), ("VolumeSource", "=core.VolumeSource")],
        "core.VolumeSource" => VOLUME_SOURCE,
        "core.ProjectedVolumeSource" => &[
            ("Sources", "[]core.VolumeProjection"),
            ("DefaultMode", "*int32"),
        ],
        "core.VolumeProjection" => &[
            ("Secret", "*core.SecretProjection"),
            ("DownwardAPI", "*core.DownwardAPIProjection"),
            ("ConfigMap", "*core.ConfigMapProjection"),
            ("ServiceAccountToken", "*core.ServiceAccountTokenProjection"),
            ("ClusterTrustBundle", "*core.ClusterTrustBundleProjection"),
            ("PodCertificate", "*core.PodCertificateProjection"),
        ],
        "core.ServiceAccountTokenProjection" => &[
            ("Audience", "string"),
            ("ExpirationSeconds", "int64"),
            ("Path", "string"),
        ],
        "core.ConfigMapProjection" | "core.SecretProjection" => &[
            ("LocalObjectReference", "=core.LocalObjectReference"),
            ("Items", "[]core.KeyToPath"),
            ("Optional", "*bool"),
        ],
        "core.ConfigMapVolumeSource" => &[
            ("LocalObjectReference", "=core.LocalObjectReference"),
            ("Items", "[]core.KeyToPath"),
            ("DefaultMode", "*int32"),
            ("Optional", "*bool"),
        ],
        "core.SecretVolumeSource" => &[
            ("SecretName", "string"),
            ("Items", "[]core.KeyToPath"),
            ("DefaultMode", "*int32"),
            ("Optional", "*bool"),
        ],
        "core.LocalObjectReference" => &[("Name", "string")],
        "core.KeyToPath" => &[("Key", "string"), ("Path", "string"), ("Mode", "*int32")],
        "core.DownwardAPIProjection" => &[("Items", "[]core.DownwardAPIVolumeFile")],
        "core.DownwardAPIVolumeFile" => &[
            ("Path", "string"),
            ("FieldRef", "*core.ObjectFieldSelector"),
            ("ResourceFieldRef", "*core.ResourceFieldSelector"),
            ("Mode", "*int32"),
        ],
        "core.ObjectFieldSelector" => &[("APIVersion", "string"), ("FieldPath", "string")],
        "core.PersistentVolumeClaimVolumeSource" => {
            &[("ClaimName", "string"), ("ReadOnly", "bool")]
        }
        "core.EmptyDirVolumeSource" => &[
            ("Medium", "core.StorageMedium"),
            ("SizeLimit", "*resource.Quantity"),
        ],
        _ => return None,
    })
}

/// The JSON name of a Go field (`DNSPolicy` → `dnsPolicy`, `TTY` → `tty`).
pub(super) fn json_name(go: &str) -> String {
    let upper = go.bytes().take_while(u8::is_ascii_uppercase).count();
    let lower = if upper > 1 && upper < go.len() {
        upper - 1
    } else {
        upper.max(1)
    };
    let (head, tail) = go.split_at(lower.min(go.len()));
    format!("{}{tail}", head.to_ascii_lowercase())
}
