//! `?watch=true` streams: chunked `{"type":"ADDED","object":{...}}` lines
//! from the simulator's watch API, as plain objects or one-row Tables (only
//! the first carries column definitions, as the API server sends them).
//! Without a `resourceVersion` (or with "0") the stream starts with an
//! ADDED event per existing object; with `sendInitialEvents=true` (client-go's
//! WatchList, on by default in kubectl 1.36) a BOOKMARK marks their end.

use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ordinal_model::{json, Value};

use super::api::{self, Shape, Target};
use super::http::{start_chunked, write_chunk, write_json, Request};
use super::Server;

/// How often an open watch polls the simulation.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Longest a watch stays open without `timeoutSeconds` (the API server picks 30-60 min).
const MAX_WATCH_DURATION: Duration = Duration::from_secs(30 * 60);

fn event_line(kind: &str, object: Value) -> String {
    let mut line = json::to_compact(&Value::from([
        ("type", Value::from(kind)),
        ("object", object),
    ]));
    line.push('\n');
    line
}

/// The BOOKMARK that ends the initial events of a `sendInitialEvents=true`
/// watch (client-go's WatchList reflector waits for it).
fn initial_events_end(target: &Target, version: &str) -> String {
    let object = Value::from([
        ("kind", Value::from(target.info.kind)),
        ("apiVersion", Value::from(target.info.api_version())),
        (
            "metadata",
            Value::from([
                ("resourceVersion", Value::from(version)),
                (
                    "annotations",
                    Value::from([("k8s.io/initial-events-end", Value::from("true"))]),
                ),
            ]),
        ),
    ]);
    event_line("BOOKMARK", object)
}

struct Encoder<'a> {
    target: &'a Target,
    shape: Shape,
    headers_sent: bool,
}

impl Encoder<'_> {
    fn encode(&mut self, kind: &str, obj: Value, now_ms: u64, offset_ms: i64) -> String {
        let object = match self.shape {
            Shape::Objects => api::outgoing(obj, offset_ms),
            Shape::Table => {
                let mut table = api::table_body(self.target.info, &[obj], now_ms, offset_ms, false);
                if self.headers_sent {
                    table.set(&["columnDefinitions"], Value::Array(Vec::new()));
                }
                self.headers_sent = true;
                table
            }
        };
        event_line(kind, object)
    }
}

struct Slot<'a>(&'a Server);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.watches.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves a watch until the client goes away or the timeout passes; always closes the connection.
pub fn stream(server: &Server, stream: &mut TcpStream, target: &Target, request: &Request) -> bool {
    if server.watches.fetch_add(1, Ordering::SeqCst) >= super::MAX_WATCH_STREAMS {
        server.watches.fetch_sub(1, Ordering::SeqCst);
        let body = api::status(
            429,
            "TooManyRequests",
            "too many open watches",
            Value::object(),
        );
        let _ = write_json(stream, 429, &json::to_compact(&body));
        return false;
    }
    let _slot = Slot(server);
    let labels = request.param("labelSelector").unwrap_or("");
    let fields = request.param("fieldSelector").unwrap_or("");
    let timeout = request
        .param("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(MAX_WATCH_DURATION, |s| {
            Duration::from_secs(s).min(MAX_WATCH_DURATION)
        });
    let mut encoder = Encoder {
        target,
        shape: api::shape_of(request),
        headers_sent: false,
    };
    let (id, initial) = {
        let mut world = server.lock();
        let id = match world.session.sim.watch(
            target.info.plural,
            target.namespace.as_deref(),
            labels,
            fields,
        ) {
            Ok(id) => id,
            Err(e) => {
                drop(world);
                let (code, body) = api::error_body(&e, target.info.group);
                let _ = write_json(stream, code, &json::to_compact(&body));
                return false;
            }
        };
        let offset = world.tick();
        let now = world.session.sim.now();
        let mut lines = String::new();
        if matches!(
            request.param("resourceVersion"),
            None | Some("") | Some("0")
        ) {
            let items = api::list_objects(&world.session.sim, target, request).unwrap_or_default();
            let version = api::list_version(&items);
            for obj in items {
                lines.push_str(&encoder.encode("ADDED", obj, now, offset));
            }
            if request.param("sendInitialEvents") == Some("true") {
                lines.push_str(&initial_events_end(target, &version));
            }
        }
        (id, lines)
    };
    let mut ok = start_chunked(stream).is_ok();
    if ok && !initial.is_empty() {
        ok = write_chunk(stream, &initial).is_ok();
    }
    let started = Instant::now();
    while ok && started.elapsed() < timeout {
        std::thread::sleep(POLL_INTERVAL);
        let lines = {
            let mut world = server.lock();
            let offset = world.tick();
            let now = world.session.sim.now();
            let mut lines = String::new();
            for event in world.session.sim.take_watch_events(id) {
                lines.push_str(&encoder.encode(event.kind.as_str(), event.object, now, offset));
            }
            lines
        };
        if !lines.is_empty() {
            ok = write_chunk(stream, &lines).is_ok();
        }
    }
    server.lock().session.sim.unwatch(id);
    if ok {
        let _ = write_chunk(stream, "");
    }
    false
}
