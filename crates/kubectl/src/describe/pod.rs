//! `describe pod` and the container / volume blocks shared with pod
//! templates (`describePod`, `describeContainers`, `describeVolumes`,
//! `DescribePodTemplate` in kubectl pkg/describe/describe.go).

use ordinal_model::Value;

use super::{
    annotations_multiline, controlled_by, events, labels_multiline, multiline, rfc1123z, Context,
    Writer,
};

fn ports(container: &Value, host: bool) -> String {
    let ports: Vec<String> = container
        .array_at(&["ports"])
        .iter()
        .map(|p| {
            let number = if host {
                p.i64_at(&["hostPort"]).unwrap_or(0)
            } else {
                p.i64_at(&["containerPort"]).unwrap_or(0)
            };
            let protocol = match p.str_at(&["protocol"]) {
                "" => "TCP",
                x => x,
            };
            match p.str_at(&["name"]) {
                "" => format!("{number}/{protocol}"),
                name => format!("{number}/{protocol} ({name})"),
            }
        })
        .collect();
    ports.join(", ")
}

fn state(w: &mut Writer, title: &str, state: &Value, ctx: &Context) {
    if let Some(running) = state.get("running") {
        w.line(2, &format!("{title}:\tRunning"));
        w.line(
            3,
            &format!("Started:\t{}", rfc1123z(running.str_at(&["startedAt"]))),
        );
    } else if let Some(waiting) = state.get("waiting") {
        w.line(2, &format!("{title}:\tWaiting"));
        let reason = waiting.str_at(&["reason"]);
        if !reason.is_empty() {
            w.line(3, &format!("Reason:\t{reason}"));
        }
    } else if let Some(t) = state.get("terminated") {
        w.line(2, &format!("{title}:\tTerminated"));
        let reason = t.str_at(&["reason"]);
        if !reason.is_empty() {
            w.line(3, &format!("Reason:\t{reason}"));
        }
        let message = t.str_at(&["message"]);
        if !message.is_empty() {
            w.line(3, &format!("Message:\t{message}"));
        }
        w.line(
            3,
            &format!("Exit Code:\t{}", t.i64_at(&["exitCode"]).unwrap_or(0)),
        );
        if let Some(signal) = t.i64_at(&["signal"]).filter(|s| *s > 0) {
            w.line(3, &format!("Signal:\t{signal}"));
        }
        w.line(
            3,
            &format!("Started:\t{}", rfc1123z(t.str_at(&["startedAt"]))),
        );
        w.line(
            3,
            &format!("Finished:\t{}", rfc1123z(t.str_at(&["finishedAt"]))),
        );
    } else {
        w.line(2, &format!("{title}:\tWaiting"));
    }
    let _ = ctx;
}

