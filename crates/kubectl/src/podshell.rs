//! The tiny shell inside a pod (`kubectl exec POD -- CMD`): hostname,
//! nslookup (busybox 1.28 and newer formats), ping, cat, echo with `>` and
//! `>>`, ls, mkdir, rm, df, env, date, `sh -c`, and redis-cli for redis
//! images. Which tools exist depends on the image: busybox and alpine images
//! have nslookup and ping; Debian-based images (nginx, redis) do not.
//! Files live per volume: a PVC-backed mount keeps its data across pod
//! re-creation (keyed by the claim's uid), anything else dies with the pod.

use std::collections::BTreeMap;

use ordinal_model::labels::Selector;
use ordinal_model::Value;

use crate::shell::words::{split_list, split_words, Connector};
use crate::shell::Session;
use crate::transcript::CommandOutput;

/// Most files one volume holds.
pub const MAX_FILES_PER_VOLUME: usize = 1024;
/// Most keys one redis holds.
pub const MAX_REDIS_KEYS: usize = 10_000;
/// Most echo requests one `ping -c N` sends.
pub const MAX_PINGS: u64 = 100;
/// The cluster DNS service address.
const DNS_IP: &str = "10.96.0.10";
const DNS_NAME: &str = "kube-dns.kube-system.svc.cluster.local";
const DOMAIN: &str = "cluster.local";

/// Data inside pods: files per volume and redis keys per data volume.
#[derive(Debug, Clone, Default)]
pub struct PodData {
    files: BTreeMap<String, BTreeMap<String, String>>,
    redis: BTreeMap<String, BTreeMap<String, String>>,
}

/// What the shell knows about the pod it runs in.
struct PodCtx {
    namespace: String,
    hostname: String,
    subdomain: String,
    ip: String,
    image: String,
    uid: String,
    mounts: Vec<(String, String)>,
    env: Vec<(String, String)>,
}

impl PodCtx {
    fn new(session: &Session, pod: &Value) -> PodCtx {
        let ns = pod.str_at(&["metadata", "namespace"]).to_string();
        let uid = pod.str_at(&["metadata", "uid"]).to_string();
        let container = pod
            .array_at(&["spec", "containers"])
            .first()
            .cloned()
            .unwrap_or_default();
        let mut mounts = Vec::new();
        for m in container.array_at(&["volumeMounts"]) {
            let volume = m.str_at(&["name"]);
            let claim = pod
                .array_at(&["spec", "volumes"])
                .iter()
                .find(|v| v.str_at(&["name"]) == volume)
                .map(|v| {
                    v.str_at(&["persistentVolumeClaim", "claimName"])
                        .to_string()
                })
                .unwrap_or_default();
            let key = if claim.is_empty() {
                format!("pod:{uid}:{volume}")
            } else {
                let claim_uid = session
                    .sim
                    .object("persistentvolumeclaims", &ns, &claim)
                    .map(|c| c.str_at(&["metadata", "uid"]).to_string())
                    .unwrap_or_default();
                format!("pvc:{ns}/{claim}:{claim_uid}")
            };
            mounts.push((
                m.str_at(&["mountPath"]).trim_end_matches('/').to_string(),
                key,
            ));
        }
        mounts.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        let name = pod.str_at(&["metadata", "name"]).to_string();
        let hostname = match pod.str_at(&["spec", "hostname"]) {
            "" => name.clone(),
            h => h.to_string(),
        };
        let env = container
            .array_at(&["env"])
            .iter()
            .map(|e| {
                (
                    e.str_at(&["name"]).to_string(),
                    e.str_at(&["value"]).to_string(),
                )
            })
            .collect();
        PodCtx {
            namespace: ns,
            hostname,
            subdomain: pod.str_at(&["spec", "subdomain"]).to_string(),
            ip: pod.str_at(&["status", "podIP"]).to_string(),
            image: container.str_at(&["image"]).to_string(),
            uid,
            mounts,
            env,
        }
    }

    fn image_name(&self) -> &str {
        let without_tag = self.image.split(['@']).next().unwrap_or("");
        let last = without_tag.rsplit('/').next().unwrap_or("");
        last.split(':').next().unwrap_or("")
    }

