//! StatefulSet scenarios under both pod management policies, with invariant
//! checks after every step.

use ordinal_core::{DeleteOptions, PatchType, Propagation, Sim, SimConfig, Value, WatchEventKind};

fn sts(name: &str, replicas: i64, policy: &str, image: &str) -> Value {
    let mut v = Value::object();
    v.set(&["apiVersion"], "apps/v1".into());
    v.set(&["kind"], "StatefulSet".into());
    v.set(&["metadata", "name"], name.into());
    v.set(&["spec", "replicas"], Value::Int(replicas));
    v.set(&["spec", "serviceName"], "nginx".into());
    v.set(&["spec", "podManagementPolicy"], policy.into());
    v.set(&["spec", "selector", "matchLabels", "app"], name.into());
    v.set(
        &["spec", "template", "metadata", "labels", "app"],
        name.into(),
    );
    v.set(
        &["spec", "template", "spec", "containers"],
        Value::from(vec![Value::from([
            ("name", Value::from("nginx")),
            ("image", Value::from(image)),
            (
                "volumeMounts",
                Value::from(vec![Value::from([
                    ("name", Value::from("www")),
                    ("mountPath", Value::from("/usr/share/nginx/html")),
                ])]),
            ),
        ])]),
    );
    let mut tpl = Value::object();
    tpl.set(&["metadata", "name"], "www".into());
    tpl.set(
        &["spec", "accessModes"],
        Value::from(vec![Value::from("ReadWriteOnce")]),
    );
    tpl.set(&["spec", "resources", "requests", "storage"], "1Gi".into());
    v.set(&["spec", "volumeClaimTemplates"], Value::from(vec![tpl]));
    v
}

fn pods(sim: &Sim, app: &str) -> Vec<Value> {
    sim.list("pods", Some("default"), &format!("app={app}"), "")
        .unwrap_or_default()
}

fn ready(p: &Value) -> bool {
    p.array_at(&["status", "conditions"])
        .iter()
        .any(|c| c.str_at(&["type"]) == "Ready" && c.str_at(&["status"]) == "True")
}

fn check_invariants(sim: &Sim, app: &str, ordered: bool) {
    let ps = pods(sim, app);
    let mut names: Vec<&str> = ps.iter().map(|p| p.str_at(&["metadata", "name"])).collect();
    names.dedup();
    assert_eq!(names.len(), ps.len(), "one pod per ordinal");
    if ordered {
        let in_transition = ps
            .iter()
            .filter(|p| !ready(p) || !p.str_at(&["metadata", "deletionTimestamp"]).is_empty())
            .count();
        assert!(
            in_transition <= 1,
            "OrderedReady: at most one pod in transition: {names:?}"
        );
    }
}

fn run(sim: &mut Sim, app: &str, ordered: bool, ms: u64) {
    for _ in 0..(ms / 250) {
        sim.advance(250);
        check_invariants(sim, app, ordered);
    }
}

fn scale_up_down(policy: &str) {
    let ordered = policy == "OrderedReady";
    let mut sim = Sim::new(SimConfig::default());
    sim.create(
        "statefulsets",
        "default",
        sts("web", 3, policy, "nginx:1.27"),
    )
    .expect("created");
    run(&mut sim, "web", ordered, 30_000);
    let ps = pods(&sim, "web");
    assert_eq!(ps.len(), 3);
    assert!(ps.iter().all(ready), "all ready");
    let set = sim.get("statefulsets", "default", "web").expect("sts");
    assert_eq!(set.i64_at(&["status", "readyReplicas"]), Some(3));
    assert_eq!(
        set.str_at(&["status", "currentRevision"]),
        set.str_at(&["status", "updateRevision"])
    );
    let claims = sim
        .list("persistentvolumeclaims", Some("default"), "", "")
        .expect("pvcs");
    assert_eq!(claims.len(), 3);
    assert!(claims
        .iter()
        .all(|c| c.str_at(&["status", "phase"]) == "Bound"));
    sim.scale("statefulsets", "default", "web", 1)
        .expect("scaled");
    run(&mut sim, "web", ordered, 20_000);
    assert_eq!(pods(&sim, "web").len(), 1);
    assert_eq!(
        sim.list("persistentvolumeclaims", Some("default"), "", "")
            .expect("pvcs")
            .len(),
        3,
        "claims are retained"
    );
}

