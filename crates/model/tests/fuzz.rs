//! Robustness: mutated seed manifests and random bytes never make decoding,
//! defaulting, validation (also as an update of a stored pod or service,
//! with the pod spec diff) or printing panic, and pathological inputs (deep
//! nesting, alias bombs, huge scalars) are refused with an error.
//! Native only: proptest needs OS randomness, which wasm32 lacks.
#![cfg(not(target_arch = "wasm32"))]

use ordinal_model::apply::three_way_merge;
use ordinal_model::decode::decode_manifest;
use ordinal_model::defaults::apply_defaults;
use ordinal_model::validation::{validate, validate_update};
use ordinal_model::yaml::{parse_stream, to_yaml};
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    include_str!("../../../tests/manifests/seed-01/input.yaml"),
    include_str!("../../../tests/manifests/seed-03/input.yaml"),
    include_str!("../../../tests/manifests/seed-04/input.yaml"),
    include_str!("../../../tests/manifests/seed-07/input.yaml"),
    include_str!("../../../tests/manifests/seed-11/input.yaml"),
    include_str!("../../../tests/manifests/update-pod-resources/input.yaml"),
    include_str!("../../../tests/manifests/update-service-headless/input.yaml"),
];

/// Stored objects the mutated manifests are applied to as updates.
const LIVE: &[&str] = &[
    include_str!("../../../tests/manifests/update-pod-resources/live.yaml"),
    include_str!("../../../tests/manifests/update-service-headless/live.yaml"),
];

/// Everything a manifest goes through in the simulator.
fn exercise(text: &str) {
    let decoded = decode_manifest(text, "fuzz.yaml");
    for e in &decoded.errors {
        let _ = e.render();
    }
    for (obj, _) in decoded.objects {
        let mut obj = obj;
        apply_defaults(&mut obj);
        let _ = validate(&obj);
        for live in LIVE {
            let mut live = parse_stream(live).docs.remove(0).value;
            apply_defaults(&mut live);
            let mut merged = three_way_merge(None, &live, &obj);
            apply_defaults(&mut merged);
            let _ = validate_update(&live, &merged);
        }
        let printed = to_yaml(&obj);
        let reparsed = parse_stream(&printed);
        assert!(
            reparsed.error.is_none(),
            "printed YAML must parse: {printed}"
        );
        assert_eq!(reparsed.docs[0].value, obj, "printing must round-trip");
    }
}

const NOISE: &[&str] = &[
    " ", "\t", ":", "- ", "#", "'", "\"", "[", "]", "{", "}", ",", "&a ", "*a", "|", ">-", "\n",
    "---", "...", "? ", "!!str ", "%", "@", "\\", "\r\n", "é", "中文", "0x1F", "yes", "~",
];

fn mutated() -> impl Strategy<Value = String> {
    (
        0..SEEDS.len(),
        proptest::collection::vec((any::<prop::sample::Index>(), 0..NOISE.len(), 0..3u8), 1..6),
    )
        .prop_map(|(seed, edits)| {
            let mut text: Vec<char> = SEEDS[seed].chars().collect();
            for (at, noise, op) in edits {
                let i = at.index(text.len() + 1);
                match op {
                    0 => {
                        let insert: Vec<char> = NOISE[noise].chars().collect();
                        text.splice(i..i, insert);
                    }
                    1 if i < text.len() => {
                        text.remove(i);
                    }
                    _ => {
                        let line_start = text[..i]
                            .iter()
                            .rposition(|c| *c == '\n')
                            .map_or(0, |p| p + 1);
                        text.insert(line_start, ' ');
                    }
                }
            }
            text.into_iter().collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_seeds_never_panic(text in mutated()) {
        exercise(&text);
    }

    #[test]
    fn random_text_never_panics(text in "[ -~\\t\\n\\r\u{80}-\u{ff}]{0,400}") {
        exercise(&text);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn deep_nesting_is_refused() {
    let flow = "[".repeat(50_000);
    assert!(parse_stream(&flow).error.is_some());
    let mut block = String::new();
    for depth in 0..500 {
        block.push_str(&" ".repeat(depth));
        block.push_str("a:\n");
    }
    let e = parse_stream(&block).error.expect("too deep");
    assert!(e.message.contains("exceeded max depth"), "{}", e.message);
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for name in names {
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        prev = name;
    }
    let e = parse_stream(&bomb).error.expect("refused");
    assert_eq!(e.message, "yaml: document contains excessive aliasing");
}

#[test]
fn oversized_manifests_are_refused() {
    let big = format!("a: \"{}\"\n", "x".repeat(2 * 1024 * 1024));
    let e = parse_stream(&big).error.expect("refused");
    assert!(e.message.contains("larger than"));
}
