//! The generic object tree every Kubernetes object is stored as.
//!
//! Ordinal keeps API objects "unstructured", like `k8s.io/apimachinery`'s
//! `unstructured.Unstructured`: a JSON-shaped tree whose maps are sorted by key
//! (which is also how kubectl prints `-o yaml` and the last-applied annotation).
//! Typed meaning lives in the schema and in small accessor helpers, not in one
//! Rust struct per API type: that keeps the wasm build small and lets strict
//! decoding report every unknown field at once, as the API server does.
//!
//! This module owns the tree and path access only; parsing and printing live in
//! `yaml` and `json`.

use std::sync::Arc;

/// Maps up to this many keys are searched by a linear scan.
const SMALL_MAP: usize = 32;

/// A JSON object: keys sorted, as Go's `encoding/json` prints maps.
///
/// Stored as one sorted vector of pairs: API objects are small maps, so a
/// contiguous scan beats a B-tree's node walk, and one allocation per map
/// beats a B-tree leaf sized for eleven entries.
///
/// Shared copy-on-write: cloning a tree copies one pointer per object, and a
/// write copies only the maps on the path it changes. Controllers and the
/// kubelet write an object by cloning it and setting one field, so a pod's
/// status write no longer copies its spec. Any mutable access first unshares
/// this map.
#[derive(Debug, Clone, Default)]
pub struct Map(Arc<Vec<(String, Value)>>);

impl PartialEq for Map {
    /// Equal when shared (no walk) or when the contents are equal.
    fn eq(&self, other: &Map) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Where `key` is, or where it would be inserted.
    fn search(&self, key: &str) -> Result<usize, usize> {
        if self.0.len() <= SMALL_MAP {
            return self
                .scan(key)
                .ok_or_else(|| self.0.partition_point(|(k, _)| k.as_str() < key));
        }
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Where `key` is.
    fn find(&self, key: &str) -> Option<usize> {
        if self.0.len() <= SMALL_MAP {
            return self.scan(key);
        }
        self.search(key).ok()
    }

    /// Where `key` is in a small map: a byte loop over short keys, lengths
    /// compared first, so nearly every key is ruled out without a call to
    /// `memcmp`.
    fn scan(&self, key: &str) -> Option<usize> {
        let key = key.as_bytes();
        self.0.iter().position(|(k, _)| {
            let k = k.as_bytes();
            k.len() == key.len() && k.iter().zip(key).all(|(a, b)| a == b)
        })
    }

    /// The value under `key`.
    pub fn get<Q: AsRef<str> + ?Sized>(&self, key: &Q) -> Option<&Value> {
        self.get_str(key.as_ref())
    }

    fn get_str(&self, key: &str) -> Option<&Value> {
        self.find(key).map(|i| &self.0[i].1)
    }

    /// The value under `key`, mutably.
    pub fn get_mut<Q: AsRef<str> + ?Sized>(&mut self, key: &Q) -> Option<&mut Value> {
        let i = self.find(key.as_ref())?;
        Some(&mut Arc::make_mut(&mut self.0)[i].1)
    }

    /// True when `key` is present.
    pub fn contains_key<Q: AsRef<str> + ?Sized>(&self, key: &Q) -> bool {
        self.find(key.as_ref()).is_some()
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        // Keys in order (built from sorted literals, printed trees) append.
        if self
            .0
            .last()
            .is_none_or(|(last, _)| last.as_str() < key.as_str())
        {
            Arc::make_mut(&mut self.0).push((key, value));
            return None;
        }
        match self.search(&key) {
            Ok(i) => Some(std::mem::replace(
                &mut Arc::make_mut(&mut self.0)[i].1,
                value,
            )),
            Err(i) => {
                Arc::make_mut(&mut self.0).insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove<Q: AsRef<str> + ?Sized>(&mut self, key: &Q) -> Option<Value> {
        let i = self.find(key.as_ref())?;
        Some(Arc::make_mut(&mut self.0).remove(i).1)
    }

    /// The value under `key`, inserted as `Null` first when missing.
    pub fn entry(&mut self, key: String) -> Entry<'_> {
        let at = self.search(&key);
        Entry {
            pairs: Arc::make_mut(&mut self.0),
            at,
            key,
        }
    }

    /// Keeps the pairs `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        Arc::make_mut(&mut self.0).retain_mut(|(k, v)| keep(k, v));
    }

    /// The pairs in key order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.iter())
    }

    /// The pairs in key order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(Arc::make_mut(&mut self.0).iter_mut())
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// The values in key order, mutable.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Value> {
        Arc::make_mut(&mut self.0).iter_mut().map(|(_, v)| v)
    }
}

