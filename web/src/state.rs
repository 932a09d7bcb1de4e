//! The playground's one reducer. It owns the terminal [`Session`] (and so the
//! simulated cluster); every control becomes the kubectl command a learner
//! would type, run through the same emulation as the terminal, so the page
//! and the terminal can never disagree. Every command is also kept, with the
//! virtual time it ran at, in a log that replays into a fresh session.

use std::cell::RefCell;
use std::rc::Rc;

use ordinal_core::config::SimConfig;
use ordinal_kubectl::printers::{pod_status, table_for, PrintContext};
use ordinal_kubectl::shell::Session;
use ordinal_model::Value;
use yew::Reducible;

use crate::i18n::Lang;
use crate::sample::{SAMPLE_FILE, SAMPLE_MANIFEST};

/// Namespace the playground's controls act on.
pub const NAMESPACE: &str = "default";
/// StatefulSet the controls act on.
pub const STATEFULSET: &str = "web";
/// Longest virtual step one animation tick may take, so a slow frame never
/// skips over phases a learner should see.
pub const MAX_TICK_MS: u64 = 2_000;
/// Terminal lines kept for display.
pub const MAX_TERMINAL_LINES: usize = 500;
/// Largest replica count the scale buttons go to.
pub const MAX_SCALE_REPLICAS: i64 = 20;
/// Commands kept in the log (history and autosave).
pub const MAX_LOGGED_COMMANDS: usize = 200;
/// Longest command line accepted from the terminal, in bytes.
pub const MAX_COMMAND_BYTES: usize = 4_096;
/// Events the events panel shows (the newest).
pub const MAX_SHOWN_EVENTS: usize = 12;

/// What a terminal line is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A command, shown after the `$ ` prompt.
    Command,
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// One line of the terminal transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermLine {
    /// Its kind.
    pub kind: LineKind,
    /// Its text (commands without the prompt).
    pub text: String,
}

/// A command that ran, with the virtual time it started at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedCommand {
    /// Virtual milliseconds since the playground started.
    pub at_ms: u64,
    /// The command line.
    pub line: String,
}

/// One row of the events panel: the default columns of `kubectl get events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The event's name, unique in the namespace.
    pub name: String,
    /// LAST SEEN.
    pub last_seen: String,
    /// TYPE (`Normal` or `Warning`).
    pub kind: String,
    /// REASON.
    pub reason: String,
    /// OBJECT (`pod/web-0`).
    pub object: String,
    /// MESSAGE.
    pub message: String,
}

/// One pod as the cluster view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PodCard {
    /// Pod name, e.g. `web-0`.
    pub name: String,
    /// kubectl's READY column, e.g. `1/1`.
    pub ready: String,
    /// kubectl's STATUS column, e.g. `ContainerCreating`.
    pub status: String,
    /// Pod IP, or empty before one is assigned.
    pub ip: String,
    /// Node the pod runs on, or empty before scheduling.
    pub node: String,
}

/// What the page renders, derived from the cluster after every action.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterView {
    /// Virtual seconds since the playground started.
    pub elapsed_s: u64,
    /// `spec.replicas` of the StatefulSet, if it exists.
    pub replicas: Option<i64>,
    /// The StatefulSet's pods in ordinal order.
    pub pods: Vec<PodCard>,
    /// The namespace's newest events, oldest first.
    pub events: Vec<EventRow>,
    /// Names of pods, StatefulSets and Services, for tab completion.
    pub names: Rc<Vec<String>>,
}

/// The reducer state.
pub struct Playground {
    session: Rc<RefCell<Session>>,
    started_ms: u64,
    /// Virtual milliseconds per real millisecond.
    pub speed: f64,
    /// What the page shows.
    pub view: Rc<ClusterView>,
    /// The terminal transcript: commands and their output.
    pub terminal: Rc<Vec<TermLine>>,
    /// Every command run since the start, for history and autosave.
    pub log: Rc<Vec<LoggedCommand>>,
    /// The page's language.
    pub lang: Lang,
}

/// Everything the page can ask the reducer to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Real time passed; advance virtual time by `real_ms * speed`.
    Tick(u64),
    /// Change `spec.replicas` by this much (runs `kubectl scale`).
    Scale(i64),
    /// Set the playback speed.
    SetSpeed(f64),
    /// Run a command line as if typed in the terminal.
    Run(String),
    /// Show the page in this language.
    SetLang(Lang),
    /// Start again on a fresh cluster with an empty log.
    Reset,
}

impl Default for Playground {
    fn default() -> Self {
        Playground::restore(SimConfig::default(), Lang::default(), &[])
    }
}

impl Playground {
    /// A playground on a fresh cluster with the sample manifest applied.
    pub fn new(config: SimConfig) -> Playground {
        Playground::restore(config, Lang::default(), &[])
    }

