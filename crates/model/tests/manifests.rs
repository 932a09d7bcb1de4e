//! Table-driven manifest cases: every directory under `tests/manifests/` holds
//! an `input.yaml` and the `expected.txt` Ordinal prints for it: kubectl's
//! error text and Ordinal's pointer for each problem, then each accepted
//! object after defaulting (as `-o yaml`) or its validation failure.
//! A case with a `live.yaml` is an update: `input.yaml` is applied to that
//! stored object by the three-way merge and checked with `validate_update`
//! (Services as the registry prepares them, `prepare_service_update`).
//! Run with `BLESS=1` to rewrite the expectations after checking them.

use ordinal_model::apply::{three_way_merge, LAST_APPLIED};
use ordinal_model::decode::decode_manifest;
use ordinal_model::defaults::apply_defaults;
use ordinal_model::validation::{
    invalid_status_message, prepare_service_update, validate, validate_update,
};
use ordinal_model::yaml::to_yaml;
use ordinal_model::Value;
use std::path::Path;

/// The stored object of an update case, defaulted as the server keeps it.
fn stored(live: &str) -> Option<Value> {
    let mut obj = decode_manifest(live, "live.yaml")
        .objects
        .into_iter()
        .next()?
        .0;
    apply_defaults(&mut obj);
    Some(obj)
}

fn render(input: &str, live: Option<&Value>) -> String {
    let decoded = decode_manifest(input, "input.yaml");
    let mut out = String::new();
    for e in &decoded.errors {
        out.push_str(&e.render());
    }
    for (obj, _) in &decoded.objects {
        let (obj, errs) = match live {
            Some(live) => {
                let applied = live.str_at(&["metadata", "annotations", LAST_APPLIED]);
                let previous = ordinal_model::json::parse(applied).ok();
                let mut merged = three_way_merge(previous.as_ref(), live, obj);
                apply_defaults(&mut merged);
                let errs = validate_update(live, &merged);
                if merged.str_at(&["kind"]) == "Service" {
                    prepare_service_update(live, &mut merged);
                }
                (merged, errs)
            }
            None => {
                let mut obj = obj.clone();
                apply_defaults(&mut obj);
                let errs = validate(&obj);
                (obj, errs)
            }
        };
        out.push_str("---\n");
        if errs.is_empty() {
            out.push_str(&to_yaml(&obj));
        } else {
            let kind = obj.str_at(&["kind"]);
            let name = obj.str_at(&["metadata", "name"]);
            out.push_str(&invalid_status_message(kind, name, &errs));
            out.push('\n');
        }
    }
    out
}

#[test]
fn manifest_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/manifests");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/manifests exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("input.yaml").exists())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for dir in &dirs {
        let input = std::fs::read_to_string(dir.join("input.yaml")).expect("input");
        let live = std::fs::read_to_string(dir.join("live.yaml"))
            .ok()
            .and_then(|l| stored(&l));
        let got = render(&input, live.as_ref());
        let expected_path = dir.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &got).expect("write expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{got}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
