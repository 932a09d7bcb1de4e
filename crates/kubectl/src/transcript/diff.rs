//! Aligning expected with actual output (placeholders and `...` lines
//! included) and printing the difference as a unified diff.

use super::matcher::line_matches;

/// Largest expected × actual grid the aligner computes; beyond it lines are
/// compared one by one.
const MAX_ALIGN_CELLS: usize = 4_000_000;

/// Lines of context around each change in a unified diff.
const CONTEXT: usize = 3;

/// One line of an alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Expected line `.0` matched actual line `.1`.
    Same(usize, usize),
    /// Actual line `.1` was absorbed by the `...` at expected line `.0`.
    Elided(usize, usize),
    /// Expected line `.0` is missing from the actual output.
    Missing(usize),
    /// Actual line `.0` was not expected.
    Extra(usize),
}

/// A minimal-cost alignment of expected and actual lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alignment {
    /// The operations, in order.
    pub ops: Vec<Op>,
}

impl Alignment {
    /// True when nothing is missing or extra.
    pub fn matches(&self) -> bool {
        self.ops
            .iter()
            .all(|op| matches!(op, Op::Same(..) | Op::Elided(..)))
    }
}

fn is_ellipsis(line: &str) -> bool {
    line.trim() == "..."
}

/// Aligns `expected` (with placeholders and `...` lines) against `actual`.
pub fn align(expected: &[String], actual: &[String]) -> Alignment {
    let (e, a) = (expected.len(), actual.len());
    if (e + 1).saturating_mul(a + 1) > MAX_ALIGN_CELLS {
        return align_naively(expected, actual);
    }
    let width = a + 1;
    let mut cost = vec![u32::MAX; (e + 1) * width];
    cost[e * width + a] = 0;
    for i in (0..=e).rev() {
        for j in (0..=a).rev() {
            if i == e && j == a {
                continue;
            }
            let mut best = u32::MAX;
            if i < e && is_ellipsis(&expected[i]) {
                best = best.min(cost[(i + 1) * width + j]);
                if j < a {
                    best = best.min(cost[i * width + j + 1]);
                }
            } else {
                if i < e && j < a && line_matches(&expected[i], &actual[j]) {
                    best = best.min(cost[(i + 1) * width + j + 1]);
                }
                if i < e {
                    best = best.min(cost[(i + 1) * width + j].saturating_add(1));
                }
            }
            if j < a {
                best = best.min(cost[i * width + j + 1].saturating_add(1));
            }
            cost[i * width + j] = best;
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::new();
    while i < e || j < a {
        let here = cost[i * width + j];
        if i < e && is_ellipsis(&expected[i]) {
            if j < a && cost[i * width + j + 1] == here {
                ops.push(Op::Elided(i, j));
                j += 1;
                continue;
            }
            if cost[(i + 1) * width + j] == here {
                i += 1;
                continue;
            }
        } else if i < e
            && j < a
            && line_matches(&expected[i], &actual[j])
            && cost[(i + 1) * width + j + 1] == here
        {
            ops.push(Op::Same(i, j));
            i += 1;
            j += 1;
            continue;
        }
        if i < e
            && !is_ellipsis(&expected[i])
            && cost[(i + 1) * width + j].saturating_add(1) == here
        {
            ops.push(Op::Missing(i));
            i += 1;
        } else {
            ops.push(Op::Extra(j));
            j += 1;
        }
    }
    Alignment { ops }
}

fn align_naively(expected: &[String], actual: &[String]) -> Alignment {
    let mut ops = Vec::new();
    for k in 0..expected.len().max(actual.len()) {
        match (expected.get(k), actual.get(k)) {
            (Some(x), Some(y)) if line_matches(x, y) => ops.push(Op::Same(k, k)),
            (x, y) => {
                if x.is_some() {
                    ops.push(Op::Missing(k));
                }
                if y.is_some() {
                    ops.push(Op::Extra(k));
                }
            }
        }
    }
    Alignment { ops }
}

/// The op ranges of unified-diff hunks: each change with [`CONTEXT`] lines
/// around it, changes closer than twice that joined into one hunk.
pub fn hunk_ranges(ops: &[Op]) -> Vec<std::ops::Range<usize>> {
    let changed = |k: usize| matches!(ops[k], Op::Missing(_) | Op::Extra(_));
    let mut ranges = Vec::new();
    let mut k = 0;
    while k < ops.len() {
        if !changed(k) {
            k += 1;
            continue;
        }
        let start = k.saturating_sub(CONTEXT);
        let mut end = k;
        let mut last_change = k;
        while end < ops.len() && end <= last_change + 2 * CONTEXT {
            if changed(end) {
                last_change = end;
            }
            end += 1;
        }
        let end = (last_change + CONTEXT + 1).min(ops.len());
        ranges.push(start..end);
        k = end;
    }
    ranges
}

/// A unified diff (`--- expected`, `+++ actual`, hunks with 3 lines of context).
pub fn unified_diff(expected: &[String], actual: &[String]) -> String {
    let ops = align(expected, actual).ops;
    let mut out = String::from("--- expected\n+++ actual\n");
    for range in hunk_ranges(&ops) {
        out.push_str(&hunk(
            &ops[range.clone()],
            &ops[..range.start],
            expected,
            actual,
        ));
    }
    out
}

fn hunk(ops: &[Op], before: &[Op], expected: &[String], actual: &[String]) -> String {
    let expected_before = before
        .iter()
        .filter(|op| matches!(op, Op::Same(..) | Op::Missing(_)))
        .count();
    let actual_before = before
        .iter()
        .filter(|op| !matches!(op, Op::Missing(_)))
        .count();
    let expected_len = ops
        .iter()
        .filter(|op| matches!(op, Op::Same(..) | Op::Missing(_)))
        .count();
    let actual_len = ops
        .iter()
        .filter(|op| !matches!(op, Op::Missing(_)))
        .count();
    let mut out = format!(
        "@@ -{},{} +{},{} @@\n",
        expected_before + 1,
        expected_len,
        actual_before + 1,
        actual_len
    );
    for op in ops {
        let line = match *op {
            Op::Same(_, j) | Op::Elided(_, j) => format!(" {}", actual[j]),
            Op::Missing(i) => format!("-{}", expected[i]),
            Op::Extra(j) => format!("+{}", actual[j]),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(str::to_string).collect()
    }

    #[test]
    fn ellipsis_absorbs_any_number_of_lines() {
        let expected = lines("NAME\n...\nweb-2");
        assert!(align(&expected, &lines("NAME\nweb-2")).matches());
        assert!(align(&expected, &lines("NAME\nweb-0\nweb-1\nweb-2")).matches());
        assert!(!align(&expected, &lines("NAME\nweb-0")).matches());
    }

    #[test]
    fn diff_shows_missing_and_extra_lines_with_context() {
        let diff = unified_diff(&lines("a\nb\nc"), &lines("a\nx\nc"));
        assert_eq!(
            diff,
            "--- expected\n+++ actual\n@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n"
        );
    }
}
