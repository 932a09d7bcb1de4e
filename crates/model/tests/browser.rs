//! The model in a real browser (wasm-bindgen-test; `wasm-pack test --headless
//! --chrome`): decoding and error texts must be byte-identical to native.
#![cfg(target_arch = "wasm32")]

use ordinal_model::decode::decode_manifest;
use ordinal_model::yaml::to_yaml;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  clusterIP: None\n  selector:\n    app: redis\n  ports:\n  - port: 6379\n";

#[wasm_bindgen_test]
fn a_headless_service_decodes_and_prints_back_sorted() {
    let decoded = decode_manifest(SERVICE, "redis-headless.yaml");
    assert!(
        decoded.errors.is_empty(),
        "{:?}",
        decoded
            .errors
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let (obj, _spans) = &decoded.objects[0];
    assert_eq!(obj.str_at(&["spec", "clusterIP"]), "None");
    assert_eq!(
        to_yaml(obj),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  clusterIP: None\n  ports:\n  - port: 6379\n  selector:\n    app: redis\n"
    );
}

#[wasm_bindgen_test]
fn a_misindented_key_reports_go_yaml_text_and_line() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\n   labels: x\n";
    let decoded = decode_manifest(text, "bad.yaml");
    let message = &decoded.errors.first().expect("a syntax error").message;
    assert_eq!(
        message,
        "error: error parsing bad.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context"
    );
}
