//! What the property tests share: their configuration and the event log
//! they compare between two runs of one seed.

use ordinal_core::WatchEvent;
use proptest::prelude::ProptestConfig;

/// 64 cases from the fixed `rng_seed`, so a CI run is repeatable; set
/// `PROPTEST_RNG_SEED` (or `random`) to explore other sequences.
pub fn config(rng_seed: u64) -> ProptestConfig {
    let default = ProptestConfig::default();
    let rng_seed = match std::env::var("PROPTEST_RNG_SEED") {
        Ok(_) => default.rng_seed,
        Err(_) => proptest::test_runner::RngSeed::Fixed(rng_seed),
    };
    ProptestConfig {
        cases: 64,
        failure_persistence: None,
        rng_seed,
        ..default
    }
}

/// One line of the event log: when, why, about what, and the message.
pub fn event_line(ev: &WatchEvent) -> String {
    format!(
        "{} {} {} {}\n",
        ev.at,
        ev.object.str_at(&["reason"]),
        ev.object.str_at(&["involvedObject", "name"]),
        ev.object.str_at(&["message"])
    )
}
