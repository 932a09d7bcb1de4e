//! The virtual terminal a learner types into: a [`Session`] owns the
//! simulated cluster, a virtual working directory, and runs command lines
//! (`kubectl ...`, `sleep`, `cat <<EOF > f`, `timeout N ...`, `for` loops,
//! `;` / `&&` / `||`, simple pipes into `grep`/`head`/`tail`/`wc`, and
//! `docker stop|start NODE` to power a kind node off and on).
//! Virtual time only moves when a command waits (sleep, watch, delete).

mod filters;
pub mod grep;
pub mod words;

use std::collections::BTreeMap;
use std::sync::Arc;

use ordinal_core::config::{SimConfig, DEFAULT_SEED};
use ordinal_core::Sim;

use crate::cmd::get::GetWatch;
use crate::cmd::{LogFollow, RunAttach};
use crate::docs::Docs;
use crate::transcript::{heredoc_terminator, CommandOutput, Shell, Transcript};
use words::{split_list, split_pipeline, split_words, Connector};

/// Most files the virtual working directory holds.
pub const MAX_FILES: usize = 256;
/// Largest file in the virtual working directory, in bytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Most iterations of one `for` loop.
pub const MAX_LOOP_ITEMS: usize = 100;
/// Most variables the terminal's shell holds.
pub const MAX_VARS: usize = 1_000;
/// Longest `sleep` or `timeout`, in seconds (one virtual day).
pub const MAX_SLEEP_SECONDS: u64 = 86_400;
/// Deepest nesting of `sh -c` / loops.
const MAX_DEPTH: usize = 8;

#[cfg(feature = "bundled-docs")]
fn default_docs() -> Option<Arc<Docs>> {
    Some(crate::docs::bundled())
}

#[cfg(not(feature = "bundled-docs"))]
fn default_docs() -> Option<Arc<Docs>> {
    None
}

/// A terminal session on one simulated cluster.
#[derive(Debug, Clone)]
pub struct Session {
    /// The simulated cluster.
    pub sim: Sim,
    /// The virtual working directory: file name → contents.
    pub files: BTreeMap<String, String>,
    vars: BTreeMap<String, String>,
    /// Virtual time (Unix ms) at which the running `timeout` kills its command.
    pub(crate) deadline: Option<u64>,
    /// The pod shell an `exec -it POD -- sh` session is attached to.
    pub(crate) attached: Option<Attached>,
    depth: usize,
    /// Set by a host whose terminal keeps running while time passes (the web
    /// page): a lone `kubectl get -w`, `kubectl run -i/-t ... -- COMMAND` or
    /// `kubectl logs -f` then streams in the background, polled with [`Session::poll_stream`],
    /// instead of running to the end at once.
    pub live: bool,
    /// Whether the command now running may become the live stream.
    may_stream: bool,
    /// The live stream and the virtual time its `timeout` ends it, if any.
    stream: Option<(Live, Option<u64>)>,
    /// Help texts and field descriptions (see [`crate::docs`]).
    docs: Option<Arc<Docs>>,
}

/// What streams in a live terminal.
#[derive(Debug, Clone)]
enum Live {
    /// `kubectl get -w`.
    Watch(GetWatch),
    /// `kubectl run -i/-t ... -- COMMAND`, attached until the command exits.
    Run(RunAttach),
    /// `kubectl logs -f`, until the container stops.
    Logs(LogFollow),
}

impl Live {
    /// Prints what happened since the last poll; true once it ended by itself.
    fn poll(&mut self, session: &mut Session, out: &mut CommandOutput) -> bool {
        match self {
            Live::Watch(watch) => {
                watch.poll(session, out);
                false
            }
            Live::Run(run) => run.poll(session, out),
            Live::Logs(follow) => follow.poll(session, out),
        }
    }

    /// Ends it (Ctrl-C, its `timeout`, or another stream taking its place).
    fn stop(self, session: &mut Session, out: &mut CommandOutput) {
        match self {
            Live::Watch(watch) => watch.stop(session),
            Live::Run(run) => run.stop(session, out),
            Live::Logs(_) => {}
        }
    }
}

