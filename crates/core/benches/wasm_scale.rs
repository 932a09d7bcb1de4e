//! The simulator's benchmarks in a real browser, compiled as the page is
//! (wasm, the release profile's opt-level "z"): a new cluster, and 100
//! StatefulSets × 100 Parallel replicas from nothing to all Ready, timed to
//! all Ready (freeing the 10,000 pods is not timed). Run with
//! `scripts/bench-wasm.sh` (headless Chromium through wasm-bindgen-test's
//! runner); natively, `scale.rs` runs the same workloads.
#![cfg(target_arch = "wasm32")]

#[path = "../tests/common/mod.rs"]
mod common;
mod workload;

use std::time::Duration;

use ordinal_core::{Sim, SimConfig};
use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion, Instant};
use workload::scale_to_ready;

wasm_bindgen_test_configure!(run_in_browser);

/// Criterion's smallest sample: the ramp takes seconds.
fn few_samples(c: &mut Criterion) {
    *c = std::mem::take(c)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
}

#[wasm_bindgen_bench]
fn new_cluster(c: &mut Criterion) {
    c.bench_function("new_cluster", |b| b.iter(|| Sim::new(SimConfig::default())));
}

#[wasm_bindgen_bench]
fn ramp_100x100_parallel_to_ready(c: &mut Criterion) {
    few_samples(c);
    c.bench_function("100x100_parallel_to_ready", |b| {
        b.iter_custom(|iterations| {
            let mut timed = Duration::ZERO;
            for _ in 0..iterations {
                let start = Instant::now();
                let sim = scale_to_ready(false);
                timed += start.elapsed();
                drop(sim);
            }
            timed
        })
    });
}
