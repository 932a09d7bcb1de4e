//! `describe node` (`NodeDescriber` in kubectl pkg/describe/describe.go):
//! conditions, addresses, capacity, system info, the non-terminated pods
//! with their requests and limits, and the allocated-resources summary.

use ordinal_model::quantity::{Format, Quantity};
use ordinal_model::Value;

use super::{
    annotations_multiline, events, labels_multiline, multiline, rfc1123z, Context, Writer,
};
use crate::printers::canonical_quantity;

fn roles(node: &Value) -> String {
    let mut roles: Vec<String> = node
        .at(&["metadata", "labels"])
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    ordinal_model::order::sort(&mut roles);
    if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    }
}

/// Sum of one resource over a pod's containers, as (requests, limits).
fn pod_resource(pod: &Value, resource: &str) -> (Quantity, Quantity) {
    let mut sums = [0i128; 2];
    for c in pod.array_at(&["spec", "containers"]) {
        for (i, key) in ["requests", "limits"].iter().enumerate() {
            if let Some(q) = c
                .at(&["resources", key, resource])
                .and_then(Value::as_str)
                .and_then(|t| Quantity::parse(t).ok())
            {
                sums[i] += i128::from(q.milli_value());
            }
        }
    }
    let as_quantity = |milli: i128| {
        let milli = i64::try_from(milli).unwrap_or(i64::MAX);
        if resource == "cpu" {
            Quantity::from_milli(milli)
        } else {
            Quantity::from_units(milli / 1000, Format::BinarySI)
        }
    };
    (as_quantity(sums[0]), as_quantity(sums[1]))
}

fn percent(q: &Quantity, allocatable: Option<Quantity>) -> i64 {
    match allocatable {
        Some(a) if a.milli_value() > 0 => {
            (q.milli_value() as f64 / a.milli_value() as f64 * 100.0) as i64
        }
        _ => 0,
    }
}

