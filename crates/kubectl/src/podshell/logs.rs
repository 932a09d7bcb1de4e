//! What `kubectl logs` shows for the images learners run: the official nginx
//! image's entrypoint and nginx's start notices, redis-server's start banner
//! lines, nothing for busybox or other images running a quiet command. The
//! lines are the ones those images print at start (docker-library nginx
//! `docker-entrypoint.sh` and its `docker-entrypoint.d` scripts, nginx
//! `src/core/nginx.c`, redis `src/server.c`), stamped with the container's
//! start time; nothing is written after start.
//! The patch version a minor tag resolves to is the last one published.

use ordinal_model::Value;

/// nginx tags and the version they run.
const NGINX_VERSIONS: &[(&str, &str)] = &[
    ("1.25", "1.25.5"),
    ("1.26", "1.26.3"),
    ("1.27", "1.27.5"),
    ("1.28", "1.28.0"),
    ("1.29", "1.29.3"),
    ("latest", "1.29.3"),
];
/// redis tags and the version they run.
const REDIS_VERSIONS: &[(&str, &str)] = &[
    ("7.0", "7.0.15"),
    ("7.2", "7.2.11"),
    ("7.4", "7.4.6"),
    ("8.0", "8.0.4"),
    ("latest", "8.2.3"),
];

/// `(image name, tag)` of `registry/path/name:tag@digest`.
fn name_and_tag(image: &str) -> (&str, &str) {
    let without_digest = image.split('@').next().unwrap_or("");
    let last = without_digest.rsplit('/').next().unwrap_or("");
    match last.split_once(':') {
        Some((name, tag)) => (name, tag),
        None => (last, "latest"),
    }
}

/// The full version a tag runs: itself when it has three parts, else the table's.
fn version_for(tag: &str, table: &[(&str, &str)]) -> Option<String> {
    let base = tag.split('-').next().unwrap_or(tag);
    if base.split('.').count() == 3 {
        return Some(base.to_string());
    }
    table
        .iter()
        .find(|(t, _)| *t == base)
        .map(|(_, v)| v.to_string())
}

