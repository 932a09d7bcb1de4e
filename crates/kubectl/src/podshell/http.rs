//! HTTP from inside a pod: `curl` (the nginx images ship curl 7.88) and
//! busybox `wget`, against the cluster as it is now.
//!
//! A URL's host is resolved as the pod resolves it (`localhost` is the pod
//! itself, other names through the cluster DNS with the pod's search list).
//! A Service's cluster IP leads to its first ready endpoint (kube-proxy
//! picks one at random; the simulation is deterministic) on the Service
//! port's target port; a pod IP leads to that pod. The connection is refused
//! when no endpoint is ready or no container listens on the port
//! (`images::listens_on`, after its warm-up); it times out when the pod's
//! node is down or nothing has the address.
//!
//! What answers: the static web servers (nginx, nginx-slim, httpd) serve the
//! pod's files from their document root (`Sim::static_page`, which the
//! kubelet's HTTP probes read too), so a page written with `echo >` on a
//! claim is what `curl` fetches, from any pod, after the pod is recreated.
//! redis and other non-HTTP servers close the connection (`curl: (52) Empty
//! reply from server`); any other app answers 200 with an empty body (the
//! simulator cannot know its routes).
//!
//! Modelled flags: curl `-s`, `-S`, `-f`, `-o FILE`, `-w FORMAT`
//! (`%{http_code}`, `%{response_code}`), `-m`/`--max-time`,
//! `--connect-timeout`; other flags are accepted and change nothing (no
//! headers with `-i`/`-I`/`-v`, no progress meter). busybox wget `-q`,
//! `-O FILE` (`-` for stdout; relative names land in `/`, the working
//! directory of the images' shells), `-T SECONDS`; without `-q` it prints
//! its `Connecting to`, `writing to`/`saving to` and final lines but no
//! progress bar.

use ordinal_core::kubelet::images;

use super::{pod_with_ip, PodCtx};
use crate::transcript::CommandOutput;
use ordinal_core::Sim;

/// How long a connection to an address nobody answers takes to fail
/// without `--max-time` (Linux gives up after 6 SYN retries, ~127 s).
const SYN_TIMEOUT_MS: u64 = 129_000;

/// What a request got.
enum Reply {
    /// An HTTP response: status code, reason, body.
    Http(u16, &'static str, String),
    /// The server closed the connection without answering.
    Empty,
}

/// Why a request got no reply.
enum Failure {
    /// The host name does not resolve.
    Resolve,
    /// Nothing listens: the connection is refused (target IP shown by wget).
    Refused(String),
    /// Nothing answers: the connection times out.
    Timeout(String),
}

/// A parsed URL.
struct Url {
    host: String,
    port: i64,
    path: String,
}

fn parse_url(text: &str) -> Url {
    let (default_port, rest) = match text.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => (443, rest),
        Some((_, rest)) => (80, rest),
        None => (80, text),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().unwrap_or(default_port)),
        None => (authority, default_port),
    };
    Url {
        host: host.to_string(),
        port,
        path,
    }
}

/// The pod IP and port a Service's cluster IP and port lead to: the first
/// ready address of its Endpoints on the matching port (`None` when `ip`
/// is no Service's, `Some(None)` when the Service has nowhere to send it).
fn through_service(sim: &Sim, ip: &str, port: i64) -> Option<Option<(String, i64)>> {
    let services = sim.list_refs("services", None, "", "").ok()?;
    let svc = services
        .into_iter()
        .find(|s| s.str_at(&["spec", "clusterIP"]) == ip)?;
    let ns = svc.str_at(&["metadata", "namespace"]);
    let Some(svc_port) = svc
        .array_at(&["spec", "ports"])
        .iter()
        .find(|p| p.i64_at(&["port"]) == Some(port))
    else {
        return Some(None);
    };
    let port_name = svc_port.str_at(&["name"]);
    let endpoints = sim.object("endpoints", ns, svc.str_at(&["metadata", "name"]));
    let target = endpoints.and_then(|e| {
        e.array_at(&["subsets"]).iter().find_map(|subset| {
            let target_port = subset
                .array_at(&["ports"])
                .iter()
                .find(|p| p.str_at(&["name"]) == port_name)?
                .i64_at(&["port"])?;
            let address = subset.array_at(&["addresses"]).first()?;
            Some((address.str_at(&["ip"]).to_string(), target_port))
        })
    });
    Some(target)
}

