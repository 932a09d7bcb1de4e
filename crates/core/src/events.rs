//! Event recording: client-go `tools/record` (core/v1 Event objects
//! aggregated by (object, fieldPath, type, reason, message, source) with
//! `count` and `lastTimestamp`) and `tools/events` (events.k8s.io: eventTime,
//! action, reportingController/Instance, `series`). Objects are named
//! `<object>.<hex UnixNano>` in creation order, expire after
//! [`timing::EVENT_TTL_MS`] from their last write and are capped at
//! [`limits::MAX_EVENTS`].
//!
//! Core/v1 events pass client-go's `EventCorrelator`
//! (staging/src/k8s.io/client-go/tools/record/events_cache.go) first:
//! * the aggregator (`EventAggregatorByReasonFunc`): once
//!   [`AGGREGATE_MAX_EVENTS`] different messages of one source, object,
//!   type and reason were seen with no gap over
//!   [`timing::EVENT_AGGREGATE_WINDOW_MS`], further ones become one event
//!   `(combined from similar events): <message>`, its count growing and its
//!   message the latest;
//! * the spam filter (`EventSourceObjectSpamFilter`): a token bucket per
//!   source and object, [`SPAM_BURST`] events, refilled by one every
//!   [`timing::EVENT_SPAM_REFILL_MS`]. A filtered occurrence is not written
//!   but still counted, so the next written one carries the whole count.
//!
//! Upstream drops an arbitrary message from a full aggregation set
//! (`PopAny`); here the smallest goes, to stay deterministic.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, OnceLock};

use ordinal_model::Value;

use crate::clock::{parse_rfc3339, rfc3339, rfc3339_micro};
use crate::hash::fingerprint;
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

/// An events.k8s.io (`k8s.io/client-go/tools/events`) recorder, as
/// kube-scheduler uses: `eventTime`, `action`, `reportingController` and
/// `reportingInstance` set, `source` and the legacy timestamps empty.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reporter<'a> {
    pub controller: &'a str,
    pub instance: &'a str,
    pub action: &'a str,
}