/// `describe node`; `ctx.related` holds every pod and the node's Lease.
pub fn node(node: &Value, ctx: &Context, w: &mut Writer) {
    let name = node.str_at(&["metadata", "name"]);
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, &format!("Roles:\t{}", roles(node)));
    labels_multiline(w, 0, "Labels", node.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", node.at(&["metadata", "annotations"]));
    w.line(
        0,
        &format!(
            "CreationTimestamp:\t{}",
            rfc1123z(node.str_at(&["metadata", "creationTimestamp"]))
        ),
    );
    // printTaintsMultilineWithIndent sorts by "effect,key".
    let mut taints: Vec<(String, String)> = node
        .array_at(&["spec", "taints"])
        .iter()
        .map(|t| {
            let value = t.str_at(&["value"]);
            let key = if value.is_empty() {
                t.str_at(&["key"]).to_string()
            } else {
                format!("{}={value}", t.str_at(&["key"]))
            };
            let effect = t.str_at(&["effect"]);
            (
                format!("{effect},{}", t.str_at(&["key"])),
                format!("{key}:{effect}"),
            )
        })
        .collect();
    ordinal_model::order::sort(&mut taints);
    let taints: Vec<String> = taints.into_iter().map(|t| t.1).collect();
    multiline(w, 0, "Taints", &taints);
    let unschedulable = node
        .at(&["spec", "unschedulable"])
        .and_then(Value::as_bool)
        .unwrap_or(false);
    w.line(0, &format!("Unschedulable:\t{unschedulable}"));
    match ctx.related.iter().find(|o| o.str_at(&["kind"]) == "Lease") {
        Some(lease) => {
            w.line(0, "Lease:");
            let field = |key: &str, time: bool| {
                let value = lease.str_at(&["spec", key]);
                match (value.is_empty(), time) {
                    (true, _) => "<unset>".to_string(),
                    (false, true) => rfc1123z(value),
                    (false, false) => value.to_string(),
                }
            };
            w.line(
                1,
                &format!("HolderIdentity:\t{}", field("holderIdentity", false)),
            );
            w.line(1, &format!("AcquireTime:\t{}", field("acquireTime", true)));
            w.line(1, &format!("RenewTime:\t{}", field("renewTime", true)));
        }
        None => w.line(
            0,
            &format!(
                "Lease:\tFailed to get lease: leases.coordination.k8s.io \"{name}\" not found"
            ),
        ),
    }
    w.line(0, "Conditions:");
    w.line(
        1,
        "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage",
    );
    w.line(
        1,
        "----\t------\t-----------------\t------------------\t------\t-------",
    );
    for c in node.array_at(&["status", "conditions"]) {
        w.line(
            1,
            &format!(
                "{} \t{} \t{} \t{} \t{} \t{}",
                c.str_at(&["type"]),
                c.str_at(&["status"]),
                rfc1123z(c.str_at(&["lastHeartbeatTime"])),
                rfc1123z(c.str_at(&["lastTransitionTime"])),
                c.str_at(&["reason"]),
                c.str_at(&["message"])
            ),
        );
    }
    w.line(0, "Addresses:");
    for a in node.array_at(&["status", "addresses"]) {
        w.line(
            1,
            &format!("{}:\t{}", a.str_at(&["type"]), a.str_at(&["address"])),
        );
    }
    for (title, key) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        if let Some(m) = node.at(&["status", key]).and_then(Value::as_object) {
            w.line(0, &format!("{title}:"));
            for (k, v) in m {
                w.line(1, &format!("{k}:\t{}", canonical_quantity(Some(v))));
            }
        }
    }
    let info = |k: &str| node.str_at(&["status", "nodeInfo", k]).to_string();
    w.line(0, "System Info:");
    for (title, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
    ] {
        w.line(1, &format!("{title}:\t{}", info(key)));
    }
    let proxy = info("kubeProxyVersion");
    if !proxy.is_empty() {
        w.line(1, &format!("Kube-Proxy Version:\t{proxy}"));
    }
    let cidr = node.str_at(&["spec", "podCIDR"]);
    if !cidr.is_empty() {
        w.line(0, &format!("PodCIDR:\t{cidr}"));
        let cidrs: Vec<&str> = node
            .array_at(&["spec", "podCIDRs"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        w.line(0, &format!("PodCIDRs:\t{}", cidrs.join(",")));
    }
    let provider = node.str_at(&["spec", "providerID"]);
    if !provider.is_empty() {
        w.line(0, &format!("ProviderID:\t{provider}"));
    }
    let pods: Vec<&Value> = ctx
        .related
        .iter()
        .filter(|p| p.str_at(&["spec", "nodeName"]) == name)
        .filter(|p| !matches!(p.str_at(&["status", "phase"]), "Succeeded" | "Failed"))
        .collect();
    let allocatable = |r: &str| {
        node.at(&["status", "allocatable", r])
            .and_then(Value::as_str)
            .and_then(|t| Quantity::parse(t).ok())
    };
    let (cpu_alloc, mem_alloc) = (allocatable("cpu"), allocatable("memory"));
    w.line(
        0,
        &format!("Non-terminated Pods:\t({} in total)", pods.len()),
    );
    w.line(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge",
    );
    w.line(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---",
    );
    let mut totals = [0i128; 4];
    for p in &pods {
        let (cpu_req, cpu_lim) = pod_resource(p, "cpu");
        let (mem_req, mem_lim) = pod_resource(p, "memory");
        for (i, q) in [cpu_req, cpu_lim, mem_req, mem_lim].iter().enumerate() {
            totals[i] += i128::from(q.milli_value());
        }
        w.line(
            1,
            &format!(
                "{}\t{}\t\t{cpu_req} ({}%)\t{cpu_lim} ({}%)\t{mem_req} ({}%)\t{mem_lim} ({}%)\t{}",
                p.str_at(&["metadata", "namespace"]),
                p.str_at(&["metadata", "name"]),
                percent(&cpu_req, cpu_alloc),
                percent(&cpu_lim, cpu_alloc),
                percent(&mem_req, mem_alloc),
                percent(&mem_lim, mem_alloc),
                ctx.print
                    .since(p.str_at(&["metadata", "creationTimestamp"]))
            ),
        );
    }
    let total = |i: usize, cpu: bool| {
        let milli = i64::try_from(totals[i]).unwrap_or(i64::MAX);
        if cpu {
            Quantity::from_milli(milli)
        } else {
            Quantity::from_units(milli / 1000, Format::BinarySI)
        }
    };
    w.line(0, "Allocated resources:");
    w.line(
        1,
        "(Total limits may be over 100 percent, i.e., overcommitted.)",
    );
    w.line(1, "Resource\tRequests\tLimits");
    w.line(1, "--------\t--------\t------");
    let (cr, cl, mr, ml) = (
        total(0, true),
        total(1, true),
        total(2, false),
        total(3, false),
    );
    w.line(
        1,
        &format!(
            "cpu\t{cr} ({}%)\t{cl} ({}%)",
            percent(&cr, cpu_alloc),
            percent(&cl, cpu_alloc)
        ),
    );
    w.line(
        1,
        &format!(
            "memory\t{mr} ({}%)\t{ml} ({}%)",
            percent(&mr, mem_alloc),
            percent(&ml, mem_alloc)
        ),
    );
    if let Some(m) = node
        .at(&["status", "allocatable"])
        .and_then(Value::as_object)
    {
        for k in m
            .keys()
            .filter(|k| *k == "ephemeral-storage" || k.starts_with("hugepages-"))
        {
            w.line(1, &format!("{k}\t0 (0%)\t0 (0%)"));
        }
    }
    events(w, ctx);
}
