//! What a new cluster runs before the user's first command, as kind's does:
//! the control plane's mirror pods, the kindnet and kube-proxy DaemonSets,
//! CoreDNS and the local-path provisioner, with their addresses, their
//! requests on the node, and the leader-election Leases.

mod common;

use ordinal_core::{DeleteOptions, Sim, SimConfig, Value};

const NODES: [&str; 3] = ["kind-control-plane", "kind-worker", "kind-worker2"];

fn pods(sim: &Sim, ns: &str, selector: &str) -> Vec<Value> {
    sim.list("pods", Some(ns), selector, "").expect("list")
}

fn name(pod: &Value) -> &str {
    pod.str_at(&["metadata", "name"])
}

fn ready(pod: &Value) -> bool {
    pod.array_at(&["status", "conditions"])
        .iter()
        .any(|c| c.str_at(&["type"]) == "Ready" && c.str_at(&["status"]) == "True")
}

#[test]
fn a_new_cluster_runs_kinds_system_pods_with_kinds_addresses() {
    let mut sim = Sim::new(SimConfig::default());
    let system = pods(&sim, "kube-system", "");
    let names: Vec<&str> = system.iter().map(name).collect();
    for component in [
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
    ] {
        assert!(
            names.contains(&format!("{component}-kind-control-plane").as_str()),
            "{names:?}"
        );
    }
    for (prefix, count) in [("coredns-", 2), ("kindnet-", 1), ("kube-proxy-", 1)] {
        assert_eq!(
            names.iter().filter(|n| n.starts_with(prefix)).count(),
            count,
            "{names:?}"
        );
    }
    assert_eq!(names.len(), 8);
    let storage = pods(&sim, "local-path-storage", "app=local-path-provisioner");
    assert_eq!(storage.len(), 1);
    for pod in system.iter().chain(&storage) {
        assert_eq!(pod.str_at(&["status", "phase"]), "Running", "{}", name(pod));
        assert!(ready(pod), "{}", name(pod));
        let host_network = pod.at(&["spec", "hostNetwork"]).and_then(Value::as_bool);
        let ip = pod.str_at(&["status", "podIP"]);
        if host_network == Some(true) {
            assert_eq!(ip, "172.18.0.2", "{}", name(pod));
        } else {
            assert!(ip.starts_with("10.244.0."), "{}: {ip}", name(pod));
        }
        assert_eq!(pod.str_at(&["status", "hostIP"]), "172.18.0.2");
    }
    let mut pod_ips: Vec<String> = system
        .iter()
        .chain(&storage)
        .filter(|p| p.at(&["spec", "hostNetwork"]).is_none())
        .map(|p| p.str_at(&["status", "podIP"]).to_string())
        .collect();
    ordinal_model::order::sort(&mut pod_ips);
    assert_eq!(pod_ips, ["10.244.0.2", "10.244.0.3", "10.244.0.4"]);
    assert_eq!(
        storage[0].str_at(&["status", "podIP"]),
        "10.244.0.4",
        "the provisioner starts after CoreDNS"
    );
    // The hostNetwork pods took no address: the first user pod gets .5.
    sim.create(
        "deployments",
        "default",
        common::workload("Deployment", "web", 1, "nginx:1.27"),
    )
    .expect("created");
    sim.advance(10_000);
    let web = pods(&sim, "default", "app=web");
    assert_eq!(web[0].str_at(&["status", "podIP"]), "10.244.0.5");
    // Nothing is left to do when the cluster is handed over.
    let mut fresh = Sim::new(SimConfig::default());
    assert_eq!(fresh.run_until_idle(600_000), 0);
}