#[test]
fn scale_up_and_down_ordered_ready() {
    scale_up_down("OrderedReady");
}

#[test]
fn scale_up_and_down_parallel() {
    scale_up_down("Parallel");
}

#[test]
fn ordered_ready_creates_pods_in_order_with_claim_events_first() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 2, "OrderedReady", "nginx:1.27"),
    )
    .expect("created");
    sim.advance(1);
    assert_eq!(pods(&sim, "web").len(), 1, "web-1 waits for web-0");
    let events = sim.events_for("StatefulSet", "default", "web");
    let messages: Vec<&str> = events.iter().map(|e| e.str_at(&["message"])).collect();
    assert_eq!(
        messages,
        [
            "create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "create Pod web-0 in StatefulSet web successful"
        ]
    );
    run(&mut sim, "web", true, 30_000);
    assert_eq!(pods(&sim, "web").len(), 2);
}

#[test]
fn deleted_pod_is_recreated_with_same_name_and_claim_but_new_uid_and_ip() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 2, "OrderedReady", "nginx:1.27"),
    )
    .expect("created");
    run(&mut sim, "web", true, 30_000);
    let before = sim.get("pods", "default", "web-0").expect("pod");
    sim.delete("pods", "default", "web-0", &DeleteOptions::default())
        .expect("deleted");
    run(&mut sim, "web", true, 30_000);
    let after = sim.get("pods", "default", "web-0").expect("recreated");
    assert_ne!(
        before.str_at(&["metadata", "uid"]),
        after.str_at(&["metadata", "uid"])
    );
    assert_ne!(
        before.str_at(&["status", "podIP"]),
        after.str_at(&["status", "podIP"])
    );
    assert!(ready(&after));
}

#[test]
fn rolling_update_replaces_pods_in_reverse_order() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 3, "OrderedReady", "nginx:1.27"),
    )
    .expect("created");
    run(&mut sim, "web", true, 30_000);
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
                        ("image", Value::from("nginx:1.28")),
                    ])]),
                )]),
            )]),
        )]),
    )]);
    sim.patch(
        "statefulsets",
        "default",
        "web",
        &patch,
        ordinal_core::PatchType::Strategic,
    )
    .expect("patched");
    let watch = sim
        .watch("pods", Some("default"), "app=web", "")
        .expect("watch");
    run(&mut sim, "web", true, 60_000);
    let deleted: Vec<String> = sim
        .take_watch_events(watch)
        .into_iter()
        .filter(|e| e.kind == ordinal_core::WatchEventKind::Deleted)
        .map(|e| e.object.str_at(&["metadata", "name"]).to_string())
        .collect();
    assert_eq!(deleted, ["web-2", "web-1", "web-0"]);
    let set = sim.get("statefulsets", "default", "web").expect("sts");
    assert_eq!(
        set.str_at(&["status", "currentRevision"]),
        set.str_at(&["status", "updateRevision"])
    );
    assert_eq!(set.i64_at(&["status", "updatedReplicas"]), Some(3));
}

#[test]
fn missing_storage_class_leaves_claims_pending_with_an_event() {
    let mut sim = Sim::default();
    let mut set = sts("db", 1, "OrderedReady", "redis:7.2");
    set.set(
        &["spec", "volumeClaimTemplates"],
        Value::from(vec![{
            let mut t = Value::object();
            t.set(&["metadata", "name"], "www".into());
            t.set(&["spec", "storageClassName"], "managed-nfs-storage".into());
            t.set(
                &["spec", "accessModes"],
                Value::from(vec![Value::from("ReadWriteOnce")]),
            );
            t.set(&["spec", "resources", "requests", "storage"], "1Gi".into());
            t
        }]),
    );
    sim.create("statefulsets", "default", set).expect("created");
    sim.advance(5_000);
    let claim = sim
        .get("persistentvolumeclaims", "default", "www-db-0")
        .expect("claim");
    assert_eq!(claim.str_at(&["status", "phase"]), "Pending");
    let events = sim.events_for("PersistentVolumeClaim", "default", "www-db-0");
    assert!(events.iter().any(|e| e.str_at(&["message"])
        == "storageclass.storage.k8s.io \"managed-nfs-storage\" not found"));
    let pod = sim.get("pods", "default", "db-0").expect("pod");
    assert_eq!(pod.str_at(&["status", "phase"]), "Pending");
}

