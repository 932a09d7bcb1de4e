//! The YAML parser: tokens to a node tree for one document. It follows the
//! state machine of go-yaml v2's `parserc.go` (block/indentless/flow
//! collections, empty scalars) so that structural mistakes fail with the same
//! problem text and marks.

use super::scanner::{Mark, ScanError, Scanner, Style, TokenKind};

/// A parsed node with where it starts.
#[derive(Debug, Clone)]
pub struct Node {
    pub mark: Mark,
    pub anchor: Option<String>,
    pub tag: Option<String>,
    pub kind: NodeKind,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar(String, Style),
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
    Alias(String),
}

/// A syntax error; `scanner` tells go-yaml's line arithmetic apart.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub problem: String,
    pub problem_mark: Mark,
    pub context_mark: Mark,
    pub scanner: bool,
    /// The problem is the whole message (go-yaml's decoder errors carry no line).
    pub bare: bool,
}

impl From<ScanError> for SyntaxError {
    fn from(e: ScanError) -> Self {
        SyntaxError {
            problem: e.problem,
            problem_mark: e.problem_mark,
            context_mark: e.context_mark,
            scanner: true,
            bare: false,
        }
    }
}

type ParseResult<T> = Result<T, SyntaxError>;

pub struct Parser {
    scanner: Scanner,
    depth: usize,
    anchors: std::collections::BTreeSet<String>,
}

fn parser_error(problem: &str, context_mark: Mark, problem_mark: Mark) -> SyntaxError {
    SyntaxError {
        problem: problem.to_string(),
        problem_mark,
        context_mark,
        scanner: false,
        bare: false,
    }
}

fn empty(mark: Mark) -> Node {
    Node {
        mark,
        anchor: None,
        tag: None,
        kind: NodeKind::Scalar(String::new(), Style::Plain),
    }
}

impl Parser {
    pub fn new(text: &str) -> Parser {
        Parser {
            scanner: Scanner::new(text),
            depth: 0,
            anchors: std::collections::BTreeSet::new(),
        }
    }

    fn peek_kind(&mut self) -> ParseResult<(TokenKind, Mark)> {
        let t = self.scanner.peek()?;
        Ok((t.kind, t.start))
    }

    /// Parses the first document; `None` for a stream with no content.
    pub fn parse_document(&mut self) -> ParseResult<Option<Node>> {
        let (kind, _) = self.peek_kind()?;
        if kind == TokenKind::StreamStart {
            self.scanner.skip_token();
        }
        let (mut kind, _) = self.peek_kind()?;
        if kind == TokenKind::Directive {
            self.directives()?;
            let (next, mark) = self.peek_kind()?;
            if next != TokenKind::DocumentStart {
                return Err(parser_error(
                    "did not find expected <document start>",
                    mark,
                    mark,
                ));
            }
            kind = next;
        }
        match kind {
            TokenKind::StreamEnd => Ok(None),
            TokenKind::DocumentStart => {
                self.scanner.skip_token();
                let (next, next_mark) = self.peek_kind()?;
                if matches!(
                    next,
                    TokenKind::DocumentStart | TokenKind::DocumentEnd | TokenKind::StreamEnd
                ) {
                    return Ok(Some(empty(next_mark)));
                }
                self.root()
            }
            _ => self.root(),
        }
    }

    /// `%YAML` / `%TAG` lines before a document (go-yaml accepts YAML 1.1 only).
    fn directives(&mut self) -> ParseResult<()> {
        let mut seen_version = false;
        loop {
            let token = self.scanner.peek()?.clone();
            if token.kind != TokenKind::Directive {
                return Ok(());
            }
            let mut words = token.value.split_whitespace();
            if words.next() == Some("YAML") {
                if seen_version {
                    return Err(parser_error(
                        "found duplicate %YAML directive",
                        token.start,
                        token.start,
                    ));
                }
                seen_version = true;
                if words.next() != Some("1.1") {
                    return Err(parser_error(
                        "found incompatible YAML document",
                        token.start,
                        token.start,
                    ));
                }
            }
            self.scanner.skip_token();
        }
    }

    /// The document's node; the token after it is scanned too, as go-yaml
    /// does when it looks for the document end.
    fn root(&mut self) -> ParseResult<Option<Node>> {
        let node = self.parse_node(true, false)?;
        self.peek_kind()?;
        Ok(Some(node))
    }

