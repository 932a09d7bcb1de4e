//! Mirror pods: how the kubelet keeps an API pod for each static pod it
//! runs. Mirrors pkg/kubelet/pod/mirror_client.go (`CreateMirrorPod`: the
//! static pod with the `kubernetes.io/config.mirror` annotation, owned by its
//! Node; `DeleteMirrorPod`: grace period 0 with a UID precondition),
//! pkg/kubelet/kubelet.go (`tryReconcileMirrorPods`, called by `SyncPod`)
//! and pkg/kubelet/status/status_manager.go (`syncBatch`).
//!
//! Deleting a mirror pod does not stop its static pod. A graceful delete
//! reaches the kubelet as a removal (config `checkAndUpdatePod`); its sync
//! of the static pod finds the mirror pod being deleted, deletes it at once
//! and posts a new one (same name, new uid). The API server creates it
//! Pending; the status manager writes the static pod's status (its
//! containers still running since they started, conditions unchanged) at
//! its next tick, as it has not written it for that uid yet. A forced
//! delete leaves the kubelet nothing to reconcile until the static pod's
//! next periodic sync, which posts the mirror pod again.
//!
//! Approximation: after a forced delete the reposted status's conditions
//! take the repost time as their transition time (the kubelet's status
//! cache is not kept beyond the mirror pod).

use ordinal_model::Value;

use crate::resources;
use crate::sim::{Sim, Work};
use crate::timing;

impl Sim {
    /// The kubelet of the static pod's node takes it (the mirror pod as it
    /// posts it, without owner) and posts its mirror pod.
    pub(crate) fn run_static_pod(&mut self, pod: Value) {
        let key = (
            pod.str_at(&["metadata", "namespace"]).to_string(),
            pod.str_at(&["metadata", "name"]).to_string(),
        );
        self.kubelet.static_pods.insert(key.clone(), pod);
        self.create_mirror_pod(&key);
    }

    /// `CreateMirrorPod`: posts the mirror pod of the static pod `key`,
    /// owned by its Node; none while the Node is gone or being deleted.
    /// Returns the new pod's uid.
    fn create_mirror_pod(&mut self, key: &(String, String)) -> Option<String> {
        let mut pod = self.kubelet.static_pods.get(key)?.clone();
        let node_name = pod.str_at(&["spec", "nodeName"]).to_string();
        let node = self.store.get("nodes", "", &node_name)?;
        if !node.str_at(&["metadata", "deletionTimestamp"]).is_empty() {
            return None;
        }
        let node_uid = node.str_at(&["metadata", "uid"]).to_string();
        pod.set(
            &["metadata", "ownerReferences"],
            Value::from(vec![Value::from([
                ("apiVersion", Value::from("v1")),
                ("controller", Value::Bool(true)),
                ("kind", Value::from("Node")),
                ("name", Value::from(node_name)),
                ("uid", Value::from(node_uid)),
            ])]),
        );
        let info = resources::by_plural("pods")?;
        let created = self.create_object(info, &key.0, pod, false).ok()?;
        Some(created.str_at(&["metadata", "uid"]).to_string())
    }

    /// `tryReconcileMirrorPods` for a mirror pod being deleted: the kubelet
    /// deletes it at once and posts a new one, its static pod running on.
    /// False when `pod` is no such mirror pod.
    pub(super) fn replace_deleted_mirror_pod(
        &mut self,
        pod: &Value,
        key: &(String, String),
    ) -> bool {
        if pod.str_at(&["metadata", "deletionTimestamp"]).is_empty()
            || !self.kubelet.static_pods.contains_key(key)
        {
            return false;
        }
        let Some(info) = resources::by_plural("pods") else {
            return false;
        };
        self.erase(info, &key.0, &key.1);
        // The status manager's cache: the status it last wrote, which a
        // mirror pod posted again and not yet written to does not show.
        let cached = self
            .kubelet
            .pods
            .get(key)
            .and_then(|rt| rt.mirror_status.as_ref())
            .map(|(_, cached)| cached.clone())
            .or_else(|| pod.get("status").cloned())
            .unwrap_or_else(Value::object);
        self.repost_mirror_pod(key, cached);
        true
    }

    /// A static pod whose mirror pod was removed: its next sync, a
    /// [`timing::POD_RESYNC_MS`] later, posts the mirror pod again. False
    /// when `key` names no static pod running on a node whose kubelet is up.
    pub(super) fn mirror_pod_gone(&mut self, key: &(String, String)) -> bool {
        let running = self.kubelet.static_pods.contains_key(key)
            && self
                .kubelet
                .pods
                .get(key)
                .is_some_and(|rt| self.kubelet_up(&rt.node));
        if !running {
            return false;
        }
        let now = self.now;
        let Some(rt) = self.kubelet.pods.get_mut(key) else {
            return false;
        };
        match rt.mirror_due {
            None => {
                let due = now + timing::POD_RESYNC_MS;
                rt.mirror_due = Some(due);
                let work = Work::Kubelet(key.0.clone(), key.1.clone());
                self.enqueue_after(work, timing::POD_RESYNC_MS, false);
            }
            Some(due) if now >= due => self.repost_mirror_pod(key, Value::object()),
            Some(_) => {}
        }
        true
    }

    /// Posts the mirror pod of `key` again and carries the static pod's
    /// runtime over to it; the status manager writes `cached` (brought up
    /// to date) at its next tick.
    fn repost_mirror_pod(&mut self, key: &(String, String), cached: Value) {
        let Some(uid) = self.create_mirror_pod(key) else {
            return;
        };
        let period = timing::STATUS_SYNC_PERIOD_MS;
        let tick = (self.now / period + 1) * period;
        if let Some(rt) = self.kubelet.pods.get_mut(key) {
            rt.uid = uid;
            rt.mirror_due = None;
            rt.mirror_status = Some((tick, cached));
        }
    }
}
