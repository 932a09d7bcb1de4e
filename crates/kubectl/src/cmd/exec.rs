//! `kubectl exec`, `kubectl run` and `kubectl logs`: checks and error texts
//! from kubectl pkg/cmd/{exec,run,logs}; the command itself runs in the
//! pod's tiny shell (`crate::podshell`).

use ordinal_core::{ApiError, DeleteOptions};
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::output;
use super::{api_error, client_error, flag_error, namespace_of, watch};
use crate::podshell;
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const EXEC_SPECS: &[FlagSpec] = &[
    switch("stdin", Some('i')),
    switch("tty", Some('t')),
    value("container", Some('c')),
    switch("quiet", Some('q')),
];

/// Checks that a pod can be exec'd into; prints kubectl's error otherwise.
/// The pod comes back seen with `container` (`-c`) first, the one the pod
/// shell runs in.
fn ready_pod(
    session: &Session,
    ns: &str,
    name: &str,
    container: Option<&str>,
    quiet: bool,
    out: &mut CommandOutput,
) -> Option<Value> {
    let (pod, named) = pod_with_container(session, ns, name, container, out)?;
    if !named && pod.array_at(&["spec", "containers"]).len() > 1 && !quiet {
        let first = pod
            .array_at(&["spec", "containers"])
            .first()
            .map_or("", |c| c.str_at(&["name"]));
        out.errln(&format!(
            "Defaulted container \"{first}\" out of: {}",
            all_container_names(&pod)
        ));
    }
    let phase = pod.str_at(&["status", "phase"]);
    if phase == "Succeeded" || phase == "Failed" {
        client_error(
            &format!("cannot exec into a container in a completed pod; current phase is {phase}"),
            out,
        );
        return None;
    }
    if pod.str_at(&["spec", "nodeName"]).is_empty() {
        out.errln(&format!(
            "Error from server (BadRequest): pod {name} does not have a host assigned"
        ));
        out.exit_code = 1;
        return None;
    }
    if let Some(dial) = session
        .sim
        .kubelet_dial_error(pod.str_at(&["spec", "nodeName"]))
    {
        client_error(
            &format!("unable to upgrade connection: error dialing backend: {dial}"),
            out,
        );
        return None;
    }
    if let Some(refusal) = container_not_running(&pod) {
        client_error(&format!("unable to upgrade connection: {refusal}"), out);
        return None;
    }
    Some(pod)
}

/// The kubelet's refusal to exec into a pod whose container is not running
/// (`container not found ("web")`); kubectl prints it after
/// `unable to upgrade connection: `.
pub fn container_not_running(pod: &Value) -> Option<String> {
    let running = pod
        .array_at(&["status", "containerStatuses"])
        .first()
        .is_some_and(|c| c.at(&["state", "running"]).is_some());
    let container = pod
        .array_at(&["spec", "containers"])
        .first()
        .map_or("", |c| c.str_at(&["name"]));
    (!running).then(|| format!("container not found ({container:?})"))
}

/// `kubectl exec POD [-it] [-c C] -- CMD...`.
#[inline(never)]
pub fn exec(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, EXEC_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("exec", &e, out),
    };
    let Some(pod_arg) = parsed.args.first() else {
        return client_error("pod, type/name or --filename must be specified", out);
    };
    let name = pod_arg
        .strip_prefix("pod/")
        .or_else(|| pod_arg.strip_prefix("pods/"))
        .unwrap_or(pod_arg);
    if !parsed.dash_dash && parsed.args.len() > 1 {
        out.errln("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead");
        out.errln("See 'kubectl exec -h' for help and examples");
        out.exit_code = 1;
        return;
    }
    let command = parsed.rest.clone();
    if command.is_empty() {
        return client_error(
            "you must specify at least one command for the container",
            out,
        );
    }
    let ns = namespace_of(&parsed);
    let container = parsed.get("container");
    let Some(pod) = ready_pod(session, &ns, name, container, parsed.has("quiet"), out) else {
        return;
    };
    let program = command[0].rsplit('/').next().unwrap_or("").to_string();
    let interactive = parsed.has("stdin") && parsed.has("tty");
    if interactive && command.len() == 1 && podshell::has_interactive(&pod, &program) {
        session.attached = Some(crate::shell::Attached {
            namespace: ns,
            pod: name.to_string(),
            program,
            run_remove: None,
        });
        return;
    }
    let result = match podshell::exec(session, &pod, &command) {
        Ok(r) => r,
        Err(e) => {
            out.errln(&e);
            out.exit_code = 1;
            return;
        }
    };
    let code = result.exit_code;
    out.append(result);
    if code != 0 {
        out.errln(&format!("command terminated with exit code {code}"));
        out.exit_code = code;
    }
}

