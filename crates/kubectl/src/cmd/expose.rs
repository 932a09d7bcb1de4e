//! `kubectl expose`: a Service for a pod, service, ReplicaSet or Deployment,
//! with the selector, labels, ports and protocols kubectl derives from the
//! object (kubectl pkg/cmd/expose/expose.go, polymorphichelpers
//! `canbeexposed.go`, `mapbasedselectorforobject.go`, `portsforobject.go`,
//! `protocolsforobject.go`, and the `ServiceGeneratorV2` port naming).

use ordinal_model::Value;

use super::flags::{self, value, FlagSpec};
use super::output;
use super::{api_error, client_error, flag_error, namespace_of, resolve};
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
    value("port", None),
    value("target-port", None),
    value("name", None),
    value("protocol", None),
    value("type", None),
    value("selector", None),
    value("labels", Some('l')),
    value("cluster-ip", None),
    value("external-ip", None),
    value("session-affinity", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("filename", Some('f')),
];

/// The pod spec whose containers give the ports (`PortsForObject`).
fn pod_spec(obj: &Value) -> Option<&Value> {
    match obj.str_at(&["kind"]) {
        "Pod" => obj.get("spec"),
        _ => obj.at(&["spec", "template", "spec"]),
    }
}

/// `port` → protocol of every container port, and the ports in order.
fn introspected_ports(obj: &Value) -> (Vec<String>, Vec<(String, String)>) {
    let mut ports = Vec::new();
    let mut protocols = Vec::new();
    if obj.str_at(&["kind"]) == "Service" {
        for p in obj.array_at(&["spec", "ports"]) {
            if let Some(n) = p.i64_at(&["port"]) {
                ports.push(n.to_string());
                protocols.push((n.to_string(), protocol_of(p)));
            }
        }
        return (ports, protocols);
    }
    for c in pod_spec(obj)
        .map(|s| s.array_at(&["containers"]))
        .unwrap_or(&[])
    {
        for p in c.array_at(&["ports"]) {
            if let Some(n) = p.i64_at(&["containerPort"]) {
                ports.push(n.to_string());
                protocols.push((n.to_string(), protocol_of(p)));
            }
        }
    }
    (ports, protocols)
}

fn protocol_of(port: &Value) -> String {
    match port.str_at(&["protocol"]) {
        "" => "TCP".to_string(),
        p => p.to_string(),
    }
}

/// `MapBasedSelectorForObject`.
fn selector_of(obj: &Value) -> Result<Value, String> {
    match obj.str_at(&["kind"]) {
        "Pod" => Ok(obj.at(&["metadata", "labels"]).cloned().unwrap_or_default()),
        "Service" => obj
            .at(&["spec", "selector"])
            .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))
            .cloned()
            .ok_or_else(|| "the service has no pod selector set".to_string()),
        _ => {
            if !obj
                .array_at(&["spec", "selector", "matchExpressions"])
                .is_empty()
            {
                return Err(format!(
                    "couldn't convert expressions - \"{}\" to map-based selector format",
                    ordinal_model::json::go_fmt_value(
                        obj.at(&["spec", "selector"]).unwrap_or(&Value::Null)
                    )
                ));
            }
            Ok(obj
                .at(&["spec", "selector", "matchLabels"])
                .cloned()
                .unwrap_or_default())
        }
    }
}

/// `k=v,k2=v2` from a flag into a map.
fn parse_map(text: &str) -> Value {
    let mut map = Value::object();
    for pair in text.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        map.set(&[k], Value::from(v));
    }
    map
}