/// Which recorder writes an event.
#[derive(Debug, Clone, Copy)]
enum Recorder<'a> {
    /// core/v1 `tools/record` (count, firstTimestamp, lastTimestamp, source).
    Legacy(Source<'a>),
    /// events.k8s.io `tools/events` (eventTime, action, series).
    EventsV1(Reporter<'a>),
}

/// The texts of a [`Recorded`] event, one per [`Text`] in its order
/// (`Action` is the last).
const TEXTS: usize = Text::Action as usize + 1;

/// Which text of a [`Recorded`] event: its own name, namespace and uid; the
/// object it is about (`involvedObject`) as the recorder saw it; what it
/// says; and who wrote it (`source` of a core/v1 recorder, or the
/// events.k8s.io reporter's controller, instance and action).
#[derive(Debug, Clone, Copy)]
enum Text {
    Name,
    Namespace,
    Uid,
    ApiVersion,
    Kind,
    Object,
    ObjectUid,
    ObjectVersion,
    FieldPath,
    Type,
    Reason,
    Message,
    /// `source.component`, or the reporting controller.
    Component,
    /// `source.host`, or the reporting instance.
    Host,
    /// The events.k8s.io `action` (empty for core/v1).
    Action,
}

/// A new event as a recorder wrote it, stored typed: tens of thousands are
/// written while a large set starts, and most are dropped or expire without
/// ever being read, so the object is built only when something reads it
/// ([`Recorded::object`]), and its texts share one allocation. A repeat is
/// written as an object ([`Sim::repeat_event`]), which replaces the record.
#[derive(Debug)]
pub(crate) struct Recorded {
    /// The texts, one after another in [`Text`] order.
    texts: Box<str>,
    /// Where each text ends in `texts`.
    ends: [u32; TEXTS],
    /// When it was written (ms).
    at: u64,
    resource_version: u64,
    /// False for an event about a cluster-scoped object (the event's own
    /// namespace is `default` then).
    namespaced: bool,
    /// Written by a core/v1 recorder (count, firstTimestamp, source), not
    /// an events.k8s.io one (eventTime, action).
    legacy: bool,
    object: OnceLock<Arc<Value>>,
}

impl Recorded {
    fn new(
        texts: [&str; TEXTS],
        at: u64,
        resource_version: u64,
        namespaced: bool,
        legacy: bool,
    ) -> Recorded {
        let mut all = String::with_capacity(texts.iter().map(|t| t.len()).sum());
        let mut ends = [0; TEXTS];
        for (end, text) in ends.iter_mut().zip(texts) {
            all.push_str(text);
            *end = u32::try_from(all.len()).unwrap_or(u32::MAX);
        }
        Recorded {
            texts: all.into_boxed_str(),
            ends,
            at,
            resource_version,
            namespaced,
            legacy,
            object: OnceLock::new(),
        }
    }

    fn text(&self, which: Text) -> &str {
        let i = which as usize;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        self.texts.get(start..self.ends[i] as usize).unwrap_or("")
    }

    pub(crate) fn name(&self) -> &str {
        self.text(Text::Name)
    }

    pub(crate) fn namespace(&self) -> &str {
        self.text(Text::Namespace)
    }

    /// The event object, built on first use.
    pub(crate) fn object(&self) -> &Arc<Value> {
        self.object.get_or_init(|| Arc::new(self.build()))
    }

    /// When it was last written, as [`last_written`] reads it from the
    /// object (core/v1 timestamps have whole seconds).
    fn last_written(&self) -> u64 {
        if self.legacy {
            self.at / 1_000 * 1_000
        } else {
            self.at
        }
    }

    fn build(&self) -> Value {
        let text = |which| Value::from(self.text(which));
        let mut involved = Value::from([
            ("apiVersion", text(Text::ApiVersion)),
            ("kind", text(Text::Kind)),
            ("name", text(Text::Object)),
            ("uid", text(Text::ObjectUid)),
            ("resourceVersion", text(Text::ObjectVersion)),
        ]);
        if self.namespaced {
            involved.set(&["namespace"], text(Text::Namespace));
        }
        if !self.text(Text::FieldPath).is_empty() {
            involved.set(&["fieldPath"], text(Text::FieldPath));
        }
        let now_text = rfc3339(self.at);
        let metadata = Value::from([
            ("creationTimestamp", Value::from(now_text.as_str())),
            ("name", text(Text::Name)),
            ("namespace", text(Text::Namespace)),
            (
                "resourceVersion",
                Value::from(self.resource_version.to_string()),
            ),
            ("uid", text(Text::Uid)),
        ]);
        // Built in one go, keys in order.
        if self.legacy {
            let mut src = Value::from([("component", text(Text::Component))]);
            if !self.text(Text::Host).is_empty() {
                src.set(&["host"], text(Text::Host));
            }
            Value::from([
                ("apiVersion", Value::from("v1")),
                ("count", Value::Int(1)),
                ("eventTime", Value::Null),
                ("firstTimestamp", Value::from(now_text.as_str())),
                ("involvedObject", involved),
                ("kind", Value::from("Event")),
                ("lastTimestamp", Value::from(now_text)),
                ("message", text(Text::Message)),
                ("metadata", metadata),
                ("reason", text(Text::Reason)),
                ("reportingComponent", text(Text::Component)),
                ("reportingInstance", text(Text::Host)),
                ("source", src),
                ("type", text(Text::Type)),
            ])
        } else {
            Value::from([
                ("action", text(Text::Action)),
                ("apiVersion", Value::from("v1")),
                ("eventTime", Value::from(rfc3339_micro(self.at))),
                ("firstTimestamp", Value::Null),
                ("involvedObject", involved),
                ("kind", Value::from("Event")),
                ("lastTimestamp", Value::Null),
                ("message", text(Text::Message)),
                ("metadata", metadata),
                ("reason", text(Text::Reason)),
                ("reportingComponent", text(Text::Component)),
                ("reportingInstance", text(Text::Host)),
                ("source", Value::object()),
                ("type", text(Text::Type)),
            ])
        }
    }
}

/// How often the events.k8s.io recorder writes the growing `series` of an
/// event it already wrote twice (`refreshExistingEventSeries`, 30 minutes).
pub const SERIES_REFRESH_MS: u64 = 1_800_000;

/// Events one source may write about one object at once (`defaultSpamBurst`).
pub const SPAM_BURST: u64 = 25;
/// Different messages of one reason before they are combined
/// (`defaultAggregateMaxEvents`).
pub const AGGREGATE_MAX_EVENTS: usize = 10;
/// Prefix of a combined event's message (`EventAggregatorByReasonMessageFunc`).
const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// A spam filter bucket: tokens in ms of refill (one event costs
/// [`timing::EVENT_SPAM_REFILL_MS`]) and when it was last filled.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens_ms: u64,
    at: u64,
}