/// A slot of a [`Map`], from [`Map::entry`].
pub struct Entry<'a> {
    pairs: &'a mut Vec<(String, Value)>,
    at: Result<usize, usize>,
    key: String,
}

impl<'a> Entry<'a> {
    /// The value, `Null` inserted first when missing.
    pub fn or_default(self) -> &'a mut Value {
        self.or_insert_with(Value::default)
    }

    /// The value, `value` inserted first when missing.
    pub fn or_insert(self, value: Value) -> &'a mut Value {
        self.or_insert_with(|| value)
    }

    /// The value, `make()` inserted first when missing.
    pub fn or_insert_with(self, make: impl FnOnce() -> Value) -> &'a mut Value {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.pairs.insert(i, (self.key, make()));
                i
            }
        };
        &mut self.pairs[i].1
    }
}

/// A [`Map`]'s pairs in key order.
pub struct Iter<'a>(std::slice::Iter<'a, (String, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// A [`Map`]'s pairs in key order, values mutable.
pub struct IterMut<'a>(std::slice::IterMut<'a, (String, Value)>);

impl<'a> Iterator for IterMut<'a> {
    type Item = (&'a String, &'a mut Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
}

impl FromIterator<(String, Value)> for Map {
    /// The pairs sorted by key, the last of equal keys kept (as inserting
    /// them in turn would). Sorted once rather than inserted one by one: a
    /// pasted manifest's map of many keys out of order would otherwise move
    /// the vector's tail on every insert.
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        let mut pairs: Vec<(String, Value)> = iter.into_iter().collect();
        // Stable, so equal keys stay in the order they came.
        crate::order::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        let mut unique: Vec<(String, Value)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            match unique.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => unique.push(pair),
            }
        }
        Map(Arc::new(unique))
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        Arc::unwrap_or_clone(self.0).into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = IterMut<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// One node of an object tree.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// `null`, or a YAML `~` / empty value.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    String(String),
    /// A sequence.
    Array(Vec<Value>),
    /// A mapping with string keys.
    Object(Map),
}

impl Value {
    /// An empty object.
    pub fn object() -> Value {
        Value::Object(Map::new())
    }