    fn parse_node(&mut self, block: bool, indentless: bool) -> ParseResult<Node> {
        self.depth += 1;
        if self.depth > super::MAX_DEPTH {
            let (_, mark) = self.peek_kind()?;
            return Err(parser_error(
                &format!("exceeded max depth of {}", super::MAX_DEPTH),
                mark,
                mark,
            ));
        }
        let node = self.parse_node_inner(block, indentless);
        self.depth -= 1;
        node
    }

    fn parse_node_inner(&mut self, block: bool, indentless: bool) -> ParseResult<Node> {
        let token = self.scanner.peek()?.clone();
        if token.kind == TokenKind::Alias {
            if !self.anchors.contains(&token.value) {
                return Err(SyntaxError {
                    problem: format!("unknown anchor '{}' referenced", token.value),
                    problem_mark: token.start,
                    context_mark: token.start,
                    scanner: false,
                    bare: true,
                });
            }
            self.scanner.skip_token();
            return Ok(Node {
                mark: token.start,
                anchor: None,
                tag: None,
                kind: NodeKind::Alias(token.value),
            });
        }
        let start = token.start;
        let mut anchor = None;
        let mut tag = None;
        let mut token = token;
        for _ in 0..2 {
            match token.kind {
                TokenKind::Anchor if anchor.is_none() => anchor = Some(token.value.clone()),
                TokenKind::Tag if tag.is_none() => tag = Some(token.value.clone()),
                _ => break,
            }
            self.scanner.skip_token();
            token = self.scanner.peek()?.clone();
        }
        if let Some(name) = &anchor {
            self.anchors.insert(name.clone());
        }
        let node = |kind| Node {
            mark: start,
            anchor: anchor.clone(),
            tag: tag.clone(),
            kind,
        };
        if indentless && token.kind == TokenKind::BlockEntry {
            return Ok(node(NodeKind::Sequence(self.indentless_sequence()?)));
        }
        match token.kind {
            TokenKind::Scalar => {
                self.scanner.skip_token();
                Ok(node(NodeKind::Scalar(token.value, token.style)))
            }
            TokenKind::FlowSequenceStart => Ok(node(NodeKind::Sequence(self.flow_sequence()?))),
            TokenKind::FlowMappingStart => Ok(node(NodeKind::Mapping(self.flow_mapping()?))),
            TokenKind::BlockSequenceStart if block => {
                Ok(node(NodeKind::Sequence(self.block_sequence()?)))
            }
            TokenKind::BlockMappingStart if block => {
                Ok(node(NodeKind::Mapping(self.block_mapping()?)))
            }
            _ if anchor.is_some() || tag.is_some() => {
                Ok(node(NodeKind::Scalar(String::new(), Style::Plain)))
            }
            _ => Err(parser_error(
                "did not find expected node content",
                start,
                token.start,
            )),
        }
    }

    fn block_sequence(&mut self) -> ParseResult<Vec<Node>> {
        let (_, context) = self.peek_kind()?;
        self.scanner.skip_token();
        let mut items = Vec::new();
        loop {
            let token = self.scanner.peek()?;
            let (kind, start, end) = (token.kind, token.start, token.end);
            match kind {
                TokenKind::BlockEntry => {
                    self.scanner.skip_token();
                    let (next, _) = self.peek_kind()?;
                    if next != TokenKind::BlockEntry && next != TokenKind::BlockEnd {
                        items.push(self.parse_node(true, false)?);
                    } else {
                        items.push(empty(end));
                    }
                }
                TokenKind::BlockEnd => {
                    self.scanner.skip_token();
                    return Ok(items);
                }
                _ => {
                    return Err(parser_error(
                        "did not find expected '-' indicator",
                        context,
                        start,
                    ))
                }
            }
        }
    }

    fn indentless_sequence(&mut self) -> ParseResult<Vec<Node>> {
        let mut items = Vec::new();
        loop {
            let token = self.scanner.peek()?;
            if token.kind != TokenKind::BlockEntry {
                return Ok(items);
            }
            let end = token.end;
            self.scanner.skip_token();
            let (next, _) = self.peek_kind()?;
            if !matches!(
                next,
                TokenKind::BlockEntry | TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
            ) {
                items.push(self.parse_node(true, false)?);
            } else {
                items.push(empty(end));
            }
        }
    }

