//! Go templates for `kubectl -o go-template=`, `-o template=`, the
//! `-file` forms and `--template`. Mirrors k8s.io/cli-runtime
//! pkg/printers/template.go (`GoTemplatePrinter`: a template named
//! `output`, the extra functions `exists` and `base64decode`, missing map
//! keys printing `<no value>` unless `--allow-missing-template-keys=false`,
//! and the debugging dump printed when execution fails) and Go's
//! text/template as kubectl v1.36 is built with it (parse/lex.go,
//! parse/parse.go, exec.go, funcs.go): actions, variables, `if`/`else if`,
//! `range` (with `else`, `break`, `continue`, over lists, maps and
//! integers), `with`, `define`/`template`/`block`, pipelines, literals,
//! trim markers, comments, the builtin functions and their error texts.
//! The data is the object as kubectl's JSON decoder hands it over:
//! maps with sorted keys, `[]interface {}`, strings, `int64` and `float64`
//! numbers, bools and nil; values print as Go's `fmt` prints them.

use std::collections::BTreeMap;

use ordinal_model::json::{go_float_g, go_fmt_value};
use ordinal_model::validation::go_quote;
use ordinal_model::{Map, Value};

/// Most `range` iterations one execution may run.
pub const MAX_RANGE_ITERATIONS: usize = 100_000;
/// Most bytes one execution may write.
pub const MAX_OUTPUT_BYTES: usize = 4 << 20;
/// Deepest nesting of blocks and parentheses a template may have.
const MAX_NESTING: usize = 50;
/// Deepest an execution may be inside blocks and `{{template}}` calls
/// together (Go's `maxExecDepth`, 100000, counts template calls only).
const MAX_EXEC_DEPTH: usize = 100;

/// The name kubectl gives its template (`template.New("output")`).
const NAME: &str = "output";

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Error,
    Bool,
    Char,
    CharConstant,
    Declare,
    Assign,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    Str,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl Tok {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            Tok::Block
                | Tok::Break
                | Tok::Continue
                | Tok::Dot
                | Tok::Define
                | Tok::Else
                | Tok::End
                | Tok::If
                | Tok::Nil
                | Tok::Range
                | Tok::Template
                | Tok::With
        )
    }
}

fn keyword(word: &str) -> Option<Tok> {
    Some(match word {
        "block" => Tok::Block,
        "break" => Tok::Break,
        "continue" => Tok::Continue,
        "define" => Tok::Define,
        "else" => Tok::Else,
        "end" => Tok::End,
        "if" => Tok::If,
        "nil" => Tok::Nil,
        "range" => Tok::Range,
        "template" => Tok::Template,
        "with" => Tok::With,
        _ => return None,
    })
}

#[derive(Debug, Clone)]
struct Item {
    tok: Tok,
    pos: usize,
    val: String,
    line: usize,
}

impl Item {
    /// `item.String()`: how the parser names a token in its errors.
    fn describe(&self) -> String {
        match self.tok {
            Tok::Eof => "EOF".to_string(),
            Tok::Error => self.val.clone(),
            t if t.is_keyword() => format!("<{}>", self.val),
            _ if self.val.len() > 10 => {
                let head: String = self.val.chars().take(10).collect();
                format!("{}...", go_quote(&head))
            }
            _ => go_quote(&self.val),
        }
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// `%#U`: `U+00E9 'é'`.
fn sharp_u(c: char) -> String {
    format!("U+{:04X} '{c}'", c as u32)
}

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    line: usize,
    paren_depth: i64,
    items: Vec<Item>,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.input[self.pos.min(self.input.len())..]
    }

    fn next(&mut self) -> Option<char> {
        let c = self.rest().chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn backup(&mut self, c: Option<char>) {
        if let Some(c) = c {
            self.pos -= c.len_utf8();
        }
    }

    fn emit(&mut self, tok: Tok) {
        let val = self.input[self.start..self.pos].to_string();
        self.items.push(Item {
            tok,
            pos: self.start,
            val,
            line: self.line,
        });
        self.ignore();
    }

    fn ignore(&mut self) {
        self.line += self.input[self.start..self.pos].matches('\n').count();
        self.start = self.pos;
    }

    fn error(&mut self, message: String) {
        self.items.push(Item {
            tok: Tok::Error,
            pos: self.start,
            val: message,
            line: self.line,
        });
    }

    /// `(delimiter here, trim marker)`: `}}` or ` -}}`.
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        let b = rest.as_bytes();
        if b.len() >= 4
            && is_space(b[0] as char)
            && b[1] == b'-'
            && rest.get(2..).is_some_and(|r| r.starts_with("}}"))
        {
            return (true, true);
        }
        (rest.starts_with("}}"), false)
    }

    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.rest().starts_with("}}"),
        }
    }

    fn run(mut self) -> Vec<Item> {
        loop {
            // Text up to the next action.
            let Some(at) = self.rest().find("{{") else {
                self.pos = self.input.len();
                if self.pos > self.start {
                    self.emit(Tok::Text);
                }
                self.emit(Tok::Eof);
                return self.items;
            };
            let delim = self.pos + at;
            let after = &self.input[delim + 2..];
            let trim = left_trim_marker(after);
            self.pos = if trim {
                delim
                    - (self.input[self.start..delim].len()
                        - self.input[self.start..delim]
                            .trim_end_matches(is_space)
                            .len())
            } else {
                delim
            };
            if self.pos > self.start {
                self.emit(Tok::Text);
            }
            self.pos = delim;
            self.ignore();
            // The left delimiter.
            self.pos += 2;
            let marker = if trim { 2 } else { 0 };
            if self.input[self.pos + marker..].starts_with("/*") {
                self.pos += marker;
                self.ignore();
                if !self.comment() {
                    return self.items;
                }
                continue;
            }
            self.emit(Tok::LeftDelim);
            self.pos += marker;
            self.ignore();
            self.paren_depth = 0;
            if !self.inside_action() {
                return self.items;
            }
        }
    }

    fn comment(&mut self) -> bool {
        self.pos += 2;
        let Some(end) = self.rest().find("*/") else {
            self.error("unclosed comment".to_string());
            return false;
        };
        self.pos += end + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            self.error("comment ends before closing delimiter".to_string());
            return false;
        }
        self.right_delim(trim, false);
        true
    }

    /// Consumes `}}` or ` -}}` (and, after the marker, the spaces that follow).
    fn right_delim(&mut self, trim: bool, emit: bool) {
        if trim {
            self.pos += 2;
            self.ignore();
        }
        self.pos += 2;
        if emit {
            self.emit(Tok::RightDelim);
        }
        if trim {
            let rest = self.rest();
            self.pos += rest.len() - rest.trim_start_matches(is_space).len();
        }
        self.ignore();
    }

    /// Lexes one action; false after an error.
    fn inside_action(&mut self) -> bool {
        loop {
            let (delim, trim) = self.at_right_delim();
            if delim {
                if self.paren_depth == 0 {
                    self.right_delim(trim, true);
                    return true;
                }
                self.error("unclosed left paren".to_string());
                return false;
            }
            let Some(c) = self.next() else {
                self.error("unclosed action".to_string());
                return false;
            };
            let ok = match c {
                c if is_space(c) => {
                    self.backup(Some(c));
                    self.space();
                    true
                }
                '=' => {
                    self.emit(Tok::Assign);
                    true
                }
                ':' => {
                    if self.next() != Some('=') {
                        self.error("expected :=".to_string());
                        return false;
                    }
                    self.emit(Tok::Declare);
                    true
                }
                '|' => {
                    self.emit(Tok::Pipe);
                    true
                }
                '"' => self.quote(),
                '`' => self.raw_quote(),
                '$' => self.field_or_variable(Tok::Variable),
                '\'' => self.char_constant(),
                '.' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => {
                    self.field_or_variable(Tok::Field)
                }
                '.' | '+' | '-' | '0'..='9' => {
                    self.backup(Some(c));
                    self.number()
                }
                c if is_alnum(c) => {
                    self.backup(Some(c));
                    self.identifier()
                }
                '(' => {
                    self.emit(Tok::LeftParen);
                    self.paren_depth += 1;
                    true
                }
                ')' => {
                    self.paren_depth -= 1;
                    if self.paren_depth < 0 {
                        self.error("unexpected right paren".to_string());
                        return false;
                    }
                    self.emit(Tok::RightParen);
                    true
                }
                c if c.is_ascii() && !c.is_ascii_control() => {
                    self.emit(Tok::Char);
                    true
                }
                c => {
                    self.error(format!("unrecognized character in action: {}", sharp_u(c)));
                    false
                }
            };
            if !ok {
                return false;
            }
        }
    }

    fn space(&mut self) {
        let mut count = 0;
        while self.peek().is_some_and(is_space) {
            self.next();
            count += 1;
        }
        // A space that starts ` -}}` belongs to the delimiter.
        let before = &self.input[self.pos - 1..];
        if before.as_bytes().get(1) == Some(&b'-')
            && before.get(2..).is_some_and(|r| r.starts_with("}}"))
        {
            self.pos -= 1;
            if count == 1 {
                return;
            }
        }
        self.emit(Tok::Space);
    }

    fn identifier(&mut self) -> bool {
        loop {
            let c = self.next();
            if c.is_some_and(is_alnum) {
                continue;
            }
            self.backup(c);
            if !self.at_terminator() {
                let bad = self.peek().unwrap_or(' ');
                self.error(format!("bad character {}", sharp_u(bad)));
                return false;
            }
            let word = &self.input[self.start..self.pos];
            let tok = match keyword(word) {
                Some(k) => k,
                None if word == "true" || word == "false" => Tok::Bool,
                None => Tok::Identifier,
            };
            self.emit(tok);
            return true;
        }
    }

    fn field_or_variable(&mut self, tok: Tok) -> bool {
        if self.at_terminator() {
            self.emit(if tok == Tok::Variable { tok } else { Tok::Dot });
            return true;
        }
        loop {
            let c = self.next();
            if !c.is_some_and(is_alnum) {
                self.backup(c);
                break;
            }
        }
        if !self.at_terminator() {
            let bad = self.peek().unwrap_or(' ');
            self.error(format!("bad character {}", sharp_u(bad)));
            return false;
        }
        self.emit(tok);
        true
    }

    fn char_constant(&mut self) -> bool {
        loop {
            match self.next() {
                Some('\\') => {
                    if matches!(self.next(), None | Some('\n')) {
                        self.error("unterminated character constant".to_string());
                        return false;
                    }
                }
                None | Some('\n') => {
                    self.error("unterminated character constant".to_string());
                    return false;
                }
                Some('\'') => break,
                Some(_) => {}
            }
        }
        self.emit(Tok::CharConstant);
        true
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.next();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        let imaginary = self.accept("i");
        if imaginary || self.peek().is_some_and(is_alnum) || self.accept("+-") {
            if !imaginary {
                self.next();
            }
            let text = self.input[self.start..self.pos].to_string();
            self.error(format!("bad number syntax: {}", go_quote(&text)));
            return false;
        }
        self.emit(Tok::Number);
        true
    }

    fn quote(&mut self) -> bool {
        loop {
            match self.next() {
                Some('\\') => {
                    if matches!(self.next(), None | Some('\n')) {
                        self.error("unterminated quoted string".to_string());
                        return false;
                    }
                }
                None | Some('\n') => {
                    self.error("unterminated quoted string".to_string());
                    return false;
                }
                Some('"') => break,
                Some(_) => {}
            }
        }
        self.emit(Tok::Str);
        true
    }

    fn raw_quote(&mut self) -> bool {
        loop {
            match self.next() {
                None => {
                    self.error("unterminated raw quoted string".to_string());
                    return false;
                }
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(Tok::RawString);
        true
    }
}

fn left_trim_marker(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('-') && chars.next().is_some_and(is_space)
}

fn lex(input: &str) -> Vec<Item> {
    Lexer {
        input,
        pos: 0,
        start: 0,
        line: 1,
        paren_depth: 0,
        items: Vec::new(),
    }
    .run()
}

// ---------------------------------------------------------------- parse tree

#[derive(Debug, Clone)]
enum Number {
    Int(i64),
    Float(f64),
    /// A constant no `int` holds (`%s overflows int` when used).
    Overflow,
}

#[derive(Debug, Clone)]
enum Arg {
    Field {
        pos: usize,
        idents: Vec<String>,
    },
    /// `$x.a.b`: `idents[0]` is the variable.
    Variable {
        pos: usize,
        idents: Vec<String>,
    },
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Vec<String>,
    },
    Identifier {
        pos: usize,
        name: String,
    },
    Dot(usize),
    Nil(usize),
    Bool(usize, bool),
    Number {
        pos: usize,
        text: String,
        value: Number,
    },
    Str {
        pos: usize,
        quoted: String,
        text: String,
    },
    Pipe(Box<Pipe>),
}

