//! Line matching with placeholders: `{ip}`, `{age}`, `{time}`, `{hash}`,
//! `{uid}`, `{n}` and `{*}`. A line holding a placeholder is compared with runs of
//! spaces collapsed, since its column widths may shift.

/// Longest line the placeholder matcher accepts (it backtracks).
const MAX_PATTERN_LINE: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Ip,
    Age,
    Time,
    Hash,
    Uid,
    Number,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    Placeholder(Class),
}

fn placeholder(name: &str) -> Option<Class> {
    Some(match name {
        "ip" => Class::Ip,
        "age" => Class::Age,
        "time" => Class::Time,
        "hash" => Class::Hash,
        "uid" => Class::Uid,
        "n" => Class::Number,
        "*" => Class::Any,
        _ => return None,
    })
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut literal = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let class = after
            .find('}')
            .and_then(|close| placeholder(&after[..close]).map(|c| (c, close)));
        match class {
            Some((class, close)) => {
                literal.push_str(&rest[..open]);
                if !literal.is_empty() {
                    tokens.push(Token::Literal(std::mem::take(&mut literal)));
                }
                tokens.push(Token::Placeholder(class));
                rest = &after[close + 1..];
            }
            None => {
                literal.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        tokens.push(Token::Literal(literal));
    }
    tokens
}

fn is_age(s: &str) -> bool {
    if s == "<invalid>" {
        return true;
    }
    let mut chars = s.chars().peekable();
    let mut parts = 0;
    while chars.peek().is_some() {
        let mut digits = 0;
        while chars.peek().is_some_and(char::is_ascii_digit) {
            chars.next();
            digits += 1;
        }
        if digits == 0 || !matches!(chars.next(), Some('s' | 'm' | 'h' | 'd' | 'y')) {
            return false;
        }
        parts += 1;
    }
    (1..=2).contains(&parts)
}

/// A timestamp as kubectl prints one: RFC 3339 (`2026-01-01T00:00:00Z`,
/// with an optional fraction) or describe's `Thu, 01 Jan 2026 00:00:00 +0000`.
fn is_time(s: &str) -> bool {
    let shape: String = s
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    if let Some(rest) = shape.strip_prefix("9999-99-99T99:99:99") {
        let fraction = rest.strip_suffix('Z').unwrap_or("-");
        return fraction.is_empty()
            || fraction.len() > 1
                && fraction
                    .strip_prefix('.')
                    .is_some_and(|f| f.bytes().all(|b| b == b'9'));
    }
    let mut words = s.split(' ');
    let day = words.next().unwrap_or("");
    day.len() == 4
        && day.ends_with(',')
        && words
            .next()
            .is_some_and(|d| d.len() == 2 && d.bytes().all(|b| b.is_ascii_digit()))
        && words.next().is_some_and(|m| m.len() == 3)
        && words
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && words.next().is_some_and(|t| t.len() == 8)
        && words
            .next()
            .is_some_and(|z| z.len() == 5 && z.starts_with(['+', '-']))
        && words.next().is_none()
}

fn is_ip(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn class_accepts(class: Class, s: &str) -> bool {
    match class {
        Class::Any => true,
        Class::Ip => is_ip(s),
        Class::Age => is_age(s),
        Class::Time => is_time(s),
        Class::Number => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
        Class::Hash => {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        }
        Class::Uid => s.len() >= 8 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'),
    }
}

fn match_tokens(tokens: &[Token], text: &str) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return text.is_empty();
    };
    match first {
        Token::Literal(lit) => text
            .strip_prefix(lit.as_str())
            .is_some_and(|t| match_tokens(rest, t)),
        Token::Placeholder(class) => {
            let ends: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect();
            ends.iter()
                .rev()
                .any(|&end| class_accepts(*class, &text[..end]) && match_tokens(rest, &text[end..]))
        }
    }
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut previous_space = false;
    for c in s.chars() {
        if c == ' ' {
            if !previous_space {
                out.push(c);
            }
            previous_space = true;
        } else {
            out.push(c);
            previous_space = false;
        }
    }
    out
}

/// True when the actual line matches the expected line (trailing spaces ignored).
pub fn line_matches(expected: &str, actual: &str) -> bool {
    let expected = expected.trim_end();
    let actual = actual.trim_end();
    if expected == actual {
        return true;
    }
    let tokens = tokenize(expected);
    if !tokens.iter().any(|t| matches!(t, Token::Placeholder(_)))
        || expected.len() > MAX_PATTERN_LINE
        || actual.len() > MAX_PATTERN_LINE
    {
        return false;
    }
    let tokens: Vec<Token> = tokens
        .into_iter()
        .map(|t| match t {
            Token::Literal(l) => Token::Literal(collapse_spaces(&l)),
            other => other,
        })
        .collect();
    match_tokens(&tokens, &collapse_spaces(actual))
}

#[cfg(test)]
mod tests {
    use super::line_matches;

    #[test]
    fn exact_lines_ignore_trailing_spaces_only() {
        assert!(line_matches("web-0   1/1", "web-0   1/1   "));
        assert!(!line_matches("web-0 1/1", "web-0   1/1"));
    }

    #[test]
    fn placeholders_match_their_kind_of_value() {
        assert!(line_matches(
            "web-0   1/1   Running   0   {age}",
            "web-0   1/1     Running   0          2m3s"
        ));
        assert!(!line_matches("web-0 {age}", "web-0 soon"));
        assert!(line_matches(
            "Address 1: {ip} web-0.nginx",
            "Address 1: 10.244.0.7 web-0.nginx"
        ));
        assert!(!line_matches("{ip}", "10.244.0"));
        assert!(line_matches("web-{hash}   {n}", "web-6d5b8c4f97   2"));
        assert!(line_matches(
            "uid: {uid}",
            "uid: 3f0c1a2b-0000-4000-8000-00000000abcd"
        ));
        assert!(line_matches("{*} created", "statefulset.apps/web created"));
        assert!(!line_matches("{n}", "12a"));
        assert!(line_matches(
            "creationTimestamp: \"{time}\"",
            "creationTimestamp: \"2026-11-23T15:30:09Z\""
        ));
        assert!(line_matches(
            "Event Time: {time}",
            "Event Time: 2026-11-23T15:29:58.920000Z"
        ));
        assert!(line_matches(
            "CreationTimestamp: {time}",
            "CreationTimestamp:      Mon, 23 Nov 2026 15:30:08 +0000"
        ));
        assert!(!line_matches("at {time}", "at 2026-11-23"));
    }
}
