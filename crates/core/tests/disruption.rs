//! PodDisruptionBudget status kept by the disruption controller, and the
//! eviction subresource spending it.

mod common;

use ordinal_core::{DeleteOptions, Sim, SimConfig, Value};

fn web(replicas: i64) -> Value {
    let mut v = common::stateful_set("web", replicas);
    v.set(&["spec", "serviceName"], "web".into());
    v
}

fn budget(bound: &str, value: Value) -> Value {
    let mut v = Value::object();
    v.set(&["apiVersion"], "policy/v1".into());
    v.set(&["kind"], "PodDisruptionBudget".into());
    v.set(&["metadata", "name"], "web".into());
    v.set(&["spec", bound], value);
    v.set(&["spec", "selector", "matchLabels", "app"], "web".into());
    v
}

fn cluster(bound: &str, value: Value) -> Sim {
    let mut sim = Sim::new(SimConfig::default());
    sim.create("statefulsets", "default", web(3)).expect("set");
    sim.create("poddisruptionbudgets", "default", budget(bound, value))
        .expect("pdb");
    sim.advance(30_000);
    sim
}

fn status(sim: &Sim, key: &str) -> i64 {
    sim.object("poddisruptionbudgets", "default", "web")
        .and_then(|p| p.i64_at(&["status", key]))
        .unwrap_or(-1)
}

fn allowed_condition(sim: &Sim) -> String {
    let pdb = sim
        .object("poddisruptionbudgets", "default", "web")
        .expect("pdb");
    let c = pdb
        .array_at(&["status", "conditions"])
        .iter()
        .find(|c| c.str_at(&["type"]) == "DisruptionAllowed")
        .cloned()
        .expect("condition");
    format!("{}/{}", c.str_at(&["status"]), c.str_at(&["reason"]))
}

#[test]
fn the_controller_keeps_the_budget_status() {
    let sim = cluster("maxUnavailable", Value::Int(1));
    assert_eq!(status(&sim, "currentHealthy"), 3);
    assert_eq!(status(&sim, "desiredHealthy"), 2);
    assert_eq!(status(&sim, "expectedPods"), 3);
    assert_eq!(status(&sim, "disruptionsAllowed"), 1);
    assert_eq!(status(&sim, "observedGeneration"), 1);
    assert_eq!(allowed_condition(&sim), "True/SufficientPods");
}

#[test]
fn percentages_scale_with_the_controllers_replicas() {
    let sim = cluster("minAvailable", Value::from("50%"));
    assert_eq!(status(&sim, "desiredHealthy"), 2);
    assert_eq!(status(&sim, "disruptionsAllowed"), 1);
}

#[test]
fn an_eviction_spends_a_disruption_and_the_next_one_is_refused() {
    let mut sim = cluster("maxUnavailable", Value::Int(1));
    let opts = DeleteOptions::default();
    sim.evict("default", "web-0", &opts).expect("evicted");
    assert_eq!(status(&sim, "disruptionsAllowed"), 0);
    assert_eq!(allowed_condition(&sim), "False/InsufficientPods");
    let err = sim.evict("default", "web-1", &opts).expect_err("refused");
    assert_eq!(err.code, 429);
    assert_eq!(
        err.message,
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    assert!(sim
        .object("pods", "default", "web-1")
        .is_some_and(|p| p.at(&["metadata", "deletionTimestamp"]).is_none()));
    // Once web-0 is back and Ready, there is room again.
    sim.advance(30_000);
    assert_eq!(status(&sim, "disruptionsAllowed"), 1);
    sim.evict("default", "web-1", &opts).expect("evicted");
}

#[test]
fn without_a_budget_an_eviction_is_a_delete() {
    let mut sim = Sim::new(SimConfig::default());
    sim.create("statefulsets", "default", web(1)).expect("set");
    sim.advance(30_000);
    sim.evict("default", "web-0", &DeleteOptions::default())
        .expect("evicted");
    assert!(sim
        .object("pods", "default", "web-0")
        .is_some_and(|p| p.at(&["metadata", "deletionTimestamp"]).is_some()));
    let err = sim
        .evict("default", "nope", &DeleteOptions::default())
        .expect_err("missing");
    assert_eq!(err.message, "pods \"nope\" not found");
}

#[test]
fn always_allow_evicts_pods_that_are_not_ready_whatever_the_budget() {
    for (policy, evicted) in [("IfHealthyBudget", false), ("AlwaysAllow", true)] {
        let mut sim = Sim::new(SimConfig::default());
        let mut set = web(3);
        set.set(&["spec", "podManagementPolicy"], "Parallel".into());
        let mut container = set
            .at(&["spec", "template", "spec", "containers"])
            .and_then(|c| c.as_array())
            .and_then(|c| c.first())
            .cloned()
            .expect("container");
        container.set(&["readinessProbe", "httpGet", "path"], "/missing".into());
        container.set(&["readinessProbe", "httpGet", "port"], Value::Int(80));
        set.set(
            &["spec", "template", "spec", "containers"],
            Value::from(vec![container]),
        );
        sim.create("statefulsets", "default", set).expect("set");
        let mut pdb = budget("minAvailable", Value::Int(1));
        pdb.set(&["spec", "unhealthyPodEvictionPolicy"], policy.into());
        sim.create("poddisruptionbudgets", "default", pdb)
            .expect("pdb");
        sim.advance(60_000);
        assert_eq!(status(&sim, "currentHealthy"), 0, "{policy}");
        let result = sim.evict("default", "web-0", &DeleteOptions::default());
        assert_eq!(result.is_ok(), evicted, "{policy}: {result:?}");
    }
}