/// An interactive `kubectl exec -it` session: lines go to the pod until `exit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    /// Namespace of the pod.
    pub namespace: String,
    /// The pod's name.
    pub pod: String,
    /// The program started in it (`sh`, `bash`, `redis-cli`).
    pub program: String,
    /// Set for `kubectl run -it`: on exit print the resume hint, and delete the pod when true (`--rm`).
    pub run_remove: Option<bool>,
}

/// Builds the cluster configuration a transcript's `#!` headers describe.
pub fn config_from_headers(transcript: &Transcript) -> SimConfig {
    config_from_settings(|key| transcript.header(key))
}

/// Builds a cluster configuration from `nodes` (comma-separated names),
/// `seed` and `version` settings: a transcript's `#!` headers, or the web
/// page's URL parameters. Missing or malformed settings keep the defaults.
pub fn config_from_settings<'a>(setting: impl Fn(&str) -> Option<&'a str>) -> SimConfig {
    let mut config = match setting("nodes") {
        Some(nodes) => {
            let names: Vec<&str> = nodes
                .split(',')
                .map(str::trim)
                .filter(|n| {
                    !n.is_empty()
                        && n.bytes().all(|b| {
                            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                        })
                })
                .collect();
            if names.is_empty() {
                SimConfig::default()
            } else {
                SimConfig::with_nodes(&names)
            }
        }
        None => SimConfig::default(),
    };
    config.seed = setting("seed")
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    if let Some(minor) = setting("version").and_then(|v| {
        v.trim_start_matches('v')
            .split('.')
            .nth(1)
            .and_then(|m| m.parse().ok())
    }) {
        config.minor_version = minor;
    }
    config
}

impl Session {
    /// A session on a fresh cluster.
    pub fn new(config: SimConfig) -> Session {
        let mut sim = Sim::new(config);
        sim.set_container_shell(crate::podshell::container_shell);
        Session {
            sim,
            files: BTreeMap::new(),
            vars: BTreeMap::new(),
            deadline: None,
            attached: None,
            depth: 0,
            live: false,
            may_stream: false,
            stream: None,
            docs: default_docs(),
        }
    }

    /// The help texts and field descriptions, if loaded.
    pub fn docs(&self) -> Option<&Docs> {
        self.docs.as_deref()
    }

    /// Hands the session the docs a host loaded (see [`crate::docs::needs_docs`]).
    pub fn set_docs(&mut self, docs: Arc<Docs>) {
        self.docs = Some(docs);
    }

    /// A session set up as a transcript's headers ask.
    pub fn for_transcript(transcript: &Transcript) -> Session {
        Session::new(config_from_headers(transcript))
    }

    /// The pod an interactive `exec -it` is attached to, if any (for the prompt).
    pub fn attached(&self) -> Option<&Attached> {
        self.attached.as_ref()
    }

    /// The prompt a terminal shows now: `$ `, or the attached program's own
    /// (`/ # ` for busybox, `root@web-0:/# ` for bash, `# ` for dash, `127.0.0.1:6379> `).
    pub fn prompt(&self) -> String {
        let Some(a) = &self.attached else {
            return "$ ".to_string();
        };
        let image = self
            .sim
            .object("pods", &a.namespace, &a.pod)
            .and_then(|p| {
                p.array_at(&["spec", "containers"])
                    .first()
                    .map(|c| c.str_at(&["image"]).to_string())
            })
            .unwrap_or_default();
        match a.program.as_str() {
            "redis-cli" => "127.0.0.1:6379> ".to_string(),
            _ if image.contains("busybox") || image.contains("alpine") => "/ # ".to_string(),
            "bash" => format!("root@{}:/# ", a.pod),
            _ => "# ".to_string(),
        }
    }

    /// Runs one command line; a heredoc body follows the first line.
    pub fn run_line(&mut self, text: &str) -> CommandOutput {
        if let Some(attached) = self.attached.clone() {
            return self.run_attached(&attached, text);
        }
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("").to_string();
        let heredoc = heredoc_terminator(&first).map(|word| {
            let mut body = String::new();
            for line in lines.by_ref() {
                if line.trim() == word {
                    break;
                }
                body.push_str(line);
                body.push('\n');
            }
            body
        });
        // A loop always holds `;`, so a single list part is a lone command or pipeline.
        self.may_stream =
            self.live && split_list(&first).len() == 1 && split_pipeline(&first).len() == 1;
        let out = self.run_list(&first, heredoc.as_deref());
        self.may_stream = false;
        self.vars.insert("?".to_string(), out.exit_code.to_string());
        out
    }

