//! `kubectl create configmap|secret generic|deployment|service|namespace|
//! serviceaccount`: objects built from flags as kubectl's generators build
//! them (kubectl pkg/cmd/create/create_configmap.go, create_secret.go,
//! create_deployment.go, create_service.go, create_namespace.go,
//! create_serviceaccount.go), then created, or printed with
//! `--dry-run=client -o yaml`.

use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::output;
use super::{api_error, client_error, flag_error, namespace_of};
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
    value("from-literal", None),
    value("from-file", None),
    value("image", None),
    value("replicas", Some('r')),
    value("port", None),
    value("tcp", None),
    value("clusterip", None),
    value("node-port", None),
    value("dry-run", None),
    value("output", Some('o')),
    switch("save-config", None),
];

/// The generators `kubectl create` knows and whether they take a type word (`secret generic`).
pub fn is_generator(word: &str) -> bool {
    matches!(
        word,
        "configmap"
            | "cm"
            | "secret"
            | "deployment"
            | "deploy"
            | "service"
            | "svc"
            | "namespace"
            | "ns"
            | "serviceaccount"
            | "sa"
    )
}

/// Standard base64 (Secret `data` values).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `data` from `--from-literal=k=v` and `--from-file=[key=]path` (the virtual working directory).
fn data_from(session: &Session, parsed: &flags::Parsed, encode: bool) -> Result<Value, String> {
    let mut data = Value::object();
    let mut put = |key: &str, text: &str| {
        let v = if encode {
            base64(text.as_bytes())
        } else {
            text.to_string()
        };
        data.set(&[key], Value::from(v));
    };
    for literal in parsed.flags.get("from-literal").into_iter().flatten() {
        let Some((k, v)) = literal.split_once('=') else {
            return Err(format!(
                "invalid literal source {literal}, expected key=value"
            ));
        };
        put(k, v);
    }
    for source in parsed.flags.get("from-file").into_iter().flatten() {
        let (key, path) = match source.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => (
                source.rsplit('/').next().unwrap_or(source).to_string(),
                source.clone(),
            ),
        };
        let Some(text) = session.files.get(&path) else {
            return Err(format!("error reading {path}: no such file or directory"));
        };
        put(&key, text);
    }
    Ok(data)
}

fn base(kind: &str, api_version: &str, name: &str) -> Value {
    Value::from([
        ("apiVersion", Value::from(api_version)),
        ("kind", Value::from(kind)),
        ("metadata", Value::from([("name", Value::from(name))])),
    ])
}

/// The object `kubectl create TYPE NAME ...` sends, and its resource.
fn build(
    session: &Session,
    generator: &str,
    name: &str,
    parsed: &flags::Parsed,
) -> Result<(&'static str, Value), String> {
    match generator {
        "configmap" | "cm" => {
            let mut cm = base("ConfigMap", "v1", name);
            let data = data_from(session, parsed, false)?;
            if data.as_object().is_some_and(|m| !m.is_empty()) {
                cm.set(&["data"], data);
            }
            Ok(("configmaps", cm))
        }
        "secret" => {
            let mut secret = base("Secret", "v1", name);
            let data = data_from(session, parsed, true)?;
            if data.as_object().is_some_and(|m| !m.is_empty()) {
                secret.set(&["data"], data);
            }
            Ok(("secrets", secret))
        }
        "deployment" | "deploy" => {
            let image = parsed
                .get("image")
                .ok_or("required flag(s) \"image\" not set")?;
            let container_name = image
                .rsplit('/')
                .next()
                .unwrap_or(image)
                .split([':', '@'])
                .next()
                .unwrap_or(image);
            let labels = Value::from([("app", Value::from(name))]);
            let mut container = Value::from([
                ("image", Value::from(image)),
                ("name", Value::from(container_name)),
            ]);
            if let Some(port) = parsed.get("port").and_then(|p| p.parse::<i64>().ok()) {
                container.set(
                    &["ports"],
                    Value::Array(vec![Value::from([("containerPort", Value::Int(port))])]),
                );
            }
            let mut d = base("Deployment", "apps/v1", name);
            d.set(&["metadata", "labels"], labels.clone());
            let replicas = parsed
                .get("replicas")
                .and_then(|r| r.parse::<i64>().ok())
                .unwrap_or(1);
            d.set(&["spec", "replicas"], Value::Int(replicas));
            d.set(&["spec", "selector", "matchLabels"], labels.clone());
            d.set(&["spec", "template", "metadata", "labels"], labels);
            container.set(&["resources"], Value::object());
            d.set(
                &["spec", "template", "spec", "containers"],
                Value::Array(vec![container]),
            );
            d.set(&["spec", "strategy"], Value::object());
            d.set(&["status"], Value::object());
            Ok(("deployments", d))
        }
        "namespace" | "ns" => {
            let mut ns = base("Namespace", "v1", name);
            ns.set(&["spec"], Value::object());
            ns.set(&["status"], Value::object());
            Ok(("namespaces", ns))
        }
        "serviceaccount" | "sa" => Ok(("serviceaccounts", base("ServiceAccount", "v1", name))),
        _ => Err("Unexpected args".to_string()),
    }
}

