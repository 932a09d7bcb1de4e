//! The simulated container runtime's view of images and processes.
//!
//! Documented rules (the simulator has no real registry or processes):
//! * An image cannot be pulled when its tag is one of [`MISSING_TAGS`]
//!   (`redis:nope`), or when a well-known image (nginx, redis, busybox, ...)
//!   has a tag that neither starts with a digit (or `v` and a digit) nor is one of
//!   [`WORD_TAGS`] (`nginx:lates` is a typo and fails).
//! * Pull time: [`timing::IMAGE_PULL_BASE_MS`] + size × per-MiB + jitter;
//!   sizes of well-known images are realistic, others derive from the name.
//! * A container exits by itself when its command is `true`/`false`/`echo`/
//!   `exit`/`nslookup` (busybox's, exit 1 when a name does not resolve), a shell `-c` script without a long-running part (`sleep`,
//!   `while`, `until`, `tail -f`, `exec`), or has no command and its image's default
//!   command is a shell (busybox, alpine, ubuntu, debian) and its stdin is
//!   not kept open (`kubectl run -it` keeps it open). Scripts with
//!   `exit N` or `false` exit non-zero. `sleep N` runs N seconds. When the
//!   in-pod shell ran the command to its end, its exit status is the
//!   container's, and a script with a loop exits when the shell finishes it
//!   (`script.rs`).
//! * Servers: a container's process serves unless it is a shell, `sleep` or
//!   a short command (shell scripts that start `httpd`, `nc -l`, ... serve).
//!   It listens on its declared containerPorts and on its well-known image's
//!   ports (nginx 80, redis 6379, ...); an app image that declares no ports
//!   listens wherever it is probed. It accepts connections after the image's
//!   warm-up ([`timing::APP_WARMUP_MS`] for images the table does not know).
//! * Shells running `sleep`/loops ignore SIGTERM (they are PID 1) and take the
//!   whole grace period to stop; everything else stops in
//!   [`timing::PROMPT_EXIT_MS`].

use ordinal_model::Value;

use super::script::sleep_ms;
use crate::controller::history::fnv1_32;
use crate::timing;

/// Tags that never exist in any registry.
pub const MISSING_TAGS: &[&str] = &[
    "nope",
    "notfound",
    "does-not-exist",
    "doesnotexist",
    "invalid",
    "missing",
    "bad",
    "broken",
];
/// Word tags well-known images publish.
pub const WORD_TAGS: &[&str] = &[
    "latest",
    "alpine",
    "stable",
    "mainline",
    "slim",
    "bookworm",
    "bullseye",
    "bookworm-slim",
    "musl",
    "glibc",
    "uclibc",
    "perl",
    "edge",
    "jammy",
    "noble",
    "focal",
];
/// A well-known image: name, size in MiB, the ports its server listens on
/// (`None` for shells and language runtimes, whose ports depend on the app)
/// and how long the server takes to start listening.
struct Known {
    name: &'static str,
    mib: u64,
    ports: Option<&'static [i64]>,
    warmup_ms: u64,
}

const fn known(
    name: &'static str,
    mib: u64,
    ports: Option<&'static [i64]>,
    warmup_ms: u64,
) -> Known {
    Known {
        name,
        mib,
        ports,
        warmup_ms,
    }
}

const WELL_KNOWN: &[Known] = &[
    known("nginx", 72, Some(&[80]), 300),
    known("redis", 45, Some(&[6379]), 200),
    known("busybox", 2, None, 0),
    known("alpine", 4, None, 0),
    known("ubuntu", 29, None, 0),
    known("debian", 49, None, 0),
    known("mysql", 170, Some(&[3306, 33060]), 8_000),
    known("postgres", 150, Some(&[5432]), 3_000),
    known("mongo", 250, Some(&[27017]), 3_000),
    known("httpd", 58, Some(&[80]), 300),
    known("registry.k8s.io/nginx-slim", 20, Some(&[80]), 300),
    known("zookeeper", 130, Some(&[2181, 2888, 3888, 8080]), 4_000),
    known("memcached", 32, Some(&[11211]), 200),
    known(
        "registry.k8s.io/coredns/coredns",
        21,
        Some(&[53, 8080, 8181, 9153]),
        500,
    ),
    known("python", 380, None, timing::APP_WARMUP_MS),
    known("node", 400, None, timing::APP_WARMUP_MS),
];

