//! Service IP and node port allocation in the API server's service registry.
//! Mirrors kubernetes `pkg/registry/core/service/storage/alloc.go`
//! (allocateCreate, updateNodePorts), `storage.go` (patchAllocatedValues),
//! `pkg/registry/core/service/ipallocator` (the ServiceCIDR allocator with its
//! static/dynamic sub-ranges, KEP-3070) and `portallocator`.
//!
//! What is "in use" is read from the stored Services, so deleting a Service
//! releases its cluster IP and node ports.

use std::collections::BTreeSet;

use ordinal_model::validation::FieldError;
use ordinal_model::Value;

use crate::error::ApiError;
use crate::sim::Sim;

/// The service CIDR (`--service-cluster-ip-range`, kind/kubeadm default).
pub const SERVICE_CIDR: &str = "10.96.0.0/12";
const CIDR_BASE: u32 = 0x0A60_0000;
const CIDR_BITS: u32 = 12;
/// `--service-node-port-range`.
pub const NODE_PORT_FIRST: i64 = 30_000;
/// Last port of `--service-node-port-range`.
pub const NODE_PORT_LAST: i64 = 32_767;

/// Parses dotted-quad IPv4 text.
pub fn parse_ipv4(text: &str) -> Option<u32> {
    let mut parts = text.split('.');
    let mut ip = 0u32;
    for _ in 0..4 {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        ip = (ip << 8) | part.parse::<u8>().ok()? as u32;
    }
    parts.next().is_none().then_some(ip)
}

fn format_ipv4(ip: u32) -> String {
    let b = ip.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// Hosts of the CIDR: no network address, no broadcast (`hostsPerNetwork`).
fn first_host() -> u32 {
    CIDR_BASE + 1
}

fn last_host() -> u32 {
    CIDR_BASE + (1u32 << (32 - CIDR_BITS)) - 2
}

/// `calculateRangeOffset`: the low band reserved for static allocation
/// (size / 16, between 16 and 256 addresses).
fn ip_range_offset() -> u32 {
    ((1u32 << (32 - CIDR_BITS)) / 16).clamp(16, 256)
}

/// The port allocator's static band (size / 32, between 16 and 128 ports).
fn port_range_offset() -> i64 {
    ((NODE_PORT_LAST - NODE_PORT_FIRST + 1) / 32).clamp(16, 128)
}

fn needs_cluster_ip(svc: &Value) -> bool {
    svc.str_at(&["spec", "type"]) != "ExternalName"
}

fn needs_node_port(svc: &Value) -> bool {
    matches!(svc.str_at(&["spec", "type"]), "NodePort" | "LoadBalancer")
}

/// `shouldAllocateNodePorts`: LoadBalancers may opt out.
fn allocates_node_ports(svc: &Value) -> bool {
    svc.str_at(&["spec", "type"]) == "NodePort"
        || svc
            .at(&["spec", "allocateLoadBalancerNodePorts"])
            .and_then(Value::as_bool)
            != Some(false)
}

fn node_ports_of(svc: &Value) -> Vec<i64> {
    svc.array_at(&["spec", "ports"])
        .iter()
        .filter_map(|p| p.i64_at(&["nodePort"]))
        .filter(|n| *n != 0)
        .collect()
}

/// The Invalid error of one field, in the API server's words.
fn invalid(svc: &Value, path: &str, value: Value, detail: String) -> ApiError {
    let error = FieldError::invalid(path, value, &detail);
    match crate::resources::by_plural("services") {
        Some(info) => super::admission::invalid_error(info, svc, &[error]),
        None => ApiError::bad_request(error.to_string()),
    }
}

/// One allocation pass over a Service (create or update).
struct Allocation<'a> {
    used_ips: BTreeSet<u32>,
    used_ports: BTreeSet<i64>,
    dry_run: bool,
    /// Ports picked by this request (for the dry-run placeholder numbers).
    picked: Vec<i64>,
    sim: &'a mut Sim,
}