/// An aggregation group: the messages seen and the last occurrence.
#[derive(Debug, Clone, Default)]
struct Group {
    messages: BTreeSet<String>,
    last: u64,
}

/// A correlation key: the 64-bit [`fingerprint`] of the parts upstream
/// joins into a string. Kept instead of the string: an event's keys run to
/// a few hundred bytes, and a large set writes tens of thousands of events.
type Key = u64;

/// A correlator cache: entries by key, forgetting the least recently used
/// beyond [`limits::MAX_EVENT_CORRELATION_KEYS`] (an LRU cache upstream).
#[derive(Debug, Clone)]
struct Lru<T> {
    /// Each entry with the use it was last touched at.
    entries: BTreeMap<Key, (u64, T)>,
    /// Keys by their last use, oldest first.
    order: BTreeMap<u64, Key>,
    uses: u64,
}

impl<T> Default for Lru<T> {
    fn default() -> Self {
        Lru {
            entries: BTreeMap::new(),
            order: BTreeMap::new(),
            uses: 0,
        }
    }
}

impl<T> Lru<T> {
    /// The entry for `key` (made by `new` when absent), now the most
    /// recently used.
    fn touch(&mut self, key: Key, new: impl FnOnce() -> T) -> &mut T {
        self.uses += 1;
        let uses = self.uses;
        if let Some(entry) = self.entries.get_mut(&key) {
            let last = std::mem::replace(&mut entry.0, uses);
            self.order.remove(&last);
        } else {
            self.entries.insert(key, (uses, new()));
            while self.entries.len() > limits::MAX_EVENT_CORRELATION_KEYS {
                let Some((_, oldest)) = self.order.pop_first() else {
                    break;
                };
                self.entries.remove(&oldest);
            }
        }
        self.order.insert(uses, key);
        &mut self.entries.get_mut(&key).expect("just touched").1
    }
}

/// Aggregation bookkeeping.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventIndex {
    /// Spam filter buckets by source and object.
    buckets: Lru<Bucket>,
    /// Aggregation groups by source, object, type and reason.
    groups: Lru<Group>,
    /// The events the recorders wrote, by id (the [`fingerprint`] of the
    /// name, unique since names carry their creation stamp): namespace,
    /// name and correlation key.
    written: BTreeMap<Key, (String, String, Key)>,
    /// Event ids by correlation key.
    by_key: BTreeMap<Key, Key>,
    /// Event ids in creation order, the oldest dropped first at
    /// [`limits::MAX_EVENTS`].
    fifo: VecDeque<Key>,
    /// Occurrences of series events not written yet: count and last seen.
    unwritten: BTreeMap<(String, String), (i64, u64)>,
    /// The UnixNano stamp of the newest event name (names sort in creation order).
    last_stamp: u64,
}

