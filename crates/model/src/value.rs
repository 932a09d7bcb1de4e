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

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// Maps up to this many keys are searched by a linear scan in [`Value::get`].
const SMALL_MAP: usize = 12;

/// A JSON object: keys sorted, as Go's `encoding/json` prints maps.
///
/// Shared copy-on-write: cloning a tree copies one pointer per object, and a
/// write copies only the maps on the path it changes. Controllers and the
/// kubelet write an object by cloning it and setting one field, so a pod's
/// status write no longer copies its spec. Reads go through `Deref` to the
/// `BTreeMap`; any mutable access (`DerefMut`) first unshares this map.
#[derive(Debug, Clone, Default)]
pub struct Map(Arc<BTreeMap<String, Value>>);

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
}

impl Deref for Map {
    type Target = BTreeMap<String, Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Map {
    fn deref_mut(&mut self) -> &mut Self::Target {
        Arc::make_mut(&mut self.0)
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        let mut map = Map::new();
        map.extend(iter);
        map
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::collections::btree_map::IntoIter<String, Value>;
    fn into_iter(self) -> Self::IntoIter {
        Arc::unwrap_or_clone(self.0).into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::collections::btree_map::Iter<'a, String, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
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
        let map = self.as_object()?;
        // API objects are small maps: comparing lengths first skips nearly
        // every key comparison an ordered search would make.
        if map.len() <= SMALL_MAP {
            // The first byte rules out most keys of the same length without
            // a call to compare the rest.
            let first = key.as_bytes().first();
            return map
                .iter()
                .find(|(k, _)| {
                    k.len() == key.len() && k.as_bytes().first() == first && k.as_str() == key
                })
                .map(|(_, v)| v);
        }
        map.get(key)
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
/// (collecting into a `BTreeMap` would instantiate a sort per call site).
#[inline(never)]
fn object_of(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
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
}
