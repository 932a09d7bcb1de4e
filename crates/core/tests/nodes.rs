//! Node failure and recovery: a stopped node goes NotReady after the grace
//! period, is tainted, its pods are evicted after their 300 s toleration but
//! stay Terminating, and a StatefulSet does not replace a pod (at most one
//! per ordinal) until the node returns, the pod is force deleted or the
//! Node object is deleted.

mod common;

use ordinal_core::{DeleteOptions, Reason, Sim, SimConfig, Value};

const WORKERS: [&str; 3] = ["kind-control-plane", "kind-worker", "kind-worker2"];

fn web(replicas: i64) -> Value {
    let mut v = common::stateful_set("web", replicas);
    v.set(&["spec", "serviceName"], "web".into());
    v
}

fn cluster(nodes: &[&str], replicas: i64) -> Sim {
    let mut sim = Sim::new(SimConfig::with_nodes(nodes));
    sim.create("statefulsets", "default", web(replicas))
        .expect("created");
    sim.advance(30_000);
    sim
}

fn pod(sim: &Sim, name: &str) -> Option<Value> {
    sim.object("pods", "default", name).cloned()
}

fn node_of(sim: &Sim, name: &str) -> String {
    pod(sim, name)
        .map(|p| p.str_at(&["spec", "nodeName"]).to_string())
        .unwrap_or_default()
}

fn condition<'a>(obj: &'a Value, kind: &str) -> &'a str {
    obj.array_at(&["status", "conditions"])
        .iter()
        .find(|c| c.str_at(&["type"]) == kind)
        .map_or("", |c| c.str_at(&["status"]))
}

fn node_ready(sim: &Sim, node: &str) -> String {
    condition(sim.object("nodes", "", node).expect("node"), "Ready").to_string()
}

fn taints(sim: &Sim, node: &str) -> Vec<String> {
    sim.object("nodes", "", node)
        .expect("node")
        .array_at(&["spec", "taints"])
        .iter()
        .map(|t| format!("{}:{}", t.str_at(&["key"]), t.str_at(&["effect"])))
        .collect()
}

fn terminating(sim: &Sim, name: &str) -> bool {
    pod(sim, name).is_some_and(|p| !p.str_at(&["metadata", "deletionTimestamp"]).is_empty())
}

#[test]
fn unknown_nodes_are_not_found() {
    let mut sim = Sim::default();
    let err = sim.stop_node("kind-worker9").expect_err("no such node");
    assert_eq!(err.reason, Reason::NotFound);
    assert!(sim.start_node("kind-worker9").is_err());
    assert!(!sim.node_running("kind-worker9"));
    assert!(sim.node_running("kind-control-plane"));
}

#[test]
fn a_stopped_node_turns_not_ready_after_the_grace_period_then_tainted() {
    let mut sim = cluster(&WORKERS, 2);
    let node = node_of(&sim, "web-1");
    sim.stop_node(&node).expect("stopped");
    assert!(!sim.node_running(&node));
    sim.advance(50_000);
    assert_eq!(
        node_ready(&sim, &node),
        "True",
        "still within the grace period"
    );
    sim.advance(5_000);
    assert_eq!(node_ready(&sim, &node), "Unknown");
    assert_eq!(
        taints(&sim, &node),
        vec!["node.kubernetes.io/unreachable:NoSchedule"]
    );
    let web1 = pod(&sim, "web-1").expect("pod");
    assert_eq!(condition(&web1, "Ready"), "False");
    assert_eq!(condition(&web1, "ContainersReady"), "True");
    sim.advance(5_000);
    assert_eq!(
        taints(&sim, &node),
        vec![
            "node.kubernetes.io/unreachable:NoSchedule",
            "node.kubernetes.io/unreachable:NoExecute"
        ]
    );
    let events = sim.events_for("Pod", "default", "web-1");
    assert!(events
        .iter()
        .any(|e| e.str_at(&["reason"]) == "NodeNotReady"
            && e.str_at(&["message"]) == "Node is not ready"));
}

