//! Table printers: for each kind, the column definitions and the cells of one
//! row, as upstream `pkg/printers/internalversion/printers.go` produces them
//! for a server-side Table. Padding is not done here (see `tabwriter`), so
//! the same rows can back both kubectl's own output and a Table response.

mod cluster;
mod network;
mod pods;
mod storage;
mod workloads;

pub use pods::pod_status;
pub use storage::{access_modes, canonical_quantity, is_default_class};

use ordinal_model::Value;

use crate::duration::human_duration;

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Header as the server names it (`Nominated Node`); kubectl upper-cases it.
    pub name: &'static str,
    /// 0 for normal columns, 1 for `-o wide` only.
    pub priority: u8,
}

const fn col(name: &'static str) -> Column {
    Column { name, priority: 0 }
}

const fn wide(name: &'static str) -> Column {
    Column { name, priority: 1 }
}

/// What a row printer may need besides the object.
#[derive(Debug, Clone, Copy)]
pub struct PrintContext {
    /// Virtual "now" in Unix milliseconds, for ages.
    pub now_ms: u64,
}

impl PrintContext {
    /// kubectl's `translateTimestampSince`: the age of an RFC 3339 timestamp, `<unknown>` if absent.
    pub fn since(&self, timestamp: &str) -> String {
        match parse_timestamp(timestamp) {
            Some(ms) => human_duration(self.now_ms as i64 - ms as i64),
            None => "<unknown>".to_string(),
        }
    }
}

/// A kind's table: its columns and the function that fills one row (all columns, wide included).
#[derive(Clone, Copy)]
pub struct TableDef {
    /// Columns in order, wide ones included.
    pub columns: &'static [Column],
    /// The cells of one object's row, one per column.
    pub row: fn(&Value, &PrintContext) -> Vec<String>,
}

/// The table definition for a kind, or `None` for kinds printed with the default NAME/AGE table.
pub fn table_for(kind: &str) -> TableDef {
    match kind {
        "Pod" => pods::TABLE,
        "StatefulSet" => workloads::STATEFULSET,
        "Deployment" => workloads::DEPLOYMENT,
        "ReplicaSet" => workloads::REPLICASET,
        "DaemonSet" => workloads::DAEMONSET,
        "ControllerRevision" => workloads::CONTROLLER_REVISION,
        "Service" => network::SERVICE,
        "Endpoints" => network::ENDPOINTS,
        "EndpointSlice" => network::ENDPOINT_SLICE,
        "PodDisruptionBudget" => network::POD_DISRUPTION_BUDGET,
        "PersistentVolumeClaim" => storage::PVC,
        "PersistentVolume" => storage::PV,
        "StorageClass" => storage::STORAGE_CLASS,
        "Node" => cluster::NODE,
        "Namespace" => cluster::NAMESPACE,
        "Event" => cluster::EVENT,
        "ConfigMap" => cluster::CONFIG_MAP,
        "Secret" => cluster::SECRET,
        "ServiceAccount" => cluster::SERVICE_ACCOUNT,
        "Lease" => cluster::LEASE,
        _ => DEFAULT,
    }
}

/// The default table kubectl shows for kinds without a printer.
const DEFAULT: TableDef = TableDef {
    columns: &[col("Name"), col("Age")],
    row: |obj, ctx| {
        vec![
            name(obj).to_string(),
            ctx.since(obj.str_at(&["metadata", "creationTimestamp"])),
        ]
    },
};

/// `metadata.name`.
pub fn name(obj: &Value) -> &str {
    obj.str_at(&["metadata", "name"])
}

/// `metadata.namespace`.
pub fn namespace(obj: &Value) -> &str {
    obj.str_at(&["metadata", "namespace"])
}

/// The object's age cell.
pub fn age(obj: &Value, ctx: &PrintContext) -> String {
    ctx.since(obj.str_at(&["metadata", "creationTimestamp"]))
}

/// A string map (labels, nodeSelector) as `k=v` pairs sorted by key.
pub fn key_value_pairs(map: Option<&Value>) -> Vec<String> {
    map.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default()
}