pub(super) const RUN_SPECS: &[FlagSpec] = &[
    value("image", None),
    value("restart", None),
    switch("rm", None),
    switch("stdin", Some('i')),
    switch("tty", Some('t')),
    switch("attach", None),
    switch("leave-stdin-open", None),
    value("labels", Some('l')),
    value("annotations", None),
    value("env", None),
    value("port", None),
    switch("expose", None),
    switch("command", None),
    switch("privileged", None),
    value("image-pull-policy", None),
    switch("quiet", Some('q')),
    value("overrides", None),
    value("override-type", None),
    value("dry-run", None),
    value("output", Some('o')),
    switch("save-config", None),
];

/// Longest time `kubectl run -it` waits for its pod to start (ms).
const RUN_WAIT_MS: u64 = 5 * 60 * 1000;

/// Prints what `kubectl run --expose` created: the service as soon as it is
/// created, the pod after it (kubectl v1.36 does so; its YAML printer puts
/// two separators between them).
fn print_run_objects(
    output: Option<&str>,
    dry_run: Option<&str>,
    service: Option<&Value>,
    pod: &Value,
    out: &mut CommandOutput,
) {
    if let Some(service) = service {
        output::print_typed_result(output, dry_run, "service", service, "created", out);
        if matches!(output, Some("yaml")) {
            out.out("---\n---\n");
        }
    }
    output::print_typed_result(output, dry_run, "pod", pod, "created", out);
}

/// `kubectl run NAME --image=IMAGE [--rm -it --restart=Never] [-- CMD...]`.
#[inline(never)]
pub fn run_pod(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, RUN_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("run", &e, out),
    };
    if parsed.get("image").is_none() {
        return client_error("required flag(s) \"image\" not set", out);
    }
    let (dry_run, format) = match output::send_options(session, &parsed) {
        Ok(options) => options,
        Err(e) => return client_error(&e, out),
    };
    let words: Vec<String> = parsed.args.iter().chain(&parsed.rest).cloned().collect();
    let generated = match super::run_generator::generate(&parsed, &words) {
        Ok(g) => g,
        Err(super::run_generator::RunError::Plain(e)) => return client_error(&e, out),
        Err(super::run_generator::RunError::Usage(e)) => {
            return client_error(
                &format!("{e}\nSee 'kubectl run -h' for help and examples"),
                out,
            )
        }
    };
    let ns = namespace_of(&parsed);
    let output = format.as_deref();
    // createGeneratedObject: `--save-config` is applied to what is sent.
    let (mut pod, mut service) = (generated.pod, generated.service);
    if parsed.has("save-config") && dry_run != Some("client") {
        super::generate::save_config(&mut pod);
        if let Some(svc) = service.as_mut() {
            super::generate::save_config(svc);
        }
    }
    let created = match super::create_as(session, dry_run, ("pods", &ns), pod) {
        Ok(p) => p,
        Err(e) => return api_error(&e, out),
    };
    let service = service.map(|svc| super::create_as(session, dry_run, ("services", &ns), svc));
    if let Some(Err(e)) = &service {
        print_run_objects(output, dry_run, None, &created, out);
        return api_error(e, out);
    }
    let service = service.and_then(Result::ok);
    if !generated.attach {
        return print_run_objects(output, dry_run, service.as_ref(), &created, out);
    }
    if let Some(service) = &service {
        output::print_typed_result(output, dry_run, "service", service, "created", out);
    }
    let name = generated.name;
    let interactive = parsed.has("stdin");
    let remove = parsed.has("rm");
    let started = session.sim.now();
    let deadline = session.deadline;
    if words.len() > 1 || !interactive {
        // A live terminal stays attached while time passes: the pod is seen
        // starting, running, exiting and (with --rm) going away. Elsewhere
        // time runs on here until the command has ended.
        let run = RunAttach {
            namespace: ns.clone(),
            pod: name.clone(),
            remove,
            exit_code: None,
            printed: 0,
        };
        if let Some(mut run) = session.keep_running(run, started + RUN_WAIT_MS) {
            session.deadline = Some(deadline.unwrap_or(started + RUN_WAIT_MS));
            while !run.poll(session, out) {
                if run.exit_code.is_none() && !watch::step(session, started) {
                    run.stop(session, out);
                    break;
                }
            }
            session.deadline = deadline;
        }
        return;
    }
    session.deadline = Some(deadline.unwrap_or(started + RUN_WAIT_MS));
    let mut pod = created;
    loop {
        let running = pod
            .array_at(&["status", "containerStatuses"])
            .first()
            .is_some_and(|c| c.at(&["state", "running"]).is_some());
        if running || !watch::step(session, started) {
            break;
        }
        match session.sim.get("pods", &ns, &name) {
            Ok(p) => pod = p,
            Err(_) => break,
        }
    }
    session.deadline = deadline;
    if !parsed.has("quiet") {
        out.errln("All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.");
        out.errln("If you don't see a command prompt, try pressing enter.");
    }
    session.attached = Some(crate::shell::Attached {
        namespace: ns,
        pod: name,
        program: "sh".to_string(),
        run_remove: Some(remove),
    });
}

