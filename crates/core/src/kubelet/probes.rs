//! Startup, readiness and liveness probes of running containers: the probe
//! workers of pkg/kubelet/prober/worker.go (tickers, manual triggers,
//! thresholds, initial delay, startup gating, hold after a kill), the
//! readiness triggers of `UpdatePodStatus` in prober_manager.go, and the
//! results and event texts of prober.go, pkg/probe/exec/exec.go,
//! pkg/probe/http/http.go and the CRI client's ExecSync timeout.
//!
//! Documented model (the simulator has no network or processes):
//! * Each worker's ticker fires every `periodSeconds` from the pod's first
//!   kubelet sync (`probeManager.AddPod`, before the sandbox), not from the
//!   container's start; a tick does nothing before the kubelet saw the
//!   container running ([`timing::PLEG_RELIST_MS`] after its start), within
//!   `initialDelaySeconds` of its start, or while a startup probe has not
//!   passed (readiness, liveness). A startup probe stops once it passed.
//! * The readiness worker also runs at once whenever a status update finds
//!   the container started and not ready: when the relist first shows it
//!   running (without startup probe), right after its first look set the
//!   initial result (that change syncs the pod again), when the startup
//!   probe passes, and right after a flip to not ready. A trigger while a
//!   probe runs waits for it (one-slot channel). Upstream's periodic pod
//!   resync (every minute or so) is not modelled.
//! * httpGet / tcpSocket / grpc reach the container when its process serves
//!   and listens on the port (see [`images::listens_on`]) and it has been
//!   running [`images::warmup_ms`]; otherwise the connection is refused.
//!   Static web servers (nginx, httpd) answer from the pod's files
//!   (`Sim::static_page`: 403 for nginx's document root when it is an empty
//!   volume, 404 for a missing file), so, as exec probes, they keep looking;
//!   every other app answers 200, and its probe, once it passed for good,
//!   stops looking (its worker settles). A port name that is not a
//!   declared containerPort is an error, as in the kubelet.
//! * exec: the command runs in the container through the in-pod shell
//!   (`script.rs`) against the pod's files at probe time (those the
//!   container's script and `kubectl exec` wrote and removed) and fails with
//!   its output when its exit status is not 0 (`cat: can't open
//!   '/tmp/healthy': No such file or directory`), as exec.go reports it.
//!   Since files can change at any time, an exec probe (and a static web
//!   server's httpGet) never stops looking; its ticks stop holding the
//!   cluster busy once its result shows.
//! * Handlers take time: an exec probe takes the sum of the `sleep N` its
//!   command (or its `sh -c` script) runs, an httpGet of `/delay/N` on an
//!   app server takes N seconds (httpbin's endpoint); everything else
//!   answers at once. A handler that takes `timeoutSeconds` (default 1) or
//!   longer fails when the timeout runs out with the runtime's and the HTTP
//!   client's words (`command "sleep 5" timed out`, `Get "...": context
//!   deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
//!   a slow handler within the timeout reports its result when it ends.
//! * `failureThreshold` consecutive failures flip readiness to false, or kill
//!   a container failing its liveness or startup probe (`Killing`, then a
//!   restart); `successThreshold` consecutive successes make it ready again.

use ordinal_model::Value;

use super::images;
use super::script::{container_view, sleep_ms, ShellEnd, ShellRun};
use crate::sim::Sim;
use crate::timing;

/// The three probe kinds, in the order a worker is consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProbeKind {
    /// `startupProbe`.
    Startup,
    /// `readinessProbe`.
    Readiness,
    /// `livenessProbe`.
    Liveness,
}

const KINDS: [ProbeKind; 3] = [
    ProbeKind::Startup,
    ProbeKind::Readiness,
    ProbeKind::Liveness,
];

impl ProbeKind {
    /// The container field holding this probe.
    pub(crate) fn field(self) -> &'static str {
        match self {
            ProbeKind::Startup => "startupProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Liveness => "livenessProbe",
        }
    }

    /// The word prober.go puts in front of event messages.
    fn label(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
        }
    }

    /// The word of the `Killing` event (`failed liveness probe`).
    pub(crate) fn lower(self) -> &'static str {
        match self {
            ProbeKind::Startup => "startup",
            ProbeKind::Readiness => "readiness",
            ProbeKind::Liveness => "liveness",
        }
    }
}

