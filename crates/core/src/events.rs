//! Event recording (client-go `tools/record`): Event objects named
//! `<object>.<16 hex>`, aggregated by (object, fieldPath, type, reason,
//! message, source) with `count` and `lastTimestamp`, expiring after
//! [`timing::EVENT_TTL_MS`] and capped at [`limits::MAX_EVENTS`].

use std::collections::{BTreeMap, VecDeque};

use ordinal_model::Value;

use crate::clock::{parse_rfc3339, rfc3339};
use crate::limits;
use crate::resources;
use crate::sim::{Action, Sim};
use crate::timing;

/// `Normal` events.
pub const NORMAL: &str = "Normal";
/// `Warning` events.
pub const WARNING: &str = "Warning";

/// Who reports an event (`source.component`, `source.host`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'a> {
    pub component: &'a str,
    pub host: &'a str,
}

/// Aggregation bookkeeping.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventIndex {
    by_key: BTreeMap<String, (String, String)>,
    by_name: BTreeMap<(String, String), String>,
    fifo: VecDeque<(String, String)>,
}

impl Sim {
    /// Records an event about `involved` (a stored object).
    pub(crate) fn record_event(
        &mut self,
        involved: &Value,
        field_path: &str,
        event_type: &str,
        reason: &str,
        message: &str,
        source: Source<'_>,
    ) {
        let kind = involved.str_at(&["kind"]);
        let name = involved.str_at(&["metadata", "name"]);
        let uid = involved.str_at(&["metadata", "uid"]);
        let ns = match involved.str_at(&["metadata", "namespace"]) {
            "" => "default",
            n => n,
        }
        .to_string();
        let key = format!(
            "{ns}|{kind}|{name}|{uid}|{field_path}|{event_type}|{reason}|{message}|{}|{}",
            source.component, source.host
        );
        let now_text = rfc3339(self.now);
        let info = resources::by_resource("events").expect("events are served");
        if let Some((ens, ename)) = self.events.by_key.get(&key).cloned() {
            if let Some(existing) = self.store.get("events", &ens, &ename).cloned() {
                let mut ev = existing;
                let count = ev.i64_at(&["count"]).unwrap_or(1) + 1;
                ev.set(&["count"], Value::Int(count));
                ev.set(&["lastTimestamp"], Value::from(now_text));
                self.write(info, ev);
                self.schedule_at(
                    self.now + timing::EVENT_TTL_MS,
                    Action::ExpireEvent(ens, ename),
                    true,
                );
                return;
            }
        }
        if self.store.count("events") >= limits::MAX_EVENTS {
            if let Some((ons, oname)) = self.events.fifo.pop_front() {
                self.drop_event(&ons, &oname);
            }
        }
        let nanos = self.now * 1_000_000 + self.rng.below(1_000_000);
        let event_name = format!("{name}.{nanos:016x}");
        let mut involved_ref = Value::from([
            ("apiVersion", Value::from(involved.str_at(&["apiVersion"]))),
            ("kind", Value::from(kind)),
            ("name", Value::from(name)),
            ("uid", Value::from(uid)),
            (
                "resourceVersion",
                Value::from(involved.str_at(&["metadata", "resourceVersion"])),
            ),
        ]);
        if !involved.str_at(&["metadata", "namespace"]).is_empty() {
            involved_ref.set(&["namespace"], Value::from(ns.as_str()));
        }
        if !field_path.is_empty() {
            involved_ref.set(&["fieldPath"], Value::from(field_path));
        }
        let mut src = Value::from([("component", Value::from(source.component))]);
        if !source.host.is_empty() {
            src.set(&["host"], Value::from(source.host));
        }
        let ev = Value::from([
            ("apiVersion", Value::from("v1")),
            ("kind", Value::from("Event")),
            ("count", Value::Int(1)),
            ("eventTime", Value::Null),
            ("firstTimestamp", Value::from(now_text.as_str())),
            ("lastTimestamp", Value::from(now_text.as_str())),
            ("involvedObject", involved_ref),
            ("message", Value::from(message)),
            ("reason", Value::from(reason)),
            ("reportingComponent", Value::from(source.component)),
            ("reportingInstance", Value::from(source.host)),
            ("source", src),
            ("type", Value::from(event_type)),
            (
                "metadata",
                Value::from([
                    ("name", Value::from(event_name.as_str())),
                    ("namespace", Value::from(ns.as_str())),
                    ("uid", Value::from(self.rng.uuid())),
                    ("creationTimestamp", Value::from(now_text.as_str())),
                ]),
            ),
        ]);
        self.write(info, ev);
        self.events
            .by_key
            .insert(key.clone(), (ns.clone(), event_name.clone()));
        self.events
            .by_name
            .insert((ns.clone(), event_name.clone()), key);
        self.events.fifo.push_back((ns.clone(), event_name.clone()));
        self.schedule_at(
            self.now + timing::EVENT_TTL_MS,
            Action::ExpireEvent(ns, event_name),
            true,
        );
    }

    /// Drops an event whose last occurrence is older than the TTL.
    pub(crate) fn expire_event(&mut self, ns: &str, name: &str) {
        let Some(ev) = self.store.get("events", ns, name) else {
            return;
        };
        let last = parse_rfc3339(ev.str_at(&["lastTimestamp"])).unwrap_or(0);
        if last + timing::EVENT_TTL_MS <= self.now {
            self.drop_event(ns, name);
        }
    }

    fn drop_event(&mut self, ns: &str, name: &str) {
        let key = (ns.to_string(), name.to_string());
        if let Some(agg) = self.events.by_name.remove(&key) {
            self.events.by_key.remove(&agg);
        }
        let info = resources::by_resource("events").expect("events are served");
        self.erase(info, ns, name);
    }

    /// Events about one object (`involvedObject.kind` and `.name`) in a
    /// namespace, oldest first, as `kubectl describe` lists them.
    pub fn events_for(&self, kind: &str, namespace: &str, name: &str) -> Vec<Value> {
        let ns = if namespace.is_empty() {
            "default"
        } else {
            namespace
        };
        let mut out: Vec<&Value> = self
            .store
            .iter("events", Some(ns))
            .filter(|e| {
                e.str_at(&["involvedObject", "kind"]) == kind
                    && e.str_at(&["involvedObject", "name"]) == name
            })
            .collect();
        ordinal_model::order::sort_by(&mut out, |a, b| {
            let key = |e: &Value| {
                (
                    parse_rfc3339(e.str_at(&["firstTimestamp"])).unwrap_or(0),
                    e.str_at(&["metadata", "name"]).to_string(),
                )
            };
            key(a).cmp(&key(b))
        });
        out.into_iter().cloned().collect()
    }
}
