//! cmp's text layout (`github.com/google/go-cmp/cmp/report_text.go`): a
//! record list stays on one line unless it holds a change, a comment or (for
//! removed and inserted values) more than 80 columns; expanded lists put one
//! record per line behind a two-character marker and tabs, aligning the keys
//! of consecutive one-line records. Used by `go_diff`.

/// Longer one-line values of removed or inserted records are expanded.
const MAX_COLUMN: usize = 80;

/// cmp's `textNode`.
pub(super) enum Text {
    Line(String),
    Wrap(String, Box<Text>, String),
    List(Vec<Rec>),
}

/// cmp's `textRecord`.
pub(super) struct Rec {
    mark: u8,
    key: String,
    value: Text,
    ellipsis: bool,
    comment: String,
}

impl Rec {
    pub(super) fn new(mark: u8, key: String, value: Text) -> Rec {
        Rec {
            mark,
            key,
            value,
            ellipsis: false,
            comment: String::new(),
        }
    }

    pub(super) fn ellipsis(comment: String) -> Rec {
        Rec {
            mark: b' ',
            key: String::new(),
            value: Text::Line("...".into()),
            ellipsis: true,
            comment,
        }
    }
}

/// cmp's `formatCompactTo`: returns whether the text became one line, and the text.
pub(super) fn compact(text: Text, mark: u8) -> (bool, Text) {
    match text {
        Text::Line(l) => (true, Text::Line(l)),
        Text::Wrap(prefix, body, suffix) => match compact(*body, mark) {
            (true, Text::Line(l)) => (true, Text::Line(format!("{prefix}{l}{suffix}"))),
            (_, body) => (false, Text::Wrap(prefix, Box::new(body), suffix)),
        },
        Text::List(recs) => {
            let mut multi = false;
            let mut line = String::new();
            let mut out = Vec::with_capacity(recs.len());
            let last = recs.len().saturating_sub(1);
            for (i, mut r) in recs.into_iter().enumerate() {
                if r.mark != b' ' || !r.comment.is_empty() {
                    multi = true;
                }
                line.push_str(&r.key);
                if !r.key.is_empty() {
                    line.push_str(": ");
                }
                let child_mark = if r.mark == b' ' { mark } else { r.mark };
                let (one, value) = compact(r.value, child_mark);
                if let Text::Line(l) = &value {
                    line.push_str(l);
                }
                multi |= !one;
                r.value = value;
                if i < last {
                    line.push_str(", ");
                }
                out.push(r);
            }
            if mark != b' ' && line.len() > MAX_COLUMN {
                multi = true;
            }
            if multi {
                (false, Text::List(out))
            } else {
                (true, Text::Line(line))
            }
        }
    }
}

fn indent(out: &mut String, mark: u8, depth: usize) {
    out.push(mark as char);
    out.push(' ');
    for _ in 0..depth {
        out.push('\t');
    }
}

/// cmp's `formatExpandedTo`.
pub(super) fn expanded(text: &Text, mark: u8, depth: usize, out: &mut String) {
    match text {
        Text::Line(l) => out.push_str(l),
        Text::Wrap(prefix, body, suffix) => {
            out.push_str(prefix);
            expanded(body, mark, depth, out);
            out.push_str(suffix);
        }
        Text::List(recs) => {
            let simple = recs.iter().all(|r| {
                r.mark == b' '
                    && r.key.is_empty()
                    && r.comment.is_empty()
                    && matches!(r.value, Text::Line(_))
            });
            if simple && !recs.is_empty() {
                let mut batch = String::new();
                for r in recs {
                    let Text::Line(l) = &r.value else { continue };
                    if !batch.is_empty() && batch.len() + l.len() + 2 > MAX_COLUMN {
                        out.push('\n');
                        indent(out, mark, depth + 1);
                        out.push_str(batch.trim_end());
                        batch.clear();
                    }
                    batch.push_str(l);
                    batch.push_str(", ");
                }
                out.push('\n');
                indent(out, mark, depth + 1);
                out.push_str(batch.trim_end());
                out.push('\n');
                indent(out, mark, depth);
                return;
            }
            let pads = key_padding(recs);
            for (r, pad) in recs.iter().zip(pads) {
                let m = if r.mark == b' ' { mark } else { r.mark };
                out.push('\n');
                indent(out, m, depth + 1);
                if !r.key.is_empty() {
                    out.push_str(&r.key);
                    out.push_str(": ");
                }
                out.extend(std::iter::repeat_n(' ', pad));
                expanded(&r.value, m, depth + 1, out);
                if !r.ellipsis {
                    out.push(',');
                }
                if !r.comment.is_empty() {
                    out.push_str(" // ");
                    out.push_str(&r.comment);
                }
            }
            out.push('\n');
            indent(out, mark, depth);
        }
    }
}

/// Spaces after each key so that runs of one-line keyed records align.
fn key_padding(recs: &[Rec]) -> Vec<usize> {
    let mut pads = vec![0; recs.len()];
    let mut start = 0;
    let mut widest = 0;
    let flush = |pads: &mut Vec<usize>, from: usize, to: usize, widest: usize| {
        for i in from..to {
            pads[i] = widest - recs[i].key.chars().count();
        }
    };
    for (i, r) in recs.iter().enumerate() {
        if r.key.is_empty() || !matches!(r.value, Text::Line(_)) {
            flush(&mut pads, start, i, widest);
            start = i + 1;
            widest = 0;
        } else {
            widest = widest.max(r.key.chars().count());
        }
    }
    flush(&mut pads, start, recs.len(), widest);
    pads
}