fn set_image(sim: &mut Sim, name: &str, image: &str) {
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
    sim.patch(
        "statefulsets",
        "default",
        name,
        &patch,
        PatchType::Strategic,
    )
    .expect("patched");
}

fn image_of(sim: &Sim, pod: &str) -> String {
    sim.get("pods", "default", pod)
        .expect("pod")
        .array_at(&["spec", "containers"])[0]
        .str_at(&["image"])
        .to_string()
}

fn status(sim: &Sim, name: &str, field: &str) -> Value {
    sim.get("statefulsets", "default", name)
        .expect("sts")
        .at(&["status", field])
        .cloned()
        .unwrap_or_default()
}

fn policies() -> [(&'static str, bool); 2] {
    [("OrderedReady", true), ("Parallel", false)]
}

#[test]
fn partition_updates_only_ordinals_at_or_above_it() {
    for (policy, ordered) in policies() {
        let mut sim = Sim::default();
        let mut set = sts("web", 3, policy, "nginx:1.27");
        set.set(&["spec", "updateStrategy", "type"], "RollingUpdate".into());
        set.set(
            &["spec", "updateStrategy", "rollingUpdate", "partition"],
            Value::Int(2),
        );
        sim.create("statefulsets", "default", set).expect("created");
        run(&mut sim, "web", ordered, 30_000);
        let old_revision = status(&sim, "web", "currentRevision");
        set_image(&mut sim, "web", "nginx:1.28");
        run(&mut sim, "web", ordered, 30_000);
        assert_eq!(image_of(&sim, "web-2"), "nginx:1.28", "{policy}");
        assert_eq!(image_of(&sim, "web-1"), "nginx:1.27", "{policy}");
        assert_eq!(
            status(&sim, "web", "currentRevision"),
            old_revision,
            "{policy}: rollout not complete"
        );
        assert_eq!(status(&sim, "web", "updatedReplicas"), Value::Int(1));
        sim.delete("pods", "default", "web-0", &DeleteOptions::default())
            .expect("deleted");
        run(&mut sim, "web", ordered, 30_000);
        assert_eq!(
            image_of(&sim, "web-0"),
            "nginx:1.27",
            "{policy}: below the partition a pod is recreated at the current revision"
        );
        let patch = Value::from([(
            "spec",
            Value::from([(
                "updateStrategy",
                Value::from([("rollingUpdate", Value::from([("partition", Value::Int(0))]))]),
            )]),
        )]);
        sim.patch("statefulsets", "default", "web", &patch, PatchType::Merge)
            .expect("patched");
        run(&mut sim, "web", ordered, 60_000);
        assert_eq!(image_of(&sim, "web-0"), "nginx:1.28", "{policy}");
        assert_eq!(
            status(&sim, "web", "currentRevision"),
            status(&sim, "web", "updateRevision")
        );
    }
}

#[test]
fn on_delete_replaces_only_deleted_pods_and_never_advances_current_revision() {
    for (policy, ordered) in policies() {
        let mut sim = Sim::default();
        let mut set = sts("web", 2, policy, "nginx:1.27");
        set.set(&["spec", "updateStrategy", "type"], "OnDelete".into());
        sim.create("statefulsets", "default", set).expect("created");
        run(&mut sim, "web", ordered, 30_000);
        set_image(&mut sim, "web", "nginx:1.28");
        run(&mut sim, "web", ordered, 30_000);
        assert_eq!(image_of(&sim, "web-1"), "nginx:1.27");
        for pod in ["web-1", "web-0"] {
            sim.delete("pods", "default", pod, &DeleteOptions::default())
                .expect("deleted");
            run(&mut sim, "web", ordered, 30_000);
        }
        assert_eq!(image_of(&sim, "web-0"), "nginx:1.28");
        assert_eq!(image_of(&sim, "web-1"), "nginx:1.28");
        assert_eq!(status(&sim, "web", "updatedReplicas"), Value::Int(2));
        assert_ne!(
            status(&sim, "web", "currentRevision"),
            status(&sim, "web", "updateRevision"),
            "{policy}: 1.36 never completes OnDelete"
        );
        assert_eq!(
            status(&sim, "web", "currentReplicas"),
            Value::Null,
            "0 is omitted"
        );
    }
}

#[test]
fn rollback_reuses_the_old_revision_with_a_new_number() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 2, "OrderedReady", "nginx:1.27"),
    )
    .expect("created");
    run(&mut sim, "web", true, 30_000);
    let first = status(&sim, "web", "currentRevision");
    set_image(&mut sim, "web", "nginx:1.28");
    run(&mut sim, "web", true, 60_000);
    set_image(&mut sim, "web", "nginx:1.27");
    run(&mut sim, "web", true, 60_000);
    assert_eq!(status(&sim, "web", "updateRevision"), first);
    assert_eq!(status(&sim, "web", "currentRevision"), first);
    let mut revisions: Vec<(String, i64)> = sim
        .list("controllerrevisions", Some("default"), "", "")
        .expect("revisions")
        .iter()
        .map(|r| {
            (
                r.str_at(&["metadata", "name"]).to_string(),
                r.i64_at(&["revision"]).unwrap_or(0),
            )
        })
        .collect();
    revisions.sort_by_key(|r| r.1);
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[1], (first.as_str().unwrap_or("").to_string(), 3));
    assert_eq!(revisions[0].1, 2);
}

