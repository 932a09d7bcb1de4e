//! Readiness as the prober manager would report it (pkg/kubelet/prober).
//!
//! Documented model: an httpGet / tcpSocket / grpc probe succeeds once the
//! container has run [`timing::APP_WARMUP_MS`] if its port is a declared
//! containerPort (by number or name), and never otherwise; an exec probe
//! succeeds unless its command runs `false` or `exit 1`. Probes run at
//! `initialDelaySeconds` and then every `periodSeconds`; a container without
//! a readiness probe is ready as soon as it runs (and its startup probe, if
//! any, passed under the same model).

use ordinal_model::Value;

use super::{PodRuntime, Stage};
use crate::sim::Sim;
use crate::timing;

fn port_declared(container: &Value, port: Option<&Value>) -> bool {
    let ports = container.array_at(&["ports"]);
    match port {
        Some(Value::Int(n)) => ports
            .iter()
            .any(|p| p.i64_at(&["containerPort"]) == Some(*n)),
        Some(Value::String(s)) => match s.parse::<i64>() {
            Ok(n) => ports
                .iter()
                .any(|p| p.i64_at(&["containerPort"]) == Some(n)),
            Err(_) => ports.iter().any(|p| p.str_at(&["name"]) == s),
        },
        _ => false,
    }
}

/// Milliseconds after start when the probe first can succeed; `None` = never.
fn success_delay(container: &Value, probe: &Value) -> Option<u64> {
    if let Some(h) = probe
        .get("httpGet")
        .or_else(|| probe.get("tcpSocket"))
        .or_else(|| probe.get("grpc"))
    {
        return port_declared(container, h.get("port")).then_some(timing::APP_WARMUP_MS);
    }
    if let Some(cmd) = probe.at(&["exec", "command"]).and_then(Value::as_array) {
        let text: Vec<&str> = cmd.iter().filter_map(Value::as_str).collect();
        let joined = text.join(" ");
        let fails = text.first() == Some(&"false") || joined.contains("exit 1");
        return (!fails).then_some(0);
    }
    Some(0)
}

/// When a probe first succeeds for a container running since `since`.
fn probe_success_at(container: &Value, probe: &Value, since: u64) -> Option<u64> {
    let delay = success_delay(container, probe)?;
    let initial = probe.i64_at(&["initialDelaySeconds"]).unwrap_or(0).max(0) as u64 * 1000;
    let period = probe
        .i64_at(&["periodSeconds"])
        .unwrap_or(timing::PROBE_PERIOD_DEFAULT_S)
        .max(1) as u64
        * 1000;
    let mut at = since + initial;
    while at < since + delay {
        at += period;
    }
    Some(at)
}

/// When a container running since `since` becomes ready; `None` = never.
pub(crate) fn ready_at(container: &Value, since: u64) -> Option<u64> {
    let started = match container.get("startupProbe") {
        Some(p) => probe_success_at(container, p, since)?,
        None => since,
    };
    match container.get("readinessProbe") {
        Some(p) => probe_success_at(container, p, started).map(|t| t.max(started)),
        None => Some(started),
    }
}

impl Sim {
    /// The next time a running container turns ready.
    pub(crate) fn readiness_wake(&self, pod: &Value, rt: &PodRuntime) -> Option<(u64, bool)> {
        let specs = pod.array_at(&["spec", "containers"]);
        rt.containers
            .iter()
            .zip(specs)
            .filter_map(|(c, spec)| match c.stage {
                Stage::Running { since } => ready_at(spec, since).filter(|t| *t > self.now),
                _ => None,
            })
            .min()
            .map(|t| (t, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_on_declared_ports_pass_after_warm_up() {
        let c = Value::from([
            (
                "ports",
                Value::from(vec![Value::from([
                    ("containerPort", Value::Int(80)),
                    ("name", Value::from("web")),
                ])]),
            ),
            (
                "readinessProbe",
                Value::from([
                    ("httpGet", Value::from([("port", Value::from("web"))])),
                    ("periodSeconds", Value::Int(5)),
                ]),
            ),
        ]);
        assert_eq!(ready_at(&c, 1_000), Some(6_000));
        let mut bad = c.clone();
        bad.set(&["readinessProbe", "httpGet", "port"], Value::Int(8080));
        assert_eq!(ready_at(&bad, 1_000), None);
        assert_eq!(ready_at(&Value::object(), 1_000), Some(1_000));
    }
}
