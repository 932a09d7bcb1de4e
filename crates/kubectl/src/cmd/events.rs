//! `kubectl events` (kubectl pkg/cmd/events: events sorted by when they were
//! last seen, `LAST SEEN TYPE REASON OBJECT MESSAGE`, OBJECT as `Kind/name`,
//! `--for TYPE/NAME`, `--types`, `-A`; `-w` prints the events the watch
//! delivers, existing ones first in store order, one flush per event with
//! column widths that only grow).

use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{api_error, client_error, flag_error, namespace_of, resolve, watch};
use crate::printers::{parse_timestamp, PrintContext};
use crate::shell::Session;
use crate::tabwriter::{format_table, TabWriter, KUBECTL_TABLE};
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
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

/// One row of the table (`NAMESPACE` first with `-A`).
fn row(e: &Value, ctx: &PrintContext, all: bool) -> String {
    let mut text = String::new();
    if all {
        text.push_str(e.str_at(&["metadata", "namespace"]));
        text.push('\t');
    }
    text.push_str(&format!(
        "{}\t{}\t{}\t{}/{}\t{}\n",
        interval(e, ctx),
        e.str_at(&["type"]),
        e.str_at(&["reason"]),
        e.str_at(&["involvedObject", "kind"]),
        e.str_at(&["involvedObject", "name"]),
        e.str_at(&["message"]).trim()
    ));
    text
}

fn header(all: bool) -> &'static str {
    if all {
        "NAMESPACE\tLAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n"
    } else {
        "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n"
    }
}

/// `kubectl events -w` until the deadline.
fn watch_events(
    session: &mut Session,
    namespace: Option<&str>,
    keep: &dyn Fn(&Value) -> bool,
    out: &mut CommandOutput,
) {
    let id = match session.sim.watch("events", namespace, "", "") {
        Ok(id) => id,
        Err(e) => return api_error(&e, out),
    };
    let all = namespace.is_none();
    let mut writer = TabWriter::new(KUBECTL_TABLE);
    let mut header_printed = false;
    let mut print = |out: &mut CommandOutput, e: &Value, now: u64| {
        let mut text = String::new();
        if !header_printed {
            text.push_str(header(all));
            header_printed = true;
        }
        text.push_str(&row(e, &PrintContext { now_ms: now }, all));
        out.out(&writer.format(&text));
    };
    let now = session.sim.now();
    for e in session
        .sim
        .list("events", namespace, "", "")
        .unwrap_or_default()
        .iter()
        .filter(|e| keep(e))
    {
        print(out, e, now);
    }
    session.sim.take_watch_events(id);
    let started = session.sim.now();
    while watch::step(session, started) {
        for event in session.sim.take_watch_events(id) {
            if event.kind != ordinal_core::WatchEventKind::Deleted && keep(&event.object) {
                print(out, &event.object, event.at);
            }
        }
    }
    session.sim.unwatch(id);
}

/// `kubectl events`.
#[inline(never)]
pub fn events(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("events", &e, out),
    };
    let all = parsed.has("all-namespaces");
    let ns = namespace_of(&parsed);
    let target = match parsed.get("for") {
        Some(target) => {
            let Some((kind, name)) = target.split_once('/') else {
                return client_error(
                    &format!("--for must be in resource/name form: {target}"),
                    out,
                );
            };
            let Some(info) = resolve(kind, out) else {
                return;
            };
            Some((info.kind, name.to_string()))
        }
        None => None,
    };
    let types = parsed.all("types");
    let keep = |e: &Value| {
        target.as_ref().is_none_or(|(kind, name)| {
            e.str_at(&["involvedObject", "kind"]) == *kind
                && e.str_at(&["involvedObject", "name"]) == name
        }) && (types.is_empty()
            || types
                .iter()
                .any(|t| t.eq_ignore_ascii_case(e.str_at(&["type"]))))
    };
    let namespace = if all { None } else { Some(ns.as_str()) };
    if parsed.has("watch") {
        return watch_events(session, namespace, &keep, out);
    }
    let mut list = match session.sim.list("events", namespace, "", "") {
        Ok(l) => l,
        Err(e) => return api_error(&e, out),
    };
    list.retain(|e| keep(e));
    if list.is_empty() {
        if all {
            out.errln("No events found.");
        } else {
            out.errln(&format!("No events found in {ns} namespace."));
        }
        return;
    }
    // `sort.Sort(SortableEvents)`: Go's unstable sort, ties in Go's order.
    ordinal_model::order::go_sort_by_key(&mut list, last_seen);
    let ctx = PrintContext {
        now_ms: session.sim.now(),
    };
    let mut text = String::from(header(all));
    for e in &list {
        text.push_str(&row(e, &ctx, all));
    }
    out.out(&format_table(&text));
}
