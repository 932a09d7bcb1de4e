//! The objects `kubectl run` sends, built from its flags as kubectl v1.36
//! builds them (pkg/cmd/run/run.go `createPod`, `createService`, `parseEnvs`,
//! cmdutil `ParsePairs`, the `--overrides` Overrider of
//! pkg/cmd/util/override_options.go), with its checks in the order the v1.36
//! binary makes them and in its words.

use ordinal_core::apiserver::patch::apply_patch;
use ordinal_core::PatchType;
use ordinal_model::Value;

use super::flags::Parsed;

/// Why `kubectl run` refused its flags: a usage error (followed by `See
/// 'kubectl run -h' for help and examples`) or a plain one.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RunError {
    Usage(String),
    Plain(String),
}

/// What `kubectl run NAME ...` creates: the pod, and with `--expose` a
/// ClusterIP service in front of it.
#[derive(Debug)]
pub(crate) struct Generated {
    pub name: String,
    pub pod: Value,
    pub service: Option<Value>,
    /// `-i`/`--stdin` or `--attach`: wait for the pod and attach to it.
    pub attach: bool,
}

/// `validation.IsEnvVarName`: `[-._a-zA-Z][-._a-zA-Z0-9]*`.
pub(super) fn env_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || "-._".contains(c))
        && chars.all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
}

/// `--env KEY=VALUE...` (`parseEnvs`).
fn envs(parsed: &Parsed) -> Result<Vec<Value>, RunError> {
    let mut list = Vec::new();
    for env in parsed.flags.get("env").into_iter().flatten() {
        match env.split_once('=') {
            Some((name, value)) if env_var_name(name) => list.push(Value::from([
                ("name", Value::from(name)),
                ("value", Value::from(value)),
            ])),
            _ => return Err(RunError::Plain(format!("invalid env: {env}"))),
        }
    }
    Ok(list)
}

/// `--annotations KEY=VALUE...` (cmdutil `ParsePairs`: every malformed pair
/// is listed).
fn annotations(parsed: &Parsed) -> Result<Value, RunError> {
    let mut pairs = Value::object();
    let mut invalid = Vec::new();
    for pair in parsed.flags.get("annotations").into_iter().flatten() {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => pairs.set(&[key], Value::from(value)),
            _ => invalid.push(pair.as_str()),
        }
    }
    if invalid.is_empty() {
        Ok(pairs)
    } else {
        Err(RunError::Plain(format!(
            "invalid annotations format: {}",
            invalid.join(", ")
        )))
    }
}

/// `--labels a=b,c=d` (`parseLabels`); `None` when not given.
fn labels(parsed: &Parsed) -> Result<Option<Value>, RunError> {
    let Some(spec) = parsed.get("labels").filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let mut labels = Value::object();
    for pair in spec.split(',') {
        let parts: Vec<&str> = pair.split('=').collect();
        let [key, value] = parts[..] else {
            return Err(RunError::Plain(format!("unexpected label spec: {pair}")));
        };
        if key.is_empty() {
            return Err(RunError::Plain("unexpected empty label key".to_string()));
        }
        labels.set(&[key], Value::from(value));
    }
    Ok(Some(labels))
}

/// Go's `strconv.Atoi` on a 64-bit platform, with its error text.
fn atoi(text: &str) -> Result<i64, RunError> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RunError::Plain(format!(
            "strconv.Atoi: parsing {text:?}: invalid syntax"
        )));
    }
    text.trim_start_matches('+').parse().map_err(|_| {
        RunError::Plain(format!(
            "strconv.Atoi: parsing {text:?}: value out of range"
        ))
    })
}

/// One path component of an image name: `[a-z0-9]+` runs joined by `.`,
/// `_`, `__` or one or more `-` (distribution/reference).
fn path_component(part: &str) -> bool {
    let bytes = part.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let separator = &part[start..i];
        if !matches!(separator, "." | "_" | "__") && !separator.bytes().all(|b| b == b'-') {
            return false;
        }
    }
    true
}

