//! One stable sort for the whole workspace.
//!
//! `slice::sort_by` is generic over the element and the comparator, so every
//! call site brings its own copy of the standard library's driftsort into the
//! wasm binary (several kilobytes each). These helpers sort a permutation of
//! indices with a single non-generic merge sort and then move the elements
//! into place, so each call site only adds a few small closures. Use them
//! instead of `sort`, `sort_by` and `sort_by_key` in every crate.

use std::cmp::Ordering;

/// Sorts `items` stably with `cmp`, like `slice::sort_by`.
pub fn sort_by<T>(items: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let order = {
        let view: &[T] = items;
        sorted_indices(view.len(), &|a, b| cmp(&view[a], &view[b]))
    };
    permute(items, order);
}

/// Sorts `items` stably by the key `key` returns, like
/// `slice::sort_by_cached_key`: each key is computed once.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    let order = sorted_indices(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
    permute(items, order);
}

/// Sorts `items` stably in ascending order, like `slice::sort`.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// A stable bottom-up merge sort of `0..len` under `cmp`.
#[inline(never)]
fn sorted_indices(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut current: Vec<usize> = (0..len).collect();
    let mut scratch = vec![0; len];
    let mut width = 1;
    while width < len {
        let mut start = 0;
        while start < len {
            let mid = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, mid);
            for slot in &mut scratch[start..end] {
                let take_left = right >= end
                    || (left < mid && cmp(current[left], current[right]) != Ordering::Greater);
                if take_left {
                    *slot = current[left];
                    left += 1;
                } else {
                    *slot = current[right];
                    right += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut current, &mut scratch);
        width *= 2;
    }
    current
}

/// Rearranges `items` so that position `i` holds what was at `order[i]`.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_and_stays_stable() {
        let mut seed = 7u64;
        for len in 0..70 {
            let mut items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            sort_by_key(&mut items, |p| p.0);
            assert_eq!(items, expected, "len {len}");
        }
    }

    #[test]
    fn sorts_descending_with_a_comparator() {
        let mut names = vec!["web-0", "web-2", "web-1"];
        sort_by(&mut names, |a, b| b.cmp(a));
        assert_eq!(names, ["web-2", "web-1", "web-0"]);
        sort(&mut names);
        assert_eq!(names, ["web-0", "web-1", "web-2"]);
    }
}
