//! `grep` as learners pipe kubectl output into it (GNU grep's options and
//! output): `-i -v -c -n -q -w -o`, `-e PATTERN` (several), `-E` (extended)
//! and `-F` (fixed strings), context `-A/-B/-C N` with `--` between groups.
//! Patterns are POSIX regular expressions: literals, `.`, `[...]` (ranges,
//! `^` negation, `[:digit:]`-style classes), `^`, `$`, `*`; extended adds `+`,
//! `?`, `{n,m}`, `(...)` and `|` (basic takes them as `\+ \? \{ \( \) \|`, as
//! GNU grep does). Patterns compile to a Thompson NFA, simulated without
//! backtracking, leftmost-longest as POSIX asks.

use crate::transcript::CommandOutput;

/// Longest pattern accepted (bytes); a longer one is refused.
pub const MAX_PATTERN_LEN: usize = 1_000;

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Char(char),
    Any,
    /// Ranges (inclusive) and whether the class is negated.
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Group(Vec<Vec<Node>>),
    Repeat(Box<Node>, usize, Option<usize>),
}

/// One instruction of the compiled pattern (a Thompson NFA).
#[derive(Debug, Clone, PartialEq)]
enum Inst {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    program: Vec<Inst>,
}

/// Most instructions a pattern compiles to (`{n,m}` copies its operand).
pub const MAX_PROGRAM: usize = 10_000;

struct Parser {
    chars: Vec<char>,
    i: usize,
    extended: bool,
}

const UNMATCHED_PAREN: &str = "Unmatched ( or \\(";
const UNMATCHED_BRACKET: &str = "Unmatched [, [^, [:, [., or [=";

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    /// The operator at the cursor, if any: its name and width.
    fn operator(&self) -> Option<(char, usize)> {
        let c = self.peek()?;
        if self.extended {
            return "|()+?{".contains(c).then_some((c, 1));
        }
        if c == '\\' {
            let next = *self.chars.get(self.i + 1)?;
            return "|()+?{".contains(next).then_some((next, 2));
        }
        None
    }

    fn alternatives(&mut self, depth: usize) -> Result<Vec<Vec<Node>>, String> {
        let mut alts = vec![self.sequence(depth)?];
        while let Some(('|', width)) = self.operator() {
            self.i += width;
            alts.push(self.sequence(depth)?);
        }
        Ok(alts)
    }

    fn sequence(&mut self, depth: usize) -> Result<Vec<Node>, String> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            match self.operator() {
                Some(('|', _)) => break,
                Some((')', _)) if depth > 0 => break,
                Some((')', width)) => {
                    // An unmatched `)` is a literal in GNU grep.
                    self.i += width;
                    nodes.push(Node::Char(')'));
                    continue;
                }
                Some(('(', width)) => {
                    self.i += width;
                    let inner = self.alternatives(depth + 1)?;
                    match self.operator() {
                        Some((')', width)) => self.i += width,
                        _ => return Err(UNMATCHED_PAREN.to_string()),
                    }
                    nodes.push(Node::Group(inner));
                }
                Some((op @ ('+' | '?' | '{'), width)) => {
                    let Some(last) = nodes.pop() else {
                        // Nothing to repeat: a literal.
                        self.i += width;
                        nodes.push(Node::Char(op));
                        continue;
                    };
                    self.i += width;
                    let (min, max) = match op {
                        '+' => (1, None),
                        '?' => (0, Some(1)),
                        _ => self.bounds()?,
                    };
                    nodes.push(Node::Repeat(Box::new(last), min, max));
                }
                _ => {
                    self.i += 1;
                    let node = match c {
                        '.' => Node::Any,
                        '^' if nodes.is_empty() => Node::Start,
                        '$' if self.at_end_of_branch() => Node::End,
                        '[' => self.class()?,
                        '*' => match nodes.pop() {
                            Some(last) if last != Node::Start => {
                                Node::Repeat(Box::new(last), 0, None)
                            }
                            Some(last) => {
                                nodes.push(last);
                                Node::Char('*')
                            }
                            None => Node::Char('*'),
                        },
                        '\\' => match self.peek() {
                            Some(escaped) => {
                                self.i += 1;
                                Node::Char(escaped)
                            }
                            None => Node::Char('\\'),
                        },
                        other => Node::Char(other),
                    };
                    nodes.push(node);
                }
            }
        }
        Ok(nodes)
    }

    /// Whether a `$` here ends its branch (else it is a literal).
    fn at_end_of_branch(&self) -> bool {
        match self.peek() {
            None => true,
            Some(_) => matches!(self.operator(), Some(('|' | ')', _))),
        }
    }

    /// `{n}`, `{n,}`, `{n,m}` after the opening brace.
    fn bounds(&mut self) -> Result<(usize, Option<usize>), String> {
        let close = if self.extended { "}" } else { "\\}" };
        let rest: String = self.chars[self.i..].iter().collect();
        let Some(end) = rest.find(close) else {
            return Err("Unmatched \\{".to_string());
        };
        let body = &rest[..end];
        self.i += body.chars().count() + close.len();
        let number = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| "Invalid content of \\{\\}".to_string())
        };
        match body.split_once(',') {
            None => {
                let n = number(body)?;
                Ok((n, Some(n)))
            }
            Some((lo, "")) => Ok((number(lo)?, None)),
            Some((lo, hi)) => Ok((number(lo)?, Some(number(hi)?))),
        }
    }

    /// A bracket expression after its `[`.
    fn class(&mut self) -> Result<Node, String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.i += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(UNMATCHED_BRACKET.to_string());
            };
            self.i += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' && self.peek() == Some(':') {
                let rest: String = self.chars[self.i + 1..].iter().collect();
                let Some(end) = rest.find(":]") else {
                    return Err(UNMATCHED_BRACKET.to_string());
                };
                let name = &rest[..end];
                self.i += 1 + name.chars().count() + 2;
                ranges.extend(
                    named_class(name).ok_or_else(|| "Invalid character class name".to_string())?,
                );
                continue;
            }
            if self.peek() == Some('-') && self.chars.get(self.i + 1).is_some_and(|n| *n != ']') {
                let hi = self.chars[self.i + 1];
                self.i += 2;
                ranges.push((c, hi));
            } else {
                ranges.push((c, c));
            }
        }
        Ok(Node::Class(ranges, negated))
    }
}