    /// Official Debian-based images that ship neither ping nor nslookup.
    fn is_slim_debian(&self) -> bool {
        const SLIM: &[&str] = &[
            "nginx",
            "nginx-slim",
            "redis",
            "mysql",
            "postgres",
            "httpd",
            "mongo",
            "mariadb",
            "memcached",
            "rabbitmq",
            "zookeeper",
            "elasticsearch",
        ];
        !self.is_busybox_like() && SLIM.contains(&self.image_name())
    }

    fn is_busybox_like(&self) -> bool {
        self.image_name() == "busybox"
            || self.image_name() == "alpine"
            || self.image.contains("alpine")
    }

    /// busybox 1.28's nslookup format (the official tutorial's image).
    fn old_nslookup(&self) -> bool {
        self.image_name() == "busybox"
            && self
                .image
                .rsplit(':')
                .next()
                .is_some_and(|t| t.starts_with("1.2") && t.len() >= 4 && t[..4] <= *"1.28")
    }

    fn fqdn(&self) -> String {
        if self.subdomain.is_empty() {
            self.hostname.clone()
        } else {
            format!(
                "{}.{}.{}.svc.{DOMAIN}",
                self.hostname, self.subdomain, self.namespace
            )
        }
    }

    fn volume_for(&self, path: &str) -> (String, String) {
        for (mount, key) in &self.mounts {
            if path == mount || path.starts_with(&format!("{mount}/")) {
                return (key.clone(), path.to_string());
            }
        }
        (format!("pod:{}:/", self.uid), path.to_string())
    }
}

fn not_found(ctx: &PodCtx, tool: &str, out: &mut CommandOutput) {
    if ctx.is_busybox_like() {
        out.errln(&format!("sh: {tool}: not found"));
    } else {
        out.errln(&format!("sh: 1: {tool}: not found"));
    }
    out.exit_code = 127;
}

/// True when the pod's image has `program` on its PATH.
fn has_program(ctx: &PodCtx, program: &str) -> bool {
    match program {
        "sh" | "ash" | "hostname" | "echo" | "cat" | "ls" | "mkdir" | "touch" | "rm" | "env"
        | "printenv" | "date" | "df" | "true" | "false" => true,
        "bash" => !ctx.is_busybox_like(),
        "nslookup" => ctx.is_busybox_like(),
        "ping" => !ctx.is_slim_debian(),
        "redis-cli" => ctx.image_name() == "redis",
        _ => false,
    }
}

