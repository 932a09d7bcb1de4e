//! 100 StatefulSets × 100 replicas (Parallel) from nothing to all Ready, the
//! same with a headless Service selecting each set's pods (so the Endpoints
//! and EndpointSlice controllers follow every pod), and 24 idle virtual hours
//! of a settled cluster; and building a new cluster (the page's start-up).

#[path = "../tests/common/mod.rs"]
mod common;
mod workload;

use criterion::{criterion_group, criterion_main, Criterion};
use ordinal_core::{Sim, SimConfig};
use workload::scale_to_ready;

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