#[test]
fn revision_history_is_truncated_to_the_limit() {
    let mut sim = Sim::default();
    let mut set = sts("web", 1, "OrderedReady", "nginx:1.20");
    set.set(&["spec", "revisionHistoryLimit"], Value::Int(2));
    sim.create("statefulsets", "default", set).expect("created");
    run(&mut sim, "web", true, 20_000);
    for minor in 21..26 {
        set_image(&mut sim, "web", &format!("nginx:1.{minor}"));
        run(&mut sim, "web", true, 20_000);
    }
    let revisions = sim
        .list("controllerrevisions", Some("default"), "", "")
        .expect("revisions");
    assert_eq!(revisions.len(), 3, "current + 2 history");
}

#[test]
fn ordered_scale_down_deletes_highest_ordinal_first_one_at_a_time() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 3, "OrderedReady", "nginx:1.27"),
    )
    .expect("created");
    run(&mut sim, "web", true, 30_000);
    let watch = sim.watch("pods", Some("default"), "", "").expect("watch");
    sim.scale("statefulsets", "default", "web", 0)
        .expect("scaled");
    let mut terminating_at_once = 0;
    for _ in 0..120 {
        sim.advance(250);
        let n = pods(&sim, "web")
            .iter()
            .filter(|p| !p.str_at(&["metadata", "deletionTimestamp"]).is_empty())
            .count();
        terminating_at_once = terminating_at_once.max(n);
    }
    assert_eq!(terminating_at_once, 1);
    let order: Vec<String> = sim
        .take_watch_events(watch)
        .into_iter()
        .filter(|e| e.kind == WatchEventKind::Deleted)
        .map(|e| e.object.str_at(&["metadata", "name"]).to_string())
        .collect();
    assert_eq!(order, ["web-2", "web-1", "web-0"]);
}

#[test]
fn parallel_creates_all_pods_at_once() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 4, "Parallel", "nginx:1.27"),
    )
    .expect("created");
    sim.advance(1);
    assert_eq!(pods(&sim, "web").len(), 4);
}

#[test]
fn bad_image_blocks_ordered_ready_and_shows_image_pull_back_off() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 3, "OrderedReady", "nginx:nope"),
    )
    .expect("created");
    run(&mut sim, "web", true, 60_000);
    assert_eq!(pods(&sim, "web").len(), 1);
    let pod = sim.get("pods", "default", "web-0").expect("pod");
    let reason = pod.array_at(&["status", "containerStatuses"])[0]
        .str_at(&["state", "waiting", "reason"])
        .to_string();
    assert!(
        reason == "ImagePullBackOff" || reason == "ErrImagePull",
        "{reason}"
    );
    let events = sim.events_for("Pod", "default", "web-0");
    assert!(events
        .iter()
        .any(|e| e.str_at(&["message"]) == "Error: ErrImagePull"));
    assert!(events
        .iter()
        .any(|e| e.str_at(&["message"]) == "Back-off pulling image \"nginx:nope\""));
}