#[test]
fn mirror_pods_are_owned_by_their_node_and_system_node_critical() {
    let sim = Sim::new(SimConfig::with_nodes(&NODES));
    let node_uid = sim
        .object("nodes", "", "kind-control-plane")
        .expect("node")
        .str_at(&["metadata", "uid"])
        .to_string();
    let control_plane = pods(&sim, "kube-system", "tier=control-plane");
    assert_eq!(control_plane.len(), 4);
    for pod in &control_plane {
        let owner = &pod.array_at(&["metadata", "ownerReferences"])[0];
        assert_eq!(owner.str_at(&["kind"]), "Node");
        assert_eq!(owner.str_at(&["uid"]), node_uid);
        let annotations = |k: &str| pod.str_at(&["metadata", "annotations", k]).to_string();
        assert_eq!(annotations("kubernetes.io/config.source"), "file");
        assert_eq!(annotations("kubernetes.io/config.hash").len(), 32);
        assert_eq!(
            annotations("kubernetes.io/config.mirror"),
            annotations("kubernetes.io/config.hash")
        );
        assert_eq!(pod.str_at(&["spec", "nodeName"]), "kind-control-plane");
        assert_eq!(pod.i64_at(&["spec", "priority"]), Some(2_000_001_000));
        // Mirror pods get no service account and no token volume.
        assert_eq!(pod.str_at(&["spec", "serviceAccountName"]), "");
        assert!(!pod
            .array_at(&["spec", "volumes"])
            .iter()
            .any(|v| v.str_at(&["name"]).starts_with("kube-api-access-")));
    }
    let coredns = pods(&sim, "kube-system", "k8s-app=kube-dns");
    assert_eq!(
        coredns[0].i64_at(&["spec", "priority"]),
        Some(2_000_000_000)
    );
}

#[test]
fn a_deleted_mirror_pod_comes_back_and_its_static_pod_runs_on() {
    let mut sim = Sim::new(SimConfig::default());
    let get = |sim: &Sim| sim.get("pods", "kube-system", "etcd-kind-control-plane");
    let before = get(&sim).expect("etcd's mirror pod");
    let container = |p: &Value| p.array_at(&["status", "containerStatuses"])[0].clone();
    let started = |p: &Value| {
        container(p)
            .str_at(&["state", "running", "startedAt"])
            .to_string()
    };
    let ready_since = |p: &Value| {
        p.array_at(&["status", "conditions"])
            .iter()
            .find(|c| c.str_at(&["type"]) == "Ready")
            .map(|c| c.str_at(&["lastTransitionTime"]).to_string())
    };
    assert!(!started(&before).is_empty());
    sim.delete(
        "pods",
        "kube-system",
        "etcd-kind-control-plane",
        &DeleteOptions::default(),
    )
    .expect("delete");
    // Posted again at once, under a new uid, and Pending until the status
    // manager's next tick.
    let reposted = get(&sim).expect("posted again");
    let uid = |p: &Value| p.str_at(&["metadata", "uid"]).to_string();
    assert_ne!(uid(&reposted), uid(&before));
    assert_eq!(reposted.str_at(&["status", "phase"]), "Pending");
    assert_eq!(
        reposted.at(&["metadata", "ownerReferences"]),
        before.at(&["metadata", "ownerReferences"])
    );
    // Deleted again before the status was written: posted once more.
    sim.delete(
        "pods",
        "kube-system",
        "etcd-kind-control-plane",
        &DeleteOptions::default(),
    )
    .expect("delete again");
    let reposted = get(&sim).expect("posted again");
    assert_eq!(reposted.str_at(&["status", "phase"]), "Pending");
    sim.advance(10_000);
    let after = get(&sim).expect("still there");
    assert_eq!(uid(&after), uid(&reposted));
    assert_eq!(after.str_at(&["status", "phase"]), "Running");
    // The same container, never stopped or restarted.
    assert_eq!(started(&after), started(&before));
    assert_eq!(ready_since(&after), ready_since(&before));
    assert_eq!(container(&after).i64_at(&["restartCount"]), Some(0));
    // A forced delete: back at the static pod's next periodic sync.
    let force = DeleteOptions {
        grace_period_seconds: Some(0),
        ..DeleteOptions::default()
    };
    sim.delete("pods", "kube-system", "etcd-kind-control-plane", &force)
        .expect("force delete");
    assert!(get(&sim).is_err());
    sim.advance(59_000);
    assert!(get(&sim).is_err());
    sim.advance(1_000);
    let back = get(&sim).expect("posted again after a minute");
    assert_ne!(uid(&back), uid(&after));
    sim.advance(10_000);
    let back = get(&sim).expect("still there");
    assert_eq!(started(&back), started(&before));
    assert!(ready(&back));
}

