//! Deployment and ReplicaSet scenarios, with the rolling-update bounds
//! checked after every step.

mod common;

use ordinal_core::{DeleteOptions, PatchType, Sim, SimConfig, Value};

fn deployment(name: &str, replicas: i64, image: &str) -> Value {
    common::workload("Deployment", name, replicas, image)
}

fn merge(sim: &mut Sim, resource: &str, name: &str, patch: &str) {
    let patch = ordinal_model::json::parse(patch).expect("patch json");
    sim.patch(resource, "default", name, &patch, PatchType::Merge)
        .expect("patched");
}

fn set_image(sim: &mut Sim, name: &str, image: &str) {
    merge(
        sim,
        "deployments",
        name,
        &format!(
            r#"{{"spec":{{"template":{{"spec":{{"containers":[{{"name":"nginx","image":"{image}"}}]}}}}}}}}"#
        ),
    );
}

/// Pods of the app that are not being deleted.
fn live_pods(sim: &Sim, app: &str) -> Vec<Value> {
    sim.list("pods", Some("default"), &format!("app={app}"), "")
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.str_at(&["metadata", "deletionTimestamp"]).is_empty())
        .collect()
}

fn ready(p: &Value) -> bool {
    p.array_at(&["status", "conditions"])
        .iter()
        .any(|c| c.str_at(&["type"]) == "Ready" && c.str_at(&["status"]) == "True")
}

fn image(p: &Value) -> &str {
    p.array_at(&["spec", "containers"])
        .first()
        .map_or("", |c| c.str_at(&["image"]))
}

fn replica_sets(sim: &Sim) -> Vec<Value> {
    sim.list("replicasets", Some("default"), "", "")
        .unwrap_or_default()
}

fn name(v: &Value) -> &str {
    v.str_at(&["metadata", "name"])
}

/// Steps through a rollout checking that the pods never exceed
/// `replicas + surge` nor ready ones drop below `replicas - unavailable`.
fn rollout_within_bounds(replicas: i64, surge: Value, unavailable: Value, max: i64, min: i64) {
    let mut sim = Sim::new(SimConfig::default());
    let mut d = deployment("web", replicas, "nginx:1.27");
    d.set(&["spec", "strategy", "rollingUpdate", "maxSurge"], surge);
    d.set(
        &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
        unavailable,
    );
    sim.create("deployments", "default", d).expect("created");
    sim.advance(20_000);
    assert_eq!(
        live_pods(&sim, "web").iter().filter(|p| ready(p)).count() as i64,
        replicas
    );
    set_image(&mut sim, "web", "nginx:1.28");
    let mut saw_surge = false;
    for _ in 0..600 {
        sim.advance(100);
        let pods = live_pods(&sim, "web");
        let total = pods.len() as i64;
        let ready_count = pods.iter().filter(|p| ready(p)).count() as i64;
        assert!(total <= max, "{total} pods exceed {max}");
        assert!(ready_count >= min, "{ready_count} ready pods, below {min}");
        saw_surge |= total > replicas;
    }
    assert_eq!(saw_surge, max > replicas, "surge used when allowed");
    let pods = live_pods(&sim, "web");
    assert_eq!(pods.len() as i64, replicas);
    assert!(pods.iter().all(|p| ready(p) && image(p) == "nginx:1.28"));
    let d = sim
        .get("deployments", "default", "web")
        .expect("deployment");
    assert_eq!(d.i64_at(&["status", "updatedReplicas"]), Some(replicas));
    assert_eq!(d.i64_at(&["status", "availableReplicas"]), Some(replicas));
    let rs = replica_sets(&sim);
    assert_eq!(rs.len(), 2, "old ReplicaSet kept for history");
    assert!(rs
        .iter()
        .any(|r| r.i64_at(&["spec", "replicas"]) == Some(0)));
}