    /// The JSON type name apimachinery uses in decoding errors
    /// (`string`, `number`, `bool`, `object`, `array`, `null`).
    pub fn json_type(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// True for `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is one (a float with no fraction counts).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The elements, mutably, if this is an array.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The map, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The map, mutably, if this is an object.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// The node at `path` (object keys only), if every step exists.
    pub fn at(&self, path: &[&str]) -> Option<&Value> {
        path.iter().try_fold(self, |v, k| v.get(k))
    }

    /// The node at `path`, mutably.
    pub fn at_mut(&mut self, path: &[&str]) -> Option<&mut Value> {
        path.iter()
            .try_fold(self, |v, k| v.as_object_mut().and_then(|m| m.get_mut(*k)))
    }

    /// The string at `path`, or `""` when missing or not a string.
    pub fn str_at(&self, path: &[&str]) -> &str {
        self.at(path).and_then(Value::as_str).unwrap_or("")
    }

    /// The integer at `path`, if present.
    pub fn i64_at(&self, path: &[&str]) -> Option<i64> {
        self.at(path).and_then(Value::as_i64)
    }

    /// The array at `path`, or an empty slice.
    pub fn array_at(&self, path: &[&str]) -> &[Value] {
        self.at(path)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Sets `path` to `value`, turning missing or non-object steps into objects.
    pub fn set(&mut self, path: &[&str], value: Value) {
        let Some((last, parents)) = path.split_last() else {
            *self = value;
            return;
        };
        let mut node = self;
        for key in parents {
            node = node.entry(key);
        }
        node.make_object().insert((*last).to_string(), value);
    }

    /// Sets `path` to `value` only when nothing is there yet (defaulting).
    pub fn set_default(&mut self, path: &[&str], value: Value) {
        if self.at(path).is_none_or(Value::is_null) {
            self.set(path, value);
        }
    }

    /// Removes and returns the node at `path`.
    pub fn remove(&mut self, path: &[&str]) -> Option<Value> {
        let (last, parents) = path.split_last()?;
        self.at_mut(parents)?.as_object_mut()?.remove(*last)
    }

    /// The member `key`, created as `Null` if missing; `self` becomes an object.
    pub fn entry(&mut self, key: &str) -> &mut Value {
        self.make_object().entry(key.to_string()).or_default()
    }

    fn make_object(&mut self) -> &mut Map {
        if !matches!(self, Value::Object(_)) {
            *self = Value::object();
        }
        match self {
            Value::Object(m) => m,
            _ => unreachable!("just made an object"),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Self {
        Value::Array(a)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Object(m)
    }
}

impl<const N: usize> From<[(&str, Value); N]> for Value {
    fn from(pairs: [(&str, Value); N]) -> Self {
        object_of(Vec::from(pairs))
    }
}

/// Builds an object by inserting each pair; one copy for every array length
/// (collecting would instantiate an iterator adapter per call site).
#[inline(never)]
fn object_of(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = Map(Arc::new(Vec::with_capacity(pairs.len())));
    for (key, value) in pairs {
        map.insert(key.to_string(), value);
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_creates_intermediate_objects_and_at_reads_them() {
        let mut v = Value::Null;
        v.set(&["metadata", "labels", "app"], "web".into());
        assert_eq!(v.str_at(&["metadata", "labels", "app"]), "web");
        assert_eq!(v.str_at(&["metadata", "name"]), "");
    }

    #[test]
    fn set_default_keeps_existing_values() {
        let mut v = Value::from([("spec", Value::from([("replicas", Value::Int(3))]))]);
        v.set_default(&["spec", "replicas"], Value::Int(1));
        v.set_default(&["spec", "revisionHistoryLimit"], Value::Int(10));
        assert_eq!(v.i64_at(&["spec", "replicas"]), Some(3));
        assert_eq!(v.i64_at(&["spec", "revisionHistoryLimit"]), Some(10));
    }

    #[test]
    fn remove_returns_the_node() {
        let mut v = Value::from([("a", Value::from([("b", Value::Int(1))]))]);
        assert_eq!(v.remove(&["a", "b"]), Some(Value::Int(1)));
        assert_eq!(v.at(&["a", "b"]), None);
    }

    #[test]
    fn maps_stay_sorted_and_find_keys_small_or_large() {
        for n in [3usize, SMALL_MAP + 9] {
            let mut map = Map::new();
            // Inserted in a scrambled order, replaced once.
            for i in (0..n).map(|i| (i * 7) % n) {
                map.insert(format!("k{i:02}"), Value::Int(i as i64));
            }
            assert_eq!(
                map.insert("k01".into(), Value::Int(-1)),
                Some(Value::Int(1))
            );
            let keys: Vec<&String> = map.keys().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted);
            assert_eq!(map.len(), n);
            assert_eq!(map.get("k02"), Some(&Value::Int(2)));
            assert_eq!(map.get("k01"), Some(&Value::Int(-1)));
            assert_eq!(map.get("k99"), None);
            assert_eq!(map.remove("k00"), Some(Value::Int(0)));
            assert!(!map.contains_key("k00"));
            *map.entry("a".into()).or_default() = Value::Int(7);
            assert_eq!(map.iter().next(), Some((&"a".to_string(), &Value::Int(7))));
            map.retain(|k, _| k.as_str() != "a");
            assert_eq!(map.len(), n - 1);
        }
    }

    #[test]
    fn a_collected_map_is_sorted_and_keeps_the_last_of_equal_keys() {
        let map: Map = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::Int(v)))
            .collect();
        let pairs: Vec<(&String, &Value)> = map.iter().collect();
        let expected = [("a", 5), ("b", 3), ("c", 4)];
        assert_eq!(pairs.len(), expected.len());
        for ((k, v), (ek, ev)) in pairs.into_iter().zip(expected) {
            assert_eq!((k.as_str(), v), (ek, &Value::Int(ev)));
        }
    }

    #[test]
    fn a_write_unshares_only_the_written_map() {
        let original = Value::from([("a", Value::from([("b", Value::Int(1))]))]);
        let mut copy = original.clone();
        copy.set(&["a", "b"], Value::Int(2));
        assert_eq!(original.i64_at(&["a", "b"]), Some(1));
        assert_eq!(copy.i64_at(&["a", "b"]), Some(2));
    }
}
