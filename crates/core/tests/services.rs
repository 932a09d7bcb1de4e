//! Services through the API server and the endpoint controllers: cluster IP
//! and node port allocation, release on delete, Endpoints and EndpointSlices
//! following the pods, garbage collection with the Service.

use ordinal_core::{DeleteOptions, PatchType, Sim, SimConfig, Value};
use ordinal_model::yaml::parse_stream;

fn yaml(text: &str) -> Value {
    parse_stream(text).docs.remove(0).value
}

fn service(name: &str, extra: &str) -> Value {
    yaml(&format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: http\n{extra}"
    ))
}

fn pod(name: &str) -> Value {
    yaml(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.27\n    ports:\n    - containerPort: 8080\n      name: http\n"
    ))
}

fn slices<'a>(sim: &'a Sim, svc: &str) -> Vec<&'a Value> {
    sim.list_refs(
        "endpointslices",
        Some("default"),
        &format!("kubernetes.io/service-name={svc}"),
        "",
    )
    .unwrap()
}

fn ready_addresses(sim: &Sim, svc: &str) -> Vec<String> {
    let ep = sim.get("endpoints", "default", svc).unwrap();
    ep.array_at(&["subsets"])
        .iter()
        .flat_map(|s| s.array_at(&["addresses"]))
        .map(|a| a.str_at(&["ip"]).to_string())
        .collect()
}

#[test]
fn cluster_ips_are_allocated_unique_and_released() {
    let mut sim = Sim::new(SimConfig::default());
    let a = sim.create("services", "default", service("a", "")).unwrap();
    let b = sim.create("services", "default", service("b", "")).unwrap();
    let ip_a = a.str_at(&["spec", "clusterIP"]).to_string();
    let ip_b = b.str_at(&["spec", "clusterIP"]).to_string();
    for ip in [&ip_a, &ip_b] {
        assert!(ip.starts_with("10."), "{ip}");
        assert_ne!(ip, "10.96.0.1");
        assert_ne!(ip, "10.96.0.10");
    }
    assert_ne!(ip_a, ip_b);
    assert_eq!(
        a.array_at(&["spec", "clusterIPs"]),
        &[Value::from(ip_a.as_str())]
    );

    let taken = service("c", &format!("  clusterIP: {ip_a}\n"));
    let err = sim
        .create("services", "default", taken.clone())
        .unwrap_err();
    assert_eq!(
        err.message,
        format!("Service \"c\" is invalid: spec.clusterIPs: Invalid value: [\"{ip_a}\"]: failed to allocate IP {ip_a}: provided IP is already allocated")
    );
    sim.delete("services", "default", "a", &DeleteOptions::default())
        .unwrap();
    let c = sim.create("services", "default", taken).unwrap();
    assert_eq!(c.str_at(&["spec", "clusterIP"]), ip_a);
}

#[test]
fn node_ports_are_allocated_kept_on_resubmit_and_checked() {
    let mut sim = Sim::new(SimConfig::default());
    let np = sim
        .create("services", "default", service("np", "  type: NodePort\n"))
        .unwrap();
    let port = np.array_at(&["spec", "ports"])[0]
        .i64_at(&["nodePort"])
        .unwrap();
    assert!((30_000..=32_767).contains(&port));
    assert_eq!(np.str_at(&["spec", "externalTrafficPolicy"]), "Cluster");

    // A resubmitted manifest without clusterIP / nodePort keeps both.
    sim.update("services", "default", service("np", "  type: NodePort\n"))
        .unwrap();
    let again = sim.get("services", "default", "np").unwrap();
    assert_eq!(
        again.str_at(&["spec", "clusterIP"]),
        np.str_at(&["spec", "clusterIP"])
    );
    assert_eq!(
        again.array_at(&["spec", "ports"])[0].i64_at(&["nodePort"]),
        Some(port)
    );

    let clash = service(
        "np2",
        &format!("  type: NodePort\n  ports:\n  - port: 80\n    nodePort: {port}\n"),
    );
    let err = sim.create("services", "default", clash).unwrap_err();
    assert!(
        err.message.ends_with(&format!(
            "spec.ports[0].nodePort: Invalid value: {port}: provided port is already allocated"
        )),
        "{}",
        err.message
    );

    let patch = Value::from([("spec", Value::from([("type", Value::from("ClusterIP"))]))]);
    let plain = sim
        .patch("services", "default", "np", &patch, PatchType::Merge)
        .unwrap();
    assert_eq!(plain.array_at(&["spec", "ports"])[0].get("nodePort"), None);
    assert_eq!(plain.at(&["spec", "externalTrafficPolicy"]), None);
}

