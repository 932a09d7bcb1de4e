//! PV controller, the local-path dynamic provisioner and the pvc/pv
//! protection controllers: claims wait for their first consumer, get a
//! `pvc-<uid>` volume after [`timing::PROVISION_MS`], and are bound with the
//! PV controller's annotations. Mirrors
//! pkg/controller/volume/persistentvolume/pv_controller.go,
//! sig-storage-lib-external-provisioner and pkg/controller/volume/pvcprotection.

use ordinal_model::Value;

use crate::clock::rfc3339;
use crate::controller::claim_names;
use crate::events::{Source, NORMAL, WARNING};
use crate::resources;
use crate::scheduler::SELECTED_NODE_ANNOTATION;
use crate::sim::{Sim, Work};
use crate::timing;

const PV_CONTROLLER: Source<'static> = Source {
    component: "persistentvolume-controller",
    host: "",
};
const PROVISIONER_ANNOTATIONS: [&str; 2] = [
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/storage-provisioner",
];

impl Sim {
    fn claim_in_use(&self, ns: &str, name: &str) -> bool {
        self.store.iter("pods", Some(ns)).any(|p| {
            !matches!(p.str_at(&["status", "phase"]), "Succeeded" | "Failed")
                && claim_names(p).iter().any(|c| c == name)
        })
    }

    /// Syncs one claim: protection, provisioning and binding.
    #[inline(never)]
    pub(crate) fn sync_claim(&mut self, ns: &str, name: &str) {
        let Some(claim) = self.store.get("persistentvolumeclaims", ns, name).cloned() else {
            return;
        };
        if !claim.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            if !self.claim_in_use(ns, name) {
                self.remove_finalizer(
                    "persistentvolumeclaims",
                    ns,
                    name,
                    "kubernetes.io/pvc-protection",
                );
            }
            return;
        }
        if claim.str_at(&["status", "phase"]) == "Bound" {
            return;
        }
        let class_name = claim.str_at(&["spec", "storageClassName"]).to_string();
        if class_name.is_empty() {
            self.record_event(
                &claim,
                "",
                NORMAL,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
                PV_CONTROLLER,
            );
            return;
        }
        let Some(class) = self.store.get("storageclasses", "", &class_name).cloned() else {
            let msg = format!("storageclass.storage.k8s.io \"{class_name}\" not found");
            self.record_event(
                &claim,
                "",
                WARNING,
                "ProvisioningFailed",
                &msg,
                PV_CONTROLLER,
            );
            self.enqueue_after(
                Work::Claim(ns.into(), name.into()),
                timing::PV_RESYNC_MS,
                true,
            );
            return;
        };
        let provisioner = class.str_at(&["provisioner"]).to_string();
        let wait_for_consumer = class.str_at(&["volumeBindingMode"]) == "WaitForFirstConsumer";
        let node = claim
            .str_at(&["metadata", "annotations", SELECTED_NODE_ANNOTATION])
            .to_string();
        if wait_for_consumer && node.is_empty() {
            self.record_event(
                &claim,
                "",
                NORMAL,
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding",
                PV_CONTROLLER,
            );
            return;
        }
        let key = (ns.to_string(), name.to_string());
        match self.provisioning.get(&key).copied() {
            None => {
                let mut annotated = claim.clone();
                for a in PROVISIONER_ANNOTATIONS {
                    annotated.set(
                        &["metadata", "annotations", a],
                        Value::from(provisioner.as_str()),
                    );
                }
                let stored = self
                    .write_status("persistentvolumeclaims", annotated)
                    .unwrap_or_else(|| std::sync::Arc::new(claim));
                let msg = format!("Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
                self.record_event(
                    &stored,
                    "",
                    NORMAL,
                    "ExternalProvisioning",
                    &msg,
                    PV_CONTROLLER,
                );
                let host = self.provisioner_identity(&provisioner);
                let src = Source {
                    component: &host,
                    host: "",
                };
                self.record_event(
                    &stored,
                    "",
                    NORMAL,
                    "Provisioning",
                    &format!(
                        "External provisioner is provisioning volume for claim \"{ns}/{name}\""
                    ),
                    src,
                );
                self.provisioning
                    .insert(key, self.now + timing::PROVISION_MS);
                self.enqueue_after(
                    Work::Claim(ns.into(), name.into()),
                    timing::PROVISION_MS,
                    false,
                );
            }
            Some(due) if self.now >= due => {
                self.provisioning.remove(&key);
                self.provision(&claim, &class, &node);
            }
            Some(_) => {}
        }
    }

    fn provisioner_identity(&self, provisioner: &str) -> String {
        format!(
            "{provisioner}_local-path-provisioner-7dc846544d-{}",
            "x9z4q"
        )
    }

