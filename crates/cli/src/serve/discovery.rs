//! Discovery documents (`/version`, `/api`, `/apis`, `/api/v1`,
//! `/apis/{group}/{version}`) built from the simulator's resource registry:
//! aggregated (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`, what kubectl
//! 1.36 asks for first, one request each for `/api` and `/apis`) and the
//! legacy per-group-version lists older clients read.

use ordinal_core::resources::{ResourceInfo, RESOURCES};
use ordinal_model::Value;

/// The server version kubectl reports (`kubectl version`).
pub fn version() -> Value {
    Value::from([
        ("major", Value::from("1")),
        ("minor", Value::from("36")),
        ("emulationMajor", Value::from("1")),
        ("emulationMinor", Value::from("36")),
        ("minCompatibilityMajor", Value::from("1")),
        ("minCompatibilityMinor", Value::from("35")),
        ("gitVersion", Value::from("v1.36.3")),
        ("gitCommit", Value::from("")),
        ("gitTreeState", Value::from("clean")),
        ("buildDate", Value::from("2026-01-01T00:00:00Z")),
        ("goVersion", Value::from("go1.25.0")),
        ("compiler", Value::from("gc")),
        ("platform", Value::from("linux/amd64")),
    ])
}

/// `/api`.
pub fn core_versions() -> Value {
    Value::from([
        ("kind", Value::from("APIVersions")),
        ("versions", Value::from(vec![Value::from("v1")])),
        (
            "serverAddressByClientCIDRs",
            Value::from(vec![Value::from([
                ("clientCIDR", Value::from("0.0.0.0/0")),
                ("serverAddress", Value::from("127.0.0.1:6443")),
            ])]),
        ),
    ])
}

fn groups() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for r in RESOURCES {
        if !r.group.is_empty() && !names.contains(&r.group) {
            names.push(r.group);
        }
    }
    names
}

/// `/apis`.
pub fn group_list() -> Value {
    let groups = groups()
        .into_iter()
        .map(|g| {
            let gv = Value::from([
                ("groupVersion", Value::from(format!("{g}/v1"))),
                ("version", Value::from("v1")),
            ]);
            Value::from([
                ("name", Value::from(g)),
                ("versions", Value::from(vec![gv.clone()])),
                ("preferredVersion", gv),
            ])
        })
        .collect();
    Value::from([
        ("kind", Value::from("APIGroupList")),
        ("apiVersion", Value::from("v1")),
        ("groups", Value::Array(groups)),
    ])
}

fn strings(items: &[&str]) -> Value {
    Value::from(items.iter().map(|s| Value::from(*s)).collect::<Vec<_>>())
}

fn resource_entry(r: &ResourceInfo) -> Value {
    let mut entry = Value::from([
        ("name", Value::from(r.plural)),
        ("singularName", Value::from(r.singular)),
        ("namespaced", Value::from(r.namespaced)),
        ("kind", Value::from(r.kind)),
        (
            "verbs",
            strings(&[
                "create",
                "delete",
                "deletecollection",
                "get",
                "list",
                "patch",
                "update",
                "watch",
            ]),
        ),
    ]);
    if !r.short_names.is_empty() {
        entry.set(&["shortNames"], strings(r.short_names));
    }
    if matches!(
        r.plural,
        "pods" | "statefulsets" | "deployments" | "replicasets" | "services"
    ) {
        entry.set(&["categories"], strings(&["all"]));
    }
    entry
}

/// The media type of aggregated discovery documents (and the `Accept` value
/// asking for them).
pub const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// True when the client asks for aggregated discovery (kubectl 1.36 does).
pub fn wants_aggregated(accept: &str) -> bool {
    accept.contains("as=APIGroupDiscoveryList")
}

fn response_kind(group: &str, version: &str, kind: &str) -> Value {
    Value::from([
        ("group", Value::from(group)),
        ("version", Value::from(version)),
        ("kind", Value::from(kind)),
    ])
}

/// One resource as aggregated discovery (`apidiscovery.k8s.io/v2`) lists it,
/// with the same verbs, names and subresources as the legacy list.
fn aggregated_resource(r: &ResourceInfo) -> Value {
    let legacy = resource_entry(r);
    let mut subresources = Vec::new();
    if r.has_status {
        subresources.push(Value::from([
            ("subresource", Value::from("status")),
            ("responseKind", response_kind(r.group, r.version, r.kind)),
            ("verbs", strings(&["get", "patch", "update"])),
        ]));
    }
    if super::api::has_scale(r.plural) {
        subresources.push(Value::from([
            ("subresource", Value::from("scale")),
            ("responseKind", response_kind("autoscaling", "v1", "Scale")),
            ("verbs", strings(&["get", "patch", "update"])),
        ]));
    }
    if r.plural == "pods" {
        subresources.push(Value::from([
            ("subresource", Value::from("eviction")),
            ("responseKind", response_kind("policy", "v1", "Eviction")),
            ("verbs", strings(&["create"])),
        ]));
    }
    let mut entry = Value::from([
        ("resource", Value::from(r.plural)),
        ("responseKind", response_kind(r.group, r.version, r.kind)),
        (
            "scope",
            Value::from(if r.namespaced {
                "Namespaced"
            } else {
                "Cluster"
            }),
        ),
        ("singularResource", Value::from(r.singular)),
        ("verbs", legacy.get("verbs").cloned().unwrap_or_default()),
    ]);
    for key in ["shortNames", "categories"] {
        if let Some(v) = legacy.get(key) {
            entry.set(&[key], v.clone());
        }
    }
    if !subresources.is_empty() {
        entry.set(&["subresources"], Value::Array(subresources));
    }
    entry
}