/// A DNS-like label of a registry host (any case).
fn host_label(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

/// A registry host with an optional port: dot-separated labels or a
/// bracketed IPv6 address, then `:digits`.
fn domain_and_port(part: &str) -> bool {
    let (host_ok, port) = match part.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inner, after)) => (
                !inner.is_empty() && inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':'),
                after,
            ),
            None => return false,
        },
        None => {
            let (host, after) = part.find(':').map_or((part, ""), |i| part.split_at(i));
            (host.split('.').all(host_label), after)
        }
    };
    host_ok
        && (port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
}

/// A tag: `[\w][\w.-]{0,127}`.
fn tag(text: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = text.chars();
    chars.next().is_some_and(word)
        && text.len() <= 128
        && chars.all(|c| word(c) || c == '.' || c == '-')
}

/// A digest: `algorithm:hex` with at least 32 hex digits.
fn digest(text: &str) -> bool {
    let Some((algorithm, hex)) = text.split_once(':') else {
        return false;
    };
    let component = |c: &str| {
        let mut chars = c.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric())
    };
    algorithm.split(['-', '_', '+', '.']).all(component)
        && hex.len() >= 32
        && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// Whether `image` matches distribution/reference's `ReferenceRegexp`, as
/// `kubectl run` checks before sending anything.
pub(crate) fn image_reference(image: &str) -> bool {
    let (rest, digest_part) = match image.split_once('@') {
        Some((rest, d)) => (rest, Some(d)),
        None => (image, None),
    };
    if digest_part.is_some_and(|d| !digest(d)) {
        return false;
    }
    let last_slash = rest.rfind('/');
    let (name, tag_part) = match rest.rfind(':') {
        Some(i) if last_slash.is_none_or(|s| i > s) => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if tag_part.is_some_and(|t| !tag(t)) {
        return false;
    }
    let parts: Vec<&str> = name.split('/').collect();
    let first_ok = path_component(parts[0]) || (parts.len() > 1 && domain_and_port(parts[0]));
    first_ok && parts[1..].iter().all(|p| path_component(p))
}

/// `--restart`: one of the three policies (a usage error otherwise).
fn restart_policy(parsed: &Parsed) -> Result<&str, RunError> {
    match parsed.get("restart").unwrap_or("Always") {
        p @ ("Always" | "OnFailure" | "Never") => Ok(p),
        other => Err(RunError::Usage(format!("invalid restart policy: {other}"))),
    }
}

/// `--image-pull-policy`: empty (the server defaults it) or one of the three.
fn pull_policy(parsed: &Parsed) -> Result<Option<&str>, RunError> {
    match parsed.get("image-pull-policy").unwrap_or("") {
        "" => Ok(None),
        p @ ("Always" | "IfNotPresent" | "Never") => Ok(Some(p)),
        other => Err(RunError::Usage(format!(
            "invalid image pull policy: {other}"
        ))),
    }
}

/// `--overrides` applied as `--override-type` says (a JSON merge patch by
/// default), then read back as a v1 Pod: a type error fails, unknown fields
/// are dropped.
fn apply_overrides(pod: Value, parsed: &Parsed) -> Result<Value, RunError> {
    let Some(text) = parsed.get("overrides").filter(|o| !o.is_empty()) else {
        return Ok(pod);
    };
    let kind = match parsed.get("override-type").unwrap_or("merge") {
        "merge" => Some(PatchType::Merge),
        "strategic" => Some(PatchType::Strategic),
        "json" => None,
        other => {
            return Err(RunError::Plain(format!("invalid override type: {other}")));
        }
    };
    let patch = ordinal_model::json::parse(text).map_err(|e| {
        RunError::Plain(match kind {
            Some(PatchType::Merge) => "Invalid JSON Patch".to_string(),
            Some(PatchType::Strategic) => "invalid JSON document".to_string(),
            None => e.message,
        })
    })?;
    let patched = match kind {
        Some(kind) => apply_patch(&pod, &patch, kind),
        None if !matches!(patch, Value::Array(_) | Value::Null) => {
            return Err(RunError::Plain(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                patch.json_type()
            )))
        }
        None => crate::jsonpatch::apply(&pod, &patch).map_err(|e| match e {
            crate::jsonpatch::JsonPatchError::Apply(message)
            | crate::jsonpatch::JsonPatchError::Decode(message) => RunError::Plain(message),
            other => RunError::Plain(other.to_api_error().message),
        })?,
    };
    let Value::Object(_) = patched else {
        return Err(RunError::Plain(format!(
            "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}",
            patched.json_type()
        )));
    };
    let mut patched = patched;
    let version = patched.str_at(&["apiVersion"]).to_string();
    if version != "v1" {
        return Err(RunError::Plain(format!(
            "no kind \"Pod\" is registered for version {version:?} in scheme \"pkg/scheme/scheme.go:28\""
        )));
    }
    if let Some(problem) = ordinal_model::decode::type_problem(&patched, "Pod") {
        return Err(RunError::Plain(problem));
    }
    ordinal_model::decode::drop_unknown_fields(&mut patched, "Pod");
    // Read back into a v1.Pod and written out again, zero-valued structs
    // reappear: each container's `resources: {}` and the pod's `status: {}`.
    for list in ["initContainers", "containers"] {
        if let Some(Value::Array(containers)) = patched.at_mut(&["spec", list]) {
            for container in containers
                .iter_mut()
                .filter(|c| c.get("resources").is_none())
            {
                container.set(&["resources"], Value::object());
            }
        }
    }
    if patched.get("status").is_none() {
        patched.set(&["status"], Value::object());
    }
    Ok(patched)
}