/// When an event was last written: its series, lastTimestamp or eventTime.
fn last_written(ev: &Value) -> u64 {
    [
        ev.str_at(&["series", "lastObservedTime"]),
        ev.str_at(&["lastTimestamp"]),
        ev.str_at(&["eventTime"]),
    ]
    .iter()
    .find_map(|t| parse_rfc3339(t))
    .unwrap_or(0)
}

/// When an event first happened: firstTimestamp or eventTime.
fn first_seen(ev: &Value) -> u64 {
    parse_rfc3339(ev.str_at(&["firstTimestamp"]))
        .or_else(|| parse_rfc3339(ev.str_at(&["eventTime"])))
        .unwrap_or(0)
}

impl Sim {
    /// Records an event about `involved` (a stored object) through a core/v1
    /// recorder (controllers, kubelet).
    pub(crate) fn record_event(
        &mut self,
        involved: &Value,
        field_path: &str,
        event_type: &str,
        reason: &str,
        message: &str,
        source: Source<'_>,
    ) {
        self.record(
            involved,
            field_path,
            event_type,
            reason,
            message,
            Recorder::Legacy(source),
        );
    }

    /// Records an event through an events.k8s.io recorder (the scheduler).
    pub(crate) fn record_event_v1(
        &mut self,
        involved: &Value,
        event_type: &str,
        reason: &str,
        message: &str,
        reporter: Reporter<'_>,
    ) {
        self.record(
            involved,
            "",
            event_type,
            reason,
            message,
            Recorder::EventsV1(reporter),
        );
    }

    /// A repeat of an event already stored: the legacy recorder bumps
    /// `count`; the events.k8s.io one writes `series` on the first repeat and
    /// then only every [`SERIES_REFRESH_MS`].
    fn repeat_event(
        &mut self,
        id: Key,
        ns: String,
        name: String,
        existing: Value,
        message: &str,
        recorder: Recorder<'_>,
    ) {
        let info = resources::by_plural("events").expect("events are served");
        let mut ev = existing;
        match recorder {
            Recorder::Legacy(_) => {
                let stored = ev.i64_at(&["count"]).unwrap_or(1);
                let count = self
                    .events
                    .unwritten
                    .remove(&(ns.clone(), name.clone()))
                    .map_or(stored, |u| u.0)
                    + 1;
                ev.set(&["count"], Value::Int(count));
                ev.set(&["lastTimestamp"], Value::from(rfc3339(self.now)));
                ev.set(&["message"], Value::from(message));
            }
            Recorder::EventsV1(_) => {
                let key = (ns.clone(), name.clone());
                let stored = ev.i64_at(&["series", "count"]).unwrap_or(1);
                let pending = self.events.unwritten.get(&key).map_or(stored, |u| u.0);
                let count = pending + 1;
                let written = last_written(&ev);
                if stored > 1 && self.now < written + SERIES_REFRESH_MS {
                    self.events.unwritten.insert(key, (count, self.now));
                    return;
                }
                self.events.unwritten.remove(&key);
                ev.set(
                    &["series"],
                    Value::from([
                        ("count", Value::Int(count)),
                        ("lastObservedTime", Value::from(rfc3339_micro(self.now))),
                    ]),
                );
            }
        }
        self.write(info, ev);
        self.schedule_at(
            self.now + timing::EVENT_TTL_MS,
            Action::ExpireEvent(id),
            true,
        );
    }

    /// Names a new event `<object>.<hex UnixNano>` from simulated time, one
    /// nanosecond after the previous event at the latest, so that names sort
    /// in creation order (client-go names events by their UnixNano time).
    fn event_name(&mut self, object: &str) -> String {
        let stamp = (self.now * 1_000_000).max(self.events.last_stamp + 1);
        self.events.last_stamp = stamp;
        format!("{object}.{stamp:x}")
    }

