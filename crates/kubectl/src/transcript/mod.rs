//! Transcripts: plain-text shell sessions that are the project's behaviour
//! tests and lesson format (see `docs/transcripts.md`). This module parses
//! them, runs them against any [`Shell`], and reports mismatches as unified
//! diffs. It runs the same natively and in the browser.

mod diff;
mod matcher;

pub use diff::{align, hunk_ranges, unified_diff, Alignment, Op};
pub use matcher::line_matches;

/// Most lines one transcript may have.
pub const MAX_TRANSCRIPT_LINES: usize = 20_000;

/// The output of one shell command, stdout and stderr chunks in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// Chunks of text; `true` marks stderr.
    pub chunks: Vec<(bool, String)>,
    /// The command's exit status.
    pub exit_code: i32,
}

impl CommandOutput {
    /// Appends text to stdout.
    pub fn out(&mut self, text: &str) {
        self.push(false, text);
    }

    /// Appends text to stderr.
    pub fn err(&mut self, text: &str) {
        self.push(true, text);
    }

    /// Appends a line (newline added) to stdout.
    pub fn outln(&mut self, line: &str) {
        self.out(line);
        self.out("\n");
    }

    /// Appends a line (newline added) to stderr.
    pub fn errln(&mut self, line: &str) {
        self.err(line);
        self.err("\n");
    }

    fn push(&mut self, is_err: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some((last_err, last)) if *last_err == is_err => last.push_str(text),
            _ => self.chunks.push((is_err, text.to_string())),
        }
    }

    /// Appends everything another command wrote, and takes its exit code.
    pub fn append(&mut self, other: CommandOutput) {
        for (is_err, text) in other.chunks {
            self.push(is_err, &text);
        }
        self.exit_code = other.exit_code;
    }

    /// Stdout and stderr interleaved, as a terminal shows them.
    pub fn combined(&self) -> String {
        self.chunks.iter().map(|(_, t)| t.as_str()).collect()
    }

    /// Stdout only.
    pub fn stdout(&self) -> String {
        self.chunks
            .iter()
            .filter(|(e, _)| !e)
            .map(|(_, t)| t.as_str())
            .collect()
    }

    /// Stderr only.
    pub fn stderr(&self) -> String {
        self.chunks
            .iter()
            .filter(|(e, _)| *e)
            .map(|(_, t)| t.as_str())
            .collect()
    }
}

/// Something that runs command lines: the virtual shell session.
pub trait Shell {
    /// Runs one command line (heredoc bodies included, joined with newlines).
    fn run_line(&mut self, line: &str) -> CommandOutput;
}

/// One element of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A `#` comment line, kept verbatim.
    Comment(String),
    /// A blank line outside any expected output.
    Blank,
    /// A command with its expected output.
    Step(Step),
}

/// A `$ ` command and the output expected from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The command text; a heredoc body follows the first line after newlines.
    pub command: String,
    /// Expected output lines (trailing blank lines removed).
    pub expected: Vec<String>,
    /// 1-based line number of the `$ ` line.
    pub line: usize,
}

/// A parsed transcript.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    /// `#! key: value` headers, in order.
    pub headers: Vec<(String, String)>,
    /// Comments, blank lines and steps, in order.
    pub items: Vec<Item>,
}

impl Transcript {
    /// The value of header `key`, if given.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The steps, in order.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.items.iter().filter_map(|i| match i {
            Item::Step(s) => Some(s),
            _ => None,
        })
    }
}

/// Why a transcript could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranscriptError {
    /// The file is longer than [`MAX_TRANSCRIPT_LINES`].
    #[error("transcript has more than {MAX_TRANSCRIPT_LINES} lines")]
    TooLong,
    /// A heredoc was not closed.
    #[error("line {0}: heredoc is not terminated")]
    UnterminatedHeredoc(usize),
}

/// The terminator word of a heredoc in `line` (`<<EOF`, `<<'EOF'`, `<<-"EOF"`), if any.
pub fn heredoc_terminator(line: &str) -> Option<String> {
    let start = line.find("<<")? + 2;
    let rest = line[start..].trim_start_matches('-').trim_start();
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != ';')
        .filter(|c| *c != '\'' && *c != '"')
        .collect();
    (!word.is_empty()).then_some(word)
}

fn is_comment(line: &str) -> bool {
    line == "#" || line.starts_with("# ")
}

