//! `ordinal check --real-kubectl PATH FILE...`: each transcript runs a second
//! time with its `kubectl` lines executed by the real binary at PATH against
//! an in-process `ordinal serve` on the same, identically seeded simulation.
//!
//! The runner's own shell stays in charge of everything else (files, `cat`,
//! `sleep`, heredocs, pipes, `timeout`), and of the kubectl lines the real
//! binary cannot run against a frozen clock or without a terminal: watches
//! (`-w`), `rollout status`, `wait`, `drain` (waits for evictions), `cluster-info` (prints the
//! emulated cluster's address), `exec -it`, `run -it`/`--rm`, `logs -f`, `attach`,
//! `port-forward`, `edit`, `cp`, `config`, and any line with a pipe,
//! redirection or `$` expansion outside single quotes (a Go template's
//! `{{$c.image}}` goes through). Those lines are emulated, not compared.
//!
//! Time: the server's clock is frozen (speed 0); virtual time moves only when
//! the runner's shell advances it, exactly as in the emulated run. The real
//! `kubectl delete` gets `--wait=false` and the runner then waits for the
//! deleted objects the way the emulated `delete` does (`cmd::watch::step`).
//! Each real command sees timestamps shifted by a whole-second offset pinned
//! for its duration; commands that print ages start just after a wall-clock
//! second so the binary's own clock gives the emulation's ages.
//! A transcript opts out with a `#! real-kubectl: skip (reason)` header.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ordinal_core::Sim;
use ordinal_kubectl::transcript::{heredoc_terminator, Transcript};
use ordinal_kubectl::{CommandOutput, Session, Shell};

use crate::serve::{self, Server};

/// Longest a single real kubectl invocation may run (wall time).
pub const REAL_COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// kubectl subcommands that stay with the emulation (see the module comment).
const EMULATED_SUBCOMMANDS: &[&str] = &[
    "attach",
    "port-forward",
    "edit",
    "wait",
    "drain",
    "cluster-info",
    "cp",
    "config",
    "proxy",
    "debug",
    "completion",
    "plugin",
];

/// Flags whose value is the next word (so it is not taken for a subcommand).
const VALUE_FLAGS: &[&str] = &[
    "-n",
    "--namespace",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-f",
    "--filename",
    "-c",
    "--container",
    "--context",
    "--kubeconfig",
];

/// Sleeps until just after the wall clock's next second boundary and returns
/// that second (Unix ms). The server then pins the offset that maps the
/// simulation's current whole second onto it, so the real kubectl, which
/// reads its own clock a few milliseconds later, computes the whole-second
/// ages the emulation prints (an age only changes when a second is crossed).
fn start_of_wall_second() -> u64 {
    let phase = serve::wall_now_ms() % 1000;
    let wait = (1000 + ALIGN_SLACK_MS - phase) % 1000;
    std::thread::sleep(Duration::from_millis(wait));
    let wall = serve::wall_now_ms();
    wall - wall % 1000
}

/// How far past the second boundary a command starts (ms).
const ALIGN_SLACK_MS: u64 = 5;

/// The header a transcript uses to opt out of the real run.
pub const SKIP_HEADER: &str = "real-kubectl";

/// One command line for the real binary.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Invocation {
    /// Arguments after `kubectl`.
    args: Vec<String>,
    /// The heredoc body, fed to standard input.
    stdin: Option<String>,
    /// The line was a `delete` that waits: the runner waits after the call.
    waits_for_deletion: bool,
    /// The output may hold ages (`get`, `describe`, `events`).
    prints_ages: bool,
}

