//! `describe namespace`, `describe configmap`, `describe secret` and
//! `describe serviceaccount` (`NamespaceDescriber`, `ConfigMapDescriber`,
//! `SecretDescriber`, `ServiceAccountDescriber` in kubectl
//! pkg/describe/describe.go).

use ordinal_model::Value;

use super::{annotations_multiline, events, labels_multiline, meta_header, Context, Writer};

/// `describe namespace` (the simulator serves no ResourceQuotas or LimitRanges).
pub fn namespace(ns: &Value, _ctx: &Context, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", ns.str_at(&["metadata", "name"])));
    labels_multiline(w, 0, "Labels", ns.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", ns.at(&["metadata", "annotations"]));
    w.line(0, &format!("Status:\t{}", ns.str_at(&["status", "phase"])));
    w.line(0, "");
    w.line(0, "No resource quota.");
    w.line(0, "");
    w.line(0, "No LimitRange resource.");
}

/// `describe configmap`.
pub fn config_map(cm: &Value, ctx: &Context, w: &mut Writer) {
    meta_header(cm, w);
    w.line(0, "");
    w.line(0, "Data");
    w.line(0, "====");
    if let Some(data) = cm.get("data").and_then(Value::as_object) {
        for (k, v) in data {
            w.line(0, &format!("{k}:"));
            w.line(0, "----");
            w.line(0, v.as_str().unwrap_or(""));
            w.line(0, "");
        }
    }
    w.line(0, "");
    w.line(0, "BinaryData");
    w.line(0, "====");
    if let Some(data) = cm.get("binaryData").and_then(Value::as_object) {
        for (k, v) in data {
            let bytes = v.as_str().map_or(0, |s| s.len() * 3 / 4);
            w.line(0, &format!("{k}: {bytes} bytes"));
        }
    }
    w.line(0, "");
    events(w, ctx);
}

/// `describe serviceaccount`: the names of its image pull secrets (kubectl
/// v1.36 no longer lists mountable secrets or tokens).
pub fn service_account(account: &Value, ctx: &Context, w: &mut Writer) {
    meta_header(account, w);
    let pull = account.array_at(&["imagePullSecrets"]);
    if pull.is_empty() {
        w.line(0, "Image pull secrets:\t<none>");
    }
    for (i, secret) in pull.iter().enumerate() {
        let header = if i == 0 { "Image pull secrets:" } else { "" };
        w.line(0, &format!("{header}\t{}", secret.str_at(&["name"])));
    }
    events(w, ctx);
}

/// Bytes a base64 `data` value decodes to.
fn decoded_len(encoded: &str) -> usize {
    let trimmed = encoded.trim_end_matches('=');
    trimmed.len() * 3 / 4
}

/// `describe secret`: sizes only, never the values (`SecretDescriber`).
pub fn secret(secret: &Value, _ctx: &Context, w: &mut Writer) {
    meta_header(secret, w);
    w.line(0, "");
    w.line(0, &format!("Type:\t{}", secret.str_at(&["type"])));
    w.line(0, "");
    w.line(0, "Data");
    w.line(0, "====");
    if let Some(data) = secret.get("data").and_then(Value::as_object) {
        for (key, value) in data {
            w.line(
                0,
                &format!(
                    "{key}:\t{} bytes",
                    decoded_len(value.as_str().unwrap_or(""))
                ),
            );
        }
    }
}