/// The result of running a probe once (`probe.Result` plus output or error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The probe passed.
    Success,
    /// The probe failed with this output.
    Failure(String),
    /// The probe could not run (result thrown away, as worker.go does).
    Error(String),
}

/// One worker's memory: next wake, last result and how many times in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Worker {
    /// When the worker next acts: a tick, a manual trigger, or the answer
    /// of the probe in flight.
    next_at: u64,
    /// A probe started at this time is in flight; it answers at `next_at`.
    in_flight: Option<u64>,
    /// A manual trigger waits in the (one-slot) channel.
    triggered: bool,
    /// The worker has seen this container and set its initial result.
    seen: bool,
    last_ok: Option<bool>,
    run: i64,
    /// The probe passes for good from here on and the state already says so.
    settled: bool,
}

/// Probe results of one container instance (the kubelet's results managers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProbeState {
    /// Container status `started`: the startup probe passed (or there is none).
    pub started: bool,
    /// Readiness result (true without a readiness probe once started).
    pub ready: bool,
    /// When the workers were created (the pod's first sync): their tickers
    /// fire every `periodSeconds` from here.
    origin: u64,
    workers: [Option<Worker>; 3],
}

/// What stepping the probes of a container found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Probing goes on; the next tick that matters, if any, and whether it
    /// is background (every probe left fails for good, a retry loop).
    Next(Option<(u64, bool)>),
    /// A liveness or startup probe reached its failure threshold at this time.
    Kill(ProbeKind, u64),
}

fn seconds(probe: &Value, key: &str, default: i64) -> u64 {
    probe.i64_at(&[key]).unwrap_or(default).max(0) as u64 * 1000
}

fn period_ms(probe: &Value) -> u64 {
    seconds(probe, "periodSeconds", timing::PROBE_PERIOD_DEFAULT_S).max(1000)
}

fn threshold(probe: &Value, key: &str, default: i64) -> i64 {
    probe.i64_at(&[key]).unwrap_or(default).max(1)
}

/// The first tick of a ticker started at `origin` with `period` after `t`.
fn tick_after(origin: u64, period: u64, t: u64) -> u64 {
    origin + (t.saturating_sub(origin) / period + 1) * period
}

impl ProbeState {
    /// Fresh state for a container (re)started at `since` whose pod's
    /// workers were created at `origin` (`newWorker`: readiness starts
    /// failed, liveness passed, startup unknown). Workers first see the
    /// container on the tick after the kubelet's relist; a readiness worker
    /// of a container without startup probe is triggered by that relist's
    /// status update at once (`UpdatePodStatus`).
    pub(crate) fn new(container: &Value, since: u64, origin: u64) -> ProbeState {
        let visible = since + timing::PLEG_RELIST_MS;
        let started = container.get(ProbeKind::Startup.field()).is_none();
        let workers = KINDS.map(|kind| {
            container.get(kind.field()).map(|p| Worker {
                next_at: if kind == ProbeKind::Readiness && started {
                    visible
                } else {
                    tick_after(origin, period_ms(p), visible - 1)
                },
                in_flight: None,
                triggered: false,
                seen: false,
                last_ok: None,
                run: 0,
                settled: false,
            })
        });
        ProbeState {
            started,
            ready: started && workers[1].is_none(),
            origin,
            workers,
        }
    }

    /// A status update while the container is started and not ready
    /// triggers the readiness worker (`UpdatePodStatus`): it probes at `at`,
    /// or right after the probe in flight.
    fn trigger_readiness(&mut self, at: u64) {
        if self.ready {
            return;
        }
        if let Some(w) = self.workers[1].as_mut() {
            if w.in_flight.is_some() {
                w.triggered = true;
            } else {
                w.next_at = w.next_at.min(at);
            }
        }
    }
}

/// `extractPort`: a number, a declared port's name, or a number in a string.
fn resolve_port(container: &Value, port: Option<&Value>) -> Result<i64, String> {
    let n = match port {
        Some(Value::Int(n)) => *n,
        Some(Value::String(s)) => match container
            .array_at(&["ports"])
            .iter()
            .find(|p| p.str_at(&["name"]) == s)
        {
            Some(p) => p.i64_at(&["containerPort"]).unwrap_or(0),
            None => s
                .parse::<i64>()
                .map_err(|_| format!("strconv.Atoi: parsing \"{s}\": invalid syntax"))?,
        },
        _ => 0,
    };
    if (1..65_536).contains(&n) {
        Ok(n)
    } else {
        Err(format!("invalid port number: {n}"))
    }
}