fn named_class(name: &str) -> Option<Vec<(char, char)>> {
    Some(match name {
        "digit" => vec![('0', '9')],
        "alpha" => vec![('a', 'z'), ('A', 'Z')],
        "alnum" => vec![('a', 'z'), ('A', 'Z'), ('0', '9')],
        "upper" => vec![('A', 'Z')],
        "lower" => vec![('a', 'z')],
        "space" => vec![(' ', ' '), ('\t', '\r')],
        "blank" => vec![(' ', ' '), ('\t', '\t')],
        "xdigit" => vec![('0', '9'), ('a', 'f'), ('A', 'F')],
        "punct" => vec![('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        _ => return None,
    })
}

/// Appends the code of `alternatives` to `program`.
fn compile_alternatives(alternatives: &[Vec<Node>], program: &mut Vec<Inst>) -> Result<(), String> {
    let mut jumps = Vec::new();
    for (n, alt) in alternatives.iter().enumerate() {
        let last = n + 1 == alternatives.len();
        let split = program.len();
        if !last {
            program.push(Inst::Split(split + 1, 0));
        }
        for node in alt {
            compile_node(node, program)?;
        }
        if !last {
            jumps.push(program.len());
            program.push(Inst::Jmp(0));
            let next = program.len();
            program[split] = Inst::Split(split + 1, next);
        }
    }
    let end = program.len();
    for j in jumps {
        program[j] = Inst::Jmp(end);
    }
    if program.len() > MAX_PROGRAM {
        return Err("Regular expression too big".to_string());
    }
    Ok(())
}

fn compile_node(node: &Node, program: &mut Vec<Inst>) -> Result<(), String> {
    match node {
        Node::Char(c) => program.push(Inst::Char(*c)),
        Node::Any => program.push(Inst::Any),
        Node::Class(ranges, negated) => program.push(Inst::Class(ranges.clone(), *negated)),
        Node::Start => program.push(Inst::Start),
        Node::End => program.push(Inst::End),
        Node::Group(alts) => compile_alternatives(alts, program)?,
        Node::Repeat(inner, min, max) => {
            for _ in 0..*min {
                compile_node(inner, program)?;
                if program.len() > MAX_PROGRAM {
                    return Err("Regular expression too big".to_string());
                }
            }
            match max {
                None => {
                    let split = program.len();
                    program.push(Inst::Split(split + 1, 0));
                    compile_node(inner, program)?;
                    program.push(Inst::Jmp(split));
                    let end = program.len();
                    program[split] = Inst::Split(split + 1, end);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(program.len());
                        program.push(Inst::Split(program.len() + 1, 0));
                        compile_node(inner, program)?;
                        if program.len() > MAX_PROGRAM {
                            return Err("Regular expression too big".to_string());
                        }
                    }
                    let end = program.len();
                    for s in splits {
                        program[s] = Inst::Split(s + 1, end);
                    }
                }
            }
        }
    }
    Ok(())
}

impl Regex {
    /// Compiles a basic (`extended` false) or extended regular expression.
    pub fn parse(pattern: &str, extended: bool) -> Result<Regex, String> {
        if pattern.len() > MAX_PATTERN_LEN {
            return Err("Regular expression too big".to_string());
        }
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            i: 0,
            extended,
        };
        let alternatives = parser.alternatives(0)?;
        if parser.i < parser.chars.len() {
            // A `)` closing nothing at the top level of an extended pattern.
            return Err("Unmatched ) or \\)".to_string());
        }
        let mut program = Vec::new();
        compile_alternatives(&alternatives, &mut program)?;
        program.push(Inst::Match);
        Ok(Regex { program })
    }

    /// A literal pattern (`-F`).
    pub fn fixed(pattern: &str) -> Regex {
        let mut program: Vec<Inst> = pattern.chars().map(Inst::Char).collect();
        program.push(Inst::Match);
        Regex { program }
    }

    /// The first (leftmost, then longest) match in `text`, as char positions.
    pub fn find(&self, text: &[char], fold: bool) -> Option<(usize, usize)> {
        (0..=text.len())
            .find_map(|start| self.longest_at(text, start, fold).map(|end| (start, end)))
    }

    /// The end of the longest match starting at `start`.
    fn longest_at(&self, text: &[char], start: usize, fold: bool) -> Option<usize> {
        let n = self.program.len();
        let mut current: Vec<usize> = Vec::new();
        let mut seen = vec![usize::MAX; n];
        self.add(&mut current, &mut seen, 0, text, start);
        let mut best = None;
        let mut pos = start;
        loop {
            if current.iter().any(|&pc| self.program[pc] == Inst::Match) {
                best = Some(pos);
            }
            if pos >= text.len() || current.is_empty() {
                return best;
            }
            let c = text[pos];
            let mut next = Vec::new();
            for &pc in &current {
                let ok = match &self.program[pc] {
                    Inst::Char(p) => same(c, *p, fold),
                    Inst::Any => true,
                    Inst::Class(ranges, negated) => in_class(c, ranges, fold) != *negated,
                    _ => false,
                };
                if ok {
                    self.add(&mut next, &mut seen, pc + 1, text, pos + 1);
                }
            }
            current = next;
            pos += 1;
        }
    }

    /// Adds the thread at `pc` (following jumps, splits and assertions at
    /// `pos`) to `list`, once per step: `seen` holds the position each
    /// instruction was last added at.
    fn add(&self, list: &mut Vec<usize>, seen: &mut [usize], pc: usize, text: &[char], pos: usize) {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if seen[pc] == pos {
                continue;
            }
            seen[pc] = pos;
            match &self.program[pc] {
                Inst::Jmp(to) => stack.push(*to),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Start if pos == 0 => stack.push(pc + 1),
                Inst::End if pos == text.len() => stack.push(pc + 1),
                Inst::Start | Inst::End => {}
                _ => list.push(pc),
            }
        }
    }
}