/// Non-HTTP servers that hang up on an HTTP request.
const HANGS_UP: &[&str] = &[
    "redis",
    "mysql",
    "mariadb",
    "postgres",
    "mongo",
    "memcached",
];

/// Sends `GET url` from the pod `ctx`; the reply and the address the host
/// resolved to.
fn request(sim: &Sim, ctx: &PodCtx, url: &Url) -> Result<(Reply, String), Failure> {
    let ip = match url.host.as_str() {
        "localhost" | "127.0.0.1" => ctx.ip.clone(),
        host if host.parse::<std::net::Ipv4Addr>().is_ok() => host.to_string(),
        host => match sim.dns_resolve(&ctx.namespace, host) {
            Some((_, answers)) => answers
                .into_iter()
                .next()
                .map(|(ip, _)| ip)
                .ok_or(Failure::Resolve)?,
            None => return Err(Failure::Resolve),
        },
    };
    let (pod_ip, port) = match through_service(sim, &ip, url.port) {
        Some(Some((pod_ip, port))) => (pod_ip, port),
        Some(None) => return Err(Failure::Refused(ip)),
        None => (ip.clone(), url.port),
    };
    let Some(pod) = pod_with_ip(sim, &pod_ip) else {
        return Err(Failure::Timeout(ip));
    };
    let node = pod.str_at(&["spec", "nodeName"]);
    if sim.kubelet_dial_error(node).is_some() {
        return Err(Failure::Timeout(ip));
    }
    let now = sim.now();
    let statuses = pod.array_at(&["status", "containerStatuses"]);
    let serving = pod.array_at(&["spec", "containers"]).iter().find(|c| {
        let started = statuses
            .iter()
            .find(|s| s.str_at(&["name"]) == c.str_at(&["name"]))
            .and_then(|s| {
                ordinal_core::clock::parse_rfc3339(s.str_at(&["state", "running", "startedAt"]))
            });
        images::listens_on(c, port) && started.is_some_and(|at| at + images::warmup_ms(c) <= now)
    });
    let Some(container) = serving else {
        return Err(Failure::Refused(ip));
    };
    if images::serves_static_files(container) {
        let page = sim.static_page(pod, container, &url.path);
        return Ok((Reply::Http(page.code, page.reason, page.body), ip));
    }
    let (repo, _) = images::split_image(container.str_at(&["image"]));
    let name = repo.rsplit('/').next().unwrap_or(repo);
    if HANGS_UP.contains(&name) {
        return Ok((Reply::Empty, ip));
    }
    Ok((Reply::Http(200, "OK", String::new()), ip))
}

/// The value of a flag given as `-X V`, `-XV`, in a cluster (`-qO-`,
/// `-qO FILE`) or as `--long V`/`--long=V`.
fn flag_value<'a>(args: &'a [String], short: char, long: &str) -> Option<&'a str> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == long {
            return iter.next().map(String::as_str);
        }
        if let Some(v) = arg.strip_prefix(long).and_then(|v| v.strip_prefix('=')) {
            return Some(v);
        }
        let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.starts_with('-')) else {
            continue;
        };
        let letters = cluster
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(cluster.len());
        if let Some(at) = cluster[..letters].find(short) {
            let rest = &cluster[at + 1..];
            return if rest.is_empty() {
                iter.next().map(String::as_str)
            } else {
                Some(rest)
            };
        }
    }
    None
}