#[test]
fn default_rolling_update_surges_one_and_keeps_all_available() {
    rollout_within_bounds(3, "25%".into(), "25%".into(), 4, 3);
}

#[test]
fn rolling_update_with_unavailable_and_no_surge() {
    rollout_within_bounds(4, Value::Int(0), Value::Int(1), 4, 3);
}

#[test]
fn rolling_update_of_ten_with_percentages() {
    rollout_within_bounds(10, "30%".into(), "20%".into(), 13, 8);
}

#[test]
fn pods_get_random_names_and_a_deleted_pod_is_replaced_under_a_new_name() {
    let mut sim = Sim::default();
    sim.create("deployments", "default", deployment("web", 3, "nginx:1.27"))
        .expect("created");
    sim.advance(20_000);
    let rs = replica_sets(&sim);
    assert_eq!(rs.len(), 1);
    let rs_name = name(&rs[0]).to_string();
    let hash = rs[0].str_at(&["metadata", "labels", "pod-template-hash"]);
    assert_eq!(rs_name, format!("web-{hash}"));
    let pods = live_pods(&sim, "web");
    let names: Vec<String> = pods.iter().map(|p| name(p).to_string()).collect();
    for n in &names {
        let suffix = n.strip_prefix(&format!("{rs_name}-")).expect("rs prefix");
        assert_eq!(suffix.len(), 5);
        assert!(suffix
            .bytes()
            .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)));
    }
    sim.delete("pods", "default", &names[0], &DeleteOptions::default())
        .expect("deleted");
    sim.advance(100);
    let status = |sim: &Sim, key: &str| {
        sim.get("replicasets", "default", &rs_name)
            .ok()
            .and_then(|r| r.i64_at(&["status", key]))
    };
    assert_eq!(status(&sim, "terminatingReplicas"), Some(1));
    assert_eq!(status(&sim, "replicas"), Some(3), "replacement counted");
    sim.advance(20_000);
    assert_eq!(status(&sim, "terminatingReplicas"), Some(0));
    let after: Vec<String> = live_pods(&sim, "web")
        .iter()
        .map(|p| name(p).to_string())
        .collect();
    assert_eq!(after.len(), 3);
    assert!(!after.contains(&names[0]));
    let events: Vec<String> = sim
        .events_for("ReplicaSet", "default", &rs_name)
        .iter()
        .map(|e| e.str_at(&["message"]).to_string())
        .collect();
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(events.iter().all(|m| m.starts_with("Created pod: web-")));
}

#[test]
fn scale_down_removes_the_pods_that_are_not_ready_yet() {
    let mut sim = Sim::default();
    sim.create("deployments", "default", deployment("web", 2, "nginx:1.27"))
        .expect("created");
    sim.advance(20_000);
    let first: Vec<String> = live_pods(&sim, "web")
        .iter()
        .map(|p| name(p).to_string())
        .collect();
    merge(&mut sim, "deployments", "web", r#"{"spec":{"replicas":4}}"#);
    sim.advance(500);
    assert_eq!(live_pods(&sim, "web").len(), 4);
    merge(&mut sim, "deployments", "web", r#"{"spec":{"replicas":2}}"#);
    sim.advance(20_000);
    let mut kept: Vec<String> = live_pods(&sim, "web")
        .iter()
        .map(|p| name(p).to_string())
        .collect();
    ordinal_model::order::sort(&mut kept);
    let mut first = first;
    ordinal_model::order::sort(&mut first);
    assert_eq!(kept, first, "the ready pods stay");
    let d = sim
        .get("deployments", "default", "web")
        .expect("deployment");
    let messages: Vec<String> = sim
        .events_for("Deployment", "default", "web")
        .iter()
        .map(|e| e.str_at(&["message"]).to_string())
        .collect();
    let rs = name(&replica_sets(&sim)[0]).to_string();
    assert_eq!(
        messages,
        [
            format!("Scaled up replica set {rs} to 2"),
            format!("Scaled up replica set {rs} to 4 from 2"),
            format!("Scaled down replica set {rs} to 2 from 4"),
        ]
    );
    assert_eq!(d.i64_at(&["status", "availableReplicas"]), Some(2));
}

#[test]
fn recreate_removes_every_old_pod_before_creating_new_ones() {
    let mut sim = Sim::default();
    let mut d = deployment("web", 3, "nginx:1.27");
    d.set(&["spec", "strategy", "type"], "Recreate".into());
    sim.create("deployments", "default", d).expect("created");
    sim.advance(20_000);
    set_image(&mut sim, "web", "nginx:1.28");
    for _ in 0..400 {
        sim.advance(100);
        // Old pods that already exited (Succeeded/Failed) may linger, as upstream.
        let all: Vec<Value> = sim
            .list("pods", Some("default"), "app=web", "")
            .unwrap_or_default()
            .into_iter()
            .filter(|p| !matches!(p.str_at(&["status", "phase"]), "Succeeded" | "Failed"))
            .collect();
        let images: Vec<&str> = all.iter().map(image).collect();
        assert!(
            !(images.contains(&"nginx:1.27") && images.contains(&"nginx:1.28")),
            "old and new pods together: {images:?}"
        );
    }
    let pods = live_pods(&sim, "web");
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|p| ready(p) && image(p) == "nginx:1.28"));
}

