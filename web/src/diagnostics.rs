//! Inline diagnostics for the editor: the problems `kubectl apply -f` would
//! report for the text, each at the line and column the model's decoder or
//! validator points to. Decoding (`ordinal_model::decode`) finds syntax,
//! mapping and strict-decoding errors; objects that decode are defaulted and
//! validated as the API server does before it stores them.

use ordinal_model::decode::{decode_manifest, field_diagnostic};
use ordinal_model::defaults::apply_defaults;
use ordinal_model::validation::validate;

/// Most problems listed under the editor.
pub const MAX_PROBLEMS: usize = 20;

/// One problem in the editor text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line, if the problem has a position.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: usize,
    /// How many characters the underline covers.
    pub width: usize,
    /// What kubectl would print.
    pub message: String,
    /// A did-you-mean, if any.
    pub hint: Option<String>,
}

/// The problems in `text`, as `kubectl apply -f source` would find them.
pub fn check(text: &str, source: &str) -> Vec<Problem> {
    let decoded = decode_manifest(text, source);
    let mut problems: Vec<Problem> = decoded
        .errors
        .iter()
        .map(|d| Problem {
            line: d.pos.map(|p| p.line),
            column: d.pos.map_or(1, |p| p.column),
            width: d.width,
            message: d.message.clone(),
            hint: d.hint.clone(),
        })
        .collect();
    for (object, spans) in &decoded.objects {
        let mut defaulted = object.clone();
        apply_defaults(&mut defaulted);
        let kind = object.str_at(&["kind"]);
        let name = object.str_at(&["metadata", "name"]);
        for err in validate(&defaulted) {
            let message = format!("The {kind} \"{name}\" is invalid: {err}");
            let d = field_diagnostic(&message, text, source, spans, &err.path, None);
            problems.push(Problem {
                line: d.pos.map(|p| p.line),
                column: d.pos.map_or(1, |p| p.column),
                width: d.width,
                message,
                hint: None,
            });
        }
    }
    problems.truncate(MAX_PROBLEMS);
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::EXAMPLES;

    #[test]
    fn the_working_examples_have_no_problems() {
        for example in EXAMPLES.iter().filter(|e| e.id != "storage") {
            assert_eq!(check(example.text, "x.yaml"), [], "{}", example.id);
        }
    }

    #[test]
    fn the_misindented_pvc_points_at_its_resources_line() {
        let text = crate::examples::by_id("storage").map_or("", |e| e.text);
        let problems = check(text, "storage.yaml");
        let first = problems.first().expect("a problem");
        let line = first.line.expect("a line");
        assert_eq!(text.lines().nth(line - 1), Some("resources:"));
        assert!(
            first.message.contains("unknown field \"resources\""),
            "{}",
            first.message
        );
    }

    #[test]
    fn a_typo_gets_a_suggestion_and_a_bad_value_its_line() {
        let typo =
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replica: 3\n";
        let problems = check(typo, "x.yaml");
        assert_eq!(problems[0].line, Some(6));
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("did you mean \"replicas\"?")
        );
        let negative = crate::examples::EXAMPLES[0]
            .text
            .replace("replicas: 2", "replicas: -1");
        let problems = check(&negative, "x.yaml");
        let line = problems.first().and_then(|p| p.line).expect("a line");
        assert_eq!(negative.lines().nth(line - 1), Some("  replicas: -1"));
    }
}