/// Whether a short switch is given, alone or in a cluster (`-sS`).
fn has_switch(args: &[String], short: char, long: &str) -> bool {
    args.iter().any(|a| {
        a == long
            || (a.starts_with('-')
                && !a.starts_with("--")
                && a[1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .any(|c| c == short))
    })
}

/// The URL argument: the first word that is not a flag or a flag's value.
fn url_arg<'a>(args: &'a [String], valued: &[&str]) -> Option<&'a str> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if valued.contains(&arg.as_str()) {
            iter.next();
        } else if !arg.starts_with('-') {
            return Some(arg);
        }
    }
    None
}

/// Flags of curl that take a value.
const CURL_VALUED: &[&str] = &[
    "-o",
    "--output",
    "-w",
    "--write-out",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-H",
    "--header",
    "-d",
    "--data",
    "-X",
    "--request",
    "-A",
    "--user-agent",
    "-u",
    "--user",
];

/// `curl ARGS` in the pod `ctx`.
pub(super) fn curl(sim: &mut Sim, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let Some(target) = url_arg(args, CURL_VALUED) else {
        out.errln("curl: try 'curl --help' or 'curl --manual' for more information");
        out.exit_code = 2;
        return;
    };
    let silent = has_switch(args, 's', "--silent");
    let show_error = has_switch(args, 'S', "--show-error");
    let fail = has_switch(args, 'f', "--fail");
    let url = parse_url(target);
    let max_time = flag_value(args, 'm', "--max-time")
        .or_else(|| flag_value(args, '\0', "--connect-timeout"))
        .and_then(|s| s.parse::<f64>().ok());
    let error = |out: &mut CommandOutput, code: i32, message: String| {
        if !silent || show_error {
            out.errln(&format!("curl: ({code}) {message}"));
        }
        out.exit_code = code;
    };
    let reply = match request(sim, ctx, &url) {
        Ok((reply, _)) => reply,
        Err(Failure::Resolve) => {
            return error(out, 6, format!("Could not resolve host: {}", url.host));
        }
        Err(Failure::Refused(_)) => {
            return error(
                out,
                7,
                format!(
                    "Failed to connect to {} port {} after 0 ms: Couldn't connect to server",
                    url.host, url.port
                ),
            );
        }
        Err(Failure::Timeout(_)) => {
            let waited = max_time.map_or(SYN_TIMEOUT_MS, |s| (s * 1000.0) as u64 + 1);
            ctx.wait(sim, waited);
            let message = match max_time {
                Some(_) => format!("Connection timed out after {waited} milliseconds"),
                None => format!(
                    "Failed to connect to {} port {} after {waited} ms: Couldn't connect to server",
                    url.host, url.port
                ),
            };
            return error(out, 28, message);
        }
    };
    let (code, body) = match reply {
        Reply::Empty => return error(out, 52, "Empty reply from server".to_string()),
        Reply::Http(code, _, body) => (code, body),
    };
    if fail && code >= 400 {
        return error(out, 22, format!("The requested URL returned error: {code}"));
    }
    match flag_value(args, 'o', "--output") {
        Some("/dev/null") => {}
        Some(file) => {
            // Relative names land in `/`, the images' working directory.
            let path = format!("/{}", file.trim_start_matches('/'));
            let (key, path) = ctx.volume_for(sim, &path);
            sim.write_file(&key, &path, &body, false);
        }
        None => out.out(&body),
    }
    if let Some(format) = flag_value(args, 'w', "--write-out") {
        let text = format
            .replace("%{http_code}", &code.to_string())
            .replace("%{response_code}", &code.to_string())
            .replace("\\n", "\n");
        out.out(&text);
    }
}

