//! Probe scenarios: readiness gating Ready and StatefulSet progress, liveness
//! restarts, thresholds, startup gating, and the kubelet's event texts.

use ordinal_core::kubelet::script::{sleep_ms, ShellEnd, ShellRun};
use ordinal_core::{Sim, SimConfig, Value};

fn container(image: &str, ports: &[(&str, i64)]) -> Value {
    let ports: Vec<Value> = ports
        .iter()
        .map(|(n, p)| Value::from([("containerPort", Value::Int(*p)), ("name", Value::from(*n))]))
        .collect();
    let mut c = Value::from([("name", Value::from("app")), ("image", Value::from(image))]);
    if !ports.is_empty() {
        c.set(&["ports"], Value::from(ports));
    }
    c
}

fn http_probe(port: Value, path: &str, delay: i64, period: i64) -> Value {
    Value::from([
        (
            "httpGet",
            Value::from([("path", Value::from(path)), ("port", port)]),
        ),
        ("initialDelaySeconds", Value::Int(delay)),
        ("periodSeconds", Value::Int(period)),
    ])
}

fn pod(name: &str, c: Value) -> Value {
    let mut p = Value::object();
    p.set(&["apiVersion"], "v1".into());
    p.set(&["kind"], "Pod".into());
    p.set(&["metadata", "name"], name.into());
    p.set(&["spec", "containers"], Value::from(vec![c]));
    p
}

fn start(c: Value) -> Sim {
    let mut sim = Sim::new(SimConfig::default());
    sim.create("pods", "default", pod("p", c)).expect("created");
    sim
}

fn condition(sim: &Sim, kind: &str) -> String {
    let p = sim.get("pods", "default", "p").expect("pod");
    p.array_at(&["status", "conditions"])
        .iter()
        .find(|c| c.str_at(&["type"]) == kind)
        .map(|c| c.str_at(&["status"]).to_string())
        .unwrap_or_default()
}

fn container_status(sim: &Sim, field: &str) -> Value {
    let p = sim.get("pods", "default", "p").expect("pod");
    p.at(&["status", "containerStatuses"])
        .and_then(|s| s.as_array())
        .and_then(|s| s.first())
        .and_then(|c| c.get(field))
        .cloned()
        .unwrap_or_default()
}

/// (reason, message, count) of the pod's events, oldest first.
fn events(sim: &Sim) -> Vec<(String, String, i64)> {
    sim.events_for("Pod", "default", "p")
        .iter()
        .map(|e| {
            (
                e.str_at(&["reason"]).to_string(),
                e.str_at(&["message"]).to_string(),
                e.i64_at(&["count"]).unwrap_or(0),
            )
        })
        .collect()
}

/// Advances to `ms` after the container started.
fn advance_to(sim: &mut Sim, since: u64, ms: u64) {
    let target = since + ms;
    if target > sim.now() {
        sim.advance(target - sim.now());
    }
}

/// Steps from event to event until the pod is bound; returns when the
/// kubelet's first sync of it starts its probe workers' tickers.
fn wait_admitted(sim: &mut Sim) -> u64 {
    for _ in 0..200 {
        let p = sim.get("pods", "default", "p").expect("pod");
        if !p.str_at(&["spec", "nodeName"]).is_empty() {
            return sim.now() + ordinal_core::timing::KUBELET_ADMIT_MS;
        }
        let next = sim.next_event_at().expect("something is pending");
        sim.advance(next - sim.now());
    }
    panic!("pod never admitted");
}

/// The first tick at or after `t` of a worker ticking every `period` ms from `origin`.
fn tick(origin: u64, period: u64, t: u64) -> u64 {
    origin + (t - origin).div_ceil(period) * period
}

/// Steps from event to event until the container runs; returns that instant.
fn wait_running(sim: &mut Sim) -> u64 {
    for _ in 0..200 {
        if container_status(sim, "state").get("running").is_some() {
            return sim.now();
        }
        let next = sim.next_event_at().expect("something is pending");
        sim.advance(next - sim.now());
    }
    panic!("container never ran");
}

