//! One stable sort for the whole workspace.
//!
//! `slice::sort_by` is generic over the element and the comparator, so every
//! call site brings its own copy of the standard library's driftsort into the
//! wasm binary (several kilobytes each). These helpers sort a permutation of
//! indices with a single non-generic merge sort and then move the elements
//! into place, so each call site only adds a few small closures. Use them
//! instead of `sort`, `sort_by` and `sort_by_key` in every crate.
//! [`go_sort_by_key`] is the exception that proves the rule: Go's unstable
//! `sort.Sort`, for output kubectl sorts that way, where ties must fall as
//! they do in kubectl.

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
/// `slice::sort_by_cached_key`: each key is computed once, and none for
/// fewer than two items (a key may be dear: an Endpoints subset's is the
/// MD5 of its whole dump).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    if items.len() < 2 {
        return;
    }
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

/// Sorts `items` by `key` as Go's `sort.Sort` does (pattern-defeating
/// quicksort, not stable): equal keys end up in Go's order, so output that
/// kubectl sorts with `sort.Sort` (`kubectl events`) ties as kubectl's does.
pub fn go_sort_by_key<T>(items: &mut [T], key: impl Fn(&T) -> u64) {
    let keys: Vec<u64> = items.iter().map(key).collect();
    permute(
        items,
        go_sort_permutation(keys.len(), &|a, b| keys[a] < keys[b]),
    );
}

/// Sorts `items` as Go's `sort.Sort` does with the `Less` method `less`,
/// even one that is not a strict order (kubectl's `--sort-by` calls every
/// object without the field less than any other).
pub fn go_sort_by<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let order = {
        let view: &[T] = items;
        go_sort_permutation(view.len(), &|a, b| less(&view[a], &view[b]))
    };
    permute(items, order);
}

/// The order Go's `sort.Sort` leaves `0..n` in under `less` (on original
/// positions; src/sort/zsortinterface.go, `pdqsort` and its helpers).
#[inline(never)]
fn go_sort_permutation(n: usize, less: &dyn Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut data = GoSort {
        less,
        perm: (0..n).collect(),
    };
    if n > 1 {
        let limit = (usize::BITS - n.leading_zeros()) as usize;
        data.pdqsort(0, n, limit);
    }
    data.perm
}

#[derive(PartialEq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

/// Go's `sort.Interface` over a permutation of the items `less` compares.
struct GoSort<'a> {
    less: &'a dyn Fn(usize, usize) -> bool,
    perm: Vec<usize>,
}

