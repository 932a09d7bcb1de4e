//! Text filters learners pipe kubectl output into: `grep` (see
//! [`super::grep`]), `head [-n N]`, `tail [-n N]`, `wc -l`, `sort`.

use crate::transcript::CommandOutput;

/// Runs a filter over `input`.
#[inline(never)]
pub fn run(args: &[String], input: &str) -> CommandOutput {
    if args[0] == "grep" {
        return super::grep::run(args, input);
    }
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
