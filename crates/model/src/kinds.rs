//! The registry of resource types Ordinal serves: kind, group, version, the
//! names kubectl accepts for each (plural, singular, short names, `kind.group`)
//! and whether it is namespaced. This is the discovery data a real API server
//! publishes and that kubectl's RESTMapper resolves names against.

/// One served resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceInfo {
    /// `StatefulSet`
    pub kind: &'static str,
    /// `apps`; empty for the core group.
    pub group: &'static str,
    /// `v1`
    pub version: &'static str,
    /// `statefulsets`
    pub plural: &'static str,
    /// `statefulset`
    pub singular: &'static str,
    /// `sts`
    pub short_names: &'static [&'static str],
    /// False for cluster-scoped kinds (Namespace, Node, PV, StorageClass).
    pub namespaced: bool,
    /// Has a status subresource: writes to the main resource keep the stored status.
    pub has_status: bool,
}

impl ResourceInfo {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `statefulsets.apps`, or `pods` for the core group (used in NotFound errors).
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `StatefulSet.apps`, or `Pod` (the kind named in Invalid messages).
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.to_string()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }

    /// `statefulset.apps`, or `pod` (used in `statefulset.apps/db created`).
    pub fn qualified_singular(&self) -> String {
        if self.group.is_empty() {
            self.singular.to_string()
        } else {
            format!("{}.{}", self.singular, self.group)
        }
    }
}

const fn info(
    kind: &'static str,
    group: &'static str,
    plural: &'static str,
    singular: &'static str,
    short_names: &'static [&'static str],
    namespaced: bool,
    has_status: bool,
) -> ResourceInfo {
    ResourceInfo {
        kind,
        group,
        version: "v1",
        plural,
        singular,
        short_names,
        namespaced,
        has_status,
    }
}

/// Every resource type Ordinal serves.
pub const RESOURCES: &[ResourceInfo] = &[
    info(
        "Namespace",
        "",
        "namespaces",
        "namespace",
        &["ns"],
        false,
        true,
    ),
    info("Node", "", "nodes", "node", &["no"], false, true),
    info("Pod", "", "pods", "pod", &["po"], true, true),
    info("Service", "", "services", "service", &["svc"], true, true),
    info(
        "Endpoints",
        "",
        "endpoints",
        "endpoints",
        &["ep"],
        true,
        false,
    ),
    info(
        "PersistentVolumeClaim",
        "",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        &["pvc"],
        true,
        true,
    ),
    info(
        "PersistentVolume",
        "",
        "persistentvolumes",
        "persistentvolume",
        &["pv"],
        false,
        true,
    ),
    info(
        "ConfigMap",
        "",
        "configmaps",
        "configmap",
        &["cm"],
        true,
        false,
    ),
    info("Secret", "", "secrets", "secret", &[], true, false),
    info(
        "ServiceAccount",
        "",
        "serviceaccounts",
        "serviceaccount",
        &["sa"],
        true,
        false,
    ),
    info("Event", "", "events", "event", &["ev"], true, false),
    info(
        "StatefulSet",
        "apps",
        "statefulsets",
        "statefulset",
        &["sts"],
        true,
        true,
    ),
    info(
        "Deployment",
        "apps",
        "deployments",
        "deployment",
        &["deploy"],
        true,
        true,
    ),
    info(
        "ReplicaSet",
        "apps",
        "replicasets",
        "replicaset",
        &["rs"],
        true,
        true,
    ),
    info(
        "DaemonSet",
        "apps",
        "daemonsets",
        "daemonset",
        &["ds"],
        true,
        true,
    ),
    info(
        "ControllerRevision",
        "apps",
        "controllerrevisions",
        "controllerrevision",
        &[],
        true,
        false,
    ),
    info(
        "StorageClass",
        "storage.k8s.io",
        "storageclasses",
        "storageclass",
        &["sc"],
        false,
        false,
    ),
    info(
        "EndpointSlice",
        "discovery.k8s.io",
        "endpointslices",
        "endpointslice",
        &[],
        true,
        false,
    ),
    info(
        "Lease",
        "coordination.k8s.io",
        "leases",
        "lease",
        &[],
        true,
        false,
    ),
    info(
        "PodDisruptionBudget",
        "policy",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        &["pdb"],
        true,
        true,
    ),
];

/// The resource with plural name `plural` (`pods`), as the API paths name it.
pub fn by_plural(plural: &str) -> Option<&'static ResourceInfo> {
    RESOURCES.iter().find(|r| r.plural == plural)
}

/// The resource for an `apiVersion` + `kind` pair, as the RESTMapper finds it.
pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceInfo> {
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    RESOURCES
        .iter()
        .find(|r| r.kind == kind && r.group == group && r.version == version)
}

/// The resource for a name typed on the kubectl command line: plural, singular,
/// short name or kind (any case), optionally followed by `.group` or
/// `.version.group` (`sts`, `statefulsets.apps`, `statefulsets.v1.apps`).
pub fn by_name(name: &str) -> Option<&'static ResourceInfo> {
    let lower = name.to_ascii_lowercase();
    let (base, qualifier) = match lower.split_once('.') {
        Some((b, q)) => (b, Some(q)),
        None => (lower.as_str(), None),
    };
    RESOURCES.iter().find(|r| {
        let name_ok = r.plural == base
            || r.singular == base
            || r.kind.eq_ignore_ascii_case(base)
            || r.short_names.contains(&base);
        let group_ok = match qualifier {
            None => true,
            Some(q) => {
                !r.group.is_empty() && (q == r.group || q == format!("{}.{}", r.version, r.group))
            }
        };
        name_ok && group_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_names_resolve() {
        for (name, kind) in [
            ("sts", "StatefulSet"),
            ("statefulsets.apps", "StatefulSet"),
            ("statefulset", "StatefulSet"),
            ("StatefulSet", "StatefulSet"),
            ("statefulsets.v1.apps", "StatefulSet"),
            ("po", "Pod"),
            ("pvc", "PersistentVolumeClaim"),
            ("svc", "Service"),
            ("ep", "Endpoints"),
            ("cm", "ConfigMap"),
            ("ns", "Namespace"),
            ("no", "Node"),
            ("ev", "Event"),
            ("deploy", "Deployment"),
            ("rs", "ReplicaSet"),
            ("ds", "DaemonSet"),
            ("sc", "StorageClass"),
            ("pv", "PersistentVolume"),
            ("pdb", "PodDisruptionBudget"),
            ("controllerrevisions", "ControllerRevision"),
            ("endpointslices.discovery.k8s.io", "EndpointSlice"),
        ] {
            assert_eq!(by_name(name).map(|r| r.kind), Some(kind), "{name}");
        }
        assert!(by_name("foo").is_none());
        assert!(by_name("statefulsets.core").is_none());
    }

    #[test]
    fn kinds_resolve_only_in_their_version() {
        assert_eq!(
            by_kind("apps/v1", "StatefulSet").map(|r| r.plural),
            Some("statefulsets")
        );
        assert!(by_kind("apps/v1beta1", "StatefulSet").is_none());
        assert!(by_kind("v1", "StatefulSet").is_none());
        assert_eq!(
            by_kind("v1", "Service").map(|r| r.api_version()),
            Some("v1".into())
        );
        assert_eq!(
            by_kind("storage.k8s.io/v1", "StorageClass").map(|r| r.qualified_singular()),
            Some("storageclass.storage.k8s.io".into())
        );
    }
}
