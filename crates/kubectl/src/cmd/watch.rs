//! Driving virtual time while a command streams or waits (`get -w`,
//! `rollout status`, `delete` waiting for the object to go away): jump from
//! one scheduled simulator event to the next, stopping at the `timeout`
//! deadline, or when the cluster goes idle if there is none.

use crate::shell::Session;

/// How long a command without `timeout` may wait for a cluster that keeps changing (ms).
pub const MAX_UNBOUNDED_WAIT_MS: u64 = 10 * 60 * 1000;

/// Advances to the next moment something can change. Returns `false` when
/// the command should stop (deadline reached, or idle without a deadline).
pub fn step(session: &mut Session, started_at: u64) -> bool {
    let now = session.sim.now();
    let limit = session
        .deadline
        .unwrap_or_else(|| started_at.saturating_add(MAX_UNBOUNDED_WAIT_MS));
    if now >= limit {
        return false;
    }
    let next = match session.sim.next_event_at() {
        Some(at) => at.max(now + 1).min(limit),
        None if session.deadline.is_some() => limit,
        None => return false,
    };
    session.sim.advance(next - now);
    true
}

/// Advances, as `delete` does while it waits, until none of `objects`
/// (resource plural, namespace, name, uid) exists or [`step`] says to stop.
/// An object of the same name with another uid was created anew and counts
/// as gone (`wait.IsDeleted` with the deleted objects' UID map).
pub fn until_gone(session: &mut Session, objects: &[(&str, String, String, String)]) {
    let started = session.sim.now();
    while objects.iter().any(|(resource, ns, name, uid)| {
        session
            .sim
            .object(resource, ns, name)
            .is_some_and(|o| o.str_at(&["metadata", "uid"]) == uid)
    }) {
        if !step(session, started) {
            break;
        }
    }
}