/// Splits `repo[:tag]` (digests keep the tag empty).
pub fn split_image(image: &str) -> (&str, &str) {
    if image.contains('@') {
        return (image.split('@').next().unwrap_or(image), "");
    }
    match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (image, ""),
    }
}

/// The fully qualified reference containerd reports (`docker.io/library/redis:7.2`).
pub fn qualified(image: &str) -> String {
    let (repo, tag) = split_image(image);
    let tag = if tag.is_empty() && !image.contains('@') {
        "latest"
    } else {
        tag
    };
    let first = repo.split('/').next().unwrap_or("");
    let full_repo = if repo.contains('/')
        && (first.contains('.') || first.contains(':') || first == "localhost")
    {
        repo.to_string()
    } else if repo.contains('/') {
        format!("docker.io/{repo}")
    } else {
        format!("docker.io/library/{repo}")
    };
    if image.contains('@') {
        format!("{full_repo}@{}", image.split('@').nth(1).unwrap_or(""))
    } else {
        format!("{full_repo}:{tag}")
    }
}

fn well_known(repo: &str) -> Option<&'static Known> {
    let short = repo
        .trim_start_matches("docker.io/")
        .trim_start_matches("library/");
    WELL_KNOWN.iter().find(|k| k.name == short)
}

/// True when the image can be pulled under the documented rule.
pub fn exists(image: &str) -> bool {
    let (repo, tag) = split_image(image);
    if MISSING_TAGS.contains(&tag) || repo.is_empty() {
        return false;
    }
    if well_known(repo).is_some() && !tag.is_empty() {
        let first_digit = tag
            .trim_start_matches('v')
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit());
        return first_digit
            || WORD_TAGS
                .iter()
                .any(|w| tag == *w || tag.ends_with(&format!("-{w}")));
    }
    true
}

/// Image size in bytes.
pub fn size_bytes(image: &str) -> u64 {
    let (repo, _) = split_image(image);
    let h = u64::from(fnv1_32(image.as_bytes()));
    let mib = well_known(repo).map_or(20 + h % 80, |k| k.mib);
    mib * 1_048_576 + h % 1_000_000
}

/// Pull duration in ms before jitter.
pub fn pull_ms(image: &str) -> u64 {
    timing::IMAGE_PULL_BASE_MS + size_bytes(image) / 1_048_576 * timing::IMAGE_PULL_MS_PER_MIB
}

/// `sha256:<64 hex>` derived from the image name.
pub fn digest(image: &str) -> String {
    let mut out = String::from("sha256:");
    let mut seed = fnv1_32(image.as_bytes());
    for i in 0..8u32 {
        seed = fnv1_32(&[seed.to_be_bytes(), i.to_be_bytes()].concat());
        out.push_str(&format!("{seed:08x}"));
    }
    out
}

/// `imagePullPolicy` with the API default applied.
pub fn pull_policy(container: &Value) -> String {
    match container.str_at(&["imagePullPolicy"]) {
        "" => {
            let image = container.str_at(&["image"]);
            let (_, tag) = split_image(image);
            if image.contains('@') || (!tag.is_empty() && tag != "latest") {
                "IfNotPresent".into()
            } else {
                "Always".into()
            }
        }
        p => p.into(),
    }
}

/// How a container's main process behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Process {
    /// `Some((run_ms, exit_code))` when it exits by itself.
    pub exits: Option<(u64, i64)>,
    /// True when SIGTERM is ignored (stops only at the end of the grace period).
    pub ignores_sigterm: bool,
}

