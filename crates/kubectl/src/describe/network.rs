//! `describe endpoints`, `describe endpointslice` and `describe pdb`
//! (`EndpointsDescriber`, `EndpointSliceDescriber`,
//! `PodDisruptionBudgetDescriber` in kubectl pkg/describe/describe.go).

use ordinal_model::Value;

use super::{events, meta_header, Context, Writer};
use crate::printers::format_label_selector;

/// The `Name Port Protocol` table at `level`.
fn ports(ports: &[Value], level: usize, w: &mut Writer) {
    w.line(level, "Name\tPort\tProtocol");
    w.line(level, "----\t----\t--------");
    for p in ports {
        let name = match p.str_at(&["name"]) {
            "" => "<unset>",
            n => n,
        };
        let port = p
            .i64_at(&["port"])
            .map_or("<unset>".to_string(), |n| n.to_string());
        w.line(
            level,
            &format!("{name}\t{port}\t{}", p.str_at(&["protocol"])),
        );
    }
}

/// `describe endpoints`.
pub fn endpoints(ep: &Value, ctx: &Context, w: &mut Writer) {
    meta_header(ep, w);
    w.line(0, "Subsets:");
    for subset in ep.array_at(&["subsets"]) {
        let ips = |field: &str| {
            let list: Vec<&str> = subset
                .array_at(&[field])
                .iter()
                .map(|a| a.str_at(&["ip"]))
                .collect();
            if list.is_empty() {
                "<none>".to_string()
            } else {
                list.join(",")
            }
        };
        w.line(1, &format!("Addresses:\t{}", ips("addresses")));
        w.line(
            1,
            &format!("NotReadyAddresses:\t{}", ips("notReadyAddresses")),
        );
        let list = subset.array_at(&["ports"]);
        if !list.is_empty() {
            w.line(1, "Ports:");
            ports(list, 2, w);
        }
        w.line(0, "");
    }
    events(w, ctx);
}

/// `describe endpointslice`.
pub fn endpoint_slice(eps: &Value, ctx: &Context, w: &mut Writer) {
    meta_header(eps, w);
    w.line(
        0,
        &format!("AddressType:\t{}", eps.str_at(&["addressType"])),
    );
    let list = eps.array_at(&["ports"]);
    if list.is_empty() {
        w.line(0, "Ports: <unset>");
    } else {
        w.line(0, "Ports:");
        ports(list, 1, w);
    }
    let endpoints = eps.array_at(&["endpoints"]);
    if endpoints.is_empty() {
        w.line(0, "Endpoints: <none>");
    }
    for (i, e) in endpoints.iter().enumerate() {
        if i == 0 {
            w.line(0, "Endpoints:");
        }
        let addresses: Vec<&str> = e
            .array_at(&["addresses"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let addresses = if addresses.is_empty() {
            "<none>".to_string()
        } else {
            addresses.join(", ")
        };
        w.line(1, &format!("- Addresses:\t{addresses}"));
        w.line(2, "Conditions:");
        let ready = e
            .at(&["conditions", "ready"])
            .and_then(Value::as_bool)
            .map_or("<unset>".to_string(), |b| b.to_string());
        w.line(3, &format!("Ready:\t{ready}"));
        let or_unset = |field: &str| match e.str_at(&[field]) {
            "" => "<unset>".to_string(),
            v => v.to_string(),
        };
        w.line(2, &format!("Hostname:\t{}", or_unset("hostname")));
        if e.get("targetRef").is_some() {
            w.line(
                2,
                &format!(
                    "TargetRef:\t{}/{}",
                    e.str_at(&["targetRef", "kind"]),
                    e.str_at(&["targetRef", "name"])
                ),
            );
        }
        w.line(2, &format!("NodeName:\t{}", or_unset("nodeName")));
        w.line(2, &format!("Zone:\t{}", or_unset("zone")));
    }
    events(w, ctx);
}

/// `describe poddisruptionbudget`.
pub fn pod_disruption_budget(pdb: &Value, ctx: &Context, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", pdb.str_at(&["metadata", "name"])));
    w.line(
        0,
        &format!("Namespace:\t{}", pdb.str_at(&["metadata", "namespace"])),
    );
    let int_or_string = |v: &Value| match v {
        Value::Int(n) => n.to_string(),
        other => other.as_str().unwrap_or("").to_string(),
    };
    if let Some(min) = pdb.at(&["spec", "minAvailable"]) {
        w.line(0, &format!("Min available:\t{}", int_or_string(min)));
    } else if let Some(max) = pdb.at(&["spec", "maxUnavailable"]) {
        w.line(0, &format!("Max unavailable:\t{}", int_or_string(max)));
    }
    match pdb.at(&["spec", "selector"]) {
        Some(selector) => w.line(
            0,
            &format!("Selector:\t{}", format_label_selector(Some(selector))),
        ),
        None => w.line(0, "Selector:\t<unset>"),
    }
    let status = |field: &str| pdb.i64_at(&["status", field]).unwrap_or(0);
    w.line(0, "Status:");
    w.line(
        2,
        &format!("Allowed disruptions:\t{}", status("disruptionsAllowed")),
    );
    w.line(2, &format!("Current:\t{}", status("currentHealthy")));
    w.line(2, &format!("Desired:\t{}", status("desiredHealthy")));
    w.line(2, &format!("Total:\t{}", status("expectedPods")));
    events(w, ctx);
}

#[cfg(test)]
mod tests {
    use super::super::{describe, Context};
    use crate::printers::PrintContext;
    use ordinal_model::Value;

    /// Objects and the real kubectl v1.36.3's `describe` of each.
    const OBJECTS: &str = include_str!("testdata/network.yaml");

    fn check(kind: &str, expected: &str) {
        let docs: Vec<Value> = ordinal_model::yaml::parse_stream(OBJECTS)
            .docs
            .into_iter()
            .map(|d| d.value)
            .collect();
        let Some(obj) = docs.iter().find(|d| d.str_at(&["kind"]) == kind) else {
            panic!("fixture has a {kind}");
        };
        let ctx = Context {
            print: PrintContext { now_ms: 0 },
            events: Some(Vec::new()),
            related: &[],
        };
        assert_eq!(describe(obj, &ctx), expected);
    }

    #[test]
    fn endpoints_match_kubectl() {
        check("Endpoints", include_str!("testdata/endpoints.describe.txt"));
    }

    #[test]
    fn endpoint_slices_match_kubectl() {
        check(
            "EndpointSlice",
            include_str!("testdata/endpointslice.describe.txt"),
        );
    }

    #[test]
    fn budgets_match_kubectl() {
        check(
            "PodDisruptionBudget",
            include_str!("testdata/pdb.describe.txt"),
        );
    }

    #[test]
    fn secrets_show_sizes_only() {
        check("Secret", include_str!("testdata/secret.describe.txt"));
    }

    #[test]
    fn revisions_get_the_generic_layout() {
        check(
            "ControllerRevision",
            include_str!("testdata/controllerrevision.describe.txt"),
        );
    }
}
