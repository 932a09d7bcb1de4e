//! The cluster's DNS as a pod sees it, and busybox `nslookup`'s answers.
//! Mirrors coredns plugin/kubernetes (service and headless-service records,
//! ready endpoints only) and busybox networking/nslookup.c (the 1.28 format
//! and the newer one). The kubelet runs a container whose command is
//! `nslookup` with it (its output is the container's log, its exit status
//! the container's), and the in-pod shell runs `kubectl exec ... nslookup`.

use ordinal_model::Value;

use crate::sim::Sim;

/// The cluster DNS service address.
pub const DNS_IP: &str = "10.96.0.10";
/// The cluster DNS service's name.
pub const DNS_NAME: &str = "kube-dns.kube-system.svc.cluster.local";
/// The cluster domain.
pub const DOMAIN: &str = "cluster.local";

/// What a command printed, in order (`true` marks stderr), and its exit status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub lines: Vec<(bool, String)>,
    pub code: i32,
}

impl Output {
    fn out(&mut self, line: String) {
        self.lines.push((false, line));
    }

    fn err(&mut self, line: String) {
        self.lines.push((true, line));
    }

    /// Everything printed, stdout and stderr interleaved (a container log).
    pub fn combined(&self) -> String {
        self.lines
            .iter()
            .map(|(_, l)| format!("{l}\n"))
            .collect::<String>()
    }
}

/// The resolv.conf search list of a pod in `namespace` (ndots:5).
pub fn search_list(namespace: &str) -> [String; 3] {
    [
        format!("{namespace}.svc.{DOMAIN}"),
        format!("svc.{DOMAIN}"),
        DOMAIN.to_string(),
    ]
}

/// busybox up to 1.28 prints the old nslookup format (the official tutorial's image).
pub fn old_busybox(image: &str) -> bool {
    let without_digest = image.split('@').next().unwrap_or("");
    let last = without_digest.rsplit('/').next().unwrap_or("");
    let (name, tag) = last.split_once(':').unwrap_or((last, "latest"));
    name == "busybox" && tag.starts_with("1.2") && tag.len() >= 4 && tag[..4] <= *"1.28"
}

impl Sim {
    /// Answers for one fully qualified name: (ip, reverse name) pairs. Service
    /// names answer the cluster IP; a headless Service answers its ready
    /// EndpointSlice endpoints (the controller already counts every endpoint
    /// of a `publishNotReadyAddresses` Service as ready), each under its
    /// hostname or dashed IP, as CoreDNS's kubernetes plugin does.
    pub fn dns_lookup(&self, fqdn: &str) -> Vec<(String, String)> {
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
        let Some(svc) = self.object("services", ns, service) else {
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
        for slice in self
            .list_refs("endpointslices", Some(ns), &selector, "")
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

    /// Resolves as libc does with a pod's resolv.conf (search list, ndots:5):
    /// the name that answered and its answers.
    pub fn dns_resolve(
        &self,
        namespace: &str,
        name: &str,
    ) -> Option<(String, Vec<(String, String)>)> {
        let name = name.trim_end_matches('.');
        search_list(namespace)
            .iter()
            .map(|d| format!("{name}.{d}"))
            .chain(std::iter::once(name.to_string()))
            .find_map(|candidate| {
                let answers = self.dns_lookup(&candidate);
                (!answers.is_empty()).then_some((candidate, answers))
            })
    }

    /// busybox `nslookup ARGS` run in a pod of `namespace` whose image is
    /// `image`, against the cluster's DNS as it is now.
    pub fn nslookup(&self, namespace: &str, image: &str, args: &[String]) -> Output {
        let mut out = Output::default();
        let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
            out.err("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.".into());
            out.code = 1;
            return out;
        };
        if old_busybox(image) {
            out.out(format!("{:<10} {DNS_IP}", "Server:"));
            out.out(format!("Address 1: {DNS_IP} {DNS_NAME}"));
            out.out(String::new());
            let Some((_, answers)) = self.dns_resolve(namespace, name) else {
                out.err(format!("nslookup: can't resolve '{name}'"));
                out.code = 1;
                return out;
            };
            out.out(format!("{:<10} {name}", "Name:"));
            for (i, (ip, ptr)) in answers.iter().enumerate() {
                out.out(format!("Address {}: {ip} {ptr}", i + 1));
            }
            return out;
        }
        out.out(format!("Server:\t\t{DNS_IP}"));
        out.out(format!("Address:\t{DNS_IP}:53"));
        out.out(String::new());
        let candidates: Vec<String> = if name.contains('.') {
            vec![name.trim_end_matches('.').to_string()]
        } else {
            search_list(namespace)
                .iter()
                .map(|d| format!("{name}.{d}"))
                .collect()
        };
        for candidate in &candidates {
            let answers = self.dns_lookup(candidate);
            if answers.is_empty() {
                out.code = 1;
                for _ in 0..2 {
                    out.out(format!("** server can't find {candidate}: NXDOMAIN"));
                    out.out(String::new());
                }
            } else {
                out.out(format!("Name:\t{candidate}"));
                for (ip, _) in &answers {
                    out.out(format!("Address: {ip}"));
                }
                out.out(String::new());
                out.out(String::new());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busybox_1_28_and_older_use_the_old_format() {
        assert!(old_busybox("busybox:1.28"));
        assert!(old_busybox("docker.io/library/busybox:1.27.2"));
        assert!(!old_busybox("busybox:1.36"));
        assert!(!old_busybox("busybox"));
        assert!(!old_busybox("alpine:1.28"));
    }
}