/// Reads `kubectl run`'s flags and builds what it would send; `args` are the
/// positional words (NAME first) followed by those after `--`.
pub(crate) fn generate(parsed: &Parsed, args: &[String]) -> Result<Generated, RunError> {
    let Some(name) = args.first().cloned() else {
        return Err(RunError::Plain("NAME is required for run".to_string()));
    };
    let image = parsed.get("image").unwrap_or("");
    if !image_reference(image) {
        return Err(RunError::Plain(format!(
            "Invalid image name {image:?}: invalid reference format"
        )));
    }
    let restart = restart_policy(parsed)?;
    let pull = pull_policy(parsed)?;
    let stdin = parsed.has("stdin");
    let tty = parsed.has("tty");
    if tty && !stdin {
        return Err(RunError::Usage(
            "-i/--stdin is required for containers with -t/--tty=true".to_string(),
        ));
    }
    let port = parsed.get("port").filter(|p| !p.is_empty());
    if parsed.has("expose") && port.is_none() {
        return Err(RunError::Usage(
            "--port must be set when exposing a service".to_string(),
        ));
    }
    let attach = parsed.get("attach").map_or(stdin, |a| a != "false");
    if !attach && parsed.has("rm") {
        return Err(RunError::Usage(
            "--rm should only be used for attached containers".to_string(),
        ));
    }
    if attach && parsed.get("dry-run").is_some_and(|d| d != "none") {
        return Err(RunError::Usage("--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)".to_string()));
    }
    let envs = envs(parsed)?;
    let annotations = annotations(parsed)?;
    let user_labels = labels(parsed)?;
    let port = port.map(atoi).transpose()?;

    // createPod: zero-valued structs (`resources: {}`, `status: {}`)
    // included, as its dry run prints them.
    let mut container = Value::from([
        ("name", Value::from(name.as_str())),
        ("image", Value::from(image)),
        ("resources", Value::object()),
    ]);
    if !envs.is_empty() {
        container.set(&["env"], Value::Array(envs));
    }
    if stdin {
        container.set(&["stdin"], Value::Bool(true));
        container.set(&["stdinOnce"], Value::Bool(!parsed.has("leave-stdin-open")));
    }
    if tty {
        container.set(&["tty"], Value::Bool(true));
    }
    if let Some(policy) = pull {
        container.set(&["imagePullPolicy"], Value::from(policy));
    }
    if parsed.has("privileged") {
        container.set(&["securityContext", "privileged"], Value::Bool(true));
    }
    let words: Vec<Value> = args[1..].iter().map(|a| Value::from(a.as_str())).collect();
    if !words.is_empty() {
        let field = if parsed.has("command") {
            "command"
        } else {
            "args"
        };
        container.set(&[field], Value::Array(words));
    }
    if let Some(port) = port {
        container.set(
            &["ports"],
            Value::from(vec![Value::from([("containerPort", Value::Int(port))])]),
        );
    }
    let labels = user_labels
        .clone()
        .unwrap_or_else(|| Value::from([("run", Value::from(name.as_str()))]));
    let mut metadata = Value::from([
        ("name", Value::from(name.as_str())),
        ("labels", labels.clone()),
    ]);
    if annotations.as_object().is_some_and(|a| !a.is_empty()) {
        metadata.set(&["annotations"], annotations);
    }
    let pod = Value::from([
        ("apiVersion", Value::from("v1")),
        ("kind", Value::from("Pod")),
        ("metadata", metadata),
        (
            "spec",
            Value::from([
                ("containers", Value::Array(vec![container])),
                ("dnsPolicy", Value::from("ClusterFirst")),
                ("restartPolicy", Value::from(restart)),
            ]),
        ),
        ("status", Value::object()),
    ]);
    let pod = apply_overrides(pod, parsed)?;
    // createService: labeled only with the labels the learner asked for,
    // selecting the pod's labels.
    let service = parsed.has("expose").then(|| {
        let port = port.unwrap_or_default();
        let mut svc = Value::from([
            ("apiVersion", Value::from("v1")),
            ("kind", Value::from("Service")),
            (
                "metadata",
                Value::from([("name", Value::from(name.as_str()))]),
            ),
            (
                "spec",
                Value::from([
                    (
                        "ports",
                        Value::from(vec![Value::from([
                            ("port", Value::Int(port)),
                            ("protocol", Value::from("TCP")),
                            ("targetPort", Value::Int(port)),
                        ])]),
                    ),
                    ("selector", labels),
                ]),
            ),
            ("status", Value::from([("loadBalancer", Value::object())])),
        ]);
        if let Some(user) = user_labels {
            svc.set(&["metadata", "labels"], user);
        }
        svc
    });
    let name = pod.str_at(&["metadata", "name"]).to_string();
    Ok(Generated {
        name,
        pod,
        service,
        attach,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_follow_distribution_reference() {
        for ok in [
            "nginx",
            "nginx:1.27",
            "nginx:Latest",
            "registry.k8s.io/nginx-slim:0.24",
            "Registry.K8s.io/nginx",
            "localhost:5000/a/b__c.d-e--f:v1_2",
            "host:5000",
            "[::1]:5000/nginx",
            "nginx@sha256:0123456789abcdef0123456789abcdef",
            "busybox:1.36@sha256:0123456789abcdef0123456789abcdef0123",
        ] {
            assert!(image_reference(ok), "{ok} is a valid reference");
        }
        for bad in [
            "",
            "Nginx",
            "nginx@sha256:abc",
            "nginx:",
            "nginx:-1",
            "a//b",
            "a/B",
            "a..b",
            "a___b",
            "-a",
            "a-",
            "nginx:1.27:2",
            "host:port/nginx",
            "nginx latest",
        ] {
            assert!(!image_reference(bad), "{bad:?} is not a valid reference");
        }
    }

    #[test]
    fn env_names_follow_is_env_var_name() {
        assert!(env_var_name("A_1"));
        assert!(env_var_name(".x-y"));
        assert!(!env_var_name("1A"));
        assert!(!env_var_name(""));
        assert!(!env_var_name("A B"));
    }

    #[test]
    fn atoi_reports_go_errors() {
        assert_eq!(atoi("80"), Ok(80));
        assert_eq!(atoi("-1"), Ok(-1));
        assert_eq!(atoi("+7"), Ok(7));
        assert_eq!(
            atoi("http"),
            Err(RunError::Plain(
                "strconv.Atoi: parsing \"http\": invalid syntax".to_string()
            ))
        );
        assert_eq!(
            atoi("99999999999999999999"),
            Err(RunError::Plain(
                "strconv.Atoi: parsing \"99999999999999999999\": value out of range".to_string()
            ))
        );
    }
}