/// Builds the Service `kubectl expose` would send.
fn service_for(obj: &Value, parsed: &flags::Parsed) -> Result<Value, String> {
    let selector = match parsed.get("selector") {
        Some(s) => parse_map(s),
        None => selector_of(obj).map_err(|e| {
            format!("couldn't retrieve selectors via --selector flag or introspection: {e}")
        })?,
    };
    let (introspected, protocols) = introspected_ports(obj);
    let ports: Vec<String> = match parsed.get("port") {
        Some(p) => p.split(',').map(str::to_string).collect(),
        None => introspected,
    };
    if ports.is_empty() {
        return Err("couldn't find port via --port flag or introspection".to_string());
    }
    let target = parsed.get("target-port").map(|t| match t.parse::<i64>() {
        Ok(n) => Value::Int(n),
        Err(_) => Value::from(t),
    });
    let mut service_ports = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let number = port
            .parse::<i64>()
            .map_err(|_| format!("strconv.Atoi: parsing \"{port}\": invalid syntax"))?;
        let protocol = match parsed.get("protocol") {
            Some(p) => p.to_string(),
            None => protocols
                .iter()
                .find(|(p, _)| p == port)
                .map_or("TCP".to_string(), |(_, proto)| proto.clone()),
        };
        let mut sp = Value::object();
        if ports.len() > 1 {
            sp.set(&["name"], Value::from(format!("port-{}", i + 1)));
        }
        sp.set(&["port"], Value::Int(number));
        sp.set(&["protocol"], Value::from(protocol));
        sp.set(
            &["targetPort"],
            target.clone().unwrap_or(Value::Int(number)),
        );
        service_ports.push(sp);
    }
    let name = parsed
        .get("name")
        .unwrap_or_else(|| obj.str_at(&["metadata", "name"]));
    let labels = match parsed.get("labels") {
        Some(l) => parse_map(l),
        None => obj.at(&["metadata", "labels"]).cloned().unwrap_or_default(),
    };
    let mut svc = Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("Service")),
    ]);
    if labels.as_object().is_some_and(|m| !m.is_empty()) {
        svc.set(&["metadata", "labels"], labels);
    }
    svc.set(&["metadata", "name"], Value::from(name));
    svc.set(&["spec", "ports"], Value::Array(service_ports));
    svc.set(&["spec", "selector"], selector);
    if let Some(t) = parsed.get("type") {
        svc.set(&["spec", "type"], Value::from(t));
    }
    if let Some(ip) = parsed.get("cluster-ip") {
        svc.set(&["spec", "clusterIP"], Value::from(ip));
    }
    if let Some(a) = parsed.get("session-affinity") {
        svc.set(&["spec", "sessionAffinity"], Value::from(a));
    }
    if let Some(ip) = parsed.get("external-ip").filter(|ip| !ip.is_empty()) {
        svc.set(&["spec", "externalIPs"], Value::from(vec![Value::from(ip)]));
    }
    Ok(svc)
}

/// `kubectl expose TYPE NAME`.
#[inline(never)]
pub fn expose(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("expose", &e, out),
    };
    let format = match output::object_format(session, &parsed) {
        Ok(f) => f,
        Err(e) => return client_error(&e, out),
    };
    let Some(first) = parsed.args.first() else {
        return client_error(super::NO_RESOURCES, out);
    };
    let (kind, name) = match first.split_once('/') {
        Some((k, n)) => (k.to_string(), Some(n.to_string())),
        None => (first.clone(), parsed.args.get(1).cloned()),
    };
    let Some(info) = resolve(&kind, out) else {
        return;
    };
    let Some(name) = name else {
        return client_error("resource(s) were provided, but no name was specified", out);
    };
    let ns = namespace_of(&parsed);
    let obj = match session.sim.get(info.plural, &ns, &name) {
        Ok(o) => o,
        Err(e) => return api_error(&e, out),
    };
    if !matches!(
        info.kind,
        "Pod" | "Service" | "ReplicaSet" | "Deployment" | "ReplicationController"
    ) {
        let group = if info.group.is_empty() {
            String::new()
        } else {
            format!(".{}", info.group)
        };
        return client_error(&format!("cannot expose a {}{group}", info.kind), out);
    }
    let svc = match service_for(&obj, &parsed) {
        Ok(s) => s,
        Err(e) => return client_error(&e, out),
    };
    let dry_run = match output::dry_run(&parsed) {
        Ok(d) => d,
        Err(e) => return client_error(&e, out),
    };
    let output = format.as_deref();
    if dry_run.is_some() {
        let mut shown = svc;
        shown.set(&["status", "loadBalancer"], Value::object());
        return output::print_typed_result(output, dry_run, "service", &shown, "exposed", out);
    }
    match session.sim.create("services", &ns, svc) {
        Ok(created) => {
            output::print_typed_result(output, None, "service", &created, "exposed", out)
        }
        Err(e) => api_error(&e, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> Value {
        ordinal_model::yaml::parse_stream(
            "kind: Pod\nmetadata: {name: db-0, labels: {app: db, pod: db-0}}\nspec:\n  containers:\n  - name: redis\n    ports: [{containerPort: 6379}, {containerPort: 6380, protocol: UDP}]\n",
        )
        .docs
        .remove(0)
        .value
    }

    #[test]
    fn several_ports_are_named_and_keep_their_protocols() {
        let svc = service_for(&pod(), &flags::Parsed::default()).unwrap();
        let ports = svc.array_at(&["spec", "ports"]);
        assert_eq!(ports.len(), 2);
        assert_eq!(ports[0].str_at(&["name"]), "port-1");
        assert_eq!(ports[1].str_at(&["protocol"]), "UDP");
        assert_eq!(ports[1].i64_at(&["targetPort"]), Some(6380));
        assert_eq!(svc.str_at(&["spec", "selector", "pod"]), "db-0");
        assert_eq!(svc.str_at(&["metadata", "labels", "app"]), "db");
    }
}