fn same(a: char, b: char, fold: bool) -> bool {
    a == b || (fold && a.to_lowercase().eq(b.to_lowercase()))
}

fn in_class(c: char, ranges: &[(char, char)], fold: bool) -> bool {
    let inside = |c: char| ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi);
    inside(c) || (fold && (c.to_lowercase().any(inside) || c.to_uppercase().any(inside)))
}

/// What the options ask of grep.
#[derive(Debug, Default)]
struct Options {
    invert: bool,
    ignore_case: bool,
    count: bool,
    line_numbers: bool,
    quiet: bool,
    word: bool,
    only: bool,
    extended: bool,
    fixed: bool,
    after: usize,
    before: usize,
    /// Whether -A, -B or -C was given (even 0: groups are then separated).
    context: bool,
    patterns: Vec<String>,
}

/// GNU grep's usage lines after `message` (if any), exit status 2.
fn usage(out: &mut CommandOutput, message: Option<&str>) -> CommandOutput {
    if let Some(message) = message {
        out.errln(message);
    }
    out.errln("Usage: grep [OPTION]... PATTERNS [FILE]...");
    out.errln("Try 'grep --help' for more information.");
    out.exit_code = 2;
    std::mem::take(out)
}

fn parse_options(args: &[String], out: &mut CommandOutput) -> Result<Options, CommandOutput> {
    let mut o = Options::default();
    let mut positional = Vec::new();
    let mut i = 1;
    let mut only_positional = false;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if only_positional || !arg.starts_with('-') || arg == "-" {
            positional.push(arg.clone());
            continue;
        }
        if arg == "--" {
            only_positional = true;
            continue;
        }
        let long = |name: &str| arg == name;
        match arg.as_str() {
            _ if long("--invert-match") => o.invert = true,
            _ if long("--ignore-case") => o.ignore_case = true,
            _ if long("--count") => o.count = true,
            _ if long("--line-number") => o.line_numbers = true,
            _ if long("--quiet") || long("--silent") => o.quiet = true,
            _ if long("--word-regexp") => o.word = true,
            _ if long("--only-matching") => o.only = true,
            _ if long("--extended-regexp") => o.extended = true,
            _ if long("--fixed-strings") => o.fixed = true,
            _ if arg.starts_with("--") => {
                return Err(usage(
                    out,
                    Some(&format!("grep: unrecognized option '{arg}'")),
                ));
            }
            _ => {
                let letters: Vec<char> = arg[1..].chars().collect();
                let mut j = 0;
                while j < letters.len() {
                    let letter = letters[j];
                    j += 1;
                    match letter {
                        'v' => o.invert = true,
                        'i' | 'y' => o.ignore_case = true,
                        'c' => o.count = true,
                        'n' => o.line_numbers = true,
                        'q' | 's' => o.quiet |= letter == 'q',
                        'w' => o.word = true,
                        'o' => o.only = true,
                        'E' => o.extended = true,
                        'F' => o.fixed = true,
                        'G' | 'H' | 'h' => {}
                        'e' | 'A' | 'B' | 'C' => {
                            let attached: String = letters[j..].iter().collect();
                            j = letters.len();
                            let value = if attached.is_empty() {
                                let Some(v) = args.get(i) else {
                                    return Err(usage(
                                        out,
                                        Some(&format!(
                                            "grep: option requires an argument -- '{letter}'"
                                        )),
                                    ));
                                };
                                i += 1;
                                v.clone()
                            } else {
                                attached
                            };
                            if letter == 'e' {
                                o.patterns.push(value);
                                continue;
                            }
                            let Ok(n) = value.parse::<usize>() else {
                                out.errln(&format!(
                                    "grep: {value}: invalid context length argument"
                                ));
                                out.exit_code = 2;
                                return Err(std::mem::take(out));
                            };
                            o.context = true;
                            if letter != 'B' {
                                o.after = n;
                            }
                            if letter != 'A' {
                                o.before = n;
                            }
                        }
                        other => {
                            return Err(usage(
                                out,
                                Some(&format!("grep: invalid option -- '{other}'")),
                            ));
                        }
                    }
                }
            }
        }
    }
    if o.patterns.is_empty() {
        if positional.is_empty() {
            return Err(usage(out, None));
        }
        o.patterns.push(positional.remove(0));
    }
    Ok(o)
}