/// Decides whether `line` goes to the real kubectl, and with which arguments.
fn invocation(line: &str) -> Option<Invocation> {
    let mut lines = line.lines();
    let first = lines.next()?.trim();
    let (command, stdin) = match heredoc_terminator(first) {
        Some(word) => {
            let at = first.find("<<")?;
            let body: Vec<&str> = lines.take_while(|l| l.trim() != word).collect();
            let mut text = body.join("\n");
            text.push('\n');
            (first[..at].trim(), Some(text))
        }
        None => (first, None),
    };
    if needs_shell(command) {
        return None;
    }
    let words = ordinal_kubectl::shell::words::split_words(command, &Default::default()).ok()?;
    let (program, args) = words.split_first()?;
    if program != "kubectl" {
        return None;
    }
    let mut positional: Vec<&str> = Vec::new();
    let mut words = args.iter().map(String::as_str);
    while let Some(word) = words.next() {
        if VALUE_FLAGS.contains(&word) {
            words.next();
        } else if !word.starts_with('-') {
            positional.push(word);
        }
    }
    let sub = positional.first().copied().unwrap_or("");
    let watches = args.iter().any(|a| {
        matches!(a.as_str(), "-w" | "--watch" | "--watch-only")
            || a.starts_with("--watch=")
            || a.starts_with("--watch-only=")
    });
    let interactive = matches!(sub, "exec" | "run")
        && args.iter().any(|a| {
            matches!(
                a.as_str(),
                "-i" | "-t" | "-it" | "-ti" | "--stdin" | "--tty" | "--rm" | "--attach"
            ) || a.starts_with("--attach=")
        });
    let follows = sub == "logs"
        && args
            .iter()
            .any(|a| a == "-f" || a == "--follow" || a.starts_with("--follow="));
    if EMULATED_SUBCOMMANDS.contains(&sub)
        || watches
        || follows
        || interactive
        || sub == "rollout" && positional.get(1) == Some(&"status")
        || stdin.is_some() && !args.iter().any(|a| a == "-")
    {
        return None;
    }
    let mut args = args.to_vec();
    // A dry run deletes nothing, so there is nothing to wait for.
    let dry_run = args
        .iter()
        .any(|a| a.starts_with("--dry-run") && a != "--dry-run=none");
    let waits_for_deletion =
        sub == "delete" && !dry_run && !args.iter().any(|a| a.starts_with("--wait"));
    if waits_for_deletion {
        args.push("--wait=false".to_string());
    }
    let prints_ages = matches!(sub, "get" | "describe" | "events" | "top");
    Some(Invocation {
        args,
        stdin,
        waits_for_deletion,
        prints_ages,
    })
}

/// Whether a command line needs the shell: a pipe, list, redirection,
/// backquote or `$` expansion outside quotes (inside single quotes they
/// are literal; inside double quotes only `$` and backquotes expand).
fn needs_shell(command: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('\''), _) => {}
            (Some(_), '$' | '`') => return true,
            (_, '\\') => {
                chars.next();
            }
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '|' | ';' | '&' | '<' | '>' | '`' | '$') => return true,
            (None, _) => {}
        }
    }
    false
}

/// `pod "web-0" deleted from default namespace` → (`pods`, namespace, name).
fn deleted_object(line: &str, namespace: &str) -> Option<(&'static str, String, String)> {
    let (kind, rest) = line.split_once(" \"")?;
    let (name, tail) = rest.split_once('"')?;
    let tail = tail.strip_prefix(" deleted")?;
    let info = ordinal_model::kinds::by_name(kind)?;
    let ns = match tail
        .strip_prefix(" from ")
        .and_then(|t| t.strip_suffix(" namespace"))
    {
        Some(ns) => ns.to_string(),
        None if info.namespaced => namespace.to_string(),
        None => String::new(),
    };
    Some((info.plural, ns, name.to_string()))
}

/// The namespace a kubectl argument list works in.
fn namespace_flag(args: &[String]) -> String {
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "-n" || arg == "--namespace" {
            if let Some(ns) = it.next() {
                return ns.clone();
            }
        }
        if let Some(ns) = arg
            .strip_prefix("--namespace=")
            .or_else(|| arg.strip_prefix("-n="))
        {
            return ns.to_string();
        }
    }
    "default".to_string()
}