/// `kubectl create service clusterip|nodeport NAME --tcp=PORT:TARGET`
/// (`--clusterip` for clusterip, `--node-port` for nodeport).
fn build_service(name: &str, service_type: &str, parsed: &flags::Parsed) -> Result<Value, String> {
    let type_name = match service_type {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        other => return Err(format!("Unexpected args: [{other}]")),
    };
    let node_port = match parsed.get("node-port") {
        None => 0,
        Some(n) => n
            .parse::<i64>()
            .map_err(|_| format!("invalid argument \"{n}\" for \"--node-port\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax"))?,
    };
    let mut ports = Vec::new();
    for spec in parsed.all("tcp") {
        let (port, target) = spec
            .split_once(':')
            .unwrap_or((spec.as_str(), spec.as_str()));
        let port_number = port
            .parse::<i64>()
            .map_err(|_| format!("strconv.Atoi: parsing \"{port}\": invalid syntax"))?;
        let target_value = match target.parse::<i64>() {
            Ok(n) => Value::Int(n),
            Err(_) => Value::from(target),
        };
        let mut p = Value::from([
            ("name", Value::from(spec.replace(':', "-"))),
            ("port", Value::Int(port_number)),
            ("protocol", Value::from("TCP")),
            ("targetPort", target_value),
        ]);
        if node_port != 0 {
            p.set(&["nodePort"], Value::Int(node_port));
        }
        ports.push(p);
    }
    let labels = Value::from([("app", Value::from(name))]);
    let mut svc = base("Service", "v1", name);
    svc.set(&["metadata", "labels"], labels.clone());
    svc.set(&["spec", "ports"], Value::Array(ports));
    svc.set(&["spec", "selector"], labels);
    svc.set(&["spec", "type"], Value::from(type_name));
    if let Some(ip) = parsed.get("clusterip").filter(|ip| !ip.is_empty()) {
        svc.set(&["spec", "clusterIP"], Value::from(ip));
    }
    svc.set(&["status", "loadBalancer"], Value::object());
    Ok(svc)
}

/// `--save-config` (cmdutil `CreateOrUpdateAnnotation`): the object as
/// built, in its Go type's JSON, stored as the last-applied configuration.
pub(super) fn save_config(obj: &mut Value) {
    let annotation = ordinal_model::apply::typed_last_applied_value(obj);
    obj.set(
        &["metadata", "annotations", super::apply::LAST_APPLIED],
        Value::from(annotation),
    );
}