    fn provision(&mut self, claim: &Value, class: &Value, node: &str) {
        let ns = claim.str_at(&["metadata", "namespace"]).to_string();
        let name = claim.str_at(&["metadata", "name"]).to_string();
        let pv_name = format!("pvc-{}", claim.str_at(&["metadata", "uid"]));
        let provisioner = class.str_at(&["provisioner"]).to_string();
        let storage = claim
            .at(&["spec", "resources", "requests", "storage"])
            .cloned()
            .unwrap_or_else(|| Value::from("1Gi"));
        let mut pv = Value::from([
            ("apiVersion", Value::from("v1")),
            ("kind", Value::from("PersistentVolume")),
            (
                "metadata",
                Value::from([
                    ("name", Value::from(pv_name.as_str())),
                    (
                        "annotations",
                        Value::from([(
                            "pv.kubernetes.io/provisioned-by",
                            Value::from(provisioner.as_str()),
                        )]),
                    ),
                ]),
            ),
            (
                "spec",
                Value::from([
                    (
                        "accessModes",
                        claim
                            .at(&["spec", "accessModes"])
                            .cloned()
                            .unwrap_or_else(|| Value::from(vec![Value::from("ReadWriteOnce")])),
                    ),
                    ("capacity", Value::from([("storage", storage.clone())])),
                    (
                        "claimRef",
                        Value::from([
                            ("apiVersion", Value::from("v1")),
                            ("kind", Value::from("PersistentVolumeClaim")),
                            ("name", Value::from(name.as_str())),
                            ("namespace", Value::from(ns.as_str())),
                            (
                                "resourceVersion",
                                Value::from(claim.str_at(&["metadata", "resourceVersion"])),
                            ),
                            ("uid", Value::from(claim.str_at(&["metadata", "uid"]))),
                        ]),
                    ),
                    (
                        "persistentVolumeReclaimPolicy",
                        Value::from(match class.str_at(&["reclaimPolicy"]) {
                            "" => "Delete",
                            p => p,
                        }),
                    ),
                    (
                        "storageClassName",
                        Value::from(class.str_at(&["metadata", "name"])),
                    ),
                    (
                        "volumeMode",
                        Value::from(match claim.str_at(&["spec", "volumeMode"]) {
                            "" => "Filesystem",
                            m => m,
                        }),
                    ),
                ]),
            ),
        ]);
        if !node.is_empty() {
            pv.set(
                &[
                    "metadata",
                    "annotations",
                    "local.path.provisioner/selected-node",
                ],
                Value::from(node),
            );
            pv.set(
                &["spec", "hostPath"],
                Value::from([
                    (
                        "path",
                        Value::from(format!("/var/local-path-provisioner/{pv_name}_{ns}_{name}")),
                    ),
                    ("type", Value::from("DirectoryOrCreate")),
                ]),
            );
            let term = Value::from([(
                "matchExpressions",
                Value::from(vec![Value::from([
                    ("key", Value::from("kubernetes.io/hostname")),
                    ("operator", Value::from("In")),
                    ("values", Value::from(vec![Value::from(node)])),
                ])]),
            )]);
            pv.set(
                &["spec", "nodeAffinity", "required", "nodeSelectorTerms"],
                Value::from(vec![term]),
            );
        }
        let Some(info) = resources::by_plural("persistentvolumes") else {
            return;
        };
        let Ok(created) = self.create_object(info, "", pv, false) else {
            return;
        };
        let mut bound_pv = created;
        bound_pv.set(&["status", "phase"], Value::from("Bound"));
        bound_pv.set(
            &["status", "lastPhaseTransitionTime"],
            Value::from(rfc3339(self.now)),
        );
        self.write_status("persistentvolumes", bound_pv);
        let host = self.provisioner_identity(&provisioner);
        self.record_event(
            claim,
            "",
            NORMAL,
            "ProvisioningSucceeded",
            &format!("Successfully provisioned volume {pv_name}"),
            Source {
                component: &host,
                host: "",
            },
        );
        let Some(mut bound) = self
            .store
            .get("persistentvolumeclaims", &ns, &name)
            .cloned()
        else {
            return;
        };
        bound.set(&["spec", "volumeName"], Value::from(pv_name.as_str()));
        bound.set(
            &["metadata", "annotations", "pv.kubernetes.io/bind-completed"],
            Value::from("yes"),
        );
        bound.set(
            &[
                "metadata",
                "annotations",
                "pv.kubernetes.io/bound-by-controller",
            ],
            Value::from("yes"),
        );
        let access = bound
            .at(&["spec", "accessModes"])
            .cloned()
            .unwrap_or_default();
        bound.set(&["status", "phase"], Value::from("Bound"));
        bound.set(&["status", "accessModes"], access);
        bound.set(&["status", "capacity"], Value::from([("storage", storage)]));
        self.write_status("persistentvolumeclaims", bound);
    }

    /// Syncs one volume: reclaim after its claim is gone, pv-protection.
    #[inline(never)]
    pub(crate) fn sync_volume(&mut self, name: &str) {
        let Some(pv) = self.store.get("persistentvolumes", "", name).cloned() else {
            return;
        };
        if !pv.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            if pv.str_at(&["status", "phase"]) != "Bound" {
                self.remove_finalizer("persistentvolumes", "", name, "kubernetes.io/pv-protection");
            }
            return;
        }
        let claim_ns = pv.str_at(&["spec", "claimRef", "namespace"]);
        let claim_name = pv.str_at(&["spec", "claimRef", "name"]);
        if claim_name.is_empty() {
            return;
        }
        let claim_alive = self
            .store
            .get("persistentvolumeclaims", claim_ns, claim_name)
            .is_some_and(|c| {
                c.str_at(&["metadata", "uid"]) == pv.str_at(&["spec", "claimRef", "uid"])
            });
        if claim_alive || pv.str_at(&["status", "phase"]) != "Bound" {
            return;
        }
        if pv.str_at(&["spec", "persistentVolumeReclaimPolicy"]) == "Delete" {
            let mut released = pv.clone();
            released.set(&["status", "phase"], Value::from("Released"));
            self.write_status("persistentvolumes", released);
            if let Some(info) = resources::by_plural("persistentvolumes") {
                let _ = self.delete_object(info, "", name, &Default::default());
            }
        } else {
            let mut released = pv;
            released.set(&["status", "phase"], Value::from("Released"));
            self.write_status("persistentvolumes", released);
        }
    }
}