/// `(major, minor)` of a dotted version.
fn minor_of(version: &str) -> (u64, u64) {
    let mut parts = version.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// nginx's `2026/01/01 00:00:05` from an RFC 3339 time.
fn nginx_time(rfc3339: &str) -> String {
    if rfc3339.len() < 19 {
        return rfc3339.to_string();
    }
    format!(
        "{}/{}/{} {}",
        &rfc3339[..4],
        &rfc3339[5..7],
        &rfc3339[8..10],
        &rfc3339[11..19]
    )
}

/// redis's `01 Jan 2026 00:00:05.123`.
fn redis_time(rfc3339: &str, millis: u64) -> String {
    if rfc3339.len() < 19 {
        return rfc3339.to_string();
    }
    let month = rfc3339[5..7].parse::<usize>().unwrap_or(1).clamp(1, 12);
    format!(
        "{} {} {} {}.{millis:03}",
        &rfc3339[8..10],
        MONTHS[month - 1],
        &rfc3339[..4],
        &rfc3339[11..19]
    )
}

fn nginx(version: &str, started: &str, kernel: &str, cpus: u64) -> String {
    let (major, minor) = minor_of(version);
    if (major, minor) < (1, 19) {
        return String::new();
    }
    let mut text = String::from(
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n\
         /docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n\
         /docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n\
         10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf\n\
         10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n",
    );
    if (major, minor) >= (1, 25) {
        text.push_str(
            "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh\n",
        );
    }
    text.push_str(
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n",
    );
    if (major, minor) >= (1, 21) {
        text.push_str(
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh\n",
        );
    }
    text.push_str("/docker-entrypoint.sh: Configuration complete; ready for start up\n");
    let at = nginx_time(started);
    let gcc = if (major, minor) >= (1, 29) {
        "14.2.0 (Debian 14.2.0-19)"
    } else {
        "12.2.0 (Debian 12.2.0-14)"
    };
    for notice in [
        "using the \"epoll\" event method".to_string(),
        format!("nginx/{version}"),
        format!("built by gcc {gcc} "),
        format!("OS: Linux {kernel}"),
        "getrlimit(RLIMIT_NOFILE): 1048576:1048576".to_string(),
        "start worker processes".to_string(),
    ] {
        text.push_str(&format!("{at} [notice] 1#1: {notice}\n"));
    }
    for worker in 0..cpus.clamp(1, 64) {
        text.push_str(&format!(
            "{at} [notice] 1#1: start worker process {}\n",
            29 + worker
        ));
    }
    text
}

fn redis(version: &str, started: &str, port: i64) -> String {
    let (major, minor) = minor_of(version);
    let c = |ms: u64, mark: char, text: &str| {
        format!("1:C {} {mark} {text}\n", redis_time(started, ms))
    };
    let m = |ms: u64, mark: char, text: &str| {
        format!("1:M {} {mark} {text}\n", redis_time(started, ms))
    };
    let mut out = c(
        512,
        '#',
        "WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition. Being disabled, it can also cause failures without low memory condition, see https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect.",
    );
    out.push_str(&c(
        512,
        '*',
        "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
    ));
    out.push_str(&c(
        512,
        '*',
        &format!(
            "Redis version={version}, bits=64, commit=00000000, modified=0, pid=1, just started"
        ),
    ));
    out.push_str(&c(512, '#', "Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf"));
    out.push_str(&m(513, '*', "monotonic clock: POSIX clock_gettime"));
    out.push_str(&m(
        513,
        '*',
        &format!("Running mode=standalone, port={port}."),
    ));
    out.push_str(&m(514, '*', "Server initialized"));
    let ready = if (major, minor) >= (7, 2) {
        "Ready to accept connections tcp"
    } else {
        "Ready to accept connections"
    };
    out.push_str(&m(514, '*', ready));
    out
}

/// When `pod`'s first container started (running or terminated), if it did.
pub(super) fn started_at(pod: &Value) -> Option<&str> {
    let status = pod.array_at(&["status", "containerStatuses"]).first()?;
    ["running", "terminated"]
        .iter()
        .map(|s| status.str_at(&["state", s, "startedAt"]))
        .find(|s| !s.is_empty())
}

/// The log of `pod`'s first container; `node` is the node it runs on.
pub(super) fn container_log(pod: &Value, node: Option<&Value>) -> String {
    let Some(started) = started_at(pod) else {
        return String::new();
    };
    let container = pod
        .array_at(&["spec", "containers"])
        .first()
        .cloned()
        .unwrap_or_default();
    if !container.array_at(&["command"]).is_empty() || !container.array_at(&["args"]).is_empty() {
        return String::new();
    }
    let (name, tag) = name_and_tag(container.str_at(&["image"]));
    match name {
        "nginx" => {
            let Some(version) = version_for(tag, NGINX_VERSIONS) else {
                return String::new();
            };
            let kernel = node
                .map(|n| n.str_at(&["status", "nodeInfo", "kernelVersion"]))
                .unwrap_or("");
            let cpus = node
                .and_then(|n| n.at(&["status", "capacity", "cpu"]))
                .and_then(|c| {
                    c.as_str()
                        .and_then(|s| s.parse().ok())
                        .or(c.as_i64().map(|i| i as u64))
                })
                .unwrap_or(1);
            nginx(&version, started, kernel, cpus)
        }
        "redis" => match version_for(tag, REDIS_VERSIONS) {
            Some(version) => redis(&version, started, 6379),
            None => String::new(),
        },
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_resolve_to_versions() {
        assert_eq!(
            name_and_tag("docker.io/library/nginx:1.27"),
            ("nginx", "1.27")
        );
        assert_eq!(name_and_tag("redis"), ("redis", "latest"));
        assert_eq!(
            version_for("1.27", NGINX_VERSIONS).as_deref(),
            Some("1.27.5")
        );
        assert_eq!(
            version_for("1.14.2", NGINX_VERSIONS).as_deref(),
            Some("1.14.2")
        );
        assert_eq!(
            version_for("7.2-alpine", REDIS_VERSIONS).as_deref(),
            Some("7.2.11")
        );
    }

    #[test]
    fn redis_banner_is_stamped_with_the_start_time() {
        let log = redis("7.2.11", "2026-01-01T00:00:05Z", 6379);
        assert!(log.contains("1:C 01 Jan 2026 00:00:05.512 * Redis version=7.2.11, bits=64"));
        assert!(log.ends_with("1:M 01 Jan 2026 00:00:05.514 * Ready to accept connections tcp\n"));
    }

    #[test]
    fn old_nginx_images_log_nothing_at_start() {
        assert_eq!(nginx("1.14.2", "2026-01-01T00:00:05Z", "6.8.0", 2), "");
        let log = nginx("1.27.5", "2026-01-01T00:00:05Z", "6.8.0-60-generic", 2);
        assert!(log.contains("2026/01/01 00:00:05 [notice] 1#1: nginx/1.27.5\n"));
        assert!(log.ends_with("start worker process 30\n"));
    }
}