fn probe(w: &mut Writer, title: &str, probe: &Value) {
    let how = if let Some(http) = probe.get("httpGet") {
        let port = match http.get("port") {
            Some(Value::Int(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        let scheme = match http.str_at(&["scheme"]) {
            "" => "http".to_string(),
            s => s.to_lowercase(),
        };
        format!(
            "http-get {scheme}://{}:{port}{}",
            http.str_at(&["host"]),
            http.str_at(&["path"])
        )
    } else if let Some(tcp) = probe.get("tcpSocket") {
        let port = match tcp.get("port") {
            Some(Value::Int(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        format!("tcp-socket :{port}")
    } else if let Some(exec) = probe.get("exec") {
        let command: Vec<&str> = exec
            .array_at(&["command"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        format!("exec [{}]", command.join(" "))
    } else {
        "unknown".to_string()
    };
    let num = |k: &str, d: i64| probe.i64_at(&[k]).unwrap_or(d);
    w.line(
        2,
        &format!(
            "{title}:\t{how} delay={}s timeout={}s period={}s #success={} #failure={}",
            num("initialDelaySeconds", 0),
            num("timeoutSeconds", 1),
            num("periodSeconds", 10),
            num("successThreshold", 1),
            num("failureThreshold", 3)
        ),
    );
}

/// A pod's value of a `fieldRef` path as kubectl resolves it
/// (`EnvValueRetriever`): kubectl's scheme has no field-label conversions
/// for pods, so `ConvertFieldLabel` accepts only `metadata.name` and
/// `metadata.namespace`; every other path (labels, `status.podIP`...)
/// prints empty.
fn field_path_value(pod: &Value, path: &str) -> String {
    match path {
        "metadata.name" | "metadata.namespace" => {
            let parts: Vec<&str> = path.split('.').collect();
            pod.str_at(&parts).to_string()
        }
        _ => String::new(),
    }
}

/// The line under `Environment:` of a variable set `valueFrom`
/// (`describeContainerEnvVars`): a pod resolves its `fieldRef`s
/// (`EnvValueRetriever`), a template leaves them empty.
fn value_from_line(name: &str, from: &Value, pod: Option<&Value>) -> String {
    let optional = |r: &Value| r.at(&["optional"]).and_then(Value::as_bool) == Some(true);
    if let Some(f) = from.get("fieldRef") {
        let path = f.str_at(&["fieldPath"]);
        let value = pod.map(|p| field_path_value(p, path)).unwrap_or_default();
        format!("{name}:\t{value} ({}:{path})", f.str_at(&["apiVersion"]))
    } else if let Some(r) = from.get("resourceFieldRef") {
        format!("{name}:\t ({})", r.str_at(&["resource"]))
    } else if let Some(r) = from.get("secretKeyRef") {
        format!(
            "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}",
            r.str_at(&["key"]),
            r.str_at(&["name"]),
            optional(r)
        )
    } else if let Some(r) = from.get("configMapKeyRef") {
        format!(
            "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}",
            r.str_at(&["key"]),
            r.str_at(&["name"]),
            optional(r)
        )
    } else {
        format!("{name}:\t")
    }
}

/// A `Containers:` / `Init Containers:` block (`describeContainers` with
/// its `label`); `statuses` is empty for templates, `pod` is the pod
/// described (`None` for a template).
pub(super) fn containers(
    w: &mut Writer,
    label: &str,
    containers: &[Value],
    statuses: &[Value],
    pod: Option<&Value>,
    ctx: &Context,
) {
    let template = pod.is_none();
    let level = if template { 1 } else { 0 };
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.line(level, &format!("{label}:{none}"));
    for c in containers {
        let name = c.str_at(&["name"]);
        let status = statuses.iter().find(|s| s.str_at(&["name"]) == name);
        let indent = if template { " " } else { "" };
        w.line(1, &format!("{indent}{name}:"));
        if let Some(s) = status {
            w.line(2, &format!("Container ID:\t{}", s.str_at(&["containerID"])));
        }
        w.line(2, &format!("Image:\t{}", c.str_at(&["image"])));
        if let Some(s) = status {
            w.line(2, &format!("Image ID:\t{}", s.str_at(&["imageID"])));
        }
        let container_ports = ports(c, false);
        let host_ports = ports(c, true);
        let or_none = |s: String| {
            if s.is_empty() {
                "<none>".to_string()
            } else {
                s
            }
        };
        if container_ports.contains(',') {
            w.line(2, &format!("Ports:\t{container_ports}"));
            w.line(2, &format!("Host Ports:\t{host_ports}"));
        } else {
            w.line(2, &format!("Port:\t{}", or_none(container_ports)));
            w.line(2, &format!("Host Port:\t{}", or_none(host_ports)));
        }
        for (title, key) in [("Command", "command"), ("Args", "args")] {
            let items = c.array_at(&[key]);
            if !items.is_empty() {
                w.line(2, &format!("{title}:"));
                for line in items
                    .iter()
                    .flat_map(|i| i.as_str().unwrap_or("").split('\n'))
                {
                    w.line(3, line);
                }
            }
        }
        if let Some(s) = status {
            state(w, "State", s.get("state").unwrap_or(&Value::Null), ctx);
            if let Some(last) = s
                .at(&["lastState"])
                .filter(|l| l.get("terminated").is_some())
            {
                state(w, "Last State", last, ctx);
            }
            let ready = s.at(&["ready"]).and_then(Value::as_bool) == Some(true);
            w.line(
                2,
                &format!("Ready:\t{}", if ready { "True" } else { "False" }),
            );
            w.line(
                2,
                &format!(
                    "Restart Count:\t{}",
                    s.i64_at(&["restartCount"]).unwrap_or(0)
                ),
            );
        }
        for (title, key) in [("Limits", "limits"), ("Requests", "requests")] {
            if let Some(m) = c
                .at(&["resources", key])
                .and_then(Value::as_object)
                .filter(|m| !m.is_empty())
            {
                w.line(2, &format!("{title}:"));
                for (k, v) in m {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => ordinal_model::json::to_compact(other),
                    };
                    w.line(3, &format!("{k}:\t{text}"));
                }
            }
        }
        for (title, key) in [
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ] {
            if let Some(p) = c.get(key) {
                probe(w, title, p);
            }
        }
        let env = c.array_at(&["env"]);
        if env.is_empty() {
            w.line(2, "Environment:\t<none>");
        } else {
            w.line(2, "Environment:");
            for e in env {
                let name = e.str_at(&["name"]);
                if let Some(from) = e.get("valueFrom") {
                    w.line(3, &value_from_line(name, from, pod));
                    continue;
                }
                // A multi-line value continues under the first line's value.
                for (i, line) in e.str_at(&["value"]).split('\n').enumerate() {
                    if i == 0 {
                        w.line(3, &format!("{name}:\t{line}"));
                    } else {
                        w.line(3, &format!("\t{line}"));
                    }
                }
            }
        }
        let mounts = c.array_at(&["volumeMounts"]);
        if mounts.is_empty() {
            w.line(2, "Mounts:\t<none>");
        } else {
            w.line(2, "Mounts:");
            let mut sorted: Vec<&Value> = mounts.iter().collect();
            ordinal_model::order::sort_by_key(&mut sorted, |m| {
                m.str_at(&["mountPath"]).to_string()
            });
            for m in sorted {
                let mode = if m.at(&["readOnly"]).and_then(Value::as_bool) == Some(true) {
                    "ro"
                } else {
                    "rw"
                };
                let sub = m.str_at(&["subPath"]);
                let flags = if sub.is_empty() {
                    mode.to_string()
                } else {
                    format!("{mode},path=\"{sub}\"")
                };
                w.line(
                    3,
                    &format!(
                        "{} from {} ({flags})",
                        m.str_at(&["mountPath"]),
                        m.str_at(&["name"])
                    ),
                );
            }
        }
    }
}

/// The `Volumes:` block (`level` 1 inside a pod template, whose volume names get one more space).
pub(super) fn volumes(w: &mut Writer, level: usize, volumes: &[Value]) {
    let space = if level > 0 { " " } else { "" };
    if volumes.is_empty() {
        w.line(level, "Volumes:\t<none>");
        return;
    }
    w.line(level, "Volumes:");
    for v in volumes {
        w.line(1, &format!("{space}{}:", v.str_at(&["name"])));
        let l = 2;
        if let Some(pvc) = v.get("persistentVolumeClaim") {
            w.line(l, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)");
            w.line(l, &format!("ClaimName:\t{}", pvc.str_at(&["claimName"])));
            let ro = pvc
                .at(&["readOnly"])
                .and_then(Value::as_bool)
                .unwrap_or(false);
            w.line(l, &format!("ReadOnly:\t{ro}"));
        } else if let Some(projected) = v.get("projected") {
            w.line(
                l,
                "Type:\tProjected (a volume that contains injected data from multiple sources)",
            );
            for source in projected.array_at(&["sources"]) {
                if let Some(token) = source.get("serviceAccountToken") {
                    w.line(
                        l,
                        &format!(
                            "TokenExpirationSeconds:\t{}",
                            token.i64_at(&["expirationSeconds"]).unwrap_or(3607)
                        ),
                    );
                } else if let Some(cm) = source.get("configMap") {
                    w.line(l, &format!("ConfigMapName:\t{}", cm.str_at(&["name"])));
                    let optional = cm
                        .at(&["optional"])
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    w.line(l, &format!("Optional:\t{optional}"));
                } else if source.get("downwardAPI").is_some() {
                    w.line(l, "DownwardAPI:\ttrue");
                }
            }
        } else if let Some(empty) = v.get("emptyDir") {
            w.line(
                l,
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)",
            );
            w.line(l, &format!("Medium:\t{}", empty.str_at(&["medium"])));
            let limit = match empty.get("sizeLimit") {
                Some(Value::String(s)) => s.clone(),
                _ => "<unset>".to_string(),
            };
            w.line(l, &format!("SizeLimit:\t{limit}"));
        } else if let Some(cm) = v.get("configMap") {
            w.line(l, "Type:\tConfigMap (a volume populated by a ConfigMap)");
            w.line(l, &format!("Name:\t{}", cm.str_at(&["name"])));
            let optional = cm
                .at(&["optional"])
                .and_then(Value::as_bool)
                .unwrap_or(false);
            w.line(l, &format!("Optional:\t{optional}"));
        } else if let Some(host) = v.get("hostPath") {
            w.line(l, "Type:\tHostPath (bare host directory volume)");
            w.line(l, &format!("Path:\t{}", host.str_at(&["path"])));
            w.line(l, &format!("HostPathType:\t{}", host.str_at(&["type"])));
        }
    }
}

fn toleration(t: &Value) -> String {
    let mut text = t.str_at(&["key"]).to_string();
    let value = t.str_at(&["value"]);
    if !value.is_empty() {
        text.push('=');
        text.push_str(value);
    }
    let effect = t.str_at(&["effect"]);
    if !effect.is_empty() {
        text.push(':');
        text.push_str(effect);
    }
    // `operator: Exists` alone tolerates everything: no space before it.
    if t.str_at(&["operator"]) == "Exists" && value.is_empty() {
        if text.is_empty() {
            text.push_str("op=Exists");
        } else {
            text.push_str(" op=Exists");
        }
    }
    if let Some(seconds) = t.i64_at(&["tolerationSeconds"]) {
        text.push_str(&format!(" for {seconds}s"));
    }
    text
}

/// `Node-Selectors:` and `Tolerations:` lines (`printPodTolerationsMultiline`:
/// sorted by key).
pub(super) fn selectors_and_tolerations(w: &mut Writer, level: usize, spec: &Value) {
    let selectors = crate::printers::key_value_pairs(spec.at(&["nodeSelector"]));
    multiline(w, level, "Node-Selectors", &selectors);
    let mut sorted: Vec<&Value> = spec.array_at(&["tolerations"]).iter().collect();
    ordinal_model::order::sort_by_key(&mut sorted, |t| t.str_at(&["key"]).to_string());
    let tolerations: Vec<String> = sorted.into_iter().map(toleration).collect();
    multiline(w, level, "Tolerations", &tolerations);
}

/// `describe pod`.
pub fn pod(pod: &Value, ctx: &Context, w: &mut Writer) {
    let meta = |k: &str| pod.str_at(&["metadata", k]).to_string();
    w.line(0, &format!("Name:\t{}", meta("name")));
    w.line(0, &format!("Namespace:\t{}", meta("namespace")));
    if let Some(priority) = pod.i64_at(&["spec", "priority"]) {
        w.line(0, &format!("Priority:\t{priority}"));
    }
    let priority_class = pod.str_at(&["spec", "priorityClassName"]);
    if !priority_class.is_empty() {
        w.line(0, &format!("Priority Class Name:\t{priority_class}"));
    }
    w.line(
        0,
        &format!(
            "Service Account:\t{}",
            pod.str_at(&["spec", "serviceAccountName"])
        ),
    );
    let node = pod.str_at(&["spec", "nodeName"]);
    if node.is_empty() {
        w.line(0, "Node:\t<none>");
    } else {
        w.line(
            0,
            &format!("Node:\t{node}/{}", pod.str_at(&["status", "hostIP"])),
        );
    }
    let start = pod.str_at(&["status", "startTime"]);
    if !start.is_empty() {
        w.line(0, &format!("Start Time:\t{}", rfc1123z(start)));
    }
    labels_multiline(w, 0, "Labels", pod.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", pod.at(&["metadata", "annotations"]));
    let deletion = pod.str_at(&["metadata", "deletionTimestamp"]);
    if deletion.is_empty() {
        w.line(0, &format!("Status:\t{}", pod.str_at(&["status", "phase"])));
    } else {
        w.line(
            0,
            &format!("Status:\tTerminating (lasts {})", ctx.print.since(deletion)),
        );
        let grace = pod
            .i64_at(&["metadata", "deletionGracePeriodSeconds"])
            .unwrap_or(30);
        w.line(0, &format!("Termination Grace Period:\t{grace}s"));
    }
    for (title, key) in [("Reason", "reason"), ("Message", "message")] {
        let v = pod.str_at(&["status", key]);
        if !v.is_empty() {
            w.line(0, &format!("{title}:\t{v}"));
        }
    }
    w.line(0, &format!("IP:\t{}", pod.str_at(&["status", "podIP"])));
    let ips = pod.array_at(&["status", "podIPs"]);
    if ips.is_empty() {
        w.line(0, "IPs:\t<none>");
    } else {
        w.line(0, "IPs:");
        for ip in ips {
            w.line(1, &format!("IP:\t{}", ip.str_at(&["ip"])));
        }
    }
    controlled_by(w, pod);
    let nominated = pod.str_at(&["status", "nominatedNodeName"]);
    if !nominated.is_empty() {
        w.line(0, &format!("NominatedNodeName:\t{nominated}"));
    }
    let spec = pod.get("spec").cloned().unwrap_or_default();
    let init = spec.array_at(&["initContainers"]);
    if !init.is_empty() {
        containers(
            w,
            "Init Containers",
            init,
            pod.array_at(&["status", "initContainerStatuses"]),
            Some(pod),
            ctx,
        );
    }
    containers(
        w,
        "Containers",
        spec.array_at(&["containers"]),
        pod.array_at(&["status", "containerStatuses"]),
        Some(pod),
        ctx,
    );
    let conditions = pod.array_at(&["status", "conditions"]);
    if !conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus");
        for c in conditions {
            w.line(
                1,
                &format!("{} \t{} ", c.str_at(&["type"]), c.str_at(&["status"])),
            );
        }
    }
    volumes(w, 0, spec.array_at(&["volumes"]));
    let qos = match pod.str_at(&["status", "qosClass"]) {
        "" => "BestEffort",
        q => q,
    };
    w.line(0, &format!("QoS Class:\t{qos}"));
    selectors_and_tolerations(w, 0, &spec);
    events(w, ctx);
}
