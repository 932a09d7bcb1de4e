//! `kubectl describe`: the human-readable layouts of kubectl
//! pkg/describe/describe.go for StatefulSets, Pods, PVCs, PVs, Services and
//! StorageClasses, each ending with the object's Events table. Lines are
//! written with tabs and aligned by the describe tabwriter (minwidth 0,
//! padding 2), block by block, exactly as upstream's PrefixWriter does.

mod pod;
mod storage;
mod workload;

use ordinal_model::Value;

use crate::printers::{parse_timestamp, PrintContext};
use crate::tabwriter::{TabWriter, KUBECTL_DESCRIBE};

/// Collects describe lines; each level indents two spaces.
#[derive(Debug, Default)]
pub struct Writer {
    text: String,
}

impl Writer {
    /// Writes `text` at indentation `level` (tabs separate aligned cells).
    pub fn line(&mut self, level: usize, text: &str) {
        self.text.push_str(&"  ".repeat(level));
        self.text.push_str(text);
        self.text.push('\n');
    }

    /// The aligned output.
    pub fn finish(self) -> String {
        TabWriter::new(KUBECTL_DESCRIBE).format(&self.text)
    }
}

/// Everything a describer may look at besides the object.
pub struct Context<'a> {
    /// Ages and timestamps.
    pub print: PrintContext,
    /// Events about the object, in API order.
    pub events: Vec<Value>,
    /// Other objects the describer needs (pods of a set, pods using a claim, slices of a service).
    pub related: &'a [Value],
}

/// Describes one object, or `None` for kinds without a describer.
pub fn describe(obj: &Value, ctx: &Context) -> Option<String> {
    let mut w = Writer::default();
    match obj.str_at(&["kind"]) {
        "StatefulSet" => workload::statefulset(obj, ctx, &mut w),
        "Pod" => pod::pod(obj, ctx, &mut w),
        "Service" => workload::service(obj, ctx, &mut w),
        "PersistentVolumeClaim" => storage::pvc(obj, ctx, &mut w),
        "PersistentVolume" => storage::pv(obj, ctx, &mut w),
        "StorageClass" => storage::storage_class(obj, ctx, &mut w),
        _ => return None,
    }
    Some(w.finish())
}

/// `Mon, 02 Jan 2006 15:04:05 -0700` (RFC1123Z) of an RFC 3339 timestamp.
pub fn rfc1123z(timestamp: &str) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Some(ms) = parse_timestamp(timestamp) else {
        return "<unknown>".to_string();
    };
    let day = DAYS[((ms / 86_400_000) % 7) as usize];
    let month = timestamp[5..7].parse::<usize>().unwrap_or(1).clamp(1, 12);
    format!(
        "{day}, {} {} {} {} +0000",
        &timestamp[8..10],
        MONTHS[month - 1],
        &timestamp[..4],
        &timestamp[11..19]
    )
}

/// `Labels:` with one `k=v` per line, `<none>` when empty.
pub fn labels_multiline(w: &mut Writer, level: usize, title: &str, labels: Option<&Value>) {
    let pairs: Vec<String> = labels
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    multiline(w, level, title, &pairs);
}

/// `Annotations:` with one `k: v` per line (last-applied skipped), `<none>` when empty.
pub fn annotations_multiline(
    w: &mut Writer,
    level: usize,
    title: &str,
    annotations: Option<&Value>,
) {
    let pairs: Vec<String> = annotations
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != crate::cmd::LAST_APPLIED)
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or("").trim_end_matches('\n')))
                .collect()
        })
        .unwrap_or_default();
    multiline(w, level, title, &pairs);
}

/// A title with several values, one per line, aligned in the title's column.
pub fn multiline(w: &mut Writer, level: usize, title: &str, values: &[String]) {
    match values.split_first() {
        None => w.line(level, &format!("{title}:\t<none>")),
        Some((first, rest)) => {
            w.line(level, &format!("{title}:\t{first}"));
            for v in rest {
                w.line(level, &format!("\t{v}"));
            }
        }
    }
}

/// The `Events:` section (sorted by last timestamp, stable).
pub fn events(w: &mut Writer, ctx: &Context) {
    if ctx.events.is_empty() {
        w.line(0, "Events:\t<none>");
        return;
    }
    let mut events: Vec<&Value> = ctx.events.iter().collect();
    events.sort_by_key(|e| {
        let last = e.str_at(&["lastTimestamp"]);
        let stamp = if last.is_empty() {
            e.str_at(&["eventTime"])
        } else {
            last
        };
        parse_timestamp(stamp).unwrap_or(0)
    });
    w.line(0, "Events:");
    w.line(1, "Type\tReason\tAge\tFrom\tMessage");
    w.line(1, "----\t------\t----\t----\t-------");
    for e in events {
        let first = if e.str_at(&["eventTime"]).is_empty() {
            ctx.print.since(e.str_at(&["firstTimestamp"]))
        } else {
            ctx.print.since(e.str_at(&["eventTime"]))
        };
        let count = e.i64_at(&["count"]).unwrap_or(1);
        let age = if let Some(series) = e.i64_at(&["series", "count"]) {
            format!(
                "{} (x{series} over {first})",
                ctx.print.since(e.str_at(&["series", "lastObservedTime"]))
            )
        } else if count > 1 {
            format!(
                "{} (x{count} over {first})",
                ctx.print.since(e.str_at(&["lastTimestamp"]))
            )
        } else {
            first
        };
        let source = match e.str_at(&["source", "component"]) {
            "" => e.str_at(&["reportingComponent"]),
            s => s,
        };
        let field_path = e.str_at(&["involvedObject", "fieldPath"]);
        let message = e.str_at(&["message"]).trim();
        let message = if field_path.is_empty() {
            message.to_string()
        } else {
            format!("{field_path}: {message}")
        };
        w.line(
            1,
            &format!(
                "{}\t{}\t{age}\t{source}\t{message}",
                e.str_at(&["type"]),
                e.str_at(&["reason"])
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_as_rfc1123z() {
        assert_eq!(
            rfc1123z("2026-11-23T11:53:49Z"),
            "Mon, 23 Nov 2026 11:53:49 +0000"
        );
        assert_eq!(
            rfc1123z("2025-01-01T10:00:00Z"),
            "Wed, 01 Jan 2025 10:00:00 +0000"
        );
    }

    #[test]
    fn multiline_values_align_under_the_first() {
        let mut w = Writer::default();
        multiline(&mut w, 0, "Labels", &["a=1".to_string(), "b=2".to_string()]);
        w.line(0, "Annotations:\t<none>");
        assert_eq!(
            w.finish(),
            "Labels:       a=1\n              b=2\nAnnotations:  <none>\n"
        );
    }
}
