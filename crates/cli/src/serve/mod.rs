//! `ordinal serve [--port N] [--speed X] [FILE...]`: the simulator as a kube
//! API on 127.0.0.1, so the real kubectl can be pointed at it
//! (`KUBECONFIG=/dev/null kubectl --server http://127.0.0.1:PORT get pods`).
//! One thread per connection; the simulation sits behind a mutex and is
//! advanced to the virtual "now" before each request is answered (see
//! [`clock`]). Mirrors the request routing of `k8s.io/apiserver`'s
//! `pkg/endpoints` for the paths kubectl uses.

mod api;
mod clock;
mod discovery;
mod exec;
mod http;
mod openapi;
mod protobuf;
mod reviews;
mod watch;

use std::io::{BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ordinal_core::{Sim, SimConfig};
use ordinal_kubectl::Session;
use ordinal_model::{decode::decode_manifest, json, Value};

pub use clock::wall_now_ms;
use clock::VirtualClock;
use http::{read_request, write_json, write_json_warning, ReadError, Request};

/// Most connections served at once; further ones get a 429 and are closed.
pub const MAX_CONNECTIONS: usize = 64;
/// Most watch streams open at once.
pub const MAX_WATCH_STREAMS: usize = 16;
/// Idle time after which a keep-alive connection is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Fastest allowed `--speed`.
pub const MAX_SPEED: f64 = 1000.0;
/// The deprecation warning a v1.33+ API server attaches to v1 Endpoints requests.
const ENDPOINTS_DEPRECATED: &str =
    "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";
/// Default port: the one kubectl uses without a kubeconfig (`localhost:8080`).
pub const DEFAULT_PORT: u16 = 8080;

/// The simulation and its clock.
pub struct World {
    /// The terminal session whose simulated cluster (and pod filesystems,
    /// which logs and exec read) the server exposes.
    pub session: Session,
    clock: VirtualClock,
    /// A timestamp offset held for a while instead of the wall clock's: the
    /// differential runner pins a whole-second offset for each real kubectl
    /// command, so every answer to it shows the same times.
    pub pinned_offset: Option<i64>,
}

impl World {
    /// Catches the simulation up with the wall clock and returns the
    /// timestamp offset for this moment (see [`clock`]).
    pub fn tick(&mut self) -> i64 {
        self.clock.catch_up(&mut self.session.sim);
        self.pinned_offset
            .unwrap_or_else(|| wall_now_ms() as i64 - self.session.sim.now() as i64)
    }
}

/// State shared by all connections.
pub struct Server {
    world: Mutex<World>,
    connections: AtomicUsize,
    watches: AtomicUsize,
}

impl Server {
    /// A server over `session` whose time runs `speed` times the wall clock.
    pub fn new(session: Session, speed: f64) -> Server {
        Server {
            world: Mutex::new(World {
                session,
                clock: VirtualClock::new(speed),
                pinned_offset: None,
            }),
            connections: AtomicUsize::new(0),
            watches: AtomicUsize::new(0),
        }
    }

    /// The locked world (a panicked holder does not poison the server).
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Parsed command line.
#[derive(Debug, Clone, PartialEq)]
struct Options {
    port: u16,
    speed: f64,
    files: Vec<String>,
    kubeconfig: Option<String>,
}

/// A kubeconfig whose current context talks to the server on `port`.
pub fn kubeconfig(port: u16) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: ordinal\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: ordinal\n  context:\n    cluster: ordinal\n    user: ordinal\n    namespace: default\ncurrent-context: ordinal\nusers:\n- name: ordinal\n  user: {{}}\n"
    )
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        port: DEFAULT_PORT,
        speed: 1.0,
        files: Vec::new(),
        kubeconfig: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        match flag {
            "--port" => {
                opts.port = value()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--port needs a number from 0 to 65535")?;
            }
            "--speed" => {
                opts.speed = value()
                    .and_then(|v| v.parse().ok())
                    .filter(|s: &f64| *s > 0.0 && *s <= MAX_SPEED)
                    .ok_or(format!(
                        "--speed needs a number above 0 and at most {MAX_SPEED}"
                    ))?;
            }
            "--kubeconfig" => {
                opts.kubeconfig = Some(value().ok_or("--kubeconfig needs a file path")?);
            }
            f if f.starts_with('-') => return Err(format!("unknown flag {f}")),
            _ => opts.files.push(arg.clone()),
        }
    }
    Ok(opts)
}