#[test]
fn readiness_on_a_named_port_passes_on_the_first_tick_after_the_initial_delay() {
    let mut c = container("nginx:1.27", &[("web", 80)]);
    c.set(
        &["readinessProbe"],
        http_probe(Value::from("web"), "/", 5, 10),
    );
    let mut sim = start(c);
    let origin = wait_admitted(&mut sim);
    let since = wait_running(&mut sim);
    let ready_at = tick(origin, 10_000, since + 5_000);
    assert!(
        ready_at > since + 5_000,
        "the ticker started before the container"
    );
    sim.advance(ready_at - 1 - sim.now());
    assert_eq!(
        condition(&sim, "Ready"),
        "False",
        "the triggers at start fell within initialDelaySeconds; the worker waits for its tick"
    );
    assert_eq!(container_status(&sim, "started"), Value::Bool(true));
    sim.advance(1);
    assert_eq!(condition(&sim, "Ready"), "True");
    assert!(events(&sim).iter().all(|e| e.0 != "Unhealthy"));
}

#[test]
fn readiness_on_an_undeclared_port_never_passes_and_reports_each_failure() {
    let mut c = container("nginx:1.27", &[("web", 80)]);
    c.set(
        &["readinessProbe"],
        http_probe(Value::Int(8080), "/", 0, 10),
    );
    let mut sim = start(c);
    let origin = wait_admitted(&mut sim);
    let since = wait_running(&mut sim);
    advance_to(&mut sim, since, 60_000);
    assert_eq!(condition(&sim, "Ready"), "False");
    assert_eq!(container_status(&sim, "restartCount"), Value::Int(0));
    let ticks = (since + 60_000 - tick(origin, 10_000, since + 1_001)) / 10_000 + 1;
    let ip = sim
        .get("pods", "default", "p")
        .expect("pod")
        .str_at(&["status", "podIP"])
        .to_string();
    let unhealthy: Vec<_> = events(&sim)
        .into_iter()
        .filter(|e| e.0 == "Unhealthy")
        .collect();
    assert_eq!(
        unhealthy,
        vec![(
            "Unhealthy".to_string(),
            format!("Readiness probe failed: Get \"http://{ip}:8080/\": dial tcp {ip}:8080: connect: connection refused"),
            2 + ticks as i64
        )],
        "one aggregated event: two failures when the kubelet first sees the container \
         (its status update, then the sync the initial result causes), one per tick after"
    );
    assert_eq!(
        sim.next_event_at(),
        None,
        "a probe that can never pass does not keep the cluster busy"
    );
}

#[test]
fn a_missing_port_name_is_a_probe_error() {
    let mut c = container("nginx:1.27", &[]);
    c.set(
        &["readinessProbe"],
        http_probe(Value::from("http"), "/", 0, 10),
    );
    let mut sim = start(c);
    let since = wait_running(&mut sim);
    advance_to(&mut sim, since, 2_000);
    assert_eq!(condition(&sim, "Ready"), "False");
    assert!(events(&sim).iter().any(|e| e.1
        == "Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing \"http\": invalid syntax"));
}

#[test]
fn liveness_failures_restart_the_container_after_the_failure_threshold() {
    let mut c = container("nginx:1.27", &[("web", 80)]);
    c.set(
        &["livenessProbe"],
        http_probe(Value::Int(80), "/healthz", 3, 5),
    );
    let mut sim = start(c);
    let origin = wait_admitted(&mut sim);
    let since = wait_running(&mut sim);
    let third = tick(origin, 5_000, since + 3_000) + 10_000;
    sim.advance(third - 1 - sim.now());
    assert_eq!(container_status(&sim, "restartCount"), Value::Int(0));
    let evs = events(&sim);
    assert!(evs.contains(&(
        "Unhealthy".into(),
        "Liveness probe failed: HTTP probe failed with statuscode: 404".into(),
        2
    )));
    sim.advance(1);
    assert!(events(&sim).iter().any(
        |e| e.0 == "Killing" && e.1 == "Container app failed liveness probe, will be restarted"
    ));
    advance_to(&mut sim, third, 7_000);
    assert_eq!(container_status(&sim, "restartCount"), Value::Int(1));
    assert!(container_status(&sim, "lastState")
        .get("terminated")
        .is_some());
    assert_eq!(
        condition(&sim, "Ready"),
        "True",
        "no readiness probe: ready while running"
    );
}

fn exec_probe(cmd: &[&str], period: i64, failure_threshold: i64, success_threshold: i64) -> Value {
    Value::from([
        (
            "exec",
            Value::from([(
                "command",
                Value::from(cmd.iter().map(|w| Value::from(*w)).collect::<Vec<_>>()),
            )]),
        ),
        ("periodSeconds", Value::Int(period)),
        ("failureThreshold", Value::Int(failure_threshold)),
        ("successThreshold", Value::Int(success_threshold)),
    ])
}