#[test]
fn revision_history_limit_deletes_the_oldest_empty_replica_sets() {
    let mut sim = Sim::default();
    let mut d = deployment("web", 1, "nginx:1.27");
    d.set(&["spec", "revisionHistoryLimit"], Value::Int(1));
    sim.create("deployments", "default", d).expect("created");
    sim.advance(20_000);
    for tag in ["1.28", "1.29", "1.30"] {
        set_image(&mut sim, "web", &format!("nginx:{tag}"));
        sim.advance(30_000);
    }
    let rs = replica_sets(&sim);
    let revisions: Vec<&str> = rs
        .iter()
        .map(|r| {
            r.str_at(&[
                "metadata",
                "annotations",
                "deployment.kubernetes.io/revision",
            ])
        })
        .collect();
    assert_eq!(rs.len(), 2, "{revisions:?}");
    assert!(revisions.contains(&"4") && revisions.contains(&"3"));
    let d = sim
        .get("deployments", "default", "web")
        .expect("deployment");
    assert_eq!(
        d.str_at(&[
            "metadata",
            "annotations",
            "deployment.kubernetes.io/revision"
        ]),
        "4"
    );
}

#[test]
fn scaling_during_a_rollout_is_proportional_and_bounded() {
    let mut sim = Sim::default();
    sim.create(
        "deployments",
        "default",
        deployment("web", 10, "nginx:1.27"),
    )
    .expect("created");
    sim.advance(30_000);
    set_image(&mut sim, "web", "nginx:does-not-exist");
    sim.advance(5_000);
    merge(
        &mut sim,
        "deployments",
        "web",
        r#"{"spec":{"replicas":20}}"#,
    );
    sim.advance(1_000);
    let sizes: Vec<i64> = replica_sets(&sim)
        .iter()
        .map(|r| r.i64_at(&["spec", "replicas"]).unwrap_or(0))
        .collect();
    // 25% surge of 20 is 5: the ReplicaSets share 25 replicas.
    assert_eq!(sizes.iter().sum::<i64>(), 25, "{sizes:?}");
    assert!(sizes.iter().all(|s| *s > 5), "both grew: {sizes:?}");
}