#[test]
fn crashing_container_restarts_with_back_off() {
    let mut sim = Sim::default();
    let mut set = sts("web", 1, "OrderedReady", "busybox:1.36");
    set.set(&["spec", "volumeClaimTemplates"], Value::Array(vec![]));
    if let Some(c) = set
        .at_mut(&["spec", "template", "spec", "containers"])
        .and_then(Value::as_array_mut)
    {
        c[0].remove(&["volumeMounts"]);
    }
    sim.create("statefulsets", "default", set).expect("created");
    sim.advance(120_000);
    let pod = sim.get("pods", "default", "web-0").expect("pod");
    let restarts = pod.array_at(&["status", "containerStatuses"])[0]
        .i64_at(&["restartCount"])
        .unwrap_or(0);
    assert!(
        (3..=6).contains(&restarts),
        "{restarts} restarts in 2 minutes with 10s doubling back-off"
    );
    let events = sim.events_for("Pod", "default", "web-0");
    assert!(events.iter().any(|e| e.str_at(&["reason"]) == "BackOff"
        && e.str_at(&["message"])
            .starts_with("Back-off restarting failed container nginx in pod web-0_default(")));
}

#[test]
fn deleting_a_statefulset_in_background_terminates_pods_together_and_keeps_claims() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 3, "OrderedReady", "nginx:1.27"),
    )
    .expect("created");
    run(&mut sim, "web", true, 30_000);
    sim.delete("statefulsets", "default", "web", &DeleteOptions::default())
        .expect("deleted");
    let terminating = pods(&sim, "web")
        .iter()
        .filter(|p| !p.str_at(&["metadata", "deletionTimestamp"]).is_empty())
        .count();
    assert_eq!(terminating, 3);
    sim.advance(10_000);
    assert!(pods(&sim, "web").is_empty());
    assert_eq!(
        sim.list("persistentvolumeclaims", Some("default"), "", "")
            .expect("pvcs")
            .len(),
        3
    );
}

#[test]
fn orphan_deletion_keeps_pods_and_a_new_set_adopts_them() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 2, "OrderedReady", "nginx:1.27"),
    )
    .expect("created");
    run(&mut sim, "web", true, 30_000);
    let uid0 = sim
        .get("pods", "default", "web-0")
        .expect("pod")
        .str_at(&["metadata", "uid"])
        .to_string();
    let opts = DeleteOptions {
        propagation: Propagation::Orphan,
        ..DeleteOptions::default()
    };
    sim.delete("statefulsets", "default", "web", &opts)
        .expect("deleted");
    sim.advance(5_000);
    let pod = sim.get("pods", "default", "web-0").expect("pod kept");
    assert!(pod.array_at(&["metadata", "ownerReferences"]).is_empty());
    sim.create(
        "statefulsets",
        "default",
        sts("web", 2, "OrderedReady", "nginx:1.27"),
    )
    .expect("re-created");
    sim.advance(5_000);
    let pod = sim.get("pods", "default", "web-0").expect("pod");
    assert_eq!(
        pod.str_at(&["metadata", "uid"]),
        uid0,
        "adopted, not replaced"
    );
    assert_eq!(pod.array_at(&["metadata", "ownerReferences"]).len(), 1);
}

#[test]
fn foreground_deletion_keeps_the_set_until_its_pods_are_gone() {
    let mut sim = Sim::default();
    sim.create(
        "statefulsets",
        "default",
        sts("web", 2, "Parallel", "nginx:1.27"),
    )
    .expect("created");
    run(&mut sim, "web", false, 30_000);
    let opts = DeleteOptions {
        propagation: Propagation::Foreground,
        ..DeleteOptions::default()
    };
    sim.delete("statefulsets", "default", "web", &opts)
        .expect("deleted");
    let set = sim
        .get("statefulsets", "default", "web")
        .expect("still there");
    assert!(!set.str_at(&["metadata", "deletionTimestamp"]).is_empty());
    sim.advance(10_000);
    assert!(sim.get("statefulsets", "default", "web").is_err());
    assert!(pods(&sim, "web").is_empty());
}

