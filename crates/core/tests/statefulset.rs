//! StatefulSet scenarios under both pod management policies, with invariant
//! checks after every step.

use ordinal_core::{DeleteOptions, Sim, SimConfig, Value};

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
    sim.list("pods", Some("default"), &format!("app={app}"))
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
        .list("persistentvolumeclaims", Some("default"), "")
        .expect("pvcs");
    assert_eq!(claims.len(), 3);
    assert!(claims
        .iter()
        .all(|c| c.str_at(&["status", "phase"]) == "Bound"));
    sim.scale("default", "web", 1).expect("scaled");
    run(&mut sim, "web", ordered, 20_000);
    assert_eq!(pods(&sim, "web").len(), 1);
    assert_eq!(
        sim.list("persistentvolumeclaims", Some("default"), "")
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
        .watch("pods", Some("default"), "app=web")
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
            t.set(&["metadata", "name"], "data".into());
            t.set(&["spec", "storageClassName"], "managed-nfs-storage".into());
            t
        }]),
    );
    sim.create("statefulsets", "default", set).expect("created");
    sim.advance(5_000);
    let claim = sim
        .get("persistentvolumeclaims", "default", "data-db-0")
        .expect("claim");
    assert_eq!(claim.str_at(&["status", "phase"]), "Pending");
    let events = sim.events_for("PersistentVolumeClaim", "default", "data-db-0");
    assert!(events.iter().any(|e| e.str_at(&["message"])
        == "storageclass.storage.k8s.io \"managed-nfs-storage\" not found"));
    let pod = sim.get("pods", "default", "db-0").expect("pod");
    assert_eq!(pod.str_at(&["status", "phase"]), "Pending");
}
