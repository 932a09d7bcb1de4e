//! Shell word splitting for the virtual terminal: quotes, backslashes,
//! `$VAR` expansion, and splitting a line into commands joined by `;`, `&&`,
//! `||` and `|`. A deliberately small subset of POSIX sh.

use std::collections::BTreeMap;

/// How a command is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// First command, or after `;`.
    Always,
    /// After `&&`.
    IfSuccess,
    /// After `||`.
    IfFailure,
}

/// Splits `line` at top-level `;`, `&&` and `||` (outside quotes).
pub fn split_list(line: &str) -> Vec<(Connector, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut connector = Connector::Always;
    let mut chars = line.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some(_), '\\') => {
                current.push(c);
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (None, '\\') => {
                current.push(c);
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            (None, ';') => {
                out.push((connector, std::mem::take(&mut current)));
                connector = Connector::Always;
            }
            (None, '&') if chars.peek() == Some(&'&') => {
                chars.next();
                out.push((connector, std::mem::take(&mut current)));
                connector = Connector::IfSuccess;
            }
            (None, '|') if chars.peek() == Some(&'|') => {
                chars.next();
                out.push((connector, std::mem::take(&mut current)));
                connector = Connector::IfFailure;
            }
            (None, c) => current.push(c),
        }
    }
    out.push((connector, current));
    out.into_iter()
        .map(|(c, s)| (c, s.trim().to_string()))
        .filter(|(_, s)| !s.is_empty())
        .collect()
}

/// Splits a command at top-level `|` (outside quotes; `||` is handled by [`split_list`]).
pub fn split_pipeline(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (_, '\\') => {
                current.push(c);
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            (None, '|') => out.push(std::mem::take(&mut current)),
            (_, c) => current.push(c),
        }
    }
    out.push(current);
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

/// Why a command line could not be split into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordsError {
    /// A quote was opened and never closed.
    UnterminatedQuote(char),
}

/// Splits a simple command into words, removing quotes and expanding `$VAR`
/// / `${VAR}` from `vars` (outside single quotes).
pub fn split_words(
    command: &str,
    vars: &BTreeMap<String, String>,
) -> Result<Vec<String>, WordsError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => current.push(ch),
                        None => return Err(WordsError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(n @ ('"' | '\\' | '$' | '`')) => current.push(n),
                            Some(n) => {
                                current.push('\\');
                                current.push(n);
                            }
                            None => return Err(WordsError::UnterminatedQuote('"')),
                        },
                        Some('$') => current.push_str(&expand_var(&mut chars, vars)),
                        Some(ch) => current.push(ch),
                        None => return Err(WordsError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            '$' => {
                in_word = true;
                current.push_str(&expand_var(&mut chars, vars));
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

fn expand_var(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    vars: &BTreeMap<String, String>,
) -> String {
    let mut name = String::new();
    if chars.peek() == Some(&'{') {
        chars.next();
        for c in chars.by_ref() {
            if c == '}' {
                break;
            }
            name.push(c);
        }
    } else if chars.peek() == Some(&'?') {
        chars.next();
        name.push('?');
    } else {
        while let Some(&c) = chars.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                name.push(c);
                chars.next();
            } else {
                break;
            }
        }
        if name.is_empty() {
            return "$".to_string();
        }
    }
    vars.get(&name).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_operators_outside_quotes() {
        let parts = split_list("echo 'a;b' && sleep 1; kubectl get pods || true");
        assert_eq!(
            parts,
            vec![
                (Connector::Always, "echo 'a;b'".to_string()),
                (Connector::IfSuccess, "sleep 1".to_string()),
                (Connector::Always, "kubectl get pods".to_string()),
                (Connector::IfFailure, "true".to_string()),
            ]
        );
    }

    #[test]
    fn words_handle_quotes_and_variables() {
        let vars = BTreeMap::from([("i".to_string(), "2".to_string())]);
        let words = split_words(
            r#"kubectl exec web-$i -- sh -c 'echo $i > /x' "n=${i}""#,
            &vars,
        )
        .unwrap();
        assert_eq!(
            words,
            [
                "kubectl",
                "exec",
                "web-2",
                "--",
                "sh",
                "-c",
                "echo $i > /x",
                "n=2"
            ]
        );
        assert_eq!(
            split_words("echo 'x", &vars),
            Err(WordsError::UnterminatedQuote('\''))
        );
    }
}