/// The container runtime's error when an exec'd program does not exist (kubectl prints it, exit 1).
fn exec_failure(ctx: &PodCtx, program: &str) -> String {
    let seed = format!("{}{program}", ctx.uid);
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    let mut id = String::with_capacity(64);
    for round in 0..4u64 {
        for b in seed.bytes().chain(round.to_le_bytes()) {
            state = (state ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        id.push_str(&format!("{state:016x}"));
    }
    format!("error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{id}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown")
}

/// True when `program` can run interactively in the pod's image (`sh`, `bash`, `redis-cli`).
pub fn has_interactive(pod: &Value, program: &str) -> bool {
    let image = pod
        .array_at(&["spec", "containers"])
        .first()
        .map(|c| c.str_at(&["image"]).to_string())
        .unwrap_or_default();
    match program {
        "sh" | "ash" => true,
        "bash" => !image.contains("busybox") && !image.contains("alpine"),
        "redis-cli" => image
            .rsplit('/')
            .next()
            .is_some_and(|i| i.starts_with("redis")),
        _ => false,
    }
}

/// Runs `argv` inside `pod`.
/// Runs `argv` inside `pod`; `Err` holds the runtime's error when the program does not exist.
pub fn exec(session: &mut Session, pod: &Value, argv: &[String]) -> Result<CommandOutput, String> {
    let ctx = PodCtx::new(session, pod);
    let program = argv
        .first()
        .map(|p| p.rsplit('/').next().unwrap_or(""))
        .unwrap_or("");
    if !has_program(&ctx, program) {
        return Err(exec_failure(&ctx, program));
    }
    Ok(run_argv(session, &ctx, argv))
}

/// The pod's log (containers here log nothing unless they ran a one-shot command).
pub fn logs(_session: &Session, _pod: &Value) -> String {
    String::new()
}

fn run_script(session: &mut Session, ctx: &PodCtx, script: &str) -> CommandOutput {
    let mut out = CommandOutput::default();
    let vars: BTreeMap<String, String> = ctx.env.iter().cloned().collect();
    for (connector, part) in split_list(script) {
        let go = match connector {
            Connector::Always => true,
            Connector::IfSuccess => out.exit_code == 0,
            Connector::IfFailure => out.exit_code != 0,
        };
        if !go {
            continue;
        }
        let Ok(words) = split_words(&part, &vars) else {
            out.errln("sh: syntax error: unterminated quoted string");
            out.exit_code = 2;
            return out;
        };
        if words.first().map(String::as_str) == Some("exit") {
            out.exit_code = words.get(1).and_then(|c| c.parse().ok()).unwrap_or(0);
            return out;
        }
        let result = run_argv(session, ctx, &words);
        out.append(result);
    }
    out
}

fn run_argv(session: &mut Session, ctx: &PodCtx, argv: &[String]) -> CommandOutput {
    let mut out = CommandOutput::default();
    let mut args: Vec<String> = Vec::new();
    let mut redirect: Option<(String, bool)> = None;
    let mut iter = argv.iter();
    while let Some(a) = iter.next() {
        match a.as_str() {
            ">" | ">>" => redirect = iter.next().map(|f| (f.clone(), a == ">>")),
            s if s.starts_with(">>") => redirect = Some((s[2..].to_string(), true)),
            s if s.starts_with('>') => redirect = Some((s[1..].to_string(), false)),
            _ => args.push(a.clone()),
        }
    }
    let Some(program) = args.first().cloned() else {
        return out;
    };
    let program = program.rsplit('/').next().unwrap_or("").to_string();
    let rest = &args[1..];
    match program.as_str() {
        "sh" | "bash" | "ash" => {
            if let Some(pos) = rest.iter().position(|a| a == "-c") {
                let script = rest.get(pos + 1).cloned().unwrap_or_default();
                out.append(run_script(session, ctx, &script));
            }
        }
        "hostname" => match rest.first().map(String::as_str) {
            Some("-f") => out.outln(&ctx.fqdn()),
            Some("-i") => out.outln(&ctx.ip),
            _ => out.outln(&ctx.hostname),
        },
        "echo" => {
            let (newline, words) = match rest.first().map(String::as_str) {
                Some("-n") => (false, &rest[1..]),
                _ => (true, rest),
            };
            out.out(&words.join(" "));
            if newline {
                out.out("\n");
            }
        }
        "cat" => {
            for path in rest {
                let (key, p) = ctx.volume_for(path);
                match session.pod_data.files.get(&key).and_then(|f| f.get(&p)) {
                    Some(text) => out.out(text),
                    None => {
                        out.errln(&format!("cat: {path}: No such file or directory"));
                        out.exit_code = 1;
                    }
                }
            }
        }
        "ls" => {
            let dir = rest
                .iter()
                .find(|a| !a.starts_with('-'))
                .cloned()
                .unwrap_or_else(|| "/".to_string());
            let dir = dir.trim_end_matches('/').to_string();
            let (key, _) = ctx.volume_for(&dir);
            let prefix = format!("{dir}/");
            let names: Vec<String> = session
                .pod_data
                .files
                .get(&key)
                .map(|files| {
                    files
                        .keys()
                        .filter_map(|p| p.strip_prefix(&prefix))
                        .map(|p| p.split('/').next().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default();
            let mut names = names;
            names.dedup();
            if !names.is_empty() {
                out.outln(&names.join("\n"));
            }
        }
        "mkdir" | "touch" => {
            if program == "touch" {
                for path in rest.iter().filter(|a| !a.starts_with('-')) {
                    let (key, p) = ctx.volume_for(path);
                    write_file(session, &key, &p, "", true);
                }
            }
        }
        "rm" => {
            for path in rest.iter().filter(|a| !a.starts_with('-')) {
                let (key, p) = ctx.volume_for(path);
                if let Some(files) = session.pod_data.files.get_mut(&key) {
                    files.remove(&p);
                    let prefix = format!("{p}/");
                    files.retain(|k, _| !k.starts_with(&prefix));
                }
            }
        }
        "env" | "printenv" => {
            out.outln("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            out.outln(&format!("HOSTNAME={}", ctx.hostname));
            for (k, v) in &ctx.env {
                out.outln(&format!("{k}={v}"));
            }
            out.outln("KUBERNETES_SERVICE_HOST=10.96.0.1");
            out.outln("KUBERNETES_SERVICE_PORT=443");
            out.outln("HOME=/root");
        }
        "date" => out.outln(&go_date(session.sim.now())),
        "df" => {
            out.outln("Filesystem      Size  Used Avail Use% Mounted on");
            out.outln("overlay          98G   12G   82G  13% /");
            for (mount, _) in ctx.mounts.iter().rev() {
                out.outln(&format!("/dev/sda1        98G   12G   82G  13% {mount}"));
            }
        }
        "true" => {}
        "false" => out.exit_code = 1,
        "exit" => out.exit_code = rest.first().and_then(|c| c.parse().ok()).unwrap_or(0),
        "nslookup" if ctx.is_busybox_like() => nslookup(session, ctx, rest, &mut out),
        "ping" if ctx.is_busybox_like() => ping(session, ctx, rest, &mut out),
        "ping" if !ctx.is_slim_debian() => ping_iputils(session, ctx, rest, &mut out),
        "redis-cli" if ctx.image_name() == "redis" => redis(session, ctx, rest, &mut out),
        other => not_found(ctx, other, &mut out),
    }
    if let Some((file, append)) = redirect {
        let (key, p) = ctx.volume_for(&file);
        let text = out.stdout();
        write_file(session, &key, &p, &text, append);
        let mut without_stdout = CommandOutput::default();
        for (is_err, chunk) in out.chunks {
            if is_err {
                without_stdout.err(&chunk);
            }
        }
        without_stdout.exit_code = out.exit_code;
        return without_stdout;
    }
    out
}

fn write_file(session: &mut Session, key: &str, path: &str, text: &str, append: bool) {
    let files = session.pod_data.files.entry(key.to_string()).or_default();
    if !files.contains_key(path) && files.len() >= MAX_FILES_PER_VOLUME {
        return;
    }
    let entry = files.entry(path.to_string()).or_default();
    if !append {
        entry.clear();
    }
    if entry.len() + text.len() <= crate::shell::MAX_FILE_BYTES {
        entry.push_str(text);
    }
}

fn go_date(ms: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let stamp = ordinal_core::clock::rfc3339(ms);
    let day = DAYS[((ms / 86_400_000) % 7) as usize];
    let month = stamp[5..7].parse::<usize>().unwrap_or(1).clamp(1, 12);
    format!(
        "{day} {} {} {} UTC {}",
        MONTHS[month - 1],
        stamp[8..10].trim_start_matches('0'),
        &stamp[11..19],
        &stamp[..4]
    )
}

fn pod_ready(pod: &Value) -> bool {
    pod.at(&["metadata", "deletionTimestamp"]).is_none()
        && pod
            .array_at(&["status", "conditions"])
            .iter()
            .any(|c| c.str_at(&["type"]) == "Ready" && c.str_at(&["status"]) == "True")
}

/// Answers for one fully qualified name: (ip, reverse name) pairs.
fn lookup(session: &Session, fqdn: &str) -> Vec<(String, String)> {
    let fqdn = fqdn.trim_end_matches('.').to_ascii_lowercase();
    if fqdn == DNS_NAME {
        return vec![(DNS_IP.to_string(), DNS_NAME.to_string())];
    }
    let Some(prefix) = fqdn.strip_suffix(&format!(".svc.{DOMAIN}")) else {
        return Vec::new();
    };
    let parts: Vec<&str> = prefix.split('.').collect();
    let (host, service, ns) = match parts.as_slice() {
        [svc, ns] => (None, *svc, *ns),
        [host, svc, ns] => (Some(*host), *svc, *ns),
        _ => return Vec::new(),
    };
    let Some(svc) = session.sim.object("services", ns, service) else {
        if fqdn == format!("kubernetes.default.svc.{DOMAIN}") {
            return vec![("10.96.0.1".to_string(), fqdn)];
        }
        return Vec::new();
    };
    let cluster_ip = svc.str_at(&["spec", "clusterIP"]);
    if cluster_ip != "None" && !cluster_ip.is_empty() {
        return match host {
            None => vec![(cluster_ip.to_string(), fqdn)],
            Some(_) => Vec::new(),
        };
    }
    let publish_not_ready = svc
        .at(&["spec", "publishNotReadyAddresses"])
        .and_then(Value::as_bool)
        == Some(true);
    let selector = match svc.at(&["spec", "selector"]) {
        Some(sel) if !sel.is_null() => Selector::from_labels(sel),
        _ => return Vec::new(),
    };
    let mut answers: Vec<(String, String)> = session
        .sim
        .list_refs("pods", Some(ns), "")
        .unwrap_or_default()
        .into_iter()
        .filter(|p| selector.matches(p.at(&["metadata", "labels"])))
        .filter(|p| !p.str_at(&["status", "podIP"]).is_empty())
        .filter(|p| publish_not_ready || pod_ready(p))
        .filter_map(|p| {
            let ip = p.str_at(&["status", "podIP"]).to_string();
            let hostname = p.str_at(&["spec", "hostname"]);
            let named = !hostname.is_empty() && p.str_at(&["spec", "subdomain"]) == service;
            let record = if named {
                hostname.to_string()
            } else {
                ip.replace('.', "-")
            };
            match host {
                Some(h) if h != record => None,
                _ => Some((ip, format!("{record}.{service}.{ns}.svc.{DOMAIN}"))),
            }
        })
        .collect();
    answers.sort_by_key(|(ip, _)| {
        ip.split('.')
            .map(|o| o.parse::<u32>().unwrap_or(0))
            .collect::<Vec<_>>()
    });
    answers
}

/// Resolves as libc does with the pod's resolv.conf (search list, ndots:5).
fn resolve_with_search(session: &Session, ctx: &PodCtx, name: &str) -> Vec<(String, String)> {
    let name = name.trim_end_matches('.');
    let search = [
        format!("{}.svc.{DOMAIN}", ctx.namespace),
        format!("svc.{DOMAIN}"),
        DOMAIN.to_string(),
    ];
    for domain in &search {
        let answers = lookup(session, &format!("{name}.{domain}"));
        if !answers.is_empty() {
            return answers;
        }
    }
    lookup(session, name)
}

fn nslookup(session: &Session, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        out.errln("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.");
        out.exit_code = 1;
        return;
    };
    if ctx.old_nslookup() {
        out.outln(&format!("{:<10} {DNS_IP}", "Server:"));
        out.outln(&format!("Address 1: {DNS_IP} {DNS_NAME}"));
        out.outln("");
        let answers = resolve_with_search(session, ctx, name);
        if answers.is_empty() {
            out.errln(&format!("nslookup: can't resolve '{name}'"));
            out.exit_code = 1;
            return;
        }
        out.outln(&format!("{:<10} {name}", "Name:"));
        for (i, (ip, ptr)) in answers.iter().enumerate() {
            out.outln(&format!("Address {}: {ip} {ptr}", i + 1));
        }
        return;
    }
    out.outln(&format!("Server:\t\t{DNS_IP}"));
    out.outln(&format!("Address:\t{DNS_IP}:53"));
    out.outln("");
    let candidates: Vec<String> = if name.contains('.') {
        vec![name.trim_end_matches('.').to_string()]
    } else {
        [
            format!("{}.svc.{DOMAIN}", ctx.namespace),
            format!("svc.{DOMAIN}"),
            DOMAIN.to_string(),
        ]
        .iter()
        .map(|d| format!("{name}.{d}"))
        .collect()
    };
    let mut failed = false;
    for candidate in &candidates {
        let answers = lookup(session, candidate);
        if answers.is_empty() {
            failed = true;
            out.outln(&format!("** server can't find {candidate}: NXDOMAIN"));
            out.outln("");
            out.outln(&format!("** server can't find {candidate}: NXDOMAIN"));
            out.outln("");
        } else {
            out.outln(&format!("Name:\t{candidate}"));
            for (ip, _) in &answers {
                out.outln(&format!("Address: {ip}"));
            }
            out.outln("");
            out.outln("");
        }
    }
    if failed {
        out.exit_code = 1;
    }
}

fn ping(session: &mut Session, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let count = args
        .iter()
        .position(|a| a == "-c")
        .and_then(|i| args.get(i + 1))
        .and_then(|c| c.parse::<u64>().ok())
        .unwrap_or(4)
        .min(MAX_PINGS);
    let Some(host) = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with('-') && (*i == 0 || args[i - 1] != "-c"))
        .map(|(_, a)| a)
    else {
        out.errln("ping: usage error");
        out.exit_code = 1;
        return;
    };
    let Some((ip, _)) = resolve_with_search(session, ctx, host).into_iter().next() else {
        out.errln(&format!("ping: bad address '{host}'"));
        out.exit_code = 1;
        return;
    };
    out.outln(&format!("PING {host} ({ip}): 56 data bytes"));
    for seq in 0..count {
        out.outln(&format!(
            "64 bytes from {ip}: seq={seq} ttl=64 time=0.{:03} ms",
            60 + seq * 7 % 40
        ));
        if seq + 1 < count {
            session.sim.advance(1000);
        }
    }
    out.outln("");
    out.outln(&format!("--- {host} ping statistics ---"));
    out.outln(&format!(
        "{count} packets transmitted, {count} packets received, 0% packet loss"
    ));
    out.outln("round-trip min/avg/max = 0.060/0.075/0.099 ms");
}

/// iputils `ping` (Debian/Ubuntu-based application images), which prints the canonical name.
fn ping_iputils(session: &mut Session, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let count = args
        .iter()
        .position(|a| a == "-c")
        .and_then(|i| args.get(i + 1))
        .and_then(|c| c.parse::<u64>().ok())
        .unwrap_or(4)
        .clamp(1, MAX_PINGS);
    let Some(host) = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with('-') && (*i == 0 || args[i - 1] != "-c"))
        .map(|(_, a)| a)
    else {
        out.errln("ping: usage error: Destination address required");
        out.exit_code = 1;
        return;
    };
    let Some((canonical, ip, ptr)) = resolve_canonical(session, ctx, host) else {
        out.errln(&format!("ping: {host}: Name or service not known"));
        out.exit_code = 2;
        return;
    };
    out.outln(&format!("PING {canonical} ({ip}) 56(84) bytes of data."));
    for seq in 1..=count {
        out.outln(&format!(
            "64 bytes from {ptr} ({ip}): icmp_seq={seq} ttl=64 time=0.0{} ms",
            50 + seq % 40
        ));
        if seq < count {
            session.sim.advance(1000);
        }
    }
    out.outln("");
    out.outln(&format!("--- {canonical} ping statistics ---"));
    out.outln(&format!(
        "{count} packets transmitted, {count} received, 0% packet loss, time {}ms",
        (count - 1) * 1000
    ));
    out.outln("rtt min/avg/max/mdev = 0.051/0.060/0.072/0.008 ms");
}

/// Resolves like [`resolve_with_search`] and also returns the name that answered.
fn resolve_canonical(
    session: &Session,
    ctx: &PodCtx,
    name: &str,
) -> Option<(String, String, String)> {
    let name = name.trim_end_matches('.');
    let search = [
        format!("{}.svc.{DOMAIN}", ctx.namespace),
        format!("svc.{DOMAIN}"),
        DOMAIN.to_string(),
    ];
    let candidates = search
        .iter()
        .map(|d| format!("{name}.{d}"))
        .chain(std::iter::once(name.to_string()));
    for candidate in candidates {
        if let Some((ip, ptr)) = lookup(session, &candidate).into_iter().next() {
            return Some((candidate, ip, ptr));
        }
    }
    None
}

fn redis(session: &mut Session, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let (key, _) = ctx.volume_for("/data/dump.rdb");
    let db = session.pod_data.redis.entry(key).or_default();
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .skip_while(|a| a.starts_with('-'))
        .collect();
    let Some(command) = words.first() else {
        return;
    };
    match (command.to_ascii_lowercase().as_str(), &words[1..]) {
        ("ping", _) => out.outln("PONG"),
        ("set", [k, v, ..]) => {
            if db.len() < MAX_REDIS_KEYS || db.contains_key(*k) {
                db.insert(k.to_string(), v.to_string());
            }
            out.outln("OK");
        }
        ("get", [k]) => match db.get(*k) {
            Some(v) => out.outln(&format!("\"{v}\"")),
            None => out.outln("(nil)"),
        },
        ("del", keys) => {
            let n = keys.iter().filter(|k| db.remove(**k).is_some()).count();
            out.outln(&format!("(integer) {n}"));
        }
        ("keys", _) => {
            if db.is_empty() {
                out.outln("(empty array)");
            }
            for (i, k) in db.keys().enumerate() {
                out.outln(&format!("{}) \"{k}\"", i + 1));
            }
        }
        ("dbsize", _) => out.outln(&format!("(integer) {}", db.len())),
        (other, _) => out.outln(&format!(
            "(error) ERR unknown command '{other}', with args beginning with: "
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ordinal_core::SimConfig;

    fn pod(image: &str) -> Value {
        Value::from([
            (
                "metadata",
                Value::from([
                    ("name", Value::from("web-0")),
                    ("namespace", Value::from("default")),
                    ("uid", Value::from("u-1")),
                ]),
            ),
            (
                "spec",
                Value::from([
                    ("hostname", Value::from("web-0")),
                    ("subdomain", Value::from("nginx")),
                    (
                        "containers",
                        Value::Array(vec![Value::from([
                            ("name", Value::from("c")),
                            ("image", Value::from(image)),
                        ])]),
                    ),
                ]),
            ),
        ])
    }

    fn run(session: &mut Session, image: &str, argv: &[&str]) -> Result<CommandOutput, String> {
        let argv: Vec<String> = argv.iter().map(|a| a.to_string()).collect();
        exec(session, &pod(image), &argv)
    }

    #[test]
    fn hostname_f_uses_the_governing_service() {
        let mut s = Session::new(SimConfig::default());
        let out = run(&mut s, "nginx:1.27", &["hostname", "-f"]).unwrap();
        assert_eq!(out.stdout(), "web-0.nginx.default.svc.cluster.local\n");
    }

    #[test]
    fn debian_images_have_no_ping_but_busybox_does() {
        let mut s = Session::new(SimConfig::default());
        let err = run(&mut s, "nginx:1.27", &["ping", "-c", "1", "x"]).unwrap_err();
        assert!(err.contains("exec: \"ping\": executable file not found in $PATH"));
        let out = run(&mut s, "redis:7.0", &["sh", "-c", "ping x"]).unwrap();
        assert_eq!(
            (out.stderr().as_str(), out.exit_code),
            ("sh: 1: ping: not found\n", 127)
        );
        assert!(run(&mut s, "busybox:1.28", &["ping", "-c", "1", "nope"]).is_ok());
    }

    #[test]
    fn busybox_1_28_nslookup_formats() {
        let mut s = Session::new(SimConfig::default());
        let out = run(&mut s, "busybox:1.28", &["nslookup", "kubernetes.default"]).unwrap();
        assert_eq!(
            out.stdout(),
            "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n"
        );
        let out = run(&mut s, "busybox:1.28", &["nslookup", "web-9.nginx"]).unwrap();
        assert_eq!(out.stderr(), "nslookup: can't resolve 'web-9.nginx'\n");
        assert_eq!(out.exit_code, 1);
    }

    #[test]
    fn files_written_with_redirection_can_be_read_back() {
        let mut s = Session::new(SimConfig::default());
        run(
            &mut s,
            "nginx",
            &["sh", "-c", "echo hi > /tmp/a; echo there >> /tmp/a"],
        )
        .unwrap();
        let out = run(&mut s, "nginx", &["cat", "/tmp/a"]).unwrap();
        assert_eq!(out.stdout(), "hi\nthere\n");
    }
}