/// busybox `wget ARGS` in the pod `ctx`.
pub(super) fn wget(sim: &mut Sim, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let Some(target) = url_arg(args, &["-O", "-T", "-U", "--header"]) else {
        out.errln("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.");
        out.exit_code = 1;
        return;
    };
    let quiet = has_switch(args, 'q', "--quiet");
    let url = parse_url(target);
    let output = flag_value(args, 'O', "--output-document");
    let fail = |out: &mut CommandOutput, message: String| {
        out.errln(&format!("wget: {message}"));
        out.exit_code = 1;
    };
    let connecting = |out: &mut CommandOutput, ip: &str| {
        if !quiet {
            out.errln(&format!("Connecting to {} ({ip}:{})", url.host, url.port));
        }
    };
    let reply = match request(sim, ctx, &url) {
        Ok((reply, ip)) => {
            connecting(out, &ip);
            reply
        }
        Err(Failure::Resolve) => return fail(out, format!("bad address '{}'", url.host)),
        Err(Failure::Refused(ip)) => {
            connecting(out, &ip);
            return fail(
                out,
                format!("can't connect to remote host ({ip}): Connection refused"),
            );
        }
        Err(Failure::Timeout(ip)) => {
            connecting(out, &ip);
            let seconds = flag_value(args, 'T', "--timeout")
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(900);
            ctx.wait(sim, seconds * 1000);
            return fail(out, "download timed out".to_string());
        }
    };
    let (code, reason, body) = match reply {
        Reply::Empty => return fail(out, "error getting response".to_string()),
        Reply::Http(code, reason, body) => (code, reason, body),
    };
    if code >= 400 {
        return fail(
            out,
            format!("server returned error: HTTP/1.1 {code} {reason}"),
        );
    }
    let file = match output {
        Some("-") => {
            if !quiet {
                out.errln("writing to stdout");
            }
            out.out(&body);
            if !quiet {
                out.errln("written to stdout");
            }
            return;
        }
        Some(file) => file.to_string(),
        None => {
            let name = url.path.rsplit('/').next().filter(|n| !n.is_empty());
            name.unwrap_or("index.html").to_string()
        }
    };
    if !quiet {
        out.errln(&format!("saving to '{file}'"));
    }
    let absolute = if file.starts_with('/') {
        file.clone()
    } else {
        format!("/{file}")
    };
    if absolute != "/dev/null" {
        let (key, path) = ctx.volume_for(sim, &absolute);
        sim.write_file(&key, &path, &body, false);
    }
    if !quiet {
        out.errln(&format!("'{file}' saved"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn urls_default_their_port_and_path() {
        let url = parse_url("web-0.nginx");
        assert_eq!(
            (url.host.as_str(), url.port, url.path.as_str()),
            ("web-0.nginx", 80, "/")
        );
        let url = parse_url("https://hello:8443/a/b?x=1");
        assert_eq!(
            (url.host.as_str(), url.port, url.path.as_str()),
            ("hello", 8443, "/a/b?x=1")
        );
        assert_eq!(parse_url("https://hello").port, 443);
    }

    #[test]
    fn flag_values_are_found_alone_joined_and_in_clusters() {
        let args = words(&["-qO-", "http://x"]);
        assert_eq!(flag_value(&args, 'O', "--output-document"), Some("-"));
        let args = words(&["-s", "-o", "/dev/null", "-w", "%{http_code}", "x"]);
        assert_eq!(flag_value(&args, 'o', "--output"), Some("/dev/null"));
        assert_eq!(flag_value(&args, 'w', "--write-out"), Some("%{http_code}"));
        let args = words(&["--max-time=3", "x"]);
        assert_eq!(flag_value(&args, 'm', "--max-time"), Some("3"));
        assert!(has_switch(&words(&["-sS", "x"]), 'S', "--show-error"));
        assert!(!has_switch(&words(&["-s", "x"]), 'f', "--fail"));
        assert_eq!(
            url_arg(&words(&["-o", "out", "-s", "web"]), CURL_VALUED),
            Some("web")
        );
    }
}