/// Applies the manifests in `files` to `sim` as `kubectl apply -f` would.
pub fn load_files(sim: &mut Sim, files: &[String]) -> Result<(), String> {
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        let decoded = decode_manifest(&text, file);
        if let Some(first) = decoded.errors.first() {
            return Err(format!("{file}: {first:?}"));
        }
        for (obj, _) in decoded.objects {
            sim.apply_object(obj, "default")
                .map_err(|e| format!("{file}: {e}"))?;
        }
    }
    Ok(())
}

/// Binds 127.0.0.1:`port` (0 = any free port) for a server.
pub fn bind(port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
}

/// Accepts connections forever, one thread each.
pub fn serve(listener: TcpListener, server: Arc<Server>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if server.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            server.connections.fetch_sub(1, Ordering::SeqCst);
            let body = api::status(
                429,
                "TooManyRequests",
                "too many connections",
                Value::object(),
            );
            let _ = write_json(&mut stream, 429, &json::to_compact(&body));
            continue;
        }
        let server = Arc::clone(&server);
        std::thread::spawn(move || {
            connection(&server, stream);
            server.connections.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

fn connection(server: &Server, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        match read_request(&mut reader) {
            Ok(request) => {
                let close = request.header("connection").eq_ignore_ascii_case("close");
                if !answer(server, &mut writer, &request) || close {
                    return;
                }
            }
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(code, message)) => {
                let body = api::status(code, "BadRequest", &message, Value::object());
                let _ = write_json(&mut writer, code, &json::to_compact(&body));
                return;
            }
        }
    }
}

/// Answers one request; false when the connection must close.
fn answer(server: &Server, stream: &mut TcpStream, request: &Request) -> bool {
    let parts: Vec<&str> = request.path.split('/').filter(|p| !p.is_empty()).collect();
    if parts == ["openapi", "v2"] {
        let doc = openapi::v2_document();
        return http::write_body(stream, 200, openapi::V2_PROTOBUF, "", &doc).is_ok();
    }
    let (group, version, rest) = match parts.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        ["api"] | ["apis"] if discovery::wants_aggregated(request.header("accept")) => {
            let doc = discovery::aggregated(parts == ["api"]);
            let body = json::to_compact(&doc);
            return http::write_body(stream, 200, discovery::AGGREGATED, "", body.as_bytes())
                .is_ok();
        }
        _ => {
            let (code, body) = match parts.as_slice() {
                ["version"] => (200, discovery::version()),
                ["api"] => (200, discovery::core_versions()),
                ["apis"] => (200, discovery::group_list()),
                ["openapi", "v3"] => (200, openapi::index()),
                ["openapi", "v3", rest @ ..] => openapi::group_version(&rest.join("/"))
                    .map_or_else(api::not_served, |doc| (200, doc)),
                _ => api::not_served(),
            };
            return write_json(stream, code, &json::to_compact(&body)).is_ok();
        }
    };
    if let ("POST", [resource]) = (request.method.as_str(), rest) {
        if let Some(review) = reviews::answer(group, version, resource) {
            return write_json(stream, 201, &json::to_compact(&review)).is_ok();
        }
    }
    if rest.is_empty() {
        let (code, body) = match discovery::resource_list(group, version) {
            Some(list) if request.method == "GET" => (200, list),
            _ => api::not_served(),
        };
        return write_json(stream, code, &json::to_compact(&body)).is_ok();
    }
    let target = match api::parse_target(group, rest) {
        Some(t) if version == t.info.version => t,
        _ => {
            let (code, body) = api::not_served();
            return write_json(stream, code, &json::to_compact(&body)).is_ok();
        }
    };
    if target.info.plural == "pods" && target.subresource.as_deref() == Some("exec") {
        let refusal = {
            let world = server.lock();
            let ns = target.namespace.as_deref().unwrap_or("default");
            let name = target.name.as_deref().unwrap_or("");
            let sim = &world.session.sim;
            sim.object("pods", ns, name).and_then(|pod| {
                match sim.kubelet_dial_error(pod.str_at(&["spec", "nodeName"])) {
                    Some(dial) => Some((500, "", format!("error dialing backend: {dial}"))),
                    None => ordinal_kubectl::cmd::container_not_running(pod)
                        .map(|m| (400, "BadRequest", m)),
                }
            })
        };
        if let Some((code, reason, message)) = refusal {
            let body = api::status(code, reason, &message, Value::object());
            return write_json(stream, code, &json::to_compact(&body)).is_ok();
        }
        if exec::is_upgrade(request) {
            return exec::serve(server, stream, &target, request);
        }
        let body = api::status(
            400,
            "BadRequest",
            "Upgrade request required",
            Value::object(),
        );
        return write_json(stream, 400, &json::to_compact(&body)).is_ok();
    }
    if request.method == "GET"
        && target.info.plural == "pods"
        && target.subresource.as_deref() == Some("log")
    {
        return pod_log(server, stream, &target, request);
    }
    if request.method == "GET"
        && request
            .param("watch")
            .is_some_and(|w| w == "true" || w == "1")
    {
        return watch::stream(server, stream, &target, request);
    }
    let (code, body) = {
        let mut world = server.lock();
        let offset = world.tick();
        api::handle(&mut world.session.sim, &target, request, offset)
    };
    let warning = (target.info.plural == "endpoints").then_some(ENDPOINTS_DEPRECATED);
    write_json_warning(stream, code, &json::to_compact(&body), warning).is_ok()
}