    fn record(
        &mut self,
        involved: &Value,
        field_path: &str,
        event_type: &str,
        reason: &str,
        message: &str,
        recorder: Recorder<'_>,
    ) {
        let kind = involved.str_at(&["kind"]);
        let name = involved.str_at(&["metadata", "name"]);
        let uid = involved.str_at(&["metadata", "uid"]);
        let ns = match involved.str_at(&["metadata", "namespace"]) {
            "" => "default",
            n => n,
        }
        .to_string();
        let (component, instance, action) = match recorder {
            Recorder::Legacy(s) => (s.component, s.host, ""),
            Recorder::EventsV1(r) => (r.controller, r.instance, r.action),
        };
        // The parts of upstream's keys: `getEventKey`, the aggregator's
        // (`EventAggregatorByReasonFunc`) and the spam filter's (`getSpamKey`).
        let mut key = fingerprint(&[
            uid, &ns, kind, name, field_path, event_type, reason, message, component, instance,
            action,
        ]);
        let combined;
        let mut message = message;
        let mut accepted = true;
        if let Recorder::Legacy(_) = recorder {
            let api_version = involved.str_at(&["apiVersion"]);
            let object = [uid, component, instance, kind, &ns, name, api_version];
            let group = [&object[..], &[event_type, reason]].concat();
            if self.aggregate(fingerprint(&group), message) {
                combined = format!("{COMBINED_PREFIX}{message}");
                message = &combined;
                key = fingerprint(&[&group[..], &[COMBINED_PREFIX]].concat());
            }
            accepted = self.spam_accept(fingerprint(&object));
        }
        let known = self.events.by_key.get(&key).and_then(|id| {
            let (ens, ename, _) = self.events.written.get(id)?;
            Some((*id, ens.clone(), ename.clone()))
        });
        if let Some((id, ens, ename)) = known {
            if let Some(existing) = self.store.get("events", &ens, &ename).cloned() {
                if accepted {
                    self.repeat_event(id, ens, ename, existing, message, recorder);
                } else {
                    // Counted by the correlator's log, written with the next
                    // occurrence the filter lets through.
                    let stored = existing.i64_at(&["count"]).unwrap_or(1);
                    let entry = self
                        .events
                        .unwritten
                        .entry((ens, ename))
                        .or_insert((stored, 0));
                    *entry = (entry.0 + 1, self.now);
                }
                return;
            }
        }
        if !accepted {
            return;
        }
        // The queue's oldest ids may name events already gone.
        while self.store.count("events") >= limits::MAX_EVENTS {
            let Some(oldest) = self.events.fifo.pop_front() else {
                break;
            };
            self.drop_event(oldest);
        }
        let event_name = self.event_name(name);
        let uid_text = self.rng.uuid();
        let resource_version = self.store.bump_version();
        let record = Recorded::new(
            [
                &event_name,
                &ns,
                &uid_text,
                involved.str_at(&["apiVersion"]),
                kind,
                name,
                uid,
                involved.str_at(&["metadata", "resourceVersion"]),
                field_path,
                event_type,
                reason,
                message,
                component,
                instance,
                action,
            ],
            self.now,
            resource_version,
            !involved.str_at(&["metadata", "namespace"]).is_empty(),
            matches!(recorder, Recorder::Legacy(_)),
        );
        self.write_recorded(record);
        let id = fingerprint(&[&event_name]);
        self.events.written.insert(id, (ns, event_name, key));
        self.events.by_key.insert(key, id);
        self.events.fifo.push_back(id);
        self.schedule_at(
            self.now + timing::EVENT_TTL_MS,
            Action::ExpireEvent(id),
            true,
        );
    }

    /// The aggregator: notes `message` in its group and says whether the
    /// group holds [`AGGREGATE_MAX_EVENTS`] different messages, so that this
    /// occurrence is combined (`EventAggregate`).
    fn aggregate(&mut self, group: Key, message: &str) -> bool {
        let now = self.now;
        let entry = self.events.groups.touch(group, Group::default);
        if now.saturating_sub(entry.last) > timing::EVENT_AGGREGATE_WINDOW_MS {
            entry.messages.clear();
        }
        entry.messages.insert(message.to_string());
        entry.last = now;
        let combine = entry.messages.len() >= AGGREGATE_MAX_EVENTS;
        if combine {
            entry.messages.pop_first();
        }
        combine
    }

