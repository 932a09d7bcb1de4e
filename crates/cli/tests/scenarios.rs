//! Runs every transcript in tests/scenarios/ and fails with the unified diff
//! of each mismatching command.

use std::path::PathBuf;

use ordinal_kubectl::transcript;
use ordinal_kubectl::Session;

#[test]
fn every_scenario_transcript_matches() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    assert!(!files.is_empty(), "no transcripts in {}", dir.display());
    let mut report = String::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable transcript");
        let parsed = transcript::parse(&text).expect("well-formed transcript");
        let mut session = Session::for_transcript(&parsed);
        let result = transcript::run(&parsed, &mut session);
        if !result.passed() {
            report.push_str(&result.mismatch_report(&file.display().to_string()));
        }
    }
    assert!(report.is_empty(), "{report}");
}