/// Parses a transcript.
pub fn parse(text: &str) -> Result<Transcript, TranscriptError> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > MAX_TRANSCRIPT_LINES {
        return Err(TranscriptError::TooLong);
    }
    let mut transcript = Transcript::default();
    let mut i = 0;
    while i < lines.len() {
        let Some(header) = lines[i].strip_prefix("#!") else {
            break;
        };
        if let Some((key, value)) = header.split_once(':') {
            transcript
                .headers
                .push((key.trim().to_string(), value.trim().to_string()));
        }
        i += 1;
    }
    while i < lines.len() {
        let line = lines[i];
        if let Some(command) = line.strip_prefix("$ ") {
            let number = i + 1;
            let mut command = command.to_string();
            i += 1;
            if let Some(word) = heredoc_terminator(&command) {
                loop {
                    let Some(body) = lines.get(i) else {
                        return Err(TranscriptError::UnterminatedHeredoc(number));
                    };
                    command.push('\n');
                    command.push_str(body);
                    i += 1;
                    if body.trim() == word {
                        break;
                    }
                }
            }
            let mut expected = Vec::new();
            while i < lines.len() && !lines[i].starts_with("$ ") && !is_comment(lines[i]) {
                expected.push(lines[i].to_string());
                i += 1;
            }
            let mut blanks = 0;
            while expected.last().is_some_and(|l| l.trim().is_empty()) {
                expected.pop();
                blanks += 1;
            }
            transcript.items.push(Item::Step(Step {
                command,
                expected,
                line: number,
            }));
            transcript
                .items
                .extend(std::iter::repeat_n(Item::Blank, blanks));
        } else if line.trim().is_empty() {
            transcript.items.push(Item::Blank);
            i += 1;
        } else {
            transcript.items.push(Item::Comment(line.to_string()));
            i += 1;
        }
    }
    Ok(transcript)
}

/// The outcome of running one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepResult {
    /// The step as written.
    pub step: Step,
    /// What the shell printed, split into lines (trailing blank lines removed).
    pub actual: Vec<String>,
    /// Whether `actual` matches `step.expected`.
    pub passed: bool,
}

/// The outcome of running a whole transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunResult {
    /// The transcript that was run.
    pub transcript: Transcript,
    /// One result per step, in order.
    pub steps: Vec<StepResult>,
}

impl RunResult {
    /// True when every step matched.
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|s| s.passed)
    }

    /// The transcript re-written with the actual outputs (what `ordinal run` prints).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (key, value) in &self.transcript.headers {
            out.push_str(&format!("#! {key}: {value}\n"));
        }
        let mut results = self.steps.iter();
        for item in &self.transcript.items {
            match item {
                Item::Comment(c) => {
                    out.push_str(c);
                    out.push('\n');
                }
                Item::Blank => out.push('\n'),
                Item::Step(_) => {
                    let Some(result) = results.next() else {
                        continue;
                    };
                    out.push_str("$ ");
                    out.push_str(&result.step.command);
                    out.push('\n');
                    for line in &result.actual {
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
        }
        out
    }

    /// A report of every mismatching step: command and unified diff.
    pub fn mismatch_report(&self, file: &str) -> String {
        let mut out = String::new();
        for result in self.steps.iter().filter(|s| !s.passed) {
            let first_line = result.step.command.lines().next().unwrap_or("");
            out.push_str(&format!("{file}:{}: $ {first_line}\n", result.step.line));
            out.push_str(&unified_diff(&result.step.expected, &result.actual));
        }
        out
    }
}

/// Splits command output into lines, dropping trailing blank lines.
pub fn output_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines
}

/// Runs every step of `transcript` in `shell`.
pub fn run(transcript: &Transcript, shell: &mut dyn Shell) -> RunResult {
    let steps = transcript
        .steps()
        .map(|step| {
            let output = shell.run_line(&step.command);
            let actual = output_lines(&output.combined());
            let passed = align(&step.expected, &actual).matches();
            StepResult {
                step: step.clone(),
                actual,
                passed,
            }
        })
        .collect();
    RunResult {
        transcript: transcript.clone(),
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "#! nodes: kraken\n#! seed: 7\n# make a file\n$ cat <<EOF > a.txt\nhello\nEOF\n\n$ cat a.txt\nhello\n\n# done\n";

    #[test]
    fn parses_headers_heredocs_and_expected_output() {
        let t = parse(SAMPLE).unwrap();
        assert_eq!(t.header("nodes"), Some("kraken"));
        assert_eq!(t.header("seed"), Some("7"));
        let steps: Vec<_> = t.steps().collect();
        assert_eq!(steps[0].command, "cat <<EOF > a.txt\nhello\nEOF");
        assert!(steps[0].expected.is_empty());
        assert_eq!(steps[1].command, "cat a.txt");
        assert_eq!(steps[1].expected, vec!["hello"]);
        assert_eq!(steps[1].line, 8);
    }

    #[test]
    fn unterminated_heredoc_is_an_error() {
        assert_eq!(
            parse("$ cat <<EOF > f\nx\n"),
            Err(TranscriptError::UnterminatedHeredoc(1))
        );
    }

    struct Echo;
    impl Shell for Echo {
        fn run_line(&mut self, line: &str) -> CommandOutput {
            let mut o = CommandOutput::default();
            if let Some(rest) = line.strip_prefix("cat ") {
                if rest == "a.txt" {
                    o.outln("hullo");
                }
            }
            o
        }
    }

    #[test]
    fn run_reports_mismatches_and_renders_actual_output() {
        let t = parse(SAMPLE).unwrap();
        let result = run(&t, &mut Echo);
        assert!(!result.passed());
        assert!(result.render().contains("$ cat a.txt\nhullo\n"));
        let report = result.mismatch_report("x.txt");
        assert!(report.contains("x.txt:8: $ cat a.txt"));
        assert!(report.contains("-hello\n+hullo\n"));
    }
}
