//! 100 StatefulSets × 100 replicas (Parallel) from nothing to all Ready, the
//! same with a headless Service selecting each set's pods (so the Endpoints
//! and EndpointSlice controllers follow every pod), and 24 idle virtual hours
//! of a settled cluster; and building a new cluster (the page's start-up).

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
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

fn scale_to_ready(with_services: bool) -> Sim {
    let mut sim = big_cluster();
    for i in 0..100 {
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

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("scale");
    group.sample_size(10);
    // What the page pays before its first render: a new kind-like cluster,
    // CoreDNS booted.
    group.bench_function("new_cluster", |b| b.iter(|| Sim::new(SimConfig::default())));
    // The ramp is timed to all Ready; freeing the 10,000 pods afterwards is
    // not part of it (`iter_with_large_drop`).
    group.bench_function("100x100_parallel_to_ready", |b| {
        b.iter_with_large_drop(|| scale_to_ready(false))
    });
    group.bench_function("100x100_parallel_to_ready_with_services", |b| {
        b.iter_with_large_drop(|| scale_to_ready(true))
    });
    let settled = scale_to_ready(false);
    group.bench_function("24_idle_hours", |b| {
        b.iter(|| {
            let mut sim = settled.clone();
            sim.advance(24 * 3_600_000);
        })
    });
    group.finish();
}

criterion_group!(scale, benches);
criterion_main!(scale);