    /// Takes `watch` as the live stream (ending the one before, if any) when
    /// the running command may stream (see [`Session::live`]); otherwise
    /// hands it back to be run to the end. Other commands leave a live
    /// stream running, as a second terminal would: hosts call
    /// [`Session::interrupt`] before a command the learner types.
    pub(crate) fn keep_streaming(&mut self, watch: GetWatch) -> Option<GetWatch> {
        if !std::mem::take(&mut self.may_stream) {
            return Some(watch);
        }
        self.start_stream(Live::Watch(watch), self.deadline);
        None
    }

    /// Like [`Session::keep_streaming`], for `kubectl run -i/-t ... --
    /// COMMAND`, which its `timeout` (or else `until`) ends.
    pub(crate) fn keep_running(&mut self, run: RunAttach, until: u64) -> Option<RunAttach> {
        if !std::mem::take(&mut self.may_stream) {
            return Some(run);
        }
        self.start_stream(Live::Run(run), Some(self.deadline.unwrap_or(until)));
        None
    }

    /// Like [`Session::keep_streaming`], for `kubectl logs -f`.
    pub(crate) fn keep_following(&mut self, follow: LogFollow) -> Option<LogFollow> {
        if !std::mem::take(&mut self.may_stream) {
            return Some(follow);
        }
        self.start_stream(Live::Logs(follow), self.deadline);
        None
    }

    fn start_stream(&mut self, live: Live, until: Option<u64>) {
        if let Some((old, _)) = self.stream.replace((live, until)) {
            let mut ignored = CommandOutput::default();
            old.stop(self, &mut ignored);
        }
    }

    /// Whether a `kubectl get -w` (or an attached `kubectl run`) is streaming.
    pub fn streaming(&self) -> bool {
        self.stream.is_some()
    }

    /// The lines the live stream printed since the last poll; ends it when
    /// its `timeout` has passed.
    pub fn poll_stream(&mut self) -> CommandOutput {
        let mut out = CommandOutput::default();
        if let Some((mut live, until)) = self.stream.take() {
            if live.poll(self, &mut out) {
                return out;
            }
            if until.is_some_and(|t| self.sim.now() >= t) {
                live.stop(self, &mut out);
            } else {
                self.stream = Some((live, until));
            }
        }
        out
    }

    /// Ctrl-C: ends the live stream (after its last lines) and echoes `^C`.
    pub fn interrupt(&mut self) -> CommandOutput {
        let mut out = self.poll_stream();
        if let Some((live, _)) = self.stream.take() {
            out.outln("^C");
            live.stop(self, &mut out);
        }
        out
    }

    fn run_attached(&mut self, attached: &Attached, line: &str) -> CommandOutput {
        let mut out = CommandOutput::default();
        let trimmed = line.trim();
        if trimmed == "exit" || trimmed == "quit" && attached.program == "redis-cli" {
            self.attached = None;
            if let Some(remove) = attached.run_remove {
                let (pod, ns) = (&attached.pod, &attached.namespace);
                out.outln(&format!(
                    "Session ended, resume using 'kubectl attach {pod} -c {pod} -n {ns} -i -t' command"
                ));
                if remove {
                    out.append(crate::cmd::remove_run_pod(self, ns, pod));
                }
            }
            return out;
        }
        let Some(pod) = self
            .sim
            .object("pods", &attached.namespace, &attached.pod)
            .cloned()
        else {
            self.attached = None;
            out.errln("command terminated with exit code 137");
            out.exit_code = 137;
            return out;
        };
        if trimmed.is_empty() {
            return out;
        }
        let argv: Vec<String> = if attached.program == "redis-cli" {
            let mut words = vec!["redis-cli".to_string()];
            words.extend(split_words(trimmed, &self.vars).unwrap_or_default());
            words
        } else {
            vec![
                attached.program.clone(),
                "-c".to_string(),
                trimmed.to_string(),
            ]
        };
        match crate::podshell::exec(self, &pod, &argv) {
            Ok(out) => out,
            Err(_) => {
                let mut out = CommandOutput::default();
                out.errln(&format!("sh: 1: {}: not found", argv[0]));
                out.exit_code = 127;
                out
            }
        }
    }

