//! One ramp of the benchmark workload, sized for a profiler: `SETS`
//! Parallel StatefulSets of 100 replicas from nothing to all Ready (100 by
//! default, as the benchmarks run). Instructions counted by callgrind are
//! the same on every run, so a change shows even when the machine's load
//! moves timings by a third:
//!
//! ```text
//! cargo build --release -p ordinal-core --example ramp
//! valgrind --tool=callgrind target/release/examples/ramp 25
//! ```
//!
//! A second argument `services` gives each set a headless Service, as the
//! benchmark's second workload does (the Endpoints and EndpointSlice
//! controllers then follow every pod).

#[path = "../tests/common/mod.rs"]
#[allow(dead_code)]
mod common;
#[path = "../benches/workload/mod.rs"]
#[allow(dead_code)]
mod workload;

fn main() {
    let sets = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let services = std::env::args().nth(2).as_deref() == Some("services");
    let sim = workload::ramp(sets, services);
    // The cluster's teardown is not part of the ramp.
    std::mem::forget(sim);
}
