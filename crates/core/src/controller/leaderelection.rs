//! Leader election of kube-controller-manager and kube-scheduler: each
//! holds a Lease of its own name in kube-system, renewed every retry period.
//! Mirrors staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go
//! (`tryAcquireOrRenew`: the holder renews; another candidate takes the lease
//! over once `renewTime + leaseDurationSeconds` has passed, counting a
//! transition), resourcelock/leaselock.go (the Lease's spec fields) and the
//! defaults of component-base/config/v1alpha1
//! (`RecommendedDefaultLeaderElectionConfiguration`: lease duration 15 s,
//! renew deadline 10 s, retry period 2 s). The identity is the host name, an
//! underscore and a UUID that is new for every start of the process.
//!
//! Cost: both Leases are renewed by one background timer every
//! [`timing::LEADER_RENEW_MS`], two small status writes, as a real cluster
//! writes them. Renewing lazily (computing `renewTime` when read) would not
//! show in `kubectl get lease -w` nor move `resourceVersion`, so it is not
//! done; an idle hour costs 1 800 timer firings.

use ordinal_model::Value;

use crate::clock::{parse_rfc3339, rfc3339_micro};
use crate::events::{Source, NORMAL};
use crate::resources;
use crate::sim::{Sim, Work};
use crate::timing;

/// The components that elect a leader, each by a Lease of its name.
pub const LEADER_LEASES: [&str; 2] = ["kube-controller-manager", "kube-scheduler"];
/// The namespace of the leader-election Leases.
pub const LEADER_LEASE_NAMESPACE: &str = "kube-system";
/// `leaseDurationSeconds` of a leader-election Lease.
pub const LEADER_LEASE_DURATION_S: i64 = 15;

/// A UUID for a process started at `at` (no random draw, so the user's
/// random stream stays as it was).
fn process_uuid(seed: u64, component: &str, at: u64) -> String {
    crate::hash::uuid_v4(crate::hash::md5(format!("{seed}/{component}/{at}").as_bytes()))
}

impl Sim {
    /// One retry period of both candidates: acquire or renew each Lease,
    /// then wait for the next tick. Nothing is written while the API
    /// server is down; the processes that start with it again get new
    /// identities.
    pub(crate) fn leader_election_tick(&mut self) {
        let period = timing::LEADER_RENEW_MS;
        let next = (self.now / period + 1) * period;
        self.enqueue_after(Work::LeaderElection, next - self.now, true);
        self.leader_election_pass();
    }

    /// Both candidates try to acquire or renew their Lease once.
    pub(crate) fn leader_election_pass(&mut self) {
        if !self.api_server_up() {
            self.leader_identities.clear();
            return;
        }
        let Some(host) = self.control_plane_node().map(str::to_string) else {
            return;
        };
        if self.leader_identities.is_empty() {
            let seed = self.config.seed;
            self.leader_identities = LEADER_LEASES
                .iter()
                .map(|c| format!("{host}_{}", process_uuid(seed, c, self.now)))
                .collect();
        }
        for (component, identity) in LEADER_LEASES.iter().zip(self.leader_identities.clone()) {
            self.try_acquire_or_renew(component, &identity);
        }
    }

    /// `tryAcquireOrRenew` of `identity` on the Lease `name`.
    fn try_acquire_or_renew(&mut self, name: &str, identity: &str) {
        let now = Value::from(rfc3339_micro(self.now));
        let Some(existing) = self.store.get("leases", LEADER_LEASE_NAMESPACE, name) else {
            let Some(info) = resources::by_plural("leases") else {
                return;
            };
            let lease = Value::from([
                ("apiVersion", Value::from("coordination.k8s.io/v1")),
                ("kind", Value::from("Lease")),
                (
                    "metadata",
                    Value::from([
                        ("name", Value::from(name)),
                        ("namespace", Value::from(LEADER_LEASE_NAMESPACE)),
                    ]),
                ),
                (
                    "spec",
                    Value::from([
                        ("acquireTime", now.clone()),
                        ("holderIdentity", Value::from(identity)),
                        (
                            "leaseDurationSeconds",
                            Value::Int(LEADER_LEASE_DURATION_S),
                        ),
                        ("leaseTransitions", Value::Int(0)),
                        ("renewTime", now),
                    ]),
                ),
            ]);
            if let Ok(created) = self.create_object(info, LEADER_LEASE_NAMESPACE, lease, false) {
                self.became_leader(&created, identity);
            }
            return;
        };
        let existing = existing.clone();
        let mut lease = existing.clone();
        if lease.str_at(&["spec", "holderIdentity"]) != identity {
            let duration = lease
                .i64_at(&["spec", "leaseDurationSeconds"])
                .unwrap_or(LEADER_LEASE_DURATION_S)
                .max(0) as u64;
            let renewed = parse_rfc3339(lease.str_at(&["spec", "renewTime"])).unwrap_or(0);
            if renewed + duration * 1000 > self.now {
                return;
            }
            let transitions = lease.i64_at(&["spec", "leaseTransitions"]).unwrap_or(0);
            lease.set(&["spec", "holderIdentity"], Value::from(identity));
            lease.set(&["spec", "acquireTime"], now.clone());
            lease.set(&["spec", "leaseTransitions"], Value::Int(transitions + 1));
            lease.set(
                &["spec", "leaseDurationSeconds"],
                Value::Int(LEADER_LEASE_DURATION_S),
            );
        }
        lease.set(&["spec", "renewTime"], now);
        let taken_over = lease.str_at(&["spec", "holderIdentity"]) != existing.str_at(&["spec", "holderIdentity"]);
        if let Some(written) = self.write_status("leases", lease) {
            if taken_over {
                self.became_leader(&written, identity);
            }
        }
    }

    /// The `LeaderElection` event the new leader records on its Lease
    /// (leaselock.go `RecordEvent`), from the component's event recorder.
    fn became_leader(&mut self, lease: &Value, identity: &str) {
        let component = match lease.str_at(&["metadata", "name"]) {
            "kube-scheduler" => "default-scheduler",
            other => other,
        };
        let source = Source {
            component,
            host: "",
        };
        let message = format!("{identity} became leader");
        self.record_event(lease, "", NORMAL, "LeaderElection", &message, source);
    }
}
