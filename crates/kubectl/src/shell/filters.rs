//! Text filters learners pipe kubectl output into: `grep [-v] [-i] PATTERN`,
//! `head [-n N]`, `tail [-n N]`, `wc -l`, `sort`. Patterns are plain substrings.

use crate::transcript::CommandOutput;

/// Runs a filter over `input`.
#[inline(never)]
pub fn run(args: &[String], input: &str) -> CommandOutput {
    let mut out = CommandOutput::default();
    let lines: Vec<&str> = input.lines().collect();
    let count = |default: usize| {
        args.iter()
            .skip(1)
            .filter_map(|a| {
                a.trim_start_matches('-')
                    .trim_start_matches('n')
                    .parse()
                    .ok()
            })
            .next_back()
            .unwrap_or(default)
    };
    let selected: Vec<String> = match args[0].as_str() {
        "grep" => {
            let invert = args.iter().any(|a| a == "-v");
            let ignore_case = args.iter().any(|a| a == "-i");
            let Some(pattern) = args.iter().skip(1).find(|a| !a.starts_with('-')) else {
                out.errln("Usage: grep [OPTION]... PATTERNS [FILE]...");
                out.exit_code = 2;
                return out;
            };
            let pattern = if ignore_case {
                pattern.to_lowercase()
            } else {
                pattern.clone()
            };
            let found: Vec<String> = lines
                .iter()
                .filter(|l| {
                    let hay = if ignore_case {
                        l.to_lowercase()
                    } else {
                        l.to_string()
                    };
                    hay.contains(&pattern) != invert
                })
                .map(|l| l.to_string())
                .collect();
            if found.is_empty() {
                out.exit_code = 1;
            }
            found
        }
        "head" => lines
            .iter()
            .take(count(10))
            .map(|l| l.to_string())
            .collect(),
        "tail" => {
            let n = count(10);
            lines
                .iter()
                .skip(lines.len().saturating_sub(n))
                .map(|l| l.to_string())
                .collect()
        }
        "wc" => vec![lines.len().to_string()],
        _ => {
            let mut sorted: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            ordinal_model::order::sort(&mut sorted);
            sorted
        }
    };
    for line in selected {
        out.outln(&line);
    }
    out
}