impl Allocation<'_> {
    /// `Allocator.allocateNextService`: a random address of the dynamic band
    /// first, then the static band; a dry run answers the network address.
    fn next_ip(&mut self) -> Option<u32> {
        if self.dry_run {
            return Some(CIDR_BASE);
        }
        let offset_start = first_host() + ip_range_offset();
        for (lo, hi) in [
            (offset_start, last_host()),
            (first_host(), offset_start - 1),
        ] {
            let size = (hi - lo + 1) as u64;
            let start = self.sim.rng.below(size) as u32;
            let free = (0..size as u32)
                .map(|i| lo + (start + i) % size as u32)
                .find(|ip| !self.used_ips.contains(ip));
            if let Some(ip) = free {
                self.used_ips.insert(ip);
                return Some(ip);
            }
        }
        None
    }

    /// `Allocate(ip)` of a user-chosen address.
    fn claim_ip(&mut self, ip: u32, text: &str) -> Result<(), String> {
        let mask = !((1u32 << (32 - CIDR_BITS)) - 1);
        if ip & mask != CIDR_BASE {
            return Err("the provided network does not match the current range".into());
        }
        if ip < first_host() || ip > last_host() {
            return Err(format!(
                "the provided IP ({text}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
            ));
        }
        if self.used_ips.contains(&ip) {
            return Err("provided IP is already allocated".into());
        }
        if !self.dry_run {
            self.used_ips.insert(ip);
        }
        Ok(())
    }

    /// `PortAllocationOperation.AllocateNext`: random in the dynamic band,
    /// then the static band. A dry run makes up numbers from 32769 on.
    fn next_port(&mut self) -> Option<i64> {
        if self.dry_run {
            let port = self.picked.iter().max().map_or(32_769, |p| p + 1);
            self.picked.push(port);
            return Some(port);
        }
        let split = NODE_PORT_FIRST + port_range_offset();
        for (lo, hi) in [(split, NODE_PORT_LAST), (NODE_PORT_FIRST, split - 1)] {
            let size = hi - lo + 1;
            let start = self.sim.rng.below(size as u64) as i64;
            let free = (0..size)
                .map(|i| lo + (start + i) % size)
                .find(|p| !self.used_ports.contains(p));
            if let Some(port) = free {
                self.used_ports.insert(port);
                self.picked.push(port);
                return Some(port);
            }
        }
        None
    }

    /// `PortAllocationOperation.Allocate` of a requested port.
    fn claim_port(&mut self, port: i64) -> Result<(), String> {
        if !(NODE_PORT_FIRST..=NODE_PORT_LAST).contains(&port) {
            return Err(format!(
                "provided port is not in the valid range. The range of valid ports is {NODE_PORT_FIRST}-{NODE_PORT_LAST}"
            ));
        }
        if self.used_ports.contains(&port) || self.picked.contains(&port) {
            return Err("provided port is already allocated".into());
        }
        if !self.dry_run {
            self.used_ports.insert(port);
        }
        self.picked.push(port);
        Ok(())
    }

    /// `allocClusterIPs`: a headless or ExternalName service gets none.
    fn cluster_ip(&mut self, svc: &mut Value) -> Result<(), ApiError> {
        let requested = svc.str_at(&["spec", "clusterIP"]).to_string();
        if !needs_cluster_ip(svc) || requested == "None" {
            return Ok(());
        }
        let ip = if requested.is_empty() {
            let Some(ip) = self.next_ip() else {
                return Err(ApiError::internal(
                    "failed to allocate a serviceIP: range is full",
                ));
            };
            format_ipv4(ip)
        } else {
            // A malformed address is left to validation's message.
            let Some(ip) = parse_ipv4(&requested) else {
                return Ok(());
            };
            if let Err(reason) = self.claim_ip(ip, &requested) {
                let shown = svc
                    .at(&["spec", "clusterIPs"])
                    .cloned()
                    .unwrap_or(Value::Null);
                return Err(invalid(
                    svc,
                    "spec.clusterIPs",
                    shown,
                    format!("failed to allocate IP {requested}: {reason}"),
                ));
            }
            requested
        };
        svc.set(&["spec", "clusterIP"], Value::from(ip.as_str()));
        svc.set(&["spec", "clusterIPs"], Value::from(vec![Value::from(ip)]));
        Ok(())
    }

    /// `initNodePorts` / `updateNodePorts`: honour requested ports (those the
    /// old object did not hold yet must be free), allocate the missing ones;
    /// ports with the same number share one node port.
    fn node_ports(&mut self, svc: &mut Value, old: Option<&Value>) -> Result<(), ApiError> {
        if !needs_node_port(svc) {
            return Ok(());
        }
        let held = old.map(node_ports_of).unwrap_or_default();
        let allocate = allocates_node_ports(svc);
        let mut ports = svc.array_at(&["spec", "ports"]).to_vec();
        let mut by_port: Vec<(i64, i64)> = Vec::new();
        for (i, port) in ports.iter_mut().enumerate() {
            let requested = port.i64_at(&["nodePort"]).unwrap_or(0);
            if requested == 0 && !allocate {
                continue;
            }
            let number = port.i64_at(&["port"]).unwrap_or(0);
            let shared = by_port.iter().find(|(p, _)| *p == number).map(|(_, n)| *n);
            let node_port = match (requested, shared) {
                (0, Some(n)) => n,
                (0, None) => self.next_port().ok_or_else(|| {
                    ApiError::internal("failed to allocate a nodePort: range is full")
                })?,
                (n, Some(s)) if n == s => n,
                (n, _) => {
                    if !held.contains(&n) {
                        self.claim_port(n).map_err(|reason| {
                            invalid(
                                svc,
                                &format!("spec.ports[{i}].nodePort"),
                                Value::Int(n),
                                reason,
                            )
                        })?;
                    }
                    n
                }
            };
            by_port.push((number, node_port));
            port.set(&["nodePort"], Value::Int(node_port));
        }
        svc.set(&["spec", "ports"], Value::from(ports));
        Ok(())
    }
}