/// How long an exec probe's command runs: the sum of its `sleep`s.
fn exec_duration_ms(argv: &[String]) -> u64 {
    let Some(script) = images::shell_script(argv) else {
        let words: Vec<&str> = argv.iter().map(String::as_str).collect();
        return if words.first() == Some(&"sleep") {
            sleep_ms(words.get(1).copied())
        } else {
            0
        };
    };
    script
        .split([';', '\n', '&', '|'])
        .map(|c| c.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.first() == Some(&"sleep"))
        .fold(0u64, |t, w| t.saturating_add(sleep_ms(w.get(1).copied())))
}

/// `timeoutSeconds` in ms (default 1, at least 1 as validation demands).
fn timeout_ms(probe: &Value) -> u64 {
    seconds(probe, "timeoutSeconds", timing::PROBE_TIMEOUT_DEFAULT_S).max(1000)
}

/// How long the handler of `probe` takes to answer at container-relative
/// time `elapsed` (see the module rules; a refused connection is at once).
fn handler_ms(container: &Value, probe: &Value, elapsed: u64) -> u64 {
    if let Some(argv) = exec_argv(probe) {
        return exec_duration_ms(&argv);
    }
    match network_target(probe) {
        Some(("http", target))
            if !images::serves_static_files(container)
                && resolve_port(container, target.get("port"))
                    .is_ok_and(|p| images::listens_on(container, p))
                && elapsed >= images::warmup_ms(container) =>
        {
            let path = target.str_at(&["path"]).trim_start_matches('/');
            path.strip_prefix("delay/")
                .and_then(|n| n.split(['?', '/']).next())
                .and_then(|n| n.parse::<u64>().ok())
                .map_or(0, |n| n.saturating_mul(1000))
        }
        _ => 0,
    }
}

/// True when the handler of `probe` runs into its timeout.
fn times_out(container: &Value, probe: &Value, elapsed: u64) -> bool {
    handler_ms(container, probe, elapsed) >= timeout_ms(probe)
}

/// How long after its start a probe run at `elapsed` reports its result.
fn answer_ms(container: &Value, probe: &Value, elapsed: u64) -> u64 {
    handler_ms(container, probe, elapsed).min(timeout_ms(probe))
}

/// An exec probe's result from what its command did in the container
/// (`None`: no shell ran it).
fn run_exec(
    container: &Value,
    probe: &Value,
    argv: &[String],
    elapsed: u64,
    ran: Option<&ShellRun>,
) -> Outcome {
    if times_out(container, probe, elapsed) {
        // remote_runtime.go turns the CRI's DeadlineExceeded into this
        // TimeoutError; exec.go reports it as the probe's output.
        return Outcome::Failure(format!("command {:?} timed out", argv.join(" ")));
    }
    match ran {
        Some(ShellRun {
            output,
            end: ShellEnd::Exited(code),
        }) if *code != 0 => Outcome::Failure(output.trim_end_matches('\n').to_string()),
        _ => Outcome::Success,
    }
}