#[test]
fn start_ordinal_names_pods_from_the_start() {
    let mut sim = Sim::default();
    let mut set = sts("web", 2, "OrderedReady", "nginx:1.27");
    set.set(&["spec", "ordinals", "start"], Value::Int(5));
    sim.create("statefulsets", "default", set).expect("created");
    run(&mut sim, "web", true, 30_000);
    let names: Vec<String> = pods(&sim, "web")
        .iter()
        .map(|p| p.str_at(&["metadata", "name"]).to_string())
        .collect();
    assert_eq!(names, ["web-5", "web-6"]);
    assert_eq!(
        sim.get("pods", "default", "web-6").expect("pod").str_at(&[
            "metadata",
            "labels",
            "apps.kubernetes.io/pod-index"
        ]),
        "6"
    );
}

#[test]
fn min_ready_seconds_delays_availability() {
    let mut sim = Sim::default();
    let mut set = sts("web", 1, "OrderedReady", "nginx:1.27");
    set.set(&["spec", "minReadySeconds"], Value::Int(10));
    sim.create("statefulsets", "default", set).expect("created");
    let mut saw_ready_not_available = false;
    for _ in 0..120 {
        sim.advance(250);
        if status(&sim, "web", "readyReplicas") == Value::Int(1)
            && status(&sim, "web", "availableReplicas") == Value::Int(0)
        {
            saw_ready_not_available = true;
        }
    }
    assert!(saw_ready_not_available);
    assert_eq!(status(&sim, "web", "availableReplicas"), Value::Int(1));
}

#[test]
fn replicas_beyond_the_limit_are_rejected() {
    let mut sim = Sim::default();
    let err = sim
        .create(
            "statefulsets",
            "default",
            sts("web", 5_000, "Parallel", "nginx:1.27"),
        )
        .expect_err("limit");
    assert_eq!(err.reason, ordinal_core::Reason::Invalid);
    assert!(err.message.contains("spec.replicas"), "{}", err.message);
}

#[test]
fn api_errors_use_the_servers_texts() {
    let mut sim = Sim::default();
    assert_eq!(
        sim.get("pods", "default", "web-9")
            .expect_err("missing")
            .message,
        "pods \"web-9\" not found"
    );
    sim.create(
        "statefulsets",
        "default",
        sts("web", 1, "OrderedReady", "nginx:1.27"),
    )
    .expect("created");
    let err = sim
        .create(
            "statefulsets",
            "default",
            sts("web", 1, "OrderedReady", "nginx:1.27"),
        )
        .expect_err("dup");
    assert_eq!(err.message, "statefulsets.apps \"web\" already exists");
    let err = sim
        .create(
            "statefulsets",
            "prod",
            sts("db", 1, "OrderedReady", "nginx:1.27"),
        )
        .expect_err("ns");
    assert_eq!(err.message, "namespaces \"prod\" not found");
}

#[test]
fn same_seed_same_event_log() {
    let log = |seed: u64| {
        let mut sim = Sim::new(SimConfig {
            seed,
            ..SimConfig::default()
        });
        let watch = sim.watch("events", None, "", "").expect("watch");
        sim.create(
            "statefulsets",
            "default",
            sts("web", 3, "Parallel", "nginx:1.27"),
        )
        .expect("created");
        sim.advance(30_000);
        sim.delete("pods", "default", "web-1", &DeleteOptions::default())
            .expect("deleted");
        sim.advance(30_000);
        format!("{:?}", sim.take_watch_events(watch))
    };
    assert_eq!(log(7), log(7));
    assert_ne!(log(7), log(8));
}

