//! The tiny shell inside a pod (`kubectl exec POD -- CMD`): hostname,
//! nslookup (busybox 1.28 and newer formats), ping, curl and wget (`http.rs`),
//! cat, echo with `>` and `>>`, ls, mkdir, touch, rm, df, env, date, sleep,
//! `test`/`[`, `sh -c` with `;`, `&&`, `||`, `$(...)` and `while`/`until`
//! loops, and redis-cli for redis images; error messages in busybox's or
//! coreutils' words by image. Which tools exist depends on the image:
//! busybox and alpine images have nslookup, ping and wget; Debian-based
//! images (nginx, redis) have neither nslookup nor ping; the nginx images
//! have curl.
//! Files live per volume: a PVC-backed mount keeps its data across pod
//! re-creation (keyed by the claim's uid), anything else dies with the pod,
//! and what is not under a mount is the container's own (gone when it
//! restarts).
//!
//! The same shell runs inside the kubelet ([`container_shell`], installed in
//! every session's simulator): a container's command, step by step on the
//! simulator's timeline (it stops at `sleep N` and hands back the rest, see
//! `ordinal_core::kubelet::script`), and exec probes. There time does not
//! pass while a command runs (`ping`, `curl` waits take none) and a program
//! the shell does not model is, in a container's script, the container's
//! process from then on (a server, a loop: the script ends there) and, in
//! an exec probe, a command that succeeds (the simulator cannot run it).
//! Under `kubectl exec`, `sleep` lets virtual time pass (until the running
//! `timeout`, or at most `MAX_UNBOUNDED_WAIT_MS`).

mod disk;
mod http;
mod logs;
mod network;
mod redis;

use std::cell::RefCell;
use std::collections::BTreeMap;

use ordinal_model::Value;

use ordinal_core::dns::DOMAIN;
use ordinal_core::kubelet::script::{sleep_ms, ShellEnd, ShellRun};
use ordinal_core::{limits, Sim};

use crate::shell::words::{split_list, split_words, Connector};
use crate::shell::Session;
use crate::transcript::CommandOutput;

/// What the shell knows about the pod it runs in.
struct PodCtx {
    namespace: String,
    hostname: String,
    subdomain: String,
    ip: String,
    image: String,
    uid: String,
    /// The pod itself (its mounts lead to volume keys, `Sim::volume_key`).
    pod: Value,
    /// Its first container's mount paths, longest first.
    mounts: Vec<String>,
    env: Vec<(String, String)>,
    /// When the running `timeout` kills the command (virtual ms).
    deadline: Option<u64>,
    /// Run by the kubelet (a container's script or an exec probe): time
    /// cannot pass while a command runs.
    in_kubelet: bool,
    /// A container's script: `sleep` stops the run, unknown programs end it.
    script: bool,
    /// Where a script's run stopped: the `sleep` ms and the rest of the
    /// script, or `None` after a program the shell does not model.
    stopped: RefCell<Option<Option<(u64, String)>>>,
    /// Shell variables the script set (`i=0`), over the container's env.
    vars: RefCell<BTreeMap<String, String>>,
}

