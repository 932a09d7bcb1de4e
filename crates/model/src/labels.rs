//! Label selectors: the `-l` string syntax and `metav1.LabelSelector` objects,
//! matching and canonical printing. Mirrors
//! `k8s.io/apimachinery/pkg/labels/selector.go` (lexer, parser, error texts,
//! `String()`) and `metav1.LabelSelectorAsSelector`.

use crate::names;
use crate::value::Value;
use std::fmt;

/// Longest selector string accepted.
pub const MAX_SELECTOR_LEN: usize = 4096;

/// A selector operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `a=b`
    Equals,
    /// `a==b`
    DoubleEquals,
    /// `a!=b`
    NotEquals,
    /// `a in (x,y)`
    In,
    /// `a notin (x)`
    NotIn,
    /// `a`
    Exists,
    /// `!a`
    DoesNotExist,
    /// `a>1`
    GreaterThan,
    /// `a<1`
    LessThan,
}

/// One requirement of a selector; values are sorted and unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The label key.
    pub key: String,
    /// The operator.
    pub operator: Operator,
    /// The values (sorted).
    pub values: Vec<String>,
}

/// A conjunction of requirements, sorted by key (apimachinery's `internalSelector`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    End,
    Identifier,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    LessThan,
    In,
    NotIn,
    NotEquals,
    OpenPar,
    ClosedPar,
    Error,
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

fn symbol_token(s: &str) -> Option<Token> {
    Some(match s {
        "!" => Token::DoesNotExist,
        "!=" => Token::NotEquals,
        "(" => Token::OpenPar,
        ")" => Token::ClosedPar,
        "," => Token::Comma,
        "=" => Token::Equals,
        "==" => Token::DoubleEquals,
        ">" => Token::GreaterThan,
        "<" => Token::LessThan,
        _ => return None,
    })
}

fn lex(input: &str) -> Vec<(Token, String)> {
    let chars: Vec<char> = input.chars().collect();
    let mut items = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            items.push((Token::End, String::new()));
            return items;
        }
        if is_special(chars[i]) {
            let mut buffer = String::new();
            let mut last: Option<(Token, String)> = None;
            while i < chars.len() && is_special(chars[i]) {
                buffer.push(chars[i]);
                if let Some(t) = symbol_token(&buffer) {
                    last = Some((t, buffer.clone()));
                    i += 1;
                } else if last.is_some() {
                    break;
                } else {
                    i += 1;
                }
            }
            match last {
                Some(item) => items.push(item),
                None => {
                    items.push((
                        Token::Error,
                        format!("error expected: keyword found '{buffer}'"),
                    ));
                }
            }
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !is_special(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let token = match word.as_str() {
                "in" => Token::In,
                "notin" => Token::NotIn,
                _ => Token::Identifier,
            };
            items.push((token, word));
        }
    }
}

struct Parser {
    items: Vec<(Token, String)>,
    position: usize,
}

impl Parser {
    /// In value context `in`/`notin` are plain identifiers.
    fn lookahead(&self, values: bool) -> (Token, String) {
        let (t, l) = self.items[self.position.min(self.items.len() - 1)].clone();
        if values && matches!(t, Token::In | Token::NotIn) {
            return (Token::Identifier, l);
        }
        (t, l)
    }