/// Labels as `k=v,k2=v2` sorted by key (`labels.FormatLabels`), `<none>` when empty.
pub fn format_labels(labels: Option<&Value>) -> String {
    let pairs = key_value_pairs(labels);
    if pairs.is_empty() {
        "<none>".to_string()
    } else {
        pairs.join(",")
    }
}

/// A label selector (`matchLabels` + `matchExpressions`) as `metav1.FormatLabelSelector` prints it:
/// the requirements ordered by key (`internalSelector.Add`, an insertion sort for the few a
/// selector has, so stable) and the values of `in` / `notin` sorted (`Requirement.String`).
pub fn format_label_selector(selector: Option<&Value>) -> String {
    let Some(selector) = selector else {
        return "<none>".to_string();
    };
    let labels = selector.get("matchLabels");
    let mut parts: Vec<(String, String)> = labels
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys().cloned())
        .zip(key_value_pairs(labels))
        .collect();
    for expr in selector.array_at(&["matchExpressions"]) {
        let key = expr.str_at(&["key"]);
        let mut values: Vec<&str> = expr
            .array_at(&["values"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        ordinal_model::order::sort(&mut values);
        let text = match expr.str_at(&["operator"]) {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            other => format!("{key} {other}"),
        };
        parts.push((key.to_string(), text));
    }
    if parts.is_empty() {
        return "<none>".to_string();
    }
    ordinal_model::order::sort_by(&mut parts, |a, b| a.0.cmp(&b.0));
    let texts: Vec<String> = parts.into_iter().map(|(_, text)| text).collect();
    texts.join(",")
}

/// Container names and images of a pod spec, each joined by `,` (the wide CONTAINERS/IMAGES cells).
pub fn containers_and_images(pod_spec: Option<&Value>) -> (String, String) {
    let containers = pod_spec.map(|s| s.array_at(&["containers"])).unwrap_or(&[]);
    let names: Vec<&str> = containers.iter().map(|c| c.str_at(&["name"])).collect();
    let images: Vec<&str> = containers.iter().map(|c| c.str_at(&["image"])).collect();
    (names.join(","), images.join(","))
}

/// An integer field printed with `%d`, 0 when absent.
pub fn int_at(obj: &Value, path: &[&str]) -> i64 {
    obj.i64_at(path).unwrap_or(0)
}

/// Parses an RFC 3339 timestamp (`2026-01-01T00:00:05Z`, fractional seconds allowed) into Unix ms.
pub fn parse_timestamp(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !text.ends_with('Z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let frac = text.get(19..text.len() - 1)?;
    let millis = match frac.strip_prefix('.') {
        Some(f) => f
            .chars()
            .chain("000".chars())
            .take(3)
            .collect::<String>()
            .parse::<i64>()
            .ok()?,
        None if frac.is_empty() => 0,
        None => return None,
    };
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    u64::try_from(((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + millis).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_to_unix_milliseconds() {
        assert_eq!(
            parse_timestamp("2026-01-01T00:00:00Z"),
            Some(1_767_225_600_000)
        );
        assert_eq!(
            parse_timestamp("2026-01-01T00:01:05.250Z"),
            Some(1_767_225_665_250)
        );
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn selectors_print_like_kubectl() {
        let sel = Value::from([(
            "matchLabels",
            Value::from([("app", "web".into()), ("tier", "db".into())]),
        )]);
        assert_eq!(format_label_selector(Some(&sel)), "app=web,tier=db");
        assert_eq!(format_labels(None), "<none>");
        // Requirements by key, `in` values sorted.
        let mut sel = sel;
        sel.remove(&["matchLabels", "tier"]);
        let expr = |key: &str, op: &str, values: &[&str]| {
            Value::from([
                ("key", Value::from(key)),
                ("operator", Value::from(op)),
                (
                    "values",
                    Value::from(values.iter().map(|v| Value::from(*v)).collect::<Vec<_>>()),
                ),
            ])
        };
        sel.set(
            &["matchExpressions"],
            Value::from(vec![
                expr("tier", "In", &["front", "edge"]),
                expr("aaa", "Exists", &[]),
            ]),
        );
        assert_eq!(
            format_label_selector(Some(&sel)),
            "aaa,app=web,tier in (edge,front)"
        );
    }
}