/// What kubectl prints when the command of `kubectl run -i/-t` has exited:
/// the pod's deletion (`--rm`), and a failure's exit.
fn finish_run(
    session: &mut Session,
    ns: &str,
    name: &str,
    remove: bool,
    code: i32,
    out: &mut CommandOutput,
) {
    if remove {
        out.append(remove_run_pod(session, ns, name));
    }
    if code != 0 {
        out.errln(&format!("pod {ns}/{name} terminated (Error)"));
        out.errln("");
    }
    out.exit_code = code;
}

/// `kubectl run -i/-t ... -- COMMAND`, attached while its pod starts and
/// its command runs: what the command prints is printed as it is written,
/// and once the container has exited, at the next poll the pod is deleted
/// (`--rm`), so the exited pod is seen before it goes.
#[derive(Debug, Clone)]
pub struct RunAttach {
    namespace: String,
    pod: String,
    remove: bool,
    exit_code: Option<i32>,
    /// Lines of the container's log printed so far.
    printed: usize,
}

impl RunAttach {
    /// Prints what the command printed since the last poll and notes its
    /// exit; true once it has ended (or the pod is gone).
    pub(crate) fn poll(&mut self, session: &mut Session, out: &mut CommandOutput) -> bool {
        let Some(pod) = session
            .sim
            .object("pods", &self.namespace, &self.pod)
            .cloned()
        else {
            return true;
        };
        if let Some(code) = self.exit_code {
            finish_run(session, &self.namespace, &self.pod, self.remove, code, out);
            return true;
        }
        // A restarted container (restartPolicy Always) keeps its last exit,
        // and the log of the instance attached to is the previous one.
        let status = pod.array_at(&["status", "containerStatuses"]).first();
        let terminated = status.and_then(|s| s.at(&["state", "terminated"]));
        let restarted = status.and_then(|s| s.at(&["lastState", "terminated"]));
        let previous = terminated.is_none() && restarted.is_some();
        let exited = terminated
            .or(restarted)
            .map(|t| t.i64_at(&["exitCode"]).unwrap_or(0));
        let log = podshell::logs(session, &pod, previous, false);
        for line in log.split_inclusive('\n').skip(self.printed) {
            out.out(line);
            self.printed += 1;
        }
        if let Some(code) = exited {
            self.exit_code = Some(i32::try_from(code).unwrap_or(1));
        }
        false
    }

    /// Ends the session early (Ctrl-C, `timeout`): `--rm` still deletes the pod.
    pub(crate) fn stop(self, session: &mut Session, out: &mut CommandOutput) {
        if self.remove {
            out.append(remove_run_pod(session, &self.namespace, &self.pod));
        }
    }
}

/// Deletes the pod of `kubectl run --rm` and prints kubectl's line.
pub fn remove_run_pod(session: &mut Session, ns: &str, name: &str) -> CommandOutput {
    let mut out = CommandOutput::default();
    let opts = DeleteOptions {
        grace_period_seconds: Some(0),
        ..DeleteOptions::default()
    };
    if session.sim.delete("pods", ns, name, &opts).is_ok() {
        if super::deleted_names_namespace(session) {
            out.outln(&format!("pod \"{name}\" deleted from {ns} namespace"));
        } else {
            out.outln(&format!("pod \"{name}\" deleted"));
        }
    }
    out
}

pub(super) const LOGS_SPECS: &[FlagSpec] = &[
    switch("follow", Some('f')),
    value("container", Some('c')),
    value("tail", None),
    switch("previous", Some('p')),
    switch("timestamps", None),
    value("selector", Some('l')),
    switch("all-containers", None),
    switch("prefix", None),
    value("max-log-requests", None),
    value("since", None),
    value("since-time", None),
];

const LOGS_USAGE: &str = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";

/// Lines `kubectl logs -l` shows of each container unless `--tail` says
/// otherwise (logs.go `selectorTail`).
const SELECTOR_TAIL: usize = 10;

