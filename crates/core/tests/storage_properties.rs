//! Property tests for what makes a StatefulSet stateful: random sequences of
//! apply / scale / delete pod / force delete / write data / stop and start a
//! node / delete the set / advance, on a three-node cluster, with a headless
//! Service and a volumeClaimTemplate under random retention policies. After
//! every step:
//! - no PVC is ever deleted unless the retention policy allows it (the set
//!   was scaled below its ordinal under `whenScaled: Delete`, or deleted
//!   under `whenDeleted: Delete`);
//! - data written on a claim is still on it, and the pod using the claim
//!   sees it, whatever happened to the pods; a deleted volume's data is gone;
//! - DNS answers a pod's name exactly when the pod is ready and not
//!   terminating (any pod with an IP under `publishNotReadyAddresses`), with
//!   the pod's current IP;
//! - there is never more than one pod per ordinal, node failure included: a
//!   pod on a stopped node is only ever removed by a force delete;
//! - the same seed replays to the same event log.
#![cfg(not(target_arch = "wasm32"))]

mod common;
mod proptest_support;

use std::collections::{BTreeMap, BTreeSet};

use ordinal_core::{DeleteOptions, Sim, SimConfig, Value, WatchEventKind};
use proptest::prelude::*;

const NODES: [&str; 3] = ["kind-control-plane", "kind-worker", "kind-worker2"];
/// The worker the tests stop and start.
const FAILING: &str = "kind-worker";
const MOUNT: &str = "/usr/share/nginx/html";
const FILE: &str = "/usr/share/nginx/html/index.html";
const MAX_ORDINAL: i64 = 5;

#[derive(Debug, Clone)]
enum Action {
    Apply {
        replicas: i64,
        parallel: bool,
        scaled_delete: bool,
        deleted_delete: bool,
        publish: bool,
    },
    Scale(i64),
    DeletePod(i64),
    ForceDeletePod(i64),
    Write(i64),
    StopNode,
    StartNode,
    DeleteSet,
    Advance(u64),
}

fn apply() -> impl Strategy<Value = Action> {
    (
        0i64..4,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(replicas, parallel, scaled_delete, deleted_delete, publish)| Action::Apply {
                replicas,
                parallel,
                scaled_delete,
                deleted_delete,
                publish,
            },
        )
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        1 => apply(),
        2 => (0i64..MAX_ORDINAL).prop_map(Action::Scale),
        2 => (0i64..MAX_ORDINAL).prop_map(Action::DeletePod),
        2 => (0i64..MAX_ORDINAL).prop_map(Action::ForceDeletePod),
        3 => (0i64..MAX_ORDINAL).prop_map(Action::Write),
        2 => Just(Action::StopNode),
        1 => Just(Action::StartNode),
        1 => Just(Action::DeleteSet),
        4 => (1_000u64..400_000).prop_map(Action::Advance),
    ]
}

/// A workload first, then anything.
fn actions() -> impl Strategy<Value = Vec<Action>> {
    (apply(), proptest::collection::vec(action(), 1..24)).prop_map(|(first, rest)| {
        let mut all = vec![first];
        all.extend(rest);
        all
    })
}

fn policy(delete: bool) -> Value {
    Value::from(if delete { "Delete" } else { "Retain" })
}

fn stateful_set(replicas: i64, parallel: bool, scaled_delete: bool, deleted_delete: bool) -> Value {
    let mut v = common::stateful_set("web", replicas);
    v.set(&["spec", "serviceName"], "nginx".into());
    v.set(
        &["spec", "podManagementPolicy"],
        Value::from(if parallel { "Parallel" } else { "OrderedReady" }),
    );
    v.set(
        &["spec", "persistentVolumeClaimRetentionPolicy"],
        Value::from([
            ("whenDeleted", policy(deleted_delete)),
            ("whenScaled", policy(scaled_delete)),
        ]),
    );
    v.set(
        &["spec", "template", "spec", "containers"],
        Value::from(vec![Value::from([
            ("name", Value::from("nginx")),
            ("image", Value::from("nginx:1.27")),
            (
                "volumeMounts",
                Value::from(vec![Value::from([
                    ("name", Value::from("www")),
                    ("mountPath", Value::from(MOUNT)),
                ])]),
            ),
        ])]),
    );
    v.set(
        &["spec", "volumeClaimTemplates"],
        Value::from(vec![Value::from([
            ("metadata", Value::from([("name", Value::from("www"))])),
            (
                "spec",
                Value::from([
                    (
                        "accessModes",
                        Value::from(vec![Value::from("ReadWriteOnce")]),
                    ),
                    (
                        "resources",
                        Value::from([("requests", Value::from([("storage", Value::from("1Gi"))]))]),
                    ),
                ]),
            ),
        ])]),
    );
    v
}