#[test]
fn evicted_pods_stay_terminating_and_are_not_replaced() {
    let mut sim = cluster(&WORKERS, 2);
    let node = node_of(&sim, "web-1");
    let uid = pod(&sim, "web-1")
        .expect("pod")
        .str_at(&["metadata", "uid"])
        .to_string();
    sim.stop_node(&node).expect("stopped");
    // NoExecute taint at ~60 s, eviction 300 s later.
    sim.advance(355_000);
    assert!(!terminating(&sim, "web-1"), "tolerated for 300 s");
    sim.advance(10_000);
    assert!(terminating(&sim, "web-1"));
    let evicted = pod(&sim, "web-1").expect("pod");
    assert_eq!(condition(&evicted, "DisruptionTarget"), "True");
    let events = sim.events_for("Pod", "default", "web-1");
    assert!(events.iter().any(|e| {
        e.str_at(&["reason"]) == "TaintManagerEviction"
            && e.str_at(&["message"]) == "Marking for deletion Pod default/web-1"
    }));
    for _ in 0..60 {
        sim.advance(10_000);
        let p = pod(&sim, "web-1").expect("never removed without the kubelet");
        assert_eq!(p.str_at(&["metadata", "uid"]), uid, "not replaced");
    }
}

#[test]
fn force_deleting_a_stuck_pod_recreates_it_on_a_healthy_node() {
    let mut sim = cluster(&WORKERS, 2);
    let node = node_of(&sim, "web-1");
    sim.stop_node(&node).expect("stopped");
    sim.advance(400_000);
    let force = DeleteOptions {
        grace_period_seconds: Some(0),
        ..Default::default()
    };
    sim.delete("pods", "default", "web-1", &force)
        .expect("deleted");
    sim.advance(10_000);
    let moved = node_of(&sim, "web-1");
    assert!(!moved.is_empty() && moved != node, "rescheduled elsewhere");
    let new = pod(&sim, "web-1").expect("pod");
    assert_eq!(condition(&new, "Ready"), "True");
    // The old node coming back must not resurrect the deleted instance.
    sim.start_node(&node).expect("started");
    sim.advance(20_000);
    let still = pod(&sim, "web-1").expect("pod");
    assert_eq!(still, new);
}

#[test]
fn a_restarted_node_turns_ready_untainted_and_restarts_its_containers() {
    let mut sim = cluster(&WORKERS, 2);
    let node = node_of(&sim, "web-1");
    let before = pod(&sim, "web-1").expect("pod");
    sim.stop_node(&node).expect("stopped");
    sim.advance(120_000);
    sim.start_node(&node).expect("started");
    assert!(sim.node_running(&node));
    sim.advance(15_000);
    assert_eq!(node_ready(&sim, &node), "True");
    assert!(taints(&sim, &node).is_empty());
    let after = pod(&sim, "web-1").expect("same pod");
    assert_eq!(
        after.str_at(&["metadata", "uid"]),
        before.str_at(&["metadata", "uid"])
    );
    let status = &after.array_at(&["status", "containerStatuses"])[0];
    assert_eq!(status.i64_at(&["restartCount"]), Some(1));
    assert_eq!(
        status.str_at(&["lastState", "terminated", "reason"]),
        "Unknown"
    );
    assert_eq!(
        status.i64_at(&["lastState", "terminated", "exitCode"]),
        Some(255)
    );
    assert_ne!(
        after.str_at(&["status", "podIP"]),
        before.str_at(&["status", "podIP"]),
        "a new sandbox, a new IP"
    );
    assert_eq!(condition(&after, "Ready"), "True");
    let reasons: Vec<String> = sim
        .events_for("Pod", "default", "web-1")
        .iter()
        .map(|e| e.str_at(&["reason"]).to_string())
        .collect();
    assert!(reasons.iter().any(|r| r == "SandboxChanged"));
}

#[test]
fn a_restarted_node_finishes_evictions_then_the_set_recreates_the_pod() {
    let mut sim = cluster(&WORKERS, 2);
    let node = node_of(&sim, "web-1");
    let uid = pod(&sim, "web-1")
        .expect("pod")
        .str_at(&["metadata", "uid"])
        .to_string();
    sim.stop_node(&node).expect("stopped");
    sim.advance(400_000);
    assert!(terminating(&sim, "web-1"));
    sim.start_node(&node).expect("started");
    sim.advance(20_000);
    let new = pod(&sim, "web-1").expect("recreated");
    assert_ne!(new.str_at(&["metadata", "uid"]), uid);
    assert_eq!(condition(&new, "Ready"), "True");
}

#[test]
fn deleting_the_node_object_garbage_collects_its_pods() {
    let mut sim = cluster(&WORKERS, 2);
    let node = node_of(&sim, "web-1");
    let uid = pod(&sim, "web-1")
        .expect("pod")
        .str_at(&["metadata", "uid"])
        .to_string();
    sim.stop_node(&node).expect("stopped");
    sim.delete("nodes", "", &node, &DeleteOptions::default())
        .expect("deleted");
    sim.advance(30_000);
    assert_eq!(
        pod(&sim, "web-1").map(|p| p.str_at(&["metadata", "uid"]).to_string()),
        Some(uid.clone()),
        "quarantined for 40 s first"
    );
    sim.advance(40_000);
    let new = pod(&sim, "web-1").expect("recreated");
    assert_ne!(new.str_at(&["metadata", "uid"]), uid);
    assert_ne!(new.str_at(&["spec", "nodeName"]), node);
}