/// `GET pods/NAME/log`: the container's log as text (`container`, `previous`,
/// `timestamps`, `tailLines`, `sinceSeconds`, `sinceTime`),
/// or the API server's Status when the container has not started.
fn pod_log(
    server: &Server,
    stream: &mut TcpStream,
    target: &api::Target,
    request: &Request,
) -> bool {
    let ns = target.namespace.as_deref().unwrap_or("default");
    let name = target.name.as_deref().unwrap_or("");
    let previous = request.param("previous") == Some("true");
    let timestamps = request.param("timestamps") == Some("true");
    let container = request.param("container");
    let result = {
        let mut world = server.lock();
        world.tick();
        let now = world.session.sim.now();
        // sinceSeconds, or sinceTime in the log's own (unshifted) timestamps.
        let since = match (request.param("sinceSeconds"), request.param("sinceTime")) {
            (Some(s), _) => s
                .parse::<u64>()
                .ok()
                .map(|s| now.saturating_sub(s.saturating_mul(1000))),
            (None, Some(t)) => ordinal_core::clock::parse_rfc3339(t),
            (None, None) => None,
        };
        ordinal_kubectl::cmd::pod_log(
            &world.session,
            ns,
            name,
            container,
            previous,
            timestamps,
            since,
        )
    };
    match result {
        Ok(log) => {
            let tail = request.param("tailLines").and_then(|t| t.parse().ok());
            let text = ordinal_kubectl::cmd::tail_lines(log, tail);
            http::write_body(stream, 200, "text/plain", "", text.as_bytes()).is_ok()
        }
        Err(e) => {
            let (code, body) = api::error_body(&e, "");
            write_json(stream, code, &json::to_compact(&body)).is_ok()
        }
    }
}

/// `ordinal serve ...`: parses the arguments, loads the files and serves until killed.
pub fn main(args: &[String]) -> ExitCode {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("ordinal serve: {e}");
            eprintln!("usage: ordinal serve [--port N] [--speed X] [--kubeconfig PATH] [FILE...]");
            return ExitCode::from(2);
        }
    };
    let mut session = Session::new(SimConfig::default());
    if let Err(e) = load_files(&mut session.sim, &opts.files) {
        eprintln!("ordinal serve: {e}");
        return ExitCode::FAILURE;
    }
    let listener = match bind(opts.port) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "ordinal serve: cannot listen on 127.0.0.1:{}: {e}",
                opts.port
            );
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map_or(opts.port, |a| a.port());
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "ordinal serve: listening on http://127.0.0.1:{port} (speed {})",
        opts.speed
    );
    match &opts.kubeconfig {
        Some(path) => {
            if let Err(e) = std::fs::write(path, kubeconfig(port)) {
                eprintln!("ordinal serve: cannot write {path}: {e}");
                return ExitCode::FAILURE;
            }
            let _ = writeln!(out, "  KUBECONFIG={path} kubectl get pods");
        }
        None => {
            let _ = writeln!(
                out,
                "  KUBECONFIG=/dev/null kubectl --server http://127.0.0.1:{port} get pods"
            );
        }
    }
    let _ = out.flush();
    serve(listener, Arc::new(Server::new(session, opts.speed)));
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_and_files_are_parsed() {
        let o = parse_args(&args(&["--port", "0", "--speed=10", "a.yaml"])).expect("valid");
        assert_eq!(
            o,
            Options {
                port: 0,
                speed: 10.0,
                files: vec!["a.yaml".into()],
                kubeconfig: None,
            }
        );
    }

    #[test]
    fn out_of_range_speed_is_refused() {
        assert!(parse_args(&args(&["--speed", "0"])).is_err());
        assert!(parse_args(&args(&["--speed", "1e9"])).is_err());
        assert!(parse_args(&args(&["--bogus"])).is_err());
    }
}