/// Streams `kubectl logs -f -l` follows at once unless `--max-log-requests` says otherwise.
const DEFAULT_MAX_LOG_REQUESTS: i64 = 5;

/// One log request: a pod and one of its containers.
struct LogRequest {
    pod: Value,
    container: String,
}

/// `kubectl logs POD [CONTAINER]` and `kubectl logs -l SELECTOR`, with
/// `--all-containers`, `--prefix`, `--tail` (10 by default with a
/// selector) and `--max-log-requests`. Mirrors kubectl pkg/cmd/logs/logs.go
/// and polymorphichelpers/logsforobject.go; the pods of a selector are read
/// in name order (kubectl walks a Go map, in no fixed order).
#[inline(never)]
pub fn logs(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, LOGS_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("logs", &e, out),
    };
    let usage = |message: &str, out: &mut CommandOutput| {
        out.errln(&format!("error: {message}"));
        out.errln("See 'kubectl logs -h' for help and examples");
        out.exit_code = 1;
    };
    let selector = parsed.get("selector").unwrap_or("");
    let mut container = parsed.get("container").unwrap_or("").to_string();
    match parsed.args.len() {
        0 if selector.is_empty() => return usage(LOGS_USAGE, out),
        0 => {}
        1 if !selector.is_empty() => {
            return usage("only a selector (-l) or a POD name is allowed", out)
        }
        1 => {}
        2 => {
            if parsed.get("container").is_some() {
                return client_error(
                    "only one of -c or an inline [CONTAINER] arg is allowed",
                    out,
                );
            }
            container = parsed.args[1].clone();
        }
        _ => return usage(LOGS_USAGE, out),
    }
    let all_containers = parsed.has("all-containers");
    if all_containers && !container.is_empty() {
        return client_error(
            &format!(
                "--all-containers=true should not be specified with container name {container}"
            ),
            out,
        );
    }
    let tail = match parsed.get("tail").map(str::parse::<i64>) {
        None => None,
        Some(Ok(t)) if t < -1 => {
            return client_error("--tail must be greater than or equal to -1", out)
        }
        Some(Ok(t)) => Some(t),
        Some(Err(_)) => {
            let raw = parsed.get("tail").unwrap_or("");
            return flag_error(
                "logs",
                &format!("invalid argument \"{raw}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{raw}\": invalid syntax"),
                out,
            );
        }
    };
    let since_ms = match since_cutoff(session, &parsed, out) {
        Ok(cutoff) => cutoff,
        Err(()) => return,
    };
    let tail = match tail {
        None if !selector.is_empty() => Some(SELECTOR_TAIL),
        None | Some(-1) => None,
        Some(t) => usize::try_from(t).ok(),
    };
    let ns = namespace_of(&parsed);
    let pods = if selector.is_empty() {
        match pod_for_logs(session, &ns, &parsed.args[0], out) {
            Some(pod) => vec![pod],
            None => return,
        }
    } else {
        match session.sim.list("pods", Some(&ns), selector, "") {
            Ok(pods) if pods.is_empty() => {
                out.errln(&format!("No resources found in {ns} namespace."));
                return;
            }
            Ok(pods) => pods,
            Err(e) => return api_error(&e, out),
        }
    };
    let mut requests: Vec<LogRequest> = Vec::new();
    for pod in pods {
        let names: Vec<String> = pod
            .array_at(&["spec", "initContainers"])
            .iter()
            .chain(pod.array_at(&["spec", "containers"]))
            .map(|c| c.str_at(&["name"]).to_string())
            .collect();
        if all_containers {
            for name in names {
                requests.push(LogRequest {
                    pod: pod.clone(),
                    container: name,
                });
            }
            continue;
        }
        let chosen = if container.is_empty() {
            let first = pod
                .array_at(&["spec", "containers"])
                .first()
                .map_or("", |c| c.str_at(&["name"]))
                .to_string();
            if names.len() > 1 {
                out.errln(&format!(
                    "Defaulted container \"{first}\" out of: {}",
                    all_container_names(&pod)
                ));
            }
            first
        } else {
            container.clone()
        };
        if !names.contains(&chosen) {
            return client_error(
                &format!(
                    "container {chosen} is not valid for pod {} out of: {}",
                    crate::printers::name(&pod),
                    all_container_names(&pod)
                ),
                out,
            );
        }
        requests.push(LogRequest {
            pod,
            container: chosen,
        });
    }
    let max = parsed
        .get("max-log-requests")
        .and_then(|m| m.parse::<i64>().ok())
        .unwrap_or(DEFAULT_MAX_LOG_REQUESTS);
    if parsed.has("follow") && requests.len() > 1 && requests.len() as i64 > max {
        return client_error(
            &format!(
                "you are attempting to follow {} log streams, but maximum allowed concurrency is {max}, use --max-log-requests to increase the limit",
                requests.len()
            ),
            out,
        );
    }
    if parsed.has("follow") && !parsed.has("previous") && requests.len() == 1 {
        let request = &requests[0];
        let name = crate::printers::name(&request.pod).to_string();
        // The API server's answer when the container has not started.
        let total = match pod_log(
            session,
            &ns,
            &name,
            Some(&request.container),
            false,
            false,
            since_ms,
        ) {
            Ok(log) => log.split_inclusive('\n').count(),
            Err(e) => return api_error(&e, out),
        };
        let follow = LogFollow {
            namespace: ns.clone(),
            pod: name.clone(),
            container: request.container.clone(),
            restarts: container_restarts(&request.pod, &request.container),
            printed: tail.map_or(0, |t| total.saturating_sub(t)),
            timestamps: parsed.has("timestamps"),
            prefix: parsed
                .has("prefix")
                .then(|| format!("[pod/{name}/{}] ", request.container)),
        };
        return follow.run(session, out);
    }
    for request in requests {
        let name = crate::printers::name(&request.pod).to_string();
        let log = match pod_log(
            session,
            &ns,
            &name,
            Some(&request.container),
            parsed.has("previous"),
            parsed.has("timestamps"),
            since_ms,
        ) {
            Ok(log) => tail_lines(log, tail),
            Err(e) => return api_error(&e, out),
        };
        if parsed.has("prefix") {
            let prefix = format!("[pod/{name}/{}] ", request.container);
            for line in log.split_inclusive('\n') {
                out.out(&format!("{prefix}{line}"));
            }
        } else {
            out.out(&log);
        }
    }
}