    fn consume(&mut self, values: bool) -> (Token, String) {
        let item = self.lookahead(values);
        self.position = (self.position + 1).min(self.items.len() - 1);
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(true);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.consume(true);
                    match t {
                        Token::End => return Ok(requirements),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(true);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Token::End => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let (mut tok, mut key) = self.consume(true);
        let mut operator = None;
        if tok == Token::DoesNotExist {
            operator = Some(Operator::DoesNotExist);
            (tok, key) = self.consume(true);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{key}', expected: identifier"));
        }
        validate_key(&key)?;
        let (next, _) = self.lookahead(true);
        if matches!(next, Token::End | Token::Comma) {
            let op = operator.unwrap_or(Operator::Exists);
            return Ok(Requirement {
                key,
                operator: op,
                values: Vec::new(),
            });
        }
        let (tok, lit) = self.consume(false);
        let operator = match tok {
            Token::In => Operator::In,
            Token::NotIn => Operator::NotIn,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::NotEquals => Operator::NotEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: '=', '!=', '==', 'in', notin'"
                ))
            }
        };
        let values = match operator {
            Operator::In | Operator::NotIn => self.value_list()?,
            _ => self.exact_value()?,
        };
        new_requirement(key, operator, values)
    }

    fn value_list(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.consume(true);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(true);
        match tok {
            Token::Identifier | Token::Comma => {
                let values = self.identifiers()?;
                if self.consume(true).0 != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(values)
            }
            Token::ClosedPar => {
                self.consume(true);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut values = Vec::new();
        loop {
            let (tok, lit) = self.consume(true);
            match tok {
                Token::Identifier => {
                    values.push(lit);
                    let (t2, l2) = self.lookahead(true);
                    match t2 {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(values),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if values.is_empty() {
                        values.push(String::new());
                    }
                    let (t2, _) = self.lookahead(true);
                    if t2 == Token::ClosedPar {
                        values.push(String::new());
                        return Ok(values);
                    }
                    if t2 == Token::Comma {
                        self.consume(true);
                        values.push(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> Result<Vec<String>, String> {
        let (tok, _) = self.lookahead(true);
        if matches!(tok, Token::End | Token::Comma) {
            return Ok(vec![String::new()]);
        }
        let (tok, lit) = self.consume(true);
        if tok == Token::Identifier {
            return Ok(vec![lit]);
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

fn validate_key(key: &str) -> Result<(), String> {
    let errs = names::qualified_name(key);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!("invalid label key {key:?}: {}", errs.join("; ")))
    }
}

/// apimachinery's `NewRequirement` checks.
fn new_requirement(
    key: String,
    operator: Operator,
    mut values: Vec<String>,
) -> Result<Requirement, String> {
    validate_key(&key)?;
    match operator {
        Operator::In | Operator::NotIn if values.is_empty() => {
            return Err(
                "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
                    .to_string(),
            );
        }
        Operator::Equals | Operator::DoubleEquals | Operator::NotEquals if values.len() != 1 => {
            return Err("values: Invalid value: exactly one value is required for '=', '==', '!=' operators".to_string());
        }
        Operator::GreaterThan | Operator::LessThan => {
            if values.len() != 1 {
                return Err("values: Invalid value: for 'Gt', 'Lt' operators, exactly one value is required".to_string());
            }
            if values[0].parse::<i64>().is_err() {
                return Err(format!(
                    "values[0]: Invalid value: {:?}: for 'Gt', 'Lt' operators, the value must be an integer",
                    values[0]
                ));
            }
        }
        _ => {}
    }
    for v in &values {
        let errs = names::label_value(v);
        if !errs.is_empty() {
            return Err(format!(
                "invalid label value: {v:?}: at key: {key:?}: {}",
                errs.join("; ")
            ));
        }
    }
    crate::order::sort(&mut values);
    values.dedup();
    Ok(Requirement {
        key,
        operator,
        values,
    })
}

impl Selector {
    /// Parses a `-l` selector string; the error is apimachinery's text.
    pub fn parse(input: &str) -> Result<Selector, String> {
        if input.len() > MAX_SELECTOR_LEN {
            return Err(format!(
                "selector is longer than {MAX_SELECTOR_LEN} characters"
            ));
        }
        let mut parser = Parser {
            items: lex(input),
            position: 0,
        };
        let mut requirements = parser.parse()?;
        crate::order::sort_by(&mut requirements, |a, b| a.key.cmp(&b.key));
        Ok(Selector { requirements })
    }

    /// Builds a selector from a `metav1.LabelSelector` object
    /// (`matchLabels` and `matchExpressions`).
    pub fn from_label_selector(selector: &Value) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        if let Some(labels) = selector.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in labels {
                let value = v.as_str().unwrap_or_default().to_string();
                requirements.push(new_requirement(k.clone(), Operator::Equals, vec![value])?);
            }
        }
        for expr in selector.array_at(&["matchExpressions"]) {
            let key = expr.str_at(&["key"]).to_string();
            let values: Vec<String> = expr
                .array_at(&["values"])
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let op = match expr.str_at(&["operator"]) {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => return Err(format!("{other:?} is not a valid label selector operator")),
            };
            requirements.push(new_requirement(key, op, values)?);
        }
        crate::order::sort_by(&mut requirements, |a, b| a.key.cmp(&b.key));
        Ok(Selector { requirements })
    }

    /// A selector requiring each `key=value` of a label map.
    pub fn from_labels(labels: &Value) -> Selector {
        let requirements = labels
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| Requirement {
                        key: k.clone(),
                        operator: Operator::Equals,
                        values: vec![v.as_str().unwrap_or_default().to_string()],
                    })
                    .collect()
            })
            .unwrap_or_default();
        Selector { requirements }
    }

    /// True when the selector has no requirements (matches everything).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// True when `labels` (a string map, or none) satisfies every requirement.
    pub fn matches(&self, labels: Option<&Value>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.requirements.iter().all(|r| {
            let has = labels.and_then(|l| l.get(&r.key)).is_some();
            let value = get(&r.key);
            let in_set = value.is_some_and(|v| r.values.iter().any(|x| x == v));
            match r.operator {
                Operator::Equals | Operator::DoubleEquals | Operator::In => in_set,
                Operator::NotEquals | Operator::NotIn => !in_set,
                Operator::Exists => has,
                Operator::DoesNotExist => !has,
                Operator::GreaterThan | Operator::LessThan => {
                    let (Some(v), Some(limit)) = (
                        value.and_then(|v| v.parse::<i64>().ok()),
                        r.values.first().and_then(|v| v.parse::<i64>().ok()),
                    ) else {
                        return false;
                    };
                    if r.operator == Operator::GreaterThan {
                        v > limit
                    } else {
                        v < limit
                    }
                }
            }
        })
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.operator {
            Operator::Exists => return f.write_str(&self.key),
            Operator::DoesNotExist => return write!(f, "!{}", self.key),
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
        };
        let values = self.values.join(",");
        if matches!(self.operator, Operator::In | Operator::NotIn) {
            write!(f, "{}{op}({values})", self.key)
        } else {
            write!(f, "{}{op}{values}", self.key)
        }
    }
}

impl fmt::Display for Selector {
    /// Canonical form: requirements sorted by key, joined by `,`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Value::from(*v)))
                .collect(),
        )
    }

    #[test]
    fn parses_every_operator_and_prints_canonically() {
        let s = Selector::parse("tier notin (cache), app in (web,db),!legacy,env==prod,x!=y,has")
            .unwrap();
        assert_eq!(
            s.to_string(),
            "app in (db,web),env==prod,has,!legacy,tier notin (cache),x!=y"
        );
    }

    #[test]
    fn matching_follows_apimachinery() {
        let s = Selector::parse("app=db,!legacy").unwrap();
        assert!(s.matches(Some(&labels(&[("app", "db")]))));
        assert!(!s.matches(Some(&labels(&[("app", "db"), ("legacy", "")]))));
        assert!(!s.matches(None));
        let ne = Selector::parse("app!=db").unwrap();
        assert!(ne.matches(None));
        assert!(Selector::parse("").unwrap().matches(None));
    }

    #[test]
    fn parse_errors_use_apimachinery_texts() {
        assert_eq!(
            Selector::parse("app=db)").unwrap_err(),
            "found ')', expected: ',' or 'end of string'"
        );
        assert_eq!(
            Selector::parse("app in db").unwrap_err(),
            "unable to parse requirement: found 'db' expected: '('"
        );
        assert_eq!(
            Selector::parse("a,").unwrap_err(),
            "found '', expected: identifier after ','"
        );
    }

    #[test]
    fn label_selector_objects_become_selectors() {
        let sel = Value::from([
            ("matchLabels", labels(&[("app", "nginx")])),
            (
                "matchExpressions",
                Value::Array(vec![Value::from([
                    ("key", Value::from("tier")),
                    ("operator", Value::from("In")),
                    ("values", Value::Array(vec!["web".into()])),
                ])]),
            ),
        ]);
        let s = Selector::from_label_selector(&sel).unwrap();
        assert_eq!(s.to_string(), "app=nginx,tier in (web)");
        assert!(s.matches(Some(&labels(&[("app", "nginx"), ("tier", "web")]))));
    }
}