/// Whether the match `start..end` of `line` stands as a whole word.
fn whole_word(line: &[char], start: usize, end: usize) -> bool {
    let word = |c: &char| c.is_alphanumeric() || *c == '_';
    (start == 0 || !word(&line[start - 1]))
        && (end == line.len() || !line.get(end).is_some_and(word))
}

/// Runs `grep ARGS` over `input`.
pub fn run(args: &[String], input: &str) -> CommandOutput {
    let mut out = CommandOutput::default();
    let options = match parse_options(args, &mut out) {
        Ok(o) => o,
        Err(done) => return done,
    };
    // Each `-e` may hold several patterns, one per line.
    let mut regexes = Vec::new();
    for pattern in options.patterns.iter().flat_map(|p| p.split('\n')) {
        let compiled = if options.fixed {
            Ok(Regex::fixed(pattern))
        } else {
            Regex::parse(pattern, options.extended)
        };
        match compiled {
            Ok(r) => regexes.push(r),
            Err(e) => {
                out.errln(&format!("grep: {e}"));
                out.exit_code = 2;
                return out;
            }
        }
    }
    let lines: Vec<&str> = input.lines().collect();
    // The matches of each line (several only for -o), as char ranges.
    let matches_of = |line: &[char]| -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        let mut from = 0;
        while from <= line.len() {
            // With -w a match that is not a whole word is passed over for
            // the next one.
            let find = |r: &Regex| {
                let mut at = from;
                while at <= line.len() {
                    let (s, e) = r.find(&line[at..], options.ignore_case)?;
                    let (s, e) = (at + s, at + e);
                    if !options.word || whole_word(line, s, e) {
                        return Some((s, e));
                    }
                    at = s + 1;
                }
                None
            };
            let best = regexes
                .iter()
                .filter_map(find)
                .min_by_key(|(s, e)| (*s, std::cmp::Reverse(*e)));
            let Some((s, e)) = best else { break };
            found.push((s, e));
            if !options.only {
                break;
            }
            from = if e > s { e } else { e + 1 };
        }
        found
    };
    let selected: Vec<(usize, Vec<(usize, usize)>)> = lines
        .iter()
        .enumerate()
        .filter_map(|(n, line)| {
            let chars: Vec<char> = line.chars().collect();
            let found = matches_of(&chars);
            (found.is_empty() == options.invert).then_some((n, found))
        })
        .collect();
    out.exit_code = if selected.is_empty() { 1 } else { 0 };
    if options.quiet {
        return out;
    }
    if options.count {
        out.outln(&selected.len().to_string());
        return out;
    }
    let number = |n: usize, sep: char| {
        if options.line_numbers {
            format!("{}{sep}", n + 1)
        } else {
            String::new()
        }
    };
    if options.only {
        for (n, found) in &selected {
            let chars: Vec<char> = lines[*n].chars().collect();
            for (s, e) in found.iter().filter(|(s, e)| e > s) {
                let text: String = chars[*s..*e].iter().collect();
                out.outln(&format!("{}{text}", number(*n, ':')));
            }
        }
        return out;
    }
    let selected_lines: Vec<usize> = selected.iter().map(|(n, _)| *n).collect();
    // The last line printed; context lines never repeat, and with -A/-B/-C
    // a gap before the next group prints `--`.
    let mut last_printed: Option<usize> = None;
    for &n in &selected_lines {
        let start = n
            .saturating_sub(options.before)
            .max(last_printed.map_or(0, |p| p + 1));
        if options.context && last_printed.is_some_and(|p| start > p + 1) {
            out.outln("--");
        }
        for (c, line) in lines.iter().enumerate().take(n).skip(start) {
            out.outln(&format!("{}{line}", number(c, '-')));
        }
        out.outln(&format!("{}{}", number(n, ':'), lines[n]));
        let mut last = n;
        for (c, line) in lines.iter().enumerate().skip(n + 1).take(options.after) {
            if selected_lines.contains(&c) {
                break;
            }
            out.outln(&format!("{}{line}", number(c, '-')));
            last = c;
        }
        last_printed = Some(last);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grep(args: &[&str], input: &str) -> (String, i32) {
        let args: Vec<String> = std::iter::once("grep")
            .chain(args.iter().copied())
            .map(String::from)
            .collect();
        let out = run(&args, input);
        let text: String = out.chunks.iter().map(|(_, t)| t.as_str()).collect();
        (text, out.exit_code)
    }

    const TEXT: &str = "Name: web-0\nStatus: Running\nEvents:\n  Normal  Pulled\n  Normal  Started\nName: web-1\nStatus: Pending\n";

    #[test]
    fn basic_patterns_anchor_and_repeat() {
        assert_eq!(grep(&["^Name"], TEXT).0, "Name: web-0\nName: web-1\n");
        assert_eq!(grep(&["g$"], TEXT).0, "Status: Running\nStatus: Pending\n");
        assert_eq!(grep(&["web-[0-9]"], TEXT).0, "Name: web-0\nName: web-1\n");
        assert_eq!(
            grep(&["N.*d$"], TEXT).0,
            "  Normal  Pulled\n  Normal  Started\n"
        );
        assert_eq!(grep(&["a\\|z"], "a\nb\nz\n").0, "a\nz\n");
        assert_eq!(grep(&["a|z"], "a|z\na\n").0, "a|z\n");
        assert_eq!(grep(&["nope"], TEXT), (String::new(), 1));
    }

    #[test]
    fn extended_patterns_group_and_alternate() {
        assert_eq!(
            grep(&["-E", "^(Name|Events)"], TEXT).0,
            "Name: web-0\nEvents:\nName: web-1\n"
        );
        assert_eq!(grep(&["-E", "o{2}"], "foo\nfo\n").0, "foo\n");
        assert_eq!(
            grep(&["-E", "[[:digit:]]+$"], TEXT).0,
            "Name: web-0\nName: web-1\n"
        );
        assert_eq!(grep(&["-E", "(a"], "a\n").1, 2);
    }

    #[test]
    fn options_count_invert_case_words_and_several_patterns() {
        assert_eq!(grep(&["-c", "Normal"], TEXT).0, "2\n");
        assert_eq!(grep(&["-vc", "Normal"], TEXT).0, "5\n");
        assert_eq!(
            grep(&["-i", "status: running"], TEXT).0,
            "Status: Running\n"
        );
        assert_eq!(
            grep(&["-e", "Name:", "-e", "Events"], TEXT).0,
            "Name: web-0\nEvents:\nName: web-1\n"
        );
        assert_eq!(
            grep(&["-w", "web"], "web-0\nwebs\nwebs web-2\n").0,
            "web-0\nwebs web-2\n"
        );
        assert_eq!(grep(&["-n", "Pending"], TEXT).0, "7:Status: Pending\n");
        assert_eq!(grep(&["-o", "web-[0-9]"], TEXT).0, "web-0\nweb-1\n");
        assert_eq!(grep(&["-F", "a.b"], "a.b\naxb\n").0, "a.b\n");
        assert_eq!(grep(&["-q", "Name"], TEXT), (String::new(), 0));
    }

    #[test]
    fn context_lines_are_separated_by_dashes() {
        assert_eq!(
            grep(&["-A1", "Events"], TEXT).0,
            "Events:\n  Normal  Pulled\n"
        );
        assert_eq!(
            grep(&["-B", "1", "Pending"], TEXT).0,
            "Name: web-1\nStatus: Pending\n"
        );
        assert_eq!(
            grep(&["-A", "0", "^Name"], TEXT).0,
            "Name: web-0\n--\nName: web-1\n"
        );
    }

    #[test]
    fn bad_usage_exits_two() {
        assert_eq!(grep(&[], TEXT).1, 2);
        assert_eq!(grep(&["-Z", "x"], TEXT).1, 2);
        assert_eq!(grep(&["[abc"], TEXT).1, 2);
    }
}