/// `kubectl create GENERATOR ...`; `args` start with the generator word.
pub fn run(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("create", &e, out),
    };
    let Some(generator) = parsed.args.first().cloned() else {
        return;
    };
    let mut words = parsed.args[1..].to_vec();
    let sub = match generator.as_str() {
        "secret" | "service" | "svc" => {
            if words.is_empty() {
                return client_error(&format!("Unexpected args: []\nSee 'kubectl create {generator} -h' for help and examples"), out);
            }
            Some(words.remove(0))
        }
        _ => None,
    };
    if matches!(generator.as_str(), "deployment" | "deploy") && parsed.get("image").is_none() {
        return client_error("required flag(s) \"image\" not set", out);
    }
    let [name] = words.as_slice() else {
        // cobra names the command, not the alias typed.
        let canonical = match generator.as_str() {
            "cm" => "configmap",
            "deploy" => "deployment",
            "svc" => "service",
            "ns" => "namespace",
            "sa" => "serviceaccount",
            other => other,
        };
        let command = match &sub {
            Some(s) => format!("{canonical} {s}"),
            None => canonical.to_string(),
        };
        out.errln(&format!(
            "error: exactly one NAME is required, got {}",
            words.len()
        ));
        out.errln(&format!(
            "See 'kubectl create {command} -h' for help and examples"
        ));
        out.exit_code = 1;
        return;
    };
    let built = match (generator.as_str(), sub.as_deref()) {
        ("secret", Some("generic")) => build(session, "secret", name, &parsed),
        ("secret", Some(other)) => Err(format!("Unexpected args: [{other}]")),
        ("service" | "svc", Some(kind)) => {
            let own: &[&str] = match kind {
                "clusterip" => &["clusterip"],
                "nodeport" => &["node-port"],
                _ => &[],
            };
            let foreign = ["clusterip", "node-port"]
                .into_iter()
                .find(|f| !own.contains(f) && parsed.get(f).is_some());
            if let Some(flag) = foreign {
                return flag_error(
                    &format!("create service {kind}"),
                    &format!("unknown flag: --{flag}"),
                    out,
                );
            }
            build_service(name, kind, &parsed).map(|svc| ("services", svc))
        }
        _ => build(session, &generator, name, &parsed),
    };
    let format = match output::object_format(session, &parsed) {
        Ok(f) => f,
        Err(e) => return client_error(&e, out),
    };
    let (resource, mut obj) = match built {
        Ok(b) => b,
        Err(e) => return client_error(&e, out),
    };
    if parsed.has("save-config") {
        save_config(&mut obj);
    }
    let Some(info) = ordinal_model::kinds::by_name(resource) else {
        return;
    };
    let qualified = info.qualified_singular();
    let dry_run = match output::dry_run(&parsed) {
        Ok(d) => d,
        Err(e) => return client_error(&e, out),
    };
    let output = format.as_deref();
    let service_type = obj.str_at(&["spec", "type"]).to_string();
    let namespace = namespace_of(&parsed);
    let created = super::create_as(session, dry_run, (resource, &namespace), obj);
    match created {
        Ok(created) => {
            output::print_typed_result(output, dry_run, &qualified, &created, "created", out)
        }
        // create_service.go wraps the server's error in its own.
        Err(e) if resource == "services" => client_error(
            &format!("failed to create {service_type} service: {}", e.message),
            out,
        ),
        // create_serviceaccount.go wraps it too.
        Err(e) if resource == "serviceaccounts" => client_error(
            &format!("failed to create serviceaccount: {}", e.message),
            out,
        ),
        Err(e) => api_error(&e, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_as_go_does() {
        assert_eq!(base64(b"x"), "eA==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn deployments_get_app_labels_and_the_image_name() {
        let session = Session::new(ordinal_core::SimConfig::default());
        let args: Vec<String> = ["deployment", "web", "--image=nginx:1.27", "--replicas=2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let parsed = flags::parse(&args, SPECS).expect("flags parse");
        let (_, d) = build(&session, "deployment", "web", &parsed).expect("built");
        assert_eq!(d.str_at(&["spec", "selector", "matchLabels", "app"]), "web");
        assert_eq!(
            d.array_at(&["spec", "template", "spec", "containers"])[0].str_at(&["name"]),
            "nginx"
        );
        assert_eq!(d.i64_at(&["spec", "replicas"]), Some(2));
    }
}