/// A shell whose kubectl lines run through the real binary.
pub struct RealKubectlShell {
    session: Session,
    server: Arc<Server>,
    binary: PathBuf,
    dir: PathBuf,
    /// Lines run by the real kubectl so far.
    pub real_lines: usize,
}

impl RealKubectlShell {
    /// A shell for `transcript`, serving on an ephemeral loopback port and
    /// working in `dir` (created; holds the kubeconfig and the virtual files).
    pub fn new(transcript: &Transcript, binary: &Path, dir: PathBuf) -> Result<Self, String> {
        let session = Session::for_transcript(transcript);
        let placeholder = Session::new(Default::default());
        let server = Arc::new(Server::new(placeholder, 0.0));
        let listener: TcpListener =
            serve::bind(0).map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let served = Arc::clone(&server);
        std::thread::spawn(move || serve::serve(listener, served));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        std::fs::write(dir.join("kubeconfig"), serve::kubeconfig(port))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(RealKubectlShell {
            session,
            server,
            binary: std::fs::canonicalize(binary)
                .map_err(|e| format!("{}: {e}", binary.display()))?,
            dir,
            real_lines: 0,
        })
    }

    /// Writes the shell's virtual files where the real kubectl reads them.
    fn sync_files(&self) -> Result<(), String> {
        let work = self.dir.join("work");
        for (name, text) in &self.session.files {
            let relative = Path::new(name);
            if relative
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
            {
                continue;
            }
            let path = work.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, text).map_err(|e| e.to_string())?;
        }
        std::fs::create_dir_all(&work).map_err(|e| e.to_string())
    }

    fn run_real(&mut self, call: &Invocation) -> CommandOutput {
        let mut out = CommandOutput::default();
        if let Err(e) = self.sync_files() {
            out.errln(&format!(
                "ordinal: cannot prepare the working directory: {e}"
            ));
            out.exit_code = 1;
            return out;
        }
        let now = self.session.sim.now() as i64;
        let offset = if call.prints_ages {
            let second = start_of_wall_second() as i64;
            second - (now - now.rem_euclid(1000))
        } else {
            let offset = serve::wall_now_ms() as i64 - now;
            offset - offset.rem_euclid(1000)
        };
        // What the objects were before: the wait is for those uids.
        let before = call.waits_for_deletion.then(|| self.session.sim.clone());
        {
            let mut world = self.server.lock();
            std::mem::swap(&mut self.session, &mut world.session);
            world.pinned_offset = Some(offset);
        }
        let result = execute(&self.binary, &self.dir, call);
        std::mem::swap(&mut self.session, &mut self.server.lock().session);
        match result {
            Ok((text, code)) => {
                out.out(&text);
                out.exit_code = code;
                if let Some(before) = &before {
                    self.wait_for_deletions(&text, &namespace_flag(&call.args), before);
                }
            }
            Err(e) => {
                out.errln(&format!("ordinal: real kubectl: {e}"));
                out.exit_code = 1;
            }
        }
        self.real_lines += 1;
        out
    }

    /// Advances time until every object the output names as deleted (as it
    /// was `before` the command) is gone, as the emulated `kubectl delete`
    /// does while it waits.
    fn wait_for_deletions(&mut self, output: &str, namespace: &str, before: &Sim) {
        let waiting: Vec<_> = output
            .lines()
            .filter_map(|l| deleted_object(l, namespace))
            .map(|(resource, ns, name)| {
                let uid = before
                    .object(resource, &ns, &name)
                    .map(|o| o.str_at(&["metadata", "uid"]).to_string())
                    .unwrap_or_default();
                (resource, ns, name, uid)
            })
            .collect();
        ordinal_kubectl::cmd::watch::until_gone(&mut self.session, &waiting);
    }
}

impl Shell for RealKubectlShell {
    fn run_line(&mut self, line: &str) -> CommandOutput {
        if self.session.attached().is_some() {
            return self.session.run_line(line);
        }
        match invocation(line) {
            Some(call) => self.run_real(&call),
            None => self.session.run_line(line),
        }
    }
}

