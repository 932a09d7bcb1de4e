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
    let mut ahead = chars.clone();
    if ahead.next() == Some('(') && ahead.next() == Some('(') {
        // `$((EXPR))`: arithmetic expansion, to the matching `))`.
        chars.next();
        chars.next();
        let mut expr = String::new();
        let mut depth = 0usize;
        while let Some(c) = chars.next() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    if chars.peek() == Some(&')') {
                        chars.next();
                    }
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
            expr.push(c);
        }
        return match arithmetic(&expr, vars) {
            Ok(value) => value.to_string(),
            Err(_) => String::new(),
        };
    }
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

/// Most nested parentheses in an arithmetic expression.
const MAX_ARITHMETIC_DEPTH: usize = 32;

/// Evaluates a shell arithmetic expression (`$((...))`): 64-bit integers,
/// `+ - * / %`, unary `-`/`+`, parentheses, comparisons (`< <= > >= == !=`,
/// 1 or 0) and variables by name (with or without `$`; unset or not a
/// number is 0).
pub fn arithmetic(expr: &str, vars: &BTreeMap<String, String>) -> Result<i64, String> {
    let tokens = arithmetic_tokens(expr, vars)?;
    let mut at = 0;
    let value = compare(&tokens, &mut at, 0)?;
    if at != tokens.len() {
        return Err(format!("arithmetic syntax error: {expr}"));
    }
    Ok(value)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(i64),
    Op(&'static str),
}

fn arithmetic_tokens(expr: &str, vars: &BTreeMap<String, String>) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            tokens.push(Token::Number(
                text.parse().map_err(|_| "number too large".to_string())?,
            ));
        } else if c.is_ascii_alphabetic() || c == '_' || c == '$' {
            let start = if c == '$' { i + 1 } else { i };
            i = start;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let value = vars
                .get(&name)
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            tokens.push(Token::Number(value));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = ["<=", ">=", "==", "!="]
                .into_iter()
                .find(|op| *op == two)
                .or_else(|| {
                    ["+", "-", "*", "/", "%", "(", ")", "<", ">"]
                        .into_iter()
                        .find(|op| op.starts_with(c))
                })
                .ok_or_else(|| format!("arithmetic syntax error: {expr}"))?;
            i += op.len();
            tokens.push(Token::Op(op));
        }
    }
    Ok(tokens)
}

fn compare(tokens: &[Token], at: &mut usize, depth: usize) -> Result<i64, String> {
    let left = sum(tokens, at, depth)?;
    let Some(Token::Op(op @ ("<" | "<=" | ">" | ">=" | "==" | "!="))) = tokens.get(*at) else {
        return Ok(left);
    };
    *at += 1;
    let right = sum(tokens, at, depth)?;
    Ok(i64::from(match *op {
        "<" => left < right,
        "<=" => left <= right,
        ">" => left > right,
        ">=" => left >= right,
        "==" => left == right,
        _ => left != right,
    }))
}

fn sum(tokens: &[Token], at: &mut usize, depth: usize) -> Result<i64, String> {
    let mut value = product(tokens, at, depth)?;
    while let Some(Token::Op(op @ ("+" | "-"))) = tokens.get(*at) {
        *at += 1;
        let right = product(tokens, at, depth)?;
        value = if *op == "+" {
            value.wrapping_add(right)
        } else {
            value.wrapping_sub(right)
        };
    }
    Ok(value)
}

fn product(tokens: &[Token], at: &mut usize, depth: usize) -> Result<i64, String> {
    let mut value = unary(tokens, at, depth)?;
    while let Some(Token::Op(op @ ("*" | "/" | "%"))) = tokens.get(*at) {
        *at += 1;
        let right = unary(tokens, at, depth)?;
        value = match *op {
            "*" => value.wrapping_mul(right),
            _ if right == 0 => return Err("divide by zero".to_string()),
            "/" => value.wrapping_div(right),
            _ => value.wrapping_rem(right),
        };
    }
    Ok(value)
}

fn unary(tokens: &[Token], at: &mut usize, depth: usize) -> Result<i64, String> {
    if depth > MAX_ARITHMETIC_DEPTH {
        return Err("expression nested too deeply".to_string());
    }
    match tokens.get(*at) {
        Some(Token::Number(n)) => {
            *at += 1;
            Ok(*n)
        }
        Some(Token::Op("-")) => {
            *at += 1;
            Ok(unary(tokens, at, depth + 1)?.wrapping_neg())
        }
        Some(Token::Op("+")) => {
            *at += 1;
            unary(tokens, at, depth + 1)
        }
        Some(Token::Op("(")) => {
            *at += 1;
            let value = compare(tokens, at, depth + 1)?;
            if tokens.get(*at) != Some(&Token::Op(")")) {
                return Err("missing )".to_string());
            }
            *at += 1;
            Ok(value)
        }
        _ => Err("arithmetic syntax error".to_string()),
    }
}

/// `NAME=VALUE` words that only set shell variables: the pairs, or `None`
/// when any word is something else.
pub fn assignments(words: &[String]) -> Option<Vec<(String, String)>> {
    words
        .iter()
        .map(|w| {
            let (name, value) = w.split_once('=')?;
            let mut chars = name.chars();
            (chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then(|| (name.to_string(), value.to_string()))
        })
        .collect::<Option<Vec<_>>>()
        .filter(|pairs| !pairs.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_expands_as_the_shell_does() {
        let vars = BTreeMap::from([("i".to_string(), "4".to_string())]);
        let words = split_words(
            "echo $((i+1)) $(( $i * (2 + 1) )) $((7 % 3 - -1)) $((i>3))",
            &vars,
        )
        .unwrap();
        assert_eq!(words, ["echo", "5", "12", "2", "1"]);
        assert_eq!(arithmetic("1/0", &vars), Err("divide by zero".to_string()));
        assert_eq!(arithmetic("unset + 2", &vars), Ok(2));
    }

    #[test]
    fn assignments_are_name_value_words_only() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            assignments(&words(&["i=0", "name=web"])),
            Some(vec![
                ("i".into(), "0".into()),
                ("name".into(), "web".into())
            ])
        );
        assert_eq!(assignments(&words(&["i=0", "echo"])), None);
        assert_eq!(assignments(&words(&["1i=0"])), None);
        assert_eq!(assignments(&[]), None);
    }

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
