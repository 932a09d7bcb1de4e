//! Table-driven manifest cases: every directory under `tests/manifests/` holds
//! an `input.yaml` and the `expected.txt` Ordinal prints for it: kubectl's
//! error text and Ordinal's pointer for each problem, then each accepted
//! object after defaulting (as `-o yaml`) or its validation failure.
//! Run with `BLESS=1` to rewrite the expectations after checking them.

use ordinal_model::decode::decode_manifest;
use ordinal_model::defaults::apply_defaults;
use ordinal_model::validation::{invalid_status_message, validate};
use ordinal_model::yaml::to_yaml;
use std::path::Path;

fn render(input: &str) -> String {
    let decoded = decode_manifest(input, "input.yaml");
    let mut out = String::new();
    for e in &decoded.errors {
        out.push_str(&e.render());
    }
    for (obj, _) in &decoded.objects {
        let mut obj = obj.clone();
        apply_defaults(&mut obj);
        let errs = validate(&obj);
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
        let got = render(&input);
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