#[test]
fn a_cluster_without_a_ready_node_evicts_nothing() {
    use ordinal_core::PatchType;
    let mut sim = cluster(&WORKERS, 2);
    // The control plane node does not count for disruption checks.
    let label = Value::from([(
        "metadata",
        Value::from([(
            "labels",
            Value::from([("node.kubernetes.io/exclude-disruption", Value::from(""))]),
        )]),
    )]);
    sim.patch("nodes", "", "kind-control-plane", &label, PatchType::Merge)
        .expect("labelled");
    sim.stop_node("kind-worker").expect("stopped");
    sim.stop_node("kind-worker2").expect("stopped");
    sim.advance(900_000);
    for node in ["kind-worker", "kind-worker2"] {
        assert_eq!(node_ready(&sim, node), "Unknown");
        assert_eq!(
            taints(&sim, node),
            vec!["node.kubernetes.io/unreachable:NoSchedule"],
            "full disruption: no NoExecute taint"
        );
    }
    assert!(!terminating(&sim, "web-0") && !terminating(&sim, "web-1"));
}

#[test]
fn a_restarted_kubelet_registers_its_deleted_node_again() {
    let mut sim = cluster(&WORKERS, 1);
    sim.stop_node("kind-worker2").expect("stopped");
    sim.delete("nodes", "", "kind-worker2", &DeleteOptions::default())
        .expect("deleted");
    sim.start_node("kind-worker2").expect("started");
    sim.advance(10_000);
    assert_eq!(node_ready(&sim, "kind-worker2"), "True");
}

#[test]
fn a_cordoned_node_gets_the_unschedulable_taint_until_uncordoned() {
    use ordinal_core::PatchType;
    let mut sim = cluster(&WORKERS, 1);
    let cordon =
        |on: bool| Value::from([("spec", Value::from([("unschedulable", Value::Bool(on))]))]);
    sim.patch("nodes", "", "kind-worker", &cordon(true), PatchType::Merge)
        .expect("cordoned");
    assert_eq!(
        taints(&sim, "kind-worker"),
        vec!["node.kubernetes.io/unschedulable:NoSchedule"]
    );
    sim.patch("nodes", "", "kind-worker", &cordon(false), PatchType::Merge)
        .expect("uncordoned");
    assert!(taints(&sim, "kind-worker").is_empty());
}

#[test]
fn no_node_is_marked_while_the_control_plane_is_down() {
    let mut sim = cluster(&WORKERS, 2);
    sim.stop_node("kind-control-plane").expect("stopped");
    assert!(!sim.api_server_up());
    sim.stop_node("kind-worker2").expect("stopped");
    sim.advance(120_000);
    assert_eq!(
        node_ready(&sim, "kind-worker2"),
        "True",
        "no controller to notice"
    );
    sim.start_node("kind-control-plane").expect("started");
    sim.advance(50_000);
    assert!(sim.api_server_up());
    assert_eq!(
        node_ready(&sim, "kind-worker2"),
        "True",
        "a restarted controller grants a fresh grace period"
    );
    sim.advance(10_000);
    assert_eq!(node_ready(&sim, "kind-worker2"), "Unknown");
}

fn lease(sim: &Sim, node: &str) -> Value {
    sim.object("leases", "kube-node-lease", node)
        .cloned()
        .expect("lease")
}

fn renew_time(sim: &Sim, node: &str) -> String {
    lease(sim, node).str_at(&["spec", "renewTime"]).to_string()
}

