//! Tables for PersistentVolumeClaims, PersistentVolumes and StorageClasses
//! (`printPersistentVolumeClaim`, `printPersistentVolume`, `printStorageClass`
//! in pkg/printers/internalversion/printers.go).

use ordinal_model::quantity::Quantity;
use ordinal_model::Value;

use super::{age, col, name, wide, PrintContext, TableDef};

/// Access modes in kubectl's order and abbreviation (`GetAccessModesAsString`).
const ACCESS_MODES: &[(&str, &str)] = &[
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
];

/// `RWO,RWX` from a list of access modes.
pub fn access_modes(modes: &[Value]) -> String {
    ACCESS_MODES
        .iter()
        .filter(|(long, _)| modes.iter().any(|m| m.as_str() == Some(long)))
        .map(|(_, short)| *short)
        .collect::<Vec<_>>()
        .join(",")
}

/// A quantity in canonical form (`1Gi`), or the text as given if it does not parse.
pub fn canonical_quantity(value: Option<&Value>) -> String {
    let text = match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Int(i)) => i.to_string(),
        _ => return String::new(),
    };
    Quantity::parse(&text)
        .map(|q| q.to_string())
        .unwrap_or(text)
}

fn phase_or_terminating(obj: &Value) -> String {
    if obj
        .at(&["metadata", "deletionTimestamp"])
        .is_some_and(|v| !v.is_null())
    {
        "Terminating".to_string()
    } else {
        obj.str_at(&["status", "phase"]).to_string()
    }
}

fn or_unset(s: &str) -> String {
    if s.is_empty() {
        "<unset>".to_string()
    } else {
        s.to_string()
    }
}

/// `kubectl get pvc`.
pub const PVC: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Status"),
        col("Volume"),
        col("Capacity"),
        col("Access Modes"),
        col("StorageClass"),
        col("VolumeAttributesClass"),
        col("Age"),
        wide("VolumeMode"),
    ],
    row: pvc_row,
};

fn pvc_row(pvc: &Value, ctx: &PrintContext) -> Vec<String> {
    let volume = pvc.str_at(&["spec", "volumeName"]);
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            canonical_quantity(pvc.at(&["status", "capacity", "storage"])),
            access_modes(pvc.array_at(&["status", "accessModes"])),
        )
    };
    let class = match pvc.str_at(&["spec", "storageClassName"]) {
        "" => pvc.str_at(&[
            "metadata",
            "annotations",
            "volume.beta.kubernetes.io/storage-class",
        ]),
        c => c,
    };
    vec![
        name(pvc).to_string(),
        phase_or_terminating(pvc),
        volume.to_string(),
        capacity,
        modes,
        class.to_string(),
        or_unset(pvc.str_at(&["spec", "volumeAttributesClassName"])),
        age(pvc, ctx),
        or_unset(pvc.str_at(&["spec", "volumeMode"])),
    ]
}

/// `kubectl get pv`.
pub const PV: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Capacity"),
        col("Access Modes"),
        col("Reclaim Policy"),
        col("Status"),
        col("Claim"),
        col("StorageClass"),
        col("VolumeAttributesClass"),
        col("Reason"),
        col("Age"),
        wide("VolumeMode"),
    ],
    row: pv_row,
};

fn pv_row(pv: &Value, ctx: &PrintContext) -> Vec<String> {
    let claim = match pv.at(&["spec", "claimRef"]) {
        Some(r) if !r.is_null() => format!("{}/{}", r.str_at(&["namespace"]), r.str_at(&["name"])),
        _ => String::new(),
    };
    vec![
        name(pv).to_string(),
        canonical_quantity(pv.at(&["spec", "capacity", "storage"])),
        access_modes(pv.array_at(&["spec", "accessModes"])),
        pv.str_at(&["spec", "persistentVolumeReclaimPolicy"])
            .to_string(),
        phase_or_terminating(pv),
        claim,
        pv.str_at(&["spec", "storageClassName"]).to_string(),
        or_unset(pv.str_at(&["spec", "volumeAttributesClassName"])),
        pv.str_at(&["status", "reason"]).to_string(),
        age(pv, ctx),
        or_unset(pv.str_at(&["spec", "volumeMode"])),
    ]
}

/// True when a StorageClass carries the default-class annotation.
pub fn is_default_class(sc: &Value) -> bool {
    [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| sc.str_at(&["metadata", "annotations", k]) == "true")
}

/// `kubectl get storageclass`.
pub const STORAGE_CLASS: TableDef = TableDef {
    columns: &[
        col("Name"),
        col("Provisioner"),
        col("ReclaimPolicy"),
        col("VolumeBindingMode"),
        col("AllowVolumeExpansion"),
        col("Age"),
    ],
    row: |sc, ctx| {
        let mut display = name(sc).to_string();
        if is_default_class(sc) {
            display.push_str(" (default)");
        }
        let reclaim = match sc.str_at(&["reclaimPolicy"]) {
            "" => "Delete",
            r => r,
        };
        let binding = match sc.str_at(&["volumeBindingMode"]) {
            "" => "Immediate",
            b => b,
        };
        let expansion = sc
            .at(&["allowVolumeExpansion"])
            .and_then(Value::as_bool)
            .unwrap_or(false);
        vec![
            display,
            sc.str_at(&["provisioner"]).to_string(),
            reclaim.to_string(),
            binding.to_string(),
            expansion.to_string(),
            age(sc, ctx),
        ]
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_modes_use_kubectl_order() {
        let modes = vec![Value::from("ReadWriteMany"), Value::from("ReadWriteOnce")];
        assert_eq!(access_modes(&modes), "RWO,RWX");
    }

    #[test]
    fn unbound_claim_has_empty_capacity() {
        let pvc = Value::from([
            ("metadata", Value::from([("name", "data-web-0".into())])),
            (
                "spec",
                Value::from([("storageClassName", "standard".into())]),
            ),
            ("status", Value::from([("phase", "Pending".into())])),
        ]);
        let cells = pvc_row(&pvc, &PrintContext { now_ms: 0 });
        assert_eq!(
            cells[..7],
            ["data-web-0", "Pending", "", "", "", "standard", "<unset>"]
        );
    }
}