    /// A fresh cluster with the sample applied and then `log` replayed, each
    /// command at the virtual time it first ran: the simulation is
    /// deterministic, so the cluster comes back to the state it was in.
    pub fn restore(config: SimConfig, lang: Lang, log: &[LoggedCommand]) -> Playground {
        let mut session = Session::new(config);
        let started_ms = session.sim.now();
        session
            .files
            .insert(SAMPLE_FILE.to_string(), SAMPLE_MANIFEST.to_string());
        let mut terminal = Vec::new();
        run_into(
            &mut session,
            &mut terminal,
            &format!("kubectl apply -f {SAMPLE_FILE}"),
        );
        let mut replayed = Vec::new();
        for command in log.iter().take(MAX_LOGGED_COMMANDS) {
            let at = started_ms.saturating_add(command.at_ms);
            let now = session.sim.now();
            if at > now {
                session.sim.advance(at - now);
            }
            run_logged(
                &mut session,
                &mut terminal,
                &mut replayed,
                started_ms,
                &command.line,
            );
        }
        let view = Rc::new(view_of(&session, started_ms));
        Playground {
            session: Rc::new(RefCell::new(session)),
            started_ms,
            speed: 1.0,
            view,
            terminal: Rc::new(terminal),
            log: Rc::new(replayed),
            lang,
        }
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut speed = self.speed;
        let mut lang = self.lang;
        let mut terminal = Rc::clone(&self.terminal);
        let mut log = Rc::clone(&self.log);
        {
            let mut session = self.session.borrow_mut();
            let mut run = |session: &mut Session, line: &str| {
                run_logged(
                    session,
                    Rc::make_mut(&mut terminal),
                    Rc::make_mut(&mut log),
                    self.started_ms,
                    line,
                )
            };
            match action {
                Action::Tick(real_ms) => {
                    let virtual_ms = ((real_ms as f64) * self.speed) as u64;
                    session.sim.advance(virtual_ms.min(MAX_TICK_MS));
                }
                Action::SetSpeed(s) => speed = s,
                Action::SetLang(l) => lang = l,
                Action::Scale(delta) => {
                    if let Some(current) = self.view.replicas {
                        let target = (current + delta).clamp(0, MAX_SCALE_REPLICAS);
                        run(
                            &mut session,
                            &format!("kubectl scale statefulset {STATEFULSET} --replicas={target}"),
                        );
                    }
                }
                Action::Run(line) => {
                    let line = line.trim();
                    if !line.is_empty() && line.len() <= MAX_COMMAND_BYTES {
                        run(&mut session, line);
                    }
                }
                Action::Reset => {
                    drop(session);
                    let mut fresh = Playground::restore(SimConfig::default(), self.lang, &[]);
                    fresh.speed = self.speed;
                    return Rc::new(fresh);
                }
            }
        }
        Rc::new(Playground {
            session: Rc::clone(&self.session),
            started_ms: self.started_ms,
            speed,
            view: Rc::new(view_of(&self.session.borrow(), self.started_ms)),
            terminal,
            log,
            lang,
        })
    }
}

fn run_logged(
    session: &mut Session,
    terminal: &mut Vec<TermLine>,
    log: &mut Vec<LoggedCommand>,
    started_ms: u64,
    line: &str,
) {
    log.push(LoggedCommand {
        at_ms: session.sim.now().saturating_sub(started_ms),
        line: line.to_string(),
    });
    let excess = log.len().saturating_sub(MAX_LOGGED_COMMANDS);
    log.drain(..excess);
    run_into(session, terminal, line);
}

fn run_into(session: &mut Session, terminal: &mut Vec<TermLine>, line: &str) {
    terminal.push(TermLine {
        kind: LineKind::Command,
        text: line.to_string(),
    });
    let out = session.run_line(line);
    for (is_err, chunk) in &out.chunks {
        let kind = if *is_err {
            LineKind::Stderr
        } else {
            LineKind::Stdout
        };
        terminal.extend(chunk.lines().map(|text| TermLine {
            kind,
            text: text.to_string(),
        }));
    }
    let excess = terminal.len().saturating_sub(MAX_TERMINAL_LINES);
    terminal.drain(..excess);
}

fn view_of(session: &Session, started_ms: u64) -> ClusterView {
    let sim = &session.sim;
    let ctx = PrintContext { now_ms: sim.now() };
    let replicas = sim
        .object("statefulsets", NAMESPACE, STATEFULSET)
        .and_then(|sts| sts.i64_at(&["spec", "replicas"]));
    let mut pods: Vec<PodCard> = sim
        .list_refs("pods", Some(NAMESPACE), "")
        .unwrap_or_default()
        .into_iter()
        .filter(|pod| owned_by_statefulset(pod))
        .map(|pod| {
            let (status, ready, _restarts) = pod_status(pod, &ctx);
            PodCard {
                name: pod.str_at(&["metadata", "name"]).to_string(),
                ready,
                status,
                ip: pod.str_at(&["status", "podIP"]).to_string(),
                node: pod.str_at(&["spec", "nodeName"]).to_string(),
            }
        })
        .collect();
    ordinal_model::order::sort_by_key(&mut pods, |p| ordinal_of(&p.name));
    let mut names: Vec<String> = ["pods", "statefulsets", "services"]
        .iter()
        .flat_map(|resource| {
            sim.list_refs(resource, Some(NAMESPACE), "")
                .unwrap_or_default()
        })
        .map(|obj| obj.str_at(&["metadata", "name"]).to_string())
        .collect();
    ordinal_model::order::sort(&mut names);
    names.dedup();
    ClusterView {
        elapsed_s: sim.now().saturating_sub(started_ms) / 1000,
        replicas,
        pods,
        events: events_of(sim, &ctx),
        names: Rc::new(names),
    }
}