/// `/api` (`core`) or `/apis` as an `APIGroupDiscoveryList`.
pub fn aggregated(core: bool) -> Value {
    let names: Vec<&str> = if core { vec![""] } else { groups() };
    let items = names
        .into_iter()
        .map(|group| {
            let resources = RESOURCES
                .iter()
                .filter(|r| r.group == group)
                .map(aggregated_resource)
                .collect();
            Value::from([
                ("metadata", Value::from([("name", Value::from(group))])),
                (
                    "versions",
                    Value::from(vec![Value::from([
                        ("version", Value::from("v1")),
                        ("resources", Value::Array(resources)),
                        ("freshness", Value::from("Current")),
                    ])]),
                ),
            ])
        })
        .collect();
    Value::from([
        ("kind", Value::from("APIGroupDiscoveryList")),
        ("apiVersion", Value::from("apidiscovery.k8s.io/v2")),
        ("metadata", Value::object()),
        ("items", Value::Array(items)),
    ])
}

/// `/api/v1` or `/apis/{group}/{version}`; `None` for an unknown group version.
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    let mut resources = Vec::new();
    for r in RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        resources.push(resource_entry(r));
        if r.has_status {
            resources.push(Value::from([
                ("name", Value::from(format!("{}/status", r.plural))),
                ("singularName", Value::from("")),
                ("namespaced", Value::from(r.namespaced)),
                ("kind", Value::from(r.kind)),
                ("verbs", strings(&["get", "patch", "update"])),
            ]));
        }
        if super::api::has_scale(r.plural) {
            resources.push(Value::from([
                ("name", Value::from(format!("{}/scale", r.plural))),
                ("singularName", Value::from("")),
                ("namespaced", Value::from(true)),
                ("group", Value::from("autoscaling")),
                ("version", Value::from("v1")),
                ("kind", Value::from("Scale")),
                ("verbs", strings(&["get", "patch", "update"])),
            ]));
        }
        if r.plural == "pods" {
            // kubectl drain evicts only when discovery lists this
            // (`CheckEvictionSupport`); otherwise it deletes.
            resources.push(Value::from([
                ("name", Value::from("pods/eviction")),
                ("singularName", Value::from("")),
                ("namespaced", Value::from(true)),
                ("group", Value::from("policy")),
                ("version", Value::from("v1")),
                ("kind", Value::from("Eviction")),
                ("verbs", strings(&["create"])),
            ]));
        }
    }
    if resources.is_empty() {
        return None;
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(Value::from([
        ("kind", Value::from("APIResourceList")),
        ("apiVersion", Value::from("v1")),
        ("groupVersion", Value::from(gv)),
        ("resources", Value::Array(resources)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_v1_offers_pod_eviction_as_drain_looks_for_it() {
        let list = resource_list("", "v1").expect("core v1");
        let eviction = list
            .array_at(&["resources"])
            .iter()
            .find(|r| r.str_at(&["name"]) == "pods/eviction")
            .cloned()
            .expect("pods/eviction");
        assert_eq!(eviction.str_at(&["kind"]), "Eviction");
        assert_eq!(eviction.str_at(&["group"]), "policy");
        assert_eq!(eviction.str_at(&["version"]), "v1");
    }

    #[test]
    fn apps_v1_lists_statefulsets_with_their_short_name_and_scale() {
        let list = resource_list("apps", "v1").expect("apps/v1 is served");
        let sts = &list.array_at(&["resources"])[0];
        assert_eq!(list.str_at(&["groupVersion"]), "apps/v1");
        assert!(list
            .array_at(&["resources"])
            .iter()
            .any(|r| r.str_at(&["name"]) == "statefulsets/scale"));
        assert!(list
            .array_at(&["resources"])
            .iter()
            .any(|r| r.str_at(&["name"]) == "statefulsets"
                && r.array_at(&["shortNames"]) == [Value::from("sts")]));
        assert!(!sts.str_at(&["kind"]).is_empty());
    }

    #[test]
    fn aggregated_discovery_lists_statefulsets_with_scale_and_status() {
        let apis = aggregated(false);
        let apps = apis
            .array_at(&["items"])
            .iter()
            .find(|g| g.str_at(&["metadata", "name"]) == "apps")
            .cloned()
            .expect("apps group");
        let sts = apps.array_at(&["versions"])[0]
            .array_at(&["resources"])
            .iter()
            .find(|r| r.str_at(&["resource"]) == "statefulsets")
            .cloned()
            .expect("statefulsets");
        assert_eq!(sts.str_at(&["scope"]), "Namespaced");
        let subresources: Vec<&str> = sts
            .array_at(&["subresources"])
            .iter()
            .map(|s| s.str_at(&["subresource"]))
            .collect();
        assert_eq!(subresources, ["status", "scale"]);
        assert_eq!(aggregated(true).array_at(&["items"]).len(), 1);
    }

    #[test]
    fn unknown_group_versions_are_not_served() {
        assert!(resource_list("batch", "v1").is_none());
        assert!(resource_list("apps", "v2").is_none());
    }
}
