//! A string-keyed map for lookups only, never walked in key order: entries
//! are found through a fixed 64-bit hash of the key, so a lookup compares one
//! key instead of one per level of an ordered tree (the event correlator's
//! keys are long and share their prefixes). Deterministic: the hash has no
//! random seed, and nothing depends on the order of the buckets.

use std::collections::BTreeMap;

/// Entries by key hash; keys that collide share a bucket.
#[derive(Debug, Clone)]
pub(crate) struct KeyMap<V> {
    buckets: BTreeMap<u64, Vec<(String, V)>>,
    len: usize,
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap {
            buckets: BTreeMap::new(),
            len: 0,
        }
    }
}

/// A multiply-rotate hash over 8-byte words (rustc's FxHash step).
fn hash(key: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let mut chunks = key.as_bytes().chunks_exact(8);
    let mut h = step(0, key.len() as u64);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = step(h, u64::from_le_bytes(word));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    step(h, u64::from_le_bytes(tail))
}

impl<V> KeyMap<V> {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        let bucket = self.buckets.get(&hash(key))?;
        bucket.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let bucket = self.buckets.get_mut(&hash(key))?;
        bucket.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// True when `key` has a value.
    #[cfg(test)]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets the value of `key`; returns the previous one.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        let bucket = self.buckets.entry(hash(&key)).or_default();
        if let Some(slot) = bucket.iter_mut().find(|(k, _)| *k == key) {
            return Some(std::mem::replace(&mut slot.1, value));
        }
        bucket.push((key, value));
        self.len += 1;
        None
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let h = hash(key);
        let bucket = self.buckets.get_mut(&h)?;
        let index = bucket.iter().position(|(k, _)| k == key)?;
        let (_, value) = bucket.swap_remove(index);
        if bucket.is_empty() {
            self.buckets.remove(&h);
        }
        self.len -= 1;
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_replaced_and_removed() {
        let mut map = KeyMap::default();
        for i in 0..100 {
            assert_eq!(map.insert(format!("prefix|{i}"), i), None);
        }
        assert_eq!(map.insert("prefix|7".to_string(), 70), Some(7));
        assert_eq!(map.len(), 100);
        assert_eq!(map.get("prefix|7"), Some(&70));
        assert_eq!(map.get("prefix|100"), None);
        *map.get_mut("prefix|8").expect("present") += 1;
        assert_eq!(map.remove("prefix|8"), Some(9));
        assert_eq!(map.remove("prefix|8"), None);
        assert!(!map.contains_key("prefix|8"));
        assert_eq!(map.len(), 99);
    }
}