#[derive(Debug, Clone)]
struct Command {
    pos: usize,
    args: Vec<Arg>,
}

#[derive(Debug, Clone)]
struct Pipe {
    pos: usize,
    is_assign: bool,
    decl: Vec<String>,
    cmds: Vec<Command>,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action {
        pos: usize,
        pipe: Pipe,
    },
    If(Control),
    With(Control),
    Range(Control),
    Template {
        pos: usize,
        name: String,
        pipe: Option<Pipe>,
    },
    Break,
    Continue,
}

#[derive(Debug, Clone)]
struct Control {
    pos: usize,
    pipe: Pipe,
    list: Vec<Node>,
    else_list: Option<Vec<Node>>,
}

impl Arg {
    fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Dot(pos)
            | Arg::Nil(pos)
            | Arg::Bool(pos, _)
            | Arg::Number { pos, .. }
            | Arg::Str { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }

    /// The node's `String()`, as errors quote it.
    fn text(&self) -> String {
        match self {
            Arg::Field { idents, .. } => idents.iter().map(|i| format!(".{i}")).collect(),
            Arg::Variable { idents, .. } => idents.join("."),
            Arg::Chain { node, fields, .. } => {
                let mut s = match node.as_ref() {
                    Arg::Pipe(p) => format!("({})", p.text()),
                    other => other.text(),
                };
                for f in fields {
                    s.push('.');
                    s.push_str(f);
                }
                s
            }
            Arg::Identifier { name, .. } => name.clone(),
            Arg::Dot(_) => ".".to_string(),
            Arg::Nil(_) => "nil".to_string(),
            Arg::Bool(_, b) => b.to_string(),
            Arg::Number { text, .. } => text.clone(),
            Arg::Str { quoted, .. } => quoted.clone(),
            Arg::Pipe(p) => p.text(),
        }
    }
}

impl Command {
    fn text(&self) -> String {
        let words: Vec<String> = self
            .args
            .iter()
            .map(|a| match a {
                Arg::Pipe(p) => format!("({})", p.text()),
                other => other.text(),
            })
            .collect();
        words.join(" ")
    }
}

impl Pipe {
    fn text(&self) -> String {
        let mut s = String::new();
        if !self.decl.is_empty() {
            s.push_str(&self.decl.join(", "));
            s.push_str(if self.is_assign { " = " } else { " := " });
        }
        let cmds: Vec<String> = self.cmds.iter().map(Command::text).collect();
        s.push_str(&cmds.join(" | "));
        s
    }
}

fn list_text(list: &[Node]) -> String {
    list.iter().map(Node::text).collect()
}

impl Node {
    fn text(&self) -> String {
        let control = |word: &str, c: &Control| {
            let mut s = format!("{{{{{word} {}}}}}{}", c.pipe.text(), list_text(&c.list));
            if let Some(e) = &c.else_list {
                s.push_str(&format!("{{{{else}}}}{}", list_text(e)));
            }
            s.push_str("{{end}}");
            s
        };
        match self {
            Node::Text(t) => t.clone(),
            Node::Action { pipe, .. } => format!("{{{{{}}}}}", pipe.text()),
            Node::If(c) => control("if", c),
            Node::With(c) => control("with", c),
            Node::Range(c) => control("range", c),
            Node::Template { name, pipe, .. } => match pipe {
                Some(p) => format!("{{{{template {} {}}}}}", go_quote(name), p.text()),
                None => format!("{{{{template {}}}}}", go_quote(name)),
            },
            Node::Break => "{{break}}".to_string(),
            Node::Continue => "{{continue}}".to_string(),
        }
    }

    fn pos(&self) -> usize {
        match self {
            Node::Action { pos, .. } | Node::Template { pos, .. } => *pos,
            Node::If(c) | Node::With(c) | Node::Range(c) => c.pos,
            _ => 0,
        }
    }
}

/// The functions a template may call: Go's builtins and kubectl's two.
const FUNCTIONS: &[&str] = &[
    "and",
    "call",
    "html",
    "index",
    "slice",
    "js",
    "len",
    "not",
    "or",
    "print",
    "printf",
    "println",
    "urlquery",
    "eq",
    "ge",
    "gt",
    "le",
    "lt",
    "ne",
    "exists",
    "base64decode",
];

// ---------------------------------------------------------------- parser

enum Parsed {
    Node(Node),
    End,
    Else,
}

impl Parsed {
    fn text(&self) -> String {
        match self {
            Parsed::Node(n) => n.text(),
            Parsed::End => "{{end}}".to_string(),
            Parsed::Else => "{{else}}".to_string(),
        }
    }
}

struct Parser {
    items: Vec<Item>,
    at: usize,
    /// The furthest token read, whose line errors report (`t.token[0]`).
    seen: usize,
    vars: Vec<String>,
    range_depth: usize,
    depth: usize,
    action_line: usize,
    defs: BTreeMap<String, Vec<Node>>,
}

type ParseResult<T> = Result<T, String>;

impl Parser {
    fn next(&mut self) -> Item {
        let i = self.at.min(self.items.len() - 1);
        self.seen = self.seen.max(i);
        self.at += 1;
        self.items[i].clone()
    }

    fn backup(&mut self) {
        self.at -= 1;
    }