fn headless_service(publish: bool) -> Value {
    let mut v = Value::object();
    v.set(&["apiVersion"], "v1".into());
    v.set(&["kind"], "Service".into());
    v.set(&["metadata", "name"], "nginx".into());
    v.set(&["spec", "clusterIP"], "None".into());
    v.set(&["spec", "publishNotReadyAddresses"], Value::Bool(publish));
    v.set(&["spec", "selector", "app"], "web".into());
    v.set(
        &["spec", "ports"],
        Value::from(vec![Value::from([
            ("name", Value::from("web")),
            ("port", Value::Int(80)),
        ])]),
    );
    v
}

fn ready(p: &Value) -> bool {
    p.array_at(&["status", "conditions"])
        .iter()
        .any(|c| c.str_at(&["type"]) == "Ready" && c.str_at(&["status"]) == "True")
}

fn ordinal_of(name: &str) -> i64 {
    name.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(-1)
}

/// What the test knows about the workload it drives.
#[derive(Default)]
struct Model {
    /// The live set's (whenScaled Delete, whenDeleted Delete), if it exists.
    set: Option<(bool, bool)>,
    publish: bool,
    node_down: bool,
    /// Claims the retention policy allows to be deleted.
    deletable: BTreeSet<String>,
    /// Claim name -> (claim uid, content written through a pod).
    written: BTreeMap<String, (String, String)>,
    writes: u32,
}

/// The file behind `FILE` on the claim `name`, read from its volume.
fn claim_file<'a>(sim: &'a Sim, claim: &Value) -> Option<&'a str> {
    let volume = claim.str_at(&["spec", "volumeName"]);
    if volume.is_empty() {
        return None;
    }
    sim.file(&format!("pv:{volume}"), FILE)
}

fn step(sim: &mut Sim, model: &mut Model, a: &Action) {
    match a {
        Action::Apply {
            replicas,
            parallel,
            scaled_delete,
            deleted_delete,
            publish,
        } => {
            if sim.object("services", "default", "nginx").is_none() {
                model.publish = *publish;
                sim.create("services", "default", headless_service(*publish))
                    .expect("service created");
            }
            if model.set.is_none()
                && sim
                    .create(
                        "statefulsets",
                        "default",
                        stateful_set(*replicas, *parallel, *scaled_delete, *deleted_delete),
                    )
                    .is_ok()
            {
                model.set = Some((*scaled_delete, *deleted_delete));
            }
        }
        Action::Scale(r) => {
            if let Some((scaled_delete, _)) = model.set {
                if sim.scale("statefulsets", "default", "web", *r).is_ok() && scaled_delete {
                    for k in *r..MAX_ORDINAL {
                        model.deletable.insert(format!("www-web-{k}"));
                    }
                }
            }
        }
        Action::DeletePod(o) | Action::ForceDeletePod(o) => {
            let force = matches!(a, Action::ForceDeletePod(_));
            let options = DeleteOptions {
                grace_period_seconds: force.then_some(0),
                ..DeleteOptions::default()
            };
            let _ = sim.delete("pods", "default", &format!("web-{o}"), &options);
        }
        Action::Write(o) => {
            let Some(pod) = sim.object("pods", "default", &format!("web-{o}")).cloned() else {
                return;
            };
            let on_failing_node = pod.str_at(&["spec", "nodeName"]) == FAILING;
            if pod.str_at(&["status", "phase"]) != "Running" || (model.node_down && on_failing_node)
            {
                return;
            }
            let claim_name = format!("www-web-{o}");
            let Some(claim) = sim.object("persistentvolumeclaims", "default", &claim_name) else {
                return;
            };
            let uid = claim.str_at(&["metadata", "uid"]).to_string();
            let (key, mount) = sim.volume_key(&pod, FILE);
            assert_eq!(mount, MOUNT, "web-{o} mounts its claim");
            model.writes += 1;
            let text = format!("web-{o} write {}\n", model.writes);
            sim.write_file(&key, FILE, &text, false);
            model.written.insert(claim_name, (uid, text));
        }
        Action::StopNode => {
            sim.stop_node(FAILING).expect("node exists");
            model.node_down = true;
        }
        Action::StartNode => {
            sim.start_node(FAILING).expect("node exists");
            model.node_down = false;
        }
        Action::DeleteSet => {
            if let Some((_, deleted_delete)) = model.set.take() {
                let _ = sim.delete("statefulsets", "default", "web", &DeleteOptions::default());
                if deleted_delete {
                    for k in 0..MAX_ORDINAL {
                        model.deletable.insert(format!("www-web-{k}"));
                    }
                }
            }
        }
        Action::Advance(ms) => sim.advance(*ms),
    }
}

