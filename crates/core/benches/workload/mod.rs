//! The workloads the simulator's benchmarks run, natively (`scale.rs`) and
//! in the browser (`wasm_scale.rs`), and `examples/ramp.rs` runs under a
//! profiler: 100 Parallel StatefulSets of 100 replicas on 50 large nodes,
//! optionally each with a headless Service.

use crate::common;
use ordinal_core::{NodeConfig, Sim, SimConfig, Value};

fn big_cluster() -> Sim {
    let nodes = (0..50)
        .map(|i| NodeConfig {
            name: format!("worker-{i}"),
            cpu_millis: 64_000,
            memory_bytes: 256 << 30,
            max_pods: 250,
        })
        .collect();
    Sim::new(SimConfig {
        nodes,
        ..SimConfig::default()
    })
}

fn stateful_set(name: &str) -> Value {
    let mut v = common::stateful_set(name, 100);
    v.set(&["spec", "podManagementPolicy"], "Parallel".into());
    v
}

fn all_ready(sim: &Sim) -> bool {
    sim.list_refs("statefulsets", Some("default"), "", "")
        .map(|sets| {
            sets.iter()
                .all(|s| s.i64_at(&["status", "readyReplicas"]) == Some(100))
        })
        .unwrap_or(false)
}

fn headless_service(name: &str) -> Value {
    let mut v = Value::object();
    v.set(&["apiVersion"], "v1".into());
    v.set(&["kind"], "Service".into());
    v.set(&["metadata", "name"], name.into());
    v.set(&["spec", "clusterIP"], "None".into());
    v.set(&["spec", "selector", "app"], name.into());
    v.set(
        &["spec", "ports"],
        Value::from(vec![Value::from([("port", Value::Int(80))])]),
    );
    v
}

pub fn scale_to_ready(with_services: bool) -> Sim {
    ramp(100, with_services)
}

/// `sets` Parallel StatefulSets of 100 replicas from nothing to all Ready
/// (the benchmarks run 100; `examples/ramp.rs` fewer, under a profiler).
pub fn ramp(sets: usize, with_services: bool) -> Sim {
    let mut sim = big_cluster();
    for i in 0..sets {
        let name = format!("s{i}");
        if with_services {
            sim.create("services", "default", headless_service(&name))
                .expect("created");
        }
        sim.create("statefulsets", "default", stateful_set(&name))
            .expect("created");
    }
    for _ in 0..120 {
        sim.advance(1_000);
        if all_ready(&sim) {
            break;
        }
    }
    assert!(all_ready(&sim), "every replica Ready");
    sim
}
