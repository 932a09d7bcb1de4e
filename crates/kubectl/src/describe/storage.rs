//! `describe pvc`, `describe pv` and `describe storageclass`
//! (`PersistentVolumeClaimDescriber`, `PersistentVolumeDescriber`,
//! `StorageClassDescriber` in kubectl pkg/describe/describe.go).

use ordinal_model::Value;

use super::{annotations_multiline, events, labels_multiline, multiline, Context, Writer};
use crate::printers::{access_modes, canonical_quantity, format_labels, is_default_class};

fn finalizers(obj: &Value) -> String {
    let items: Vec<&str> = obj
        .array_at(&["metadata", "finalizers"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    format!("[{}]", items.join(" "))
}

fn status_line(obj: &Value, ctx: &Context, w: &mut Writer) {
    let deletion = obj.str_at(&["metadata", "deletionTimestamp"]);
    if deletion.is_empty() {
        w.line(0, &format!("Status:\t{}", obj.str_at(&["status", "phase"])));
    } else {
        w.line(
            0,
            &format!("Status:\tTerminating (lasts {})", ctx.print.since(deletion)),
        );
    }
}

/// `describe pvc`; `ctx.related` holds the pods that use the claim.
pub fn pvc(pvc: &Value, ctx: &Context, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", pvc.str_at(&["metadata", "name"])));
    w.line(
        0,
        &format!("Namespace:\t{}", pvc.str_at(&["metadata", "namespace"])),
    );
    w.line(
        0,
        &format!(
            "StorageClass:\t{}",
            pvc.str_at(&["spec", "storageClassName"])
        ),
    );
    status_line(pvc, ctx, w);
    let volume = pvc.str_at(&["spec", "volumeName"]);
    w.line(0, &format!("Volume:\t{volume}"));
    labels_multiline(w, 0, "Labels", pvc.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", pvc.at(&["metadata", "annotations"]));
    w.line(0, &format!("Finalizers:\t{}", finalizers(pvc)));
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            canonical_quantity(pvc.at(&["status", "capacity", "storage"])),
            access_modes(pvc.array_at(&["status", "accessModes"])),
        )
    };
    w.line(0, &format!("Capacity:\t{capacity}"));
    w.line(0, &format!("Access Modes:\t{modes}"));
    let mode = pvc.str_at(&["spec", "volumeMode"]);
    if !mode.is_empty() {
        w.line(0, &format!("VolumeMode:\t{mode}"));
    }
    let users: Vec<String> = ctx
        .related
        .iter()
        .map(|p| p.str_at(&["metadata", "name"]).to_string())
        .collect();
    multiline(w, 0, "Used By", &users);
    events(w, ctx);
}

/// `describe pv`.
pub fn pv(pv: &Value, ctx: &Context, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", pv.str_at(&["metadata", "name"])));
    labels_multiline(w, 0, "Labels", pv.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", pv.at(&["metadata", "annotations"]));
    w.line(0, &format!("Finalizers:\t{}", finalizers(pv)));
    w.line(
        0,
        &format!(
            "StorageClass:\t{}",
            pv.str_at(&["spec", "storageClassName"])
        ),
    );
    status_line(pv, ctx, w);
    let claim = match pv.at(&["spec", "claimRef"]) {
        Some(r) if !r.is_null() => format!("{}/{}", r.str_at(&["namespace"]), r.str_at(&["name"])),
        _ => String::new(),
    };
    w.line(0, &format!("Claim:\t{claim}"));
    w.line(
        0,
        &format!(
            "Reclaim Policy:\t{}",
            pv.str_at(&["spec", "persistentVolumeReclaimPolicy"])
        ),
    );
    w.line(
        0,
        &format!(
            "Access Modes:\t{}",
            access_modes(pv.array_at(&["spec", "accessModes"]))
        ),
    );
    let mode = pv.str_at(&["spec", "volumeMode"]);
    if !mode.is_empty() {
        w.line(0, &format!("VolumeMode:\t{mode}"));
    }
    w.line(
        0,
        &format!(
            "Capacity:\t{}",
            canonical_quantity(pv.at(&["spec", "capacity", "storage"]))
        ),
    );
    match pv.at(&["spec", "nodeAffinity", "required"]) {
        Some(required) => {
            w.line(0, "Node Affinity:\t");
            w.line(1, "Required Terms:\t");
            for (i, term) in required.array_at(&["nodeSelectorTerms"]).iter().enumerate() {
                let exprs: Vec<String> = term
                    .array_at(&["matchExpressions"])
                    .iter()
                    .map(|e| {
                        let values: Vec<&str> = e
                            .array_at(&["values"])
                            .iter()
                            .filter_map(Value::as_str)
                            .collect();
                        format!(
                            "{} {} [{}]",
                            e.str_at(&["key"]),
                            e.str_at(&["operator"]).to_lowercase(),
                            values.join(", ")
                        )
                    })
                    .collect();
                w.line(2, &format!("Term {i}:\t{}", exprs.join(", ")));
            }
        }
        None => w.line(0, "Node Affinity:\t<none>"),
    }
    w.line(
        0,
        &format!("Message:\t{}", pv.str_at(&["status", "message"])),
    );
    w.line(0, "Source:");
    if let Some(host) = pv.at(&["spec", "hostPath"]) {
        w.line(2, "Type:\tHostPath (bare host directory volume)");
        w.line(2, &format!("Path:\t{}", host.str_at(&["path"])));
        w.line(2, &format!("HostPathType:\t{}", host.str_at(&["type"])));
    } else if let Some(local) = pv.at(&["spec", "local"]) {
        w.line(
            2,
            "Type:\tLocalVolume (a persistent volume backed by local storage on a node)",
        );
        w.line(2, &format!("Path:\t{}", local.str_at(&["path"])));
    }
    events(w, ctx);
}

/// `describe storageclass`.
pub fn storage_class(sc: &Value, ctx: &Context, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", sc.str_at(&["metadata", "name"])));
    w.line(
        0,
        &format!(
            "IsDefaultClass:\t{}",
            if is_default_class(sc) { "Yes" } else { "No" }
        ),
    );
    w.line(
        0,
        &format!(
            "Annotations:\t{}",
            format_labels(sc.at(&["metadata", "annotations"]))
        ),
    );
    w.line(0, &format!("Provisioner:\t{}", sc.str_at(&["provisioner"])));
    w.line(
        0,
        &format!("Parameters:\t{}", format_labels(sc.get("parameters"))),
    );
    let expansion = match sc.get("allowVolumeExpansion").and_then(Value::as_bool) {
        Some(b) => b.to_string(),
        None => "<unset>".to_string(),
    };
    w.line(0, &format!("AllowVolumeExpansion:\t{expansion}"));
    let options: Vec<&str> = sc
        .array_at(&["mountOptions"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    w.line(
        0,
        &format!(
            "MountOptions:\t{}",
            if options.is_empty() {
                "<none>".to_string()
            } else {
                options.join(", ")
            }
        ),
    );
    w.line(
        0,
        &format!(
            "ReclaimPolicy:\t{}",
            match sc.str_at(&["reclaimPolicy"]) {
                "" => "Delete",
                r => r,
            }
        ),
    );
    w.line(
        0,
        &format!(
            "VolumeBindingMode:\t{}",
            match sc.str_at(&["volumeBindingMode"]) {
                "" => "Immediate",
                m => m,
            }
        ),
    );
    events(w, ctx);
}
