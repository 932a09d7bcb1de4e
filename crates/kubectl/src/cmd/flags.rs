//! Command-line flag parsing with cobra/pflag's error texts
//! (`unknown flag: --foo`, `unknown shorthand flag: 'x' in -x`,
//! `flag needs an argument: 'n' in -n`).

use std::collections::BTreeMap;

/// One flag a command accepts.
#[derive(Debug, Clone, Copy)]
pub struct FlagSpec {
    /// Long name without dashes (`namespace`).
    pub long: &'static str,
    /// Short letter, if any (`n`).
    pub short: Option<char>,
    /// True when the flag takes a value.
    pub takes_value: bool,
}

/// A boolean flag.
pub const fn switch(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        takes_value: false,
    }
}

/// A flag with a value.
pub const fn value(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        takes_value: true,
    }
}

/// Flags every kubectl command accepts.
pub const GLOBAL: &[FlagSpec] = &[
    value("namespace", Some('n')),
    value("context", None),
    value("kubeconfig", None),
    value("cluster", None),
    value("user", None),
    value("server", Some('s')),
    value("v", Some('v')),
    value("request-timeout", None),
    switch("help", Some('h')),
];

/// Parsed arguments: positionals, flag values by long name, and the words after `--`.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Positional arguments.
    pub args: Vec<String>,
    /// Flag values by long name; switches hold `"true"`. Repeated flags keep every value.
    pub flags: BTreeMap<String, Vec<String>>,
    /// Everything after `--`.
    pub rest: Vec<String>,
    /// True when `--` was given.
    pub dash_dash: bool,
}

impl Parsed {
    /// The last value of a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.flags
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value of a repeatable flag, comma-separated lists split.
    pub fn all(&self, long: &str) -> Vec<String> {
        self.flags
            .get(long)
            .map(|v| {
                v.iter()
                    .flat_map(|s| s.split(',').map(str::to_string))
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// True when a switch is set (and not `=false`).
    pub fn has(&self, long: &str) -> bool {
        self.get(long).is_some_and(|v| v != "false")
    }
}

/// Parses `args` against the command's flags plus the global ones.
pub fn parse(args: &[String], specs: &[FlagSpec]) -> Result<Parsed, String> {
    let find_long = |name: &str| specs.iter().chain(GLOBAL).find(|s| s.long == name);
    let find_short = |c: char| specs.iter().chain(GLOBAL).find(|s| s.short == Some(c));
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            parsed.dash_dash = true;
            parsed.rest = args[i..].to_vec();
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some(spec) = find_long(name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let value = if spec.takes_value {
                match inline {
                    Some(v) => v,
                    None if i < args.len() => {
                        i += 1;
                        args[i - 1].clone()
                    }
                    None => return Err(format!("flag needs an argument: --{name}")),
                }
            } else {
                inline.unwrap_or_else(|| "true".to_string())
            };
            parsed
                .flags
                .entry(spec.long.to_string())
                .or_default()
                .push(value);
        } else if arg.len() > 1 && arg.starts_with('-') {
            let body: Vec<char> = arg[1..].chars().collect();
            let mut k = 0;
            while k < body.len() {
                let c = body[k];
                let Some(spec) = find_short(c) else {
                    return Err(format!("unknown shorthand flag: '{c}' in {arg}"));
                };
                if spec.takes_value {
                    let rest: String = body[k + 1..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(&rest).to_string()
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        return Err(format!("flag needs an argument: '{c}' in {arg}"));
                    };
                    parsed
                        .flags
                        .entry(spec.long.to_string())
                        .or_default()
                        .push(value);
                    break;
                }
                parsed
                    .flags
                    .entry(spec.long.to_string())
                    .or_default()
                    .push("true".to_string());
                k += 1;
            }
        } else {
            parsed.args.push(arg.clone());
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_long_short_and_rest() {
        let specs = [value("output", Some('o')), switch("watch", Some('w'))];
        let p = parse(
            &strings(&["pods", "-ow", "-w", "-n", "kube-system", "--", "ls"]),
            &specs,
        )
        .unwrap();
        assert_eq!(p.args, ["pods"]);
        assert_eq!(p.get("output"), Some("w"));
        assert!(p.has("watch"));
        assert_eq!(p.get("namespace"), Some("kube-system"));
        assert_eq!(p.rest, ["ls"]);
    }

    #[test]
    fn errors_use_pflag_wording() {
        assert_eq!(
            parse(&strings(&["--nope"]), &[]).unwrap_err(),
            "unknown flag: --nope"
        );
        assert_eq!(
            parse(&strings(&["-x"]), &[]).unwrap_err(),
            "unknown shorthand flag: 'x' in -x"
        );
        assert_eq!(
            parse(&strings(&["-n"]), &[]).unwrap_err(),
            "flag needs an argument: 'n' in -n"
        );
    }
}