    /// The spam filter: takes a token from the bucket of a source and
    /// object, or says the event is dropped (`EventSourceObjectSpamFilter`).
    fn spam_accept(&mut self, object: Key) -> bool {
        let now = self.now;
        let cost = timing::EVENT_SPAM_REFILL_MS;
        let full = SPAM_BURST * cost;
        let bucket = self.events.buckets.touch(object, || Bucket {
            tokens_ms: full,
            at: now,
        });
        bucket.tokens_ms = (bucket.tokens_ms + now.saturating_sub(bucket.at)).min(full);
        bucket.at = now;
        let accepted = bucket.tokens_ms >= cost;
        if accepted {
            bucket.tokens_ms -= cost;
        }
        accepted
    }

    /// Drops an event whose last occurrence is older than the TTL.
    pub(crate) fn expire_event(&mut self, id: Key) {
        let Some((ns, name, _)) = self.events.written.get(&id) else {
            return;
        };
        let written = match self.store.recorded(ns, name) {
            Some(record) => Some(record.last_written()),
            None => self.store.get("events", ns, name).map(last_written),
        };
        // One deleted through the API is forgotten at its TTL too.
        if written.is_none_or(|at| at + timing::EVENT_TTL_MS <= self.now) {
            self.drop_event(id);
        }
        // Events expire in about the order they were written: the ids of
        // those gone leave the front of the creation-order queue.
        while let Some(front) = self.events.fifo.front() {
            if self.events.written.contains_key(front) {
                break;
            }
            self.events.fifo.pop_front();
        }
    }

    /// Stores a new event, telling the watches that see it; controllers
    /// have nothing to do for an event.
    fn write_recorded(&mut self, record: Recorded) {
        let record = Arc::new(record);
        let old = self.store.put_recorded(Arc::clone(&record));
        if self.watches.covers("events", record.namespace()) {
            self.watches
                .notify("events", old.as_deref(), Some(record.object()), self.now);
        }
    }

