//! Watch streams (`?watch=true`): every store write is offered to the open
//! watches whose resource, namespace, label selector and field selector match. Both
//! `kubectl get -w` and the web UI consume these.

use ordinal_model::Value;

use super::fields::FieldSelector;
use crate::limits;
use ordinal_model::labels::Selector;

/// Identifies an open watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WatchId(pub u64);

/// `ADDED`, `MODIFIED` or `DELETED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchEventKind {
    /// The object was created (or entered the selector).
    Added,
    /// The object changed.
    Modified,
    /// The object was removed.
    Deleted,
}

impl WatchEventKind {
    /// The wire name (`ADDED`).
    pub fn as_str(self) -> &'static str {
        match self {
            WatchEventKind::Added => "ADDED",
            WatchEventKind::Modified => "MODIFIED",
            WatchEventKind::Deleted => "DELETED",
        }
    }
}

/// One watch notification.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchEvent {
    /// What happened.
    pub kind: WatchEventKind,
    /// The object after the change (before it, for `Deleted`).
    pub object: Value,
    /// Virtual time of the change (Unix ms).
    pub at: u64,
}

#[derive(Debug, Clone)]
struct Watch {
    id: WatchId,
    resource: &'static str,
    namespace: Option<String>,
    selector: Selector,
    fields: FieldSelector,
    pending: Vec<WatchEvent>,
}

impl Watch {
    fn selects(&self, obj: Option<&Value>) -> bool {
        obj.is_some_and(|o| {
            self.selector.matches(o.at(&["metadata", "labels"])) && self.fields.matches(o)
        })
    }
}

/// All open watches.
#[derive(Debug, Clone, Default)]
pub(crate) struct Watches {
    next_id: u64,
    open: Vec<Watch>,
}

impl Watches {
    /// Opens a watch; `None` when [`limits::MAX_WATCHES`] are open.
    pub fn open(
        &mut self,
        resource: &'static str,
        namespace: Option<&str>,
        selector: Selector,
        fields: FieldSelector,
    ) -> Option<WatchId> {
        if self.open.len() >= limits::MAX_WATCHES {
            return None;
        }
        self.next_id += 1;
        let id = WatchId(self.next_id);
        self.open.push(Watch {
            id,
            resource,
            namespace: namespace.map(str::to_string),
            selector,
            fields,
            pending: Vec::new(),
        });
        Some(id)
    }

    /// Whether an open watch sees `resource` objects in namespace `ns`.
    pub fn covers(&self, resource: &str, ns: &str) -> bool {
        self.open
            .iter()
            .any(|w| w.resource == resource && w.namespace.as_deref().is_none_or(|n| n == ns))
    }

    /// Closes a watch.
    pub fn close(&mut self, id: WatchId) {
        self.open.retain(|w| w.id != id);
    }

    /// Removes and returns the undelivered events of a watch.
    pub fn take(&mut self, id: WatchId) -> Vec<WatchEvent> {
        self.open
            .iter_mut()
            .find(|w| w.id == id)
            .map(|w| std::mem::take(&mut w.pending))
            .unwrap_or_default()
    }

    /// Offers a change to every matching watch. A label or field change that
    /// moves an object into or out of a watch's selectors is delivered as
    /// ADDED / DELETED.
    pub fn notify(&mut self, resource: &str, old: Option<&Value>, new: Option<&Value>, at: u64) {
        if self.open.is_empty() {
            return;
        }
        let Some(any) = new.or(old) else { return };
        let ns = any.str_at(&["metadata", "namespace"]);
        for w in self.open.iter_mut() {
            if w.resource != resource || w.namespace.as_deref().is_some_and(|n| n != ns) {
                continue;
            }
            let was = w.selects(old);
            let is = w.selects(new);
            let event = match (was, is, new, old) {
                (false, true, Some(n), _) => (WatchEventKind::Added, n),
                (true, true, Some(n), _) => (WatchEventKind::Modified, n),
                (true, false, Some(n), _) => (WatchEventKind::Deleted, n),
                (true, false, None, Some(o)) => (WatchEventKind::Deleted, o),
                _ => continue,
            };
            if w.pending.len() >= limits::MAX_WATCH_BUFFER {
                w.pending.remove(0);
            }
            w.pending.push(WatchEvent {
                kind: event.0,
                object: event.1.clone(),
                at,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::by_plural;

    fn pod(phase: &str) -> Value {
        Value::from([
            (
                "metadata",
                Value::from([
                    ("name", Value::from("web-0")),
                    ("namespace", Value::from("default")),
                ]),
            ),
            ("status", Value::from([("phase", Value::from(phase))])),
        ])
    }

    #[test]
    fn a_field_change_moves_an_object_into_and_out_of_a_watch() {
        let info = by_plural("pods").expect("pods");
        let fields = FieldSelector::for_resource(info, "status.phase=Running").expect("valid");
        let mut watches = Watches::default();
        let id = watches
            .open("pods", Some("default"), Selector::default(), fields)
            .expect("open");
        let (pending, running, done) = (pod("Pending"), pod("Running"), pod("Succeeded"));
        watches.notify("pods", None, Some(&pending), 1);
        watches.notify("pods", Some(&pending), Some(&running), 2);
        watches.notify("pods", Some(&running), Some(&running), 3);
        watches.notify("pods", Some(&running), Some(&done), 4);
        watches.notify("pods", Some(&done), None, 5);
        let seen: Vec<(WatchEventKind, u64)> =
            watches.take(id).iter().map(|e| (e.kind, e.at)).collect();
        assert_eq!(
            seen,
            vec![
                (WatchEventKind::Added, 2),
                (WatchEventKind::Modified, 3),
                (WatchEventKind::Deleted, 4),
            ]
        );
    }
}