/// `--since DURATION` / `--since-time RFC3339` as the earliest log time
/// kept (virtual ms), checked as kubectl's logs Complete/Validate do.
fn since_cutoff(
    session: &Session,
    parsed: &flags::Parsed,
    out: &mut CommandOutput,
) -> Result<Option<u64>, ()> {
    let since = match parsed.get("since") {
        None => None,
        Some(text) => match crate::duration::parse_go_duration(text) {
            Ok(ns) => Some(ns),
            Err(e) => {
                flag_error(
                    "logs",
                    &format!("invalid argument \"{text}\" for \"--since\" flag: {e}"),
                    out,
                );
                return Err(());
            }
        },
    };
    let since_time = parsed.get("since-time").filter(|t| !t.is_empty());
    if since_time.is_some() && since.is_some_and(|ns| ns != 0) {
        client_error(
            "at most one of `sinceTime` or `sinceSeconds` may be specified",
            out,
        );
        return Err(());
    }
    if let Some(text) = since_time {
        return match ordinal_core::clock::parse_rfc3339(text) {
            Some(at) => Ok(Some(at)),
            None => {
                client_error(
                    &format!("parsing time \"{text}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{text}\" as \"2006\""),
                    out,
                );
                Err(())
            }
        };
    }
    match since {
        Some(ns) if ns < 0 => {
            client_error("--since must be greater than 0", out);
            Err(())
        }
        // kubectl rounds the duration up to whole seconds.
        Some(ns) if ns > 0 => {
            let seconds = (ns as u64).div_ceil(1_000_000_000);
            Ok(Some(
                session
                    .sim
                    .now()
                    .saturating_sub(seconds.saturating_mul(1000)),
            ))
        }
        _ => Ok(None),
    }
}