#[test]
fn daemon_sets_run_one_pod_per_node_and_replace_a_deleted_one() {
    let mut sim = Sim::new(SimConfig::with_nodes(&NODES));
    for ds in ["kindnet", "kube-proxy"] {
        let obj = sim.object("daemonsets", "kube-system", ds).expect("ds");
        for field in [
            "desiredNumberScheduled",
            "currentNumberScheduled",
            "numberReady",
            "updatedNumberScheduled",
            "numberAvailable",
        ] {
            assert_eq!(obj.i64_at(&["status", field]), Some(3), "{ds} {field}");
        }
    }
    let proxies = pods(&sim, "kube-system", "k8s-app=kube-proxy");
    let mut nodes: Vec<String> = proxies
        .iter()
        .map(|p| p.str_at(&["spec", "nodeName"]).to_string())
        .collect();
    ordinal_model::order::sort(&mut nodes);
    assert_eq!(nodes, NODES);
    let on_worker = proxies
        .iter()
        .find(|p| p.str_at(&["spec", "nodeName"]) == "kind-worker")
        .expect("pod on kind-worker");
    assert_eq!(on_worker.str_at(&["status", "podIP"]), "172.18.0.3");
    let old = name(on_worker).to_string();
    sim.delete("pods", "kube-system", &old, &DeleteOptions::default())
        .expect("deleted");
    sim.advance(5_000);
    let proxies = pods(&sim, "kube-system", "k8s-app=kube-proxy");
    assert_eq!(proxies.len(), 3);
    let replacement = proxies
        .iter()
        .find(|p| p.str_at(&["spec", "nodeName"]) == "kind-worker")
        .expect("replacement on kind-worker");
    assert_ne!(name(replacement), old);
    assert!(ready(replacement));

    // A DaemonSet without tolerations skips the tainted control plane.
    let mut agent = common::workload("DaemonSet", "agent", 1, "busybox:1.28");
    agent.remove(&["spec", "replicas"]);
    agent.set(
        &["spec", "template", "spec", "containers"],
        Value::from(vec![Value::from([
            ("name", Value::from("agent")),
            ("image", Value::from("busybox:1.28")),
            (
                "command",
                Value::from(vec![Value::from("sleep"), Value::from("3600")]),
            ),
        ])]),
    );
    sim.create("daemonsets", "default", agent).expect("created");
    sim.advance(10_000);
    let agents = pods(&sim, "default", "app=agent");
    let mut nodes: Vec<String> = agents
        .iter()
        .map(|p| p.str_at(&["spec", "nodeName"]).to_string())
        .collect();
    ordinal_model::order::sort(&mut nodes);
    assert_eq!(nodes, ["kind-worker", "kind-worker2"]);
    let ds = sim.object("daemonsets", "default", "agent").expect("ds");
    assert_eq!(ds.i64_at(&["status", "desiredNumberScheduled"]), Some(2));
    assert_eq!(ds.i64_at(&["status", "numberReady"]), Some(2));
}

#[test]
fn the_system_pods_requests_count_against_the_control_plane_node() {
    let mut sim = Sim::new(SimConfig::default());
    // 8 CPUs allocatable, 950m requested by the system pods.
    let big = |name: &str, cpu: &str| {
        let mut w = common::workload("Deployment", name, 1, "nginx:1.27");
        w.set(
            &["spec", "template", "spec", "containers"],
            Value::from(vec![Value::from([
                ("name", Value::from("nginx")),
                ("image", Value::from("nginx:1.27")),
                (
                    "resources",
                    Value::from([("requests", Value::from([("cpu", Value::from(cpu))]))]),
                ),
            ])]),
        );
        w
    };
    sim.create("deployments", "default", big("fits", "7050m"))
        .expect("created");
    sim.create("deployments", "default", big("too-big", "1m"))
        .expect("created");
    sim.advance(10_000);
    let phase = |app: &str| {
        pods(&sim, "default", &format!("app={app}"))[0]
            .str_at(&["status", "phase"])
            .to_string()
    };
    assert_eq!(phase("fits"), "Running");
    assert_eq!(phase("too-big"), "Pending");
}