    /// Forgets a written event and removes it from the store.
    fn drop_event(&mut self, id: Key) {
        let Some((ns, name, key)) = self.events.written.remove(&id) else {
            return;
        };
        // A key written again since (after the event was deleted) belongs
        // to the newer event.
        if self.events.by_key.get(&key) == Some(&id) {
            self.events.by_key.remove(&key);
        }
        let (ns, name) = (ns.as_str(), name.as_str());
        if !self.events.unwritten.is_empty() {
            self.events
                .unwritten
                .remove(&(ns.to_string(), name.to_string()));
        }
        let Some(record) = self.store.remove_recorded(ns, name) else {
            let info = resources::by_plural("events").expect("events are served");
            self.erase(info, ns, name);
            return;
        };
        // As `erase` does, without building an object nobody watches.
        let rv = self.store.bump_version();
        if self.watches.covers("events", ns) {
            let mut old = Value::clone(record.object());
            old.set(
                &["metadata", "resourceVersion"],
                Value::from(rv.to_string()),
            );
            self.watches.notify("events", Some(&old), None, self.now);
        }
        self.react_gone(record.text(Text::Uid));
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
            let key = |e: &Value| (first_seen(e), e.str_at(&["metadata", "name"]).to_string());
            key(a).cmp(&key(b))
        });
        out.into_iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::{Sim, SimConfig, Value};

    #[test]
    fn correlator_caches_forget_the_least_recently_used_key() {
        let mut cache = super::Lru::<u32>::default();
        let max = crate::limits::MAX_EVENT_CORRELATION_KEYS;
        for i in 0..max {
            *cache.touch(i as super::Key, || 0) += 1;
        }
        // Key 0 is used again, so key 1 is now the least recently used.
        *cache.touch(0, || 0) += 1;
        cache.touch(u64::MAX, || 0);
        assert_eq!(cache.entries.len(), max);
        assert!(!cache.entries.contains_key(&1));
        assert_eq!(cache.entries.get(&0).map(|e| e.1), Some(2));
        assert_eq!(cache.order.len(), max);
    }

    fn pod(name: &str) -> Value {
        let mut p = Value::object();
        p.set(&["metadata", "name"], name.into());
        p.set(
            &["spec", "containers"],
            Value::from(vec![Value::from([
                ("name", Value::from("c")),
                ("image", Value::from("nginx:1.27")),
            ])]),
        );
        p
    }

    /// A new cluster with pod `a` created, and the pod as stored.
    fn cluster_with_pod_a() -> (Sim, Value) {
        let mut sim = Sim::new(SimConfig::default());
        sim.create("pods", "default", pod("a")).expect("created");
        let pod = sim.get("pods", "default", "a").expect("stored");
        (sim, pod)
    }

    #[test]
    fn names_sort_in_creation_order_within_one_instant() {
        let mut sim = Sim::new(SimConfig::default());
        sim.create("pods", "default", pod("a")).expect("created");
        sim.advance(20_000);
        let events = sim.list("events", Some("default"), "", "").expect("events");
        let mut by_time: Vec<(u64, String)> = events
            .iter()
            .map(|e| {
                let name = e.str_at(&["metadata", "name"]).to_string();
                let hex = name.rsplit('.').next().unwrap_or("").to_string();
                (u64::from_str_radix(&hex, 16).unwrap_or(0), name)
            })
            .collect();
        let names: Vec<String> = by_time.iter().map(|e| e.1.clone()).collect();
        ordinal_model::order::sort(&mut by_time);
        assert_eq!(names, by_time.into_iter().map(|e| e.1).collect::<Vec<_>>());
        let reasons: Vec<&str> = events.iter().map(|e| e.str_at(&["reason"])).collect();
        assert_eq!(
            reasons,
            ["Scheduled", "Pulling", "Pulled", "Created", "Started"],
            "listing by name gives the order the events happened in"
        );
    }

    #[test]
    fn a_recorded_event_reads_back_each_text_in_its_place() {
        let (mut sim, pod) = cluster_with_pod_a();
        let source = super::Source {
            component: "kubelet",
            host: "",
        };
        sim.record_event(
            &pod,
            "spec.containers{c}",
            super::WARNING,
            "Odd",
            "odd one",
            source,
        );
        let reporter = super::Reporter {
            controller: "default-scheduler",
            instance: "sched-1",
            action: "Binding",
        };
        sim.record_event_v1(&pod, super::NORMAL, "Even", "even one", reporter);
        let events = sim.list("events", Some("default"), "", "").expect("events");
        let find = |reason: &str| {
            events
                .iter()
                .find(|e| e.str_at(&["reason"]) == reason)
                .expect("recorded")
                .clone()
        };
        let odd = find("Odd");
        let uid = pod.str_at(&["metadata", "uid"]);
        for (path, want) in [
            (&["type"][..], "Warning"),
            (&["message"], "odd one"),
            (&["involvedObject", "name"], "a"),
            (&["involvedObject", "namespace"], "default"),
            (&["involvedObject", "uid"], uid),
            (&["involvedObject", "fieldPath"], "spec.containers{c}"),
            (&["involvedObject", "kind"], "Pod"),
            (&["involvedObject", "apiVersion"], "v1"),
            (&["source", "component"], "kubelet"),
            (&["reportingComponent"], "kubelet"),
            (&["reportingInstance"], ""),
        ] {
            assert_eq!(odd.str_at(path), want, "{path:?}");
        }
        assert!(odd.at(&["source", "host"]).is_none(), "no empty host");
        assert!(odd.str_at(&["metadata", "name"]).starts_with("a."));
        assert_eq!(odd.str_at(&["metadata", "uid"]).len(), 36);
        let even = find("Even");
        for (path, want) in [
            (&["type"][..], "Normal"),
            (&["message"], "even one"),
            (&["action"], "Binding"),
            (&["reportingComponent"], "default-scheduler"),
            (&["reportingInstance"], "sched-1"),
        ] {
            assert_eq!(even.str_at(path), want, "{path:?}");
        }
        assert!(even.at(&["involvedObject", "fieldPath"]).is_none());
    }

    #[test]
    fn a_deleted_event_written_again_keeps_counting_after_the_first_expires() {
        let (mut sim, pod) = cluster_with_pod_a();
        let source = super::Source {
            component: "test",
            host: "",
        };
        let warn = |sim: &mut Sim| {
            sim.record_event(&pod, "", super::WARNING, "Odd", "odd", source);
        };
        let odd = |sim: &Sim| -> Vec<Value> {
            sim.list("events", Some("default"), "", "")
                .expect("events")
                .into_iter()
                .filter(|e| e.str_at(&["reason"]) == "Odd")
                .collect()
        };
        warn(&mut sim);
        let first = odd(&sim)[0].str_at(&["metadata", "name"]).to_string();
        sim.delete("events", "default", &first, &Default::default())
            .expect("deleted");
        sim.advance(1_800_000);
        warn(&mut sim);
        // The first event's TTL passes; the second is still counted.
        sim.advance(1_900_000);
        warn(&mut sim);
        let events = odd(&sim);
        assert_eq!(events.len(), 1);
        assert_ne!(events[0].str_at(&["metadata", "name"]), first);
        assert_eq!(events[0].i64_at(&["count"]), Some(2));
    }

    #[test]
    fn the_event_cap_holds_when_the_oldest_event_was_deleted() {
        let mut sim = Sim::new(SimConfig::default());
        let object = |i: usize| {
            let mut p = pod(&format!("p{i}"));
            p.set(&["kind"], "Pod".into());
            p.set(&["metadata", "namespace"], "capped".into());
            p.set(&["metadata", "uid"], Value::from(format!("uid-{i}")));
            p
        };
        let source = super::Source {
            component: "test",
            host: "",
        };
        sim.record_event(&object(0), "", super::NORMAL, "First", "first", source);
        let first = sim.list("events", Some("capped"), "", "").expect("events")[0]
            .str_at(&["metadata", "name"])
            .to_string();
        sim.delete("events", "capped", &first, &Default::default())
            .expect("deleted");
        let all = |sim: &Sim| sim.list_refs("events", None, "", "").expect("events").len();
        let before = all(&sim);
        let max = crate::limits::MAX_EVENTS;
        for i in 1..=(max - before + 60) {
            sim.record_event(&object(i), "", super::NORMAL, "Next", "next", source);
        }
        assert_eq!(all(&sim), max);
    }

    #[test]
    fn scheduler_events_are_events_k8s_io_events() {
        let mut sim = Sim::new(SimConfig::default());
        sim.create("pods", "default", pod("a")).expect("created");
        sim.advance(1_000);
        let scheduled = sim
            .events_for("Pod", "default", "a")
            .into_iter()
            .find(|e| e.str_at(&["reason"]) == "Scheduled")
            .expect("Scheduled event");
        assert_eq!(scheduled.str_at(&["action"]), "Binding");
        assert_eq!(
            scheduled.str_at(&["reportingComponent"]),
            "default-scheduler"
        );
        assert_eq!(
            scheduled.str_at(&["reportingInstance"]),
            "default-scheduler-kind-control-plane"
        );
        assert_eq!(
            scheduled.str_at(&["eventTime"]),
            "2026-01-01T00:00:00.040000Z"
        );
        assert_eq!(scheduled.get("firstTimestamp"), Some(&Value::Null));
        assert_eq!(scheduled.get("count"), None);
        assert_eq!(scheduled.get("source"), Some(&Value::object()));
    }
}
