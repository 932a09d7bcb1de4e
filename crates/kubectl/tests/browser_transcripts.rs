//! Every transcript of tests/scenarios/ replayed in a real browser
//! (wasm-bindgen-test under `wasm-pack test --headless --chrome`), proving the
//! wasm build behaves byte for byte like the native one. Natively, checks that
//! the compiled-in list is the directory's.

#[path = "common/scenario_list.rs"]
mod scenario_list;

use scenario_list::SCENARIOS;

#[cfg(target_arch = "wasm32")]
mod browser {
    use ordinal_kubectl::transcript;
    use ordinal_kubectl::Session;
    use wasm_bindgen_test::*;
    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn every_scenario_transcript_matches_in_the_browser() {
        let mut report = String::new();
        for (name, text) in super::SCENARIOS {
            let parsed = transcript::parse(text).expect("well-formed transcript");
            let mut session = Session::for_transcript(&parsed);
            let result = transcript::run(&parsed, &mut session);
            if !result.passed() {
                report.push_str(&result.mismatch_report(name));
            }
        }
        assert!(report.is_empty(), "{report}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn scenario_list_matches_the_directory() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        listed, on_disk,
        "run scripts/scenario_list.py to list every transcript"
    );
}
