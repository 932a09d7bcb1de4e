//! The kubelet's two heartbeats: its node Lease in `kube-node-lease`,
//! renewed every [`timing::NODE_LEASE_RENEW_MS`], and the node status it
//! posts every [`timing::NODE_STATUS_REPORT_MS`] when nothing changed
//! (only the conditions' `lastHeartbeatTime` moves).
//!
//! Mirrors staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go
//! (`sync`, `backoffEnsureLease`, `newLease`: a missing lease is created, an
//! existing one gets a fresh `renewTime`), pkg/kubelet/util/nodelease.go
//! (`SetNodeOwnerFunc`: the Lease is owned by its Node) and
//! pkg/kubelet/kubelet_node_status.go (`syncNodeStatus`,
//! `nodeStatusReportFrequency`).
//!
//! Both are background timers: they never keep `run_until_idle` alive, and
//! a stopped kubelet stops both. While the API server is down the kubelet
//! keeps trying and nothing is written.

use ordinal_model::Value;

use crate::clock::{rfc3339, rfc3339_micro};
use crate::resources;
use crate::sim::{Sim, Work};
use crate::timing;

/// The namespace holding one Lease per node.
pub const NODE_LEASE_NAMESPACE: &str = "kube-node-lease";
/// `leaseDurationSeconds` of a node Lease (the kubelet's `nodeLeaseDurationSeconds`).
pub const NODE_LEASE_DURATION_S: i64 = 40;

impl Sim {
    /// Writes the node's Lease as the kubelet's lease controller does: a
    /// missing one is created, an existing one gets `renewTime` = now, the
    /// holder and duration, and an ownerReference to its Node.
    pub(crate) fn put_node_lease(&mut self, node: &str) {
        let Some(info) = resources::by_plural("leases") else {
            return;
        };
        let existing = self
            .store
            .get("leases", NODE_LEASE_NAMESPACE, node)
            .cloned();
        let mut lease = existing.clone().unwrap_or_else(|| {
            Value::from([
                ("apiVersion", Value::from("coordination.k8s.io/v1")),
                ("kind", Value::from("Lease")),
                (
                    "metadata",
                    Value::from([
                        ("name", Value::from(node)),
                        ("namespace", Value::from(NODE_LEASE_NAMESPACE)),
                    ]),
                ),
            ])
        });
        lease.set(&["spec", "holderIdentity"], Value::from(node));
        lease.set(
            &["spec", "leaseDurationSeconds"],
            Value::Int(NODE_LEASE_DURATION_S),
        );
        lease.set(&["spec", "renewTime"], Value::from(rfc3339_micro(self.now)));
        let owned = !lease.array_at(&["metadata", "ownerReferences"]).is_empty();
        if let (false, Some(owner)) = (owned, self.store.get("nodes", "", node)) {
            let reference = Value::from([
                ("apiVersion", Value::from("v1")),
                ("kind", Value::from("Node")),
                ("name", Value::from(node)),
                ("uid", Value::from(owner.str_at(&["metadata", "uid"]))),
            ]);
            lease.set(
                &["metadata", "ownerReferences"],
                Value::from(vec![reference]),
            );
        }
        if existing.is_some() {
            self.write_status("leases", lease);
        } else {
            let _ = self.create_object(info, NODE_LEASE_NAMESPACE, lease, false);
        }
    }

    /// One pass of the lease controller of `node`'s kubelet; the next one is
    /// due on the next renew tick. A stopped kubelet stops renewing.
    #[inline(never)]
    pub(crate) fn renew_node_lease(&mut self, node: &str) {
        if !self.kubelet_up(node) || !self.config.nodes.iter().any(|n| n.name == node) {
            return;
        }
        if self.api_server_up() {
            self.put_node_lease(node);
        }
        let period = timing::NODE_LEASE_RENEW_MS;
        let next = (self.now / period + 1) * period;
        self.enqueue_after(Work::LeaseRenew(node.to_string()), next - self.now, true);
    }

    /// Posts the node's status with every condition's `lastHeartbeatTime`
    /// set to now (what a kubelet reports when nothing changed).
    pub(crate) fn post_node_heartbeat(&mut self, node: &str) {
        let Some(mut obj) = self.store.get("nodes", "", node).cloned() else {
            return;
        };
        let now = rfc3339(self.now);
        let mut conditions = obj.array_at(&["status", "conditions"]).to_vec();
        for c in conditions.iter_mut() {
            c.set(&["lastHeartbeatTime"], Value::from(now.as_str()));
        }
        obj.set(&["status", "conditions"], Value::from(conditions));
        self.write_status("nodes", obj);
    }

    /// The kubelet's periodic node status report, due
    /// [`timing::NODE_STATUS_REPORT_MS`] after its last one.
    #[inline(never)]
    pub(crate) fn report_node_status(&mut self, node: &str) {
        if !self.kubelet_up(node) {
            return;
        }
        if self.api_server_up() {
            self.post_node_heartbeat(node);
        }
        self.schedule_node_status_report(node);
    }

    /// Schedules the next periodic status report of `node`'s kubelet.
    pub(crate) fn schedule_node_status_report(&mut self, node: &str) {
        self.enqueue_after(
            Work::NodeStatusReport(node.to_string()),
            timing::NODE_STATUS_REPORT_MS,
            true,
        );
    }

    /// When the kubelet of `node` last renewed its Lease (Unix ms), from
    /// the Lease object; `None` when it has none.
    pub fn lease_renew_time(&self, node: &str) -> Option<u64> {
        self.store
            .get("leases", NODE_LEASE_NAMESPACE, node)
            .and_then(|l| crate::clock::parse_rfc3339(l.str_at(&["spec", "renewTime"])))
    }
}