    fn run_list(&mut self, line: &str, heredoc: Option<&str>) -> CommandOutput {
        if self.depth >= MAX_DEPTH {
            let mut out = CommandOutput::default();
            out.errln("sh: nesting too deep");
            out.exit_code = 2;
            return out;
        }
        self.depth += 1;
        let parts = split_list(line);
        let mut out = CommandOutput::default();
        let mut i = 0;
        while i < parts.len() {
            let (connector, text) = &parts[i];
            let run = match connector {
                Connector::Always => true,
                Connector::IfSuccess => out.exit_code == 0,
                Connector::IfFailure => out.exit_code != 0,
            };
            if text.starts_with("for ") {
                let end = (i..parts.len())
                    .find(|&k| parts[k].1 == "done")
                    .unwrap_or(parts.len());
                if run {
                    let result = self.run_for(&parts[i..end.min(parts.len())], heredoc);
                    out.append(result);
                }
                i = end + 1;
                continue;
            }
            if run {
                let result = self.run_pipeline(text, heredoc);
                out.append(result);
            }
            i += 1;
        }
        self.depth -= 1;
        out
    }

    fn run_for(&mut self, parts: &[(Connector, String)], heredoc: Option<&str>) -> CommandOutput {
        let mut out = CommandOutput::default();
        let header = parts[0].1.trim_start_matches("for ").to_string();
        let mut header_words = header.split_whitespace();
        let var = header_words.next().unwrap_or("").to_string();
        let mut items: Vec<String> = Vec::new();
        let mut body_start = 1;
        if header_words.next() == Some("in") {
            items.extend(header_words.map(str::to_string));
        }
        if let Some((_, text)) = parts.get(1) {
            if !text.starts_with("do") {
                items.extend(text.split_whitespace().map(str::to_string));
                body_start = 2;
            }
        }
        let body: Vec<String> = parts
            .iter()
            .skip(body_start)
            .enumerate()
            .map(|(k, (connector, text))| {
                let text = if k == 0 {
                    text.trim_start_matches("do").trim_start().to_string()
                } else {
                    text.clone()
                };
                match (k, connector) {
                    (0, _) | (_, Connector::Always) => format!("{text};"),
                    (_, Connector::IfSuccess) => format!("&& {text};"),
                    (_, Connector::IfFailure) => format!("|| {text};"),
                }
            })
            .collect();
        let body = fix_connectors(&body);
        for item in items.iter().take(MAX_LOOP_ITEMS) {
            self.vars.insert(var.clone(), item.clone());
            let result = self.run_list(&body, heredoc);
            out.append(result);
        }
        out
    }

    fn run_pipeline(&mut self, text: &str, heredoc: Option<&str>) -> CommandOutput {
        let stages = split_pipeline(text);
        let mut input: Option<String> = heredoc.map(str::to_string);
        let mut out = CommandOutput::default();
        for (index, stage) in stages.iter().enumerate() {
            let last = index + 1 == stages.len();
            let result = self.run_simple(stage, input.take().as_deref());
            if last {
                out.append(result);
            } else {
                for (is_err, chunk) in &result.chunks {
                    if *is_err {
                        out.err(chunk);
                    }
                }
                input = Some(result.stdout());
            }
        }
        out
    }