#[test]
fn a_stuck_rollout_reports_progress_deadline_exceeded() {
    let mut sim = Sim::default();
    let mut d = deployment("web", 2, "nginx:1.27");
    d.set(&["spec", "progressDeadlineSeconds"], Value::Int(30));
    sim.create("deployments", "default", d).expect("created");
    sim.advance(20_000);
    set_image(&mut sim, "web", "nginx:does-not-exist");
    sim.advance(60_000);
    let d = sim
        .get("deployments", "default", "web")
        .expect("deployment");
    let progressing = d
        .array_at(&["status", "conditions"])
        .iter()
        .find(|c| c.str_at(&["type"]) == "Progressing")
        .cloned()
        .unwrap_or_default();
    assert_eq!(progressing.str_at(&["status"]), "False");
    assert_eq!(progressing.str_at(&["reason"]), "ProgressDeadlineExceeded");
    assert!(progressing
        .str_at(&["message"])
        .ends_with("has timed out progressing."));
    assert_eq!(
        live_pods(&sim, "web").iter().filter(|p| ready(p)).count(),
        2
    );
}

#[test]
fn replicas_share_one_claim_from_the_template() {
    let mut sim = Sim::default();
    let mut claim = Value::object();
    claim.set(&["apiVersion"], "v1".into());
    claim.set(&["kind"], "PersistentVolumeClaim".into());
    claim.set(&["metadata", "name"], "shared".into());
    claim.set(
        &["spec", "accessModes"],
        Value::from(vec![Value::from("ReadWriteOnce")]),
    );
    claim.set(&["spec", "resources", "requests", "storage"], "1Gi".into());
    sim.create("persistentvolumeclaims", "default", claim)
        .expect("claim");
    let mut d = deployment("web", 3, "nginx:1.27");
    d.set(
        &["spec", "template", "spec", "volumes"],
        Value::from(vec![Value::from([
            ("name", Value::from("data")),
            (
                "persistentVolumeClaim",
                Value::from([("claimName", Value::from("shared"))]),
            ),
        ])]),
    );
    sim.create("deployments", "default", d).expect("created");
    sim.advance(30_000);
    let pods = live_pods(&sim, "web");
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(ready));
    assert_eq!(
        sim.list("persistentvolumeclaims", Some("default"), "", "")
            .expect("claims")
            .len(),
        1,
        "no per-pod claims"
    );
}

#[test]
fn min_ready_seconds_delays_availability() {
    let mut sim = Sim::default();
    let mut d = deployment("web", 2, "nginx:1.27");
    d.set(&["spec", "minReadySeconds"], Value::Int(10));
    sim.create("deployments", "default", d).expect("created");
    let mut ready_at = None;
    let mut available_at = None;
    for step in 0..400u64 {
        sim.advance(100);
        let d = sim
            .get("deployments", "default", "web")
            .expect("deployment");
        if ready_at.is_none() && d.i64_at(&["status", "readyReplicas"]) == Some(2) {
            ready_at = Some(step);
        }
        if available_at.is_none() && d.i64_at(&["status", "availableReplicas"]) == Some(2) {
            available_at = Some(step);
        }
    }
    let (Some(ready), Some(available)) = (ready_at, available_at) else {
        panic!("ready {ready_at:?}, available {available_at:?}");
    };
    assert!(
        available >= ready + 90,
        "ready at {ready}, available at {available}"
    );
    let rs = replica_sets(&sim);
    assert_eq!(rs[0].i64_at(&["spec", "minReadySeconds"]), Some(10));
}

#[test]
fn long_names_are_cut_to_fit_the_random_suffix() {
    let mut sim = Sim::default();
    let long = "a-deployment-with-a-rather-long-name-for-its-pods-x";
    sim.create("deployments", "default", deployment(long, 1, "nginx:1.27"))
        .expect("created");
    sim.advance(1_000);
    let pods = live_pods(&sim, long);
    assert_eq!(pods.len(), 1);
    let pod_name = name(&pods[0]);
    let rs = name(&replica_sets(&sim)[0]).to_string();
    assert_eq!(pod_name.len(), 63, "{pod_name}");
    assert!(pod_name.starts_with(&rs[..58]));
    assert_eq!(
        pods[0].str_at(&["metadata", "generateName"]),
        format!("{rs}-")
    );
}
