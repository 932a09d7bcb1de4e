//! The API resources the simulated API server serves: plural name, kind,
//! group, scope and whether writes to the main resource keep `status`
//! (a status subresource). Mirrors the discovery data of a v1.36 server.

/// One served resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceInfo {
    /// Plural lowercase name (`statefulsets`).
    pub resource: &'static str,
    /// Kind (`StatefulSet`).
    pub kind: &'static str,
    /// API group, empty for core (`apps`).
    pub group: &'static str,
    /// Version (`v1`).
    pub version: &'static str,
    /// Namespaced (true) or cluster-scoped.
    pub namespaced: bool,
    /// Has a status subresource: main-resource writes keep the stored status.
    pub has_status: bool,
}

impl ResourceInfo {
    /// `statefulsets.apps`, `pods`: the name used in API error messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    /// `StatefulSet.apps`, `Pod`: the kind named in Invalid messages.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.to_string()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }

    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

const fn r(
    resource: &'static str,
    kind: &'static str,
    group: &'static str,
    namespaced: bool,
    has_status: bool,
) -> ResourceInfo {
    ResourceInfo {
        resource,
        kind,
        group,
        version: "v1",
        namespaced,
        has_status,
    }
}

/// Every resource the simulator serves.
pub const RESOURCES: &[ResourceInfo] = &[
    r("namespaces", "Namespace", "", false, true),
    r("nodes", "Node", "", false, true),
    r("pods", "Pod", "", true, true),
    r("services", "Service", "", true, true),
    r("endpoints", "Endpoints", "", true, false),
    r(
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        "",
        true,
        true,
    ),
    r("persistentvolumes", "PersistentVolume", "", false, true),
    r("configmaps", "ConfigMap", "", true, false),
    r("secrets", "Secret", "", true, false),
    r("serviceaccounts", "ServiceAccount", "", true, false),
    r("events", "Event", "", true, false),
    r("statefulsets", "StatefulSet", "apps", true, true),
    r("deployments", "Deployment", "apps", true, true),
    r("replicasets", "ReplicaSet", "apps", true, true),
    r(
        "controllerrevisions",
        "ControllerRevision",
        "apps",
        true,
        false,
    ),
    r(
        "storageclasses",
        "StorageClass",
        "storage.k8s.io",
        false,
        false,
    ),
    r(
        "endpointslices",
        "EndpointSlice",
        "discovery.k8s.io",
        true,
        false,
    ),
    r(
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        "policy",
        true,
        true,
    ),
];

/// The resource named by its plural (`pods`).
pub fn by_resource(resource: &str) -> Option<&'static ResourceInfo> {
    RESOURCES.iter().find(|r| r.resource == resource)
}

/// The resource of an object's `apiVersion` and `kind`.
pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceInfo> {
    RESOURCES
        .iter()
        .find(|r| r.kind == kind && r.api_version() == api_version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_carry_the_group() {
        assert_eq!(
            by_resource("statefulsets").map(|r| r.qualified()),
            Some("statefulsets.apps".into())
        );
        assert_eq!(
            by_resource("pods").map(|r| r.qualified()),
            Some("pods".into())
        );
        assert_eq!(
            by_kind("apps/v1", "StatefulSet").map(|r| r.resource),
            Some("statefulsets")
        );
        assert_eq!(by_kind("apps/v1beta1", "StatefulSet"), None);
    }
}