    fn run_simple(&mut self, text: &str, stdin: Option<&str>) -> CommandOutput {
        let mut out = CommandOutput::default();
        let words = match split_words(text, &self.vars) {
            Ok(w) => w,
            Err(_) => {
                out.errln("sh: syntax error: unterminated quoted string");
                out.exit_code = 2;
                return out;
            }
        };
        // `NAME=VALUE` words alone set shell variables.
        if let Some(pairs) = words::assignments(&words) {
            if self.vars.len() + pairs.len() > MAX_VARS {
                out.errln("bash: too many variables");
                out.exit_code = 1;
                return out;
            }
            self.vars.extend(pairs);
            return out;
        }
        let mut args = Vec::new();
        let mut redirect: Option<(String, bool)> = None;
        let mut stderr_to_stdout = false;
        let mut discard_stderr = false;
        let mut iter = words.into_iter();
        while let Some(word) = iter.next() {
            match word.as_str() {
                ">" | ">>" => {
                    if let Some(file) = iter.next() {
                        redirect = Some((file, word == ">>"));
                    }
                }
                "2>&1" => stderr_to_stdout = true,
                "2>/dev/null" => discard_stderr = true,
                w if w.starts_with("<<") => {
                    if w == "<<" || w == "<<-" {
                        iter.next();
                    }
                }
                w if w.starts_with(">>") && w.len() > 2 => {
                    redirect = Some((w[2..].to_string(), true))
                }
                w if w.starts_with('>') && w.len() > 1 => {
                    redirect = Some((w[1..].to_string(), false))
                }
                _ => args.push(word),
            }
        }
        if args.is_empty() {
            return out;
        }
        let result = self.run_command(&args, stdin);
        for (is_err, chunk) in result.chunks {
            if is_err && discard_stderr {
                continue;
            }
            if is_err && !stderr_to_stdout {
                out.err(&chunk);
            } else if redirect.is_none() {
                out.out(&chunk);
            } else if let Some((file, append)) = &redirect {
                if file != "/dev/null" {
                    let entry = self.files.entry(file.clone()).or_default();
                    if !*append {
                        entry.clear();
                    }
                    entry.push_str(&chunk);
                }
            }
        }
        if let Some((file, false)) = &redirect {
            if file != "/dev/null" && self.files.len() <= MAX_FILES {
                self.files.entry(file.clone()).or_default();
            } else if self.files.len() > MAX_FILES {
                self.files.remove(file);
            }
        }
        self.files.retain(|_, v| v.len() <= MAX_FILE_BYTES);
        out.exit_code = result.exit_code;
        out
    }

    fn run_command(&mut self, args: &[String], stdin: Option<&str>) -> CommandOutput {
        let mut out = CommandOutput::default();
        if let Some(editor) = args[0]
            .strip_prefix("KUBE_EDITOR=")
            .or_else(|| args[0].strip_prefix("EDITOR="))
        {
            let is_edit = matches!(args.get(1).map(String::as_str), Some("kubectl" | "k"))
                && args.get(2).map(String::as_str) == Some("edit");
            if is_edit {
                crate::cmd::edit::edit_with(self, &args[3..], editor, &mut out);
                return out;
            }
            if args.len() > 1 {
                return self.run_command(&args[1..], stdin);
            }
            return out;
        }
        match args[0].as_str() {
            "kubectl" | "k" => return crate::cmd::run(self, &args[1..], stdin),
            "sleep" => match args.get(1).and_then(|a| parse_seconds(a)) {
                Some(ms) => self.advance_bounded(ms),
                None => {
                    out.errln("sleep: invalid number");
                    out.exit_code = 1;
                }
            },
            "timeout" => return self.run_timeout(&args[1..], stdin),
            "docker" => return self.run_docker(&args[1..]),
            "echo" => {
                let (newline, words) = match args.get(1).map(String::as_str) {
                    Some("-n") => (false, &args[2..]),
                    _ => (true, &args[1..]),
                };
                out.out(&words.join(" "));
                if newline {
                    out.out("\n");
                }
            }
            "cat" => {
                if args.len() == 1 {
                    out.out(stdin.unwrap_or(""));
                }
                for file in &args[1..] {
                    match self.files.get(file) {
                        Some(text) => out.out(text),
                        None => {
                            out.errln(&format!("cat: {file}: No such file or directory"));
                            out.exit_code = 1;
                        }
                    }
                }
            }
            "ls" => {
                // Directories are implicit: `dir/a.txt` lists as `dir`.
                let mut names: Vec<&str> = self
                    .files
                    .keys()
                    .map(|k| k.split('/').next().unwrap_or(k))
                    .collect();
                names.dedup();
                if !names.is_empty() {
                    out.outln(&names.join("  "));
                }
            }
            // Directories exist as the files under them do.
            "mkdir" => {}
            "rm" => {
                for file in args[1..].iter().filter(|a| !a.starts_with('-')) {
                    if self.files.remove(file).is_none() && !args.iter().any(|a| a == "-f") {
                        out.errln(&format!(
                            "rm: cannot remove '{file}': No such file or directory"
                        ));
                        out.exit_code = 1;
                    }
                }
            }
            "true" | "clear" | "exit" => {}
            "false" => out.exit_code = 1,
            "grep" | "head" | "tail" | "wc" | "sort" => {
                return filters::run(args, stdin.unwrap_or(""))
            }
            other => {
                out.errln(&format!("bash: {other}: command not found"));
                out.exit_code = 127;
            }
        }
        out
    }

