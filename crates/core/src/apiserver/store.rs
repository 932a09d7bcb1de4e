//! The object store (etcd's role): objects by resource, namespace and name,
//! the global resourceVersion counter and an owner index (owner uid →
//! dependents) for controllers and the garbage collector. Objects are shared
//! (`Arc`): a controller holding a pod across its own writes copies a pointer,
//! not the tree, and every write stores a new object.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ordinal_model::Value;

/// Key of a stored object: (namespace, name); cluster-scoped objects use "".
pub(crate) type ObjectKey = (String, String);

/// A dependent's address in the owner index.
pub(crate) type DependentKey = (&'static str, String, String);

/// All stored objects.
#[derive(Debug, Clone, Default)]
pub(crate) struct Store {
    objects: BTreeMap<&'static str, BTreeMap<ObjectKey, Arc<Value>>>,
    owners: BTreeMap<String, BTreeSet<DependentKey>>,
    resource_version: u64,
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
        self.objects
            .get(resource)?
            .get(&(ns.to_string(), name.to_string()))
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
                map.range((ns.to_string(), String::new())..)
                    .take_while(move |((n, _), _)| n == ns)
                    .map(|(_, v)| v),
            ),
            None => Box::new(map.values()),
        }
    }

    /// Number of objects of one resource.
    pub fn count(&self, resource: &str) -> usize {
        self.objects.get(resource).map_or(0, BTreeMap::len)
    }

    /// Stores `obj`, replacing any previous version; returns the old one.
    pub fn put(&mut self, resource: &'static str, obj: Arc<Value>) -> Option<Arc<Value>> {
        let key = (
            obj.str_at(&["metadata", "namespace"]).to_string(),
            obj.str_at(&["metadata", "name"]).to_string(),
        );
        let dep: DependentKey = (resource, key.0.clone(), key.1.clone());
        for uid in owner_uids(&obj) {
            self.owners
                .entry(uid.to_string())
                .or_default()
                .insert(dep.clone());
        }
        let old = self.objects.entry(resource).or_default().insert(key, obj);
        if let Some(old) = &old {
            self.unindex_stale(&dep, old);
        }
        old
    }

    /// Removes an object; returns it.
    pub fn remove(&mut self, resource: &'static str, ns: &str, name: &str) -> Option<Arc<Value>> {
        let old = self
            .objects
            .get_mut(resource)?
            .remove(&(ns.to_string(), name.to_string()))?;
        let dep: DependentKey = (resource, ns.to_string(), name.to_string());
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

    fn unindex_stale(&mut self, dep: &DependentKey, old: &Value) {
        let current: BTreeSet<String> = self
            .get(dep.0, &dep.1, &dep.2)
            .map(|o| owner_uids(o).map(str::to_string).collect())
            .unwrap_or_default();
        for uid in owner_uids(old) {
            if current.contains(uid) {
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
        self.owned_shared(resource, uid)
            .into_iter()
            .map(Arc::as_ref)
            .collect()
    }

    /// Dependents of `uid` of one resource, as shared pointers.
    pub fn owned_shared<'a>(&'a self, resource: &'a str, uid: &str) -> Vec<&'a Arc<Value>> {
        self.owners
            .get(uid)
            .into_iter()
            .flatten()
            .filter(|(r, _, _)| *r == resource)
            .filter_map(|(r, ns, name)| self.shared(r, ns, name))
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
}
