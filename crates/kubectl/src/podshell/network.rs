//! Name resolution and reachability inside a pod: CoreDNS's answers for
//! services and StatefulSet pods (ready endpoints only), the resolv.conf
//! search list, busybox `nslookup` (1.28 and newer formats) and `ping`
//! (busybox and iputils). Mirrors coredns plugin/kubernetes and busybox
//! networking/nslookup.c.
//!
//! `ping` without `-c` runs until it is interrupted. A simulated terminal
//! cannot send Ctrl-C, so it shows what the terminal shows when the user
//! interrupts it: [`REPLIES_BEFORE_INTERRUPT`] replies one second apart, the
//! echoed `^C`, then the statistics, exit status 0. Under `timeout N` the
//! replies of those N seconds print and nothing else: `timeout` kills
//! kubectl, so the statistics never reach the terminal.

use ordinal_model::Value;

use super::PodCtx;
use crate::shell::Session;
use crate::transcript::CommandOutput;

/// Most echo requests one `ping -c N` sends.
pub const MAX_PINGS: u64 = 100;
/// Replies shown before an endless `ping` (no `-c`) counts as interrupted.
pub const REPLIES_BEFORE_INTERRUPT: u64 = 4;

/// How a `ping` run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PingEnd {
    /// `-c N` replies, then the statistics.
    Counted,
    /// No `-c`: interrupted with Ctrl-C, then the statistics.
    Interrupted,
    /// No `-c` under `timeout`: killed, no statistics.
    Killed,
}

/// How many replies to print and how the run ends.
fn ping_count(session: &Session, args: &[String]) -> (u64, PingEnd) {
    let given = args
        .iter()
        .position(|a| a == "-c")
        .and_then(|i| args.get(i + 1))
        .and_then(|c| c.parse::<u64>().ok());
    match (given, session.deadline) {
        (Some(n), _) => (n.clamp(1, MAX_PINGS), PingEnd::Counted),
        (None, Some(deadline)) => {
            let seconds = deadline.saturating_sub(session.sim.now()) / 1000;
            (seconds.clamp(1, MAX_PINGS), PingEnd::Killed)
        }
        (None, None) => (REPLIES_BEFORE_INTERRUPT, PingEnd::Interrupted),
    }
}

/// Prints the blank line (or echoed `^C`) before the statistics; false when killed.
fn ping_trailer(end: PingEnd, out: &mut CommandOutput) -> bool {
    match end {
        PingEnd::Counted => out.outln(""),
        PingEnd::Interrupted => out.outln("^C"),
        PingEnd::Killed => return false,
    }
    true
}
/// True when `ip` is the address of a pod whose node is down: its sandbox
/// is gone and nothing answers.
fn dead_address(session: &Session, ip: &str) -> bool {
    session
        .sim
        .list_refs("pods", None, "")
        .into_iter()
        .flatten()
        .find(|p| p.str_at(&["status", "podIP"]) == ip)
        .is_some_and(|p| {
            session
                .sim
                .kubelet_dial_error(p.str_at(&["spec", "nodeName"]))
                .is_some()
        })
}

/// The cluster DNS service address.
const DNS_IP: &str = "10.96.0.10";
const DNS_NAME: &str = "kube-dns.kube-system.svc.cluster.local";
pub(super) const DOMAIN: &str = "cluster.local";

/// Answers for one fully qualified name: (ip, reverse name) pairs. Service
/// names answer the cluster IP; a headless Service answers its ready
/// EndpointSlice endpoints (the controller already counts every endpoint of
/// a `publishNotReadyAddresses` Service as ready), each under its hostname or
/// dashed IP, as CoreDNS's kubernetes plugin does.
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
        return Vec::new();
    };
    let cluster_ip = svc.str_at(&["spec", "clusterIP"]);
    if cluster_ip != "None" && !cluster_ip.is_empty() {
        return match host {
            None => vec![(cluster_ip.to_string(), fqdn)],
            Some(_) => Vec::new(),
        };
    }
    let selector = format!("kubernetes.io/service-name={service}");
    let mut answers: Vec<(String, String)> = Vec::new();
    for slice in session
        .sim
        .list_refs("endpointslices", Some(ns), &selector)
        .unwrap_or_default()
    {
        for ep in slice.array_at(&["endpoints"]) {
            if ep.at(&["conditions", "ready"]).and_then(Value::as_bool) == Some(false) {
                continue;
            }
            for ip in ep.array_at(&["addresses"]).iter().filter_map(Value::as_str) {
                let record = match ep.str_at(&["hostname"]) {
                    "" => ip.replace('.', "-"),
                    h => h.to_string(),
                };
                if host.is_some_and(|h| h != record) {
                    continue;
                }
                let answer = (
                    ip.to_string(),
                    format!("{record}.{service}.{ns}.svc.{DOMAIN}"),
                );
                if !answers.contains(&answer) {
                    answers.push(answer);
                }
            }
        }
    }
    ordinal_model::order::sort_by_key(&mut answers, |(ip, _)| {
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

pub(super) fn nslookup(session: &Session, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
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

pub(super) fn ping(session: &mut Session, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let (count, end) = ping_count(session, args);
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
    let dead = dead_address(session, &ip);
    for seq in 0..count {
        if !dead {
            out.outln(&format!(
                "64 bytes from {ip}: seq={seq} ttl=64 time=0.{:03} ms",
                60 + seq * 7 % 40
            ));
        }
        if seq + 1 < count {
            session.sim.advance(1000);
        }
    }
    if !ping_trailer(end, out) {
        return;
    }
    out.outln(&format!("--- {host} ping statistics ---"));
    if dead {
        out.outln(&format!(
            "{count} packets transmitted, 0 packets received, 100% packet loss"
        ));
        out.exit_code = 1;
        return;
    }
    out.outln(&format!(
        "{count} packets transmitted, {count} packets received, 0% packet loss"
    ));
    out.outln("round-trip min/avg/max = 0.060/0.075/0.099 ms");
}

/// iputils `ping` (Debian/Ubuntu-based application images), which prints the canonical name.
pub(super) fn ping_iputils(
    session: &mut Session,
    ctx: &PodCtx,
    args: &[String],
    out: &mut CommandOutput,
) {
    let (count, end) = ping_count(session, args);
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
    let dead = dead_address(session, &ip);
    for seq in 1..=count {
        if !dead {
            out.outln(&format!(
                "64 bytes from {ptr} ({ip}): icmp_seq={seq} ttl=64 time=0.0{} ms",
                50 + seq % 40
            ));
        }
        if seq < count {
            session.sim.advance(1000);
        }
    }
    if !ping_trailer(end, out) {
        return;
    }
    out.outln(&format!("--- {canonical} ping statistics ---"));
    if dead {
        out.outln(&format!(
            "{count} packets transmitted, 0 received, 100% packet loss, time {}ms",
            (count - 1) * 1000
        ));
        out.exit_code = 1;
        return;
    }
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