/// A stand-in for the host's in-pod shell: `sh -c` scripts of `touch`,
/// `rm -f`, `cat` and `sleep` joined with `;`.
fn tiny_shell(sim: &mut Sim, pod: &Value, argv: &[String], script: bool) -> Option<ShellRun> {
    let text = match argv.first().map(String::as_str) {
        Some("/bin/sh" | "sh") => argv.get(2).cloned().unwrap_or_default(),
        _ => argv.join(" "),
    };
    let mut output = String::new();
    let mut code = 0;
    let commands: Vec<&str> = text.split(';').map(str::trim).collect();
    for (i, command) in commands.iter().enumerate() {
        let words: Vec<&str> = command.split_whitespace().collect();
        let path = words.last().copied().unwrap_or_default();
        let key = sim.volume_key(pod, path).0;
        code = 0;
        match words.first().copied() {
            Some("touch") => sim.write_file(&key, path, "", true),
            Some("rm") => {
                sim.remove_files(&key, path, false);
            }
            Some("cat") if sim.file(&key, path).is_none() => {
                output.push_str(&format!(
                    "cat: can't open '{path}': No such file or directory\n"
                ));
                code = 1;
            }
            Some("sleep") if script => {
                let rest = vec!["sh".into(), "-c".into(), commands[i + 1..].join(";")];
                let end = ShellEnd::Sleep(sleep_ms(words.get(1).copied()), rest);
                return Some(ShellRun { output, end });
            }
            _ => {}
        }
    }
    Some(ShellRun {
        output,
        end: ShellEnd::Exited(code),
    })
}

#[test]
fn readiness_thresholds_follow_the_file_the_container_removes() {
    let mut c = container("busybox:1.36", &[]);
    c.set(
        &["args"],
        Value::from(vec![
            Value::from("/bin/sh"),
            Value::from("-c"),
            Value::from("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"),
        ]),
    );
    c.set(
        &["readinessProbe"],
        exec_probe(&["cat", "/tmp/healthy"], 5, 2, 2),
    );
    let mut sim = Sim::new(SimConfig::default());
    sim.set_container_shell(tiny_shell);
    sim.create("pods", "default", pod("p", c)).expect("created");
    let origin = wait_admitted(&mut sim);
    let since = wait_running(&mut sim);
    advance_to(&mut sim, since, 1_000);
    assert_eq!(
        condition(&sim, "Ready"),
        "False",
        "successThreshold 2: one pass is not enough"
    );
    let second = tick(origin, 5_000, since + 1_001);
    sim.advance(second - sim.now());
    assert_eq!(condition(&sim, "Ready"), "True");
    let first_failure = tick(origin, 5_000, since + 30_000);
    sim.advance(first_failure - sim.now());
    assert_eq!(
        condition(&sim, "Ready"),
        "True",
        "failureThreshold 2: one failure is not enough"
    );
    sim.advance(5_000);
    assert_eq!(condition(&sim, "Ready"), "False");
    assert!(
        events(&sim).contains(&(
            "Unhealthy".into(),
            "Readiness probe failed: cat: can't open '/tmp/healthy': No such file or directory"
                .into(),
            3
        )),
        "the flip to not ready syncs the pod, which runs the readiness probe once more"
    );
}

#[test]
fn a_startup_probe_holds_back_started_and_ready() {
    let mut c = container("example.com/team/app:v2", &[]);
    c.set(&["startupProbe"], http_probe(Value::Int(8080), "/", 0, 2));
    c.set(
        &["readinessProbe"],
        http_probe(Value::Int(8080), "/", 0, 10),
    );
    let mut sim = start(c);
    let origin = wait_admitted(&mut sim);
    let since = wait_running(&mut sim);
    // The app listens 2s after start; the startup probe passes on the first
    // tick of its 2s ticker after that.
    let started_at = tick(origin, 2_000, since + 2_000);
    sim.advance(started_at - 1 - sim.now());
    assert_eq!(container_status(&sim, "started"), Value::Bool(false));
    assert_eq!(condition(&sim, "Ready"), "False");
    sim.advance(1);
    assert_eq!(container_status(&sim, "started"), Value::Bool(true));
    assert_eq!(
        condition(&sim, "Ready"),
        "True",
        "the status update of the start triggers the readiness probe at once"
    );
}

