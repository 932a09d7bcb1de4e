//! The simulator in a real browser (wasm-bindgen-test; `wasm-pack test
//! --headless --chrome`): the same seed and inputs give the same cluster as
//! natively, OrderedReady creation included.
#![cfg(target_arch = "wasm32")]

use ordinal_core::config::SimConfig;
use ordinal_core::Sim;
use ordinal_model::decode::decode_manifest;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MANIFEST: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
";

fn running_pods(sim: &Sim) -> Vec<String> {
    let mut names: Vec<String> = sim
        .list_refs("pods", Some("default"), "app=nginx", "")
        .unwrap()
        .into_iter()
        .filter(|p| p.str_at(&["status", "phase"]) == "Running")
        .map(|p| p.str_at(&["metadata", "name"]).to_string())
        .collect();
    names.sort();
    names
}

#[wasm_bindgen_test]
fn ordered_ready_creates_pods_one_after_another() {
    let mut sim = Sim::new(SimConfig::default());
    let decoded = decode_manifest(MANIFEST, "web.yaml");
    for (obj, _) in decoded.objects {
        sim.apply_object(obj, "default").expect("apply");
    }
    let mut seen = Vec::new();
    for _ in 0..120 {
        sim.advance(500);
        let now = running_pods(&sim);
        if now != seen {
            seen = now;
        }
        if seen.len() == 3 {
            break;
        }
    }
    assert_eq!(seen, ["web-0", "web-1", "web-2"]);
    let web2 = sim.object("pods", "default", "web-2").unwrap();
    let web1 = sim.object("pods", "default", "web-1").unwrap();
    assert!(
        web2.str_at(&["metadata", "creationTimestamp"]) >= web1.str_at(&["status", "startTime"]),
        "web-2 must be created only after web-1 started"
    );
}