    fn peek(&mut self) -> Item {
        let item = self.next();
        self.backup();
        item
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let item = self.next();
            if item.tok != Tok::Space {
                return item;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let item = self.next_non_space();
        self.backup();
        item
    }

    fn error<T>(&self, message: String) -> ParseResult<T> {
        let line = self.items[self.seen.min(self.items.len() - 1)].line;
        Err(format!("template: {NAME}:{line}: {message}"))
    }

    fn unexpected<T>(&self, item: &Item, context: &str) -> ParseResult<T> {
        if item.tok == Tok::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != item.line {
                extra = format!(" in action started at {NAME}:{}", self.action_line);
                if item.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.error(format!("{}{extra}", item.val));
        }
        self.error(format!("unexpected {} in {context}", item.describe()))
    }

    fn expect(&mut self, tok: Tok, context: &str) -> ParseResult<Item> {
        let item = self.next_non_space();
        if item.tok != tok {
            return self.unexpected(&item, context);
        }
        Ok(item)
    }

    fn nest(&mut self) -> ParseResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.error(format!("nesting deeper than {MAX_NESTING} levels"));
        }
        Ok(())
    }

    fn parse(&mut self) -> ParseResult<Vec<Node>> {
        let mut root = Vec::new();
        while self.peek().tok != Tok::Eof {
            if self.peek().tok == Tok::LeftDelim {
                let mark = self.at;
                self.next();
                if self.next_non_space().tok == Tok::Define {
                    self.definition()?;
                    continue;
                }
                self.at = mark;
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.push(n),
                other => return self.error(format!("unexpected {}", other.text())),
            }
        }
        Ok(root)
    }

    fn add_definition(&mut self, name: String, list: Vec<Node>) -> ParseResult<()> {
        let empty = |l: &[Node]| {
            l.iter().all(|n| match n {
                Node::Text(t) => t.trim().is_empty(),
                _ => false,
            })
        };
        match self.defs.get(&name) {
            Some(existing) if !empty(existing) && !empty(&list) => self.error(format!(
                "template: multiple definition of template {}",
                go_quote(&name)
            )),
            Some(existing) if !empty(existing) => Ok(()),
            _ => {
                self.defs.insert(name, list);
                Ok(())
            }
        }
    }

    fn definition(&mut self) -> ParseResult<()> {
        const CONTEXT: &str = "define clause";
        let item = self.next_non_space();
        if item.tok != Tok::Str && item.tok != Tok::RawString {
            return self.unexpected(&item, CONTEXT);
        }
        let name = self.unquote(&item)?;
        self.expect(Tok::RightDelim, CONTEXT)?;
        let vars = std::mem::replace(&mut self.vars, vec!["$".to_string()]);
        let (list, end) = self.item_list()?;
        self.vars = vars;
        if !matches!(end, Parsed::End) {
            return self.error(format!("unexpected {} in {CONTEXT}", end.text()));
        }
        self.add_definition(name, list)
    }

    fn item_list(&mut self) -> ParseResult<(Vec<Node>, Parsed)> {
        let mut list = Vec::new();
        while self.peek_non_space().tok != Tok::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.push(n),
                end => return Ok((list, end)),
            }
        }
        self.error("unexpected EOF".to_string())
    }

    fn text_or_action(&mut self) -> ParseResult<Parsed> {
        let item = self.next_non_space();
        match item.tok {
            Tok::Text => Ok(Parsed::Node(Node::Text(item.val))),
            Tok::LeftDelim => {
                self.action_line = item.line;
                let result = self.action();
                self.action_line = 0;
                result
            }
            _ => self.unexpected(&item, "input"),
        }
    }

    fn action(&mut self) -> ParseResult<Parsed> {
        let item = self.next_non_space();
        match item.tok {
            Tok::Block => return self.block().map(Parsed::Node),
            Tok::Break | Tok::Continue => {
                let word = if item.tok == Tok::Break {
                    "break"
                } else {
                    "continue"
                };
                let close = self.next_non_space();
                if close.tok != Tok::RightDelim {
                    return self.unexpected(&close, &format!("{{{{{word}}}}}"));
                }
                if self.range_depth == 0 {
                    return self.error(format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                return Ok(Parsed::Node(if item.tok == Tok::Break {
                    Node::Break
                } else {
                    Node::Continue
                }));
            }
            Tok::Else => {
                let peek = self.peek_non_space();
                if peek.tok != Tok::If && peek.tok != Tok::With {
                    self.expect(Tok::RightDelim, "else")?;
                }
                return Ok(Parsed::Else);
            }
            Tok::End => {
                self.expect(Tok::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            Tok::If => return self.control("if").map(|c| Parsed::Node(Node::If(c))),
            Tok::Range => return self.control("range").map(|c| Parsed::Node(Node::Range(c))),
            Tok::With => return self.control("with").map(|c| Parsed::Node(Node::With(c))),
            Tok::Template => return self.template().map(Parsed::Node),
            _ => {}
        }
        self.backup();
        let pos = self.peek().pos;
        let pipe = self.pipeline("command", Tok::RightDelim)?;
        Ok(Parsed::Node(Node::Action { pos, pipe }))
    }

    fn control(&mut self, context: &str) -> ParseResult<Control> {
        self.nest()?;
        let vars = self.vars.len();
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if context == "range" {
            self.range_depth -= 1;
        }
        let mut else_list = None;
        if let Parsed::Else = next {
            let chained = match (context, self.peek().tok) {
                ("if", Tok::If) => Some(Tok::If),
                ("with", Tok::With) => Some(Tok::With),
                _ => None,
            };
            if let Some(tok) = chained {
                // `{{else if x}}` is `{{else}}{{if x}}...{{end}}` sharing one `{{end}}`.
                self.next();
                let inner = self.control(context)?;
                else_list = Some(vec![if tok == Tok::If {
                    Node::If(inner)
                } else {
                    Node::With(inner)
                }]);
            } else {
                let (list, next) = self.item_list()?;
                if !matches!(next, Parsed::End) {
                    return self.error(format!("expected end; found {}", next.text()));
                }
                else_list = Some(list);
            }
        }
        self.vars.truncate(vars);
        self.depth -= 1;
        Ok(Control {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })
    }

    fn template_name(&mut self, item: &Item, context: &str) -> ParseResult<String> {
        match item.tok {
            Tok::Str | Tok::RawString => self.unquote(item),
            _ => self.unexpected(item, context),
        }
    }

    fn template(&mut self) -> ParseResult<Node> {
        const CONTEXT: &str = "template clause";
        let item = self.next_non_space();
        let name = self.template_name(&item, CONTEXT)?;
        let pipe = if self.next_non_space().tok != Tok::RightDelim {
            self.backup();
            Some(self.pipeline(CONTEXT, Tok::RightDelim)?)
        } else {
            None
        };
        Ok(Node::Template {
            pos: item.pos,
            name,
            pipe,
        })
    }

    fn block(&mut self) -> ParseResult<Node> {
        const CONTEXT: &str = "block clause";
        self.nest()?;
        let item = self.next_non_space();
        let name = self.template_name(&item, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, Tok::RightDelim)?;
        let vars = std::mem::replace(&mut self.vars, vec!["$".to_string()]);
        let (list, end) = self.item_list()?;
        self.vars = vars;
        if !matches!(end, Parsed::End) {
            return self.error(format!("unexpected {} in {CONTEXT}", end.text()));
        }
        self.add_definition(name.clone(), list)?;
        self.depth -= 1;
        Ok(Node::Template {
            pos: item.pos,
            name,
            pipe: Some(pipe),
        })
    }

    fn pipeline(&mut self, context: &str, end: Tok) -> ParseResult<Pipe> {
        let pos = self.peek_non_space().pos;
        let mut pipe = Pipe {
            pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        loop {
            let mark = self.at;
            let v = self.peek_non_space();
            if v.tok != Tok::Variable {
                break;
            }
            self.next_non_space();
            let next = self.peek_non_space();
            if next.tok == Tok::Assign || next.tok == Tok::Declare {
                pipe.is_assign = next.tok == Tok::Assign;
                self.next_non_space();
                pipe.decl.push(v.val.clone());
                self.vars.push(v.val);
                break;
            }
            if next.tok == Tok::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(v.val.clone());
                self.vars.push(v.val);
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().tok {
                        Tok::Variable | Tok::RightDelim | Tok::RightParen => continue,
                        _ => return self.error("range can only initialize variables".to_string()),
                    }
                }
                return self.error(format!("too many declarations in {context}"));
            }
            self.at = mark;
            break;
        }
        loop {
            let item = self.next_non_space();
            match item.tok {
                t if t == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                Tok::Bool
                | Tok::CharConstant
                | Tok::Dot
                | Tok::Field
                | Tok::Identifier
                | Tok::Number
                | Tok::Nil
                | Tok::RawString
                | Tok::Str
                | Tok::Variable
                | Tok::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&item, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> ParseResult<()> {
        if pipe.cmds.is_empty() {
            return self.error(format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(
                    Arg::Bool(..)
                        | Arg::Dot(_)
                        | Arg::Nil(_)
                        | Arg::Number { .. }
                        | Arg::Str { .. }
                )
            ) {
                return self.error(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> ParseResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(arg) = self.operand()? {
                cmd.args.push(arg);
            }
            let item = self.next();
            match item.tok {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return self.unexpected(&item, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.error("empty command".to_string());
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> ParseResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().tok != Tok::Field {
            return Ok(Some(node));
        }
        let pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().tok == Tok::Field {
            fields.push(self.next().val[1..].to_string());
        }
        Ok(Some(match node {
            Arg::Field { mut idents, .. } => {
                idents.extend(fields);
                Arg::Field { pos, idents }
            }
            Arg::Variable { mut idents, .. } => {
                idents.extend(fields);
                Arg::Variable { pos, idents }
            }
            Arg::Bool(..) | Arg::Str { .. } | Arg::Number { .. } | Arg::Nil(_) | Arg::Dot(_) => {
                return self.error(format!(
                    "unexpected . after term {}",
                    go_quote(&node.text())
                ));
            }
            other => Arg::Chain {
                pos,
                node: Box::new(other),
                fields,
            },
        }))
    }

    fn term(&mut self) -> ParseResult<Option<Arg>> {
        let item = self.next_non_space();
        let pos = item.pos;
        Ok(Some(match item.tok {
            Tok::Identifier => {
                if !FUNCTIONS.contains(&item.val.as_str()) {
                    return self.error(format!("function {} not defined", go_quote(&item.val)));
                }
                Arg::Identifier {
                    pos,
                    name: item.val,
                }
            }
            Tok::Dot => Arg::Dot(pos),
            Tok::Nil => Arg::Nil(pos),
            Tok::Variable => {
                if !self.vars.contains(&item.val) {
                    return self.error(format!("undefined variable {}", go_quote(&item.val)));
                }
                Arg::Variable {
                    pos,
                    idents: vec![item.val],
                }
            }
            Tok::Field => Arg::Field {
                pos,
                idents: vec![item.val[1..].to_string()],
            },
            Tok::Bool => Arg::Bool(pos, item.val == "true"),
            Tok::CharConstant | Tok::Number => {
                let value = self.number(&item)?;
                Arg::Number {
                    pos,
                    text: item.val,
                    value,
                }
            }
            Tok::LeftParen => {
                self.nest()?;
                let pipe = self.pipeline("parenthesized pipeline", Tok::RightParen)?;
                self.depth -= 1;
                Arg::Pipe(Box::new(pipe))
            }
            Tok::Str | Tok::RawString => {
                let text = self.unquote(&item)?;
                Arg::Str {
                    pos,
                    quoted: item.val,
                    text,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }

    fn unquote(&self, item: &Item) -> ParseResult<String> {
        unquote(&item.val).map_or_else(|| self.error("invalid syntax".to_string()), Ok)
    }

    /// `parse.newNumber` and, for a constant with no context, `idealConstant`.
    fn number(&self, item: &Item) -> ParseResult<Number> {
        let text = item.val.as_str();
        if item.tok == Tok::CharConstant {
            let Some(s) = unquote_char(text) else {
                return self.error(format!("malformed character constant: {text}"));
            };
            return Ok(Number::Int(i64::from(u32::from(s))));
        }
        let float_syntax = text.contains(['.', 'e', 'E', 'p', 'P']) && !is_hex(text);
        if !float_syntax {
            if let Some(i) = parse_go_int(text) {
                return Ok(Number::Int(i));
            }
            if parse_go_uint(text).is_some() {
                return Ok(Number::Overflow);
            }
        }
        match text.replace('_', "").parse::<f64>() {
            Ok(f) if f.is_infinite() => {
                self.error(format!("illegal number syntax: {}", go_quote(text)))
            }
            Ok(f) if float_syntax => Ok(Number::Float(f)),
            Ok(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(Number::Int(f as i64)),
            _ => self.error(format!("illegal number syntax: {}", go_quote(text))),
        }
    }
}

fn is_hex(text: &str) -> bool {
    let t = text.trim_start_matches(['+', '-']);
    (t.starts_with("0x") || t.starts_with("0X")) && !t.contains(['p', 'P'])
}

/// `strconv.ParseUint(text, 0, 64)` of the digits after an optional sign.
fn parse_go_uint(text: &str) -> Option<u64> {
    let t = text.trim_start_matches('+').replace('_', "");
    let (digits, radix) = if let Some(h) = t.strip_prefix("0x").or(t.strip_prefix("0X")) {
        (h.to_string(), 16)
    } else if let Some(o) = t.strip_prefix("0o").or(t.strip_prefix("0O")) {
        (o.to_string(), 8)
    } else if let Some(b) = t.strip_prefix("0b").or(t.strip_prefix("0B")) {
        (b.to_string(), 2)
    } else if t.len() > 1 && t.starts_with('0') {
        (t[1..].to_string(), 8)
    } else {
        (t, 10)
    };
    u64::from_str_radix(&digits, radix).ok()
}

fn parse_go_int(text: &str) -> Option<i64> {
    match text.strip_prefix('-') {
        Some(rest) if !rest.starts_with(['+', '-']) => {
            let u = parse_go_uint(rest)?;
            if u <= i64::MAX as u64 + 1 {
                Some((u as i128).wrapping_neg() as i64)
            } else {
                None
            }
        }
        Some(_) => None,
        None => i64::try_from(parse_go_uint(text)?).ok(),
    }
}

/// `strconv.Unquote` of a `"..."` or `` `...` `` literal.
fn unquote(quoted: &str) -> Option<String> {
    if let Some(raw) = quoted.strip_prefix('`').and_then(|q| q.strip_suffix('`')) {
        return Some(raw.replace('\r', ""));
    }
    let body = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(unescape(&mut chars, '"')?);
    }
    Some(out)
}

fn unquote_char(quoted: &str) -> Option<char> {
    let body = quoted.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut chars = body.chars();
    let c = match chars.next()? {
        '\\' => unescape(&mut chars, '\'')?,
        c => c,
    };
    chars.next().is_none().then_some(c)
}

fn unescape(chars: &mut std::str::Chars<'_>, quote: char) -> Option<char> {
    let hex = |chars: &mut std::str::Chars<'_>, n: usize| {
        let digits: String = chars.take(n).collect();
        (digits.len() == n)
            .then(|| u32::from_str_radix(&digits, 16).ok())
            .flatten()
            .and_then(char::from_u32)
    };
    Some(match chars.next()? {
        'a' => '\x07',
        'b' => '\x08',
        'f' => '\x0c',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\x0b',
        '\\' => '\\',
        c if c == quote => c,
        'x' => hex(chars, 2)?,
        'u' => hex(chars, 4)?,
        'U' => hex(chars, 8)?,
        c @ '0'..='7' => {
            let rest: String = chars.take(2).collect();
            let n = u32::from_str_radix(&format!("{c}{rest}"), 8).ok()?;
            (n < 256 && rest.len() == 2).then(|| char::from_u32(n))??
        }
        _ => return None,
    })
}

/// A parsed template, ready to run against objects.
#[derive(Debug, Clone)]
pub struct Template {
    source: String,
    root: Vec<Node>,
    defs: BTreeMap<String, Vec<Node>>,
}

/// Parses a template the way `template.New("output").Parse` does; the error
/// is Go's (`template: output:1: unexpected "," in operand`).
pub fn parse(source: &str) -> Result<Template, String> {
    let mut parser = Parser {
        items: lex(source),
        at: 0,
        seen: 0,
        vars: vec!["$".to_string()],
        range_depth: 0,
        depth: 0,
        action_line: 0,
        defs: BTreeMap::new(),
    };
    let root = parser.parse()?;
    Ok(Template {
        source: source.to_string(),
        root,
        defs: parser.defs,
    })
}

// ---------------------------------------------------------------- values

/// A value during execution, tracking what Go's reflection would see.
#[derive(Debug, Clone)]
struct Val {
    v: V,
    /// Held in an `interface {}` (a map or list element), as Go's
    /// `reflect.Value` of kind Interface: errors name its type
    /// `interface {}`, and pipelines unwrap it.
    boxed: bool,
}

#[derive(Debug, Clone)]
enum V {
    /// The zero `reflect.Value`: a missing key; prints `<no value>`.
    Invalid,
    /// A nil `interface {}` (JSON null).
    Nil,
    /// A value of the decoded object (never `Value::Null`): `int64`
    /// numbers, `map[string]interface {}`, `[]interface {}`...
    Json(Value),
    /// An `int` (literals, `len`, range indexes).
    Int(i64),
    /// A byte (`index` of a string).
    Byte(u8),
    Float(f64),
    Str(String),
    Bool(bool),
}

impl Val {
    fn new(v: V) -> Val {
        Val { v, boxed: false }
    }

    fn invalid() -> Val {
        Val::new(V::Invalid)
    }

    /// An element of a map or list.
    fn element(value: &Value) -> Val {
        Val {
            v: match value {
                Value::Null => V::Nil,
                other => V::Json(other.clone()),
            },
            boxed: true,
        }
    }

    /// `indirectInterface`: the concrete value inside an interface.
    fn unboxed(self) -> Val {
        match (self.boxed, self.v) {
            (true, V::Nil) => Val::invalid(),
            (_, v) => Val::new(v),
        }
    }

    fn type_name(&self) -> &'static str {
        if self.boxed {
            return "interface {}";
        }
        self.v.type_name()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    Str,
    Map,
    Slice,
}

impl V {
    fn kind(&self) -> Kind {
        match self {
            V::Invalid | V::Nil => Kind::Invalid,
            V::Int(_) | V::Json(Value::Int(_)) => Kind::Int,
            V::Byte(_) => Kind::Uint,
            V::Float(_) | V::Json(Value::Float(_)) => Kind::Float,
            V::Str(_) | V::Json(Value::String(_)) => Kind::Str,
            V::Bool(_) | V::Json(Value::Bool(_)) => Kind::Bool,
            V::Json(Value::Object(_)) => Kind::Map,
            V::Json(Value::Array(_)) => Kind::Slice,
            V::Json(Value::Null) => Kind::Invalid,
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            V::Invalid => "<nil>",
            V::Nil => "interface {}",
            V::Int(_) => "int",
            V::Byte(_) => "uint8",
            V::Float(_) | V::Json(Value::Float(_)) => "float64",
            V::Json(Value::Int(_)) => "int64",
            V::Str(_) | V::Json(Value::String(_)) => "string",
            V::Bool(_) | V::Json(Value::Bool(_)) => "bool",
            V::Json(Value::Object(_)) => "map[string]interface {}",
            V::Json(Value::Array(_)) => "[]interface {}",
            V::Json(Value::Null) => "interface {}",
        }
    }

    fn as_int(&self) -> Option<i64> {
        match self {
            V::Int(i) | V::Json(Value::Int(i)) => Some(*i),
            V::Byte(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    fn as_float(&self) -> Option<f64> {
        match self {
            V::Float(f) | V::Json(Value::Float(f)) => Some(*f),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            V::Str(s) | V::Json(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            V::Bool(b) | V::Json(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn len(&self) -> Option<usize> {
        match self {
            V::Str(s) | V::Json(Value::String(s)) => Some(s.len()),
            V::Json(Value::Object(m)) => Some(m.len()),
            V::Json(Value::Array(a)) => Some(a.len()),
            _ => None,
        }
    }

    /// `isTrue`: non-zero, non-empty.
    fn truth(&self) -> bool {
        match self {
            V::Invalid | V::Nil => false,
            V::Bool(b) | V::Json(Value::Bool(b)) => *b,
            V::Float(f) | V::Json(Value::Float(f)) => *f != 0.0,
            other => other
                .as_int()
                .map(|i| i != 0)
                .or(other.len().map(|l| l > 0))
                .unwrap_or(true),
        }
    }

    /// `fmt`'s `%v`.
    fn print(&self) -> String {
        match self {
            V::Invalid | V::Nil => "<nil>".to_string(),
            V::Json(v) => go_fmt_value(v),
            V::Int(i) => i.to_string(),
            V::Byte(b) => b.to_string(),
            V::Float(f) => go_float_g(*f),
            V::Str(s) => s.clone(),
            V::Bool(b) => b.to_string(),
        }
    }
}

// ---------------------------------------------------------------- execution

/// How execution leaves a node early.
enum Flow {
    Error(String),
    Break,
    Continue,
}

type ExecResult<T> = Result<T, Flow>;

/// The node execution is at, for error contexts.
#[derive(Clone, Copy)]
enum At<'t> {
    Node(&'t Node),
    Pipe(&'t Pipe),
    Command(&'t Command),
    Arg(&'t Arg),
}

impl At<'_> {
    fn pos(&self) -> usize {
        match self {
            At::Node(n) => n.pos(),
            At::Pipe(p) => p.pos,
            At::Command(c) => c.pos,
            At::Arg(a) => a.pos(),
        }
    }

    fn text(&self) -> String {
        match self {
            At::Node(n) => n.text(),
            At::Pipe(p) => p.text(),
            At::Command(c) => c.text(),
            At::Arg(a) => a.text(),
        }
    }
}

/// A parameter type of a template function, as `evalArg` converts to it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Param {
    /// `reflect.Value`: anything, missing values included.
    Reflect,
    /// `interface {}`: anything; missing values become nil.
    Any,
    /// `string`.
    Str,
}

/// `(fixed parameters, variadic parameter)` of a function.
fn signature(name: &str) -> (&'static [Param], Option<Param>) {
    use Param::{Any, Reflect, Str};
    match name {
        "and" | "or" | "index" | "slice" | "eq" | "call" => (&[Reflect], Some(Reflect)),
        "not" | "len" => (&[Reflect], None),
        "ne" | "lt" | "le" | "gt" | "ge" => (&[Reflect, Reflect], None),
        "printf" => (&[Str], Some(Any)),
        "exists" => (&[Any], Some(Any)),
        "base64decode" => (&[Str], None),
        _ => (&[], Some(Any)),
    }
}

struct Exec<'t> {
    template: &'t Template,
    vars: Vec<(String, Val)>,
    out: String,
    at: Option<At<'t>>,
    missing_key_error: bool,
    iterations: usize,
    depth: usize,
}

impl<'t> Exec<'t> {
    fn at(&mut self, at: At<'t>) {
        self.at = Some(at);
    }

    fn error<T>(&self, message: impl Into<String>) -> ExecResult<T> {
        let message = message.into();
        Err(Flow::Error(match &self.at {
            None => format!("template: {NAME}: {message}"),
            Some(at) => {
                let pos = at.pos().min(self.template.source.len());
                let before = &self.template.source[..pos];
                let line = 1 + before.matches('\n').count();
                let column = before.rfind('\n').map_or(pos, |nl| pos - nl - 1);
                format!(
                    "template: {NAME}:{line}:{column}: executing {} at <{}>: {message}",
                    go_quote(NAME),
                    at.text()
                )
            }
        }))
    }

    fn write(&mut self, text: &str) -> ExecResult<()> {
        if self.out.len() + text.len() > MAX_OUTPUT_BYTES {
            return self.error(format!("output longer than {MAX_OUTPUT_BYTES} bytes"));
        }
        self.out.push_str(text);
        Ok(())
    }

    fn var(&self, name: &str) -> ExecResult<Val> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => self.error(format!("undefined variable: {name}")),
        }
    }

    fn set_var(&mut self, name: &str, value: Val) -> ExecResult<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => self.error(format!("undefined variable: {name}")),
        }
    }

    /// One level deeper into blocks and template calls, within the limit.
    fn enter(&mut self) -> ExecResult<()> {
        if self.depth >= MAX_EXEC_DEPTH {
            return self.error(format!(
                "exceeded maximum template depth ({MAX_EXEC_DEPTH})"
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn walk_list(&mut self, dot: &Val, list: &'t [Node]) -> ExecResult<()> {
        for node in list {
            self.walk(dot, node)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Val, node: &'t Node) -> ExecResult<()> {
        self.at(At::Node(node));
        match node {
            Node::Text(t) => self.write(t),
            Node::Action { pipe, .. } => {
                let value = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at(At::Node(node));
                    let text = match value.v {
                        V::Invalid => "<no value>".to_string(),
                        v => v.print(),
                    };
                    self.write(&text)?;
                }
                Ok(())
            }
            Node::If(c) | Node::With(c) => {
                self.enter()?;
                let mark = self.vars.len();
                let value = self.eval_pipeline(dot, &c.pipe)?;
                let result = if value.v.truth() {
                    if matches!(node, Node::With(_)) {
                        self.walk_list(&value, &c.list)
                    } else {
                        self.walk_list(dot, &c.list)
                    }
                } else if let Some(e) = &c.else_list {
                    self.walk_list(dot, e)
                } else {
                    Ok(())
                };
                self.vars.truncate(mark);
                self.depth -= 1;
                result
            }
            Node::Range(c) => {
                self.enter()?;
                let mark = self.vars.len();
                let result = self.walk_range(dot, c);
                self.vars.truncate(mark);
                self.depth -= 1;
                match result {
                    Err(Flow::Break) => Ok(()),
                    other => other,
                }
            }
            Node::Template { name, pipe, .. } => {
                let Some(list) = self.template.defs.get(name) else {
                    return self.error(format!("template {} not defined", go_quote(name)));
                };
                let dot = match pipe {
                    Some(p) => self.eval_pipeline(dot, p)?,
                    None => Val::invalid(),
                };
                self.enter()?;
                let vars = std::mem::replace(&mut self.vars, vec![("$".to_string(), dot.clone())]);
                let result = self.walk_list(&dot, list);
                self.depth -= 1;
                self.vars = vars;
                result
            }
            Node::Break => Err(Flow::Break),
            Node::Continue => Err(Flow::Continue),
        }
    }

    fn walk_range(&mut self, dot: &Val, c: &'t Control) -> ExecResult<()> {
        let value = self.eval_pipeline(dot, &c.pipe)?;
        let mark = self.vars.len();
        let mut ran = false;
        match &value.v {
            V::Json(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    ran = true;
                    self.iteration(c, mark, Val::new(V::Int(i as i64)), Val::element(item))?;
                }
            }
            V::Json(Value::Object(map)) => {
                for (key, item) in map.iter() {
                    ran = true;
                    self.iteration(c, mark, Val::new(V::Str(key.clone())), Val::element(item))?;
                }
            }
            V::Int(_) | V::Json(Value::Int(_)) | V::Byte(_) => {
                if c.pipe.decl.len() > 1 {
                    return self.error(format!(
                        "can't use {} to iterate over more than one variable",
                        value.v.print()
                    ));
                }
                let n = value.v.as_int().unwrap_or(0);
                for i in 0..n.max(0) {
                    ran = true;
                    let v = match value.v {
                        V::Json(_) => V::Json(Value::Int(i)),
                        V::Byte(_) => V::Byte(i as u8),
                        _ => V::Int(i),
                    };
                    self.iteration(c, mark, Val::new(v.clone()), Val::new(v))?;
                }
            }
            V::Invalid => {}
            other => {
                return self.error(format!("range can't iterate over {}", other.print()));
            }
        }
        if !ran {
            if let Some(e) = &c.else_list {
                return self.walk_list(dot, e);
            }
        }
        Ok(())
    }

    fn iteration(&mut self, c: &'t Control, mark: usize, index: Val, elem: Val) -> ExecResult<()> {
        self.iterations += 1;
        if self.iterations > MAX_RANGE_ITERATIONS {
            return self.error(format!(
                "range ran more than {MAX_RANGE_ITERATIONS} iterations"
            ));
        }
        let decl = &c.pipe.decl;
        if c.pipe.is_assign {
            match decl.len() {
                0 => {}
                1 => self.set_var(&decl[0], elem.clone())?,
                _ => {
                    self.set_var(&decl[0], index)?;
                    self.set_var(&decl[1], elem.clone())?;
                }
            }
        } else {
            let n = self.vars.len();
            if !decl.is_empty() {
                self.vars[n - 1].1 = elem.clone();
            }
            if decl.len() > 1 {
                self.vars[n - 2].1 = index;
            }
        }
        let result = self.walk_list(&elem, &c.list);
        self.vars.truncate(mark);
        match result {
            Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    fn eval_pipeline(&mut self, dot: &Val, pipe: &'t Pipe) -> ExecResult<Val> {
        self.at(At::Pipe(pipe));
        let mut value: Option<Val> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            // A value held in an interface {} is unwrapped.
            value = Some(v.unboxed());
        }
        let value = value.unwrap_or_else(Val::invalid);
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, value.clone())?;
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], final_value: &Option<Val>) -> ExecResult<()> {
        if args.len() > 1 || final_value.is_some() {
            return self.error(format!(
                "can't give argument to non-function {}",
                args[0].text()
            ));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        dot: &Val,
        cmd: &'t Command,
        final_value: Option<Val>,
    ) -> ExecResult<Val> {
        let first = &cmd.args[0];
        match first {
            Arg::Field { idents, .. } => {
                self.at(At::Arg(first));
                self.eval_field_chain(dot.clone(), idents, cmd.args.len(), final_value)
            }
            Arg::Chain { node, fields, .. } => {
                self.eval_chain(dot, first, node, fields, cmd.args.len(), final_value)
            }
            Arg::Identifier { name, .. } => {
                self.at(At::Arg(first));
                self.call(dot, At::Command(cmd), name, &cmd.args[1..], final_value)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &final_value)?;
                self.eval_pipeline(dot, p)
            }
            Arg::Variable { idents, .. } => {
                self.at(At::Arg(first));
                let value = self.var(&idents[0])?;
                if idents.len() == 1 {
                    self.not_a_function(&cmd.args, &final_value)?;
                    return Ok(value);
                }
                self.eval_field_chain(value, &idents[1..], cmd.args.len(), final_value)
            }
            _ => {
                self.at(At::Arg(first));
                self.not_a_function(&cmd.args, &final_value)?;
                match first {
                    Arg::Nil(_) => self.error("nil is not a command"),
                    _ => self.literal(dot, first),
                }
            }
        }
    }

    /// A literal, `.` or a number as an untyped constant.
    fn literal(&self, dot: &Val, arg: &Arg) -> ExecResult<Val> {
        Ok(match arg {
            Arg::Bool(_, b) => Val::new(V::Bool(*b)),
            Arg::Dot(_) => dot.clone(),
            Arg::Str { text, .. } => Val::new(V::Str(text.clone())),
            Arg::Number { value, text, .. } => match value {
                Number::Int(i) => Val::new(V::Int(*i)),
                Number::Float(f) => Val::new(V::Float(*f)),
                Number::Overflow => return self.error(format!("{text} overflows int")),
            },
            _ => Val::invalid(),
        })
    }

    fn eval_chain(
        &mut self,
        dot: &Val,
        chain: &'t Arg,
        node: &'t Arg,
        fields: &[String],
        args: usize,
        final_value: Option<Val>,
    ) -> ExecResult<Val> {
        self.at(At::Arg(chain));
        if matches!(node, Arg::Nil(_)) {
            return self.error(format!(
                "indirection through explicit nil in {}",
                chain.text()
            ));
        }
        let receiver = self.eval_arg(dot, None, node)?;
        self.eval_field_chain(receiver, fields, args, final_value)
    }

    fn eval_field_chain(
        &mut self,
        mut receiver: Val,
        idents: &[String],
        args: usize,
        final_value: Option<Val>,
    ) -> ExecResult<Val> {
        let n = idents.len();
        for ident in &idents[..n - 1] {
            receiver = self.eval_field(ident, 0, &None, receiver)?;
        }
        self.eval_field(&idents[n - 1], args, &final_value, receiver)
    }

    fn eval_field(
        &mut self,
        name: &str,
        args: usize,
        final_value: &Option<Val>,
        receiver: Val,
    ) -> ExecResult<Val> {
        if matches!(receiver.v, V::Invalid) {
            if self.missing_key_error {
                return self.error(format!("nil data; no entry for key {}", go_quote(name)));
            }
            return Ok(Val::invalid());
        }
        let typ = receiver.type_name();
        if matches!(receiver.v, V::Nil) {
            return self.error(format!("nil pointer evaluating {typ}.{name}"));
        }
        if let V::Json(Value::Object(map)) = &receiver.v {
            if args > 1 || final_value.is_some() {
                return self.error(format!("{name} is not a method but has arguments"));
            }
            return match map.get(name) {
                Some(v) => Ok(Val::element(v)),
                None if self.missing_key_error => {
                    self.error(format!("map has no entry for key {}", go_quote(name)))
                }
                None => Ok(Val::invalid()),
            };
        }
        self.error(format!("can't evaluate field {name} in type {typ}"))
    }

    /// `evalArg`: an argument converted to a parameter type (`None`: untyped).
    fn eval_arg(&mut self, dot: &Val, param: Option<Param>, arg: &'t Arg) -> ExecResult<Val> {
        self.at(At::Arg(arg));
        let value = match arg {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => {
                return match param {
                    Some(Param::Str) => self.error("cannot assign nil to string"),
                    Some(Param::Any) => Ok(Val::new(V::Nil)),
                    _ => Ok(Val::invalid()),
                };
            }
            Arg::Field { idents, .. } => self.eval_field_chain(dot.clone(), idents, 1, None)?,
            Arg::Variable { idents, .. } => {
                let value = self.var(&idents[0])?;
                if idents.len() == 1 {
                    value
                } else {
                    self.eval_field_chain(value, &idents[1..], 1, None)?
                }
            }
            Arg::Pipe(p) => self.eval_pipeline(dot, p)?,
            Arg::Identifier { name, .. } => self.call(dot, At::Arg(arg), name, &[], None)?,
            Arg::Chain { node, fields, .. } => self.eval_chain(dot, arg, node, fields, 1, None)?,
            literal => {
                if param == Some(Param::Str) && !matches!(literal, Arg::Str { .. }) {
                    return self.error(format!("expected string; found {}", literal.text()));
                }
                return self.literal(dot, literal);
            }
        };
        self.convert(value, param)
    }

    /// `validateType`.
    fn convert(&self, value: Val, param: Option<Param>) -> ExecResult<Val> {
        match (param, &value.v) {
            (Some(Param::Str), V::Invalid) => self.error("invalid value; expected string"),
            (Some(Param::Str), v) if v.as_str().is_some() => Ok(value.unboxed()),
            (Some(Param::Str), V::Nil) => {
                self.error("wrong type for value; expected string; got interface {}")
            }
            (Some(Param::Str), v) => self.error(format!(
                "wrong type for value; expected string; got {}",
                v.type_name()
            )),
            (Some(Param::Any), V::Invalid) => Ok(Val::new(V::Nil)),
            _ => Ok(value),
        }
    }

    fn call(
        &mut self,
        dot: &Val,
        node: At<'t>,
        name: &str,
        args: &'t [Arg],
        final_value: Option<Val>,
    ) -> ExecResult<Val> {
        let (fixed, variadic) = signature(name);
        let given = args.len() + usize::from(final_value.is_some());
        if variadic.is_some() {
            if given < fixed.len() {
                return self.error(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    fixed.len(),
                    args.len()
                ));
            }
        } else if given != fixed.len() {
            return self.error(format!(
                "wrong number of args for {name}: want {} got {given}",
                fixed.len()
            ));
        }
        let param = |i: usize| fixed.get(i).copied().or(variadic).unwrap_or(Param::Any);
        if name == "and" || name == "or" {
            // Short-circuit: the first false (and) or true (or) argument.
            let mut last = Val::invalid();
            for arg in args {
                last = self.eval_arg(dot, Some(Param::Reflect), arg)?;
                if last.clone().unboxed().v.truth() == (name == "or") {
                    return Ok(last);
                }
            }
            return Ok(final_value.unwrap_or(last));
        }
        let mut argv = Vec::with_capacity(given);
        for (i, arg) in args.iter().enumerate() {
            argv.push(self.eval_arg(dot, Some(param(i)), arg)?);
        }
        if let Some(f) = final_value {
            argv.push(self.convert(f, Some(param(args.len())))?);
        }
        let callee = if name == "call" {
            args.first().map(Arg::text).unwrap_or_default()
        } else {
            String::new()
        };
        match builtin(name, argv, &callee) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.at(node);
                self.error(format!("error calling {name}: {e}"))
            }
        }
    }
}

// ---------------------------------------------------------------- functions

fn builtin(name: &str, argv: Vec<Val>, callee: &str) -> Result<Val, String> {
    let first = || argv[0].clone().unboxed();
    Ok(match name {
        "not" => Val::new(V::Bool(!first().v.truth())),
        "len" => {
            let item = &argv[0];
            if matches!(item.v, V::Nil) {
                return Err("len of nil pointer".to_string());
            }
            match (&item.v, item.v.len()) {
                (V::Invalid, _) => {
                    return Err("reflect: call of reflect.Value.Type on zero Value".to_string())
                }
                (_, Some(n)) => Val::new(V::Int(n as i64)),
                (v, None) => return Err(format!("len of type {}", v.type_name())),
            }
        }
        "index" => index(first(), &argv[1..])?,
        "slice" => slice(first(), &argv[1..])?,
        "eq" => {
            if argv.len() < 2 {
                return Err("missing argument for comparison".to_string());
            }
            let a = first();
            let mut truth = false;
            for b in &argv[1..] {
                if equal(&a, &b.clone().unboxed())? {
                    truth = true;
                    break;
                }
            }
            Val::new(V::Bool(truth))
        }
        "ne" => Val::new(V::Bool(!equal(&first(), &argv[1].clone().unboxed())?)),
        "lt" | "le" | "gt" | "ge" => {
            let (a, b) = (first(), argv[1].clone().unboxed());
            let less = less(&a, &b)?;
            Val::new(V::Bool(match name {
                "lt" => less,
                "ge" => !less,
                "le" => less || equal(&a, &b)?,
                _ => !(less || equal(&a, &b)?),
            }))
        }
        "print" => Val::new(V::Str(sprint(&argv))),
        "println" => {
            let words: Vec<String> = argv.iter().map(|a| a.v.print()).collect();
            Val::new(V::Str(format!("{}\n", words.join(" "))))
        }
        "printf" => {
            let format = argv[0].v.as_str().unwrap_or_default().to_string();
            Val::new(V::Str(sprintf(&format, &argv[1..])))
        }
        "html" => Val::new(V::Str(html_escape(&eval_args(&argv)))),
        "js" => Val::new(V::Str(js_escape(&eval_args(&argv)))),
        "urlquery" => Val::new(V::Str(url_query_escape(&eval_args(&argv)))),
        "exists" => Val::new(V::Bool(exists(&argv))),
        "base64decode" => {
            let text = argv[0].v.as_str().unwrap_or_default();
            let bytes = base64_decode(text).map_err(|at| {
                format!("base64 decode failed: illegal base64 data at input byte {at}")
            })?;
            Val::new(V::Str(String::from_utf8_lossy(&bytes).into_owned()))
        }
        "call" => {
            return Err(match first().v {
                V::Invalid => "call of nil".to_string(),
                v => format!("non-function {callee} of type {}", v.type_name()),
            })
        }
        _ => Val::invalid(),
    })
}

/// `indexArg`: an integer index within `0..=cap`.
fn index_arg(index: &Val, cap: usize) -> Result<usize, String> {
    let x = match &index.v {
        V::Invalid | V::Nil => return Err("cannot index slice/array with nil".to_string()),
        v => v
            .as_int()
            .ok_or_else(|| format!("cannot index slice/array with type {}", v.type_name()))?,
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: Val, indexes: &[Val]) -> Result<Val, String> {
    if matches!(item.v, V::Invalid) {
        return Err("index of untyped nil".to_string());
    }
    let mut item = item;
    for index in indexes {
        let index = index.clone().unboxed();
        if matches!(item.v, V::Nil) {
            return Err("index of nil pointer".to_string());
        }
        item = match &item.v {
            V::Json(Value::Array(a)) => {
                let i = index_arg(&index, a.len())?;
                match a.get(i) {
                    Some(v) => Val::element(v),
                    None => return Err("reflect: slice index out of range".to_string()),
                }
            }
            v @ (V::Str(_) | V::Json(Value::String(_))) => {
                let s = v.as_str().unwrap_or_default();
                let i = index_arg(&index, s.len())?;
                match s.as_bytes().get(i) {
                    Some(b) => Val::new(V::Byte(*b)),
                    None => return Err("reflect: string index out of range".to_string()),
                }
            }
            V::Json(Value::Object(m)) => match &index.v {
                V::Invalid | V::Nil => {
                    return Err("value is nil; should be of type string".to_string())
                }
                v => match v.as_str() {
                    Some(key) => match m.get(key) {
                        Some(found) => Val::element(found),
                        None => Val {
                            v: V::Nil,
                            boxed: true,
                        },
                    },
                    None => {
                        return Err(format!(
                            "value has type {}; should be string",
                            v.type_name()
                        ))
                    }
                },
            },
            v => return Err(format!("can't index item of type {}", item_type(&item, v))),
        };
    }
    Ok(item)
}

fn item_type(item: &Val, v: &V) -> &'static str {
    if item.boxed {
        v.type_name()
    } else {
        item.type_name()
    }
}

fn slice(item: Val, indexes: &[Val]) -> Result<Val, String> {
    if matches!(item.v, V::Invalid) {
        return Err("slice of untyped nil".to_string());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match &item.v {
        V::Json(Value::Array(a)) => a.len(),
        v @ (V::Str(_) | V::Json(Value::String(_))) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".to_string());
            }
            v.as_str().map_or(0, str::len)
        }
        v => return Err(format!("can't slice item of type {}", v.type_name())),
    };
    let mut idx = [0, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(&index.clone().unboxed(), len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(Val::new(match &item.v {
        V::Json(Value::Array(a)) => V::Json(Value::Array(a[idx[0]..idx[1]].to_vec())),
        v => {
            let bytes = &v.as_str().unwrap_or_default().as_bytes()[idx[0]..idx[1]];
            V::Str(String::from_utf8_lossy(bytes).into_owned())
        }
    }))
}

/// `eq` for one pair (after `indirectInterface`).
fn equal(a: &Val, b: &Val) -> Result<bool, String> {
    let (k1, k2) = (a.v.kind(), b.v.kind());
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(a.v.as_int() == b.v.as_int()),
            _ if k1 != Kind::Invalid && k2 != Kind::Invalid => Err(format!(
                "incompatible types for comparison: {} and {}",
                a.v.type_name(),
                b.v.type_name()
            )),
            _ => Ok(false),
        };
    }
    Ok(match k1 {
        Kind::Bool => a.v.as_bool() == b.v.as_bool(),
        Kind::Int | Kind::Uint => a.v.as_int() == b.v.as_int(),
        Kind::Float => a.v.as_float() == b.v.as_float(),
        Kind::Str => a.v.as_str() == b.v.as_str(),
        Kind::Invalid => true,
        Kind::Map | Kind::Slice => {
            return Err(format!(
                "non-comparable type {}: {}",
                format_verb(&b.v, 's', &Spec::default()),
                b.v.type_name()
            ))
        }
    })
}

/// `lt` (after `indirectInterface`).
fn less(a: &Val, b: &Val) -> Result<bool, String> {
    const BAD: &str = "invalid type for comparison";
    let (k1, k2) = (a.v.kind(), b.v.kind());
    let basic = |k: Kind| {
        matches!(
            k,
            Kind::Bool | Kind::Int | Kind::Uint | Kind::Float | Kind::Str
        )
    };
    if !basic(k1) || !basic(k2) {
        return Err(BAD.to_string());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(a.v.as_int() < b.v.as_int()),
            _ => Err(format!(
                "incompatible types for comparison: {} and {}",
                a.v.type_name(),
                b.v.type_name()
            )),
        };
    }
    Ok(match k1 {
        Kind::Int | Kind::Uint => a.v.as_int() < b.v.as_int(),
        Kind::Float => a.v.as_float() < b.v.as_float(),
        Kind::Str => a.v.as_str() < b.v.as_str(),
        _ => return Err(BAD.to_string()),
    })
}

/// kubectl's `exists ITEM INDEX...`: whether indexing would find a non-nil value.
fn exists(argv: &[Val]) -> bool {
    let mut item = argv[0].v.clone();
    for index in &argv[1..] {
        item = match (&item, &index.v) {
            (V::Json(Value::Array(a)), i) => match i.as_int() {
                Some(x) if x >= 0 && (x as usize) < a.len() => Val::element(&a[x as usize]).v,
                _ => return false,
            },
            (V::Json(Value::Object(m)), i) => match i.as_str() {
                Some(key) => m.get(key).map_or(V::Nil, |v| Val::element(v).v),
                None => return false,
            },
            _ => return false,
        };
    }
    !matches!(item, V::Nil | V::Invalid)
}

/// `fmt.Sprint`: spaces between operands when neither is a string.
fn sprint(argv: &[Val]) -> String {
    let mut out = String::new();
    let mut previous_string = false;
    for (i, arg) in argv.iter().enumerate() {
        let is_string = matches!(arg.v, V::Str(_) | V::Json(Value::String(_)));
        if i > 0 && !is_string && !previous_string {
            out.push(' ');
        }
        out.push_str(&arg.v.print());
        previous_string = is_string;
    }
    out
}

/// `evalArgs` of html, js and urlquery.
fn eval_args(argv: &[Val]) -> String {
    match argv {
        [one] if one.v.as_str().is_some() => one.v.as_str().unwrap_or_default().to_string(),
        _ => sprint(argv),
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if c.is_ascii() || !c.is_control() => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

fn url_query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString` (line breaks ignored); the
/// error is the offset Go's `CorruptInputError` reports.
fn base64_decode(text: &str) -> Result<Vec<u8>, usize> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let src = text.as_bytes();
    let newline = |b: u8| b == b'\n' || b == b'\r';
    let mut out = Vec::new();
    let mut si = 0;
    loop {
        let mut sextets = [0u32; 4];
        let mut j = 0;
        let mut end = false;
        while j < 4 {
            let Some(&c) = src.get(si) else {
                return if j == 0 { Ok(out) } else { Err(si - j) };
            };
            si += 1;
            if newline(c) {
                continue;
            }
            if c == b'=' {
                match j {
                    0 | 1 => return Err(si - 1),
                    2 => {
                        while src.get(si).is_some_and(|b| newline(*b)) {
                            si += 1;
                        }
                        match src.get(si) {
                            None => return Err(src.len()),
                            Some(b'=') => si += 1,
                            Some(_) => return Err(si - 1),
                        }
                    }
                    _ => {}
                }
                while src.get(si).is_some_and(|b| newline(*b)) {
                    si += 1;
                }
                if si < src.len() {
                    return Err(si);
                }
                end = true;
                break;
            }
            match ALPHABET.iter().position(|a| *a == c) {
                Some(v) => sextets[j] = v as u32,
                None => return Err(si - 1),
            }
            j += 1;
        }
        let word = sextets[0] << 18 | sextets[1] << 12 | sextets[2] << 6 | sextets[3];
        let bytes = word.to_be_bytes();
        out.extend(&bytes[1..j.max(1)]);
        if end {
            return Ok(out);
        }
    }
}

// ---------------------------------------------------------------- printf

#[derive(Default, Clone)]
struct Spec {
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

impl Spec {
    fn pad(&self, text: String, numeric: bool) -> String {
        let Some(width) = self.width else {
            return text;
        };
        let len = text.chars().count();
        if len >= width {
            return text;
        }
        let fill = width - len;
        if self.minus {
            format!("{text}{}", " ".repeat(fill))
        } else if self.zero && numeric {
            let (sign, digits) = match text.strip_prefix(['-', '+']) {
                Some(d) => (&text[..1], d),
                None => ("", text.as_str()),
            };
            format!("{sign}{}{digits}", "0".repeat(fill))
        } else {
            format!("{}{text}", " ".repeat(fill))
        }
    }
}

/// `fmt.Sprintf` for the verbs templates use.
fn sprintf(format: &str, args: &[Val]) -> String {
    let mut out = String::new();
    let mut next_arg = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                '#' => spec.sharp = true,
                _ => break,
            }
            chars.next();
        }
        let number = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let mut n: Option<usize> = None;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = Some(
                    n.unwrap_or(0)
                        .saturating_mul(10)
                        .saturating_add(d as usize)
                        .min(1 << 16),
                );
                chars.next();
            }
            n
        };
        spec.width = number(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(number(&mut chars).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next_arg) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next_arg += 1;
        out.push_str(&format_verb(&arg.v, verb, &spec));
    }
    if next_arg < args.len() {
        let extra: Vec<String> = args[next_arg..]
            .iter()
            .map(|a| match a.v {
                V::Nil | V::Invalid => "<nil>".to_string(),
                ref v => format!("{}={}", v.type_name(), v.print()),
            })
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

fn bad_verb(v: &V, verb: char) -> String {
    match v {
        V::Nil | V::Invalid => format!("%!{verb}(<nil>)"),
        v => format!("%!{verb}({}={})", v.type_name(), v.print()),
    }
}

/// One operand under one verb; maps and lists apply the verb to each element.
fn format_verb(v: &V, verb: char, spec: &Spec) -> String {
    if verb == 'T' {
        return spec.pad(
            match v {
                V::Nil | V::Invalid => "<nil>",
                v => v.type_name(),
            }
            .to_string(),
            false,
        );
    }
    match v {
        V::Json(Value::Object(m)) => return format_map(m, verb, spec),
        V::Json(Value::Array(a)) => {
            let items: Vec<String> = a
                .iter()
                .map(|item| format_verb(&Val::element(item).v, verb, spec))
                .collect();
            return format!("[{}]", items.join(" "));
        }
        _ => {}
    }
    if let Some(s) = v.as_str() {
        let text = match verb {
            'v' | 's' => match spec.precision {
                Some(p) => s.chars().take(p).collect(),
                None => s.to_string(),
            },
            'q' => go_quote(s),
            'x' => s.bytes().map(|b| format!("{b:02x}")).collect(),
            'X' => s.bytes().map(|b| format!("{b:02X}")).collect(),
            _ => return bad_verb(v, verb),
        };
        return spec.pad(text, false);
    }
    if let Some(i) = v.as_int() {
        let sign = |text: String| {
            if spec.plus && i >= 0 {
                format!("+{text}")
            } else if spec.space && i >= 0 {
                format!(" {text}")
            } else {
                text
            }
        };
        let magnitude = i.unsigned_abs();
        let neg = if i < 0 { "-" } else { "" };
        let text = match verb {
            'v' | 'd' => sign(i.to_string()),
            'x' => format!("{neg}{}{magnitude:x}", if spec.sharp { "0x" } else { "" }),
            'X' => format!("{neg}{}{magnitude:X}", if spec.sharp { "0X" } else { "" }),
            'o' => format!("{neg}{}{magnitude:o}", if spec.sharp { "0" } else { "" }),
            'O' => format!("{neg}0o{magnitude:o}"),
            'b' => format!("{neg}{magnitude:b}"),
            'c' => char::from_u32(i as u32).unwrap_or('\u{FFFD}').to_string(),
            'q' => {
                let c = char::from_u32(i as u32).unwrap_or('\u{FFFD}');
                let quoted = go_quote(&c.to_string());
                format!("'{}'", &quoted[1..quoted.len() - 1].replace("\\\"", "\""))
            }
            'U' => format!("U+{magnitude:04X}"),
            _ => return bad_verb(v, verb),
        };
        return spec.pad(text, true);
    }
    if let Some(f) = v.as_float() {
        let signed = |text: String| {
            if spec.plus && f >= 0.0 {
                format!("+{text}")
            } else {
                text
            }
        };
        let text = match verb {
            'v' | 'g' => match spec.precision {
                None => signed(go_float_g(f)),
                Some(p) => signed(go_float_g(
                    format!("{f:.*e}", p.max(1) - 1).parse().unwrap_or(f),
                )),
            },
            'G' => return format_verb(v, 'g', spec).to_uppercase(),
            'x' => signed(hex_float(f)),
            'X' => signed(hex_float(f).to_uppercase()),
            'f' | 'F' => signed(format!("{f:.*}", spec.precision.unwrap_or(6))),
            'e' | 'E' => {
                let text = format!("{f:.*e}", spec.precision.unwrap_or(6));
                let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
                let exp: i32 = exp.parse().unwrap_or(0);
                let sign = if exp < 0 { '-' } else { '+' };
                let e = if verb == 'E' { 'E' } else { 'e' };
                signed(format!("{mantissa}{e}{sign}{:02}", exp.abs()))
            }
            _ => return bad_verb(v, verb),
        };
        return spec.pad(text, true);
    }
    if let Some(b) = v.as_bool() {
        return match verb {
            'v' | 't' => spec.pad(b.to_string(), false),
            _ => bad_verb(v, verb),
        };
    }
    match verb {
        'v' => spec.pad("<nil>".to_string(), false),
        _ => bad_verb(v, verb),
    }
}

/// `%x` of a float64: `0x1.cp+01`.
fn hex_float(f: f64) -> String {
    if f == 0.0 || !f.is_finite() {
        return go_float_g(f);
    }
    let bits = f.to_bits();
    let sign = if f < 0.0 { "-" } else { "" };
    let mut exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut mantissa = bits & ((1 << 52) - 1);
    if exp == -1023 {
        // Subnormal: shift the leading one into place.
        let shift = mantissa.leading_zeros() as i64 - 11;
        mantissa = (mantissa << shift) & ((1 << 52) - 1);
        exp = -1022 - shift;
    }
    let digits = format!("{mantissa:013x}");
    let digits = digits.trim_end_matches('0');
    let dot = if digits.is_empty() { "" } else { "." };
    let exp_sign = if exp < 0 { '-' } else { '+' };
    format!("{sign}0x1{dot}{digits}p{exp_sign}{:02}", exp.abs())
}

fn format_map(m: &Map, verb: char, spec: &Spec) -> String {
    let items: Vec<String> = m
        .iter()
        .map(|(k, item)| {
            format!(
                "{}:{}",
                format_verb(&V::Str(k.clone()), verb, spec),
                format_verb(&Val::element(item).v, verb, spec)
            )
        })
        .collect();
    format!("map[{}]", items.join(" "))
}

// ---------------------------------------------------------------- running

impl Template {
    /// Runs the template on `data` (missing map keys print `<no value>`
    /// unless `missing_key_error`). On failure, the output written so far
    /// and Go's error text.
    pub fn execute(
        &self,
        data: &Value,
        missing_key_error: bool,
    ) -> Result<String, (String, String)> {
        let root = Val::new(match data {
            Value::Null => V::Nil,
            other => V::Json(other.clone()),
        });
        let mut exec = Exec {
            template: self,
            vars: vec![("$".to_string(), root.clone())],
            out: String::new(),
            at: None,
            missing_key_error,
            iterations: 0,
            depth: 0,
        };
        match exec.walk_list(&root, &self.root) {
            Ok(()) | Err(Flow::Break | Flow::Continue) => Ok(exec.out),
            Err(Flow::Error(e)) => Err((exec.out, e)),
        }
    }
}

/// What `GoTemplatePrinter.PrintObj` writes when execution fails: the
/// partial output, then a dump of the template and the data (stdout), and
/// the error kubectl reports.
pub fn failure(source: &str, data: &Value, partial: &str, error: &str) -> (String, String) {
    let stdout = format!(
        "{partial}Error executing template: {error}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{source}\n\traw data was:\n\t\t{}\n\tobject given to template engine was:\n\t\t{}\n\n",
        ordinal_model::json::to_compact(data),
        go_fmt_value(data)
    );
    let stderr = format!("error executing template {}: {error}", go_quote(source));
    (stdout, stderr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> Value {
        ordinal_model::json::parse(
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","labels":{"app":"nginx","tier":"web"}},
            "spec":{"replicas":3,"containers":[{"name":"nginx","image":"nginx:1.27"},{"name":"side","image":"busybox"}]},
            "status":{"phase":"Running","podIP":"10.244.0.4","lastProbeTime":null,
            "conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]},
            "data":{"token":"aGVsbG8="}}"#,
        )
        .expect("valid json")
    }

    fn run(source: &str) -> String {
        match parse(source) {
            Ok(t) => match t.execute(&pod(), false) {
                Ok(out) => out,
                Err((partial, e)) => format!("{partial}ERR {e}"),
            },
            Err(e) => format!("PARSE {e}"),
        }
    }

    #[test]
    fn fields_variables_and_ranges() {
        assert_eq!(run("{{.status.podIP}}"), "10.244.0.4");
        assert_eq!(
            run("{{range $i, $c := .spec.containers}}{{$i}}:{{$c.image}} {{end}}"),
            "0:nginx:1.27 1:busybox "
        );
        assert_eq!(
            run("{{range .spec.containers}}{{.name}}{{\"\\n\"}}{{end}}"),
            "nginx\nside\n"
        );
        assert_eq!(
            run("{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}"),
            "app=nginx;tier=web;"
        );
        assert_eq!(run("{{range .nope}}x{{else}}none{{end}}"), "none");
        assert_eq!(run("{{range 3}}{{.}}{{end}}"), "012");
        assert_eq!(run("{{range .spec.containers}}{{if eq .name \"side\"}}{{break}}{{end}}{{.name}}{{end}}"), "nginx");
        assert_eq!(
            run("{{$x := .metadata.name}}{{$x}} {{$x = \"y\"}}{{$x}}"),
            "web-0 y"
        );
        assert_eq!(
            run("{{with .status}}{{.phase}}{{end}} {{with .nope}}a{{else with .kind}}{{.}}{{end}}"),
            "Running Pod"
        );
    }

    #[test]
    fn values_print_as_go_prints_them() {
        assert_eq!(run("{{.spec.replicas}}"), "3");
        assert_eq!(run("{{.metadata.labels}}"), "map[app:nginx tier:web]");
        assert_eq!(
            run("{{.x.y}} {{.status.lastProbeTime}}"),
            "<no value> <no value>"
        );
        assert_eq!(
            run("{{ 1.5 }} {{ 1e6 }} {{ 0x10 }} {{ 'a' }} {{`raw\\n`}}"),
            "1.5 1e+06 16 97 raw\\n"
        );
        assert_eq!(
            run("{{index .spec.containers 0 \"name\"}} {{index .metadata.labels \"zz\"}}"),
            "nginx <no value>"
        );
        assert_eq!(
            run("{{len .spec.containers}} {{len .metadata.name}}"),
            "2 5"
        );
        assert_eq!(
            run("{{print 1 2 \"a\" \"b\" 3 nil}}|{{println 1 \"a\"}}"),
            "1 2ab3 <nil>|1 a\n"
        );
        assert_eq!(run("{{.data.token | base64decode}}"), "hello");
        assert_eq!(
            run("{{not .spec}} {{and 1 0 2}} {{or 0 \"\" \"x\"}} {{and .nope 1}}"),
            "false 0 x <no value>"
        );
        assert_eq!(
            run("{{exists . \"metadata\" \"name\"}} {{exists . \"nope\"}}"),
            "true false"
        );
    }

    #[test]
    fn printf_formats_like_fmt() {
        assert_eq!(
            run("{{printf \"%s-%d-%v-%q\" .metadata.name 3 .spec.replicas .metadata.name}}"),
            "web-0-3-3-\"web-0\""
        );
        assert_eq!(
            run("{{printf \"%d|%s|%v\" \"a\" 3 .nope}}"),
            "%!d(string=a)|%!s(int=3)|<nil>"
        );
        assert_eq!(
            run("{{printf \"%d\" 1 2}} {{printf \"%s\"}}"),
            "1%!(EXTRA int=2) %!s(MISSING)"
        );
        assert_eq!(
            run("{{printf \"%6.2f|%e|%x|%X|%08d|%+d|%-4s|%5t|\" 3.14159 1000.0 \"hi\" 255 42 5 \"a\" true}}"),
            "  3.14|1.000000e+03|6869|FF|00000042|+5|a   | true|"
        );
        assert_eq!(run("{{printf \"%q\" .spec.replicas}}"), "'\\x03'");
        assert_eq!(
            run("{{printf \"%x %X %x\" 3.5 1.0 -0.1}}"),
            "0x1.cp+01 0X1P+00 -0x1.999999999999ap-04"
        );
        assert_eq!(
            run("{{.metadata.name | printf \"%q\"}} {{1 | printf \"%d-%d\" 2}}"),
            "\"web-0\" 2-1"
        );
    }

    #[test]
    fn trim_markers_and_comments() {
        assert_eq!(
            run("{{- .metadata.name -}}  \n {{ \"x\" }}  {{- \"y\" }} {{/* c */}}z {{- /* c2 */ -}} w"),
            "web-0xy zw"
        );
        assert_eq!(run("{{if eq .status.phase \"Pending\"}}P{{else if eq .status.phase \"Running\"}}R{{else}}O{{end}}"), "R");
        assert_eq!(
            run("{{.metadata\n.name}}"),
            "ERR template: output:1:2: executing \"output\" at <.metadata>: metadata is not a method but has arguments"
        );
    }

    #[test]
    fn parse_errors_in_go_words() {
        assert_eq!(
            run("{{.a, }}"),
            "PARSE template: output:1: unexpected \",\" in operand"
        );
        assert_eq!(run("{{.a"), "PARSE template: output:1: unclosed action");
        assert_eq!(run("{{if 1}}"), "PARSE template: output:1: unexpected EOF");
        assert_eq!(
            run("{{end}}"),
            "PARSE template: output:1: unexpected {{end}}"
        );
        assert_eq!(
            run("{{range}}{{end}}"),
            "PARSE template: output:1: missing value for range"
        );
        assert_eq!(run("{{/* x"), "PARSE template: output:1: unclosed comment");
        assert_eq!(
            run("{{foo}}"),
            "PARSE template: output:1: function \"foo\" not defined"
        );
        assert_eq!(
            run("{{$x}}"),
            "PARSE template: output:1: undefined variable \"$x\""
        );
        assert_eq!(
            run("{{.a | 3}}"),
            "PARSE template: output:1: non executable command in pipeline stage 2"
        );
        assert_eq!(
            run("{{break}}"),
            "PARSE template: output:1: {{break}} outside {{range}}"
        );
        assert_eq!(
            run("{{\"abc}}"),
            "PARSE template: output:1: unterminated quoted string"
        );
        assert_eq!(
            run("{{if .x}}\n{{.a,}}{{end}}"),
            "PARSE template: output:2: unexpected \",\" in operand"
        );
    }

    #[test]
    fn execution_errors_in_go_words() {
        assert_eq!(
            run("{{.metadata.name.x}}"),
            "ERR template: output:1:11: executing \"output\" at <.metadata.name.x>: can't evaluate field x in type interface {}"
        );
        assert_eq!(
            run("{{index .spec.containers 5}}"),
            "ERR template: output:1:2: executing \"output\" at <index .spec.containers 5>: error calling index: index out of range: 5"
        );
        assert_eq!(
            run("{{eq .spec.replicas 3}} {{eq .metadata.name 3}}"),
            "true ERR template: output:1:26: executing \"output\" at <eq .metadata.name 3>: error calling eq: incompatible types for comparison: string and int"
        );
        assert_eq!(
            run("{{range .metadata.name}}x{{end}}"),
            "ERR template: output:1:17: executing \"output\" at <.metadata.name>: range can't iterate over web-0"
        );
        assert_eq!(
            run("{{printf .spec.replicas}}"),
            "ERR template: output:1:14: executing \"output\" at <.spec.replicas>: wrong type for value; expected string; got int64"
        );
        assert_eq!(
            run("{{len 3}}"),
            "ERR template: output:1:2: executing \"output\" at <len 3>: error calling len: len of type int"
        );
        assert_eq!(
            run("{{\"x\" 1}}"),
            "ERR template: output:1:2: executing \"output\" at <\"x\">: can't give argument to non-function \"x\""
        );
        assert_eq!(
            run("{{base64decode \"!!\"}}"),
            "ERR template: output:1:2: executing \"output\" at <base64decode \"!!\">: error calling base64decode: base64 decode failed: illegal base64 data at input byte 0"
        );
        assert_eq!(
            run("{{template \"x\"}}"),
            "ERR template: output:1:11: executing \"output\" at <{{template \"x\"}}>: template \"x\" not defined"
        );
        let t = parse("{{.x.y}}").expect("parses");
        assert_eq!(
            t.execute(&pod(), true).unwrap_err().1,
            "template: output:1:4: executing \"output\" at <.x.y>: map has no entry for key \"x\""
        );
    }

    #[test]
    fn base64_errors_name_go_offsets() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("YQ==\n").unwrap(), b"a");
        assert_eq!(base64_decode(""), Ok(Vec::new()));
        assert_eq!(base64_decode("aGVs=G8="), Err(4));
        assert_eq!(base64_decode("aGVsbG8"), Err(4));
        assert_eq!(base64_decode("!!"), Err(0));
        assert_eq!(base64_decode("YQ==YQ=="), Err(4));
    }

    #[test]
    fn definitions_and_limits() {
        assert_eq!(run("{{define \"n\"}}<{{.}}>{{end}}{{template \"n\" .kind}}{{block \"b\" 1}}[{{.}}]{{end}}"), "<Pod>[1]");
        assert!(
            run("{{define \"r\"}}{{template \"r\"}}{{end}}{{template \"r\"}}")
                .contains("exceeded maximum template depth")
        );
        assert!(run("{{range 1000000}}{{end}}").contains("range ran more than"));
        let deep = "{{if 1}}".repeat(MAX_NESTING + 1);
        assert!(run(&deep).contains("nesting deeper than"));
        // The deepest nesting inside the deepest recursion fails cleanly.
        let nested = MAX_NESTING - 3;
        let body = format!(
            "{}{{{{template \"r\" (print \"x\" (len (printf \"%d\" 1)))}}}}{}",
            "{{with 1}}".repeat(nested),
            "{{end}}".repeat(nested)
        );
        let source = format!("{{{{define \"r\"}}}}{body}{{{{end}}}}{{{{template \"r\"}}}}");
        let result = run(&source);
        assert!(
            result.contains("exceeded maximum template depth"),
            "{}",
            &result[..result.len().min(300)]
        );
    }
}
