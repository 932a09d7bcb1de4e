//! Property tests: random sequences of apply / scale / delete pod / update
//! image / advance under both pod management policies keep the StatefulSet
//! invariants, and the same seed replays to the same event log.
#![cfg(not(target_arch = "wasm32"))]

mod common;
mod proptest_support;

use std::collections::{BTreeMap, BTreeSet};

use ordinal_core::{DeleteOptions, PatchType, Sim, SimConfig, Value, WatchEventKind};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Action {
    Apply { replicas: i64, parallel: bool },
    Scale(i64),
    DeletePod(i64),
    UpdateImage(u8),
    Advance(u64),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0i64..5, any::<bool>())
            .prop_map(|(replicas, parallel)| Action::Apply { replicas, parallel }),
        (0i64..6).prop_map(Action::Scale),
        (0i64..5).prop_map(Action::DeletePod),
        (0u8..3).prop_map(Action::UpdateImage),
        (100u64..20_000).prop_map(Action::Advance),
    ]
}

fn stateful_set(replicas: i64, parallel: bool) -> Value {
    let mut v = common::stateful_set("web", replicas);
    v.set(
        &["spec", "podManagementPolicy"],
        Value::from(if parallel { "Parallel" } else { "OrderedReady" }),
    );
    v
}

fn healthy(p: &Value) -> bool {
    p.str_at(&["status", "phase"]) == "Running"
        && p.str_at(&["metadata", "deletionTimestamp"]).is_empty()
        && p.array_at(&["status", "conditions"])
            .iter()
            .any(|c| c.str_at(&["type"]) == "Ready" && c.str_at(&["status"]) == "True")
}

fn ordinal(p: &Value) -> i64 {
    p.str_at(&["metadata", "name"])
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(-1)
}

/// Replays `actions`; checks invariants on every watch event; returns the event log.
fn run(actions: &[Action], seed: u64) -> Result<String, TestCaseError> {
    let mut sim = Sim::new(SimConfig {
        seed,
        ..SimConfig::default()
    });
    let pods_watch = sim.watch("pods", Some("default"), "", "").expect("watch");
    let events_watch = sim.watch("events", None, "", "").expect("watch");
    let mut live: BTreeMap<String, Value> = BTreeMap::new();
    // Pods the test itself deleted: their termination is not the
    // controller's transition, so OrderedReady does not count them.
    let mut user_deleted: BTreeSet<String> = BTreeSet::new();
    let mut parallel = false;
    let mut log = String::new();
    for a in actions {
        match a {
            Action::Apply {
                replicas,
                parallel: p,
            } => {
                let exists = sim.object("statefulsets", "default", "web").is_some();
                if !exists {
                    parallel = *p;
                    sim.create("statefulsets", "default", stateful_set(*replicas, *p))
                        .expect("created");
                }
            }
            Action::Scale(r) => {
                let _ = sim.scale("statefulsets", "default", "web", *r);
            }
            Action::DeletePod(o) => {
                let name = format!("web-{o}");
                if sim
                    .delete("pods", "default", &name, &DeleteOptions::default())
                    .is_ok()
                {
                    user_deleted.insert(name);
                }
            }
            Action::UpdateImage(i) => {
                let image = format!("nginx:1.{}", 27 + i);
                let patch = Value::from([(
                    "spec",
                    Value::from([(
                        "template",
                        Value::from([(
                            "spec",
                            Value::from([(
                                "containers",
                                Value::from(vec![Value::from([
                                    ("name", Value::from("nginx")),
                                    ("image", Value::from(image)),
                                ])]),
                            )]),
                        )]),
                    )]),
                )]);
                let _ = sim.patch(
                    "statefulsets",
                    "default",
                    "web",
                    &patch,
                    PatchType::Strategic,
                );
            }
            Action::Advance(ms) => sim.advance(*ms),
        }
        for ev in sim.take_watch_events(pods_watch) {
            let name = ev.object.str_at(&["metadata", "name"]).to_string();
            if ev.kind == WatchEventKind::Added {
                prop_assert!(
                    !live.contains_key(&name),
                    "two pods for one ordinal: {name}"
                );
                if !parallel {
                    let k = ordinal(&ev.object);
                    for lower in 0..k {
                        let ok = live.get(&format!("web-{lower}")).is_some_and(healthy);
                        prop_assert!(ok, "web-{k} created while web-{lower} is not healthy");
                    }
                }
            }
            if ev.kind == WatchEventKind::Deleted {
                live.remove(&name);
                user_deleted.remove(&name);
            } else {
                live.insert(name, ev.object);
            }
            if !parallel {
                let created_in_transition = live
                    .iter()
                    .filter(|(name, p)| !healthy(p) && !user_deleted.contains(*name))
                    .count();
                prop_assert!(
                    created_in_transition <= 2,
                    "OrderedReady: too many pods in transition"
                );
            }
        }
        for ev in sim.take_watch_events(events_watch) {
            log.push_str(&proptest_support::event_line(&ev));
        }
    }
    Ok(log)
}

proptest! {
    #![proptest_config(proptest_support::config(20_261_123))]

    #[test]
    fn invariants_hold_and_replay_is_deterministic(actions in proptest::collection::vec(action(), 1..14), seed in 0u64..1000) {
        let first = run(&actions, seed)?;
        let second = run(&actions, seed)?;
        prop_assert_eq!(first, second);
    }
}

/// Found by the property test: two pods the user deletes while the
/// controller creates a third are not three controller transitions.
#[test]
fn user_deletions_do_not_count_as_ordered_ready_transitions() {
    let actions = [
        Action::Apply {
            replicas: 4,
            parallel: false,
        },
        Action::Advance(7_647),
        Action::DeletePod(1),
        Action::DeletePod(0),
        Action::Advance(60_000),
    ];
    run(&actions, 0).expect("invariants hold");
}