/// The newest events as `kubectl get events` prints them, oldest first.
fn events_of(sim: &ordinal_core::Sim, ctx: &PrintContext) -> Vec<EventRow> {
    let mut events = sim
        .list_refs("events", Some(NAMESPACE), "")
        .unwrap_or_default();
    ordinal_model::order::sort_by_key(&mut events, |ev| {
        let last = ev.str_at(&["lastTimestamp"]);
        let stamp = if last.is_empty() {
            ev.str_at(&["eventTime"])
        } else {
            last
        };
        (
            stamp.to_string(),
            ev.str_at(&["metadata", "resourceVersion"])
                .parse::<u64>()
                .unwrap_or(0),
        )
    });
    let skip = events.len().saturating_sub(MAX_SHOWN_EVENTS);
    let table = table_for("Event");
    let column = |name: &str| table.columns.iter().position(|c| c.name == name);
    let cells = [
        column("Last Seen"),
        column("Type"),
        column("Reason"),
        column("Object"),
        column("Message"),
    ];
    events[skip..]
        .iter()
        .map(|ev| {
            let row = (table.row)(ev, ctx);
            let cell = |i: usize| {
                cells[i]
                    .and_then(|c| row.get(c))
                    .cloned()
                    .unwrap_or_default()
            };
            EventRow {
                name: ev.str_at(&["metadata", "name"]).to_string(),
                last_seen: cell(0),
                kind: cell(1),
                reason: cell(2),
                object: cell(3),
                message: cell(4),
            }
        })
        .collect()
}

fn owned_by_statefulset(pod: &Value) -> bool {
    pod.array_at(&["metadata", "ownerReferences"])
        .iter()
        .any(|r| r.str_at(&["kind"]) == "StatefulSet" && r.str_at(&["name"]) == STATEFULSET)
}

fn ordinal_of(name: &str) -> u64 {
    name.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(state: Rc<Playground>, line: &str) -> Rc<Playground> {
        state.reduce(Action::Run(line.to_string()))
    }

    fn settled(mut state: Rc<Playground>) -> Rc<Playground> {
        for _ in 0..200 {
            state = state.reduce(Action::Tick(1_000));
        }
        state
    }

    #[test]
    fn errors_are_stderr_lines_and_commands_are_logged() {
        let state = run(Rc::new(Playground::default()), "kubectl get pod nope");
        let last = state.terminal.last().expect("output");
        assert_eq!(last.kind, LineKind::Stderr);
        assert!(last.text.contains("\"nope\" not found"), "{}", last.text);
        assert_eq!(
            state.log.last().map(|c| c.line.as_str()),
            Some("kubectl get pod nope")
        );
    }

    #[test]
    fn replaying_the_log_brings_the_cluster_back() {
        let state = settled(Rc::new(Playground::default()));
        let state = settled(state.reduce(Action::Scale(2)));
        assert_eq!(state.view.pods.len(), 4);
        let restored = Playground::restore(SimConfig::default(), Lang::Zh, &state.log);
        assert_eq!(restored.view.replicas, Some(4));
        assert_eq!(restored.lang, Lang::Zh);
        let restored = settled(Rc::new(restored));
        assert_eq!(restored.view.pods, state.view.pods);
    }

    #[test]
    fn events_show_the_statefulset_creating_pods_newest_last() {
        let state = settled(Rc::new(Playground::default()));
        let events = &state.view.events;
        assert!(events.len() <= MAX_SHOWN_EVENTS);
        let creates: Vec<&str> = events
            .iter()
            .filter(|e| e.reason == "SuccessfulCreate")
            .map(|e| e.message.as_str())
            .collect();
        assert!(
            creates.first().is_some_and(|m| m.contains("Pod web-0")),
            "{events:?}"
        );
    }

    #[test]
    fn reset_forgets_the_log_but_keeps_the_language() {
        let state = run(Rc::new(Playground::default()), "kubectl get pods")
            .reduce(Action::SetLang(Lang::Zh))
            .reduce(Action::Reset);
        assert!(state.log.is_empty());
        assert_eq!(state.lang, Lang::Zh);
    }
}