impl PodCtx {
    fn new(pod: &Value) -> PodCtx {
        let ns = pod.str_at(&["metadata", "namespace"]).to_string();
        let uid = pod.str_at(&["metadata", "uid"]).to_string();
        let container = pod
            .array_at(&["spec", "containers"])
            .first()
            .cloned()
            .unwrap_or_default();
        let mut mounts: Vec<String> = container
            .array_at(&["volumeMounts"])
            .iter()
            .map(|m| m.str_at(&["mountPath"]).trim_end_matches('/').to_string())
            .collect();
        ordinal_model::order::sort_by_key(&mut mounts, |p| std::cmp::Reverse(p.len()));
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
            pod: pod.clone(),
            mounts,
            env,
            deadline: None,
            in_kubelet: false,
            script: false,
            stopped: RefCell::new(None),
            vars: RefCell::new(BTreeMap::new()),
        }
    }

    /// Lets `ms` of virtual time pass while a command waits (not inside the
    /// kubelet, where the clock is the kubelet's).
    fn wait(&self, sim: &mut Sim, ms: u64) {
        if !self.in_kubelet {
            sim.advance(ms);
        }
    }

    fn is_stopped(&self) -> bool {
        self.stopped.borrow().is_some()
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

    /// The volume key holding `path`, and the path (files are kept by
    /// their full path within a volume).
    fn volume_for(&self, sim: &Sim, path: &str) -> (String, String) {
        (sim.volume_key(&self.pod, path).0, path.to_string())
    }

    /// The text of the file at `path` in the pod: on its volumes or its
    /// container's filesystem, or the service account volume's namespace
    /// file every pod mounts (its token and CA are not modelled).
    fn file_text<'a>(&'a self, sim: &'a Sim, path: &str) -> Option<&'a str> {
        let (key, p) = self.volume_for(sim, path);
        match sim.file(&key, &p) {
            Some(text) => Some(text),
            None => (path == SERVICE_ACCOUNT_NAMESPACE).then_some(self.namespace.as_str()),
        }
    }
}

/// The pod that has `ip` as its address (a terminating one keeps it until
/// its containers stop).
fn pod_with_ip<'a>(sim: &'a Sim, ip: &str) -> Option<&'a Value> {
    let selector = format!("status.podIP={ip}");
    let pods = sim.list_refs("pods", None, "", &selector).ok()?;
    pods.into_iter().next()
}

fn not_found(ctx: &PodCtx, tool: &str, out: &mut CommandOutput) {
    if ctx.is_busybox_like() {
        out.errln(&format!("sh: {tool}: not found"));
    } else {
        out.errln(&format!("sh: 1: {tool}: not found"));
    }
    out.exit_code = 127;
}

/// Programs the shell knows, whether or not an image has them.
/// Most shell variables one script may set.
pub const MAX_SHELL_VARS: usize = 256;

const MODELLED: &[&str] = &["bash", "nslookup", "ping", "curl", "wget", "redis-cli"];

