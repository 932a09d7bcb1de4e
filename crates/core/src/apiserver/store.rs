//! The object store (etcd's role): objects by resource, namespace and name,
//! the global resourceVersion counter and an owner index (owner uid →
//! dependents) for controllers and the garbage collector, and a pod label
//! index (namespace, key, value → pod names) so a selector with an equality
//! requirement reads only the pods it can match. Objects are shared
//! (`Arc`): a controller holding a pod across its own writes copies a pointer,
//! not the tree, and every write stores a new object. Events the recorders
//! write are kept as typed records ([`Recorded`]) and turned into objects
//! the first time something reads them: most are never read before they are
//! dropped or expire.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ordinal_model::labels::{Operator, Selector};
use ordinal_model::Value;

use super::pod_facts::PodFacts;
use crate::events::Recorded;

/// A dependent's address in the owner index.
pub(crate) type DependentKey = (&'static str, String, String);

/// A stored object and, for a pod, the summary of that version.
pub(crate) type Entry<'a> = (&'a Arc<Value>, Option<&'a Arc<PodFacts>>);

/// A stored object: a tree (a pod's with the summary of that version), or
/// an event a recorder wrote, kept typed until it is read.
#[derive(Debug, Clone)]
enum Stored {
    Object(Arc<Value>),
    Pod(Arc<Value>, Arc<PodFacts>),
    Event(Arc<Recorded>),
}

impl Stored {
    /// The object (an event's is built on first use and kept).
    fn shared(&self) -> &Arc<Value> {
        match self {
            Stored::Object(o) | Stored::Pod(o, _) => o,
            Stored::Event(e) => e.object(),
        }
    }

    fn into_shared(self) -> Arc<Value> {
        match self {
            Stored::Object(o) | Stored::Pod(o, _) => o,
            Stored::Event(e) => Arc::clone(e.object()),
        }
    }

    /// A pod's summary.
    fn facts(&self) -> Option<&Arc<PodFacts>> {
        match self {
            Stored::Pod(_, facts) => Some(facts),
            _ => None,
        }
    }
}

/// The objects of one resource: namespace → name → object, so that a
/// lookup borrows its key instead of building one.
type Objects = BTreeMap<String, BTreeMap<String, Stored>>;

/// All stored objects.
#[derive(Debug, Clone, Default)]
pub(crate) struct Store {
    objects: BTreeMap<&'static str, Objects>,
    owners: BTreeMap<String, BTreeSet<DependentKey>>,
    pod_labels: BTreeMap<(String, String, String), BTreeSet<String>>,
    resource_version: u64,
}

/// The (key, value) label pairs of an object.
fn label_pairs(obj: &Value) -> Vec<(String, String)> {
    obj.at(&["metadata", "labels"])
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn owner_uids(obj: &Value) -> impl Iterator<Item = &str> {
    obj.array_at(&["metadata", "ownerReferences"])
        .iter()
        .map(|r| r.str_at(&["uid"]))
        .filter(|u| !u.is_empty())
}

impl Store {
    /// The next resourceVersion.
    pub fn bump_version(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    /// The object, if stored.
    pub fn get(&self, resource: &str, ns: &str, name: &str) -> Option<&Value> {
        self.shared(resource, ns, name).map(Arc::as_ref)
    }

    /// The object as a shared pointer (cheap to keep across writes).
    pub fn shared(&self, resource: &str, ns: &str, name: &str) -> Option<&Arc<Value>> {
        self.stored(resource, ns, name).map(Stored::shared)
    }

    fn stored(&self, resource: &str, ns: &str, name: &str) -> Option<&Stored> {
        self.objects.get(resource)?.get(ns)?.get(name)
    }

    /// A recorded event as its recorder wrote it; `None` when absent or
    /// replaced through the API since.
    pub fn recorded(&self, ns: &str, name: &str) -> Option<&Arc<Recorded>> {
        match self.stored("events", ns, name)? {
            Stored::Event(e) => Some(e),
            _ => None,
        }
    }

    /// Stores an event a recorder wrote (no owners, no labels); returns the
    /// object it replaces.
    pub fn put_recorded(&mut self, event: Arc<Recorded>) -> Option<Arc<Value>> {
        let (ns, name) = (event.namespace().to_string(), event.name().to_string());
        self.objects
            .entry("events")
            .or_default()
            .entry(ns)
            .or_default()
            .insert(name, Stored::Event(event))
            .map(Stored::into_shared)
    }

    /// Removes a recorded event still as its recorder wrote it; an event
    /// replaced through the API is left for [`Store::remove`].
    pub fn remove_recorded(&mut self, ns: &str, name: &str) -> Option<Arc<Recorded>> {
        self.recorded(ns, name)?;
        match self.take("events", ns, name)? {
            Stored::Event(e) => Some(e),
            _ => None,
        }
    }

    /// Takes an entry out, dropping its namespace's map when it empties.
    fn take(&mut self, resource: &str, ns: &str, name: &str) -> Option<Stored> {
        let by_ns = self.objects.get_mut(resource)?;
        let in_ns = by_ns.get_mut(ns)?;
        let taken = in_ns.remove(name)?;
        if in_ns.is_empty() {
            by_ns.remove(ns);
        }
        Some(taken)
    }

    /// Objects of one resource, optionally in one namespace, in key order.
    pub fn iter<'a>(
        &'a self,
        resource: &str,
        ns: Option<&'a str>,
    ) -> Box<dyn Iterator<Item = &'a Value> + 'a> {
        Box::new(self.iter_shared(resource, ns).map(Arc::as_ref))
    }

    /// Like [`Store::iter`], as shared pointers (cheap to keep across writes).
    pub fn iter_shared<'a>(
        &'a self,
        resource: &str,
        ns: Option<&'a str>,
    ) -> Box<dyn Iterator<Item = &'a Arc<Value>> + 'a> {
        let Some(map) = self.objects.get(resource) else {
            return Box::new(std::iter::empty());
        };
        match ns {
            Some(ns) => Box::new(
                map.get(ns)
                    .into_iter()
                    .flat_map(BTreeMap::values)
                    .map(Stored::shared),
            ),
            None => Box::new(map.values().flat_map(BTreeMap::values).map(Stored::shared)),
        }
    }

    /// Number of objects of one resource.
    pub fn count(&self, resource: &str) -> usize {
        self.objects
            .get(resource)
            .map_or(0, |m| m.values().map(BTreeMap::len).sum())
    }

    /// Stores `obj`, replacing any previous version; returns the old one.
    pub fn put(&mut self, resource: &'static str, obj: Arc<Value>) -> Option<Arc<Value>> {
        let key = (
            obj.str_at(&["metadata", "namespace"]).to_string(),
            obj.str_at(&["metadata", "name"]).to_string(),
        );
        let dep: DependentKey = (resource, key.0.clone(), key.1.clone());
        for uid in owner_uids(&obj) {
            match self.owners.get_mut(uid) {
                Some(set) => {
                    if !set.contains(&dep) {
                        set.insert(dep.clone());
                    }
                }
                None => {
                    self.owners
                        .insert(uid.to_string(), BTreeSet::from([dep.clone()]));
                }
            }
        }
        let stored = if resource == "pods" {
            Stored::Pod(Arc::clone(&obj), Arc::new(PodFacts::of(&obj)))
        } else {
            Stored::Object(Arc::clone(&obj))
        };
        let old = self
            .objects
            .entry(resource)
            .or_default()
            .entry(key.0)
            .or_default()
            .insert(key.1, stored)
            .map(Stored::into_shared);
        if resource == "pods" {
            self.index_labels(&dep.1, &dep.2, old.as_deref(), Some(&obj));
        }
        if let Some(old) = &old {
            self.unindex_stale(&dep, old, &obj);
        }
        old
    }

    /// Moves a pod from the labels of its `old` version to those of its
    /// `new` one in the label index (either may be absent).
    fn index_labels(&mut self, ns: &str, name: &str, old: Option<&Value>, new: Option<&Value>) {
        const LABELS: &[&str] = &["metadata", "labels"];
        if let (Some(old), Some(new)) = (old, new) {
            if old.at(LABELS) == new.at(LABELS) {
                return;
            }
        }
        for (k, v) in old.map(label_pairs).unwrap_or_default() {
            let entry = (ns.to_string(), k, v);
            if let Some(names) = self.pod_labels.get_mut(&entry) {
                names.remove(name);
                if names.is_empty() {
                    self.pod_labels.remove(&entry);
                }
            }
        }
        for (k, v) in new.map(label_pairs).unwrap_or_default() {
            self.pod_labels
                .entry((ns.to_string(), k, v))
                .or_default()
                .insert(name.to_string());
        }
    }

    /// The pods of namespace `ns` that `selector` matches, in name order.
    /// An `=`, `==` or `in` requirement narrows the candidates through the
    /// label index; other selectors read every pod of the namespace.
    pub fn select_pods<'a>(&'a self, ns: &'a str, selector: &'a Selector) -> Vec<&'a Arc<Value>> {
        let narrowing = selector.requirements().iter().find(|r| {
            matches!(
                r.operator,
                Operator::Equals | Operator::DoubleEquals | Operator::In
            )
        });
        let matches = |p: &&Arc<Value>| selector.matches(p.at(&["metadata", "labels"]));
        let Some(req) = narrowing else {
            return self.iter_shared("pods", Some(ns)).filter(matches).collect();
        };
        let mut names: Vec<&String> = req
            .values
            .iter()
            .filter_map(|v| {
                self.pod_labels
                    .get(&(ns.to_string(), req.key.clone(), v.clone()))
            })
            .flatten()
            .collect();
        ordinal_model::order::sort(&mut names);
        names.dedup();
        names
            .into_iter()
            .filter_map(|name| self.shared("pods", ns, name))
            .filter(matches)
            .collect()
    }

    /// Removes an object; returns it.
    pub fn remove(&mut self, resource: &'static str, ns: &str, name: &str) -> Option<Arc<Value>> {
        let old = self.take(resource, ns, name)?.into_shared();
        let dep: DependentKey = (resource, ns.to_string(), name.to_string());
        if resource == "pods" {
            self.index_labels(ns, name, Some(&old), None);
        }
        for uid in owner_uids(&old) {
            if let Some(set) = self.owners.get_mut(uid) {
                set.remove(&dep);
                if set.is_empty() {
                    self.owners.remove(uid);
                }
            }
        }
        Some(old)
    }

    /// Drops `dep` from the owners `old` named and `new` no longer does.
    fn unindex_stale(&mut self, dep: &DependentKey, old: &Value, new: &Value) {
        for uid in owner_uids(old) {
            if owner_uids(new).any(|u| u == uid) {
                continue;
            }
            if let Some(set) = self.owners.get_mut(uid) {
                set.remove(dep);
                if set.is_empty() {
                    self.owners.remove(uid);
                }
            }
        }
    }

    /// Objects whose ownerReferences name `uid`.
    pub fn dependents(&self, uid: &str) -> Vec<DependentKey> {
        self.owners
            .get(uid)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Dependents of `uid` of one resource, as objects.
    pub fn owned<'a>(&'a self, resource: &'a str, uid: &str) -> Vec<&'a Value> {
        self.owned_entries(resource, uid)
            .into_iter()
            .map(|(obj, _)| obj.as_ref())
            .collect()
    }

    /// Dependents of `uid` of one resource, each with its summary when it
    /// is a pod.
    pub fn owned_entries<'a>(&'a self, resource: &'a str, uid: &str) -> Vec<Entry<'a>> {
        self.owners
            .get(uid)
            .into_iter()
            .flatten()
            .filter(|(r, _, _)| *r == resource)
            .filter_map(|(r, ns, name)| {
                let stored = self.stored(r, ns, name)?;
                Some((stored.shared(), stored.facts()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(ns: &str, name: &str, owner: Option<&str>) -> Value {
        let mut v = Value::object();
        v.set(&["metadata", "namespace"], ns.into());
        v.set(&["metadata", "name"], name.into());
        if let Some(uid) = owner {
            v.set(
                &["metadata", "ownerReferences"],
                Value::from(vec![Value::from([("uid", Value::from(uid))])]),
            );
        }
        v
    }

    #[test]
    fn namespace_iteration_stays_inside_the_namespace() {
        let mut s = Store::default();
        s.put("pods", Arc::new(obj("a", "x", None)));
        s.put("pods", Arc::new(obj("b", "y", None)));
        s.put("pods", Arc::new(obj("ab", "z", None)));
        let names: Vec<&str> = s
            .iter("pods", Some("a"))
            .map(|v| v.str_at(&["metadata", "name"]))
            .collect();
        assert_eq!(names, ["x"]);
        assert_eq!(s.iter("pods", None).count(), 3);
    }

    #[test]
    fn owner_index_follows_updates_and_removal() {
        let mut s = Store::default();
        s.put("pods", Arc::new(obj("a", "x", Some("u1"))));
        assert_eq!(s.owned("pods", "u1").len(), 1);
        s.put("pods", Arc::new(obj("a", "x", None)));
        assert!(s.owned("pods", "u1").is_empty());
        s.put("pods", Arc::new(obj("a", "x", Some("u2"))));
        s.remove("pods", "a", "x");
        assert!(s.dependents("u2").is_empty());
    }

    #[test]
    fn a_pod_is_stored_with_the_summary_of_that_version() {
        let mut s = Store::default();
        s.put("pods", Arc::new(obj("a", "web-0", Some("u1"))));
        let facts = |s: &Store| -> Vec<(String, Option<String>)> {
            s.owned_entries("pods", "u1")
                .into_iter()
                .map(|(_, f)| {
                    let f = f.expect("a pod's summary");
                    let app = f.labels.as_ref().map(|l| l.str_at(&["app"]).to_string());
                    (f.name.clone(), app)
                })
                .collect()
        };
        assert_eq!(facts(&s), [("web-0".to_string(), None)]);
        let mut relabelled = obj("a", "web-0", Some("u1"));
        relabelled.set(&["metadata", "labels", "app"], "web".into());
        s.put("pods", Arc::new(relabelled));
        assert_eq!(facts(&s), [("web-0".to_string(), Some("web".to_string()))]);
        // Other resources have none.
        s.put("statefulsets", Arc::new(obj("a", "web", Some("u1"))));
        let (_, set_facts) = s.owned_entries("statefulsets", "u1")[0];
        assert!(set_facts.is_none());
    }

    fn labelled(ns: &str, name: &str, app: &str, tier: &str) -> Arc<Value> {
        let mut v = obj(ns, name, None);
        v.set(&["metadata", "labels", "app"], app.into());
        v.set(&["metadata", "labels", "tier"], tier.into());
        Arc::new(v)
    }

    fn selected(s: &Store, ns: &str, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("selector");
        s.select_pods(ns, &selector)
            .iter()
            .map(|p| p.str_at(&["metadata", "name"]).to_string())
            .collect()
    }

    #[test]
    fn pod_selection_follows_label_changes_and_deletes() {
        let mut s = Store::default();
        s.put("pods", labelled("a", "web-1", "web", "front"));
        s.put("pods", labelled("a", "web-0", "web", "back"));
        s.put("pods", labelled("b", "web-2", "web", "front"));
        s.put("pods", labelled("a", "db-0", "db", "back"));
        for (selector, want) in [
            ("app=web", vec!["web-0", "web-1"]),
            ("app in (db,web),tier=back", vec!["db-0", "web-0"]),
            ("tier!=front", vec!["db-0", "web-0"]),
            ("app=none", vec![]),
        ] {
            assert_eq!(selected(&s, "a", selector), want, "{selector}");
        }
        s.put("pods", labelled("a", "web-1", "db", "front"));
        assert_eq!(selected(&s, "a", "app=web"), ["web-0"]);
        assert_eq!(selected(&s, "a", "app=db"), ["db-0", "web-1"]);
        s.remove("pods", "a", "web-0");
        assert!(selected(&s, "a", "app=web").is_empty());
        assert!(s
            .pod_labels
            .keys()
            .all(|(ns, _, v)| ns != "a" || v != "web"));
    }
}