fn words(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The command line a container runs (`command` then `args`).
pub fn argv(container: &Value) -> Vec<String> {
    let mut argv = words(container.get("command").unwrap_or(&Value::Null));
    argv.extend(words(container.get("args").unwrap_or(&Value::Null)));
    argv
}

fn is_shell(exe: &str) -> bool {
    matches!(exe, "sh" | "bash" | "ash" | "dash")
}

fn executable(argv: &[String]) -> Option<&str> {
    argv.first()
        .map(|first| first.rsplit('/').next().unwrap_or(first))
}

/// The `-c` script of a shell command line, if it is one.
pub fn shell_script(argv: &[String]) -> Option<&str> {
    if !executable(argv).is_some_and(is_shell) {
        return None;
    }
    argv.iter()
        .skip_while(|a| *a != "-c")
        .nth(1)
        .map(String::as_str)
}

fn short_name(image: &str) -> &str {
    let (repo, _) = split_image(image);
    repo.rsplit('/').next().unwrap_or(repo)
}

/// Words in a shell script that start a network server.
const SERVER_WORDS: &[&str] = &["nc -l", "httpd", "redis-server", "nginx", "http.server"];

/// True when the container's main process is a network server (an image's
/// default command or an app), not a shell, `sleep` or a short command.
pub fn serves(container: &Value) -> bool {
    let argv = argv(container);
    match executable(&argv) {
        None => !matches!(
            short_name(container.str_at(&["image"])),
            "busybox" | "alpine" | "ubuntu" | "debian"
        ),
        Some(exe) if is_shell(exe) => {
            let script = shell_script(&argv).unwrap_or("");
            SERVER_WORDS.iter().any(|w| script.contains(w))
        }
        Some(
            "true" | "false" | "exit" | "echo" | "date" | "env" | "hostname" | "ls" | "cat"
            | "sleep" | "tail" | "nslookup",
        ) => false,
        Some(_) => true,
    }
}

/// True when the container accepts connections on `port` once warmed up:
/// its process serves and the port is a declared containerPort or a port its
/// well-known image listens on; an app image declaring no ports is assumed
/// to listen where it is probed (the simulator cannot know its ports).
pub fn listens_on(container: &Value, port: i64) -> bool {
    if !serves(container) {
        return false;
    }
    let declared = container.array_at(&["ports"]);
    if declared
        .iter()
        .any(|p| p.i64_at(&["containerPort"]) == Some(port))
    {
        return true;
    }
    let (repo, _) = split_image(container.str_at(&["image"]));
    match well_known(repo).and_then(|k| k.ports) {
        Some(ports) => ports.contains(&port),
        None => declared.is_empty(),
    }
}

/// Milliseconds from a container's start until its server accepts connections.
pub fn warmup_ms(container: &Value) -> u64 {
    let (repo, _) = split_image(container.str_at(&["image"]));
    well_known(repo).map_or(timing::APP_WARMUP_MS, |k| k.warmup_ms)
}

/// True for static web servers that answer 404 for paths they do not serve.
pub fn serves_static_files(container: &Value) -> bool {
    let (repo, _) = split_image(container.str_at(&["image"]));
    well_known(repo)
        .is_some_and(|k| matches!(k.name, "nginx" | "httpd" | "registry.k8s.io/nginx-slim"))
        && executable(&argv(container)).is_none_or(|e| !is_shell(e))
}

/// The process model of a container (see the module rules).
pub fn process(container: &Value) -> Process {
    let argv = argv(container);
    let forever = Process {
        exits: None,
        ignores_sigterm: false,
    };
    let interactive_shell =
        executable(&argv).is_none_or(|e| is_shell(e) && shell_script(&argv).is_none());
    if interactive_shell && container.at(&["stdin"]).and_then(Value::as_bool) == Some(true) {
        return forever;
    }
    let Some(exe) = executable(&argv) else {
        return if matches!(
            short_name(container.str_at(&["image"])),
            "busybox" | "alpine" | "ubuntu" | "debian"
        ) {
            Process {
                exits: Some((timing::SHORT_COMMAND_RUN_MS, 0)),
                ignores_sigterm: false,
            }
        } else {
            forever
        };
    };
    match exe {
        "true" | "echo" | "date" | "env" | "hostname" | "ls" | "cat" | "nslookup" => Process {
            exits: Some((timing::SHORT_COMMAND_RUN_MS, 0)),
            ignores_sigterm: false,
        },
        "false" | "exit" => Process {
            exits: Some((timing::SHORT_COMMAND_RUN_MS, 1)),
            ignores_sigterm: false,
        },
        "sleep" => Process {
            exits: argv
                .get(1)
                .map(|n| sleep_ms(Some(n)))
                .filter(|ms| *ms < u64::MAX)
                .map(|ms| (ms, 0)),
            ignores_sigterm: true,
        },
        e if is_shell(e) => shell(shell_script(&argv).unwrap_or("")),
        _ => forever,
    }
}

fn shell(script: &str) -> Process {
    let long = [
        "while",
        "until",
        "tail -f",
        "sleep infinity",
        "exec ",
        "nc -l",
        "httpd",
        "redis-server",
        "nginx",
    ];
    if long.iter().any(|w| script.contains(w)) {
        return Process {
            exits: None,
            ignores_sigterm: true,
        };
    }
    let mut run = timing::SHORT_COMMAND_RUN_MS;
    let mut toks = script
        .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
        .peekable();
    let mut code = 0;
    while let Some(t) = toks.next() {
        match t {
            "sleep" => run = run.saturating_add(sleep_ms(toks.peek().copied())),
            "exit" => code = toks.peek().and_then(|n| n.parse::<i64>().ok()).unwrap_or(0),
            "false" => code = 1,
            _ => {}
        }
    }
    Process {
        exits: Some((run, code)),
        ignores_sigterm: run > timing::SHORT_COMMAND_RUN_MS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(image: &str, command: &[&str]) -> Value {
        let mut v = Value::from([("image", Value::from(image))]);
        if !command.is_empty() {
            v.set(
                &["command"],
                Value::from(command.iter().map(|s| Value::from(*s)).collect::<Vec<_>>()),
            );
        }
        v
    }

    #[test]
    fn missing_images_follow_the_documented_rule() {
        assert!(exists("nginx:1.27"));
        assert!(exists("redis:7.2-alpine"));
        assert!(exists("nginx"));
        assert!(exists("registry.k8s.io/nginx-slim:0.8"));
        assert!(!exists("redis:nope"));
        assert!(!exists("nginx:lates"));
        assert!(exists("example.com/team/app:v2"));
    }

    #[test]
    fn qualified_names_like_containerd() {
        assert_eq!(qualified("redis:nope"), "docker.io/library/redis:nope");
        assert_eq!(qualified("bitnami/redis"), "docker.io/bitnami/redis:latest");
        assert_eq!(
            qualified("registry.k8s.io/nginx-slim:0.8"),
            "registry.k8s.io/nginx-slim:0.8"
        );
    }

    #[test]
    fn processes() {
        assert_eq!(process(&c("nginx:1.27", &[])).exits, None);
        assert!(process(&c("busybox:1.28", &[])).exits.is_some());
        assert_eq!(
            process(&c("busybox", &["sh", "-c", "sleep 3600"]))
                .exits
                .map(|e| e.1),
            Some(0)
        );
        assert_eq!(
            process(&c("busybox", &["sh", "-c", "while true; do sleep 1; done"])).exits,
            None
        );
        assert_eq!(
            process(&c("busybox", &["sh", "-c", "echo hi; exit 3"]))
                .exits
                .map(|e| e.1),
            Some(3)
        );
        assert_eq!(
            process(&c("redis:7.0", &["redis-server", "--appendonly", "yes"])).exits,
            None
        );
        let mut attached = c("busybox:1.28", &[]);
        attached.set(&["stdin"], Value::Bool(true));
        assert_eq!(process(&attached).exits, None);
        let lookup = c("busybox:1.28", &["nslookup", "web-0.nginx"]);
        assert!(process(&lookup).exits.is_some());
        assert_eq!(pull_policy(&c("nginx", &[])), "Always");
        assert_eq!(pull_policy(&c("nginx:1.27", &[])), "IfNotPresent");
    }
}