impl GoSort<'_> {
    fn less(&self, i: usize, j: usize) -> bool {
        (self.less)(self.perm[i], self.perm[j])
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.perm.swap(i, j);
    }

    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.less(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn sift_down(&mut self, lo: usize, hi: usize, first: usize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                return;
            }
            if child + 1 < hi && self.less(first + child, first + child + 1) {
                child += 1;
            }
            if !self.less(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    fn heap_sort(&mut self, a: usize, b: usize) {
        let (first, hi) = (a, b - a);
        for i in (0..=(hi - 1) / 2).rev() {
            self.sift_down(i, hi, first);
        }
        for i in (0..hi).rev() {
            self.swap(first, first + i);
            self.sift_down(0, i, first);
        }
    }

    fn pdqsort(&mut self, mut a: usize, mut b: usize, mut limit: usize) {
        const MAX_INSERTION: usize = 12;
        let (mut was_balanced, mut was_partitioned) = (true, true);
        loop {
            let length = b - a;
            if length <= MAX_INSERTION {
                self.insertion_sort(a, b);
                return;
            }
            if limit == 0 {
                self.heap_sort(a, b);
                return;
            }
            if !was_balanced {
                self.break_patterns(a, b);
                limit -= 1;
            }
            let (mut pivot, mut hint) = self.choose_pivot(a, b);
            if hint == Hint::Decreasing {
                self.reverse_range(a, b);
                pivot = (b - 1) - (pivot - a);
                hint = Hint::Increasing;
            }
            if was_balanced
                && was_partitioned
                && hint == Hint::Increasing
                && self.partial_insertion_sort(a, b)
            {
                return;
            }
            if a > 0 && !self.less(a - 1, pivot) {
                a = self.partition_equal(a, b, pivot);
                continue;
            }
            let (mid, already) = self.partition(a, b, pivot);
            was_partitioned = already;
            let (left, right) = (mid - a, b - mid);
            let threshold = length / 8;
            if left < right {
                was_balanced = left >= threshold;
                self.pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                was_balanced = right >= threshold;
                self.pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    fn partition(&mut self, a: usize, b: usize, pivot: usize) -> (usize, bool) {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        while i <= j && self.less(i, a) {
            i += 1;
        }
        while i <= j && !self.less(j, a) {
            j -= 1;
        }
        if i > j {
            self.swap(j, a);
            return (j, true);
        }
        self.swap(i, j);
        i += 1;
        j -= 1;
        loop {
            while i <= j && self.less(i, a) {
                i += 1;
            }
            while i <= j && !self.less(j, a) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
        self.swap(j, a);
        (j, false)
    }

    fn partition_equal(&mut self, a: usize, b: usize, pivot: usize) -> usize {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        loop {
            while i <= j && !self.less(a, i) {
                i += 1;
            }
            while i <= j && self.less(a, j) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
        i
    }

    fn partial_insertion_sort(&mut self, a: usize, b: usize) -> bool {
        const MAX_STEPS: usize = 5;
        const SHORTEST_SHIFTING: usize = 50;
        let mut i = a + 1;
        for _ in 0..MAX_STEPS {
            while i < b && !self.less(i, i - 1) {
                i += 1;
            }
            if i == b {
                return true;
            }
            if b - a < SHORTEST_SHIFTING {
                return false;
            }
            self.swap(i, i - 1);
            if i - a >= 2 {
                let mut j = i - 1;
                while j >= 1 && self.less(j, j - 1) {
                    self.swap(j, j - 1);
                    j -= 1;
                }
            }
            if b - i >= 2 {
                let mut j = i + 1;
                while j < b && self.less(j, j - 1) {
                    self.swap(j, j - 1);
                    j += 1;
                }
            }
        }
        false
    }

    fn break_patterns(&mut self, a: usize, b: usize) {
        let length = b - a;
        if length < 8 {
            return;
        }
        let mut random = length as u64;
        let modulus = 1usize << (usize::BITS - length.leading_zeros());
        for idx in a + (length / 4) * 2 - 1..=a + (length / 4) * 2 + 1 {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            let mut other = (random as usize) & (modulus - 1);
            if other >= length {
                other -= length;
            }
            self.swap(idx, a + other);
        }
    }

    fn choose_pivot(&mut self, a: usize, b: usize) -> (usize, Hint) {
        const SHORTEST_NINTHER: usize = 50;
        const MAX_SWAPS: usize = 4 * 3;
        let l = b - a;
        let mut swaps = 0;
        let (mut i, mut j, mut k) = (a + l / 4, a + l / 4 * 2, a + l / 4 * 3);
        if l >= 8 {
            if l >= SHORTEST_NINTHER {
                i = self.median(i - 1, i, i + 1, &mut swaps);
                j = self.median(j - 1, j, j + 1, &mut swaps);
                k = self.median(k - 1, k, k + 1, &mut swaps);
            }
            j = self.median(i, j, k, &mut swaps);
        }
        let hint = match swaps {
            0 => Hint::Increasing,
            MAX_SWAPS => Hint::Decreasing,
            _ => Hint::Unknown,
        };
        (j, hint)
    }

    fn order2(&self, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
        if self.less(b, a) {
            *swaps += 1;
            (b, a)
        } else {
            (a, b)
        }
    }

    fn median(&self, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
        let (a, b) = self.order2(a, b, swaps);
        let (b, c) = self.order2(b, c, swaps);
        let _ = c;
        let (_, b) = self.order2(a, b, swaps);
        b
    }

    fn reverse_range(&mut self, a: usize, b: usize) {
        let (mut i, mut j) = (a, b - 1);
        while i < j {
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_sort_orders_keys_and_keeps_small_ties_in_input_order() {
        let mut seed = 11u64;
        for n in [0usize, 1, 5, 12, 13, 40, 51, 200, 1000] {
            for spread in [1u64, 3, 1000] {
                let mut items: Vec<(u64, usize)> = (0..n)
                    .map(|i| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        (seed % spread, i)
                    })
                    .collect();
                go_sort_by_key(&mut items, |x| x.0);
                assert!(items.windows(2).all(|w| w[0].0 <= w[1].0), "{n} {spread}");
                let mut seen: Vec<usize> = items.iter().map(|x| x.1).collect();
                sort(&mut seen);
                assert_eq!(seen, (0..n).collect::<Vec<_>>());
                if n <= 12 {
                    // Insertion sort: stable.
                    assert!(items.windows(2).all(|w| w[0].0 < w[1].0 || w[0].1 < w[1].1));
                }
            }
        }
    }

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
    fn fewer_than_two_items_compute_no_key() {
        let computed = std::cell::Cell::new(0);
        for len in 0..2 {
            let mut items = vec![0; len];
            sort_by_key(&mut items, |x| {
                computed.set(computed.get() + 1);
                *x
            });
        }
        assert_eq!(computed.get(), 0);
        sort_by_key(&mut [2, 1], |x| {
            computed.set(computed.get() + 1);
            *x
        });
        assert_eq!(computed.get(), 2, "each key once");
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