#[test]
fn invalid_pod_template_is_accepted_and_reported_with_failed_create() {
    let mut sim = Sim::default();
    let mut set = sts("db", 1, "OrderedReady", "redis:7.2");
    set.set(&["spec", "volumeClaimTemplates"], Value::Array(vec![]));
    let container = Value::from([
        ("name", Value::from("redis")),
        ("image", Value::from("redis:7.2")),
    ]);
    set.set(
        &["spec", "template", "spec", "containers"],
        Value::from(vec![container.clone(), container]),
    );
    sim.create("statefulsets", "default", set)
        .expect("the StatefulSet itself is valid");
    sim.advance(1_000);
    assert!(pods(&sim, "db").is_empty());
    let events = sim.events_for("StatefulSet", "default", "db");
    let failed = events
        .iter()
        .find(|e| e.str_at(&["reason"]) == "FailedCreate")
        .expect("FailedCreate");
    assert_eq!(
        failed.str_at(&["message"]),
        "create Pod db-0 in StatefulSet db failed error: Pod \"db-0\" is invalid: spec.containers[1].name: Duplicate value: \"redis\""
    );
}

#[test]
fn the_controller_reports_the_pod_its_sync_waits_for() {
    let mut sim = Sim::new(SimConfig::default());
    sim.create(
        "statefulsets",
        "default",
        sts("web", 3, "OrderedReady", "nginx:1.25"),
    )
    .unwrap();
    let blocker = |sim: &Sim| {
        sim.statefulset_blocker("default", "web")
            .map(str::to_string)
    };
    assert_eq!(
        blocker(&sim).as_deref(),
        Some("web-0"),
        "web-1 waits for web-0"
    );
    let mut seen = vec![blocker(&sim)];
    for _ in 0..600 {
        sim.advance(100);
        if seen.last() != Some(&blocker(&sim)) {
            seen.push(blocker(&sim));
        }
    }
    let names: Vec<Option<&str>> = seen.iter().map(Option::as_deref).collect();
    assert_eq!(names, [Some("web-0"), Some("web-1"), Some("web-2"), None]);
    // A rolling update goes from the highest ordinal down, one pod at a time.
    set_image(&mut sim, "web", "nginx:1.27");
    assert_eq!(blocker(&sim).as_deref(), Some("web-2"));
    sim.run_until_idle(600_000);
    assert_eq!(blocker(&sim), None);
    // Parallel creates every pod in one sync; only its update check stops
    // at the highest pod until that one is Ready.
    sim.create(
        "statefulsets",
        "default",
        sts("par", 3, "Parallel", "nginx:1.25"),
    )
    .unwrap();
    assert_eq!(pods(&sim, "par").len(), 3);
    assert_eq!(sim.statefulset_blocker("default", "par"), Some("par-2"));
    sim.delete("statefulsets", "default", "web", &DeleteOptions::default())
        .unwrap();
    sim.advance(1_000);
    assert_eq!(blocker(&sim), None);
}

#[test]
fn a_failed_create_is_retried_with_back_off_until_it_succeeds() {
    let mut sim = Sim::default();
    let mut set = sts("web", 1, "OrderedReady", "nginx:1.25");
    set.set(
        &["spec", "template", "spec", "serviceAccountName"],
        Value::from("builder"),
    );
    sim.create("statefulsets", "default", set).expect("created");
    let failures = |sim: &Sim| {
        sim.events_for("StatefulSet", "default", "web")
            .iter()
            .find(|e| e.str_at(&["reason"]) == "FailedCreate")
            .and_then(|e| e.i64_at(&["count"]))
            .unwrap_or(0)
    };
    // Retries 5, 10, 20 ... ms after each failure: eleven attempts by 5.2 s
    // (the last at 5.115 s), the twelfth at 10.235 s.
    sim.advance(5_200);
    assert_eq!(failures(&sim), 11);
    sim.advance(10_000);
    assert_eq!(failures(&sim), 12);
    assert!(pods(&sim, "web").is_empty());
    let account = Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("ServiceAccount")),
        ("metadata", Value::from([("name", Value::from("builder"))])),
    ]);
    sim.create("serviceaccounts", "default", account)
        .expect("created");
    // The thirteenth attempt, at 20.475 s, creates the pod.
    sim.advance(20_000);
    assert_eq!(pods(&sim, "web").len(), 1);
    assert_eq!(failures(&sim), 12);
}
