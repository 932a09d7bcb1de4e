//! Tables for Services, Endpoints, EndpointSlices and PodDisruptionBudgets
//! (`printService`, `formatEndpoints`, `printEndpointSlice`,
//! `printPodDisruptionBudget` in pkg/printers/internalversion/printers.go).

use ordinal_model::Value;

use super::{age, col, format_labels, name, wide, PrintContext, TableDef};

/// Most addresses printed before `+ N more...`.
const MAX_LISTED: usize = 3;

/// `kubectl get poddisruptionbudgets`: `N/A` for the bound not set.
pub const POD_DISRUPTION_BUDGET: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Min Available"),
        col("Max Unavailable"),
        col("Allowed Disruptions"),
        col("Age"),
    ],
    row: |pdb, ctx| {
        let bound = |key: &str| match pdb.at(&["spec", key]) {
            Some(Value::Int(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => "N/A".to_string(),
        };
        vec![
            name(pdb).to_string(),
            bound("minAvailable"),
            bound("maxUnavailable"),
            pdb.i64_at(&["status", "disruptionsAllowed"])
                .unwrap_or(0)
                .to_string(),
            age(pdb, ctx),
        ]
    },
};

/// `kubectl get services`.
pub const SERVICE: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Type"),
        col("Cluster-IP"),
        col("External-IP"),
        col("Port(s)"),
        col("Age"),
        wide("Selector"),
    ],
    row: service_row,
};

fn service_row(svc: &Value, ctx: &PrintContext) -> Vec<String> {
    let kind = match svc.str_at(&["spec", "type"]) {
        "" => "ClusterIP",
        t => t,
    };
    let cluster_ip = match svc.str_at(&["spec", "clusterIP"]) {
        "" => "<none>",
        ip => ip,
    };
    let external: Vec<&str> = svc
        .array_at(&["spec", "externalIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let external_ip = match kind {
        "ExternalName" => svc.str_at(&["spec", "externalName"]).to_string(),
        "LoadBalancer" => {
            let ingress: Vec<&str> = svc
                .array_at(&["status", "loadBalancer", "ingress"])
                .iter()
                .map(|i| i.str_at(&["ip"]))
                .collect();
            let all: Vec<&str> = ingress
                .into_iter()
                .chain(external.iter().copied())
                .collect();
            if all.is_empty() {
                "<pending>".to_string()
            } else {
                all.join(",")
            }
        }
        _ if !external.is_empty() => external.join(","),
        _ => "<none>".to_string(),
    };
    let ports: Vec<String> = svc
        .array_at(&["spec", "ports"])
        .iter()
        .map(|p| {
            let protocol = match p.str_at(&["protocol"]) {
                "" => "TCP",
                p => p,
            };
            let port = p.i64_at(&["port"]).unwrap_or(0);
            match p.i64_at(&["nodePort"]).filter(|n| *n != 0) {
                Some(node_port) => format!("{port}:{node_port}/{protocol}"),
                None => format!("{port}/{protocol}"),
            }
        })
        .collect();
    let ports = if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    };
    vec![
        name(svc).to_string(),
        kind.to_string(),
        cluster_ip.to_string(),
        external_ip,
        ports,
        age(svc, ctx),
        format_labels(svc.at(&["spec", "selector"])),
    ]
}

/// `kubectl get endpoints`.
pub const ENDPOINTS: TableDef = TableDef {
    columns: &[col("Name"), col("Endpoints"), col("Age")],
    row: |obj, ctx| vec![name(obj).to_string(), format_endpoints(obj), age(obj, ctx)],
};

/// The ENDPOINTS cell: `ip:port` for ready addresses, 3 at most, then ` + N more...`.
pub fn format_endpoints(ep: &Value) -> String {
    let subsets = ep.array_at(&["subsets"]);
    if subsets.is_empty() {
        return "<none>".to_string();
    }
    let mut list = Vec::new();
    let mut more = false;
    let mut count = 0;
    for subset in subsets {
        let addresses = subset.array_at(&["addresses"]);
        let ports = subset.array_at(&["ports"]);
        if ports.is_empty() {
            count += addresses.len();
            for a in addresses {
                if list.len() == MAX_LISTED {
                    more = true;
                    break;
                }
                list.push(a.str_at(&["ip"]).to_string());
            }
            continue;
        }
        for port in ports {
            count += addresses.len();
            for a in addresses {
                if list.len() == MAX_LISTED {
                    more = true;
                    break;
                }
                list.push(format!(
                    "{}:{}",
                    a.str_at(&["ip"]),
                    port.i64_at(&["port"]).unwrap_or(0)
                ));
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX_LISTED)
    } else {
        joined
    }
}

/// `kubectl get endpointslices`.
pub const ENDPOINT_SLICE: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("AddressType"),
        col("Ports"),
        col("Endpoints"),
        col("Age"),
    ],
    row: |obj, ctx| {
        let ports: Vec<String> = obj
            .array_at(&["ports"])
            .iter()
            .map(|p| match p.i64_at(&["port"]) {
                Some(n) => n.to_string(),
                None if !p.str_at(&["name"]).is_empty() => p.str_at(&["name"]).to_string(),
                None => "*".to_string(),
            })
            .collect();
        let addresses: Vec<String> = obj
            .array_at(&["endpoints"])
            .iter()
            .flat_map(|e| e.array_at(&["addresses"]).iter())
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        vec![
            name(obj).to_string(),
            obj.str_at(&["addressType"]).to_string(),
            list_with_more(&ports),
            list_with_more(&addresses),
            age(obj, ctx),
        ]
    },
};

fn list_with_more(items: &[String]) -> String {
    if items.len() > MAX_LISTED {
        return format!(
            "{} + {} more...",
            items[..MAX_LISTED].join(","),
            items.len() - MAX_LISTED
        );
    }
    if items.is_empty() {
        "<unset>".to_string()
    } else {
        items.join(",")
    }
}
