//! Virtual time for `ordinal serve`: the simulation advances with the wall
//! clock multiplied by `--speed`, and every timestamp the server returns is
//! shifted so that the simulation's "now" equals the wall clock at the moment
//! of the request.
//!
//! Mapping: with `offset = wall_now_ms - sim.now()` taken when a response is
//! built, an object time `t` (simulation Unix ms) is sent as `t + offset`.
//! The real kubectl computes ages as `wall_now - (t + offset) = sim.now() - t`,
//! exactly the ages the emulated kubectl prints for the same state, whatever
//! the speed. Between two requests the offset changes when `--speed` is not 1,
//! so the same object may show a different timestamp to successive requests.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use ordinal_core::clock::{parse_rfc3339, rfc3339, rfc3339_micro};
use ordinal_core::Sim;
use ordinal_model::Value;

/// Longest stretch of virtual time one catch-up simulates (an idle server
/// woken after hours does not stall the request).
pub const MAX_CATCH_UP_MS: u64 = 60 * 60 * 1000;

/// Drives a simulation from the wall clock.
#[derive(Debug)]
pub struct VirtualClock {
    speed: f64,
    last: Instant,
    carry_ms: f64,
}

impl VirtualClock {
    /// A clock running `speed` times faster than the wall clock.
    pub fn new(speed: f64) -> VirtualClock {
        VirtualClock {
            speed,
            last: Instant::now(),
            carry_ms: 0.0,
        }
    }

    /// Advances `sim` by the wall time elapsed since the last call × speed.
    pub fn catch_up(&mut self, sim: &mut Sim) {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64() * 1000.0 * self.speed;
        self.last = now;
        let total = elapsed + self.carry_ms;
        let whole = total.floor();
        self.carry_ms = total - whole;
        let step = (whole as u64).min(MAX_CATCH_UP_MS);
        if step > 0 {
            sim.advance(step);
        }
    }
}

/// Wall clock, Unix milliseconds.
pub fn wall_now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Keys whose string values are timestamps.
fn is_time_key(key: &str) -> bool {
    key.ends_with("Timestamp") || key.ends_with("Time") || key.ends_with("At") || key == "time"
}

/// Shifts every timestamp in `value` by `offset_ms` (see the module comment).
pub fn shift_times(value: &mut Value, offset_ms: i64) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_time_key(key) {
                    if let Value::String(s) = v {
                        if let Some(ms) = parse_rfc3339(s) {
                            let shifted = (ms as i64 + offset_ms).max(0) as u64;
                            *s = if s.contains('.') {
                                rfc3339_micro(shifted)
                            } else {
                                rfc3339(shifted)
                            };
                        }
                        continue;
                    }
                }
                shift_times(v, offset_ms);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| shift_times(v, offset_ms)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_move_by_the_offset_and_keep_their_precision() {
        let mut v = Value::from([
            (
                "metadata",
                Value::from([("creationTimestamp", Value::from("2026-01-01T00:00:00Z"))]),
            ),
            ("eventTime", Value::from("2026-01-01T00:00:00.000000Z")),
            ("name", Value::from("2026-01-01T00:00:00Z")),
        ]);
        shift_times(&mut v, 61_000);
        assert_eq!(
            v.str_at(&["metadata", "creationTimestamp"]),
            "2026-01-01T00:01:01Z"
        );
        assert_eq!(v.str_at(&["eventTime"]), "2026-01-01T00:01:01.000000Z");
        assert_eq!(v.str_at(&["name"]), "2026-01-01T00:00:00Z");
    }
}
