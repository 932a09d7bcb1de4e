//! `kubectl events` (kubectl pkg/cmd/events: events sorted by when they were
//! last seen, `LAST SEEN TYPE REASON OBJECT MESSAGE`, OBJECT as `Kind/name`,
//! `--for TYPE/NAME`, `--types`, `-A`).

use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{api_error, client_error, flag_error, namespace_of, resolve};
use crate::printers::{parse_timestamp, PrintContext};
use crate::shell::Session;
use crate::tabwriter::format_table;
use crate::transcript::CommandOutput;

const SPECS: &[FlagSpec] = &[
    value("for", None),
    value("types", None),
    switch("all-namespaces", Some('A')),
    switch("watch", Some('w')),
    value("output", Some('o')),
];

/// `eventTime` in kubectl's sort: the series' last sighting, else lastTimestamp, else eventTime.
fn last_seen(e: &Value) -> u64 {
    [
        e.str_at(&["series", "lastObservedTime"]),
        e.str_at(&["lastTimestamp"]),
        e.str_at(&["eventTime"]),
    ]
    .into_iter()
    .find(|t| !t.is_empty())
    .and_then(parse_timestamp)
    .unwrap_or(0)
}

/// `getInterval`: first seen, or `last (xN over first)` for repeated events.
fn interval(e: &Value, ctx: &PrintContext) -> String {
    let first = match e.str_at(&["eventTime"]) {
        "" => ctx.since(e.str_at(&["firstTimestamp"])),
        t => ctx.since(t),
    };
    if let Some(count) = e.i64_at(&["series", "count"]) {
        format!(
            "{} (x{count} over {first})",
            ctx.since(e.str_at(&["series", "lastObservedTime"]))
        )
    } else if e.i64_at(&["count"]).unwrap_or(0) > 1 {
        format!(
            "{} (x{} over {first})",
            ctx.since(e.str_at(&["lastTimestamp"])),
            e.i64_at(&["count"]).unwrap_or(0)
        )
    } else {
        first
    }
}

/// `kubectl events`.
pub fn events(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("events", &e, out),
    };
    let all = parsed.has("all-namespaces");
    let ns = namespace_of(&parsed);
    let mut list = match session
        .sim
        .list("events", if all { None } else { Some(ns.as_str()) }, "")
    {
        Ok(l) => l,
        Err(e) => return api_error(&e, out),
    };
    if let Some(target) = parsed.get("for") {
        let Some((kind, name)) = target.split_once('/') else {
            return client_error(
                &format!("--for must be in resource/name form: {target}"),
                out,
            );
        };
        let Some(info) = resolve(kind, out) else {
            return;
        };
        list.retain(|e| {
            e.str_at(&["involvedObject", "kind"]) == info.kind
                && e.str_at(&["involvedObject", "name"]) == name
        });
    }
    let types = parsed.all("types");
    if !types.is_empty() {
        list.retain(|e| {
            types
                .iter()
                .any(|t| t.eq_ignore_ascii_case(e.str_at(&["type"])))
        });
    }
    if list.is_empty() {
        if all {
            out.errln("No events found.");
        } else {
            out.errln(&format!("No events found in {ns} namespace."));
        }
        return;
    }
    ordinal_model::order::sort_by_key(&mut list, last_seen);
    let ctx = PrintContext {
        now_ms: session.sim.now(),
    };
    let mut text = String::new();
    if all {
        text.push_str("NAMESPACE\t");
    }
    text.push_str("LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n");
    for e in &list {
        if all {
            text.push_str(e.str_at(&["metadata", "namespace"]));
            text.push('\t');
        }
        text.push_str(&format!(
            "{}\t{}\t{}\t{}/{}\t{}\n",
            interval(e, &ctx),
            e.str_at(&["type"]),
            e.str_at(&["reason"]),
            e.str_at(&["involvedObject", "kind"]),
            e.str_at(&["involvedObject", "name"]),
            e.str_at(&["message"]).trim()
        ));
    }
    out.out(&format_table(&text));
}