/// True when the pod's image has `program` on its PATH.
fn has_program(ctx: &PodCtx, program: &str) -> bool {
    match program {
        "sh" | "ash" | "hostname" | "echo" | "cat" | "ls" | "mkdir" | "touch" | "rm" | "env"
        | "printenv" | "date" | "df" | "true" | "false" | "sleep" | "test" | "[" => true,
        "bash" => !ctx.is_busybox_like(),
        "nslookup" => ctx.is_busybox_like(),
        "ping" => !ctx.is_slim_debian(),
        "curl" => matches!(ctx.image_name(), "nginx" | "nginx-slim" | "curl"),
        "wget" => ctx.is_busybox_like(),
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
    let mut ctx = PodCtx::new(pod);
    ctx.deadline = session.deadline;
    let program = argv
        .first()
        .map(|p| p.rsplit('/').next().unwrap_or(""))
        .unwrap_or("");
    if !has_program(&ctx, program) {
        return Err(exec_failure(&ctx, program));
    }
    Ok(run_argv(&mut session.sim, &ctx, argv))
}

/// The shell the kubelet runs commands in (`ordinal_core::kubelet::script`):
/// `argv` in the first container of `pod`, as a container's script (`script`:
/// up to the first `sleep`) or as an exec probe; `None` when the image has
/// no such program.
pub fn container_shell(
    sim: &mut Sim,
    pod: &Value,
    argv: &[String],
    script: bool,
) -> Option<ShellRun> {
    let mut ctx = PodCtx::new(pod);
    ctx.in_kubelet = true;
    ctx.script = script;
    let program = argv.first()?.rsplit('/').next().unwrap_or("");
    if !has_program(&ctx, program) {
        return None;
    }
    let out = run_argv(sim, &ctx, argv);
    let end = match ctx.stopped.take() {
        None => ShellEnd::Exited(i64::from(out.exit_code)),
        // The rest of the script runs later in a new run: it starts by
        // setting the variables this run set.
        Some(Some((ms, rest))) => {
            let mut resumed = String::new();
            for (name, value) in ctx.vars.borrow().iter() {
                resumed.push_str(&format!("{name}='{}'; ", value.replace('\'', "'\\''")));
            }
            resumed.push_str(&rest);
            ShellEnd::Sleep(ms, vec!["sh".into(), "-c".into(), resumed])
        }
        Some(None) => ShellEnd::Serving,
    };
    Some(ShellRun {
        output: out.combined(),
        end,
    })
}

/// A file's content for `kubectl cp POD:PATH` (`None` when it does not exist).
pub fn read_file(session: &Session, pod: &Value, path: &str) -> Option<String> {
    PodCtx::new(pod)
        .file_text(&session.sim, path)
        .map(str::to_string)
}

/// The file of the projected service account volume that names the pod's namespace.
const SERVICE_ACCOUNT_NAMESPACE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/// Directories every image has, besides its mounts and those holding files.
const IMAGE_DIRS: &[&str] = &[
    "/", "/bin", "/dev", "/etc", "/home", "/root", "/tmp", "/usr", "/var",
];

/// The files under directory `dir` in the pod, with their full paths, for
/// `kubectl cp POD:DIR` (empty when `dir` holds none).
pub fn files_under(session: &Session, pod: &Value, dir: &str) -> Vec<(String, String)> {
    let ctx = PodCtx::new(pod);
    let dir = dir.trim_end_matches('/');
    let (key, _) = ctx.volume_for(&session.sim, if dir.is_empty() { "/" } else { dir });
    let prefix = format!("{dir}/");
    session
        .sim
        .files_with_prefix(&key, &prefix)
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

/// Whether `path` is a directory in the pod (`test -d`): one every image
/// has, a volume's mount point, or one holding files.
pub fn is_dir(session: &Session, pod: &Value, path: &str) -> bool {
    is_dir_in(&session.sim, &PodCtx::new(pod), path)
}

fn is_dir_in(sim: &Sim, ctx: &PodCtx, path: &str) -> bool {
    let trimmed = path.trim_end_matches('/');
    let path = if trimmed.is_empty() { "/" } else { trimmed };
    if IMAGE_DIRS.contains(&path) || ctx.mounts.iter().any(|m| m == path) {
        return true;
    }
    let (key, _) = ctx.volume_for(sim, path);
    let prefix = format!("{path}/");
    let found = sim.files_with_prefix(&key, &prefix).next().is_some();
    found
}

/// `test EXPR` / `[ EXPR ]`: file tests (`-e`, `-f`, `-d`, `-s`, `-r`,
/// `-w`), string tests (`-n`, `-z`, `=`, `!=`), `!`; false for anything
/// else.
fn test(sim: &Sim, ctx: &PodCtx, args: &[String], bracket: bool) -> bool {
    let args = match (bracket, args.split_last()) {
        (true, Some((last, rest))) if last == "]" => rest,
        _ => args,
    };
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let (negate, words) = match words.split_first() {
        Some((&"!", rest)) if !rest.is_empty() => (true, rest),
        _ => (false, &words[..]),
    };
    let file = |path: &str| ctx.file_text(sim, path).map(str::len);
    let result = match *words {
        [] => false,
        [s] => !s.is_empty(),
        ["-n", s] => !s.is_empty(),
        ["-z", s] => s.is_empty(),
        ["-f" | "-r" | "-w", path] => file(path).is_some(),
        ["-s", path] => file(path).is_some_and(|n| n > 0),
        ["-d", path] => is_dir_in(sim, ctx, path),
        ["-e", path] => file(path).is_some() || is_dir_in(sim, ctx, path),
        [a, "=" | "==", b] => a == b,
        [a, "!=", b] => a != b,
        [a, op @ ("-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge"), b] => {
            match (a.trim().parse::<i64>(), b.trim().parse::<i64>()) {
                (Ok(a), Ok(b)) => match op {
                    "-eq" => a == b,
                    "-ne" => a != b,
                    "-lt" => a < b,
                    "-le" => a <= b,
                    "-gt" => a > b,
                    _ => a >= b,
                },
                _ => false,
            }
        }
        _ => false,
    };
    result != negate
}

/// Writes a file for `kubectl cp FILE POD:PATH`.
pub fn put_file(session: &mut Session, pod: &Value, path: &str, text: &str) {
    let ctx = PodCtx::new(pod);
    let (key, p) = ctx.volume_for(&session.sim, path);
    session.sim.write_file(&key, &p, text, false);
}

/// True for busybox and alpine images (busybox tools and messages).
pub fn is_busybox_like(pod: &Value) -> bool {
    PodCtx::new(pod).is_busybox_like()
}

/// The log of the pod's first container: the start lines its image prints
/// (see `logs.rs`, stamped with the container's start), or what its command
/// printed as the kubelet ran it (`Sim::container_log`); with `previous`,
/// the instance before the last restart's. With `timestamps`, each line
/// starts with the time it was written as the kubelet's log reader prints
/// it (`RFC3339NanoFixed`, pkg/kubelet/kuberuntime/logs/logs.go).
pub fn logs(session: &Session, pod: &Value, previous: bool, timestamps: bool) -> String {
    let node = session
        .sim
        .object("nodes", "", pod.str_at(&["spec", "nodeName"]));
    let start_lines = logs::container_log(pod, node);
    let stamp = |at: u64, line: &str| {
        if timestamps {
            let base = ordinal_core::clock::rfc3339(at);
            format!("{}.{:03}000000Z {line}", &base[..base.len() - 1], at % 1000)
        } else {
            line.to_string()
        }
    };
    if !start_lines.is_empty() {
        let started = logs::started_at(pod)
            .and_then(ordinal_core::clock::parse_rfc3339)
            .unwrap_or_default();
        return start_lines
            .split_inclusive('\n')
            .map(|line| stamp(started, line))
            .collect();
    }
    let Some(container) = pod.array_at(&["spec", "containers"]).first() else {
        return String::new();
    };
    session
        .sim
        .container_log(pod, container.str_at(&["name"]), previous)
        .unwrap_or_default()
        .iter()
        .map(|(at, line)| stamp(*at, line))
        .collect()
}

/// Replaces each `$(command)` outside single quotes with the command's output
/// (trailing newlines removed), as `sh` does.
fn substitute_commands(sim: &mut Sim, ctx: &PodCtx, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_single = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\'' {
            in_single = !in_single;
        }
        if !in_single && rest.starts_with("$(") && !rest.starts_with("$((") {
            if let Some(close) = rest.find(')') {
                let inner = rest[2..close].to_string();
                let result = run_script(sim, ctx, &inner);
                // A `sleep` inside `$(...)` takes no time.
                if ctx.stopped.borrow().as_ref().is_some_and(Option::is_some) {
                    ctx.stopped.take();
                }
                out.push_str(result.stdout().trim_end_matches('\n'));
                rest = &rest[close + 1..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Joins the parts of a list back into a script (a first part after `&&`
/// or `||` keeps its connector in front).
fn join_list(parts: &[(Connector, String)]) -> String {
    let mut text = String::new();
    for (i, (connector, part)) in parts.iter().enumerate() {
        text.push_str(match (i, connector) {
            (_, Connector::IfSuccess) => " && ",
            (_, Connector::IfFailure) => " || ",
            (0, Connector::Always) => "",
            (_, Connector::Always) => "; ",
        });
        text.push_str(part.trim());
    }
    text.trim_start().to_string()
}

/// The script left after a `sleep`: what its own script had left, then
/// the rest of this list (the sleep's status is 0, so `true` stands in for
/// it before a `&&` or `||`).
fn after_sleep(inner: &str, rest: &str) -> String {
    let chained = rest.starts_with("&&") || rest.starts_with("||");
    match (inner.is_empty(), rest.is_empty()) {
        (_, true) => inner.to_string(),
        (true, false) if chained => format!("true {rest}"),
        (true, false) => rest.to_string(),
        (false, false) if chained => format!("{inner} {rest}"),
        (false, false) => format!("{inner}; {rest}"),
    }
}

/// A `while`/`until` loop starting at `parts[at]`: (is `while`, its
/// condition, its body, the index of its `done`).
fn find_loop(parts: &[(Connector, String)], at: usize) -> Option<(bool, String, String, usize)> {
    let head = parts[at].1.trim();
    let (is_while, first) = match head.split_once(char::is_whitespace) {
        Some(("while", rest)) => (true, rest),
        Some(("until", rest)) => (false, rest),
        _ => return None,
    };
    let is_do = |p: &str| p == "do" || p.starts_with("do ");
    let do_at = (at..parts.len()).find(|&j| j > at && is_do(parts[j].1.trim()))?;
    // The first word of a part, or of what follows its `do`.
    let keyword_of = |part: &str| {
        let mut words = part.split_whitespace();
        let first = words.next().unwrap_or("");
        let word = if first == "do" {
            words.next().unwrap_or("")
        } else {
            first
        };
        word.to_string()
    };
    let opens = |keyword: &str| matches!(keyword, "while" | "until" | "for");
    let mut depth = usize::from(opens(&keyword_of(&parts[do_at].1)));
    let mut done_at = None;
    for (j, (_, part)) in parts.iter().enumerate().skip(do_at + 1) {
        let keyword = keyword_of(part);
        if opens(&keyword) {
            depth += 1;
        } else if keyword == "done" {
            if depth == 0 {
                done_at = Some(j);
                break;
            }
            depth -= 1;
        }
    }
    let done_at = done_at?;
    let mut cond = vec![(Connector::Always, first.to_string())];
    cond.extend_from_slice(&parts[at + 1..do_at]);
    let body_head = parts[do_at]
        .1
        .trim()
        .trim_start_matches("do")
        .trim()
        .to_string();
    let mut body = vec![(Connector::Always, body_head)];
    body.extend_from_slice(&parts[do_at + 1..done_at]);
    body.retain(|(_, p)| !p.trim().is_empty());
    Some((is_while, join_list(&cond), join_list(&body), done_at))
}

/// Runs a `while`/`until` loop (see [`find_loop`]); `whole` is the loop's
/// own text and `after` what follows it, for a `sleep` in the body to hand
/// back. A loop still going after [`limits::MAX_LOOP_ROUNDS`] rounds at one
/// instant stops there (in a container's script it runs on as its process).
fn run_loop(
    sim: &mut Sim,
    ctx: &PodCtx,
    (is_while, cond, body): (bool, &str, &str),
    whole: &str,
    after: &str,
) -> CommandOutput {
    let mut out = CommandOutput::default();
    let mut status = 0;
    // Under `kubectl exec`, a loop's sleeps let time pass: it ends with the
    // running `timeout`, or after as long as a command may wait.
    let until = ctx.deadline.unwrap_or_else(|| {
        sim.now()
            .saturating_add(crate::cmd::watch::MAX_UNBOUNDED_WAIT_MS)
    });
    for _ in 0..limits::MAX_LOOP_ROUNDS {
        if !ctx.in_kubelet && sim.now() >= until {
            break;
        }
        let test = run_script(sim, ctx, cond);
        // A condition's sleeps take no time.
        if ctx.is_stopped() {
            ctx.stopped.take();
        }
        let code = test.exit_code;
        out.append(test);
        if (code == 0) != is_while {
            out.exit_code = status;
            return out;
        }
        let round = run_script(sim, ctx, body);
        status = round.exit_code;
        out.append(round);
        if ctx.is_stopped() {
            if let Some(Some((_, rest))) = ctx.stopped.borrow_mut().as_mut() {
                *rest = after_sleep(rest, &after_sleep(whole, after));
            }
            return out;
        }
    }
    if ctx.script {
        *ctx.stopped.borrow_mut() = Some(None);
    }
    out.exit_code = status;
    out
}

fn run_script(sim: &mut Sim, ctx: &PodCtx, script: &str) -> CommandOutput {
    let mut out = CommandOutput::default();
    // Lines of a multi-line script run one after the other.
    let parts = split_list(&script.replace('\n', ";"));
    let mut i = 0;
    while i < parts.len() {
        let start = i;
        let (connector, part) = &parts[start];
        i += 1;
        let go = match connector {
            Connector::Always => true,
            Connector::IfSuccess => out.exit_code == 0,
            Connector::IfFailure => out.exit_code != 0,
        };
        if let Some((is_while, cond, body, done_at)) = find_loop(&parts, start) {
            i = done_at + 1;
            if go {
                let mut own = parts[start..i].to_vec();
                own[0].0 = Connector::Always;
                let whole = join_list(&own);
                let after = join_list(&parts[i..]);
                out.append(run_loop(sim, ctx, (is_while, &cond, &body), &whole, &after));
                if ctx.is_stopped() {
                    return out;
                }
            }
            continue;
        }
        if !go {
            continue;
        }
        let part = substitute_commands(sim, ctx, part);
        let vars: BTreeMap<String, String> = ctx
            .env
            .iter()
            .cloned()
            .chain(ctx.vars.borrow().clone())
            .collect();
        let Ok(words) = split_words(&part, &vars) else {
            out.errln("sh: syntax error: unterminated quoted string");
            out.exit_code = 2;
            return out;
        };
        if let Some(pairs) = crate::shell::words::assignments(&words) {
            if ctx.vars.borrow().len() + pairs.len() > MAX_SHELL_VARS {
                out.errln("sh: too many variables");
                out.exit_code = 2;
                return out;
            }
            ctx.vars.borrow_mut().extend(pairs);
            out.exit_code = 0;
            continue;
        }
        if words.first().map(String::as_str) == Some("exit") {
            out.exit_code = words.get(1).and_then(|c| c.parse().ok()).unwrap_or(0);
            return out;
        }
        let result = run_argv(sim, ctx, &words);
        out.append(result);
        if ctx.is_stopped() {
            if let Some(Some((_, rest))) = ctx.stopped.borrow_mut().as_mut() {
                *rest = after_sleep(rest, &join_list(&parts[i..]));
            }
            return out;
        }
    }
    out
}

fn run_argv(sim: &mut Sim, ctx: &PodCtx, argv: &[String]) -> CommandOutput {
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
                out.append(run_script(sim, ctx, &script));
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
                match ctx.file_text(sim, path) {
                    Some(text) => out.out(text),
                    None if ctx.is_busybox_like() => {
                        out.errln(&format!(
                            "cat: can't open '{path}': No such file or directory"
                        ));
                        out.exit_code = 1;
                    }
                    None => {
                        out.errln(&format!("cat: {path}: No such file or directory"));
                        out.exit_code = 1;
                    }
                }
            }
        }
        "test" | "[" => out.exit_code = i32::from(!test(sim, ctx, rest, program == "[")),
        "sleep" => {
            let ms = sleep_ms(rest.first().map(String::as_str));
            if ctx.script {
                *ctx.stopped.borrow_mut() = Some(Some((ms, String::new())));
            } else {
                let limit = ctx
                    .deadline
                    .map_or(crate::cmd::watch::MAX_UNBOUNDED_WAIT_MS, |d| {
                        d.saturating_sub(sim.now())
                    });
                ctx.wait(sim, ms.min(limit));
            }
        }
        "ls" => {
            let dir = rest
                .iter()
                .find(|a| !a.starts_with('-'))
                .cloned()
                .unwrap_or_else(|| "/".to_string());
            let dir = dir.trim_end_matches('/').to_string();
            let (key, p) = ctx.volume_for(sim, &dir);
            if sim.file(&key, &p).is_some() {
                out.outln(&dir);
                return out;
            }
            if !is_dir_in(sim, ctx, &dir) {
                if ctx.is_busybox_like() {
                    out.errln(&format!("ls: {dir}: No such file or directory"));
                    out.exit_code = 1;
                } else {
                    out.errln(&format!(
                        "ls: cannot access '{dir}': No such file or directory"
                    ));
                    out.exit_code = 2;
                }
                return out;
            }
            let prefix = format!("{dir}/");
            let mut names: Vec<String> = sim
                .files_with_prefix(&key, &prefix)
                .filter_map(|(p, _)| p.strip_prefix(&prefix))
                .map(|p| p.split('/').next().unwrap_or("").to_string())
                .collect();
            names.dedup();
            if !names.is_empty() {
                out.outln(&names.join("\n"));
            }
        }
        "mkdir" | "touch" => {
            if program == "touch" {
                for path in rest.iter().filter(|a| !a.starts_with('-')) {
                    let (key, p) = ctx.volume_for(sim, path);
                    sim.write_file(&key, &p, "", true);
                }
            }
        }
        "rm" => {
            for path in rest.iter().filter(|a| !a.starts_with('-')) {
                let (key, p) = ctx.volume_for(sim, path);
                sim.remove_files(&key, &p, true);
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
        "date" => out.outln(&go_date(sim.now())),
        "df" => {
            let targets: Vec<(String, Option<u64>)> = ctx
                .mounts
                .iter()
                .rev()
                .map(|m| (m.clone(), sim.mount_device_bytes(&ctx.pod, m)))
                .collect();
            out.out(&disk::df(&targets, ctx.is_busybox_like(), rest));
        }
        "true" => {}
        "false" => out.exit_code = 1,
        "exit" => out.exit_code = rest.first().and_then(|c| c.parse().ok()).unwrap_or(0),
        "nslookup" if ctx.is_busybox_like() => network::nslookup(sim, ctx, rest, &mut out),
        "ping" if ctx.is_busybox_like() => network::ping(sim, ctx, rest, &mut out),
        "ping" if !ctx.is_slim_debian() => network::ping_iputils(sim, ctx, rest, &mut out),
        "curl" if has_program(ctx, "curl") => http::curl(sim, ctx, rest, &mut out),
        "wget" if ctx.is_busybox_like() => http::wget(sim, ctx, rest, &mut out),
        "redis-cli" if ctx.image_name() == "redis" => redis::redis_cli(sim, ctx, rest, &mut out),
        // Inside the kubelet, a program the shell does not model is the
        // container's process from here on in a script (a server, a loop),
        // and passes in an exec probe (`pg_isready`, `mysqladmin ping`).
        other if ctx.in_kubelet && !MODELLED.contains(&other) => {
            if ctx.script {
                *ctx.stopped.borrow_mut() = Some(None);
            }
        }
        other => not_found(ctx, other, &mut out),
    }
    if let Some((file, append)) = redirect {
        let (key, p) = ctx.volume_for(sim, &file);
        let text = out.stdout();
        sim.write_file(&key, &p, &text, append);
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

fn go_date(ms: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let stamp = ordinal_core::clock::rfc3339(ms);
    let day = DAYS[((ms / 86_400_000) % 7) as usize];
    let month = stamp[5..7].parse::<usize>().unwrap_or(1).clamp(1, 12);
    // `%a %b %e %H:%M:%S %Z %Y`: the day of the month padded with a space.
    format!(
        "{day} {} {:>2} {} UTC {}",
        MONTHS[month - 1],
        stamp[8..10].trim_start_matches('0'),
        &stamp[11..19],
        &stamp[..4]
    )
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
    fn command_substitution_runs_the_inner_command() {
        let mut s = Session::new(SimConfig::default());
        let out = run(
            &mut s,
            "nginx",
            &["sh", "-c", "echo \"$(hostname)\" and '$(hostname)'"],
        )
        .unwrap();
        assert_eq!(out.stdout(), "web-0 and $(hostname)\n");
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

    fn shell(s: &mut Session, image: &str, script: &str, timeline: bool) -> ShellRun {
        let argv: Vec<String> = vec!["sh".into(), "-c".into(), script.into()];
        container_shell(&mut s.sim, &pod(image), &argv, timeline).expect("sh exists")
    }

    fn sleep_then(ms: u64, rest: &str) -> ShellEnd {
        ShellEnd::Sleep(ms, vec!["sh".into(), "-c".into(), rest.into()])
    }

    #[test]
    fn a_containers_script_stops_at_sleep_and_hands_back_the_rest() {
        let mut s = Session::new(SimConfig::default());
        let run = shell(
            &mut s,
            "busybox",
            "touch /tmp/a; echo one; sleep 2; echo two",
            true,
        );
        assert_eq!(run.output, "one\n");
        assert_eq!(run.end, sleep_then(2_000, "echo two"));
        assert_eq!(run_ok(&mut s, &["ls", "/tmp/a"]), "/tmp/a\n");
        let nested = shell(&mut s, "busybox", "sh -c 'sleep 1.5; echo a'; echo b", true);
        assert_eq!(nested.end, sleep_then(1_500, "echo a; echo b"));
        let chained = shell(&mut s, "busybox", "sleep 1 && echo x || echo y", true);
        assert_eq!(chained.end, sleep_then(1_000, "true && echo x || echo y"));
        let last = shell(&mut s, "busybox", "echo x; sleep 600", true);
        assert_eq!(last.end, sleep_then(600_000, ""));
        let done = shell(&mut s, "busybox", "", true);
        assert_eq!(done.end, ShellEnd::Exited(0));
    }

    #[test]
    fn a_loop_stops_at_its_sleep_and_comes_round_again() {
        let mut s = Session::new(SimConfig::default());
        let looped = "while true; do echo a; sleep 1; echo b; done; echo end";
        let run = shell(&mut s, "busybox", looped, true);
        assert_eq!(run.output, "a\n");
        assert_eq!(
            run.end,
            sleep_then(
                1_000,
                "echo b; while true; do echo a; sleep 1; echo b; done; echo end"
            )
        );
        let until = shell(
            &mut s,
            "busybox",
            "until [ -f /tmp/go ]; do sleep 2; done; echo go",
            true,
        );
        assert_eq!(
            until.end,
            sleep_then(2_000, "until [ -f /tmp/go ]; do sleep 2; done; echo go")
        );
        run_ok(&mut s, &["touch", "/tmp/go"]);
        let released = shell(
            &mut s,
            "busybox",
            "until [ -f /tmp/go ]; do sleep 2; done; echo go",
            true,
        );
        assert_eq!(
            (released.output.as_str(), released.end),
            ("go\n", ShellEnd::Exited(0))
        );
        let spin = shell(&mut s, "busybox", "while true; do true; done", true);
        assert_eq!(
            spin.end,
            ShellEnd::Serving,
            "a loop that never sleeps runs on"
        );
        let multi_line = shell(
            &mut s,
            "busybox",
            "while true\ndo\n  echo tick\n  sleep 5\ndone",
            true,
        );
        assert_eq!(multi_line.output, "tick\n");
        let nested = "while true; do while false; do echo x; done; echo in; sleep 1; done";
        let run = shell(&mut s, "busybox", nested, true);
        assert_eq!(
            (run.output.as_str(), run.end),
            ("in\n", sleep_then(1_000, nested))
        );
    }

    #[test]
    fn a_server_ends_the_script_and_a_probe_sees_the_files() {
        let mut s = Session::new(SimConfig::default());
        let run = shell(
            &mut s,
            "nginx",
            "echo hi > /usr/share/nginx/html/index.html && nginx -g 'daemon off;'; echo never",
            true,
        );
        assert_eq!((run.output.as_str(), run.end), ("", ShellEnd::Serving));
        assert_eq!(
            run_ok(&mut s, &["cat", "/usr/share/nginx/html/index.html"]),
            "hi\n"
        );
        let probe = shell(&mut s, "busybox", "cat /tmp/healthy", false);
        assert_eq!(
            probe,
            ShellRun {
                output: "cat: can't open '/tmp/healthy': No such file or directory\n".into(),
                end: ShellEnd::Exited(1),
            }
        );
        let unknown = shell(&mut s, "postgres", "pg_isready -U postgres", false);
        assert_eq!(
            unknown.end,
            ShellEnd::Exited(0),
            "what the shell cannot run passes"
        );
        let slept = shell(&mut s, "busybox", "sleep 3; test -e /tmp", false);
        assert_eq!(
            slept.end,
            ShellEnd::Exited(0),
            "a probe's sleeps take no time"
        );
    }

    fn run_ok(session: &mut Session, argv: &[&str]) -> String {
        run(session, "busybox", argv).expect("runs").combined()
    }
}