#[test]
fn ordered_ready_waits_for_the_readiness_probe_of_each_pod() {
    let mut sim = Sim::new(SimConfig::default());
    let mut set = Value::object();
    set.set(&["apiVersion"], "apps/v1".into());
    set.set(&["kind"], "StatefulSet".into());
    set.set(&["metadata", "name"], "web".into());
    set.set(&["spec", "replicas"], Value::Int(2));
    set.set(&["spec", "selector", "matchLabels", "app"], "web".into());
    set.set(
        &["spec", "template", "metadata", "labels", "app"],
        "web".into(),
    );
    let mut c = container("nginx:1.27", &[("web", 80)]);
    c.set(&["readinessProbe"], http_probe(Value::Int(80), "/", 20, 10));
    set.set(
        &["spec", "template", "spec", "containers"],
        Value::from(vec![c]),
    );
    sim.create("statefulsets", "default", set).expect("created");
    sim.advance(15_000);
    assert!(
        sim.get("pods", "default", "web-1").is_err(),
        "web-0 is not ready yet"
    );
    sim.advance(16_000);
    assert!(
        sim.get("pods", "default", "web-1").is_ok(),
        "web-0 became ready on its worker's first tick after 20s (about 30s)"
    );
}

#[test]
fn a_deleted_pod_reports_a_terminal_phase_before_it_disappears() {
    let mut sim = start(container("nginx:1.27", &[("web", 80)]));
    wait_running(&mut sim);
    sim.advance(5_000);
    sim.delete("pods", "default", "p", &Default::default())
        .expect("deleted");
    let mut phases: Vec<(String, String)> = Vec::new();
    for _ in 0..100 {
        let Ok(p) = sim.get("pods", "default", "p") else {
            break;
        };
        let phase = p.str_at(&["status", "phase"]).to_string();
        let reason = container_status(&sim, "state")
            .str_at(&["terminated", "reason"])
            .to_string();
        if phases.last() != Some(&(phase.clone(), reason.clone())) {
            phases.push((phase, reason));
        }
        let Some(next) = sim.next_event_at() else {
            break;
        };
        sim.advance(next - sim.now());
    }
    assert_eq!(
        phases,
        [
            ("Running".to_string(), String::new()),
            ("Succeeded".to_string(), "Completed".to_string())
        ],
        "Terminating while running, then Succeeded (kubectl: Completed), then gone"
    );
    assert!(sim.get("pods", "default", "p").is_err());
}

#[test]
fn an_exec_probe_slower_than_its_timeout_fails_when_the_timeout_runs_out() {
    let mut c = container("busybox:1.36", &[]);
    c.set(
        &["command"],
        Value::from(vec![Value::from("sleep"), Value::from("3600")]),
    );
    c.set(&["livenessProbe"], exec_probe(&["sleep", "5"], 10, 3, 1));
    let mut sim = start(c);
    let origin = wait_admitted(&mut sim);
    let since = wait_running(&mut sim);
    let first = tick(origin, 10_000, since + 1_000);
    sim.advance(first + 999 - sim.now());
    assert!(
        events(&sim).iter().all(|e| e.0 != "Unhealthy"),
        "the probe is still running"
    );
    sim.advance(1);
    assert!(events(&sim).contains(&(
        "Unhealthy".into(),
        "Liveness probe failed: command \"sleep 5\" timed out".into(),
        1
    )));
    sim.advance(first + 21_000 - sim.now());
    assert!(events(&sim).iter().any(
        |e| e.0 == "Killing" && e.1 == "Container app failed liveness probe, will be restarted"
    ));
}

#[test]
fn nginx_serving_an_empty_volume_fails_readiness_until_a_page_is_written() {
    let mut c = container("nginx:1.27", &[("http", 80)]);
    c.set(
        &["readinessProbe"],
        http_probe(Value::from("http"), "/", 0, 5),
    );
    c.set(
        &["volumeMounts"],
        Value::from(vec![Value::from([
            ("name", Value::from("html")),
            ("mountPath", Value::from("/usr/share/nginx/html")),
        ])]),
    );
    let mut p = pod("p", c);
    p.set(
        &["spec", "volumes"],
        Value::from(vec![Value::from([
            ("name", Value::from("html")),
            ("emptyDir", Value::object()),
        ])]),
    );
    let mut sim = Sim::new(SimConfig::default());
    sim.create("pods", "default", p).expect("created");
    sim.advance(30_000);
    assert_eq!(condition(&sim, "Ready"), "False");
    assert!(events(&sim)
        .iter()
        .any(|(reason, message, _)| reason == "Unhealthy"
            && message == "Readiness probe failed: HTTP probe failed with statuscode: 403"));
    let pod = sim.get("pods", "default", "p").expect("pod");
    let path = "/usr/share/nginx/html/index.html";
    let (key, _) = sim.volume_key(&pod, path);
    sim.write_file(&key, path, "hello\n", false);
    sim.advance(6_000);
    assert_eq!(condition(&sim, "Ready"), "True");
}