#[test]
fn every_node_has_a_lease_its_kubelet_renews_every_ten_seconds() {
    let mut sim = Sim::new(SimConfig::with_nodes(&WORKERS));
    for node in WORKERS {
        let l = lease(&sim, node);
        assert_eq!(l.str_at(&["spec", "holderIdentity"]), node);
        assert_eq!(l.i64_at(&["spec", "leaseDurationSeconds"]), Some(40));
        let owner = &l.array_at(&["metadata", "ownerReferences"])[0];
        assert_eq!(owner.str_at(&["kind"]), "Node");
        let node_uid = sim.object("nodes", "", node).expect("node");
        assert_eq!(
            owner.str_at(&["uid"]),
            node_uid.str_at(&["metadata", "uid"])
        );
    }
    assert_eq!(
        renew_time(&sim, "kind-worker"),
        "2026-01-01T00:00:00.000000Z"
    );
    // Renewals are background work: an idle cluster stays idle.
    assert_eq!(sim.run_until_idle(60_000), 0);
    sim.advance(25_000);
    assert_eq!(
        renew_time(&sim, "kind-worker"),
        "2026-01-01T00:00:20.000000Z"
    );
    sim.stop_node("kind-worker").expect("stopped");
    sim.advance(60_000);
    assert_eq!(
        renew_time(&sim, "kind-worker"),
        "2026-01-01T00:00:20.000000Z"
    );
    assert_eq!(
        renew_time(&sim, "kind-worker2"),
        "2026-01-01T00:01:20.000000Z"
    );
    sim.start_node("kind-worker").expect("started");
    sim.advance(5_000);
    assert_eq!(
        renew_time(&sim, "kind-worker"),
        "2026-01-01T00:01:30.000000Z"
    );
}

#[test]
fn a_deleted_lease_is_created_again_by_its_kubelet() {
    let mut sim = Sim::new(SimConfig::with_nodes(&WORKERS));
    sim.delete(
        "leases",
        "kube-node-lease",
        "kind-worker",
        &DeleteOptions::default(),
    )
    .expect("deleted");
    sim.advance(10_000);
    assert_eq!(
        renew_time(&sim, "kind-worker"),
        "2026-01-01T00:00:10.000000Z"
    );
}

#[test]
fn the_node_lifecycle_controller_reads_the_last_lease_renewal() {
    let mut sim = Sim::new(SimConfig::with_nodes(&WORKERS));
    // The last renewal before the stop is at 0:00:00; the controller
    // gives up on it at its first pass more than 50 s later, 0:00:55
    // (not 50 s after the stop).
    sim.advance(8_000);
    sim.stop_node("kind-worker").expect("stopped");
    sim.advance(46_000);
    assert_eq!(node_ready(&sim, "kind-worker"), "True");
    sim.advance(1_000);
    assert_eq!(node_ready(&sim, "kind-worker"), "Unknown");
}

#[test]
fn kubelets_post_a_node_status_heartbeat_every_five_minutes() {
    let mut sim = Sim::new(SimConfig::with_nodes(&WORKERS));
    let times = |sim: &Sim| {
        let node = sim.object("nodes", "", "kind-worker").expect("node");
        let ready = node
            .array_at(&["status", "conditions"])
            .iter()
            .find(|c| c.str_at(&["type"]) == "Ready")
            .cloned()
            .expect("Ready");
        (
            ready.str_at(&["lastHeartbeatTime"]).to_string(),
            ready.str_at(&["lastTransitionTime"]).to_string(),
        )
    };
    assert_eq!(
        times(&sim),
        ("2026-01-01T00:00:00Z".into(), "2025-12-31T23:50:00Z".into())
    );
    sim.advance(299_000);
    assert_eq!(times(&sim).0, "2026-01-01T00:00:00Z");
    sim.advance(1_000);
    assert_eq!(
        times(&sim),
        ("2026-01-01T00:05:00Z".into(), "2025-12-31T23:50:00Z".into())
    );
    sim.stop_node("kind-worker").expect("stopped");
    sim.advance(600_000);
    assert_eq!(times(&sim).0, "2026-01-01T00:05:00Z");
}

fn no_execute(sim: &Sim, node: &str) -> bool {
    taints(sim, node)
        .iter()
        .any(|t| t == "node.kubernetes.io/unreachable:NoExecute")
}

#[test]
fn no_execute_taints_are_rate_limited_to_one_node_per_ten_seconds() {
    let mut sim = Sim::new(SimConfig::with_nodes(&WORKERS));
    sim.stop_node("kind-worker").expect("stopped");
    sim.stop_node("kind-worker2").expect("stopped");
    // Both go Unknown at the pass of 0:00:55 and are queued at 0:01:00.
    sim.advance(60_000);
    assert_eq!(node_ready(&sim, "kind-worker"), "Unknown");
    assert_eq!(node_ready(&sim, "kind-worker2"), "Unknown");
    assert!(no_execute(&sim, "kind-worker"));
    assert!(!no_execute(&sim, "kind-worker2"));
    sim.advance(9_000);
    assert!(!no_execute(&sim, "kind-worker2"));
    sim.advance(1_000);
    assert!(no_execute(&sim, "kind-worker2"));
}