/// The pod `kubectl logs NAME` or `TYPE/NAME` reads: the pod itself, or for
/// a workload or service the first of its pods in `podutils.ByLogging`
/// order (polymorphichelpers `AttachablePodForObject` / `GetFirstPod`),
/// saying which when there are several.
fn pod_for_logs(
    session: &Session,
    ns: &str,
    target: &str,
    out: &mut CommandOutput,
) -> Option<Value> {
    let (kind, name) = target.split_once('/').unwrap_or(("pods", target));
    let info = super::resolve(kind, out)?;
    let obj = match session.sim.get(info.plural, ns, name) {
        Ok(obj) => obj,
        Err(e) => {
            client_error(
                &format!(
                    "error from server ({}): {} in namespace \"{ns}\"",
                    e.reason.as_str(),
                    e.message
                ),
                out,
            );
            return None;
        }
    };
    let selector = match info.kind {
        "Pod" => return Some(obj),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => {
            obj.at(&["spec", "selector"]).cloned()
        }
        "Service" | "ReplicationController" => {
            let set = obj
                .at(&["spec", "selector"])
                .filter(|m| m.as_object().is_some_and(|m| !m.is_empty()));
            if set.is_none() && info.kind == "Service" {
                // polymorphichelpers.SelectorsForObject refuses a Service
                // without a selector rather than matching every pod.
                client_error(
                    &format!(
                        "cannot get the logs from *v1.Service: invalid service '{name}': Service is defined without a selector"
                    ),
                    out,
                );
                return None;
            }
            set.map(|m| Value::from([("matchLabels", m.clone())]))
        }
        other => {
            client_error(
                &format!("cannot get the logs from *v1.{other}: selector for *v1.{other} not implemented"),
                out,
            );
            return None;
        }
    };
    let selector = selector
        .and_then(|s| ordinal_model::labels::Selector::from_label_selector(&s).ok())
        .unwrap_or_default();
    let mut pods: Vec<Value> = session
        .sim
        .list("pods", Some(ns), "", "")
        .unwrap_or_default()
        .into_iter()
        .filter(|p| selector.matches(p.at(&["metadata", "labels"])))
        .collect();
    if pods.is_empty() {
        client_error("timed out waiting for the condition", out);
        return None;
    }
    ordinal_model::order::go_sort_by(&mut pods, by_logging);
    let found = pods.len();
    let first = pods.swap_remove(0);
    if found > 1 {
        out.errln(&format!(
            "Found {found} pods, using pod/{}",
            crate::printers::name(&first)
        ));
    }
    Some(first)
}

/// `podutils.ByLogging`: assigned before unassigned, Running before Unknown
/// before Pending, ready before not, ready longer before shorter, more
/// restarts before fewer, older before newer.
fn by_logging(a: &Value, b: &Value) -> bool {
    let node = |p: &Value| p.str_at(&["spec", "nodeName"]).to_string();
    let (na, nb) = (node(a), node(b));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return !na.is_empty();
    }
    let phase = |p: &Value| match p.str_at(&["status", "phase"]) {
        "Running" => 0,
        "Unknown" => 1,
        "Pending" => 2,
        _ => 3,
    };
    if phase(a) != phase(b) {
        return phase(a) < phase(b);
    }
    let ready = |p: &Value| {
        p.array_at(&["status", "conditions"])
            .iter()
            .find(|c| c.str_at(&["type"]) == "Ready")
            .filter(|c| c.str_at(&["status"]) == "True")
            .map(|c| c.str_at(&["lastTransitionTime"]).to_string())
    };
    let (ra, rb) = (ready(a), ready(b));
    if ra.is_some() != rb.is_some() {
        return ra.is_some();
    }
    // afterOrZero(t1, t2): t1 is zero, or after t2.
    let after_or_zero = |t1: &str, t2: &str| {
        if t1.is_empty() || t2.is_empty() {
            t1.is_empty()
        } else {
            t1 > t2
        }
    };
    if let (Some(ta), Some(tb)) = (&ra, &rb) {
        if ta != tb {
            return after_or_zero(tb, ta);
        }
    }
    let restarts = |p: &Value| {
        p.array_at(&["status", "containerStatuses"])
            .iter()
            .filter_map(|c| c.i64_at(&["restartCount"]))
            .max()
            .unwrap_or(0)
    };
    if restarts(a) != restarts(b) {
        return restarts(a) > restarts(b);
    }
    let created = |p: &Value| p.str_at(&["metadata", "creationTimestamp"]).to_string();
    let (ca, cb) = (created(a), created(b));
    ca != cb && after_or_zero(&cb, &ca)
}

/// The restart count of container `name` in `pod`'s status.
fn container_restarts(pod: &Value, name: &str) -> i64 {
    pod.array_at(&["status", "containerStatuses"])
        .iter()
        .find(|s| s.str_at(&["name"]) == name)
        .and_then(|s| s.i64_at(&["restartCount"]))
        .unwrap_or(0)
}

/// `kubectl logs -f POD`: the container's log, then each line as it is
/// written, until the container exits (or restarts) or the pod is gone.
#[derive(Debug, Clone)]
pub struct LogFollow {
    namespace: String,
    pod: String,
    container: String,
    /// The container's restart count when following began.
    restarts: i64,
    /// Lines printed (or skipped by `--tail`) so far.
    printed: usize,
    timestamps: bool,
    prefix: Option<String>,
}

