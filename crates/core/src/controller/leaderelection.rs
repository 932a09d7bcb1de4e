//! Leader election of kube-controller-manager and kube-scheduler: each
//! holds a Lease of its own name in kube-system, renewed every retry period.
//! Mirrors staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go
//! (`tryAcquireOrRenew`: the holder renews; another candidate takes the lease
//! over once `renewTime + leaseDurationSeconds` has passed, counting a
//! transition, and records a `LeaderElection` event), resourcelock/leaselock.go
//! (the Lease's spec fields, `RecordEvent`) and the defaults of
//! component-base/config/v1alpha1 (`RecommendedDefaultLeaderElectionConfiguration`:
//! lease duration 15 s, renew deadline 10 s, retry period 2 s). The identity
//! is the host name, an underscore and a UUID that is new for every start of
//! the process.
//!
//! Cost: a renewal every 2 s would be two writes per 2 s of idle time, many
//! times what an idle cluster costs otherwise. So renewals are lazy: the
//! leaders' Leases are brought up to the last 2 s tick at the end of every
//! [`Sim::advance`] (nothing reads the store in between, so every read sees
//! the `renewTime` a real cluster would show), and only while a watch on
//! kube-system's Leases is open does a timer renew them at every tick, so
//! that `kubectl get leases -w` streams each renewal. What is not exact: the
//! `resourceVersion` moves once per advance rather than once per renewal.
//! Acquisitions (at boot, and once the old lease has expired after the
//! control plane restarts) are timed events of their own.

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
    crate::hash::uuid_v4(crate::hash::md5(
        format!("{seed}/{component}/{at}").as_bytes(),
    ))
}

/// The first retry tick at or after `at`.
fn tick_at_or_after(at: u64) -> u64 {
    at.div_ceil(timing::LEADER_RENEW_MS) * timing::LEADER_RENEW_MS
}

impl Sim {
    /// A timed pass: an acquisition that was due, or a renewal tick while a
    /// watch on the Leases is open (the next tick is armed only then).
    #[inline(never)]
    pub(crate) fn leader_election_tick(&mut self) {
        self.leader_election_pass();
        self.arm_leader_ticks();
    }

    /// Arms the next renewal tick if a watch shows the leaders' Leases.
    fn arm_leader_ticks(&mut self) {
        if self.watches.covers("leases", LEADER_LEASE_NAMESPACE) {
            let next = tick_at_or_after(self.now + 1);
            self.enqueue_after(Work::LeaderElection, next - self.now, true);
        }
    }

    /// A watch was opened: one on kube-system's Leases gets every renewal.
    pub(crate) fn watch_opened(&mut self) {
        self.renew_leaders_lazily();
        self.arm_leader_ticks();
    }

    /// The control plane's node booted: its kube-controller-manager and
    /// kube-scheduler start with new identities and take their Leases over
    /// at the first tick after the old holders' leases have expired.
    pub(crate) fn control_plane_started(&mut self) {
        self.leader_identities.clear();
        let expiry = LEADER_LEASES
            .iter()
            .filter_map(|name| self.store.get("leases", LEADER_LEASE_NAMESPACE, name))
            .map(|lease| {
                let renewed = parse_rfc3339(lease.str_at(&["spec", "renewTime"])).unwrap_or(0);
                let duration = lease
                    .i64_at(&["spec", "leaseDurationSeconds"])
                    .unwrap_or(LEADER_LEASE_DURATION_S)
                    .max(0) as u64;
                renewed + duration * 1000
            })
            .max()
            .unwrap_or(0);
        let at = tick_at_or_after(expiry.max(self.now));
        self.enqueue_after(Work::LeaderElection, at - self.now, true);
    }

    /// Both candidates try to acquire or renew their Lease once, now.
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
            self.try_acquire_or_renew(component, &identity, self.now);
        }
    }

    /// Brings the Leases the running leaders hold up to the last tick.
    pub(crate) fn renew_leaders_lazily(&mut self) {
        if self.leader_identities.is_empty() || !self.api_server_up() {
            return;
        }
        let tick = self.now / timing::LEADER_RENEW_MS * timing::LEADER_RENEW_MS;
        for (component, identity) in LEADER_LEASES.iter().zip(self.leader_identities.clone()) {
            let held = self
                .store
                .get("leases", LEADER_LEASE_NAMESPACE, component)
                .is_some_and(|l| l.str_at(&["spec", "holderIdentity"]) == identity);
            if held {
                self.try_acquire_or_renew(component, &identity, tick);
            }
        }
        self.settle();
    }

    /// `tryAcquireOrRenew` of `identity` on the Lease `name` at time `at`.
    fn try_acquire_or_renew(&mut self, name: &str, identity: &str, at: u64) {
        let stamp = Value::from(rfc3339_micro(at));
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
                        ("acquireTime", stamp.clone()),
                        ("holderIdentity", Value::from(identity)),
                        ("leaseDurationSeconds", Value::Int(LEADER_LEASE_DURATION_S)),
                        ("leaseTransitions", Value::Int(0)),
                        ("renewTime", stamp),
                    ]),
                ),
            ]);
            if let Ok(created) = self.create_object(info, LEADER_LEASE_NAMESPACE, lease, false) {
                self.became_leader(&created, identity);
            }
            return;
        };
        let renewed = parse_rfc3339(existing.str_at(&["spec", "renewTime"])).unwrap_or(0);
        let taken_over = existing.str_at(&["spec", "holderIdentity"]) != identity;
        if taken_over {
            let duration = existing
                .i64_at(&["spec", "leaseDurationSeconds"])
                .unwrap_or(LEADER_LEASE_DURATION_S)
                .max(0) as u64;
            if renewed + duration * 1000 > at {
                return;
            }
        } else if renewed >= at {
            return;
        }
        let mut lease = existing.clone();
        if taken_over {
            let transitions = lease.i64_at(&["spec", "leaseTransitions"]).unwrap_or(0);
            lease.set(&["spec", "holderIdentity"], Value::from(identity));
            lease.set(&["spec", "acquireTime"], stamp.clone());
            lease.set(&["spec", "leaseTransitions"], Value::Int(transitions + 1));
            lease.set(
                &["spec", "leaseDurationSeconds"],
                Value::Int(LEADER_LEASE_DURATION_S),
            );
        }
        lease.set(&["spec", "renewTime"], stamp);
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