    fn block_mapping(&mut self) -> ParseResult<Vec<(Node, Node)>> {
        let (_, context) = self.peek_kind()?;
        self.scanner.skip_token();
        let mut pairs = Vec::new();
        loop {
            let token = self.scanner.peek()?;
            let (kind, start, end) = (token.kind, token.start, token.end);
            match kind {
                TokenKind::Key => {
                    self.scanner.skip_token();
                    let (next, _) = self.peek_kind()?;
                    let key = if !matches!(
                        next,
                        TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
                    ) {
                        self.parse_node(true, true)?
                    } else {
                        empty(end)
                    };
                    let value = self.block_mapping_value()?;
                    pairs.push((key, value));
                }
                TokenKind::BlockEnd => {
                    self.scanner.skip_token();
                    return Ok(pairs);
                }
                _ => return Err(parser_error("did not find expected key", context, start)),
            }
        }
    }

    fn block_mapping_value(&mut self) -> ParseResult<Node> {
        let token = self.scanner.peek()?;
        let (kind, start, end) = (token.kind, token.start, token.end);
        if kind != TokenKind::Value {
            return Ok(empty(start));
        }
        self.scanner.skip_token();
        let (next, _) = self.peek_kind()?;
        if !matches!(
            next,
            TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
        ) {
            self.parse_node(true, true)
        } else {
            Ok(empty(end))
        }
    }

    fn flow_sequence(&mut self) -> ParseResult<Vec<Node>> {
        let (_, context) = self.peek_kind()?;
        self.scanner.skip_token();
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let (mut kind, mut start) = self.peek_kind()?;
            if kind == TokenKind::FlowSequenceEnd {
                self.scanner.skip_token();
                return Ok(items);
            }
            if !first {
                if kind != TokenKind::FlowEntry {
                    return Err(parser_error(
                        "did not find expected ',' or ']'",
                        context,
                        start,
                    ));
                }
                self.scanner.skip_token();
                (kind, start) = self.peek_kind()?;
            }
            first = false;
            if kind == TokenKind::Key {
                self.scanner.skip_token();
                let (next, next_mark) = self.peek_kind()?;
                let key = if !matches!(
                    next,
                    TokenKind::Value | TokenKind::FlowEntry | TokenKind::FlowSequenceEnd
                ) {
                    self.parse_node(false, false)?
                } else {
                    empty(next_mark)
                };
                let value = self.flow_value(TokenKind::FlowSequenceEnd)?;
                items.push(Node {
                    mark: start,
                    anchor: None,
                    tag: None,
                    kind: NodeKind::Mapping(vec![(key, value)]),
                });
            } else if kind != TokenKind::FlowSequenceEnd {
                items.push(self.parse_node(false, false)?);
            }
        }
    }

    /// The value after a flow key: `: node`, or empty.
    fn flow_value(&mut self, closing: TokenKind) -> ParseResult<Node> {
        let (kind, start) = self.peek_kind()?;
        if kind != TokenKind::Value {
            return Ok(empty(start));
        }
        self.scanner.skip_token();
        let (next, next_mark) = self.peek_kind()?;
        if next != TokenKind::FlowEntry && next != closing {
            self.parse_node(false, false)
        } else {
            Ok(empty(next_mark))
        }
    }

    fn flow_mapping(&mut self) -> ParseResult<Vec<(Node, Node)>> {
        let (_, context) = self.peek_kind()?;
        self.scanner.skip_token();
        let mut pairs = Vec::new();
        let mut first = true;
        loop {
            let (mut kind, mut start) = self.peek_kind()?;
            if kind == TokenKind::FlowMappingEnd {
                self.scanner.skip_token();
                return Ok(pairs);
            }
            if !first {
                if kind != TokenKind::FlowEntry {
                    return Err(parser_error(
                        "did not find expected ',' or '}'",
                        context,
                        start,
                    ));
                }
                self.scanner.skip_token();
                (kind, start) = self.peek_kind()?;
            }
            first = false;
            if kind == TokenKind::Key {
                self.scanner.skip_token();
                let (next, next_mark) = self.peek_kind()?;
                let key = if !matches!(
                    next,
                    TokenKind::Value | TokenKind::FlowEntry | TokenKind::FlowMappingEnd
                ) {
                    self.parse_node(false, false)?
                } else {
                    empty(next_mark)
                };
                let value = self.flow_value(TokenKind::FlowMappingEnd)?;
                pairs.push((key, value));
            } else if kind != TokenKind::FlowMappingEnd {
                let key = self.parse_node(false, false)?;
                pairs.push((key, empty(start)));
            }
        }
    }
}
