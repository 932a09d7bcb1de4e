//! Name resolution and reachability inside a pod: busybox `nslookup` (the
//! cluster DNS and its formats live in `ordinal_core::dns`) and `ping`
//! (busybox and iputils), resolving with the pod's search list. Mirrors
//! busybox networking/ping.c and iputils ping.
//!
//! `ping` without `-c` runs until it is interrupted. A simulated terminal
//! cannot send Ctrl-C, so it shows what the terminal shows when the user
//! interrupts it: [`REPLIES_BEFORE_INTERRUPT`] replies one second apart, the
//! echoed `^C`, then the statistics, exit status 0. Under `timeout N` the
//! replies of those N seconds print and nothing else: `timeout` kills
//! kubectl, so the statistics never reach the terminal.

use super::{pod_with_ip, PodCtx};
use crate::transcript::CommandOutput;
use ordinal_core::Sim;

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
fn ping_count(sim: &Sim, ctx: &PodCtx, args: &[String]) -> (u64, PingEnd) {
    let given = args
        .iter()
        .position(|a| a == "-c")
        .and_then(|i| args.get(i + 1))
        .and_then(|c| c.parse::<u64>().ok());
    match (given, ctx.deadline) {
        (Some(n), _) => (n.clamp(1, MAX_PINGS), PingEnd::Counted),
        (None, Some(deadline)) => {
            let seconds = deadline.saturating_sub(sim.now()) / 1000;
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
fn dead_address(sim: &Sim, ip: &str) -> bool {
    pod_with_ip(sim, ip).is_some_and(|p| {
        sim.kubelet_dial_error(p.str_at(&["spec", "nodeName"]))
            .is_some()
    })
}

/// Runs busybox `nslookup` (the cluster DNS answers, `Sim::nslookup`).
pub(super) fn nslookup(sim: &Sim, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let result = sim.nslookup(&ctx.namespace, &ctx.image, args);
    for (is_err, line) in &result.lines {
        if *is_err {
            out.errln(line);
        } else {
            out.outln(line);
        }
    }
    out.exit_code = result.code;
}

/// The first address `name` resolves to with the pod's search list.
fn resolve_first(sim: &Sim, ctx: &PodCtx, name: &str) -> Option<(String, String, String)> {
    let (canonical, answers) = sim.dns_resolve(&ctx.namespace, name)?;
    let (ip, ptr) = answers.into_iter().next()?;
    Some((canonical, ip, ptr))
}

pub(super) fn ping(sim: &mut Sim, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let (count, end) = ping_count(sim, ctx, args);
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
    let Some((_, ip, _)) = resolve_first(sim, ctx, host) else {
        out.errln(&format!("ping: bad address '{host}'"));
        out.exit_code = 1;
        return;
    };
    out.outln(&format!("PING {host} ({ip}): 56 data bytes"));
    let dead = dead_address(sim, &ip);
    for seq in 0..count {
        if !dead {
            out.outln(&format!(
                "64 bytes from {ip}: seq={seq} ttl=64 time=0.{:03} ms",
                60 + seq * 7 % 40
            ));
        }
        if seq + 1 < count {
            ctx.wait(sim, 1000);
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
pub(super) fn ping_iputils(sim: &mut Sim, ctx: &PodCtx, args: &[String], out: &mut CommandOutput) {
    let (count, end) = ping_count(sim, ctx, args);
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
    let Some((canonical, ip, ptr)) = resolve_first(sim, ctx, host) else {
        out.errln(&format!("ping: {host}: Name or service not known"));
        out.exit_code = 2;
        return;
    };
    out.outln(&format!("PING {canonical} ({ip}) 56(84) bytes of data."));
    let dead = dead_address(sim, &ip);
    for seq in 1..=count {
        if !dead {
            out.outln(&format!(
                "64 bytes from {ptr} ({ip}): icmp_seq={seq} ttl=64 time=0.0{} ms",
                50 + seq % 40
            ));
        }
        if seq < count {
            ctx.wait(sim, 1000);
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