/// Runs the real kubectl once; `sh` points its stderr at the same pipe as
/// stdout so the lines keep the order the binary wrote them in.
fn execute(binary: &Path, dir: &Path, call: &Invocation) -> Result<(String, i32), String> {
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg("exec \"$0\" \"$@\" 2>&1")
        .arg(binary)
        .args(&call.args)
        .current_dir(dir.join("work"))
        .env_clear()
        .env("HOME", dir)
        .env("KUBECONFIG", dir.join("kubeconfig"))
        .env("PATH", "/usr/bin:/bin")
        .stdin(if call.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if let (Some(text), Some(mut stdin)) = (&call.stdin, child.stdin.take()) {
        use std::io::Write;
        let _ = stdin.write_all(text.as_bytes());
    }
    let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let reading = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > REAL_COMMAND_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "no answer within {}s (killed)",
                REAL_COMMAND_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let text = reading.join().unwrap_or_default();
    Ok((text, status.code().unwrap_or(1)))
}

/// The reason a transcript gives for skipping the real run, if it does.
pub fn skip_reason(transcript: &Transcript) -> Option<&str> {
    transcript
        .header(SKIP_HEADER)
        .and_then(|v| v.strip_prefix("skip"))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_kubectl_lines_go_to_the_real_binary() {
        let call = invocation("kubectl get pods -o wide").expect("real");
        assert_eq!(call.args, ["get", "pods", "-o", "wide"]);
        assert!(!call.waits_for_deletion);
        assert!(call.prints_ages);
    }

    #[test]
    fn flag_values_are_not_taken_for_the_subcommand() {
        assert_eq!(invocation("kubectl -n demo exec -it web-0 -- bash"), None);
        let call = invocation("kubectl -n demo apply -f web.yaml").expect("real");
        assert!(!call.prints_ages);
    }

    #[test]
    fn watches_pipes_exec_and_shell_lines_stay_emulated() {
        for line in [
            "kubectl get pods -w",
            "kubectl rollout status sts web",
            "kubectl get pods | grep web",
            "kubectl exec -it web-0 -- sh",
            "kubectl logs -f web-0",
            "sleep 5",
            "cat <<EOF > web.yaml\nkind: Pod\nEOF",
            "kubectl get pods -l app=$APP",
            "kubectl get pod \"web-$p\" -o name",
        ] {
            assert_eq!(invocation(line), None, "{line}");
        }
    }

    #[test]
    fn quoted_templates_go_to_the_real_kubectl() {
        let call = invocation("kubectl get pod web-0 --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'")
            .expect("real");
        assert_eq!(
            call.args[4],
            "{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}"
        );
        assert!(
            invocation("kubectl get pods -o go-template='{{.kind | printf \"%s\"}}'").is_some()
        );
    }

    #[test]
    fn heredoc_into_kubectl_becomes_stdin() {
        let call = invocation("kubectl apply -f - <<EOF\nkind: Pod\nEOF").expect("real");
        assert_eq!(call.args, ["apply", "-f", "-"]);
        assert_eq!(call.stdin.as_deref(), Some("kind: Pod\n"));
    }

    #[test]
    fn delete_does_not_wait_in_the_binary_but_in_the_runner() {
        let call = invocation("kubectl delete pod web-0").expect("real");
        assert_eq!(call.args, ["delete", "pod", "web-0", "--wait=false"]);
        assert!(call.waits_for_deletion);
        assert_eq!(
            deleted_object("pod \"web-0\" deleted from demo namespace", "default"),
            Some(("pods", "demo".to_string(), "web-0".to_string()))
        );
        assert_eq!(
            deleted_object("statefulset.apps \"web\" deleted", "default"),
            Some(("statefulsets", "default".to_string(), "web".to_string()))
        );
        assert_eq!(deleted_object("No resources found", "default"), None);
    }
}