#[test]
fn dry_run_allocates_nothing() {
    let mut sim = Sim::new(SimConfig::default());
    let svc = sim
        .create_dry_run("services", "default", service("dry", "  type: NodePort\n"))
        .unwrap();
    assert_eq!(svc.str_at(&["spec", "clusterIP"]), "10.96.0.0");
    assert_eq!(
        svc.array_at(&["spec", "ports"])[0].i64_at(&["nodePort"]),
        Some(32_769)
    );
    assert!(sim.get("services", "default", "dry").is_err());
}

#[test]
fn endpoints_and_slices_follow_the_pods() {
    let mut sim = Sim::new(SimConfig::default());
    sim.create("services", "default", service("web", ""))
        .unwrap();
    // No pods yet: an empty Endpoints and one placeholder slice.
    assert!(ready_addresses(&sim, "web").is_empty());
    let placeholder = slices(&sim, "web");
    assert_eq!(placeholder.len(), 1);
    assert_eq!(placeholder[0].get("endpoints"), Some(&Value::Null));
    let slice_name = placeholder[0].str_at(&["metadata", "name"]).to_string();
    assert!(slice_name.starts_with("web-") && slice_name.len() == 9);

    for name in ["web-a", "web-b"] {
        sim.create("pods", "default", pod(name)).unwrap();
    }
    sim.advance(30_000);
    let ips = ready_addresses(&sim, "web");
    assert_eq!(ips.len(), 2);
    let ep = sim.get("endpoints", "default", "web").unwrap();
    assert_eq!(
        ep.array_at(&["subsets"])[0].array_at(&["ports"])[0].i64_at(&["port"]),
        Some(8080),
        "named targetPort resolved from the container port"
    );
    let now = slices(&sim, "web");
    assert_eq!(now.len(), 1);
    assert_eq!(
        now[0].str_at(&["metadata", "name"]),
        slice_name,
        "the placeholder is reused"
    );
    assert_eq!(now[0].array_at(&["endpoints"]).len(), 2);
    assert_eq!(
        now[0].array_at(&["metadata", "ownerReferences"])[0].str_at(&["kind"]),
        "Service"
    );

    // A terminating pod leaves Endpoints at once; its slice entry stays,
    // not ready and terminating, until the pod is gone.
    sim.delete(
        "pods",
        "default",
        "web-a",
        &DeleteOptions {
            grace_period_seconds: Some(30),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(ready_addresses(&sim, "web").len(), 1);
    let eps = slices(&sim, "web")[0].array_at(&["endpoints"]).to_vec();
    let gone = eps
        .iter()
        .find(|e| e.str_at(&["targetRef", "name"]) == "web-a")
        .expect("terminating endpoint kept");
    assert_eq!(
        gone.at(&["conditions", "terminating"]),
        Some(&Value::Bool(true))
    );
    assert_eq!(gone.at(&["conditions", "ready"]), Some(&Value::Bool(false)));
    sim.advance(60_000);
    assert_eq!(slices(&sim, "web")[0].array_at(&["endpoints"]).len(), 1);

    // Deleting the Service removes its Endpoints and, through the garbage
    // collector, its slices.
    sim.delete("services", "default", "web", &DeleteOptions::default())
        .unwrap();
    sim.advance(1_000);
    assert!(sim.get("endpoints", "default", "web").is_err());
    assert!(slices(&sim, "web").is_empty());
}

#[test]
fn selectorless_services_get_no_endpoints() {
    let mut sim = Sim::new(SimConfig::default());
    let svc = yaml(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  ports:\n  - port: 80\n",
    );
    sim.create("services", "default", svc).unwrap();
    assert!(sim.get("endpoints", "default", "ext").is_err());
    assert!(slices(&sim, "ext").is_empty());
    // The kubernetes Service's endpoints point at the API server.
    assert_eq!(ready_addresses(&sim, "kubernetes"), vec!["172.18.0.2"]);
}