impl LogFollow {
    /// Follows the first container of `pod` from the end of its log on
    /// (`kubectl attach`: only what it writes from now).
    pub(crate) fn from_now(session: &Session, pod: &Value) -> LogFollow {
        let container = pod
            .array_at(&["spec", "containers"])
            .first()
            .map_or("", |c| c.str_at(&["name"]))
            .to_string();
        LogFollow {
            namespace: pod.str_at(&["metadata", "namespace"]).to_string(),
            pod: pod.str_at(&["metadata", "name"]).to_string(),
            restarts: container_restarts(pod, &container),
            printed: podshell::logs(session, pod, false, false)
                .split_inclusive('\n')
                .count(),
            container,
            timestamps: false,
            prefix: None,
        }
    }

    /// Streams in a live terminal; elsewhere time runs on here until the
    /// container stops, the `timeout` ends it or nothing is left to happen.
    pub(crate) fn run(self, session: &mut Session, out: &mut CommandOutput) {
        if let Some(mut follow) = session.keep_following(self) {
            let started = session.sim.now();
            while !follow.poll(session, out) {
                if !watch::step(session, started) {
                    break;
                }
            }
        }
    }

    /// Prints the lines written since the last poll; true once the
    /// container has stopped.
    pub(crate) fn poll(&mut self, session: &mut Session, out: &mut CommandOutput) -> bool {
        let Some(pod) = session
            .sim
            .object("pods", &self.namespace, &self.pod)
            .cloned()
        else {
            return true;
        };
        let Some(view) = container_first(&pod, &self.container) else {
            return true;
        };
        let restarted = container_restarts(&pod, &self.container) != self.restarts;
        let running = !restarted
            && view
                .array_at(&["status", "containerStatuses"])
                .first()
                .is_some_and(|s| s.at(&["state", "running"]).is_some());
        let log = podshell::logs(session, &view, restarted, self.timestamps);
        for line in log.split_inclusive('\n').skip(self.printed) {
            match &self.prefix {
                Some(prefix) => out.out(&format!("{prefix}{line}")),
                None => out.out(line),
            }
            self.printed += 1;
        }
        !running
    }
}

/// The pod `name`, seen with its `-c` container first when one is named
/// (the flag says whether one was); `None`, reported as kubectl does, when
/// the pod or the named container does not exist. exec, attach and cp
/// share it.
pub(crate) fn pod_with_container(
    session: &Session,
    ns: &str,
    name: &str,
    container: Option<&str>,
    out: &mut CommandOutput,
) -> Option<(Value, bool)> {
    let pod = match session.sim.get("pods", ns, name) {
        Ok(p) => p,
        Err(e) => {
            api_error(&e, out);
            return None;
        }
    };
    let Some(wanted) = container.filter(|c| !c.is_empty()) else {
        return Some((pod, false));
    };
    match container_first(&pod, wanted) {
        Some(view) => Some((view, true)),
        None => {
            let names = all_container_names(&pod);
            client_error(
                &format!("container {wanted} is not valid for pod {name} out of: {names}"),
                out,
            );
            None
        }
    }
}

/// `podcmd.AllContainerNames` as kubectl v1.36 prints it: `app, init (init), debug (ephem)`.
pub(crate) fn all_container_names(pod: &Value) -> String {
    let mut names: Vec<String> = Vec::new();
    for c in pod.array_at(&["spec", "containers"]) {
        names.push(c.str_at(&["name"]).to_string());
    }
    for c in pod.array_at(&["spec", "initContainers"]) {
        names.push(format!("{} (init)", c.str_at(&["name"])));
    }
    for c in pod.array_at(&["spec", "ephemeralContainers"]) {
        names.push(format!("{} (ephem)", c.str_at(&["name"])));
    }
    names.join(", ")
}

/// `pod` seen with its container `name` (and that container's status)
/// first, the one the log helpers and the pod shell read; `None` when it
/// has no such container.
pub fn container_first(pod: &Value, name: &str) -> Option<Value> {
    let mut view = pod.clone();
    let is_named = |c: &Value| c.str_at(&["name"]) == name;
    // An init container is moved over from its own lists (logs and exec
    // reach init containers too).
    let init = !pod.array_at(&["spec", "containers"]).iter().any(is_named);
    for (from, to) in [
        (["spec", "initContainers"], ["spec", "containers"]),
        (
            ["status", "initContainerStatuses"],
            ["status", "containerStatuses"],
        ),
    ] {
        let found = init
            .then(|| pod.array_at(&from).iter().find(|c| is_named(c)).cloned())
            .flatten();
        let is_spec = from[0] == "spec";
        let Some(items) = view.at_mut(&to).and_then(Value::as_array_mut) else {
            continue;
        };
        match (found, items.iter().position(is_named)) {
            (Some(c), _) => items.insert(0, c),
            (None, Some(i)) => items[..=i].rotate_right(1),
            (None, None) if is_spec => return None,
            (None, None) => items.clear(),
        }
    }
    Some(view)
}