fn lease(sim: &Sim, name: &str) -> Value {
    sim.object("leases", "kube-system", name)
        .cloned()
        .expect("lease")
}

#[test]
fn leader_leases_renew_every_two_seconds_and_change_hands_after_a_restart() {
    let mut sim = Sim::new(SimConfig::with_nodes(&NODES));
    let first = lease(&sim, "kube-scheduler");
    let holder = first.str_at(&["spec", "holderIdentity"]).to_string();
    assert!(holder.starts_with("kind-control-plane_"), "{holder}");
    assert_eq!(holder.len(), "kind-control-plane_".len() + 36);
    assert_ne!(
        lease(&sim, "kube-controller-manager").str_at(&["spec", "holderIdentity"]),
        holder
    );
    assert_eq!(first.i64_at(&["spec", "leaseDurationSeconds"]), Some(15));
    assert_eq!(
        first.str_at(&["spec", "renewTime"]),
        "2026-01-01T00:00:00.000000Z"
    );
    // Renewals are background work: an idle cluster stays idle.
    assert_eq!(sim.run_until_idle(60_000), 0);
    sim.advance(5_000);
    assert_eq!(
        lease(&sim, "kube-scheduler").str_at(&["spec", "renewTime"]),
        "2026-01-01T00:00:04.000000Z"
    );
    sim.stop_node("kind-control-plane").expect("stopped");
    sim.advance(30_000);
    assert_eq!(
        lease(&sim, "kube-scheduler").str_at(&["spec", "renewTime"]),
        "2026-01-01T00:00:04.000000Z"
    );
    sim.start_node("kind-control-plane").expect("started");
    sim.advance(10_000);
    let after = lease(&sim, "kube-scheduler");
    let new_holder = after.str_at(&["spec", "holderIdentity"]);
    assert!(new_holder.starts_with("kind-control-plane_"));
    assert_ne!(new_holder, holder);
    assert_eq!(after.i64_at(&["spec", "leaseTransitions"]), Some(1));
    // The old lease expired long ago: the new process takes it as soon as
    // its node is up again (5 s after `docker start`), then renews it.
    assert_eq!(
        after.str_at(&["spec", "acquireTime"]),
        "2026-01-01T00:00:40.000000Z"
    );
    assert_eq!(
        after.str_at(&["spec", "renewTime"]),
        "2026-01-01T00:00:44.000000Z"
    );
}

#[test]
fn a_watch_on_the_leases_sees_every_renewal_and_reads_see_the_last_one() {
    let mut sim = Sim::new(SimConfig::default());
    let id = sim
        .watch("leases", Some("kube-system"), "", "")
        .expect("watch");
    sim.advance(5_000);
    let renewals: Vec<(String, String)> = sim
        .take_watch_events(id)
        .iter()
        .map(|e| {
            (
                e.object.str_at(&["metadata", "name"]).to_string(),
                e.object.str_at(&["spec", "renewTime"]).to_string(),
            )
        })
        .collect();
    let scheduler: Vec<&str> = renewals
        .iter()
        .filter(|(name, _)| name == "kube-scheduler")
        .map(|(_, at)| at.as_str())
        .collect();
    assert_eq!(
        scheduler,
        ["2026-01-01T00:00:02.000000Z", "2026-01-01T00:00:04.000000Z"]
    );
    sim.unwatch(id);
    sim.advance(60_000);
    assert_eq!(
        lease(&sim, "kube-controller-manager").str_at(&["spec", "renewTime"]),
        "2026-01-01T00:01:04.000000Z"
    );
}
