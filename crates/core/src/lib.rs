//! `ordinal-core`: a deterministic, discrete-event simulation of a small
//! Kubernetes v1.36 cluster (API server with watch and Service IP / node port
//! allocation, StatefulSet controller, Deployment and ReplicaSet controllers,
//! Endpoints and EndpointSlice controllers, DaemonSet controller, disruption
//! controller, garbage collector, PV controller and provisioner, node
//! lifecycle and taint eviction controllers, leader election, scheduler,
//! kubelet, cluster DNS, events). A new cluster runs what kind's does
//! ([`kind`]): the control plane's static pods, kube-proxy, kindnet,
//! CoreDNS and the local-path provisioner. No wall clock, no threads, no I/O: the host drives time.
//!
//! # Public API
//!
//! * Build: [`Sim::new`]`(`[`SimConfig`]`)`; [`SimConfig::default`] is a
//!   single-node kind cluster (`kind-control-plane`), [`SimConfig::with_nodes`]
//!   names the nodes. `Sim` is `Clone` (snapshots).
//! * Time: [`Sim::now`] (Unix ms, starts at [`clock::START_MS`]),
//!   [`Sim::advance`]`(ms)`, [`Sim::next_event_at`], [`Sim::run_until_idle`].
//! * Objects are [`Value`] trees addressed by resource plural, namespace and
//!   name: [`Sim::create`], [`Sim::get`], [`Sim::object`] (borrowed),
//!   [`Sim::list`] / [`Sim::list_refs`] (label and field selector strings, `""` = all;
//!   an unsupported field label is the API server's 400),
//!   [`Sim::update`], [`Sim::patch`] ([`PatchType`]), [`Sim::delete`]
//!   ([`DeleteOptions`]), [`Sim::apply_object`] (create or update, returns
//!   [`ApplyOutcome`]), [`Sim::scale`], [`Sim::evict`] (the eviction
//!   subresource, refused with a 429 while a PodDisruptionBudget allows no
//!   disruption).
//! * Watch: [`Sim::watch`] (the same selectors) → [`WatchId`], [`Sim::take_watch_events`] →
//!   [`WatchEvent`]s, [`Sim::unwatch`].
//! * Events: Event objects live in the store (`events`); [`Sim::events_for`]
//!   lists those about one object.
//! * Nodes: [`Sim::stop_node`] / [`Sim::start_node`] power a node's kind
//!   container off and on (`docker stop` / `docker start`),
//!   [`Sim::node_running`] tells which, [`Sim::kubelet_dial_error`] is how
//!   the API server fails to reach a stopped kubelet (logs, exec);
//!   [`Sim::api_server_up`] is false while the [`Sim::control_plane_node`]
//!   is stopped (its controllers stop too). Each running kubelet renews its
//!   Lease in `kube-node-lease` ([`Sim::lease_renew_time`]) and posts a
//!   node status heartbeat.
//! * Errors: [`ApiError`] with the API server's reason and message.

pub mod apiserver;
pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod controller;
pub mod dns;
pub mod error;
pub mod events;
pub mod hash;
pub mod kind;
pub mod kubelet;
pub mod limits;
/// The resource types the API layer serves (the model's registry).
pub use ordinal_model::kinds as resources;
pub mod rng;
pub mod scheduler;
pub mod sim;
pub mod timing;
pub mod volumes;

pub use apiserver::patch::PatchType;
pub use apiserver::watch::{WatchEvent, WatchEventKind, WatchId};
pub use apiserver::{ApplyOutcome, DeleteOptions, Propagation};
pub use config::{NodeConfig, SimConfig};
pub use error::{ApiError, Cause, Reason};
pub use ordinal_model::Value;
pub use sim::Sim;