/// The DNS invariant for every ordinal's name.
fn check_dns(sim: &Sim, model: &Model) -> Result<(), TestCaseError> {
    for k in 0..MAX_ORDINAL {
        let name = format!("web-{k}");
        let answers = sim.dns_lookup(&format!("{name}.nginx.default.svc.cluster.local"));
        let pod = sim.object("pods", "default", &name);
        let ip = pod.map_or("", |p| p.str_at(&["status", "podIP"]));
        let phase = pod.map_or("", |p| p.str_at(&["status", "phase"]));
        let terminating =
            pod.is_some_and(|p| !p.str_at(&["metadata", "deletionTimestamp"]).is_empty());
        let expected = pod.is_some()
            && sim.object("services", "default", "nginx").is_some()
            && !ip.is_empty()
            && phase != "Failed"
            && phase != "Succeeded"
            && (model.publish || (pod.is_some_and(ready) && !terminating));
        if expected {
            prop_assert_eq!(
                answers.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
                vec![ip],
                "{} should resolve to its IP",
                name
            );
        } else {
            prop_assert!(
                answers.is_empty(),
                "{name} resolves but should not: {answers:?}"
            );
        }
    }
    Ok(())
}

/// The data invariant: every claim still holding its written data, and the
/// pod using it seeing that data.
fn check_data(sim: &Sim, model: &Model) -> Result<(), TestCaseError> {
    for (claim_name, (uid, text)) in &model.written {
        let Some(claim) = sim.object("persistentvolumeclaims", "default", claim_name) else {
            continue;
        };
        if claim.str_at(&["metadata", "uid"]) != uid {
            prop_assert_eq!(
                claim_file(sim, claim),
                None,
                "a new {} starts empty",
                claim_name
            );
            continue;
        }
        prop_assert_eq!(
            claim_file(sim, claim),
            Some(text.as_str()),
            "data on {}",
            claim_name
        );
        let pod_name = claim_name.trim_start_matches("www-");
        if let Some(pod) = sim.object("pods", "default", pod_name) {
            let (key, _) = sim.volume_key(pod, FILE);
            prop_assert_eq!(
                sim.file(&key, FILE),
                Some(text.as_str()),
                "{} sees its data",
                pod_name
            );
        }
    }
    Ok(())
}

/// Replays `actions`; checks the invariants after every step; returns the
/// event log.
fn run(actions: &[Action], seed: u64) -> Result<String, TestCaseError> {
    let mut sim = Sim::new(SimConfig {
        seed,
        ..SimConfig::with_nodes(&NODES)
    });
    let pods = sim.watch("pods", Some("default"), "", "").expect("watch");
    let claims = sim
        .watch("persistentvolumeclaims", Some("default"), "", "")
        .expect("watch");
    let volumes = sim.watch("persistentvolumes", None, "", "").expect("watch");
    let events = sim.watch("events", Some("default"), "", "").expect("watch");
    let mut model = Model::default();
    let mut live: BTreeSet<String> = BTreeSet::new();
    let mut log = String::new();
    for a in actions {
        step(&mut sim, &mut model, a);
        for ev in sim.take_watch_events(pods) {
            let name = ev.object.str_at(&["metadata", "name"]).to_string();
            match ev.kind {
                WatchEventKind::Added => {
                    prop_assert!(
                        live.insert(name.clone()),
                        "two pods for one ordinal: {name}"
                    )
                }
                WatchEventKind::Deleted => {
                    live.remove(&name);
                    // At most one pod per ordinal: a pod on a stopped node may
                    // still be running there, so nothing but the user's
                    // force delete removes it (and lets its ordinal return).
                    let stranded =
                        model.node_down && ev.object.str_at(&["spec", "nodeName"]) == FAILING;
                    let forced =
                        matches!(a, Action::ForceDeletePod(o) if name == format!("web-{o}"));
                    prop_assert!(
                        !stranded || forced,
                        "{name} removed from the stopped node without a force delete"
                    );
                }
                _ => {}
            }
        }
        for ev in sim.take_watch_events(claims) {
            let name = ev.object.str_at(&["metadata", "name"]).to_string();
            if ev.kind == WatchEventKind::Deleted {
                prop_assert!(
                    model.deletable.contains(&name),
                    "{name} deleted against the retention policy (ordinal {})",
                    ordinal_of(&name)
                );
            }
        }
        for ev in sim.take_watch_events(volumes) {
            if ev.kind == WatchEventKind::Deleted {
                let pv = ev.object.str_at(&["metadata", "name"]);
                prop_assert_eq!(
                    sim.file(&format!("pv:{pv}"), FILE),
                    None,
                    "{} deleted with its data",
                    pv
                );
            }
        }
        check_data(&sim, &model)?;
        check_dns(&sim, &model)?;
        for ev in sim.take_watch_events(events) {
            log.push_str(&proptest_support::event_line(&ev));
        }
    }
    Ok(log)
}

proptest! {
    #![proptest_config(proptest_support::config(20_261_124))]

    #[test]
    fn claims_data_and_names_survive_what_they_should(actions in actions(), seed in 0u64..1000) {
        let first = run(&actions, seed)?;
        let second = run(&actions, seed)?;
        prop_assert_eq!(first, second);
    }
}