fn exec_argv(probe: &Value) -> Option<Vec<String>> {
    probe
        .at(&["exec", "command"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
}

/// The network target of a probe: (kind, port value, host override).
fn network_target(probe: &Value) -> Option<(&'static str, &Value)> {
    [("httpGet", "http"), ("tcpSocket", "tcp"), ("grpc", "grpc")]
        .into_iter()
        .find_map(|(field, kind)| probe.get(field).map(|h| (kind, h)))
}

/// The path an httpGet probe requests (`/` when empty, a leading `/` added).
fn http_path(target: &Value) -> String {
    match target.str_at(&["path"]) {
        "" => "/".to_string(),
        p if p.starts_with('/') => p.to_string(),
        p => format!("/{p}"),
    }
}

/// Runs a probe once at container-relative time `elapsed` against pod IP
/// `ip`; `static_code` is what a static web server answers for the probed
/// path (`Sim::static_page`), `None` for other containers; `ran` is what an
/// exec probe's command did in the container.
pub(crate) fn run(
    container: &Value,
    probe: &Value,
    elapsed: u64,
    ip: &str,
    static_code: Option<u16>,
    ran: Option<&ShellRun>,
) -> Outcome {
    if let Some(argv) = exec_argv(probe) {
        return run_exec(container, probe, &argv, elapsed, ran);
    }
    let Some((kind, target)) = network_target(probe) else {
        return Outcome::Success;
    };
    let port = match resolve_port(container, target.get("port")) {
        Ok(p) => p,
        Err(e) => return Outcome::Error(e),
    };
    let host = match target.str_at(&["host"]) {
        "" => ip,
        h => h,
    };
    let up = images::listens_on(container, port) && elapsed >= images::warmup_ms(container);
    let refused = format!("dial tcp {host}:{port}: connect: connection refused");
    match kind {
        "http" => {
            let scheme = match target.str_at(&["scheme"]) {
                "" => "http".to_string(),
                s => s.to_ascii_lowercase(),
            };
            let path = http_path(target);
            let url = format!("{scheme}://{host}:{port}{path}");
            if !up {
                return Outcome::Failure(format!("Get \"{url}\": {refused}"));
            }
            if times_out(container, probe, elapsed) {
                return Outcome::Failure(format!(
                    "Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
                ));
            }
            match static_code {
                Some(code) if code >= 400 => {
                    Outcome::Failure(format!("HTTP probe failed with statuscode: {code}"))
                }
                _ => Outcome::Success,
            }
        }
        "tcp" if !up => Outcome::Failure(refused),
        "grpc" if !up => Outcome::Failure(format!(
            "timeout: failed to connect service \"{host}:{port}\" within {}s",
            probe.i64_at(&["timeoutSeconds"]).unwrap_or(1)
        )),
        _ => Outcome::Success,
    }
}

/// Container-relative ms from which a probe passes for good; `None` = never.
fn success_from(container: &Value, probe: &Value) -> Option<u64> {
    if times_out(container, probe, u64::MAX) {
        return None;
    }
    if exec_argv(probe).is_some() {
        return None;
    }
    let Some((kind, target)) = network_target(probe) else {
        return Some(0);
    };
    let port = resolve_port(container, target.get("port")).ok()?;
    if !images::listens_on(container, port) {
        return None;
    }
    if kind == "http" && images::serves_static_files(container) {
        return None;
    }
    Some(images::warmup_ms(container))
}

/// Whether a probe's result follows the pod's files (an exec command, or an
/// httpGet of a static web server's page), which can change at any time.
fn reads_files(container: &Value, probe: &Value) -> bool {
    exec_argv(probe).is_some()
        || network_target(probe)
            .is_some_and(|(kind, _)| kind == "http" && images::serves_static_files(container))
}

/// Consecutive results of `ok` that change what the container shows.
fn needed(probe: &Value, ok: bool) -> i64 {
    if ok {
        threshold(probe, "successThreshold", 1)
    } else {
        threshold(
            probe,
            "failureThreshold",
            timing::PROBE_FAILURE_THRESHOLD_DEFAULT,
        )
    }
}

/// True when a worker's ticks change nothing the cluster shows by
/// themselves: its probe can never pass, or it is an exec probe (reading
/// files that only change when something else happens) whose last result
/// already shows.
fn quiet(container: &Value, probe: &Value, worker: Option<&Worker>) -> bool {
    if reads_files(container, probe) && !times_out(container, probe, u64::MAX) {
        return worker.is_some_and(|w| w.last_ok.is_some_and(|ok| w.run >= needed(probe, ok)));
    }
    success_from(container, probe).is_none()
}

/// A readiness probe that passed: a status update finds the container
/// ready or about to be, so no manual trigger is left to run.
fn untrigger(mut w: Worker, origin: u64, period: u64, at: u64) -> Worker {
    if w.next_at == at {
        w.next_at = tick_after(origin, period, at);
    }
    w
}

impl Sim {
    /// Runs every probe tick of container `c` due by now (and before
    /// `until`), recording `Unhealthy` events, as the probe workers would.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn step_probes(
        &mut self,
        pod: &Value,
        container: &Value,
        state: &mut ProbeState,
        since: u64,
        until: Option<u64>,
        ip: &str,
        node: &str,
    ) -> Step {
        let name = container.str_at(&["name"]).to_string();
        loop {
            let due = (0..3)
                .filter_map(|i| {
                    state.workers[i]
                        .filter(|w| !w.settled)
                        .map(|w| (w.next_at, i))
                })
                .min();
            let Some((at, i)) = due else {
                return Step::Next(None);
            };
            if at > self.now || until.is_some_and(|u| at >= u) {
                let hopeless = KINDS.iter().zip(&state.workers).all(|(kind, w)| {
                    w.is_none_or(|w| w.settled)
                        || container
                            .get(kind.field())
                            .is_none_or(|p| quiet(container, p, w.as_ref()))
                });
                return Step::Next(Some((at, hopeless)));
            }
            let kind = KINDS[i];
            let Some(probe) = container.get(kind.field()) else {
                state.workers[i] = None;
                continue;
            };
            let Some(mut worker) = state.workers[i] else {
                continue;
            };
            let period = period_ms(probe);
            let started_at = match worker.in_flight.take() {
                // The probe in flight answers: the ticker keeps one tick
                // that fired meanwhile, the channel one manual trigger.
                Some(start) => {
                    worker.next_at = if std::mem::take(&mut worker.triggered) {
                        at
                    } else {
                        tick_after(state.origin, period, start).max(at)
                    };
                    start
                }
                None => {
                    worker.next_at = tick_after(state.origin, period, at);
                    let elapsed = at - since;
                    if elapsed < timing::PLEG_RELIST_MS {
                        state.workers[i] = Some(worker);
                        continue;
                    }
                    // The first look at a container sets the initial result;
                    // for readiness that status change syncs the pod, whose
                    // update triggers the worker again while not ready.
                    let first_look = !std::mem::replace(&mut worker.seen, true);
                    let delay = seconds(probe, "initialDelaySeconds", 0);
                    let gated = match kind {
                        ProbeKind::Startup => state.started,
                        _ => !state.started,
                    };
                    if elapsed < delay || gated {
                        if elapsed < delay {
                            worker.next_at = tick_after(state.origin, period, since + delay - 1);
                        }
                        state.workers[i] = Some(worker);
                        if gated && kind == ProbeKind::Startup {
                            state.workers[i] = None;
                        }
                        continue;
                    }
                    if first_look && kind == ProbeKind::Readiness {
                        worker.triggered = true;
                    }
                    let took = answer_ms(container, probe, elapsed);
                    if took > 0 {
                        worker.in_flight = Some(at);
                        worker.next_at = at + took;
                        state.workers[i] = Some(worker);
                        continue;
                    }
                    // A probe answering at once takes up a trigger that
                    // came with it right after.
                    if std::mem::take(&mut worker.triggered) {
                        worker.next_at = at;
                    }
                    at
                }
            };
            state.workers[i] = Some(worker);
            // `Some(result)` counts toward the thresholds; an errored probe
            // is reported and its result discarded, as the prober does.
            let static_code = images::serves_static_files(container)
                .then(|| network_target(probe))
                .flatten()
                .filter(|(kind, _)| *kind == "http")
                .map(|(_, target)| self.static_page(pod, container, &http_path(target)).code);
            let elapsed = started_at - since;
            let ran = exec_argv(probe)
                .filter(|_| !times_out(container, probe, elapsed))
                .and_then(|argv| {
                    let index = pod
                        .array_at(&["spec", "containers"])
                        .iter()
                        .position(|c| c.str_at(&["name"]) == name)
                        .unwrap_or(0);
                    self.run_in_container(&container_view(pod, index), &argv, false)
                });
            let outcome = run(container, probe, elapsed, ip, static_code, ran.as_ref());
            let (result, unhealthy) = match outcome {
                Outcome::Success => (Some(true), None),
                Outcome::Failure(out) => (
                    Some(false),
                    Some(format!("{} probe failed: {out}", kind.label())),
                ),
                Outcome::Error(e) => (
                    None,
                    Some(format!(
                        "{} probe errored and resulted in unknown state: {e}",
                        kind.label()
                    )),
                ),
            };
            if let Some(msg) = unhealthy {
                self.container_event(pod, &name, crate::events::WARNING, "Unhealthy", &msg, node);
            }
            let Some(ok) = result else {
                continue;
            };
            if worker.last_ok == Some(ok) {
                worker.run += 1;
            } else {
                worker.last_ok = Some(ok);
                worker.run = 1;
            }
            state.workers[i] = Some(worker);
            if worker.run < needed(probe, ok) {
                if kind == ProbeKind::Readiness && ok {
                    state.workers[i] = Some(untrigger(worker, state.origin, period, at));
                }
                continue;
            }
            match (kind, ok) {
                (ProbeKind::Readiness, true) => {
                    state.ready = true;
                    state.workers[i] = Some(untrigger(worker, state.origin, period, at));
                }
                (ProbeKind::Readiness, false) => {
                    // A flip to not ready syncs the pod; its update triggers
                    // the worker again.
                    if state.ready {
                        state.ready = false;
                        state.trigger_readiness(at);
                    }
                }
                (ProbeKind::Startup, true) => {
                    state.started = true;
                    state.ready = state.workers[1].is_none();
                    state.workers[i] = None;
                    state.trigger_readiness(at);
                }
                (ProbeKind::Liveness, true) => {}
                (_, false) => return Step::Kill(kind, at),
            }
            let passes_for_good =
                success_from(container, probe).is_some_and(|t| started_at - since >= t);
            if ok && passes_for_good {
                if let Some(w) = state.workers[i].as_mut() {
                    w.settled = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(yaml_ports: &[(&str, i64)], image: &str) -> Value {
        let ports: Vec<Value> = yaml_ports
            .iter()
            .map(|(n, p)| {
                Value::from([("containerPort", Value::Int(*p)), ("name", Value::from(*n))])
            })
            .collect();
        Value::from([
            ("name", Value::from("app")),
            ("image", Value::from(image)),
            ("ports", Value::from(ports)),
        ])
    }

    fn http(port: Value, path: &str) -> Value {
        Value::from([(
            "httpGet",
            Value::from([("port", port), ("path", Value::from(path))]),
        )])
    }

    #[test]
    fn http_probes_reach_declared_and_image_ports_after_warm_up() {
        let nginx = container(&[("web", 80)], "nginx:1.27");
        let by_name = http(Value::from("web"), "/");
        assert!(
            matches!(run(&nginx, &by_name, 0, "10.244.0.5", None, None), Outcome::Failure(m)
            if m == "Get \"http://10.244.0.5:80/\": dial tcp 10.244.0.5:80: connect: connection refused")
        );
        assert_eq!(
            run(&nginx, &by_name, 5_000, "10.244.0.5", None, None),
            Outcome::Success
        );
        let wrong = http(Value::Int(8080), "/");
        assert!(
            matches!(run(&nginx, &wrong, 60_000, "10.244.0.5", None, None), Outcome::Failure(m)
            if m.ends_with("dial tcp 10.244.0.5:8080: connect: connection refused"))
        );
        let missing = http(Value::from("http"), "/");
        assert_eq!(
            run(&nginx, &missing, 60_000, "ip", None, None),
            Outcome::Error("strconv.Atoi: parsing \"http\": invalid syntax".into())
        );
        let not_found = http(Value::Int(80), "/healthz");
        assert_eq!(
            run(&nginx, &not_found, 60_000, "ip", Some(404), None),
            Outcome::Failure("HTTP probe failed with statuscode: 404".into())
        );
        let app = container(&[], "example.com/team/app:v2");
        assert_eq!(
            run(
                &app,
                &http(Value::Int(8761), "/actuator/health"),
                60_000,
                "ip",
                None,
                None
            ),
            Outcome::Success
        );
    }

    #[test]
    fn tcp_probes_fail_on_shells_and_undeclared_ports() {
        let tcp = Value::from([("tcpSocket", Value::from([("port", Value::Int(6379))]))]);
        assert_eq!(
            run(&container(&[], "redis:7.2"), &tcp, 1_000, "ip", None, None),
            Outcome::Success
        );
        let mut shell = container(&[("redis", 6379)], "busybox:1.36");
        shell.set(
            &["command"],
            Value::from(vec![Value::from("sleep"), Value::from("3600")]),
        );
        assert_eq!(
            run(&shell, &tcp, 60_000, "10.244.0.9", None, None),
            Outcome::Failure("dial tcp 10.244.0.9:6379: connect: connection refused".into())
        );
    }

    #[test]
    fn exec_probes_fail_with_what_the_command_printed() {
        let c = container(&[], "busybox:1.36");
        let probe = Value::from([(
            "exec",
            Value::from([(
                "command",
                Value::from(vec![Value::from("cat"), Value::from("/tmp/healthy")]),
            )]),
        )]);
        let missing = ShellRun {
            output: "cat: can't open '/tmp/healthy': No such file or directory\n".into(),
            end: ShellEnd::Exited(1),
        };
        assert_eq!(
            run(&c, &probe, 31_000, "ip", None, Some(&missing)),
            Outcome::Failure("cat: can't open '/tmp/healthy': No such file or directory".into())
        );
        let found = ShellRun {
            output: String::new(),
            end: ShellEnd::Exited(0),
        };
        assert_eq!(
            run(&c, &probe, 5_000, "ip", None, Some(&found)),
            Outcome::Success
        );
        assert_eq!(success_from(&c, &probe), None, "files can change any time");
    }

    #[test]
    fn workers_tick_from_their_creation_and_readiness_is_triggered_at_start() {
        let mut c = container(&[], "nginx:1.27");
        c.set(&["readinessProbe"], http(Value::Int(80), "/"));
        c.set(&["readinessProbe", "initialDelaySeconds"], Value::Int(5));
        let state = ProbeState::new(&c, 1_000, 0);
        assert!(state.started && !state.ready);
        assert_eq!(
            state.workers[1].map(|w| w.next_at),
            Some(2_000),
            "the relist's status update triggers the readiness worker"
        );
        c.set(&["startupProbe"], http(Value::Int(80), "/"));
        let gated = ProbeState::new(&c, 1_000, 0);
        assert!(!gated.started && !gated.ready);
        assert_eq!(
            gated.workers[0].map(|w| w.next_at),
            Some(10_000),
            "the startup worker waits for its ticker"
        );
        assert!(ProbeState::new(&container(&[], "nginx"), 0, 0).ready);
        assert_eq!(tick_after(300, 10_000, 2_000), 10_300);
        assert_eq!(tick_after(300, 10_000, 10_300), 20_300);
    }

    #[test]
    fn slow_handlers_time_out_with_the_runtimes_and_http_clients_words() {
        let c = container(&[], "busybox:1.36");
        let mut sleepy = Value::from([(
            "exec",
            Value::from([(
                "command",
                Value::from(vec![Value::from("sleep"), Value::from("5")]),
            )]),
        )]);
        assert_eq!(
            run(&c, &sleepy, 5_000, "ip", None, None),
            Outcome::Failure("command \"sleep 5\" timed out".into())
        );
        assert_eq!(answer_ms(&c, &sleepy, 5_000), 1_000, "default timeout 1s");
        sleepy.set(&["timeoutSeconds"], Value::Int(10));
        assert_eq!(run(&c, &sleepy, 5_000, "ip", None, None), Outcome::Success);
        assert_eq!(answer_ms(&c, &sleepy, 5_000), 5_000, "answers when done");
        let script = Value::from([(
            "exec",
            Value::from([(
                "command",
                Value::from(vec![
                    Value::from("/bin/sh"),
                    Value::from("-c"),
                    Value::from("sleep 1 && sleep 0.5; exit 0"),
                ]),
            )]),
        )]);
        assert_eq!(
            exec_duration_ms(&exec_argv(&script).unwrap_or_default()),
            1_500
        );
        assert_eq!(
            run(&c, &script, 0, "ip", None, None),
            Outcome::Failure(
                "command \"/bin/sh -c sleep 1 && sleep 0.5; exit 0\" timed out".into()
            )
        );
        let app = container(&[], "example.com/team/app:v2");
        let delay = http(Value::Int(8080), "/delay/3");
        assert_eq!(
            run(&app, &delay, 60_000, "10.244.0.5", None, None),
            Outcome::Failure("Get \"http://10.244.0.5:8080/delay/3\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into())
        );
        assert_eq!(
            answer_ms(&app, &delay, 0),
            0,
            "refused before warm-up: at once"
        );
        assert_eq!(success_from(&app, &delay), None);
        let nginx = container(&[], "nginx:1.27");
        assert_eq!(
            answer_ms(&nginx, &http(Value::Int(80), "/delay/3"), 60_000),
            0,
            "static servers answer 404 at once"
        );
    }
}