    /// `docker stop|start NODE...`: the node containers of a kind cluster.
    /// Each name is printed as it is handled; unknown ones are an error.
    #[inline(never)]
    fn run_docker(&mut self, args: &[String]) -> CommandOutput {
        let mut out = CommandOutput::default();
        let action: fn(&mut Sim, &str) -> Result<(), ordinal_core::ApiError> =
            match args.first().map(String::as_str) {
                Some("stop") => Sim::stop_node,
                Some("start") => Sim::start_node,
                Some(other) => {
                    out.errln(&format!("docker: '{other}' is not a docker command."));
                    out.errln("See 'docker --help'");
                    out.exit_code = 1;
                    return out;
                }
                None => {
                    out.errln("Usage:  docker [OPTIONS] COMMAND");
                    out.exit_code = 1;
                    return out;
                }
            };
        let names: Vec<&String> = args[1..].iter().filter(|a| !a.starts_with('-')).collect();
        if names.is_empty() {
            out.errln(&format!(
                "\"docker {}\" requires at least 1 argument.",
                args[0]
            ));
            out.exit_code = 1;
        }
        for name in names {
            match action(&mut self.sim, name) {
                Ok(()) => out.outln(name),
                Err(_) => {
                    out.errln(&format!(
                        "Error response from daemon: No such container: {name}"
                    ));
                    out.exit_code = 1;
                }
            }
        }
        out
    }

    #[inline(never)]
    fn run_timeout(&mut self, args: &[String], stdin: Option<&str>) -> CommandOutput {
        let mut out = CommandOutput::default();
        let Some(ms) = args.first().and_then(|a| parse_seconds(a)) else {
            out.errln("timeout: invalid time interval");
            out.exit_code = 125;
            return out;
        };
        let deadline = self.sim.now().saturating_add(ms);
        let previous = self.deadline.replace(deadline);
        let result = self.run_command(&args[1..], stdin);
        self.deadline = previous;
        let timed_out = self.sim.now() >= deadline;
        out.append(result);
        if timed_out {
            out.exit_code = 124;
        }
        out
    }

    /// Advances virtual time by `ms` (capped at [`MAX_SLEEP_SECONDS`]).
    pub fn advance_bounded(&mut self, ms: u64) {
        self.sim.advance(ms.min(MAX_SLEEP_SECONDS * 1000));
    }
}

/// Rejoins loop body parts so each connector precedes its command.
fn fix_connectors(parts: &[String]) -> String {
    parts
        .join(" ")
        .replace("; &&", " &&")
        .replace("; ||", " ||")
}

/// Parses a `sleep`/`timeout` duration (`30`, `1.5`, `2m`, `1h`, `10s`) into milliseconds.
pub fn parse_seconds(text: &str) -> Option<u64> {
    let (number, unit) = match text.char_indices().last()? {
        (i, 's') => (&text[..i], 1000.0),
        (i, 'm') => (&text[..i], 60_000.0),
        (i, 'h') => (&text[..i], 3_600_000.0),
        (i, 'd') => (&text[..i], 86_400_000.0),
        _ => (text, 1000.0),
    };
    let value: f64 = number.parse().ok()?;
    if !(0.0..=(MAX_SLEEP_SECONDS as f64 * 1000.0)).contains(&(value * unit)) {
        return None;
    }
    Some((value * unit) as u64)
}