/// `patchAllocatedValues` for node ports: a resubmitted Service without
/// `nodePort`s keeps the ones allocated before (matched by port name) unless
/// another port now uses them.
fn patch_allocated_node_ports(svc: &mut Value, old: &Value) {
    if !(needs_node_port(old) && needs_node_port(svc)) {
        return;
    }
    let new_used = node_ports_of(svc);
    let used: Vec<i64> = node_ports_of(old)
        .into_iter()
        .filter(|p| new_used.contains(p))
        .collect();
    let old_ports = old.array_at(&["spec", "ports"]).to_vec();
    let Some(ports) = svc.at_mut(&["spec", "ports"]).and_then(Value::as_array_mut) else {
        return;
    };
    for p in ports.iter_mut() {
        if p.i64_at(&["nodePort"]).unwrap_or(0) != 0 {
            continue;
        }
        let name = p.str_at(&["name"]).to_string();
        let previous = old_ports
            .iter()
            .rev()
            .find(|o| o.str_at(&["name"]) == name)
            .and_then(|o| o.i64_at(&["nodePort"]))
            .unwrap_or(0);
        if previous != 0 && !used.contains(&previous) {
            p.set(&["nodePort"], Value::Int(previous));
        }
    }
}

impl Sim {
    fn allocation(&mut self, skip_uid: &str, dry_run: bool) -> Allocation<'_> {
        let mut used_ips = BTreeSet::new();
        let mut used_ports = BTreeSet::new();
        for svc in self.store.iter("services", None) {
            if !skip_uid.is_empty() && svc.str_at(&["metadata", "uid"]) == skip_uid {
                continue;
            }
            for ip in svc.array_at(&["spec", "clusterIPs"]) {
                if let Some(ip) = ip.as_str().and_then(parse_ipv4) {
                    used_ips.insert(ip);
                }
            }
            used_ports.extend(node_ports_of(svc));
        }
        Allocation {
            used_ips,
            used_ports,
            dry_run,
            picked: Vec::new(),
            sim: self,
        }
    }

    /// `allocateCreate`: cluster IP and node ports of a new Service.
    pub(crate) fn allocate_service(
        &mut self,
        svc: &mut Value,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        let mut alloc = self.allocation("", dry_run);
        alloc.cluster_ip(svc)?;
        alloc.node_ports(svc, None)
    }

    /// `allocateUpdate` after `patchAllocatedValues`: an ExternalName turned
    /// into a ClusterIP service gets an address; node ports follow the type.
    pub(crate) fn reallocate_service(
        &mut self,
        old: &Value,
        svc: &mut Value,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        patch_allocated_node_ports(svc, old);
        let uid = old.str_at(&["metadata", "uid"]).to_string();
        let mut alloc = self.allocation(&uid, dry_run);
        if !needs_cluster_ip(old) && needs_cluster_ip(svc) {
            alloc.cluster_ip(svc)?;
        }
        alloc.node_ports(svc, Some(old))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_text_round_trips() {
        assert_eq!(parse_ipv4("10.96.0.10"), Some(0x0A60_000A));
        assert_eq!(format_ipv4(0x0A60_000A), "10.96.0.10");
        assert_eq!(parse_ipv4("10.96.0"), None);
        assert_eq!(parse_ipv4("10.96.0.256"), None);
        assert_eq!(parse_ipv4("None"), None);
    }

    #[test]
    fn bands_match_the_upstream_offsets() {
        assert_eq!(ip_range_offset(), 256);
        assert_eq!(port_range_offset(), 86);
        assert_eq!(format_ipv4(last_host()), "10.111.255.254");
    }
}
