//! Garbage collector and namespace controller: deletes dependents whose
//! owners are gone (background), holds owners in `foregroundDeletion` until
//! their dependents are gone, orphans dependents on request, and empties
//! terminating namespaces. Mirrors pkg/controller/garbagecollector and
//! pkg/controller/namespace/deletion.

use ordinal_model::Value;

use crate::apiserver::{DeleteOptions, Propagation};
use crate::resources;
use crate::sim::Sim;

fn meta<'a>(obj: &'a Value, key: &str) -> &'a str {
    obj.str_at(&["metadata", key])
}

impl Sim {
    /// The owner with this uid, if it still exists (searched by the kind and
    /// name in a dependent's ownerReference).
    fn owner_alive(&self, owner_ref: &Value, ns: &str) -> Option<&Value> {
        let info = resources::RESOURCES
            .iter()
            .find(|r| r.kind == owner_ref.str_at(&["kind"]))?;
        let owner_ns = if info.namespaced { ns } else { "" };
        self.store
            .get(info.plural, owner_ns, owner_ref.str_at(&["name"]))
            .filter(|o| meta(o, "uid") == owner_ref.str_at(&["uid"]))
    }

    /// Reconciles the dependents of owner `uid`.
    #[inline(never)]
    pub(crate) fn collect_dependents(&mut self, uid: &str) {
        let dependents = self.store.dependents(uid);
        let mut foreground_owner: Option<(&'static str, String, String)> = None;
        for (resource, ns, name) in dependents {
            let Some(dep) = self.store.get(resource, &ns, &name).cloned() else {
                continue;
            };
            let refs = dep.array_at(&["metadata", "ownerReferences"]).to_vec();
            let Some(owner_ref) = refs.iter().find(|r| r.str_at(&["uid"]) == uid) else {
                continue;
            };
            let owner = self.owner_alive(owner_ref, &ns).cloned();
            let delete_dependent = match &owner {
                None => true,
                Some(o) => {
                    let deleting = !meta(o, "deletionTimestamp").is_empty();
                    let foreground = o
                        .array_at(&["metadata", "finalizers"])
                        .iter()
                        .any(|f| f.as_str() == Some("foregroundDeletion"));
                    if deleting && foreground {
                        let info = resources::RESOURCES
                            .iter()
                            .find(|r| r.kind == o.str_at(&["kind"]));
                        if let Some(info) = info {
                            foreground_owner = Some((
                                info.plural,
                                meta(o, "namespace").to_string(),
                                meta(o, "name").to_string(),
                            ));
                        }
                    }
                    deleting && foreground
                }
            };
            if !delete_dependent {
                continue;
            }
            let others_alive = refs
                .iter()
                .filter(|r| r.str_at(&["uid"]) != uid)
                .any(|r| self.owner_alive(r, &ns).is_some());
            if others_alive && owner.is_none() {
                let mut updated = dep.clone();
                let kept: Vec<Value> = refs
                    .into_iter()
                    .filter(|r| r.str_at(&["uid"]) != uid)
                    .collect();
                updated.set(&["metadata", "ownerReferences"], Value::from(kept));
                self.write_status(resource, updated);
            } else if meta(&dep, "deletionTimestamp").is_empty() {
                if let Some(info) = resources::by_plural(resource) {
                    let _ = self.delete_object(info, &ns, &name, &DeleteOptions::default());
                }
            }
        }
        if let Some((resource, ns, name)) =
            foreground_owner.or_else(|| self.foreground_owner_by_uid(uid))
        {
            if self.store.dependents(uid).is_empty() {
                self.remove_finalizer(resource, &ns, &name, "foregroundDeletion");
            }
        }
    }

    fn foreground_owner_by_uid(&self, uid: &str) -> Option<(&'static str, String, String)> {
        for info in resources::RESOURCES {
            if !matches!(
                info.plural,
                "statefulsets" | "deployments" | "replicasets" | "pods"
            ) {
                continue;
            }
            if let Some(o) = self
                .store
                .iter(info.plural, None)
                .find(|o| meta(o, "uid") == uid)
            {
                return Some((
                    info.plural,
                    meta(o, "namespace").to_string(),
                    meta(o, "name").to_string(),
                ));
            }
        }
        None
    }

    /// Removes one finalizer; the object disappears when none is left and it is being deleted.
    pub(crate) fn remove_finalizer(
        &mut self,
        resource: &'static str,
        ns: &str,
        name: &str,
        finalizer: &str,
    ) {
        let Some(mut obj) = self.store.get(resource, ns, name).cloned() else {
            return;
        };
        let list: Vec<Value> = obj
            .array_at(&["metadata", "finalizers"])
            .iter()
            .filter(|f| f.as_str() != Some(finalizer))
            .cloned()
            .collect();
        let Some(info) = resources::by_plural(resource) else {
            return;
        };
        if list.is_empty() && !meta(&obj, "deletionTimestamp").is_empty() {
            self.erase(info, ns, name);
            return;
        }
        if list.is_empty() {
            obj.remove(&["metadata", "finalizers"]);
        } else {
            obj.set(&["metadata", "finalizers"], Value::from(list));
        }
        self.write_status(resource, obj);
    }

    /// `--cascade=orphan`: strips the owner's references from its dependents.
    pub(crate) fn orphan_dependents(&mut self, uid: &str) {
        for (resource, ns, name) in self.store.dependents(uid) {
            let Some(mut dep) = self.store.get(resource, &ns, &name).cloned() else {
                continue;
            };
            super::drop_owner_ref(&mut dep, uid);
            self.write_status(resource, dep);
        }
    }

    /// Namespace controller: deletes everything in a terminating namespace,
    /// then the namespace itself.
    #[inline(never)]
    pub(crate) fn sync_namespace(&mut self, name: &str) {
        let Some(ns_obj) = self.store.get("namespaces", "", name) else {
            return;
        };
        if meta(ns_obj, "deletionTimestamp").is_empty() {
            return;
        }
        let mut remaining = 0usize;
        for info in resources::RESOURCES.iter().filter(|r| r.namespaced) {
            let names: Vec<(String, bool)> = self
                .store
                .iter(info.plural, Some(name))
                .map(|o| {
                    (
                        meta(o, "name").to_string(),
                        !meta(o, "deletionTimestamp").is_empty(),
                    )
                })
                .collect();
            remaining += names.len();
            for (obj, deleting) in names {
                if !deleting {
                    let opts = DeleteOptions {
                        propagation: Propagation::Background,
                        ..DeleteOptions::default()
                    };
                    let _ = self.delete_object(info, name, &obj, &opts);
                }
            }
        }
        let left: usize = resources::RESOURCES
            .iter()
            .filter(|r| r.namespaced)
            .map(|r| self.store.iter(r.plural, Some(name)).count())
            .sum();
        if remaining == 0 || left == 0 {
            if let Some(info) = resources::by_plural("namespaces") {
                self.erase(info, "", name);
            }
        }
    }

    /// The default ServiceAccount and the `kube-root-ca.crt` ConfigMap every
    /// namespace gets (serviceaccounts-controller, root-ca-cert-publisher).
    pub(crate) fn populate_namespace(&mut self, ns: &str) {
        let sa = crate::bootstrap::service_account("default");
        let ca = Value::from([
            ("apiVersion", Value::from("v1")),
            ("kind", Value::from("ConfigMap")),
            (
                "metadata",
                Value::from([
                    ("name", Value::from("kube-root-ca.crt")),
                    (
                        "annotations",
                        Value::from([(
                            "kubernetes.io/description",
                            Value::from("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."),
                        )]),
                    ),
                ]),
            ),
            (
                "data",
                Value::from([("ca.crt", Value::from("-----BEGIN CERTIFICATE-----\nMIIBordinalsimulatedclusterCA\n-----END CERTIFICATE-----\n"))]),
            ),
        ]);
        for (resource, obj) in [("serviceaccounts", sa), ("configmaps", ca)] {
            if let Some(info) = resources::by_plural(resource) {
                let _ = self.create_object(info, ns, obj, false);
            }
        }
    }
}