impl Shell for Session {
    fn run_line(&mut self, line: &str) -> CommandOutput {
        Session::run_line(self, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_and_explain_without_docs_say_so_in_one_line() {
        let mut session = Session::new(SimConfig::default());
        session.docs = None;
        for line in ["kubectl explain sts", "kubectl get --help", "kubectl"] {
            let out = session.run_line(line);
            assert_eq!(
                out.stderr(),
                format!("{}\n", crate::docs::NOT_LOADED),
                "{line}"
            );
            assert_eq!(out.exit_code, 1, "{line}");
        }
        let out = session.run_line("kubectl get pods");
        assert_eq!(out.exit_code, 0);
    }

    #[test]
    fn durations_accept_units() {
        assert_eq!(parse_seconds("30"), Some(30_000));
        assert_eq!(parse_seconds("2m"), Some(120_000));
        assert_eq!(parse_seconds("1.5"), Some(1_500));
        assert_eq!(parse_seconds("soon"), None);
    }

    #[test]
    fn heredoc_writes_a_file_and_cat_reads_it() {
        let mut s = Session::new(SimConfig::default());
        let out = s.run_line("cat <<EOF > a.yaml\nkind: Pod\nEOF");
        assert_eq!(out.exit_code, 0);
        assert_eq!(s.run_line("cat a.yaml").combined(), "kind: Pod\n");
        assert_eq!(s.run_line("cat nope").exit_code, 1);
    }

    #[test]
    fn loops_and_connectors() {
        let mut s = Session::new(SimConfig::default());
        let out = s.run_line("for i in 0 1 2; do echo web-$i; done && echo ok");
        assert_eq!(out.combined(), "web-0\nweb-1\nweb-2\nok\n");
        assert_eq!(
            s.run_line("false && echo no || echo yes").combined(),
            "yes\n"
        );
    }

    #[test]
    fn sleep_advances_virtual_time() {
        let mut s = Session::new(SimConfig::default());
        let before = s.sim.now();
        s.run_line("sleep 2m");
        assert_eq!(s.sim.now() - before, 120_000);
    }

    const WEB: &str = "cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
EOF";

    /// What `timeout 15 kubectl get pods -w` prints, typed in a live
    /// terminal and polled every `poll_ms`, or run to the end at once.
    fn watched(live: bool, poll_ms: u64) -> (String, Session) {
        let mut s = Session::new(SimConfig::default());
        s.live = live;
        s.run_line(WEB);
        let mut text = s.run_line("timeout 15 kubectl get pods -w").combined();
        while s.streaming() {
            s.sim.advance(poll_ms);
            text.push_str(&s.poll_stream().combined());
        }
        (text, s)
    }

    #[test]
    fn a_live_watch_prints_what_a_finished_one_prints() {
        let (at_once, _) = watched(false, 0);
        assert!(at_once.contains("web-2"), "{at_once}");
        for poll_ms in [100, 700, 3_000] {
            let (live, _) = watched(true, poll_ms);
            assert_eq!(live, at_once, "polled every {poll_ms} ms");
        }
    }

    /// What `kubectl run -it --rm ... -- COMMAND` prints, typed in a live
    /// terminal polled every `poll_ms` or run to the end at once, and the
    /// pod's STATUS at each poll.
    fn one_shot(live: bool, poll_ms: u64, command: &str) -> (String, Vec<String>) {
        let mut s = Session::new(SimConfig::default());
        s.run_line(WEB);
        s.sim.advance(30_000);
        s.live = live;
        let line =
            format!("kubectl run -it --rm probe --image=busybox:1.28 --restart=Never -- {command}");
        let mut text = s.run_line(&line).combined();
        let mut seen: Vec<String> = Vec::new();
        let ctx = crate::printers::PrintContext { now_ms: 0 };
        while s.streaming() {
            s.sim.advance(poll_ms);
            text.push_str(&s.poll_stream().combined());
            let status = s.sim.object("pods", "default", "probe").map_or_else(
                || "gone".to_string(),
                |p| crate::printers::pod_status(p, &ctx).0,
            );
            if seen.last() != Some(&status) {
                seen.push(status);
            }
        }
        (text, seen)
    }

    #[test]
    fn a_live_one_shot_run_prints_what_a_finished_one_prints() {
        for command in [
            "nslookup kubernetes.default",
            "nslookup web-0.nginx",
            "sh -c 'echo hello'",
        ] {
            let (at_once, _) = one_shot(false, 0, command);
            assert!(
                at_once.ends_with("pod \"probe\" deleted from default namespace\n")
                    || at_once.contains("terminated (Error)"),
                "{at_once}"
            );
            for poll_ms in [100, 700, 3_000] {
                let (live, seen) = one_shot(true, poll_ms, command);
                assert_eq!(live, at_once, "{command} polled every {poll_ms} ms");
                assert_eq!(seen.last().map(String::as_str), Some("gone"), "{seen:?}");
                let exited = if command.contains("web-0") {
                    "Error"
                } else {
                    "Completed"
                };
                assert!(
                    seen.iter().any(|s| s == exited),
                    "{command} every {poll_ms} ms: {seen:?}"
                );
                if poll_ms == 100 {
                    assert!(seen.iter().any(|s| s == "Running"), "{command}: {seen:?}");
                }
            }
        }
    }

    #[test]
    fn interrupting_a_live_run_deletes_its_pod() {
        let mut s = Session::new(SimConfig::default());
        s.live = true;
        let out = s.run_line(
            "kubectl run -it --rm nap --image=busybox:1.28 --restart=Never -- sleep 3600",
        );
        assert_eq!(out.combined(), "");
        assert!(s.streaming());
        s.sim.advance(20_000);
        assert_eq!(s.poll_stream().combined(), "");
        assert_eq!(
            s.interrupt().combined(),
            "^C\npod \"nap\" deleted from default namespace\n"
        );
        assert!(!s.streaming());
        assert!(s.sim.object("pods", "default", "nap").is_none());
    }

    #[test]
    fn a_live_watch_streams_until_interrupted() {
        let mut s = Session::new(SimConfig::default());
        s.live = true;
        let first = s.run_line("kubectl get pods -w").combined();
        assert_eq!(first, "");
        assert!(s.streaming());
        s.run_line(WEB);
        assert!(s.streaming(), "a pipeline does not replace the stream");
        s.sim.advance(30_000);
        let lines = s.poll_stream().combined();
        assert!(lines.starts_with("NAME    READY   STATUS"), "{lines}");
        assert!(lines.contains("web-0   1/1     Running"), "{lines}");
        assert_eq!(s.interrupt().combined(), "^C\n");
        assert!(!s.streaming());
        assert_eq!(s.interrupt().combined(), "");
        // Piped, the watch runs to the end at once, as before.
        let piped = s
            .run_line("timeout 5 kubectl get pods -w | grep web-1")
            .combined();
        assert!(piped.starts_with("web-1"), "{piped}");
        assert!(!s.streaming());
    }

    #[test]
    fn other_commands_leave_the_stream_running() {
        let mut s = Session::new(SimConfig::default());
        s.live = true;
        s.run_line(WEB);
        s.run_line("kubectl get sts -w");
        s.sim.advance(30_000);
        s.poll_stream();
        let out = s.run_line("kubectl scale sts web --replicas=1").combined();
        assert_eq!(out, "statefulset.apps/web scaled\n");
        s.sim.advance(30_000);
        let lines = s.poll_stream().combined();
        assert!(lines.contains("web    1/1"), "{lines}");
        // A second watch replaces the first.
        s.run_line("kubectl get pods -w");
        s.run_line("kubectl scale sts web --replicas=2");
        s.sim.advance(30_000);
        let lines = s.poll_stream().combined();
        assert!(
            lines.contains("web-1") && !lines.contains("web    "),
            "{lines}"
        );
    }

    #[test]
    fn docker_stops_and_starts_kind_nodes() {
        let mut s = Session::new(SimConfig::default());
        let out = s.run_line("docker stop kind-control-plane nope");
        assert_eq!(out.exit_code, 1);
        assert_eq!(out.stdout(), "kind-control-plane\n");
        assert_eq!(
            out.stderr(),
            "Error response from daemon: No such container: nope\n"
        );
        assert!(!s.sim.node_running("kind-control-plane"));
        let out = s.run_line("docker start kind-control-plane");
        assert_eq!(
            (out.exit_code, out.stdout()),
            (0, "kind-control-plane\n".into())
        );
        assert!(s.sim.node_running("kind-control-plane"));
    }
}
