//! The event correlator of client-go's core/v1 recorder: its spam filter
//! (25 events per source and object, one more every 5 minutes) and its
//! aggregator (`(combined from similar events): ...` after 10 different
//! messages of one reason within 10 minutes).

mod common;

use ordinal_core::{Sim, SimConfig, Value};

fn crashing_pod() -> Value {
    let mut p = Value::object();
    p.set(&["apiVersion"], "v1".into());
    p.set(&["kind"], "Pod".into());
    p.set(&["metadata", "name"], "crash".into());
    p.set(
        &["spec", "containers"],
        Value::from(vec![Value::from([
            ("name", Value::from("app")),
            ("image", Value::from("busybox:1.36")),
            (
                "command",
                Value::from(vec![
                    Value::from("sh"),
                    Value::from("-c"),
                    Value::from("exit 1"),
                ]),
            ),
        ])]),
    );
    p
}

/// (source, reason, count) of the pod's events, oldest first.
fn events(sim: &Sim) -> Vec<(String, String, i64)> {
    sim.events_for("Pod", "default", "crash")
        .iter()
        .map(|e| {
            (
                e.str_at(&["source", "component"]).to_string(),
                e.str_at(&["reason"]).to_string(),
                e.i64_at(&["count"]).unwrap_or(0),
            )
        })
        .collect()
}

/// Restart count of the pod's container.
fn restarts(sim: &Sim) -> i64 {
    let p = sim.get("pods", "default", "crash").expect("pod");
    p.array_at(&["status", "containerStatuses"])
        .first()
        .and_then(|c| c.i64_at(&["restartCount"]))
        .unwrap_or(0)
}

#[test]
fn a_crash_looping_pods_kubelet_events_are_throttled_but_keep_counting() {
    let mut sim = Sim::new(SimConfig::default());
    sim.create("pods", "default", crashing_pod())
        .expect("created");
    sim.advance(3_600_000);
    assert_eq!(restarts(&sim), 16);
    let kubelet = |s: &str| s == "kubelet";
    let evs = events(&sim);
    let counts: Vec<(&str, i64)> = evs
        .iter()
        .filter(|e| kubelet(&e.0))
        .map(|e| (e.1.as_str(), e.2))
        .collect();
    assert_eq!(
        counts,
        [
            ("Pulling", 1),
            ("Pulled", 1),
            ("Created", 7),
            ("Started", 6),
            ("Pulled", 16),
            ("BackOff", 5),
        ],
        "after its burst of 25 the kubelet writes one event about the pod every \
         5 minutes: the first of each restart (`Pulled`), carrying every occurrence \
         since; the others stay where the burst left them"
    );
    sim.advance(600_000);
    let left: Vec<(String, i64)> = events(&sim)
        .into_iter()
        .filter(|e| kubelet(&e.0))
        .map(|e| (e.1, e.2))
        .collect();
    assert_eq!(
        left,
        [("Pulled".to_string(), 18)],
        "events last written during the burst expire an hour later, although \
         the container kept starting"
    );
}

#[test]
fn the_eleventh_different_message_of_a_reason_is_combined() {
    let mut sim = Sim::new(SimConfig::default());
    let mut set = common::stateful_set("web", 12);
    set.set(&["spec", "podManagementPolicy"], "Parallel".into());
    sim.create("statefulsets", "default", set).expect("created");
    sim.advance(10_000);
    let evs: Vec<(String, i64)> = sim
        .events_for("StatefulSet", "default", "web")
        .iter()
        .map(|e| {
            (
                e.str_at(&["message"]).to_string(),
                e.i64_at(&["count"]).unwrap_or(0),
            )
        })
        .collect();
    let mut expected: Vec<(String, i64)> = (0..9)
        .map(|i| {
            (
                format!("create Pod web-{i} in StatefulSet web successful"),
                1,
            )
        })
        .collect();
    expected.push((
        "(combined from similar events): create Pod web-11 in StatefulSet web successful"
            .to_string(),
        3,
    ));
    assert_eq!(evs, expected);
}