/// The last `tail` lines of `log` (`--tail` / `tailLines`; all for `None`).
pub fn tail_lines(log: String, tail: Option<usize>) -> String {
    let Some(n) = tail else {
        return log;
    };
    let lines: Vec<&str> = log.lines().collect();
    let skip = lines.len().saturating_sub(n);
    lines[skip..].iter().map(|l| format!("{l}\n")).collect()
}

/// The log the API server returns for `pods/NAME/log` (the named
/// container, else the pod's first; `previous` for the instance before the
/// last restart; `timestamps` to start each line with its time), or its
/// BadRequest when the container has not started.
pub fn pod_log(
    session: &Session,
    ns: &str,
    name: &str,
    container: Option<&str>,
    previous: bool,
    timestamps: bool,
    since_ms: Option<u64>,
) -> Result<String, ApiError> {
    let stamped = pod_log_text(
        session,
        ns,
        name,
        container,
        previous,
        timestamps || since_ms.is_some(),
    )?;
    let Some(cutoff) = since_ms else {
        return Ok(stamped);
    };
    // The kubelet keeps the lines written at or after the cutoff.
    let mut kept = String::new();
    for line in stamped.split_inclusive('\n') {
        let (stamp, text) = line.split_once(' ').unwrap_or((line, ""));
        if ordinal_core::clock::parse_rfc3339(stamp).is_some_and(|at| at >= cutoff) {
            kept.push_str(if timestamps { line } else { text });
        }
    }
    Ok(kept)
}

fn pod_log_text(
    session: &Session,
    ns: &str,
    name: &str,
    container: Option<&str>,
    previous: bool,
    timestamps: bool,
) -> Result<String, ApiError> {
    let pod = session.sim.get("pods", ns, name)?;
    let pod = match container.filter(|c| !c.is_empty()) {
        Some(wanted) => container_first(&pod, wanted).ok_or_else(|| {
            ApiError::bad_request(format!("container {wanted} is not valid for pod {name}"))
        })?,
        None => pod,
    };
    let status = pod
        .array_at(&["status", "containerStatuses"])
        .first()
        .cloned();
    let container = pod
        .array_at(&["spec", "containers"])
        .first()
        .map(|c| c.str_at(&["name"]).to_string())
        .unwrap_or_default();
    let waiting = status
        .as_ref()
        .map(|s| s.str_at(&["state", "waiting", "reason"]).to_string())
        .unwrap_or_else(|| "ContainerCreating".to_string());
    if let Some(dial) = session
        .sim
        .kubelet_dial_error(pod.str_at(&["spec", "nodeName"]))
    {
        let host = dial
            .split_whitespace()
            .nth(2)
            .unwrap_or_default()
            .trim_end_matches(':')
            .to_string();
        let query = if previous { "?previous=true" } else { "" };
        return Err(ApiError::unknown(format!(
            "Get \"https://{host}/containerLogs/{ns}/{name}/{container}{query}\": {dial}"
        )));
    }
    if previous
        && status
            .as_ref()
            .and_then(|s| s.at(&["lastState", "terminated"]))
            .is_none()
    {
        return Err(ApiError::bad_request(format!(
            "previous terminated container \"{container}\" in pod \"{name}\" not found"
        )));
    }
    // kubelet_pods.go validateContainerLogStatus: a waiting container
    // that ran before (CrashLoopBackOff) serves its last instance's log.
    let ran_before = status
        .as_ref()
        .is_some_and(|s| s.at(&["lastState", "terminated"]).is_some());
    if !previous
        && !ran_before
        && status
            .as_ref()
            .is_none_or(|s| s.at(&["state", "waiting"]).is_some())
    {
        let why = match waiting.as_str() {
            "ErrImagePull" => "image can't be pulled",
            "ImagePullBackOff" => "trying and failing to pull image",
            other => other,
        };
        return Err(ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: {why}"
        )));
    }
    Ok(if previous {
        // The previous instance's log: the same image's lines, from its start.
        let mut previous = pod.clone();
        let last = status
            .as_ref()
            .and_then(|s| s.at(&["lastState"]))
            .cloned()
            .unwrap_or_default();
        if let Some(first) = previous
            .at_mut(&["status", "containerStatuses"])
            .and_then(Value::as_array_mut)
            .and_then(|a| a.first_mut())
        {
            first.set(&["state"], last);
        }
        podshell::logs(session, &previous, true, timestamps)
    } else {
        podshell::logs(session, &pod, false, timestamps)
    })
}
